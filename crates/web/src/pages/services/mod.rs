//! Enterprise services (红色店小二 / 直通车): requests, the catalogue and calendar, the report,
//! and the rating link. Helpers shared by these pages are here.

pub mod catalogue;
pub mod rating;
pub mod report;
pub mod requests;

use axum::Router;
use axum::routing::{get, post};
use qunlian_domain::auth::Action;
use qunlian_domain::services::{Colour, TimeLimit};
use qunlian_store::services::ServiceRequest;

use crate::auth::Auth;
use crate::error::WebError;
use crate::state::AppState;
use crate::support::forms::id_param;

/// Rows a list page shows; the total above it counts them all.
const SHOWN: usize = 500;

fn may_read(auth: &Auth) -> Result<(), WebError> {
    if auth.caller.may(Action::ReadRegistry) || auth.caller.may(Action::HandleServiceRequest) {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

fn colour_of(code: &str) -> Option<Colour> {
    [Colour::Green, Colour::Blue, Colour::Yellow, Colour::Red].into_iter().find(|c| c.code() == code)
}

fn days(minutes: i64) -> String {
    format!("{:.1}", minutes as f64 / 420.0)
}

/// How much time is left, in the unit of the limit.
pub fn remaining(r: &ServiceRequest) -> String {
    let m = r.clock.remaining_minutes;
    let (n, unit) = match r.limit {
        TimeLimit::WorkingHours(_) => (format!("{:.1}", m.abs() as f64 / 60.0), "个工作小时"),
        TimeLimit::WorkingDays(_) => (days(m.abs()), "个工作日"),
    };
    if m < 0 { format!("已超期 {n}{unit}") } else { format!("剩余 {n}{unit}") }
}

/// The pages of services, with their paths.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/services", get(requests::list).post(requests::create))
        .route("/services/new", get(requests::new_form))
        .route("/services/{id}", get(requests::detail))
        .route("/services/{id}/step", post(requests::step))
        .route(
            "/services/{id}/attachments",
            post(requests::add_attachment).layer(axum::extract::DefaultBodyLimit::max(
                crate::support::upload::ATTACHMENT_LIMIT + crate::support::upload::FORM_OVERHEAD,
            )),
        )
        .route("/services/{id}/rating-slip", get(rating::rating_slip))
        .route("/services/{id}/attachments/{aid}", get(requests::attachment))
        .route("/services/catalogue", get(catalogue::catalogue).post(catalogue::save_item))
        .route("/services/catalogue/import", post(catalogue::import_catalogue))
        .route("/services/calendar", get(catalogue::calendar).post(catalogue::upload_calendar))
        .route("/services/report", get(report::report))
        .route("/services/report.xlsx", get(report::report_xlsx))
        // The enterprise's rating link: no login, the signed token is the key.
        .route("/rate/{id}/{token}", get(rating::rate_page).post(rating::rate))
}
