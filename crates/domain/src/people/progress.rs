//! The inputs of development (发展党员) and of transfers (组织关系转接): a person entering the
//! pipeline with their application, a step recorded with its date and documents, a transfer
//! issued or returned. One parser each, every message naming its field.

use chrono::NaiveDate;

use super::development::{Pipeline, Step};
use super::{MemberCategory, OrgRef};
use crate::IdNumber;
use crate::fields::{FieldErrors, date_field, optional};
use crate::limits::{NAME_CHARS, NOTE_CHARS};
use crate::text::normalize;

/// The keys of the fields: the forms' input names.
pub mod progress_key {
    pub const NAME: &str = "name";
    pub const CATEGORY: &str = "category";
    pub const ORG: &str = "org";
    pub const WORK_UNIT: &str = "work_unit";
    pub const ID_NUMBER: &str = "id_number";
    pub const STEP: &str = "step";
    pub const DONE_ON: &str = "done_on";
    pub const DOC_NAME: &str = "doc_name";
    pub const DOC_NUMBER: &str = "doc_number";
    pub const NOTE: &str = "note";
    pub const TO_ORG: &str = "to_org";
    pub const REASON: &str = "reason";
}
use progress_key as key;

/// A 文号 (e.g. 新桥委〔2026〕12号) is short.
pub const DOC_NUMBER_CHARS: usize = 64;
/// A reason for returning a transfer: at least this many characters.
pub const RETURN_REASON_MIN: usize = 4;

fn required_date(errors: &mut FieldErrors, k: &'static str, label: &str, s: &str) -> Option<NaiveDate> {
    match errors.take(k, date_field(label, s)) {
        Some(None) => {
            errors.push(k, format!("{label}：不能为空"));
            None
        }
        other => other.flatten(),
    }
}

/// A step as a select sends it (its number) or as a record names it: "7", "第7步", "7.",
/// or its name ("确定发展对象"), full-width folded.
fn typed_step(pipeline: &Pipeline, s: &str) -> Option<&'static Step> {
    let key = crate::codes::fold(s);
    let number = key.trim_start_matches('第').trim_end_matches(['步', '.', '、']);
    match number.parse::<u8>() {
        Ok(n) => pipeline.step(n),
        Err(_) => pipeline.steps.iter().find(|step| crate::codes::fold(step.name) == key),
    }
}

/// A step as typed: its number, date, documents and a note.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct RawStep {
    pub step: String,
    pub done_on: String,
    pub doc_name: String,
    pub doc_number: String,
    pub note: String,
}

/// A step once its fields are valid; the time rules are the pipeline's ([`Pipeline::check`]),
/// checked by the store against the steps already recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepFields {
    pub step: &'static Step,
    pub done_on: NaiveDate,
    /// 文件名, e.g. 入党申请书.
    pub doc_name: String,
    /// 文号, e.g. 新桥委〔2026〕12号.
    pub doc_number: String,
    pub note: String,
}

impl StepFields {
    pub fn parse(raw: &RawStep, pipeline: &Pipeline) -> Result<StepFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let step = match typed_step(pipeline, &raw.step) {
            Some(s) => Some(s),
            None => {
                let (first, last) = (pipeline.steps.first(), pipeline.steps.last());
                errors.push(
                    key::STEP,
                    format!(
                        "发展步骤：“{}”不是《{}》的步骤，可填步骤序号{}–{}（如“7”“第7步”）或步骤名称（如“{}”）",
                        crate::limits::echo(&raw.step),
                        pipeline.title,
                        first.map_or(1, |s| s.number),
                        last.map_or(1, |s| s.number),
                        pipeline.step(7).or(last).map_or("", |s| s.name)
                    ),
                );
                None
            }
        };
        let done_on = required_date(&mut errors, key::DONE_ON, "日期", &raw.done_on);
        errors.limit(key::DOC_NAME, "文件名", &raw.doc_name, NAME_CHARS);
        errors.limit(key::DOC_NUMBER, "文号", &raw.doc_number, DOC_NUMBER_CHARS);
        errors.limit(key::NOTE, "备注", &raw.note, NOTE_CHARS);
        match (step, done_on) {
            (Some(step), Some(done_on)) if errors.is_empty() => Ok(StepFields {
                step,
                done_on,
                doc_name: normalize(&raw.doc_name),
                doc_number: normalize(&raw.doc_number),
                note: raw.note.trim().to_owned(),
            }),
            _ => Err(errors),
        }
    }
}

/// A person entering the pipeline, as typed: the application (step 1) is recorded with them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawApplicant {
    pub name: String,
    pub category: String,
    pub org: String,
    pub work_unit: String,
    /// 身份证号码, optional at the application; step 17 needs it.
    pub id_number: String,
    /// The date of the application (递交入党申请书).
    pub done_on: String,
    pub doc_name: String,
    pub doc_number: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplicantFields {
    pub name: String,
    pub category: MemberCategory,
    /// The organisation the application was made to; it holds the person's record.
    pub org: OrgRef,
    pub work_unit: Option<String>,
    /// Encrypted by the store; the member record made at step 17 takes it.
    pub id_number: Option<IdNumber>,
    pub applied_on: NaiveDate,
    pub doc_name: String,
    pub doc_number: String,
}

impl ApplicantFields {
    pub fn parse(raw: &RawApplicant) -> Result<ApplicantFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = super::fields::person_name(&mut errors, &raw.name, &raw.work_unit);
        errors.limit(key::DOC_NAME, "文件名", &raw.doc_name, NAME_CHARS);
        errors.limit(key::DOC_NUMBER, "文号", &raw.doc_number, DOC_NUMBER_CHARS);
        let category = super::fields::required_category(&mut errors, &raw.category);
        let org = match normalize(&raw.org).parse::<i64>() {
            Ok(id) => Some(OrgRef::Id(id)),
            Err(_) => {
                errors.push(key::ORG, "所属党组织：请从列表中选择");
                None
            }
        };
        let id_number = applicant_id_number(&mut errors, &raw.id_number);
        let applied_on = required_date(&mut errors, key::DONE_ON, "申请日期", &raw.done_on);
        match (category, org, applied_on) {
            (Some(category), Some(org), Some(applied_on)) if errors.is_empty() => Ok(ApplicantFields {
                name,
                category,
                org,
                work_unit: optional(&raw.work_unit),
                id_number,
                applied_on,
                doc_name: normalize(&raw.doc_name),
                doc_number: normalize(&raw.doc_number),
            }),
            _ => Err(errors),
        }
    }
}

/// An applicant's ID number as typed: empty is none (it may be recorded later, before step
/// 17), else it must be valid (`IdNumber::parse`, its message under 身份证号码).
pub fn applicant_id_number(errors: &mut FieldErrors, s: &str) -> Option<IdNumber> {
    optional(s).and_then(|s| errors.take(key::ID_NUMBER, IdNumber::parse(&s)))
}

/// Why a receiving organisation returns a transfer: required, 4 to [`NOTE_CHARS`] characters.
pub fn return_reason(s: &str) -> Result<String, String> {
    let r = s.trim();
    if r.chars().count() < RETURN_REASON_MIN {
        return Err(format!("退回原因：必须填写，至少{RETURN_REASON_MIN}个字"));
    }
    crate::limits::check("退回原因", r, NOTE_CHARS)?;
    Ok(r.to_owned())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::people::development::current;

    #[test]
    fn a_step_names_every_wrong_field() {
        let raw = RawStep { step: "26".into(), done_on: "2026-13-01".into(), ..Default::default() };
        let e = StepFields::parse(&raw, current()).unwrap_err();
        assert_eq!(e.keys(), vec![key::STEP, key::DONE_ON]);
        let raw = RawStep {
            step: "7".into(),
            done_on: "2026年3月1日".into(),
            doc_number: " 委〔2026〕1号".into(),
            ..Default::default()
        };
        let f = StepFields::parse(&raw, current()).unwrap();
        assert_eq!(
            (f.step.number, f.done_on.to_string(), f.doc_number.as_str()),
            (7, "2026-03-01".into(), "委〔2026〕1号")
        );
    }

    #[test]
    fn a_step_is_read_by_its_number_as_records_write_it_or_by_its_name() {
        let step = |s: &str| {
            let raw = RawStep { step: s.into(), done_on: "2026-03-01".into(), ..Default::default() };
            StepFields::parse(&raw, current()).map(|f| f.step.number)
        };
        for s in ["7", "第7步", " 第７步 ", "7.", "确定发展对象"] {
            assert_eq!(step(s), Ok(7), "{s}");
        }
        let e = step("发展").unwrap_err();
        let message = e.messages().join("");
        assert!(message.contains("“发展”不是"), "{message}");
        assert!(message.contains("可填步骤序号1–25") && message.contains("确定发展对象"), "{message}");
    }

    #[test]
    fn an_applicant_and_a_return_reason() {
        let raw = RawApplicant {
            name: "张三".into(),
            category: "产业工人".into(),
            org: "5".into(),
            done_on: "2026-01-02".into(),
            ..Default::default()
        };
        let f = ApplicantFields::parse(&raw).unwrap();
        assert_eq!((f.org, f.category), (OrgRef::Id(5), MemberCategory::IndustrialWorker));
        assert_eq!(f.id_number, None, "the ID number may come later");
        let bad = RawApplicant { id_number: "310117199003071230".into(), ..raw.clone() };
        let e = ApplicantFields::parse(&bad).unwrap_err();
        assert_eq!(e.keys(), vec![key::ID_NUMBER]);
        assert!(e.get(key::ID_NUMBER).unwrap().starts_with("身份证号码"), "{e:?}");
        let good = IdNumber::from_body("31011719900307123").unwrap();
        let ok = RawApplicant { id_number: good.as_str().into(), ..raw };
        assert_eq!(ApplicantFields::parse(&ok).unwrap().id_number, Some(good));
        let e = ApplicantFields::parse(&RawApplicant::default()).unwrap_err();
        assert_eq!(e.keys(), vec![key::NAME, key::CATEGORY, key::ORG, key::DONE_ON]);
        assert!(return_reason(" 无 ").unwrap_err().starts_with("退回原因"));
        assert_eq!(return_reason("接收单位不符").unwrap(), "接收单位不符");
    }
}
