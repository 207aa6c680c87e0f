//! The parsers of a work group's forms, used by the page and the store alike: the work group
//! with its temporary branch ([`WorkgroupFields::parse`]), its end (撤销, [`EndFields::parse`])
//! and its extension (延期, [`ExtendFields::parse`]).

use chrono::NaiveDate;

use super::WorkgroupKind;
use crate::fields::FieldErrors;
use crate::fields::form::{chosen, chosen_ids, date, maybe_chosen, optional, required};
use crate::limits::{DETAIL_CHARS, NAME_CHARS, NOTE_CHARS};

/// A temporary branch needs at least this many members (党章: 正式党员三人以上).
pub const MIN_MEMBERS: usize = 3;

/// A work group as the form or the API sends it. `town` is the town's region code; `units`
/// the other units of the work group ticked (the lead unit is one of them anyway);
/// `members` the members ticked from the register.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct RawWorkgroup {
    pub name: String,
    pub kind: String,
    pub town: String,
    pub cluster: String,
    pub lead_unit: String,
    pub units: Vec<String>,
    pub started_on: String,
    pub planned_end_on: String,
    pub description: String,
    pub parent_org: String,
    pub branch_name: String,
    pub secretary: String,
    pub members: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkgroupFields {
    pub name: String,
    pub kind: WorkgroupKind,
    pub town: crate::RegionCode,
    pub cluster: Option<i64>,
    pub lead_unit: i64,
    /// Every unit of the work group, the lead unit first, each once.
    pub units: Vec<i64>,
    pub started_on: NaiveDate,
    pub planned_end_on: NaiveDate,
    pub description: String,
    /// The organisation the temporary branch stands under.
    pub parent_org: i64,
    pub branch_name: String,
    pub secretary: Option<String>,
    /// The members taking part (临时参加), each once; their relation stays where it is.
    pub members: Vec<i64>,
}

impl WorkgroupFields {
    pub fn parse(raw: &RawWorkgroup) -> Result<WorkgroupFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let name = required(&mut e, "name", "项目名称", &raw.name, NAME_CHARS);
        let kind = if raw.kind.trim().is_empty() {
            e.push("kind", "项目类型：请选择");
            None
        } else {
            e.take("kind", WorkgroupKind::parse(&raw.kind))
        };
        let town = if raw.town.trim().is_empty() {
            e.push("town", "所属街镇：请选择");
            None
        } else {
            let r = e.take("town", crate::RegionCode::parse(&raw.town).map_err(|m| format!("所属街镇：{m}")));
            if r.is_some_and(|r| r.level() != crate::region::RegionLevel::Town) {
                e.push("town", "所属街镇：应选择一个街镇");
            }
            r
        };
        let cluster = maybe_chosen(&mut e, "cluster", "所属集群", &raw.cluster);
        let lead_unit = chosen(&mut e, "lead_unit", "牵头单位", &raw.lead_unit);
        let mut units: Vec<i64> = lead_unit.into_iter().collect();
        for id in chosen_ids(&mut e, "units", "工作组成员单位", &raw.units) {
            if !units.contains(&id) {
                units.push(id);
            }
        }
        if lead_unit.is_some() && units.len() < 2 && !e.keys().contains(&"units") {
            e.push("units", "工作组成员单位：项目工作组应由牵头单位和至少一个其他单位组成");
        }
        let started_on = date(&mut e, "started_on", "开始日期", &raw.started_on, true);
        let planned_end_on = date(&mut e, "planned_end_on", "计划结束日期", &raw.planned_end_on, true);
        if let (Some(s), Some(p)) = (started_on, planned_end_on)
            && p <= s
        {
            e.push("planned_end_on", format!("计划结束日期：应晚于开始日期 {s}"));
        }
        let description = optional(&mut e, "description", "项目简介", &raw.description, DETAIL_CHARS);
        let parent_org = chosen(&mut e, "parent_org", "上级党组织", &raw.parent_org);
        let branch_name = required(&mut e, "branch_name", "临时党支部名称", &raw.branch_name, NAME_CHARS);
        let secretary = optional(&mut e, "secretary", "临时党支部书记", &raw.secretary, NAME_CHARS);
        let members = chosen_ids(&mut e, "members", "临时参加党员", &raw.members);
        if members.len() < MIN_MEMBERS && !e.keys().contains(&"members") {
            e.push(
                "members",
                format!("临时参加党员：临时党支部应有{MIN_MEMBERS}名以上党员（现选{}名）", members.len()),
            );
        }
        match (kind, town, lead_unit, started_on, planned_end_on, parent_org) {
            (Some(kind), Some(town), Some(lead_unit), Some(started_on), Some(planned_end_on), Some(parent_org))
                if e.is_empty() =>
            {
                Ok(WorkgroupFields {
                    name,
                    kind,
                    town,
                    cluster,
                    lead_unit,
                    units,
                    started_on,
                    planned_end_on,
                    description,
                    parent_org,
                    branch_name,
                    secretary: Some(secretary).filter(|s| !s.is_empty()),
                    members,
                })
            }
            _ => Err(e),
        }
    }
}

/// 撤销 as the form sends it: the day the branch ended and why.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct RawEnd {
    pub ended_on: String,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndFields {
    pub ended_on: NaiveDate,
    pub reason: String,
}

impl EndFields {
    pub fn parse(raw: &RawEnd) -> Result<EndFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let ended_on = date(&mut e, "ended_on", "撤销日期", &raw.ended_on, true);
        let reason = required(&mut e, "reason", "撤销原因", &raw.reason, NOTE_CHARS);
        e.or_value(ended_on.map(|ended_on| EndFields { ended_on, reason }))
    }
}

/// 延期 as the form sends it: the new planned end and why.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct RawExtend {
    pub planned_end_on: String,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtendFields {
    pub planned_end_on: NaiveDate,
    pub reason: String,
}

impl ExtendFields {
    pub fn parse(raw: &RawExtend) -> Result<ExtendFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let planned_end_on = date(&mut e, "planned_end_on", "新的计划结束日期", &raw.planned_end_on, true);
        let reason = required(&mut e, "reason", "延期原因", &raw.reason, NOTE_CHARS);
        e.or_value(planned_end_on.map(|planned_end_on| ExtendFields { planned_end_on, reason }))
    }
}

/// A member joining (加入) or leaving (退出) the temporary branch, as the form sends it: the
/// member and the day.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct RawMemberChange {
    pub member: String,
    pub on: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberChange {
    pub member: i64,
    pub on: NaiveDate,
}

impl MemberChange {
    /// `day` names the day's field: 加入日期 or 退出日期.
    pub fn parse(raw: &RawMemberChange, day: &str) -> Result<MemberChange, FieldErrors> {
        let mut e = FieldErrors::new();
        let member = chosen(&mut e, "member", "党员", &raw.member);
        let on = date(&mut e, "on", day, &raw.on, true);
        e.or_value(member.zip(on).map(|(member, on)| MemberChange { member, on }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw() -> RawWorkgroup {
        RawWorkgroup {
            name: " 装备制造招商项目工作组 ".into(),
            kind: "招商引资".into(),
            town: "310117102".into(),
            cluster: "".into(),
            lead_unit: "3".into(),
            units: vec!["4".into(), "3".into(), "5".into()],
            started_on: "2026-09-01".into(),
            planned_end_on: "2026年12月31日".into(),
            description: "".into(),
            parent_org: "7".into(),
            branch_name: "装备制造招商项目临时党支部".into(),
            secretary: "".into(),
            members: vec!["11".into(), "12".into(), "13".into(), "12".into()],
        }
    }

    #[test]
    fn a_work_group_reads_as_offices_write_it() {
        let f = WorkgroupFields::parse(&raw()).unwrap();
        assert_eq!(f.name, "装备制造招商项目工作组");
        assert_eq!(f.kind, WorkgroupKind::Investment);
        assert_eq!(f.units, vec![3, 4, 5], "the lead unit first, each once");
        assert_eq!(f.members, vec![11, 12, 13]);
        assert_eq!(f.planned_end_on, NaiveDate::from_ymd_opt(2026, 12, 31).unwrap());
        assert_eq!(f.secretary, None);
    }

    #[test]
    fn every_refused_field_is_named() {
        let e = WorkgroupFields::parse(&RawWorkgroup {
            kind: "党建".into(),
            units: vec![],
            planned_end_on: "2026-08-01".into(),
            parent_org: "x".into(),
            members: vec!["11".into(), "12".into()],
            ..raw()
        })
        .unwrap_err();
        assert_eq!(e.keys(), vec!["kind", "units", "planned_end_on", "parent_org", "members"]);
        assert!(e.get("members").unwrap().contains("3名以上"), "{e}");
        assert!(e.get("planned_end_on").unwrap().contains("应晚于开始日期"), "{e}");
    }

    #[test]
    fn an_end_and_an_extension_say_when_and_why() {
        let end = EndFields::parse(&RawEnd { ended_on: "2026-12-01".into(), reason: "项目落地".into() }).unwrap();
        assert_eq!(end.reason, "项目落地");
        let e = EndFields::parse(&RawEnd { ended_on: "".into(), reason: " ".into() }).unwrap_err();
        assert_eq!(e.keys(), vec!["ended_on", "reason"]);
        let e =
            ExtendFields::parse(&RawExtend { planned_end_on: "明年".into(), reason: "洽谈未完".into() }).unwrap_err();
        assert!(e.get("planned_end_on").unwrap().starts_with("新的计划结束日期"), "{e}");
    }
}
