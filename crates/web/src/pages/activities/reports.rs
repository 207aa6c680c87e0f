//! The 三会一课 exceptions of the month (never ranked) and the figures by cluster and town.

use askama::Template;
use axum::extract::{Query, State};
use chrono::Datelike;
use qunlian_domain::auth::Action;
use qunlian_store::activities::{CoverageCheck, Exceptions, FigureRow, GroupBy};
use serde::Deserialize;

use super::ACTIVE;
use super::records::date_param;
use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::forms::non_empty;
use crate::support::render;

#[derive(Deserialize, Default)]
pub struct ExceptionQuery {
    /// Any day of the month to check; today when empty.
    on: Option<String>,
}

#[derive(Template)]
#[template(path = "activities/exceptions.html")]
struct ExceptionsPage {
    layout: Layout,
    x: Exceptions,
}

/// 三会一课提醒: the branches without a due meeting in its period.
pub async fn exceptions(State(state): State<AppState>, auth: Auth, Query(q): Query<ExceptionQuery>) -> PageResult {
    auth.require(Action::ReadActivities)?;
    let day = date_param("日期", &q.on)?.unwrap_or_else(|| state.store.today());
    render(&ExceptionsPage {
        layout: Layout::new(&auth, &state, ACTIVE),
        x: state.store.activities().exceptions(&auth.caller, day).await?,
    })
}

#[derive(Deserialize, Default)]
pub struct FigureQuery {
    /// cluster | town
    by: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

#[derive(Template)]
#[template(path = "activities/figures.html")]
struct FiguresPage {
    layout: Layout,
    by_town: bool,
    from: String,
    to: String,
    rows: Vec<FigureRow>,
    activities: u64,
    participants: u64,
    check: CoverageCheck,
}

/// 活动统计: activities and participant-times by cluster or town in a period.
pub async fn figures(State(state): State<AppState>, auth: Auth, Query(q): Query<FigureQuery>) -> PageResult {
    auth.require(Action::ReadActivities)?;
    let by = match non_empty(&q.by) {
        None | Some("cluster") => GroupBy::Cluster,
        Some("town") => GroupBy::Town,
        Some(other) => return Err(WebError::Invalid(format!("统计口径：“{other}”应为 cluster 或 town"))),
    };
    let today = state.store.today();
    let from = date_param("起始日期", &q.from)?
        .unwrap_or_else(|| chrono::NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today));
    let to = date_param("截止日期", &q.to)?.unwrap_or(today);
    if to < from {
        return Err(WebError::Invalid("截止日期：不能早于起始日期".into()));
    }
    let acts = state.store.activities();
    let rows = acts.figures(&auth.caller, by, from, to).await?;
    render(&FiguresPage {
        layout: Layout::new(&auth, &state, ACTIVE),
        by_town: by == GroupBy::Town,
        from: from.to_string(),
        to: to.to_string(),
        activities: rows.iter().map(|r| r.activities).sum(),
        participants: rows.iter().map(|r| r.participants).sum(),
        check: acts.coverage_check(&auth.caller).await?,
        rows,
    })
}
