//! The audit text of a change to an enterprise's registered facts, one wording for the form
//! and the import: every field that changes, old → new, flags as 是/否, nothing as （空）,
//! the park by name and the phone only as 已更改 (the log holds no personal data in clear).

use qunlian_domain::registry::EnterpriseInput;

use crate::entity::unit;
use crate::shared::{industry_name, town_name};

/// The parts of the text, in the register's column order.
pub(super) struct UnitChanges(Vec<String>);

impl UnitChanges {
    /// `old` as stored against `new` as the form or the file gives it; `parks` are the two
    /// park names when the park changes, `phone_changed` whether the stored phone does.
    pub(super) fn between(
        old: &unit::Model,
        new: &EnterpriseInput,
        parks: Option<(String, String)>,
        phone_changed: bool,
    ) -> UnitChanges {
        let mut out = UnitChanges(Vec::new());
        out.diff("名称", old.name.clone(), new.name.clone());
        out.diff("街镇", town_name(&old.town_code), new.town.name().to_owned());
        if let Some((a, b)) = parks {
            out.diff("园区", a, b);
        }
        out.diff("行业", industry(old.industry_code.as_deref()), industry(new.industry.as_ref().map(|i| i.as_str())));
        out.diff("从业人数", opt(old.employees), opt(new.employees));
        out.diff("高新", yes_no(old.high_tech), yes_no(new.high_tech));
        out.diff("规上", yes_no(old.above_scale), yes_no(new.above_scale));
        out.diff("专精特新", old.srdi.label().to_owned(), new.srdi.label().to_owned());
        out.diff("上市", yes_no(old.listed), yes_no(new.listed));
        out.diff("重点项目", yes_no(old.key_project), yes_no(new.key_project));
        out.diff("成立日期", opt(old.founded_on), opt(new.founded_on));
        out.diff("地址", opt(old.address.as_ref()), opt(new.address.as_ref()));
        out.diff("联系人", opt(old.contact_name.as_ref()), opt(new.contact_name.as_ref()));
        if phone_changed {
            out.0.push("联系电话：已更改".to_owned());
        }
        out
    }

    /// Another field of the same text (the form also changes the unit's kind).
    pub(super) fn diff(&mut self, label: &str, old: String, new: String) {
        if old != new {
            self.0.push(format!("{label}：{} → {}", or_none(&old), or_none(&new)));
        }
    }

    /// The parts joined, or 无变化.
    pub(super) fn text(&self) -> String {
        if self.0.is_empty() { "无变化".to_owned() } else { self.0.join("；") }
    }
}

fn or_none(s: &str) -> &str {
    if s.is_empty() { "（空）" } else { s }
}

/// “3421 金属切削机床制造”: the code as stored and its name.
fn industry(code: Option<&str>) -> String {
    match (code, industry_name(code)) {
        (Some(code), Some(name)) if name != code => format!("{code} {name}"),
        (code, _) => opt(code),
    }
}

fn opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

pub(super) fn yes_no(b: bool) -> String {
    if b { "是" } else { "否" }.to_owned()
}
