//! The parsers of the bodies' forms: one per input, called by the pages (and any import or
//! API later), each returning the values or every refused field with a message naming it.

use chrono::NaiveDate;

use super::MeetingKind;
use crate::fields::FieldErrors;
use crate::fields::form::{chosen, date, maybe_chosen, optional, required};
use crate::limits::{NAME_CHARS, NOTE_CHARS};

/// A power granted to a cluster committee, as the form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct RawGrant {
    pub scope: String,
    pub granted_by: String,
    pub document_no: String,
    pub granted_on: String,
    pub content: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GrantFields {
    /// The scope's record in the list of scopes.
    pub scope_id: i64,
    pub granted_by: String,
    pub document_no: String,
    pub granted_on: NaiveDate,
    /// What exactly the committee may do.
    pub content: String,
}

impl GrantFields {
    pub fn parse(raw: &RawGrant) -> Result<GrantFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let scope_id = chosen(&mut e, "scope", "赋权范围", &raw.scope);
        let granted_by = required(&mut e, "granted_by", "赋权单位", &raw.granted_by, NAME_CHARS);
        let document_no = required(&mut e, "document_no", "文件文号", &raw.document_no, NAME_CHARS);
        let granted_on = date(&mut e, "granted_on", "赋权日期", &raw.granted_on, true);
        let content = required(&mut e, "content", "权限内容", &raw.content, NOTE_CHARS);
        match (scope_id, granted_on) {
            (Some(scope_id), Some(granted_on)) if e.is_empty() => {
                Ok(GrantFields { scope_id, granted_by, document_no, granted_on, content })
            }
            _ => Err(e),
        }
    }
}

/// One use of a power, as the form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct RawUse {
    pub power: String,
    pub used_on: String,
    pub matter: String,
    pub concerned: String,
    pub outcome: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UseFields {
    pub power_id: i64,
    pub used_on: NaiveDate,
    /// What was done: the cluster's opinion in a talent selection, an evaluation …
    pub matter: String,
    /// The unit (or person) concerned.
    pub concerned: String,
    pub outcome: String,
}

impl UseFields {
    pub fn parse(raw: &RawUse) -> Result<UseFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let power_id = chosen(&mut e, "power", "行使的权限", &raw.power);
        let used_on = date(&mut e, "used_on", "行使日期", &raw.used_on, true);
        let matter = required(&mut e, "matter", "事项", &raw.matter, NAME_CHARS);
        let concerned = required(&mut e, "concerned", "涉及单位", &raw.concerned, NAME_CHARS);
        let outcome = required(&mut e, "outcome", "结果", &raw.outcome, NOTE_CHARS);
        match (power_id, used_on) {
            (Some(power_id), Some(used_on)) if e.is_empty() => {
                Ok(UseFields { power_id, used_on, matter, concerned, outcome })
            }
            _ => Err(e),
        }
    }
}

/// A new scope for the list of scopes: a short name.
pub fn parse_scope_name(s: &str) -> Result<String, FieldErrors> {
    let mut e = FieldErrors::new();
    let v = required(&mut e, "name", "赋权范围名称", s, 20);
    e.into_result().map(|()| v)
}

/// A meeting of an alliance, as the form sends it (`attendees`: the member units' ids ticked).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawMeeting {
    pub kind: String,
    pub held_on: String,
    pub subject: String,
    pub summary: String,
    pub attendees: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeetingFields {
    pub kind: MeetingKind,
    pub held_on: NaiveDate,
    pub subject: String,
    pub summary: String,
    pub attendees: Vec<i64>,
}

impl MeetingFields {
    pub fn parse(raw: &RawMeeting) -> Result<MeetingFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let kind = if raw.kind.trim().is_empty() {
            e.push("kind", "会议类型：请选择");
            None
        } else {
            e.take("kind", MeetingKind::parse(&raw.kind))
        };
        let held_on = date(&mut e, "held_on", "会议日期", &raw.held_on, true);
        let subject = required(&mut e, "subject", "会议主题", &raw.subject, NAME_CHARS);
        let summary = optional(&mut e, "summary", "会议纪要", &raw.summary, NOTE_CHARS);
        let mut attendees = Vec::new();
        for a in raw.attendees.iter().filter(|a| !a.trim().is_empty()) {
            if let Some(id) = chosen(&mut e, "attendees", "参会成员", a)
                && !attendees.contains(&id)
            {
                attendees.push(id);
            }
        }
        if attendees.is_empty() && !e.keys().contains(&"attendees") {
            e.push("attendees", "参会成员：至少勾选一个成员单位");
        }
        match (kind, held_on) {
            (Some(kind), Some(held_on)) if e.is_empty() => {
                Ok(MeetingFields { kind, held_on, subject, summary, attendees })
            }
            _ => Err(e),
        }
    }
}

/// A meeting's decision, as the form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct RawDecision {
    pub content: String,
    pub owner: String,
    pub due_on: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecisionFields {
    pub content: String,
    /// The member unit that follows it up.
    pub owner_id: i64,
    pub due_on: Option<NaiveDate>,
}

impl DecisionFields {
    pub fn parse(raw: &RawDecision) -> Result<DecisionFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let content = required(&mut e, "content", "决定事项", &raw.content, NOTE_CHARS);
        let owner_id = chosen(&mut e, "owner", "落实单位", &raw.owner);
        let due_on = date(&mut e, "due_on", "完成时限", &raw.due_on, false);
        e.or_value(owner_id.map(|owner_id| DecisionFields { content, owner_id, due_on }))
    }
}

/// An issue raised in an alliance (问题协商), as the form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct RawIssue {
    pub title: String,
    pub detail: String,
    pub raised_by: String,
    pub raised_on: String,
    pub owner: String,
    pub due_on: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssueFields {
    pub title: String,
    pub detail: String,
    /// The member unit that raised it.
    pub raised_by: i64,
    pub raised_on: NaiveDate,
    /// The owner department, when it is assigned at once.
    pub owner: Option<i64>,
    pub due_on: Option<NaiveDate>,
}

impl IssueFields {
    pub fn parse(raw: &RawIssue) -> Result<IssueFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let title = required(&mut e, "title", "问题", &raw.title, NAME_CHARS);
        let detail = optional(&mut e, "detail", "问题说明", &raw.detail, NOTE_CHARS);
        let raised_by = chosen(&mut e, "raised_by", "提出单位", &raw.raised_by);
        let raised_on = date(&mut e, "raised_on", "提出日期", &raw.raised_on, true);
        let owner = maybe_chosen(&mut e, "owner", "责任部门", &raw.owner);
        let due_on = date(&mut e, "due_on", "办理时限", &raw.due_on, false);
        if let (Some(r), Some(d)) = (raised_on, due_on)
            && d < r
        {
            e.push("due_on", format!("办理时限：不能早于提出日期（{r}）"));
        }
        match (raised_by, raised_on) {
            (Some(raised_by), Some(raised_on)) if e.is_empty() => {
                Ok(IssueFields { title, detail, raised_by, raised_on, owner, due_on })
            }
            _ => Err(e),
        }
    }
}

/// The answer that solves (or declines) an issue and its date; the answer is required.
pub fn parse_answer(answer: &str, on: &str) -> Result<(String, Option<NaiveDate>), FieldErrors> {
    let mut e = FieldErrors::new();
    let answer = required(&mut e, "answer", "答复", answer, NOTE_CHARS);
    let on = date(&mut e, "on", "办结日期", on, false);
    e.into_result().map(|()| (answer, on))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grant_names_every_wrong_field() {
        let raw = RawGrant {
            scope: "2".into(),
            granted_by: "新桥镇党委".into(),
            document_no: "新委〔2019〕12号".into(),
            granted_on: "2019年6月1日".into(),
            content: "人才推荐意见".into(),
        };
        let g = GrantFields::parse(&raw).unwrap();
        assert_eq!((g.scope_id, g.granted_on.to_string()), (2, "2019-06-01".to_owned()));
        let e = GrantFields::parse(&RawGrant { scope: "".into(), granted_on: "明年".into(), ..raw }).unwrap_err();
        assert_eq!(e.keys(), ["scope", "granted_on"]);
        assert!(e.get("granted_on").unwrap().starts_with("赋权日期"));
    }

    #[test]
    fn a_use_needs_its_power_and_outcome() {
        let e = UseFields::parse(&RawUse { used_on: "2026-11-01".into(), ..Default::default() }).unwrap_err();
        assert_eq!(e.keys(), ["power", "matter", "concerned", "outcome"]);
        assert!(e.to_string().contains("行使的权限：请选择"));
    }

    #[test]
    fn a_meeting_needs_someone_there() {
        let raw = RawMeeting {
            kind: "联席".into(),
            held_on: "2026-10-09".into(),
            subject: "用工问题".into(),
            summary: String::new(),
            attendees: vec!["3".into(), "3".into(), "5".into()],
        };
        assert_eq!(MeetingFields::parse(&raw).unwrap().attendees, [3, 5]);
        let e = MeetingFields::parse(&RawMeeting { attendees: vec![], kind: "座谈".into(), ..raw }).unwrap_err();
        assert_eq!(e.keys(), ["kind", "attendees"]);
    }

    #[test]
    fn an_issue_is_due_after_it_is_raised() {
        let raw = RawIssue {
            title: "员工子女入学".into(),
            raised_by: "4".into(),
            raised_on: "2026-10-09".into(),
            due_on: "2026-10-01".into(),
            ..Default::default()
        };
        let e = IssueFields::parse(&raw).unwrap_err();
        assert_eq!(e.keys(), ["due_on"]);
        let ok = IssueFields::parse(&RawIssue { due_on: "2026-10-30".into(), owner: "7".into(), ..raw }).unwrap();
        assert_eq!(ok.owner, Some(7));
        assert!(parse_answer(" ", "").unwrap_err().to_string().contains("答复：不能为空"));
        assert!(DecisionFields::parse(&RawDecision::default()).unwrap_err().keys() == ["content", "owner"]);
    }
}
