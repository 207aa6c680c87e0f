//! The policy library (惠企政策): where a policy stands on a day, the fields a policy is
//! written with (one parser for the form and any import), its eligibility rule in the
//! language of coverage categories, and where a push goes. The store turns the rule into SQL
//! and the target into a scope; what is valid is decided here.

use chrono::NaiveDate;

use crate::RegionCode;
use crate::auth::ClusterId;
use crate::codes::{CodeError, labelled_enum};
use crate::fields::{FieldErrors, date_field};
use crate::limits::{NAME_CHARS, TEXT_CHARS};
use crate::rules::Rule;
use crate::text::normalize;

labelled_enum!(
    /// Where a policy stands on a day.
    Validity: "有效性" {
        Valid = "valid", "有效", ["在有效期内", "生效"];
        Upcoming = "upcoming", "未生效", ["尚未生效"];
        Expired = "expired", "已失效", ["失效", "过期", "已过期"];
    }
);

impl Validity {
    /// In force today: it may be pushed.
    pub fn is_valid(self) -> bool {
        self == Validity::Valid
    }

    /// A policy in force from `from` to `until` inclusive (`until` None: 长期有效), on `day`.
    pub fn on(day: NaiveDate, from: NaiveDate, until: Option<NaiveDate>) -> Validity {
        if day < from {
            Validity::Upcoming
        } else if until.is_some_and(|u| day > u) {
            Validity::Expired
        } else {
            Validity::Valid
        }
    }
}

/// "2024-01-01 至 2026-12-31", or "2024-01-01 起长期有效".
pub fn period(from: NaiveDate, until: Option<NaiveDate>) -> String {
    match until {
        Some(u) => format!("{} 至 {}", from.format("%Y-%m-%d"), u.format("%Y-%m-%d")),
        None => format!("{} 起长期有效", from.format("%Y-%m-%d")),
    }
}

/// Where a push goes: the pusher's whole scope, or a town or a cluster inside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PushTarget {
    Own,
    Town(RegionCode),
    Cluster(ClusterId),
}

impl PushTarget {
    /// `own`, `town:310117105`, `cluster:3`.
    pub fn code(&self) -> String {
        match self {
            PushTarget::Own => "own".to_owned(),
            PushTarget::Town(r) => format!("town:{r}"),
            PushTarget::Cluster(c) => format!("cluster:{c}"),
        }
    }

    /// The value a select sent; empty is the whole scope. No fallback: anything else is refused.
    pub fn from_code(code: &str) -> Result<PushTarget, CodeError> {
        let code = code.trim();
        let refuse = || CodeError {
            field: "推送范围",
            value: code.to_owned(),
            accepted: "own（本辖区）、town:街镇代码、cluster:集群编号".to_owned(),
        };
        match code.split_once(':') {
            None if code == "own" || code.is_empty() => Ok(PushTarget::Own),
            Some(("town", v)) => RegionCode::parse(v).map(PushTarget::Town).map_err(|_| refuse()),
            Some(("cluster", v)) => v.parse().map(|id| PushTarget::Cluster(ClusterId(id))).map_err(|_| refuse()),
            _ => Err(refuse()),
        }
    }
}

/// A policy as typed in the form: every field a string.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawPolicy {
    pub title: String,
    /// The issuing department's unit id, as the select sends it.
    pub department: String,
    pub doc_number: String,
    pub valid_from: String,
    pub valid_until: String,
    pub content: String,
    pub rule: String,
}

pub mod key {
    pub const TITLE: &str = "title";
    pub const DEPARTMENT: &str = "department";
    pub const DOC_NUMBER: &str = "doc_number";
    pub const VALID_FROM: &str = "valid_from";
    pub const VALID_UNTIL: &str = "valid_until";
    pub const CONTENT: &str = "content";
    pub const RULE: &str = "rule";
}

/// A policy's fields once checked; the store still checks the department exists and the
/// rule's categories resolve.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyFields {
    pub title: String,
    pub department_id: i64,
    pub doc_number: String,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub content: String,
    pub rule: Rule,
}

impl PolicyFields {
    pub fn parse(raw: &RawPolicy) -> Result<PolicyFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = normalize(&raw.title);
        if title.is_empty() {
            errors.push(key::TITLE, "政策名称：不能为空");
        }
        errors.limit(key::TITLE, "政策名称", &raw.title, NAME_CHARS);
        errors.limit(key::DOC_NUMBER, "文号", &raw.doc_number, NAME_CHARS);
        errors.limit(key::CONTENT, "政策内容", &raw.content, TEXT_CHARS);
        let department_id = match crate::text::compact(&raw.department).parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.push(key::DEPARTMENT, "发文部门：请选择");
                None
            }
        };
        let valid_from = match date_field("生效日期", &raw.valid_from) {
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                errors.push(key::VALID_FROM, "生效日期：不能为空");
                None
            }
            Err(e) => {
                errors.push(key::VALID_FROM, e);
                None
            }
        };
        let valid_until = errors.take(key::VALID_UNTIL, date_field("截止日期", &raw.valid_until)).flatten();
        if let (Some(f), Some(u)) = (valid_from, valid_until)
            && u < f
        {
            errors.push(key::VALID_UNTIL, "有效期：截止日期早于起始日期");
        }
        let rule = errors.take(key::RULE, Rule::parse(raw.rule.trim()).map_err(|e| format!("适用条件：{e}")));
        match (department_id, valid_from, rule) {
            (Some(department_id), Some(valid_from), Some(rule)) if errors.is_empty() => Ok(PolicyFields {
                title,
                department_id,
                doc_number: normalize(&raw.doc_number),
                valid_from,
                valid_until,
                content: raw.content.trim().replace("\r\n", "\n"),
                rule,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        crate::fields::parse_date(s).unwrap()
    }

    #[test]
    fn validity_follows_the_period() {
        let (from, until) = (d("2026-01-01"), Some(d("2026-12-31")));
        assert_eq!(Validity::on(d("2025-12-31"), from, until), Validity::Upcoming);
        assert_eq!(Validity::on(d("2026-12-31"), from, until), Validity::Valid);
        assert_eq!(Validity::on(d("2027-01-01"), from, until), Validity::Expired);
        assert_eq!(Validity::on(d("2099-01-01"), from, None), Validity::Valid);
        assert_eq!(period(from, None), "2026-01-01 起长期有效");
        assert_eq!(Validity::parse("过期"), Ok(Validity::Expired));
    }

    #[test]
    fn push_targets_round_trip_and_refuse() {
        for t in [PushTarget::Own, PushTarget::Cluster(ClusterId(3))] {
            assert_eq!(PushTarget::from_code(&t.code()), Ok(t));
        }
        assert_eq!(PushTarget::from_code(""), Ok(PushTarget::Own));
        let e = PushTarget::from_code("galaxy:1").unwrap_err();
        assert!(e.to_string().starts_with("推送范围：“galaxy:1”无法识别"), "{e}");
        assert!(PushTarget::from_code("cluster:x").is_err());
    }

    #[test]
    fn a_policy_form_reports_every_field() {
        let raw = RawPolicy {
            title: " 研发费用补贴 ".into(),
            department: "7".into(),
            valid_from: "2026/1/1".into(),
            rule: "高新技术企业 且 从业人数>=100".into(),
            ..RawPolicy::default()
        };
        let p = PolicyFields::parse(&raw).unwrap();
        assert_eq!((p.title.as_str(), p.department_id, p.valid_until), ("研发费用补贴", 7, None));
        let e = PolicyFields::parse(&RawPolicy {
            title: String::new(),
            department: String::new(),
            valid_from: "2026-12-01".into(),
            valid_until: "2026-01-01".into(),
            rule: "高新技术企业 且".into(),
            ..RawPolicy::default()
        })
        .unwrap_err();
        assert_eq!(e.keys(), vec!["title", "department", "valid_until", "rule"]);
    }
}
