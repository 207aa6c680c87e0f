//! `/api/v1/figures`: every headline figure of a scope (the district, a town, a cluster) for
//! a period, with its as-of time and the address of the records it counts — what the
//! 大屏 shows, for a screen product the district already owns. Computed by the store's
//! `Results::headline`, the same function as the 大屏 and the scorecard (docs/results.md).

use qunlian_store::results::{Headline, Value};

use super::*;

#[derive(serde::Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FiguresParams {
    /// `district`, `town:310117105` or `cluster:3`; when left out, the token owner's own
    /// district, town or cluster (a branch or an enterprise must name a cluster)
    #[param(pattern = r"^(district|(town:)?[0-9]{9}|cluster:[1-9][0-9]{0,17})?$")]
    scope: Option<String>,
    /// `2021H1` (first half) or `2021` (whole year), or as offices write them (2021年上半年,
    /// 2021年; the pattern, generated from `params::PERIOD`, lists them); the latest ended
    /// period when left out
    period: Option<String>,
}

/// One headline figure.
#[derive(Serialize, ToSchema)]
pub struct FigureJson {
    /// Stable key: enterprises, covered, coverage_rate, orgs, party_members, new_party_members,
    /// tax, output, revenue, employees, rd, introductions, deals, deal_value, requests, done,
    /// on_time_rate, median_days, projects, tier:<code>, patents (a cluster also: members)
    key: String,
    /// 组织建设, 经济指标, 链上对接, 企业服务, 深度融合项目
    section: String,
    label: String,
    /// count | yuan | people | percent | working_days
    unit: String,
    /// The number; null when there is none (nothing reported, nothing to divide by)
    value: Option<f64>,
    /// As shown on the pages, e.g. 5.1158亿元
    text: String,
    /// The same period of the year before; null for a state of today
    previous: Option<f64>,
    previous_text: Option<String>,
    /// +48.3%, +3, 持平 or —
    change: String,
    why_no_change: Option<String>,
    /// 截至 2021-06-30, or 截至 2026-12-04 10:30
    as_of: String,
    /// Path of the page listing the records the figure counts
    records: String,
    note: Option<String>,
}

/// A town's enterprises by coverage today.
#[derive(Serialize, ToSchema)]
pub struct TownFigureJson {
    code: String,
    name: String,
    enterprises: u64,
    own_org: u64,
    joint_org: u64,
    work_only: u64,
    uncovered: u64,
    /// Organisational coverage (own + joint) in percent
    org_rate: f64,
}

#[derive(Serialize, ToSchema)]
pub struct FiguresJson {
    scope: String,
    scope_name: String,
    period: String,
    period_label: String,
    previous: String,
    counted_at: String,
    figures: Vec<FigureJson>,
    towns: Vec<TownFigureJson>,
}

/// A value as a number with its unit.
pub fn number(v: Value) -> (Option<f64>, &'static str) {
    match v {
        Value::Count(n) => (Some(n as f64), "count"),
        Value::Money(y) => (Some(y as f64), "yuan"),
        Value::People(n) => (Some(n as f64), "people"),
        Value::Days(d) => (d, "working_days"),
        Value::Percent(p) => (p.map(crate::support::format::round2), "percent"),
        Value::Missing => (None, "count"),
    }
}

impl From<Headline> for FiguresJson {
    fn from(h: Headline) -> FiguresJson {
        let mut figures = Vec::new();
        for s in &h.sections {
            for f in &s.figures {
                let (value, unit) = number(f.current);
                let unit = if f.current == Value::Missing { f.previous.map_or("count", |p| number(p).1) } else { unit };
                figures.push(FigureJson {
                    key: f.key.clone(),
                    section: s.title.to_owned(),
                    label: f.label.clone(),
                    unit: unit.to_owned(),
                    value,
                    text: f.current.text(),
                    previous: f.previous.and_then(|p| number(p).0),
                    previous_text: f.previous.map(|p| p.text()),
                    change: f.change.clone(),
                    why_no_change: f.why_no_change.clone(),
                    as_of: f.as_of.clone(),
                    records: crate::pages::results::drill_href(h.scope, h.period, &f.drill),
                    note: f.note.clone(),
                });
            }
        }
        let towns = h
            .towns
            .iter()
            .map(|t| TownFigureJson {
                code: t.code.clone(),
                name: t.name.clone(),
                enterprises: t.counts.total,
                own_org: t.counts.own_org,
                joint_org: t.counts.joint_org,
                work_only: t.counts.work_only,
                uncovered: t.counts.uncovered,
                org_rate: crate::support::format::round2(t.counts.org_rate()),
            })
            .collect();
        FiguresJson {
            scope: h.scope.code(),
            scope_name: h.scope_name,
            period: h.period.code(),
            period_label: h.period.label(),
            previous: h.previous.code(),
            counted_at: h.counted_at,
            figures,
            towns,
        }
    }
}

/// Every headline figure of a scope for a period. A scope the token's owner does not reach
/// whole answers 403 (a district for a town admin, another town), a cluster it cannot see 404.
#[utoipa::path(get, path = "/api/v1/figures", params(FiguresParams), responses((status = 200, body = FiguresJson), (status = 403), (status = 404), (status = 422)), security(("bearer" = [])))]
async fn figures(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(p): Query<FiguresParams>,
) -> ApiResult<FiguresJson> {
    if !caller.may(qunlian_domain::auth::Action::ReadResults) {
        return Err(WebError::Forbidden.into());
    }
    // The spellings the document gives, exactly (the pages' parsers read more).
    let scope = match p.scope.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => params::figure_scope("scope", s)?,
        None => crate::pages::results::scope_param(&caller, &None)?,
    };
    let period = match params::period("period", p.period.as_deref())? {
        Some(period) => period,
        None => crate::pages::results::period_param(&state, &None)?,
    };
    Ok(Json(state.store.results().headline(&caller, scope, period).await?.into()))
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/figures", get(figures))
}

#[derive(OpenApi)]
#[openapi(paths(figures))]
pub struct Doc;
