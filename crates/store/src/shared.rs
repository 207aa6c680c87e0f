//! Helpers shared by the capabilities: display names of codes, masked phones and Beijing
//! time. Capabilities use each other only through their handles and these.

use chrono::{DateTime, NaiveDateTime, Utc};
use qunlian_domain::{IndustryCode, Phone, RegionCode};

/// Beijing time, as the offices read clocks.
pub fn local(t: DateTime<Utc>) -> NaiveDateTime {
    qunlian_domain::clock::beijing(t.naive_utc())
}

/// "上海市松江区新桥镇" → "新桥镇": lists show the town, the tooltip the full name.
pub fn town_name(code: &str) -> String {
    RegionCode::parse(code).map(|r| r.name().to_owned()).unwrap_or_else(|_| code.to_owned())
}

pub fn industry_name(code: Option<&str>) -> Option<String> {
    code.map(|c| IndustryCode::parse(c).map(|i| i.name().to_owned()).unwrap_or_else(|_| c.to_owned()))
}

/// Masks a stored phone for display; a value that no longer parses is masked wholesale.
pub fn mask_phone(plain: &str) -> String {
    Phone::parse(plain).map(|p| p.masked()).unwrap_or_else(|_| "****".to_owned())
}

/// Free-text search as typed, trimmed; refused past the domain's limit with a message naming
/// the search box, so no query of megabytes reaches the database or the index.
pub(crate) fn search_text(q: Option<&str>) -> crate::Result<Option<&str>> {
    qunlian_domain::limits::search_text(q)
        .map_err(|m| crate::StoreError::invalid(qunlian_domain::limits::SEARCH_LABEL, m))
}
