//! The economic figures behind a scorecard's economy figures (or any selection of them):
//! each enterprise's value with the same period of the year before, the change or why there
//! is none, the file it came from and the date it is as of.

use askama::Template;
use axum::extract::{Query, State};
use qunlian_domain::auth::{Action, ClusterId, UnitId};
use qunlian_domain::results::{Indicator, Period};
use qunlian_store::results::{FIGURES_SHOWN, FigureFilter, FigureRecord};
use serde::Deserialize;

use super::{ACTIVE, period_choices};
use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::forms::{coded, id_param, non_empty, parsed};
use crate::support::render;

#[derive(Deserialize, Default)]
pub struct FigureQuery {
    cluster: Option<String>,
    period: Option<String>,
    indicator: Option<String>,
    unit: Option<String>,
    town: Option<String>,
}

#[derive(Template)]
#[template(path = "results/figures.html")]
struct FiguresPage {
    layout: Layout,
    rows: Vec<FigureRecord>,
    total: u64,
    shown: u64,
    cluster: Option<(i64, String)>,
    unit: String,
    town: Option<(String, String)>,
    period: String,
    indicator: String,
    periods: Vec<Period>,
    indicators: &'static [Indicator],
    may_import: bool,
}

pub async fn page(State(state): State<AppState>, auth: Auth, Query(q): Query<FigureQuery>) -> PageResult {
    auth.require(Action::ReadResults)?;
    let period = non_empty(&q.period).map(|s| parsed(Period::parse(s))).transpose()?;
    let filter = FigureFilter {
        cluster: id_param("集群", &q.cluster)?.map(ClusterId),
        period,
        indicator: coded(&q.indicator, Indicator::parse)?,
        unit: id_param("企业", &q.unit)?.map(UnitId),
        town: non_empty(&q.town)
            .map(|t| qunlian_domain::RegionCode::parse(t).map_err(|e| WebError::Invalid(format!("街镇：{e}"))))
            .transpose()?,
    };
    let cluster = match filter.cluster {
        Some(c) => {
            let d = state.store.registry().cluster(&auth.caller, c).await?;
            Some((c.0, d.cluster.name))
        }
        None => None,
    };
    let (rows, total) = state.store.results().figures(&auth.caller, &filter).await?;
    render(&FiguresPage {
        layout: Layout::new(&auth, &state, ACTIVE),
        rows,
        total,
        shown: FIGURES_SHOWN,
        cluster,
        unit: non_empty(&q.unit).unwrap_or("").to_owned(),
        town: filter.town.map(|t| (t.to_string(), t.full_name())),
        period: period.map(|p| p.code()).unwrap_or_default(),
        indicator: filter.indicator.map(|i| i.code().to_owned()).unwrap_or_default(),
        periods: period_choices(state.store.today()),
        indicators: &Indicator::ALL,
        may_import: auth.caller.may(Action::RecordFigures),
    })
}
