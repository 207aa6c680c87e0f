//! Judging each answer: no server error, no English of the framework, refusals in Chinese,
//! the API's errors as its `{code, message}` JSON.

use std::collections::BTreeMap;

use axum::http::StatusCode;

/// English text of the framework, the database or a panic: never for a user.
pub(super) const LEAKS: &[&str] = &[
    "Failed to deserialize",
    "failed to deserialize",
    "Failed to parse",
    "failed to parse",
    "panicked",
    "invalid digit",
    "called `Result::unwrap()`",
    "called `Option::unwrap()`",
    "Error parsing",
    "missing field",
    "unknown variant",
    "invalid type:",
    "invalid value:",
    "error returned from database",
    "SqliteError",
    "sqlx",
    "DbErr",
    "Query Error",
    "Execution Error",
    "RecordNotFound",
    "constraint failed",
    "violates",
    "duplicate key",
    "stack backtrace",
    "RUST_BACKTRACE",
    "number too large",
    "cannot parse",
    "out of range",
    "Expected request with",
];

pub(super) const SCRIPT: &str = "<script>alert(1)</script>";

#[derive(Default)]
pub(super) struct Tally {
    pub(super) violations: Vec<String>,
    /// 422 answered with the error page instead of the form shown again with the reason
    /// (DESIGN §4: bad input loses nothing), by form and field: a violation unless the field
    /// is one of [`HIDDEN_ONLY`].
    pub(super) without_form: BTreeMap<String, usize>,
    /// The same for hidden fields of [`HIDDEN_ONLY`]: expected, listed.
    pub(super) hidden_only: BTreeMap<String, usize>,
    /// A form that ends a record answered by the record's page without that form: the record
    /// ended under an earlier hostile value that went through, and an ended record shows no
    /// form to end it (the reason stands above the page). Listed, not a violation.
    pub(super) ended: BTreeMap<String, usize>,
    pub(super) requests: usize,
    pub(super) forms: usize,
    pub(super) fields: usize,
    pub(super) uploads: usize,
    pub(super) statuses: BTreeMap<u16, usize>,
    /// Forms whose every answer refused the role (403): not fed, left for another role.
    pub(super) refused: usize,
    pub(super) api_fields: usize,
}

pub(super) fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

pub(super) fn snippet(body: &str, at: usize) -> String {
    let start = body.floor_char_boundary(at.saturating_sub(80));
    let end = body.ceil_char_boundary((at + 120).min(body.len()));
    body[start..end].replace('\n', " ")
}

pub(super) fn shown(v: &str) -> String {
    let n = v.chars().count();
    if n > 24 { format!("{:?}…({n} chars)", v.chars().take(8).collect::<String>()) } else { format!("{v:?}") }
}

impl Tally {
    /// Checks one answer; `what` says who sent what where.
    pub(super) fn check(&mut self, what: &str, status: StatusCode, body: &str, content_type: Option<&str>, api: bool) {
        self.requests += 1;
        *self.statuses.entry(status.as_u16()).or_default() += 1;
        let mut bad = |why: String| self.violations.push(format!("{what}: {} {why}", status.as_u16()));
        if status.is_server_error() {
            bad(format!("server error: {}", snippet(body, 0)));
        }
        // Downloads (.xlsx, .docx, PDF) are compressed bytes: only text is read for words.
        let text = content_type.is_none_or(|c| c.starts_with("text/") || c.starts_with("application/json"));
        for leak in LEAKS.iter().filter(|_| text) {
            if let Some(at) = body.find(leak) {
                bad(format!("English text {leak:?}: …{}…", snippet(body, at)));
            }
        }
        let html = content_type.is_some_and(|c| c.starts_with("text/html"));
        if let Some(at) = body.find(SCRIPT).filter(|_| html) {
            bad(format!("the script unescaped: …{}…", snippet(body, at)));
        }
        if status.is_client_error() && !has_chinese(body) {
            bad(format!("refused without a Chinese word: {}", snippet(body, 0)));
        }
        if api && status.is_client_error() {
            let json: Option<serde_json::Value> = serde_json::from_str(body).ok();
            let ok = json.as_ref().is_some_and(|j| {
                j["code"].is_string()
                    && j["message"].as_str().is_some_and(has_chinese)
                    && j.as_object().is_some_and(|o| o.len() == 2)
            });
            if !ok || !content_type.is_some_and(|c| c.starts_with("application/json")) {
                bad(format!("not the API's {{code, message}} JSON: {}", snippet(body, 0)));
            }
        }
    }
}
