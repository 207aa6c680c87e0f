//! The web crate's integration tests, one binary, one module per capability (as the pages
//! are): the router in-process with `oneshot`, a fresh database per test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod activities;
mod api;
mod api_contract;
mod attack;
mod bodies;
mod coverage;
mod groups;
mod hostile_forms;
mod instructors;
mod limits;
mod matching;
mod matrix;
mod people;
mod policies;
mod project_outcomes;
mod project_parts;
mod projects;
mod proposals;
mod rating_link;
mod registry;
mod results;
mod results_briefing;
mod roles;
mod route_table;
mod services;
mod villages;
mod workgroups;

use axum::http::StatusCode;

pub(crate) fn between(s: &str, start: &str, end: &str) -> String {
    let i = s.find(start).unwrap_or_else(|| panic!("no {start} in {s}")) + start.len();
    let j = s[i..].find(end).unwrap() + i;
    s[i..j].replace("&#x2f;", "/").replace("&amp;", "&")
}

/// The status a page or form answers a role with: `ok` when the role may and the record is
/// in its scope, 404 when the record is outside it, 403 when the role may not.
pub(crate) fn expect(may: bool, in_scope: bool, ok: StatusCode) -> StatusCode {
    match (may, in_scope) {
        (false, _) => StatusCode::FORBIDDEN,
        (true, false) => StatusCode::NOT_FOUND,
        (true, true) => ok,
    }
}

/// The dates of a round open for filing today: filing from yesterday to tomorrow, then
/// recommendation, review, publicity and objections closing 3, 10, 12 and 14 days on.
pub(crate) fn open_round(today: chrono::NaiveDate) -> qunlian_domain::projects::RoundDates {
    let day = |n: i64| today + chrono::Duration::days(n);
    qunlian_domain::projects::RoundDates {
        filing_opens: day(-1),
        filing_closes: day(1),
        recommend_closes: day(3),
        review_closes: day(10),
        publicity_closes: day(12),
        objections_close: day(14),
    }
}
