//! The figures of the awarded projects by year, cluster, tier, direction and carrier, each
//! number a link to the list of projects it counts.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;
use qunlian_domain::auth::Action;
use qunlian_domain::codes::Labelled;
use qunlian_domain::projects::{FigureAxis, Tier};
use qunlian_store::projects::{FigureRow, ProjectFilter, ProjectRecord};
use serde::Deserialize;

use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::format::url_encode;
use crate::support::forms::{coded, non_empty, town_param};
use crate::support::render;

pub fn routes() -> Router<AppState> {
    Router::new().route("/projects/figures", get(page))
}

#[derive(Deserialize, Default)]
pub struct FigureQuery {
    by: Option<String>,
    year: Option<String>,
    cluster: Option<String>,
    tier: Option<String>,
    direction: Option<String>,
    carrier: Option<String>,
    /// Projects of the Party organisations of this town (a town's headline figure).
    town: Option<String>,
}

impl FigureQuery {
    /// The list asked for; a value that is no year, cluster id or tier is refused by name.
    fn filter(&self) -> Result<ProjectFilter, WebError> {
        let int = |label: &str, v: &Option<String>| -> Result<Option<i64>, WebError> {
            non_empty(v)
                .map(|s| s.parse::<i64>().map_err(|_| WebError::Invalid(format!("{label}：“{s}”不是数字"))))
                .transpose()
        };
        Ok(ProjectFilter {
            year: int("年度", &self.year)?.map(|y| y as i32),
            cluster: int("集群", &self.cluster)?,
            tier: coded(&self.tier, Tier::from_code)?,
            direction: self.direction.clone().filter(|d| !d.is_empty()),
            // An empty carrier is "no carrier", so it is kept when given.
            carrier: self.carrier.clone(),
            town: town_param(&self.town)?,
        })
    }
}

/// A figure with the address of its list.
pub struct FigureLink {
    pub row: FigureRow,
    pub href: String,
}

fn href(axis: FigureAxis, filter: &ProjectFilter) -> String {
    let mut q = format!("/projects/figures?by={}", axis.code());
    for (k, v) in filter.pairs() {
        q.push_str(&format!("&{k}={}", url_encode(&v)));
    }
    q
}

#[derive(Template)]
#[template(path = "projects/figures.html")]
struct FiguresPage {
    layout: Layout,
    axis: FigureAxis,
    axes: &'static [FigureAxis],
    rows: Vec<FigureLink>,
    total: (usize, usize, usize),
    filtered: bool,
    list: Vec<ProjectRecord>,
    may_export: bool,
}

pub async fn page(State(state): State<AppState>, auth: Auth, Query(q): Query<FigureQuery>) -> PageResult {
    auth.require(Action::ReadProjects)?;
    let axis = coded(&q.by, FigureAxis::from_code)?.unwrap_or(FigureAxis::Year);
    let filter = q.filter()?;
    let p = state.store.projects();
    let rows: Vec<FigureLink> = p
        .figures(&auth.caller, axis)
        .await?
        .into_iter()
        .map(|row| FigureLink { href: href(axis, &row.filter), row })
        .collect();
    let total =
        rows.iter().fold((0, 0, 0), |t, r| (t.0 + r.row.projects, t.1 + r.row.participants, t.2 + r.row.patents));
    let filtered = !filter.is_empty();
    let list = if filtered { p.figure_list(&auth.caller, &filter).await? } else { Vec::new() };
    render(&FiguresPage {
        layout: Layout::new(&auth, &state, "/projects"),
        axis,
        axes: FigureAxis::all(),
        rows,
        total,
        filtered,
        list,
        may_export: auth.caller.may(Action::ReadProjects),
    })
}
