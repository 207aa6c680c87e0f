//! The inputs every form has, checked the same way by every parser: a required or optional
//! text, a record chosen in a select, a date.

use chrono::NaiveDate;

use super::{FieldErrors, date_field};
use crate::limits::echo;

/// A required text: trimmed, refused when empty or longer than `max`.
pub(crate) fn required(errors: &mut FieldErrors, key: &'static str, label: &str, s: &str, max: usize) -> String {
    let v = s.trim();
    if v.is_empty() {
        errors.push(key, format!("{label}：不能为空"));
    }
    errors.limit(key, label, v, max);
    v.to_owned()
}

/// An optional text: trimmed, refused when longer than `max`.
pub(crate) fn optional(errors: &mut FieldErrors, key: &'static str, label: &str, s: &str, max: usize) -> String {
    errors.limit(key, label, s.trim(), max);
    s.trim().to_owned()
}

/// A record chosen in a select: its id; `请选择` when none was chosen.
pub(crate) fn chosen(errors: &mut FieldErrors, key: &'static str, label: &str, s: &str) -> Option<i64> {
    let v = s.trim();
    if v.is_empty() {
        errors.push(key, format!("{label}：请选择"));
        return None;
    }
    let id = v.parse::<i64>().ok().filter(|n| *n > 0);
    if id.is_none() {
        errors.push(key, format!("{label}：“{}”不是列表中的选项", echo(v)));
    }
    id
}

/// Ids ticked in a list, each once; a value that is no id refused under `key`. More than
/// [`crate::limits::CHOICES`] is refused whole, before any is read (a form of 200,000 repeated keys cost
/// quadratic time and an error line each).
pub(crate) fn chosen_ids(e: &mut FieldErrors, key: &'static str, label: &str, values: &[String]) -> Vec<i64> {
    let given: Vec<&String> = values.iter().filter(|v| !v.trim().is_empty()).collect();
    if given.len() > crate::limits::CHOICES {
        e.push(key, format!("{label}：最多选择{}项（现有{}项）", crate::limits::CHOICES, given.len()));
        return Vec::new();
    }
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for v in given {
        if let Some(id) = chosen(e, key, label, v)
            && seen.insert(id)
        {
            out.push(id);
        }
    }
    out
}

/// An optional choice: None when empty.
pub(crate) fn maybe_chosen(errors: &mut FieldErrors, key: &'static str, label: &str, s: &str) -> Option<i64> {
    if s.trim().is_empty() { None } else { chosen(errors, key, label, s) }
}

pub(crate) fn date(
    errors: &mut FieldErrors,
    key: &'static str,
    label: &str,
    s: &str,
    required: bool,
) -> Option<NaiveDate> {
    match date_field(label, s) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            if required {
                errors.push(key, format!("{label}：不能为空"));
            }
            None
        }
        Err(m) => {
            errors.push(key, m);
            None
        }
    }
}
