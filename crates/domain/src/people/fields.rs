//! One parser for a member record, whoever sends it: the form, the API and the roster import
//! hand over a [`RawMember`] of strings and get back the same [`MemberFields`] or the same
//! [`FieldErrors`], each message naming its field.

use chrono::{Datelike, NaiveDate};

use super::{Education, Gender, MemberCategory, Standing};
use crate::fields::{FieldErrors, date_field, optional};
use crate::limits::NAME_CHARS;
use crate::text::normalize;
use crate::{IdNumber, Phone};

/// Characters of a member's name: Chinese names are short; minority names written in full
/// are longer.
pub const MEMBER_NAME_CHARS: usize = 50;
/// The reason given for revealing an ID number and phone: at least this many characters …
pub const REVEAL_REASON_MIN: usize = 4;
/// … and at most this many.
pub const REVEAL_REASON_MAX: usize = 200;

/// A member as typed or as a roster row holds it: every field a string, empty when not given.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct RawMember {
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub gender: String,
    pub birth_date: String,
    pub education: String,
    pub category: String,
    pub joined_on: String,
    pub standing: String,
    /// The organisation holding the relation: its id (a form's select) or its full name (a
    /// roster).
    pub org: String,
    /// The unit where the member works, by name; may be another unit than the organisation's.
    pub work_unit: String,
}

/// The keys of the fields: the form's input names and the API's JSON keys.
pub mod key {
    pub const NAME: &str = "name";
    pub const ID_NUMBER: &str = "id_number";
    pub const PHONE: &str = "phone";
    pub const GENDER: &str = "gender";
    pub const BIRTH_DATE: &str = "birth_date";
    pub const EDUCATION: &str = "education";
    pub const CATEGORY: &str = "category";
    pub const JOINED_ON: &str = "joined_on";
    pub const STANDING: &str = "standing";
    pub const ORG: &str = "org";
    pub const WORK_UNIT: &str = "work_unit";
    pub const REASON: &str = "reason";
}

/// The organisation a record names: by id from a form, by name from a roster. The store
/// resolves it inside the caller's scope.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum OrgRef {
    Id(i64),
    Name(String),
}

/// A member record once every field is valid. The birth date and the gender come from the
/// ID number when one is given (and must agree with what was typed beside it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberFields {
    pub name: String,
    pub id_number: Option<IdNumber>,
    pub phone: Option<Phone>,
    pub gender: Option<Gender>,
    pub birth_date: Option<NaiveDate>,
    pub education: Option<Education>,
    pub category: MemberCategory,
    pub joined_on: NaiveDate,
    pub standing: Standing,
    pub org: OrgRef,
    pub work_unit: Option<String>,
}

/// The age at which one may join the Party.
const JOINING_AGE: i32 = 18;

fn years_between(from: NaiveDate, to: NaiveDate) -> i32 {
    let mut years = to.year() - from.year();
    if (to.month(), to.day()) < (from.month(), from.day()) {
        years -= 1;
    }
    years
}

fn coded<T>(
    errors: &mut FieldErrors,
    key: &'static str,
    s: &str,
    parse: fn(&str) -> Result<T, crate::codes::CodeError>,
) -> Option<T> {
    if normalize(s).is_empty() { None } else { errors.take(key, parse(s)) }
}

/// A person's name (required) with the work unit's length checked beside it: the member form
/// and the applicant's share them.
pub(super) fn person_name(errors: &mut FieldErrors, name: &str, work_unit: &str) -> String {
    let normalized = normalize(name);
    if normalized.is_empty() {
        errors.push(key::NAME, "姓名：不能为空");
    }
    errors.limit(key::NAME, "姓名", name, MEMBER_NAME_CHARS);
    errors.limit(key::WORK_UNIT, "工作单位", work_unit, NAME_CHARS);
    normalized
}

/// 人员类别, required, with the values accepted named when it is missing.
pub(super) fn required_category(errors: &mut FieldErrors, s: &str) -> Option<MemberCategory> {
    if normalize(s).is_empty() {
        errors.push(
            key::CATEGORY,
            format!("人员类别：不能为空，可填：{}", <MemberCategory as crate::codes::Labelled>::accepted()),
        );
        None
    } else {
        errors.take(key::CATEGORY, MemberCategory::parse(s))
    }
}

impl MemberFields {
    /// Every field checked, every problem reported at once.
    pub fn parse(raw: &RawMember) -> Result<MemberFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = person_name(&mut errors, &raw.name, &raw.work_unit);
        let id_number = match optional(&raw.id_number) {
            None => None,
            Some(s) => errors.take(key::ID_NUMBER, IdNumber::parse(&s)),
        };
        let phone = match optional(&raw.phone) {
            None => None,
            Some(s) => errors.take(key::PHONE, Phone::parse(&s)),
        };
        let typed_gender = coded(&mut errors, key::GENDER, &raw.gender, Gender::parse);
        let typed_birth = errors.take(key::BIRTH_DATE, date_field("出生日期", &raw.birth_date)).flatten();
        let (gender, birth_date) = match &id_number {
            Some(id) => {
                let from_id = if id.is_male() { Gender::Male } else { Gender::Female };
                if typed_gender.is_some_and(|g| g != from_id) {
                    errors.push(key::GENDER, format!("性别：与身份证号码不符（身份证号码为{}）", from_id.label()));
                }
                if typed_birth.is_some_and(|b| b != id.birth_date()) {
                    errors.push(
                        key::BIRTH_DATE,
                        format!("出生日期：与身份证号码不符（身份证号码为 {}）", id.birth_date()),
                    );
                }
                (Some(from_id), Some(id.birth_date()))
            }
            None => (typed_gender, typed_birth),
        };
        let education = coded(&mut errors, key::EDUCATION, &raw.education, Education::parse);
        let category = required_category(&mut errors, &raw.category);
        let standing = if normalize(&raw.standing).is_empty() {
            errors.push(key::STANDING, "党员类别：不能为空，可填：正式党员（正式）、预备党员（预备）");
            None
        } else {
            errors.take(key::STANDING, Standing::parse(&raw.standing))
        };
        let joined_on = match errors.take(key::JOINED_ON, date_field("入党日期", &raw.joined_on)) {
            Some(None) => {
                errors.push(key::JOINED_ON, "入党日期：不能为空");
                None
            }
            Some(Some(d)) => Some(d),
            None => None,
        };
        if let (Some(joined), Some(birth)) = (joined_on, birth_date)
            && years_between(birth, joined) < JOINING_AGE
        {
            errors.push(key::JOINED_ON, format!("入党日期：{joined} 时未满{JOINING_AGE}周岁（出生日期 {birth}）"));
        }
        let org = normalize(&raw.org);
        errors.limit(key::ORG, "所属党组织", &raw.org, NAME_CHARS);
        let org = if org.is_empty() {
            errors.push(key::ORG, "所属党组织：不能为空");
            None
        } else if org.chars().all(|c| c.is_ascii_digit()) {
            org.parse::<i64>().ok().map(OrgRef::Id)
        } else {
            Some(OrgRef::Name(org))
        };
        match (category, standing, joined_on, org) {
            (Some(category), Some(standing), Some(joined_on), Some(org)) if errors.is_empty() => Ok(MemberFields {
                name,
                id_number,
                phone,
                gender,
                birth_date,
                education,
                category,
                joined_on,
                standing,
                org,
                work_unit: optional(&raw.work_unit),
            }),
            _ => Err(errors),
        }
    }
}

/// Why someone looks at a member's ID number and phone in full: written down, kept in the
/// audit log beside who looked and at whom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevealReason(String);

impl RevealReason {
    pub fn parse(s: &str) -> Result<RevealReason, String> {
        let s = normalize(s);
        let n = s.chars().count();
        if n < REVEAL_REASON_MIN {
            return Err(format!("查看原因：请写明为何查看完整信息（至少{REVEAL_REASON_MIN}个字）"));
        }
        crate::limits::check("查看原因", &s, REVEAL_REASON_MAX)?;
        Ok(RevealReason(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn raw() -> RawMember {
        RawMember {
            name: "张伟".into(),
            id_number: IdNumber::from_body("31011719900307123").unwrap().as_str().into(),
            category: "产业工人".into(),
            joined_on: "2015-07-01".into(),
            standing: "正式".into(),
            org: "新桥镇某某公司党支部".into(),
            ..RawMember::default()
        }
    }

    #[test]
    fn birth_date_and_gender_come_from_the_id_number() {
        let f = MemberFields::parse(&raw()).unwrap();
        assert_eq!(f.birth_date, Some(NaiveDate::from_ymd_opt(1990, 3, 7).unwrap()));
        assert_eq!(f.gender, Some(Gender::Male));
        assert_eq!(f.standing, Standing::Full);
        assert_eq!(f.org, OrgRef::Name("新桥镇某某公司党支部".into()));
        let by_id = MemberFields::parse(&RawMember { org: "12".into(), ..raw() }).unwrap();
        assert_eq!(by_id.org, OrgRef::Id(12));
    }

    #[test]
    fn typed_values_must_agree_with_the_id_number() {
        let e = MemberFields::parse(&RawMember { gender: "女".into(), birth_date: "1990-03-08".into(), ..raw() })
            .unwrap_err();
        assert_eq!(e.keys(), vec!["gender", "birth_date"]);
        assert!(e.get("gender").unwrap().contains("身份证号码为男"), "{e:?}");
        let ok =
            MemberFields::parse(&RawMember { gender: "男".into(), birth_date: "1990年3月7日".into(), ..raw() });
        assert!(ok.is_ok());
    }

    #[test]
    fn every_problem_is_named_by_its_field() {
        let e = MemberFields::parse(&RawMember {
            name: " ".into(),
            id_number: "310117199003071230".into(),
            phone: "12345".into(),
            category: "工程师".into(),
            joined_on: "去年".into(),
            standing: String::new(),
            org: String::new(),
            ..RawMember::default()
        })
        .unwrap_err();
        assert_eq!(e.keys(), vec!["name", "id_number", "phone", "category", "standing", "joined_on", "org"]);
        assert!(e.get("id_number").unwrap().starts_with("身份证号码"), "{e:?}");
        assert!(e.get("phone").unwrap().starts_with("联系电话"), "{e:?}");
        assert!(e.get("joined_on").unwrap().starts_with("入党日期"), "{e:?}");
    }

    #[test]
    fn a_member_joins_at_eighteen_or_later() {
        let e = MemberFields::parse(&RawMember { joined_on: "2008-03-06".into(), ..raw() }).unwrap_err();
        assert!(e.get("joined_on").unwrap().contains("未满18周岁"), "{e:?}");
        assert!(MemberFields::parse(&RawMember { joined_on: "2008-03-07".into(), ..raw() }).is_ok());
    }

    #[test]
    fn a_reveal_needs_a_reason() {
        assert!(RevealReason::parse(" 看看 ").unwrap_err().starts_with("查看原因"));
        assert_eq!(RevealReason::parse("核对组织关系转接材料").unwrap().as_str(), "核对组织关系转接材料");
        assert!(RevealReason::parse(&"因".repeat(201)).is_err());
    }
}
