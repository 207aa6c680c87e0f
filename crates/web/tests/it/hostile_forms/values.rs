//! The hostile values each field gets.

use std::collections::BTreeSet;

use super::html::{Field, Kind};
use super::tally::SCRIPT;

/// The values every field gets, the worst first.
pub(super) fn worst() -> Vec<String> {
    vec![String::new(), "汉".repeat(20_001), "99999999999999999999".into(), "\0".into(), SCRIPT.into()]
}

/// The other hostile values, two of them per field in turn.
pub(super) const OTHERS: &[&str] =
    &["-1", "1,200人", "１２", "2026/13/45", "0x10", "'; DROP TABLE units;--", "\u{FFFF}", "  "];

/// Values of the wrong type for a field that holds a record's id or a number.
pub(super) const FOR_IDS: &[&str] = &["-1", "１２", "1,200人", "0x10", "abc", "1.5", "9223372036854775808"];

/// Values of the wrong type for a field that holds a date.
pub(super) const FOR_DATES: &[&str] = &["2026/13/45", "2026-02-30", "0x10", "12", "2026-11-22T00:00:00", "99999-01-01"];

pub(super) fn looks_like_date(name: &str, f: &Field) -> bool {
    f.kind == Kind::Date
        || name.ends_with("_on")
        || name.contains("date")
        || name.ends_with("_until")
        || name.ends_with("_from")
        || matches!(name, "on" | "from" | "to" | "due" | "day")
        || (f.value.len() == 10 && chrono::NaiveDate::parse_from_str(&f.value, "%Y-%m-%d").is_ok())
}

pub(super) fn looks_like_id(name: &str, f: &Field) -> bool {
    let numeric = |v: &str| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '-');
    f.kind == Kind::Number
        || name == "id"
        || name.ends_with("_id")
        || numeric(&f.value)
        || (f.kind == Kind::Choice && f.options.iter().filter(|o| !o.is_empty()).any(|o| numeric(o)))
}

/// The hostile values a field gets: the worst ones, two others in turn (`turn` counts the
/// fields fed so far), and values of the wrong type for an id, a number or a date.
pub(super) fn values_for(name: &str, f: &Field, turn: usize) -> Vec<String> {
    let mut v = worst();
    for k in 0..2 {
        v.push(OTHERS[(turn * 2 + k) % OTHERS.len()].to_owned());
    }
    if looks_like_id(name, f) {
        v.extend(FOR_IDS.iter().map(|s| (*s).to_owned()));
    }
    if looks_like_date(name, f) {
        v.extend(FOR_DATES.iter().map(|s| (*s).to_owned()));
    }
    let mut seen = BTreeSet::new();
    v.retain(|x| seen.insert(x.clone()));
    v
}
