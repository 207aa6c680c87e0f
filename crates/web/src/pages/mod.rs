//! Server-rendered pages: one askama struct per page and per partial. A request from htmx
//! (the `HX-Request` header) gets the partial only.

pub mod admin;
pub mod clusters;
pub mod coverage;
pub mod enterprises;
pub mod home;
pub mod import;
pub mod lists;
pub mod matching;
pub mod orgs;
pub mod others;
pub mod policies;
pub mod regions;
pub mod services;

use askama::Template;
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};

use crate::error::WebError;

pub fn is_htmx(headers: &HeaderMap) -> bool {
    headers.contains_key("hx-request") && !headers.contains_key("hx-history-restore-request")
}

pub fn render(t: &impl Template) -> Result<Response, WebError> {
    Ok(Html(t.render()?).into_response())
}

/// An empty form field is "not given", not an empty string.
pub fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

pub fn parse_date(field: &str, s: &Option<String>) -> Result<Option<chrono::NaiveDate>, WebError> {
    match non_empty(s) {
        None => Ok(None),
        Some(v) => chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| WebError::Invalid(format!("{field}：“{v}”不是有效日期，应为 2026-11-22 的格式"))),
    }
}
