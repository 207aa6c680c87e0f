//! Party-building instructors (党建指导员): the people a district or town sends to guide
//! organisations, enterprises and clusters. One parser per form, used by the page and the
//! store alike: [`InstructorFields::parse`] for who they are, [`AssignmentFields::parse`] for
//! whom they guide from which day, [`AssessmentFields::parse`] for a period's assessment.

use chrono::NaiveDate;

use crate::codes::labelled_enum;
use crate::fields::FieldErrors;
use crate::fields::form::{date, required};
use crate::limits::{DETAIL_CHARS, NAME_CHARS, NOTE_CHARS, echo};

labelled_enum!(
    /// 考核结果 of a period (年度考核).
    InstructorRating: "考核结果" {
        Excellent = "excellent", "优秀";
        Competent = "competent", "称职", ["合格"];
        Basic = "basic", "基本称职", ["基本合格"];
        Incompetent = "incompetent", "不称职", ["不合格"];
    }
);

/// Whom an instructor guides: an organisation, an enterprise or a cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Guided {
    Org(i64),
    Unit(i64),
    Cluster(i64),
}

impl Guided {
    /// `org:12`, `unit:34`, `cluster:5` as the select sends it.
    pub fn parse(s: &str) -> Option<Guided> {
        let (kind, id) = s.trim().split_once(':')?;
        let id = id.parse::<i64>().ok().filter(|n| *n > 0)?;
        match kind {
            "org" => Some(Guided::Org(id)),
            "unit" => Some(Guided::Unit(id)),
            "cluster" => Some(Guided::Cluster(id)),
            _ => None,
        }
    }

    /// The select's value.
    pub fn value(&self) -> String {
        match self {
            Guided::Org(id) => format!("org:{id}"),
            Guided::Unit(id) => format!("unit:{id}"),
            Guided::Cluster(id) => format!("cluster:{id}"),
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Guided::Org(_) => "党组织",
            Guided::Unit(_) => "企业",
            Guided::Cluster(_) => "集群",
        }
    }
}

/// An instructor as the form sends it. `area` is the region code of the district or town
/// that sent them.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct RawInstructor {
    pub name: String,
    pub source: String,
    pub area: String,
    pub qualifications: String,
    pub duties: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstructorFields {
    pub name: String,
    /// 选派单位, e.g. 区委组织部, 新桥镇党委.
    pub source: String,
    pub area: crate::RegionCode,
    /// 资质: e.g. 退休党务干部、党建指导员培训合格.
    pub qualifications: String,
    /// 职责.
    pub duties: String,
}

impl InstructorFields {
    pub fn parse(raw: &RawInstructor) -> Result<InstructorFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let name = required(&mut e, "name", "姓名", &raw.name, NAME_CHARS);
        let source = required(&mut e, "source", "选派单位", &raw.source, NAME_CHARS);
        let area = if raw.area.trim().is_empty() {
            e.push("area", "选派地区：请选择");
            None
        } else {
            let r = crate::RegionCode::parse(raw.area.trim()).ok();
            if r.is_none() {
                e.push("area", format!("选派地区：“{}”不是行政区划代码", echo(&raw.area)));
            }
            r
        };
        let qualifications = required(&mut e, "qualifications", "资质", &raw.qualifications, DETAIL_CHARS);
        let duties = required(&mut e, "duties", "职责", &raw.duties, DETAIL_CHARS);
        e.or_value(area.map(|area| InstructorFields { name, source, area, qualifications, duties }))
    }
}

/// An assignment as the form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct RawAssignment {
    pub guided: String,
    pub since: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssignmentFields {
    pub guided: Guided,
    pub since: NaiveDate,
}

impl AssignmentFields {
    pub fn parse(raw: &RawAssignment) -> Result<AssignmentFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let guided = if raw.guided.trim().is_empty() {
            e.push("guided", "指导对象：请选择");
            None
        } else {
            let g = Guided::parse(&raw.guided);
            if g.is_none() {
                e.push("guided", format!("指导对象：“{}”不是列表中的选项", echo(&raw.guided)));
            }
            g
        };
        let since = date(&mut e, "since", "开始日期", &raw.since, true);
        e.or_value(guided.zip(since).map(|(guided, since)| AssignmentFields { guided, since }))
    }
}

/// An assessment as the form sends it: the year, the rating and a note.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct RawAssessment {
    pub period: String,
    pub rating: String,
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssessmentFields {
    /// The year assessed, as `2026`.
    pub period: String,
    pub rating: InstructorRating,
    pub note: String,
}

impl AssessmentFields {
    pub fn parse(raw: &RawAssessment) -> Result<AssessmentFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let p = raw.period.trim().trim_end_matches('年');
        let period = match p.parse::<i32>() {
            Ok(y) if (2000..=2100).contains(&y) => Some(y.to_string()),
            _ => {
                e.push("period", format!("考核年度：“{}”应为年份，如 2026", echo(&raw.period)));
                None
            }
        };
        let rating = if raw.rating.trim().is_empty() {
            e.push("rating", "考核结果：请选择");
            None
        } else {
            e.take("rating", InstructorRating::parse(&raw.rating))
        };
        let note = raw.note.trim().to_owned();
        e.limit("note", "考核意见", &note, NOTE_CHARS);
        e.or_value(period.zip(rating).map(|(period, rating)| AssessmentFields { period, rating, note }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_instructor_names_its_fields() {
        let raw = RawInstructor { name: " 周明 ".into(), area: "3101".into(), ..Default::default() };
        let e = InstructorFields::parse(&raw).unwrap_err();
        assert_eq!(e.keys(), vec!["source", "area", "qualifications", "duties"]);
        let ok = RawInstructor {
            name: "周明".into(),
            source: "新桥镇党委".into(),
            area: "310117102".into(),
            qualifications: "退休党务干部".into(),
            duties: "指导组建和规范运行".into(),
        };
        assert_eq!(InstructorFields::parse(&ok).unwrap().area.to_string(), "310117102");
    }

    #[test]
    fn whom_guided_and_from_when() {
        assert_eq!(Guided::parse("unit:4"), Some(Guided::Unit(4)));
        assert_eq!(Guided::parse("org:0"), None);
        assert_eq!(Guided::parse("user:4"), None);
        let e = AssignmentFields::parse(&RawAssignment { guided: "x".into(), since: "".into() }).unwrap_err();
        assert_eq!(e.keys(), vec!["guided", "since"]);
    }

    #[test]
    fn an_assessment_is_a_year_and_a_rating() {
        let a =
            AssessmentFields::parse(&RawAssessment {
                period: "2026年".into(), rating: "合格".into(), note: "".into()
            })
            .unwrap();
        assert_eq!((a.period.as_str(), a.rating), ("2026", InstructorRating::Competent));
        let e = AssessmentFields::parse(&RawAssessment { period: "去年".into(), rating: "".into(), note: "".into() })
            .unwrap_err();
        assert_eq!(e.keys(), vec!["period", "rating"]);
    }
}
