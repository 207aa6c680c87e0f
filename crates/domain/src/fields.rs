//! What every input parser shares: the errors keyed by field, so a form marks the wrong
//! input and an import names the column, and the readers of numbers and dates as people
//! type them. One parser per input type (`ListingFields::parse`, `EnterpriseFields::parse` …)
//! is called by the page, the API and the import alike, so the three accept the same values.

use std::fmt;

use chrono::NaiveDate;

use crate::limits::{AMOUNT_MAX, CODE_CHARS, echo, over};
use crate::text::compact;

pub(crate) mod form;

/// One refused value: the field's key (the form input's name, the JSON key, the import
/// column's code) and the Chinese message, which names the field itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub key: &'static str,
    pub message: String,
}

/// Every refused value of one input, in the order of its fields.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> FieldErrors {
        FieldErrors(Vec::new())
    }

    pub fn push(&mut self, key: &'static str, message: impl Into<String>) {
        self.0.push(FieldError { key, message: message.into() });
    }

    /// Keeps `r`'s value, or records its error under `key` and gives None.
    pub fn take<T, E: fmt::Display>(&mut self, key: &'static str, r: Result<T, E>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.push(key, e.to_string());
                None
            }
        }
    }

    /// Records `label：不能超过N个字` under `key` when `s` is longer than `max` characters
    /// (see [`crate::limits`]).
    pub fn limit(&mut self, key: &'static str, label: &str, s: &str, max: usize) {
        if let Err(e) = crate::limits::check(label, s, max) {
            self.push(key, e);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The input's value — built from its fields once each was read — when no field was
    /// refused; otherwise these errors.
    pub fn or_value<T>(self, value: Option<T>) -> Result<T, FieldErrors> {
        match value {
            Some(v) if self.is_empty() => Ok(v),
            _ => Err(self),
        }
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The message about `key`, for the input a form marks.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|e| e.key == key).map(|e| e.message.as_str())
    }

    pub fn keys(&self) -> Vec<&'static str> {
        self.0.iter().map(|e| e.key).collect()
    }

    /// Every message, as an import's reasons list them.
    pub fn messages(&self) -> Vec<String> {
        self.0.iter().map(|e| e.message.clone()).collect()
    }

    /// Ok(()) when nothing was refused.
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.messages().join("；"))
    }
}

impl std::error::Error for FieldErrors {}

/// The text of an optional field: normalized (trimmed, full-width folded), None when empty.
pub fn optional(s: &str) -> Option<String> {
    Some(crate::text::normalize(s)).filter(|s| !s.is_empty())
}

/// 2021-03-05, 2021/3/5, 2021.3.5, 2021年3月5日, 20210305, full-width digits too.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    if over(s, CODE_CHARS).is_some() {
        return None;
    }
    let s = compact(s);
    if s.len() == 8 && s.chars().all(|c| c.is_ascii_digit()) {
        return NaiveDate::parse_from_str(&s, "%Y%m%d").ok();
    }
    let parts: Vec<&str> = s.split(['-', '/', '.', '年', '月', '日']).filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        [y, m, d] => NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?),
        _ => None,
    }
}

/// A date field: `label：“…”不是有效日期，应为 2027-06-30 的格式`.
pub fn date_field(label: &str, s: &str) -> Result<Option<NaiveDate>, String> {
    if compact(s).is_empty() {
        return Ok(None);
    }
    parse_date(s).map(Some).ok_or_else(|| format!("{label}：“{}”不是有效日期，应为 2027-06-30 的格式", echo(s)))
}

/// A number as offices write it: thousands separators (1,200 / 1，200), full-width digits,
/// spaces, and a trailing unit word given in `units` ("人", "万元").
fn number_text(s: &str, units: &[&str]) -> String {
    if over(s, CODE_CHARS).is_some() {
        // Not a number; the caller's parse refuses it.
        return "?".to_owned();
    }
    let mut t = compact(s).replace([',', '，', '_'], "");
    for u in units {
        if let Some(stripped) = t.strip_suffix(u) {
            t = stripped.to_owned();
            break;
        }
    }
    t
}

/// A count (从业人数 …): "1,200", "1200人", "１２００"; whole and not negative.
pub fn count_field(label: &str, s: &str, units: &[&str]) -> Result<Option<u32>, String> {
    let t = number_text(s, units);
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<f64>() {
        Ok(n) if (0.0..10_000_000.0).contains(&n) && n.fract() == 0.0 => Ok(Some(n as u32)),
        _ => Err(format!("{label}：“{}”不是整数", echo(s))),
    }
}

/// An amount (数量, 万元 …): "1,200.5", full-width digits; finite, not negative, and at most
/// [`AMOUNT_MAX`].
pub fn amount_field(label: &str, s: &str, units: &[&str]) -> Result<Option<f64>, String> {
    let t = number_text(s, units);
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<f64>() {
        Ok(q) if q > AMOUNT_MAX && q.is_finite() => {
            Err(format!("{label}：“{}”超过上限 1000000000000（一万亿）", echo(s)))
        }
        Ok(q) if q.is_finite() && q >= 0.0 => Ok(Some(q)),
        _ => Err(format!("{label}：“{}”不是不小于0的数", echo(s))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_offices_write_them() {
        assert_eq!(count_field("从业人数", "1,200人", &["人"]), Ok(Some(1200)));
        assert_eq!(count_field("从业人数", "１２００", &["人"]), Ok(Some(1200)));
        assert_eq!(count_field("从业人数", " 1，200 ", &["人"]), Ok(Some(1200)));
        assert_eq!(count_field("从业人数", "", &["人"]), Ok(None));
        assert_eq!(count_field("从业人数", "一百", &["人"]), Err("从业人数：“一百”不是整数".to_owned()));
        assert!(count_field("从业人数", "12.5", &["人"]).is_err());
        assert!(count_field("从业人数", "-3", &["人"]).is_err());
        assert_eq!(amount_field("数量", "1,200.5", &[]), Ok(Some(1200.5)));
        assert!(amount_field("数量", "-1", &[]).is_err());
        assert!(amount_field("数量", "NaN", &[]).is_err());
        assert_eq!(amount_field("数量", "1000000000000", &[]), Ok(Some(AMOUNT_MAX)));
        assert_eq!(
            amount_field("数量", "6.5e307", &[]),
            Err("数量：“6.5e307”超过上限 1000000000000（一万亿）".to_owned())
        );
        assert_eq!(amount_field("数量", "5e-324", &[]), Ok(Some(5e-324)), "tiny is still a number");
    }

    #[test]
    fn dates_as_offices_write_them() {
        let d = NaiveDate::from_ymd_opt(2027, 6, 30);
        for s in ["2027-06-30", "2027/6/30", "2027.6.30", "2027年6月30日", "20270630", "２０２７－０６－３０"]
        {
            assert_eq!(parse_date(s), d, "{s}");
        }
        assert_eq!(parse_date("2027-02-30"), None);
        assert_eq!(date_field("有效期至", " "), Ok(None));
        assert!(date_field("有效期至", "明年").unwrap_err().starts_with("有效期至：“明年”不是有效日期"));
    }

    #[test]
    fn errors_keep_their_fields() {
        let mut e = FieldErrors::new();
        assert_eq!(e.take::<u32, String>("kind", Ok(3)), Some(3));
        e.push("reach", "发布范围：“全市”无法识别");
        e.take::<u32, _>("title", Err("标题：不能为空"));
        assert_eq!(e.keys(), vec!["reach", "title"]);
        assert_eq!(e.get("title"), Some("标题：不能为空"));
        assert_eq!(e.to_string(), "发布范围：“全市”无法识别；标题：不能为空");
    }
}
