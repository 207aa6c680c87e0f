//! Results pages (工作成效): the economic-figures import and list, and a cluster's scorecard
//! for a period with the records behind each figure. The rules and the counts are the
//! store's (`store.results()`); these pages show them and link every figure to its list.
//!
//! Paths: everything under `/results`; a scorecard is `/results/clusters/{id}?period=2021H1`.

pub mod briefing;
pub mod figures;
pub mod import;
pub mod scorecard;

use axum::Router;
use axum::routing::get;
use qunlian_domain::auth::ClusterId;

use qunlian_domain::results::Period;
use qunlian_store::results::Drill;

use crate::error::WebError;
use crate::state::AppState;
use crate::support::forms::non_empty;

const ACTIVE: &str = "/results";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/results", get(scorecard::index))
        .route("/results/clusters/{id}", get(scorecard::page))
        .route("/results/clusters/{id}/records", get(scorecard::records))
        .route("/results/clusters/{id}/export.xlsx", get(scorecard::export))
        .route("/results/figures", get(figures::page))
        .route("/results/briefing", get(briefing::page))
        .route("/results/briefing/file", get(briefing::file))
        .merge(import::routes())
}

/// The period of a query (`2021H1`, `2021`, or as offices write it); the latest ended one
/// when none is given.
fn period_param(state: &AppState, v: &Option<String>) -> Result<Period, WebError> {
    match non_empty(v) {
        Some(s) => Period::parse(s).map_err(|e| WebError::Invalid(e.to_string())),
        None => Ok(Period::latest_ended(state.store.today())),
    }
}

/// The periods offered in a select: the first half and the whole of the last few years.
fn period_choices(today: chrono::NaiveDate) -> Vec<Period> {
    use chrono::Datelike;
    let mut out = Vec::new();
    for year in (today.year() - 5..=today.year()).rev() {
        out.push(Period::first_half(year));
        out.push(Period::year(year));
    }
    out
}

/// Where a figure's records are listed.
pub fn drill_href(cluster: ClusterId, period: Period, drill: &Drill) -> String {
    let p = period.code();
    match drill {
        Drill::Members => format!("/results/clusters/{cluster}/records?period={p}&of=members"),
        Drill::Orgs => format!("/results/clusters/{cluster}/records?period={p}&of=orgs"),
        Drill::Introductions { won: false } => {
            format!("/results/clusters/{cluster}/records?period={p}&of=introductions")
        }
        Drill::Introductions { won: true } => format!("/results/clusters/{cluster}/records?period={p}&of=deals"),
        Drill::Requests => format!("/results/clusters/{cluster}/records?period={p}&of=requests"),
        Drill::Projects { year, tier } => {
            let tier = tier.map(|t| format!("&tier={}", t.code())).unwrap_or_default();
            format!("/projects/figures?by=tier&year={year}&cluster={cluster}{tier}")
        }
        Drill::Figures(i) => format!("/results/figures?cluster={cluster}&period={p}&indicator={}", i.code()),
    }
}

/// A stored value as shown (万元/亿元 or 人), for templates, which hold values by reference.
pub fn shown(indicator: &qunlian_domain::results::Indicator, value: &i64) -> String {
    indicator.show(*value)
}
