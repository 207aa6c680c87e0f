//! Activity pages (组织生活和集群活动, issue #13): the list with its filters, recording an
//! activity (organiser, type, day, place, the units taking part with their coverage,
//! attendance, minutes), one activity with the form that turns an issue raised into a need or
//! a service request, editing and withdrawing one (the organiser's side), the 三会一课 exceptions and the figures by cluster and town. Who sees
//! and records what is the store's (`store.activities()`).
//!
//! Paths: everything under `/activities`.

pub mod issues;
pub mod records;
pub mod reports;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

const ACTIVE: &str = "/activities";

/// The activity pages, with their paths.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/activities", get(records::list).post(records::create))
        .route("/activities/new", get(records::new_form))
        .route("/activities/exceptions", get(reports::exceptions))
        .route("/activities/figures", get(reports::figures))
        .route("/activities/{id}", get(records::detail))
        .route("/activities/{id}/edit", get(records::edit_form).post(records::update))
        .route("/activities/{id}/withdraw", post(issues::withdraw))
        .route("/activities/{id}/issues", post(issues::raise))
}
