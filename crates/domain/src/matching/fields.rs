//! One parser for an offer or need, whoever sends it: the publishing form, the API's JSON and
//! the import's row all hand over a [`RawListing`] of strings and get back the same
//! [`ListingFields`] or the same [`FieldErrors`], keyed by the import's column codes.

use super::{ListingCategory, ListingFields, ListingKind, Reach, Urgency};
use crate::IndustryCode;
use crate::fields::{FieldErrors, amount_field, date_field, optional};
use crate::limits::{CODE_CHARS, TEXT_CHARS};
use crate::text::normalize;

/// A listing as typed: every field a string, empty when not given.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawListing {
    pub kind: String,
    pub category: String,
    pub title: String,
    pub description: String,
    /// A GB/T 4754 code (C3421, 3421) or a name (金属切削机床制造).
    pub industry_code: String,
    pub quantity: String,
    pub unit: String,
    pub urgency: String,
    pub reach: String,
    pub valid_until: String,
}

/// The keys of the fields, as the import's template heads its columns and the API names them.
pub mod key {
    pub const KIND: &str = "kind";
    pub const CATEGORY: &str = "category";
    pub const TITLE: &str = "title";
    pub const DESCRIPTION: &str = "description";
    pub const INDUSTRY: &str = "industry_code";
    pub const QUANTITY: &str = "quantity";
    pub const UNIT: &str = "unit";
    pub const URGENCY: &str = "urgency";
    pub const REACH: &str = "reach";
    pub const VALID_UNTIL: &str = "valid_until";
}

/// An industry by code or by its name in the standard: what a listing or an enterprise row
/// may hold.
pub fn industry_field(s: &str) -> Result<Option<IndustryCode>, String> {
    let s = normalize(s);
    if s.is_empty() {
        return Ok(None);
    }
    IndustryCode::parse(&s)
        .ok()
        .or_else(|| IndustryCode::find_by_name(&s))
        .map(Some)
        .ok_or_else(|| format!("行业代码：“{}”不在国民经济行业分类（GB/T 4754-2017）中", crate::limits::echo(&s)))
}

fn required<T>(
    errors: &mut FieldErrors,
    key: &'static str,
    label: &str,
    s: &str,
    parse: impl Fn(&str) -> Result<T, crate::codes::CodeError>,
    accepted: String,
) -> Option<T> {
    if normalize(s).is_empty() {
        errors.push(key, format!("{label}：不能为空，可填：{accepted}"));
        return None;
    }
    errors.take(key, parse(s))
}

fn or_default<T>(
    errors: &mut FieldErrors,
    key: &'static str,
    s: &str,
    parse: impl Fn(&str) -> Result<T, crate::codes::CodeError>,
    default: T,
) -> Option<T> {
    if normalize(s).is_empty() { Some(default) } else { errors.take(key, parse(s)) }
}

impl ListingFields {
    /// Every field checked, every problem reported at once. Codes, labels and the short
    /// forms offices write are accepted (供/需, 集群/街镇/区/G60 …); an industry by code or
    /// name; quantities with thousands separators; dates as 2027-06-30, 2027/6/30 or
    /// 2027年6月30日. Urgency defaults to 一般 and reach to 集群内.
    pub fn parse(raw: &RawListing) -> Result<ListingFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let kind = required(&mut errors, key::KIND, "类型", &raw.kind, ListingKind::parse, ListingKind::accepted());
        let category = required(
            &mut errors,
            key::CATEGORY,
            "类别",
            &raw.category,
            ListingCategory::parse,
            ListingCategory::accepted(),
        );
        let title = normalize(&raw.title);
        if title.is_empty() {
            errors.push(key::TITLE, "标题：不能为空");
        } else if title.chars().count() > 100 {
            errors.push(key::TITLE, "标题：不能超过100个字");
        }
        errors.limit(key::DESCRIPTION, "描述", &raw.description, TEXT_CHARS);
        errors.limit(key::UNIT, "单位", &raw.unit, CODE_CHARS);
        let industry = errors.take(key::INDUSTRY, industry_field(&raw.industry_code)).flatten();
        let quantity = errors.take(key::QUANTITY, amount_field("数量", &raw.quantity, &[])).flatten();
        let urgency = or_default(&mut errors, key::URGENCY, &raw.urgency, Urgency::parse, Urgency::Normal);
        let reach = or_default(&mut errors, key::REACH, &raw.reach, Reach::parse, Reach::Cluster);
        let valid_until = match date_field("有效期至", &raw.valid_until) {
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                errors.push(key::VALID_UNTIL, "有效期至：不能为空，应为 2027-06-30 的格式");
                None
            }
            Err(e) => {
                errors.push(key::VALID_UNTIL, e);
                None
            }
        };
        match (kind, category, urgency, reach, valid_until) {
            (Some(kind), Some(category), Some(urgency), Some(reach), Some(valid_until)) if errors.is_empty() => {
                Ok(ListingFields {
                    kind,
                    category,
                    title,
                    description: raw.description.trim().replace("\r\n", "\n"),
                    industry,
                    quantity,
                    quantity_unit: optional(&raw.unit),
                    urgency,
                    reach,
                    valid_until,
                })
            }
            _ => Err(errors),
        }
    }
}

impl RawListing {
    /// The fields as a form shows them again for editing.
    pub fn of(f: &ListingFields) -> RawListing {
        RawListing {
            kind: f.kind.code().to_owned(),
            category: f.category.code().to_owned(),
            title: f.title.clone(),
            description: f.description.clone(),
            industry_code: f.industry.map(|i| i.to_string()).unwrap_or_default(),
            quantity: f.quantity.map(|q| q.to_string()).unwrap_or_default(),
            unit: f.quantity_unit.clone().unwrap_or_default(),
            urgency: f.urgency.code().to_owned(),
            reach: f.reach.code().to_owned(),
            valid_until: f.valid_until.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn raw() -> RawListing {
        RawListing {
            kind: "需求".into(),
            category: "设备".into(),
            title: " 求购  数控车床 ".into(),
            valid_until: "2027-06-30".into(),
            ..RawListing::default()
        }
    }

    #[test]
    fn the_short_forms_offices_write_are_accepted() {
        for (reach, want) in
            [("集群", Reach::Cluster), ("街镇", Reach::Town), ("区", Reach::District), ("G60", Reach::Corridor)]
        {
            let f = ListingFields::parse(&RawListing { reach: reach.into(), ..raw() }).unwrap();
            assert_eq!(f.reach, want, "{reach}");
        }
        let f = ListingFields::parse(&RawListing {
            kind: "供".into(),
            category: "equipment".into(),
            industry_code: "专项化学用品制造".into(),
            quantity: "１,２００".into(),
            urgency: "加急".into(),
            valid_until: "2027年6月30日".into(),
            ..raw()
        })
        .unwrap();
        assert_eq!(f.kind, ListingKind::Offer);
        assert_eq!(f.title, "求购 数控车床");
        assert_eq!(f.industry, IndustryCode::parse("2662").ok(), "an industry by its name");
        assert_eq!(f.quantity, Some(1200.0));
        assert_eq!(f.urgency, Urgency::Urgent);
        assert_eq!(f.valid_until, NaiveDate::from_ymd_opt(2027, 6, 30).unwrap());
        let defaults = ListingFields::parse(&raw()).unwrap();
        assert_eq!((defaults.urgency, defaults.reach), (Urgency::Normal, Reach::Cluster));
    }

    #[test]
    fn every_problem_is_named_by_its_field() {
        let e = ListingFields::parse(&RawListing {
            kind: String::new(),
            category: "飞船".into(),
            title: "  ".into(),
            industry_code: "9999".into(),
            quantity: "很多".into(),
            urgency: "马上".into(),
            reach: "全市".into(),
            valid_until: "明年".into(),
            ..RawListing::default()
        })
        .unwrap_err();
        assert_eq!(
            e.keys(),
            vec!["kind", "category", "title", "industry_code", "quantity", "urgency", "reach", "valid_until"]
        );
        assert!(e.get("kind").unwrap().starts_with("类型：不能为空，可填：供给"));
        assert!(e.get("reach").unwrap().starts_with("发布范围：“全市”无法识别，可填：集群内（集群"));
        assert_eq!(e.get("quantity"), Some("数量：“很多”不是不小于0的数"));
    }

    #[test]
    fn a_listing_reads_back_from_its_raw_form() {
        let f = ListingFields::parse(&RawListing { quantity: "12.5".into(), unit: "吨".into(), ..raw() }).unwrap();
        assert_eq!(ListingFields::parse(&RawListing::of(&f)), Ok(f));
    }
}
