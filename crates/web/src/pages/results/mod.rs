//! Results pages (工作成效): the economic-figures import and list, and a cluster's scorecard
//! for a period with the records behind each figure. The rules and the counts are the
//! store's (`store.results()`); these pages show them and link every figure to its list.
//!
//! Paths: everything under `/results`; a scorecard is `/results/clusters/{id}?period=2021H1`.

pub mod briefing;
pub mod figures;
pub mod import;
pub mod scorecard;
pub mod screen;
mod screen_map;

use axum::Router;
use axum::routing::get;
use qunlian_domain::results::Period;
use qunlian_store::results::{Drill, FigureScope};

use crate::error::WebError;
use crate::state::AppState;
use crate::support::forms::{non_empty, parsed};

const ACTIVE: &str = "/results";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/results", get(scorecard::index))
        .route("/results/clusters/{id}", get(scorecard::page))
        .route("/results/clusters/{id}/records", get(scorecard::records))
        .route("/results/clusters/{id}/export.xlsx", get(scorecard::export))
        .route("/results/figures", get(figures::page))
        .route("/results/screen", get(screen::page))
        .route("/results/screen/figures", get(screen::fragment))
        .route("/results/briefing", get(briefing::page))
        .route("/results/briefing/file", get(briefing::file))
        .merge(import::routes())
}

/// The period of a query (`2021H1`, `2021`, or as offices write it); the latest ended one
/// when none is given.
pub(crate) fn period_param(state: &AppState, v: &Option<String>) -> Result<Period, WebError> {
    match non_empty(v) {
        Some(s) => parsed(Period::parse(s)),
        None => Ok(Period::latest_ended(state.store.today())),
    }
}

/// The scope of a query (`district`, `town:…`, `cluster:…`); the caller's own when none is given.
pub(crate) fn scope_param(caller: &qunlian_domain::auth::Caller, v: &Option<String>) -> Result<FigureScope, WebError> {
    match non_empty(v) {
        Some(s) => FigureScope::parse(s).map_err(WebError::Invalid),
        None => FigureScope::of_caller(caller)
            .ok_or_else(|| WebError::Invalid("范围：请指定集群，如 scope=cluster:3".to_owned())),
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

/// Where a figure's records are listed: a cluster's on its records page, a district's or a
/// town's on the registry's, members', services' and projects' lists.
pub fn drill_href(scope: FigureScope, period: Period, drill: &Drill) -> String {
    let p = period.code();
    if let FigureScope::Cluster(cluster) = scope {
        let records = |of: &str| format!("/results/clusters/{cluster}/records?period={p}&of={of}");
        return match drill {
            Drill::Members | Drill::Enterprises { .. } => records("members"),
            Drill::Orgs => records("orgs"),
            Drill::PartyMembers { joined_in: None } => records("party_members"),
            Drill::PartyMembers { joined_in: Some(_) } => records("new_party_members"),
            Drill::Introductions { won: false } => records("introductions"),
            Drill::Introductions { won: true } => records("deals"),
            Drill::Requests => records("requests"),
            Drill::Projects { year, tier } => {
                let tier = tier.map(|t| format!("&tier={}", t.code())).unwrap_or_default();
                format!("/projects/figures?by=tier&year={year}&cluster={cluster}{tier}")
            }
            Drill::Figures(i) => format!("/results/figures?cluster={cluster}&period={p}&indicator={}", i.code()),
            Drill::Activities { period } => format!("/activities?cluster={cluster}&{}", activity_dates(*period)),
        };
    }
    let town = match scope {
        FigureScope::Town(t) => format!("town={t}"),
        _ => String::new(),
    };
    let and_town = if town.is_empty() { String::new() } else { format!("&{town}") };
    match drill {
        Drill::Members | Drill::Enterprises { covered: false } => format!("/enterprises?{town}"),
        Drill::Enterprises { covered: true } => format!("/enterprises?org_covered=1{and_town}"),
        Drill::Orgs => "/orgs".to_owned(),
        Drill::PartyMembers { .. } => "/members".to_owned(),
        Drill::Introductions { won: false } => format!("/introductions?{}{and_town}", activity_dates(period)),
        Drill::Introductions { won: true } => {
            format!("/introductions?state=won&{}{and_town}", activity_dates(period))
        }
        Drill::Requests => format!("/services?{}{and_town}", activity_dates(period)),
        Drill::Projects { year, tier } => {
            let tier = tier.map(|t| format!("&tier={}", t.code())).unwrap_or_default();
            format!("/projects/figures?by=tier&year={year}{tier}{and_town}")
        }
        Drill::Figures(i) => format!("/results/figures?period={p}&indicator={}{and_town}", i.code()),
        Drill::Activities { period } => format!("/activities?{}{and_town}", activity_dates(*period)),
    }
}

/// `from=…&to=…` of a period, both days included, as the activities, introductions and
/// service request lists take them.
fn activity_dates(period: Period) -> String {
    let (from, after) = period.dates();
    format!("from={from}&to={}", after.pred_opt().unwrap_or(after))
}

/// A stored value as shown (万元/亿元 or 人), for templates, which hold values by reference.
pub fn shown(indicator: &qunlian_domain::results::Indicator, value: &i64) -> String {
    indicator.show(*value)
}
