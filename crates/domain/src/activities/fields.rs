//! The parsers of an activity's forms, one per input, used by the page and the API alike:
//! [`ActivityFields::parse`] for the activity, [`RaisedIssueFields::parse`] for an issue
//! raised at it that becomes a need (要素需求) or a service request (服务诉求) in one step.

use chrono::NaiveDate;

use super::{ActivityKind, IssueTarget, OrganiserKind};
use crate::fields::FieldErrors;
use crate::fields::form::{chosen, chosen_ids, date, optional, required};
use crate::limits::{DETAIL_CHARS, NAME_CHARS, TEXT_CHARS, echo};
use crate::matching::{ListingFields, RawListing};

/// At most this many people at one activity (a headcount above it is a typing slip).
pub const MAX_HEADCOUNT: u32 = 10_000;

/// An activity as the form or the API sends it. `organiser` is `org:ID`, `cluster:ID` or
/// `alliance:ID`; `units` the registered enterprises ticked; `attendees` the members ticked.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct RawActivity {
    pub organiser: String,
    pub kind: String,
    pub subject: String,
    pub held_on: String,
    pub place: String,
    pub units: Vec<String>,
    pub headcount: String,
    pub attendees: Vec<String>,
    pub minutes: String,
    /// The Party group (党小组) holding a 党小组会: its id, or empty.
    pub party_group: String,
}

/// Who organised an activity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Organiser {
    pub kind: OrganiserKind,
    pub id: i64,
}

impl Organiser {
    /// `org:12` as the select sends it.
    pub fn parse(s: &str) -> Option<Organiser> {
        let (kind, id) = s.trim().split_once(':')?;
        let kind = OrganiserKind::from_code(kind).ok()?;
        let id = id.parse::<i64>().ok().filter(|n| *n > 0)?;
        Some(Organiser { kind, id })
    }

    /// The select's value.
    pub fn value(&self) -> String {
        format!("{}:{}", self.kind.code(), self.id)
    }
}

/// Who came: a headcount, or the members by name (the count is then theirs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Attendance {
    Headcount(u32),
    Named(Vec<i64>),
}

impl Attendance {
    pub fn count(&self) -> u32 {
        match self {
            Attendance::Headcount(n) => *n,
            Attendance::Named(m) => m.len() as u32,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActivityFields {
    pub organiser: Organiser,
    pub kind: ActivityKind,
    pub subject: String,
    pub held_on: NaiveDate,
    pub place: String,
    /// The enterprises taking part, each once.
    pub units: Vec<i64>,
    pub attendance: Attendance,
    pub minutes: String,
    /// The Party group that held a 党小组会 (the store requires one then, of the organiser).
    pub party_group: Option<i64>,
}

impl ActivityFields {
    pub fn parse(raw: &RawActivity) -> Result<ActivityFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let organiser = if raw.organiser.trim().is_empty() {
            e.push("organiser", "组织方：请选择");
            None
        } else {
            let o = Organiser::parse(&raw.organiser);
            if o.is_none() {
                e.push("organiser", format!("组织方：“{}”不是列表中的选项", echo(&raw.organiser)));
            }
            o
        };
        let kind = if raw.kind.trim().is_empty() {
            e.push("kind", "活动类型：请选择");
            None
        } else {
            e.take("kind", ActivityKind::parse(&raw.kind))
        };
        let subject = required(&mut e, "subject", "活动主题", &raw.subject, NAME_CHARS);
        let held_on = date(&mut e, "held_on", "活动日期", &raw.held_on, true);
        let place = required(&mut e, "place", "活动地点", &raw.place, NAME_CHARS);
        let units = chosen_ids(&mut e, "units", "参加单位", &raw.units);
        let attendees = chosen_ids(&mut e, "attendees", "参加党员", &raw.attendees);
        let headcount = raw.headcount.trim();
        let attendance = if !attendees.is_empty() {
            Some(Attendance::Named(attendees))
        } else if headcount.is_empty() {
            if !e.keys().contains(&"attendees") {
                e.push("headcount", "参加人数：请填写人数，或勾选参加的党员");
            }
            None
        } else {
            match crate::fields::count_field("参加人数", headcount, &["人", "名"]) {
                Ok(Some(n)) if n > 0 && n <= MAX_HEADCOUNT => Some(Attendance::Headcount(n)),
                Ok(_) => {
                    e.push("headcount", format!("参加人数：应为 1 至 {MAX_HEADCOUNT} 的整数"));
                    None
                }
                Err(m) => {
                    e.push("headcount", m);
                    None
                }
            }
        };
        let minutes = optional(&mut e, "minutes", "会议记录", &raw.minutes, TEXT_CHARS);
        // Only a 党小组会 names a group; another kind's choice is not kept.
        let party_group = if raw.party_group.trim().is_empty() || kind != Some(ActivityKind::GroupMeeting) {
            None
        } else {
            chosen(&mut e, "party_group", "党小组", &raw.party_group)
        };
        match (organiser, kind, held_on, attendance) {
            (Some(organiser), Some(kind), Some(held_on), Some(attendance)) if e.is_empty() => {
                Ok(ActivityFields { organiser, kind, subject, held_on, place, units, attendance, minutes, party_group })
            }
            _ => Err(e),
        }
    }
}

/// An issue raised at an activity, as its form sends it: what it becomes, for which unit
/// (one that took part), its title and text; a need's category and validity, or a service
/// request's catalogue item.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct RawRaisedIssue {
    pub target: String,
    pub unit: String,
    pub title: String,
    pub description: String,
    pub category: String,
    pub valid_until: String,
    pub item: String,
}

/// What the issue becomes.
#[derive(Clone, Debug, PartialEq)]
pub enum Raised {
    /// A need (要素需求) of the unit, published as a listing.
    Listing(ListingFields),
    /// A service request of the unit, for this catalogue item.
    ServiceRequest { item: i64 },
}

#[derive(Clone, Debug, PartialEq)]
pub struct RaisedIssueFields {
    pub unit: i64,
    pub title: String,
    pub description: String,
    pub raised: Raised,
}

impl RaisedIssueFields {
    pub fn parse(raw: &RawRaisedIssue) -> Result<RaisedIssueFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let target = if raw.target.trim().is_empty() {
            e.push("target", "转为：请选择要素需求或服务诉求");
            None
        } else {
            e.take("target", IssueTarget::parse(&raw.target))
        };
        let unit = chosen(&mut e, "unit", "提出单位", &raw.unit);
        let title = required(&mut e, "title", "问题", &raw.title, 100);
        let description = optional(&mut e, "description", "说明", &raw.description, DETAIL_CHARS);
        let raised = match target {
            Some(IssueTarget::Listing) => {
                let listing = RawListing {
                    kind: "need".into(),
                    category: raw.category.clone(),
                    title: raw.title.clone(),
                    description: raw.description.clone(),
                    valid_until: raw.valid_until.clone(),
                    ..Default::default()
                };
                match ListingFields::parse(&listing) {
                    Ok(f) => Some(Raised::Listing(f)),
                    Err(errors) => {
                        for key in ["category", "valid_until"] {
                            if let Some(m) = errors.get(key) {
                                e.push(key, m.to_owned());
                            }
                        }
                        None
                    }
                }
            }
            Some(IssueTarget::ServiceRequest) => {
                chosen(&mut e, "item", "服务事项", &raw.item).map(|item| Raised::ServiceRequest { item })
            }
            None => None,
        };
        e.or_value(unit.zip(raised).map(|(unit, raised)| RaisedIssueFields { unit, title, description, raised }))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn raw() -> RawActivity {
        RawActivity {
            organiser: "org:7".into(),
            kind: "座谈会".into(),
            subject: "装备产业链座谈".into(),
            held_on: "2026/11/5".into(),
            place: "新桥镇党群服务中心".into(),
            units: vec!["3".into(), "4".into(), "3".into()],
            headcount: "12人".into(),
            ..Default::default()
        }
    }

    #[test]
    fn only_a_group_meeting_names_its_party_group() {
        let group = |kind: &str, g: &str| {
            ActivityFields::parse(&RawActivity { kind: kind.into(), party_group: g.into(), ..raw() })
                .map(|f| f.party_group)
        };
        assert_eq!(group("党小组会", "5"), Ok(Some(5)));
        assert_eq!(group("党小组会", ""), Ok(None), "the store decides whether one is needed");
        assert_eq!(group("座谈会", "5"), Ok(None), "another kind keeps no group");
        let e = group("党小组会", "第一小组").unwrap_err();
        assert!(e.get("party_group").unwrap().starts_with("党小组："), "{e}");
    }

    #[test]
    fn an_activity_reads_as_offices_write_it() {
        let f = ActivityFields::parse(&raw()).unwrap();
        assert_eq!(f.organiser, Organiser { kind: OrganiserKind::Org, id: 7 });
        assert_eq!(f.kind, ActivityKind::Seminar);
        assert_eq!(f.held_on, "2026-11-05".parse().unwrap());
        assert_eq!(f.units, vec![3, 4]);
        assert_eq!(f.attendance, Attendance::Headcount(12));
        let named = ActivityFields::parse(&RawActivity { attendees: vec!["9".into(), "8".into()], ..raw() }).unwrap();
        assert_eq!(named.attendance, Attendance::Named(vec![9, 8]));
        assert_eq!(named.attendance.count(), 2);
    }

    #[test]
    fn every_refused_field_is_named() {
        let e = ActivityFields::parse(&RawActivity::default()).unwrap_err();
        assert_eq!(e.keys(), vec!["organiser", "kind", "subject", "held_on", "place", "headcount"]);
        assert_eq!(e.get("headcount").unwrap(), "参加人数：请填写人数，或勾选参加的党员");
        let e = ActivityFields::parse(&RawActivity {
            organiser: "party:1".into(),
            kind: "打卡".into(),
            headcount: "0".into(),
            minutes: "记".repeat(TEXT_CHARS + 1),
            units: vec!["x".into()],
            ..raw()
        })
        .unwrap_err();
        assert_eq!(e.keys(), vec!["organiser", "kind", "units", "headcount", "minutes"]);
        assert!(e.get("minutes").unwrap().starts_with("会议记录：不能超过"));
        assert!(e.get("headcount").unwrap().contains("1 至 10000"));
    }

    #[test]
    fn an_issue_becomes_a_need_or_a_request() {
        let need = RawRaisedIssue {
            target: "需求".into(),
            unit: "3".into(),
            title: "寻找数控机床加工协作".into(),
            category: "产能".into(),
            valid_until: "2027-03-31".into(),
            ..Default::default()
        };
        let f = RaisedIssueFields::parse(&need).unwrap();
        let Raised::Listing(l) = f.raised else { panic!("not a listing") };
        assert_eq!(l.title, "寻找数控机床加工协作");
        assert!(l.kind.is_need());
        let e =
            RaisedIssueFields::parse(&RawRaisedIssue { category: String::new(), valid_until: "明年".into(), ..need })
                .unwrap_err();
        assert_eq!(e.keys(), vec!["category", "valid_until"]);
        let req = RawRaisedIssue {
            target: "service_request".into(),
            unit: "3".into(),
            title: "用地".into(),
            item: "5".into(),
            ..Default::default()
        };
        assert_eq!(RaisedIssueFields::parse(&req).unwrap().raised, Raised::ServiceRequest { item: 5 });
        let e = RaisedIssueFields::parse(&RawRaisedIssue { item: String::new(), ..req }).unwrap_err();
        assert_eq!(e.get("item").unwrap(), "服务事项：请选择");
    }
}

/// Why an activity is withdrawn (撤回原因): required, at most [`NAME_CHARS`] characters.
pub fn withdrawal_reason(s: &str) -> Result<String, String> {
    let mut e = FieldErrors::new();
    let v = required(&mut e, "reason", "撤回原因", s, NAME_CHARS);
    match e.get("reason") {
        Some(m) => Err(m.trim_start_matches("撤回原因：").to_owned()),
        None => Ok(v),
    }
}

#[cfg(test)]
mod withdrawal_tests {
    use super::withdrawal_reason;

    #[test]
    fn a_withdrawal_says_why() {
        assert_eq!(withdrawal_reason("  重复登记 "), Ok("重复登记".to_owned()));
        assert_eq!(withdrawal_reason("  "), Err("不能为空".to_owned()));
        assert!(withdrawal_reason(&"长".repeat(201)).is_err());
    }
}
