//! The 大屏 (`/results/screen`): a full-screen page for a 1920×1080 meeting-room screen and a
//! tablet — the headline figures of a scope (`Results::headline`, the figures API's
//! function), the towns by coverage on a schematic map, and the economy's trend over five
//! years. Aggregates only: no names of people, no ranking of branches or clusters. The
//! figures refresh themselves from `/results/screen/figures` (an htmx fragment) every few
//! minutes.

use askama::Template;
use axum::extract::{Query, State};
use qunlian_domain::auth::Action;
use qunlian_domain::results::{Indicator, Period, Span};
use qunlian_store::results::{FigureScope, Headline, ScoreFigure, Trend};
use serde::Deserialize;

use super::screen_map::{self, Block};
use super::{drill_href, period_choices, period_param, scope_param};
use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::render;

/// How often the screen asks for its figures again, in seconds.
pub const REFRESH_SECONDS: u32 = 300;

#[derive(Deserialize, Default)]
pub struct ScreenQuery {
    scope: Option<String>,
    period: Option<String>,
}

/// The figures part of the screen: the page's body and, alone, the refresh's answer.
#[derive(Template)]
#[template(path = "results/_screen_figures.html")]
struct Figures {
    h: Headline,
    blocks: Vec<Block>,
    map_height: u32,
    map_width: u32,
    trend: String,
    link_towns: bool,
}

impl Figures {
    fn href(&self, f: &ScoreFigure) -> String {
        drill_href(self.h.scope, self.h.period, &f.drill)
    }
}

#[derive(Template)]
#[template(path = "results/screen.html")]
struct ScreenPage {
    query: String,
    scope: String,
    period: Period,
    periods: Vec<Period>,
    refresh: u32,
    scope_name: String,
    demo: bool,
    /// The figures part, rendered.
    body: String,
}

/// The five periods of the same span ending with `period`, oldest first.
fn trend_periods(period: Period) -> Vec<Period> {
    (period.year - 4..=period.year)
        .map(|y| match period.span {
            Span::FirstHalf => Period::first_half(y),
            Span::Year => Period::year(y),
        })
        .collect()
}

/// The trend as the chart reads it: money in 亿元, per indicator.
fn trend_json(trend: &Trend) -> String {
    let labels: Vec<String> = trend.iter().map(|(p, _)| p.label()).collect();
    let series: Vec<serde_json::Value> = [Indicator::Tax, Indicator::Output, Indicator::Revenue]
        .iter()
        .map(|&i| {
            let data: Vec<Option<f64>> = trend
                .iter()
                .map(|(_, sums)| {
                    sums.iter().find(|(x, _)| *x == i).and_then(|(_, v)| *v).map(|v| (v as f64 / 1e6).round() / 100.0)
                })
                .collect();
            serde_json::json!({ "name": i.label(), "data": data })
        })
        .collect();
    serde_json::json!({ "labels": labels, "unit": "亿元", "series": series }).to_string().replace("</", "<\\/")
}

async fn figures(state: &AppState, auth: &Auth, q: &ScreenQuery) -> Result<Figures, WebError> {
    auth.require(Action::ReadResults)?;
    let scope = scope_param(&auth.caller, &q.scope)?;
    let period = period_param(state, &q.period)?;
    let results = state.store.results();
    let h = results.headline(&auth.caller, scope, period).await?;
    let trend = results.trend(&auth.caller, scope, &trend_periods(period)).await?;
    let (blocks, map_height) = screen_map::blocks(&h.towns);
    Ok(Figures {
        link_towns: scope == FigureScope::District,
        h,
        blocks,
        map_height,
        map_width: screen_map::WIDTH,
        trend: trend_json(&trend),
    })
}

pub async fn page(State(state): State<AppState>, auth: Auth, Query(q): Query<ScreenQuery>) -> PageResult {
    let figures = figures(&state, &auth, &q).await?;
    let scope = figures.h.scope.code();
    let period = figures.h.period;
    let demo = Layout::new(&auth, &state, super::ACTIVE).demo;
    render(&ScreenPage {
        body: figures.render().map_err(|e| WebError::Internal(e.to_string()))?,
        scope_name: figures.h.scope_name.clone(),
        demo,
        query: format!("scope={scope}&period={}", period.code()),
        scope,
        period,
        periods: period_choices(state.store.today()),
        refresh: REFRESH_SECONDS,
    })
}

/// The figures alone, for the screen's refresh.
pub async fn fragment(State(state): State<AppState>, auth: Auth, Query(q): Query<ScreenQuery>) -> PageResult {
    render(&figures(&state, &auth, &q).await?)
}
