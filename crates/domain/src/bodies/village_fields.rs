//! The parsers of the villages' and talent forms (名誉村主任, talent apartments, talent
//! selections, secretary studios): one per input, each returning the values or every refused
//! field with a message naming it.

use chrono::NaiveDate;

use super::villages::{Checker, HeadIdentity, PairingMode, TalentKind};
use crate::fields::FieldErrors;
use crate::fields::form::{chosen, date, optional, required};
use crate::limits::{NAME_CHARS, NOTE_CHARS};

/// A coded choice from a select: refused when empty or not a code of the set.
fn coded<T, E: std::fmt::Display>(
    e: &mut FieldErrors,
    key: &'static str,
    label: &str,
    s: &str,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Option<T> {
    if s.trim().is_empty() {
        e.push(key, format!("{label}：请选择"));
        return None;
    }
    e.take(key, parse(s))
}

/// The name of a village (村) or another short record name.
pub fn parse_name(label: &str, s: &str) -> Result<String, FieldErrors> {
    let mut e = FieldErrors::new();
    let v = required(&mut e, "name", label, s, NAME_CHARS);
    e.into_result().map(|()| v)
}

/// A nomination of a 名誉村主任, as the form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct RawNomination {
    pub person: String,
    pub enterprise: String,
    pub identity: String,
    pub nominated_on: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NominationFields {
    pub person: String,
    pub enterprise_id: i64,
    pub identity: HeadIdentity,
    pub nominated_on: NaiveDate,
}

impl NominationFields {
    pub fn parse(raw: &RawNomination) -> Result<NominationFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let person = required(&mut e, "person", "姓名", &raw.person, NAME_CHARS);
        let enterprise_id = chosen(&mut e, "enterprise", "所在企业", &raw.enterprise);
        let identity = coded(&mut e, "identity", "身份", &raw.identity, HeadIdentity::parse);
        let nominated_on = date(&mut e, "nominated_on", "提名日期", &raw.nominated_on, true);
        match (enterprise_id, identity, nominated_on) {
            (Some(enterprise_id), Some(identity), Some(nominated_on)) if e.is_empty() => {
                Ok(NominationFields { person, enterprise_id, identity, nominated_on })
            }
            _ => Err(e),
        }
    }
}

/// One line of the 五有 checklist, as the form sends it (`passed`: "yes" or "no").
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct RawCheck {
    pub item: String,
    pub checker: String,
    pub passed: String,
    pub note: String,
    pub checked_on: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckFields {
    pub item_id: i64,
    pub checker: Checker,
    pub passed: bool,
    pub note: String,
    pub checked_on: NaiveDate,
}

impl CheckFields {
    pub fn parse(raw: &RawCheck) -> Result<CheckFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let item_id = chosen(&mut e, "item", "审核项目", &raw.item);
        let checker = coded(&mut e, "checker", "审核方", &raw.checker, Checker::parse);
        let passed = match raw.passed.trim() {
            "yes" | "是" | "符合" => Some(true),
            "no" | "否" | "不符合" => Some(false),
            "" => {
                e.push("passed", "审核结论：请选择");
                None
            }
            other => {
                e.push("passed", format!("审核结论：“{}”应为“符合”或“不符合”", crate::limits::echo(other)));
                None
            }
        };
        let note = optional(&mut e, "note", "审核意见", &raw.note, NOTE_CHARS);
        let checked_on = date(&mut e, "checked_on", "审核日期", &raw.checked_on, true);
        match (item_id, checker, passed, checked_on) {
            (Some(item_id), Some(checker), Some(passed), Some(checked_on)) if e.is_empty() => {
                Ok(CheckFields { item_id, checker, passed, note, checked_on })
            }
            _ => Err(e),
        }
    }
}

/// The appointment to a village, as the form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct RawAppointment {
    pub village: String,
    pub term_start: String,
    pub term_end: String,
    pub pairing: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppointmentFields {
    pub village_id: i64,
    pub term_start: NaiveDate,
    pub term_end: NaiveDate,
    pub pairing: PairingMode,
}

impl AppointmentFields {
    pub fn parse(raw: &RawAppointment) -> Result<AppointmentFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let village_id = chosen(&mut e, "village", "结对村", &raw.village);
        let term_start = date(&mut e, "term_start", "任期开始", &raw.term_start, true);
        let term_end = date(&mut e, "term_end", "任期结束", &raw.term_end, true);
        let pairing = coded(&mut e, "pairing", "结对方式", &raw.pairing, PairingMode::parse);
        if let (Some(s), Some(t)) = (term_start, term_end)
            && t <= s
        {
            e.push("term_end", format!("任期结束：应晚于任期开始（{s}）"));
        }
        match (village_id, term_start, term_end, pairing) {
            (Some(village_id), Some(term_start), Some(term_end), Some(pairing)) if e.is_empty() => {
                Ok(AppointmentFields { village_id, term_start, term_end, pairing })
            }
            _ => Err(e),
        }
    }
}

/// One of the town's mandatory actions (规定动作): its name and the days after the term's
/// start by which it is due.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct RawMandatory {
    pub name: String,
    pub due_days: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MandatoryFields {
    pub name: String,
    pub due_days: i32,
}

impl MandatoryFields {
    pub fn parse(raw: &RawMandatory) -> Result<MandatoryFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let name = required(&mut e, "name", "规定动作", &raw.name, NAME_CHARS);
        let due_days = match crate::fields::count_field("完成期限（天）", &raw.due_days, &["天", "日"]) {
            Ok(Some(n)) if (1..=3650).contains(&n) => Some(n as i32),
            Ok(Some(_)) => {
                e.push("due_days", "完成期限（天）：应在1至3650天之间");
                None
            }
            Ok(None) => {
                e.push("due_days", "完成期限（天）：不能为空");
                None
            }
            Err(m) => {
                e.push("due_days", m);
                None
            }
        };
        e.or_value(due_days.map(|due_days| MandatoryFields { name, due_days }))
    }
}

/// An action the head chose (自选动作), as the form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct RawHeadAction {
    pub title: String,
    pub due_on: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeadActionFields {
    pub title: String,
    pub due_on: NaiveDate,
}

impl HeadActionFields {
    pub fn parse(raw: &RawHeadAction) -> Result<HeadActionFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let title = required(&mut e, "title", "自选动作", &raw.title, NAME_CHARS);
        let due_on = date(&mut e, "due_on", "完成时限", &raw.due_on, true);
        e.or_value(due_on.map(|due_on| HeadActionFields { title, due_on }))
    }
}

/// The completion of an action: its evidence and the day it was done.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct RawCompletion {
    pub evidence: String,
    pub done_on: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionFields {
    pub evidence: String,
    pub done_on: NaiveDate,
}

impl CompletionFields {
    pub fn parse(raw: &RawCompletion) -> Result<CompletionFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let evidence = required(&mut e, "evidence", "完成佐证", &raw.evidence, NOTE_CHARS);
        let done_on = date(&mut e, "done_on", "完成日期", &raw.done_on, true);
        e.or_value(done_on.map(|done_on| CompletionFields { evidence, done_on }))
    }
}

/// A talent apartment and its Party service point, as the form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct RawApartment {
    pub name: String,
    pub town: String,
    pub address: String,
    pub managing_org: String,
    pub service_point: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApartmentFields {
    pub name: String,
    pub town: crate::RegionCode,
    pub address: String,
    pub managing_org: String,
    pub service_point: String,
}

impl ApartmentFields {
    pub fn parse(raw: &RawApartment) -> Result<ApartmentFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let name = required(&mut e, "name", "公寓名称", &raw.name, NAME_CHARS);
        let town = if raw.town.trim().is_empty() {
            e.push("town", "所属街镇：请选择");
            None
        } else {
            e.take("town", crate::RegionCode::parse(&raw.town).map_err(|m| format!("所属街镇：{m}")))
        };
        let address = required(&mut e, "address", "地址", &raw.address, NAME_CHARS);
        let managing_org = required(&mut e, "managing_org", "管理党组织", &raw.managing_org, NAME_CHARS);
        let service_point = required(&mut e, "service_point", "党建服务点", &raw.service_point, NAME_CHARS);
        e.or_value(town.map(|town| ApartmentFields { name, town, address, managing_org, service_point }))
    }
}

/// A candidate in a talent selection, as the form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct RawSelection {
    pub kind: String,
    pub year: String,
    pub candidate: String,
    pub enterprise: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelectionFields {
    pub kind: TalentKind,
    pub year: i32,
    pub candidate: String,
    pub enterprise_id: i64,
}

impl SelectionFields {
    pub fn parse(raw: &RawSelection) -> Result<SelectionFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let kind = coded(&mut e, "kind", "评选类别", &raw.kind, TalentKind::parse);
        let year = match raw.year.trim().trim_end_matches('年').parse::<i32>() {
            Ok(y) if (2000..=2100).contains(&y) => Some(y),
            _ => {
                e.push("year", format!("年度：“{}”应为四位年份", crate::limits::echo(raw.year.trim())));
                None
            }
        };
        let candidate = required(&mut e, "candidate", "候选人", &raw.candidate, NAME_CHARS);
        let enterprise_id = chosen(&mut e, "enterprise", "所在企业", &raw.enterprise);
        match (kind, year, enterprise_id) {
            (Some(kind), Some(year), Some(enterprise_id)) if e.is_empty() => {
                Ok(SelectionFields { kind, year, candidate, enterprise_id })
            }
            _ => Err(e),
        }
    }
}

/// A Party organisation's opinion in a selection and the day it came.
pub fn parse_opinion(opinion: &str, on: &str) -> Result<(String, NaiveDate), FieldErrors> {
    let mut e = FieldErrors::new();
    let opinion = required(&mut e, "opinion", "党组织意见", opinion, NOTE_CHARS);
    let on = date(&mut e, "answered_on", "回复日期", on, true);
    e.or_value(on.map(|on| (opinion, on)))
}

/// A secretary studio (书记工作室), as the form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct RawStudio {
    pub name: String,
    pub org: String,
    pub lead: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StudioFields {
    pub name: String,
    pub org: String,
    pub lead: String,
}

impl StudioFields {
    pub fn parse(raw: &RawStudio) -> Result<StudioFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let name = required(&mut e, "name", "工作室名称", &raw.name, NAME_CHARS);
        let org = required(&mut e, "org", "所在党组织", &raw.org, NAME_CHARS);
        let lead = required(&mut e, "lead", "领衔人", &raw.lead, NAME_CHARS);
        e.into_result().map(|()| StudioFields { name, org, lead })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nomination_and_an_appointment_name_every_wrong_field() {
        let raw = RawNomination {
            person: "张三".into(),
            enterprise: "4".into(),
            identity: "书记".into(),
            nominated_on: "2019年6月20日".into(),
        };
        assert_eq!(NominationFields::parse(&raw).unwrap().identity, HeadIdentity::Secretary);
        let e = NominationFields::parse(&RawNomination { identity: "群众".into(), ..raw }).unwrap_err();
        assert_eq!(e.keys(), ["identity"]);
        let a = RawAppointment {
            village: "9".into(),
            term_start: "2019-07-01".into(),
            term_end: "2019-07-01".into(),
            pairing: "项目富村".into(),
        };
        let e = AppointmentFields::parse(&a).unwrap_err();
        assert_eq!(e.keys(), ["term_end"]);
        let ok = AppointmentFields::parse(&RawAppointment { term_end: "2022-06-30".into(), ..a }).unwrap();
        assert_eq!(ok.pairing, PairingMode::ProjectEnriches);
    }

    #[test]
    fn checks_actions_and_selections() {
        let c = RawCheck { item: "1".into(), checker: "商会".into(), passed: "yes".into(), ..Default::default() };
        assert_eq!(CheckFields::parse(&c).unwrap_err().keys(), ["checked_on"]);
        let m = MandatoryFields::parse(&RawMandatory { name: "走访结对村".into(), due_days: "90天".into() });
        assert_eq!(m.unwrap().due_days, 90);
        assert!(MandatoryFields::parse(&RawMandatory { name: "x".into(), due_days: "0".into() }).is_err());
        let e = CompletionFields::parse(&RawCompletion::default()).unwrap_err();
        assert_eq!(e.keys(), ["evidence", "done_on"]);
        let s = RawSelection {
            kind: "领军人才".into(),
            year: "2021年".into(),
            candidate: "李四".into(),
            enterprise: "3".into(),
        };
        assert_eq!(SelectionFields::parse(&s).unwrap().year, 2021);
        assert!(parse_opinion("同意", "").unwrap_err().to_string().contains("回复日期"));
        assert_eq!(StudioFields::parse(&RawStudio::default()).unwrap_err().keys(), ["name", "org", "lead"]);
    }
}
