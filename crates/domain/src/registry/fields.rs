//! One parser for a unit of the registry, whoever sends it: the enterprise form and the
//! register import hand over a [`RawEnterprise`] of strings and get back the same
//! [`EnterpriseFields`] or the same [`FieldErrors`] ("1,200人", 是/否/√/×, 专精特新 as
//! registers write it, an industry by code or name, a town by code or by name).

use super::{EnterpriseInput, SrdiLevel, UnitKind};
use crate::codes::parse_bool;
use crate::fields::{FieldErrors, count_field, date_field, optional};
use crate::limits::NAME_CHARS;
use crate::matching::industry_field;
use crate::region::RegionLevel;
use crate::text::{compact, normalize};
use crate::{Phone, RegionCode, Uscc};

/// A unit as typed or as a register row holds it: every field a string, empty when not given.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawEnterprise {
    /// 单位类型; an enterprise when empty.
    pub kind: String,
    pub name: String,
    pub uscc: String,
    /// A town code (310117105) or a town's name in the district (新桥镇, 新桥).
    pub town: String,
    pub park: String,
    pub industry: String,
    pub employees: String,
    pub high_tech: String,
    pub above_scale: String,
    pub srdi: String,
    pub listed: String,
    pub key_project: String,
    pub founded_on: String,
    pub address: String,
    pub contact_name: String,
    pub contact_phone: String,
}

/// The keys of the fields: the form's input names.
pub mod key {
    pub const KIND: &str = "kind";
    pub const NAME: &str = "name";
    pub const USCC: &str = "uscc";
    pub const TOWN: &str = "town";
    pub const PARK: &str = "park";
    pub const INDUSTRY: &str = "industry";
    pub const EMPLOYEES: &str = "employees";
    pub const HIGH_TECH: &str = "high_tech";
    pub const ABOVE_SCALE: &str = "above_scale";
    pub const SRDI: &str = "srdi";
    pub const LISTED: &str = "listed";
    pub const KEY_PROJECT: &str = "key_project";
    pub const FOUNDED_ON: &str = "founded_on";
    pub const ADDRESS: &str = "address";
    pub const CONTACT_NAME: &str = "contact_name";
    pub const CONTACT_PHONE: &str = "contact_phone";
}

/// A unit once every field is valid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnterpriseFields {
    pub kind: UnitKind,
    pub input: EnterpriseInput,
}

/// A town of `district`: its code, or its name as offices write it.
pub fn town_field(district: &RegionCode, value: &str) -> Result<RegionCode, String> {
    let value = normalize(value);
    if value.is_empty() {
        return Err("所属街镇：不能为空".to_owned());
    }
    let code = compact(&value);
    if code.chars().all(|c| c.is_ascii_digit()) {
        return match RegionCode::parse(&code) {
            Ok(r) if r.level() == RegionLevel::Town && r.is_within(district) => Ok(r),
            Ok(r) => Err(format!("所属街镇：{}（{}）不是{}的街镇", r.full_name(), r, district.name())),
            Err(e) => Err(format!("所属街镇：{e}")),
        };
    }
    match district.find_child_by_name(&value) {
        Some(r) if r.level() == RegionLevel::Town => Ok(r),
        _ => Err(format!("所属街镇：“{value}”不在{}的街镇中", district.name())),
    }
}

impl EnterpriseFields {
    /// Every field checked, every problem reported at once, towns resolved in `district`.
    pub fn parse(raw: &RawEnterprise, district: &RegionCode) -> Result<EnterpriseFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let kind = if normalize(&raw.kind).is_empty() {
            Some(UnitKind::Enterprise)
        } else {
            errors.take(key::KIND, UnitKind::parse(&raw.kind))
        };
        let name = normalize(&raw.name);
        if name.is_empty() {
            let what = if kind.unwrap_or(UnitKind::Enterprise) == UnitKind::Enterprise { "企业" } else { "单位" };
            errors.push(key::NAME, format!("{what}名称：不能为空"));
        }
        errors.limit(key::NAME, "名称", &raw.name, NAME_CHARS);
        errors.limit(key::PARK, "所在园区", &raw.park, NAME_CHARS);
        errors.limit(key::ADDRESS, "地址", &raw.address, NAME_CHARS);
        errors.limit(key::CONTACT_NAME, "联系人", &raw.contact_name, NAME_CHARS);
        let uscc = errors.take(key::USCC, Uscc::parse(&raw.uscc));
        let town = errors.take(key::TOWN, town_field(district, &raw.town));
        let industry = errors.take(key::INDUSTRY, industry_field(&raw.industry)).flatten();
        let employees = errors.take(key::EMPLOYEES, count_field("从业人数", &raw.employees, &["人"])).flatten();
        let mut flag = |k: &'static str, label: &'static str, v: &str| errors.take(k, parse_bool(label, v));
        let high_tech = flag(key::HIGH_TECH, "是否高新技术企业", &raw.high_tech);
        let above_scale = flag(key::ABOVE_SCALE, "是否规上企业", &raw.above_scale);
        let listed = flag(key::LISTED, "是否上市", &raw.listed);
        let key_project = flag(key::KEY_PROJECT, "是否重点项目", &raw.key_project);
        let srdi = errors.take(key::SRDI, SrdiLevel::parse(&raw.srdi));
        let founded_on = errors.take(key::FOUNDED_ON, date_field("成立日期", &raw.founded_on)).flatten();
        let contact_phone = match optional(&raw.contact_phone) {
            None => None,
            Some(p) => errors.take(key::CONTACT_PHONE, Phone::parse(&p)),
        };
        match (kind, uscc, town, high_tech, above_scale, listed, key_project, srdi) {
            (
                Some(kind),
                Some(uscc),
                Some(town),
                Some(high_tech),
                Some(above_scale),
                Some(listed),
                Some(key_project),
                Some(srdi),
            ) if errors.is_empty() => Ok(EnterpriseFields {
                kind,
                input: EnterpriseInput {
                    name,
                    uscc,
                    town,
                    park: optional(&raw.park),
                    industry,
                    employees,
                    high_tech,
                    above_scale,
                    srdi,
                    listed,
                    key_project,
                    founded_on,
                    address: optional(&raw.address),
                    contact_name: optional(&raw.contact_name),
                    contact_phone,
                },
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn songjiang() -> RegionCode {
        RegionCode::parse("310117").unwrap()
    }

    fn uscc() -> String {
        Uscc::from_body("91310117000000001").unwrap().to_string()
    }

    fn raw() -> RawEnterprise {
        RawEnterprise {
            name: "上海甲电气有限公司".into(),
            uscc: uscc(),
            town: "新桥镇".into(),
            ..RawEnterprise::default()
        }
    }

    #[test]
    fn values_as_registers_write_them() {
        let f = EnterpriseFields::parse(
            &RawEnterprise {
                employees: "1,200人".into(),
                high_tech: "√".into(),
                above_scale: "Y".into(),
                listed: "否".into(),
                srdi: "国家级专精特新小巨人企业".into(),
                founded_on: "2019年3月5日".into(),
                industry: "专项化学用品制造".into(),
                ..raw()
            },
            &songjiang(),
        )
        .unwrap();
        assert_eq!(f.kind, UnitKind::Enterprise);
        assert_eq!(f.input.employees, Some(1200));
        assert!(f.input.high_tech && f.input.above_scale && !f.input.listed);
        assert_eq!(f.input.srdi, SrdiLevel::National);
        assert_eq!(f.input.town.name(), "新桥镇");
        assert_eq!(f.input.industry.map(|i| i.to_string()), Some("2662".to_owned()));
        let f = EnterpriseFields::parse(
            &RawEnterprise { srdi: "municipal".into(), kind: "学校".into(), ..raw() },
            &songjiang(),
        )
        .unwrap();
        assert_eq!((f.kind, f.input.srdi), (UnitKind::School, SrdiLevel::Municipal));
    }

    #[test]
    fn every_problem_is_named_by_its_field() {
        let e = EnterpriseFields::parse(
            &RawEnterprise {
                kind: "castle".into(),
                name: " ".into(),
                uscc: "91310117000000000X".into(),
                town: "火星镇".into(),
                employees: "一百".into(),
                high_tech: "也许".into(),
                srdi: "省级".into(),
                contact_phone: "123".into(),
                ..RawEnterprise::default()
            },
            &songjiang(),
        )
        .unwrap_err();
        assert_eq!(e.keys(), vec!["kind", "name", "uscc", "town", "employees", "high_tech", "srdi", "contact_phone"]);
        assert!(e.get("kind").unwrap().starts_with("单位类型：“castle”无法识别，可填：企业"));
        assert_eq!(e.get("name"), Some("企业名称：不能为空"), "an unknown kind is named as an enterprise");
        assert_eq!(e.get("town"), Some("所属街镇：“火星镇”不在松江区的街镇中"));
        assert_eq!(e.get("employees"), Some("从业人数：“一百”不是整数"));
        assert!(e.get("high_tech").unwrap().starts_with("是否高新技术企业：“也许”无法识别"));
    }
}
