//! Member pages (党员, issue #13): the roster list with its filters and export, a member's
//! page with the reveal (a reason required, audited), the form that adds and edits a member,
//! and the roster import. Who sees whom is the store's (`store.people()`); the ID number and
//! phone reach these pages masked, and in full only as the answer to a reveal.
//!
//! Paths: the roster under `/members`, development under `/people/development`, transfers
//! under `/people/transfers` (issued from `/members/{id}/transfer`), the instructors' register
//! (党建指导员) under `/people/instructors`, a branch's Party groups (党小组) under
//! `/orgs/{id}/groups`.

pub mod development;
pub mod form;
pub mod groups;
pub mod import;
pub mod instructors;
pub mod members;
pub mod transfers;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

const ACTIVE: &str = "/members";

/// Rosters to import: 100,000 rows are about 8 MB as .xlsx.
pub const ROSTER_LIMIT: usize = 20 * 1024 * 1024;

/// The member pages, with their paths.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/members", get(members::list).post(form::create))
        .route("/members/new", get(form::new_form))
        .route("/people/instructors", get(instructors::list).post(instructors::create))
        .route("/people/instructors/{id}", get(instructors::detail))
        .route("/people/instructors/{id}/assignments", post(instructors::assign))
        .route("/people/instructors/{id}/assignments/{aid}/end", post(instructors::end))
        .route("/people/instructors/{id}/assessments", post(instructors::assess))
        .route("/members/export.xlsx", get(members::export))
        .route(
            "/members/import",
            get(import::page)
                .post(import::upload)
                .layer(axum::extract::DefaultBodyLimit::max(ROSTER_LIMIT + crate::support::upload::FORM_OVERHEAD)),
        )
        .route("/members/import/template.xlsx", get(import::template))
        .route("/members/{id}", get(members::detail))
        .route("/members/{id}/edit", get(form::edit_form).post(form::update))
        .route("/members/{id}/reveal", post(members::reveal))
        .route("/members/{id}/transfer", get(transfers::issue_form).post(transfers::issue))
        .route("/people/development", get(development::list).post(development::create))
        .route("/people/development/new", get(development::new_form))
        .route("/people/development/{id}", get(development::person))
        .route("/people/development/{id}/steps", post(development::record))
        .route("/people/development/{id}/id-number", post(development::id_number))
        .route("/people/development/{id}/reveal", post(development::reveal))
        .route("/orgs/{id}/groups", get(groups::list).post(groups::create))
        .route("/orgs/{id}/groups/{gid}", post(groups::update))
        .route("/people/transfers", get(transfers::list))
        .route("/people/transfers/{id}/accept", post(transfers::accept))
        .route("/people/transfers/{id}/return", post(transfers::give_back))
}
