//! How figures, times and cells look wherever the platform shows or exports them.

use qunlian_domain::clock::{UtcInstant, beijing};
use qunlian_io::xlsx::Cell;

/// Beijing time to the minute, as every page and the API show it.
pub fn minutes(t: impl UtcInstant) -> String {
    beijing(t).format("%Y-%m-%d %H:%M").to_string()
}

/// Beijing time to the second (the audit log).
pub fn seconds(t: impl UtcInstant) -> String {
    beijing(t).format("%Y-%m-%d %H:%M:%S").to_string()
}

/// A share already in percent, with one decimal: 87.5%.
pub fn percent(pct: f64) -> String {
    format!("{pct:.1}%")
}

/// Two decimals, for JSON figures (rates, averages).
pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

pub fn money(v: &f64) -> String {
    qunlian_store::matching::format_number(*v)
}

/// A text cell of an export.
pub fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

/// A date cell, empty when there is no date.
pub fn date(d: Option<chrono::NaiveDate>) -> Cell {
    d.map(Cell::Date).unwrap_or(Cell::Empty)
}

/// Percent-encodes a file name for `Content-Disposition: filename*=UTF-8''…`.
pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_and_names() {
        assert_eq!(percent(87.54), "87.5%");
        assert_eq!(round2(1.23456), 1.23);
        assert_eq!(url_encode("名录-1.xlsx"), "%E5%90%8D%E5%BD%95-1.xlsx");
        let t = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).and_then(|d| d.and_hms_opt(16, 5, 9));
        assert_eq!(t.map(minutes).as_deref(), Some("2026-01-02 00:05"));
        assert_eq!(t.map(seconds).as_deref(), Some("2026-01-02 00:05:09"));
    }
}
