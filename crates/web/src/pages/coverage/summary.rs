//! The coverage summary by category, one category by town with its trend, category rules
//! and snapshots.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use chrono::NaiveDate;
use qunlian_domain::RegionCode;
use qunlian_domain::auth::{Action, CategoryId};
use qunlian_domain::coverage::AssignmentState;
use qunlian_domain::rules::VOCABULARY;
use qunlian_store::coverage::{AssignmentFilter, Category, CoverageQuery, NewCategory, Snapshot};
use serde::{Deserialize, Serialize};

use super::*;
use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::forms::Choice;
use crate::support::forms::{non_empty, parse_date};
use crate::support::render;
use crate::support::towns::town_options;

#[derive(Deserialize, Default)]
pub struct SummaryQuery {
    town: Option<String>,
}

pub(super) fn region(town: &Option<String>) -> Result<Option<RegionCode>, WebError> {
    non_empty(town).map(|t| RegionCode::parse(t).map_err(|e| WebError::Invalid(format!("街镇：{e}")))).transpose()
}

#[derive(Template)]
#[template(path = "coverage/summary.html")]
struct SummaryPage {
    layout: Layout,
    as_of: NaiveDate,
    towns: Vec<Choice>,
    town_param: String,
    rows: Vec<Row>,
    chart: String,
    town_chart: String,
    may_define: bool,
    may_assign: bool,
    last_snapshot: Option<Snapshot>,
    open_assignments: usize,
}

pub async fn summary(State(state): State<AppState>, auth: Auth, Query(q): Query<SummaryQuery>) -> PageResult {
    auth.require(Action::ReadRegistry)?;
    let region = region(&q.town)?;
    let sum = state.store.coverage().summary(&auth.caller, &CoverageQuery { region, category: None }).await?;
    let town_param = region.map(|r| r.to_string());
    let rows: Vec<Row> = sum
        .categories
        .iter()
        .map(|c| row(c, c.name.clone(), town_param.as_deref(), sum.total_of(c.id), sum.as_of))
        .collect();
    // By town: every key enterprise once, whatever its categories, would need another count;
    // the chart shows the first category's towns, the one listed first by the department.
    let town_rows: Vec<Row> = match sum.categories.first() {
        Some(first) => sum
            .cells
            .iter()
            .filter(|c| c.category_id == first.id)
            .map(|c| row(first, c.town_name.clone(), Some(&c.town_code), c.counts, sum.as_of))
            .collect(),
        None => Vec::new(),
    };
    let town_title = sum.categories.first().map(|c| format!("{}：各街镇组织覆盖率", c.name)).unwrap_or_default();
    let open = state
        .store
        .coverage()
        .assignments(
            &auth.caller,
            &AssignmentFilter { state: Some(AssignmentState::Open), region, ..Default::default() },
        )
        .await?
        .len();
    render(&SummaryPage {
        layout: Layout::new(&auth, &state, "/coverage"),
        as_of: sum.as_of,
        towns: town_options(&state, &auth, town_param.as_deref()),
        chart: bars("各类别组织覆盖率与目标", &rows),
        town_chart: bars(&town_title, &town_rows),
        town_param: town_param.unwrap_or_default(),
        rows,
        may_define: auth.caller.may(Action::DefineCoverage),
        may_assign: auth.caller.may(Action::AssignCoverage),
        last_snapshot: state.store.coverage().snapshots(&auth.caller).await?.into_iter().next(),
        open_assignments: open,
    })
}

#[derive(Template)]
#[template(path = "coverage/category.html")]
struct CategoryPage {
    layout: Layout,
    as_of: NaiveDate,
    cat: Category,
    total: Row,
    rows: Vec<Row>,
    chart: String,
    trend: String,
    has_trend: bool,
    may_define: bool,
    vocabulary: &'static str,
    /// Said under the rule field: what an edit changes.
    rule_note: &'static str,
    /// The edit form's fields: the category's, or as a refused edit typed them.
    form: CategoryForm,
    error: Option<String>,
}

#[derive(Serialize)]
struct TrendChart {
    dates: Vec<String>,
    org: Vec<f64>,
    work: Vec<f64>,
    target: Vec<f64>,
    demo: Vec<bool>,
}

pub async fn category(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<SummaryQuery>,
) -> PageResult {
    category_page(&state, &auth, id, &q, None, None).await
}

/// A category's figures and, for who defines them, its edit form: as the category stands, or
/// as a refused edit typed it (422, the reason above the form).
async fn category_page(
    state: &AppState,
    auth: &Auth,
    id: i64,
    q: &SummaryQuery,
    typed: Option<CategoryForm>,
    error: Option<String>,
) -> PageResult {
    auth.require(Action::ReadRegistry)?;
    let region = region(&q.town)?;
    let id = CategoryId(id);
    let sum = state.store.coverage().summary(&auth.caller, &CoverageQuery { region, category: Some(id) }).await?;
    let cat = sum.categories.first().cloned().ok_or(WebError::NotFound)?;
    let town_param = region.map(|r| r.to_string());
    let total = row(&cat, "合计".into(), town_param.as_deref(), sum.total_of(id), sum.as_of);
    let rows: Vec<Row> =
        sum.cells.iter().map(|c| row(&cat, c.town_name.clone(), Some(&c.town_code), c.counts, sum.as_of)).collect();
    let points = state.store.coverage().trend(&auth.caller, id, region.as_ref()).await?;
    let trend = TrendChart {
        dates: points.iter().map(|p| p.as_of.format("%Y-%m-%d").to_string()).collect(),
        org: points.iter().map(|p| (p.counts.org_rate() * 10.0).round() / 10.0).collect(),
        work: points.iter().map(|p| (p.counts.work_rate() * 10.0).round() / 10.0).collect(),
        target: points.iter().map(|p| p.target_pct).collect(),
        demo: points.iter().map(|p| p.is_demo).collect(),
    };
    let form = typed.unwrap_or_else(|| CategoryForm {
        name: Some(cat.name.clone()),
        rule: Some(cat.rule.clone()),
        target_pct: Some(cat.target_pct.to_string()),
        deadline: cat.deadline.map(|d| d.format("%Y-%m-%d").to_string()),
        position: Some(cat.position.to_string()),
    });
    let refused = error.is_some();
    let page = CategoryPage {
        layout: Layout::new(auth, state, "/coverage"),
        as_of: sum.as_of,
        chart: bars(&format!("{}：各街镇组织覆盖率", cat.name), &rows),
        has_trend: !points.is_empty(),
        trend: script_json(&trend),
        cat,
        total,
        rows,
        may_define: auth.caller.may(Action::DefineCoverage),
        vocabulary: VOCABULARY,
        rule_note: "修改规则后，名单和统计立即按新规则重新计算。",
        form,
        error,
    };
    crate::support::render_form(&page, refused)
}

#[derive(Deserialize, Default, Clone)]
pub struct CategoryForm {
    name: Option<String>,
    rule: Option<String>,
    target_pct: Option<String>,
    deadline: Option<String>,
    position: Option<String>,
}

impl CategoryForm {
    fn to_new(&self) -> Result<NewCategory, WebError> {
        let target = non_empty(&self.target_pct).unwrap_or("100");
        let target_pct: f64 = target.trim_end_matches('%').parse().map_err(|_| {
            WebError::Invalid(format!("目标覆盖率：“{}”不是数字，应填 0 到 100", qunlian_domain::limits::echo(target)))
        })?;
        Ok(NewCategory {
            name: non_empty(&self.name).unwrap_or("").to_owned(),
            rule: non_empty(&self.rule).unwrap_or("").to_owned(),
            target_pct,
            deadline: parse_date("完成期限", &self.deadline)?,
            position: match non_empty(&self.position) {
                None => 0,
                Some(p) => p
                    .parse()
                    .map_err(|_| WebError::Invalid(format!("排序：“{}”不是整数", qunlian_domain::limits::echo(p))))?,
            },
            is_demo: false,
        })
    }
}

#[derive(Template)]
#[template(path = "coverage/category_form.html")]
struct CategoryFormPage {
    layout: Layout,
    vocabulary: &'static str,
    rule_note: &'static str,
    /// What a refused form had typed, shown again with why it was refused.
    form: CategoryForm,
    error: Option<String>,
}

pub async fn new_category_form(State(state): State<AppState>, auth: Auth) -> PageResult {
    auth.require(Action::DefineCoverage)?;
    let empty = CategoryForm { target_pct: Some("100".into()), position: Some("0".into()), ..CategoryForm::default() };
    category_form_page(&state, &auth, empty, None)
}

/// The new-category form, empty or as a refused one was typed (422, the reason above it).
fn category_form_page(state: &AppState, auth: &Auth, form: CategoryForm, error: Option<String>) -> PageResult {
    let refused = error.is_some();
    let page = CategoryFormPage {
        layout: Layout::new(auth, state, "/coverage"),
        vocabulary: VOCABULARY,
        rule_note: "",
        form,
        error,
    };
    crate::support::render_form(&page, refused)
}

pub async fn create_category(State(state): State<AppState>, auth: Auth, Form(f): Form<CategoryForm>) -> PageResult {
    auth.require(Action::DefineCoverage)?;
    let saved = async {
        let id = state.store.coverage().save_category(&auth.caller, None, f.to_new()?).await?;
        Ok(format!("/coverage/categories/{id}"))
    }
    .await;
    crate::support::saved_or_again(saved, |msg| async { category_form_page(&state, &auth, f.clone(), Some(msg)) }).await
}

pub async fn update_category(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<CategoryForm>,
) -> PageResult {
    auth.require(Action::DefineCoverage)?;
    let saved = async {
        let id = state.store.coverage().save_category(&auth.caller, Some(CategoryId(id)), f.to_new()?).await?;
        Ok(format!("/coverage/categories/{id}"))
    }
    .await;
    let all_towns = SummaryQuery::default();
    crate::support::saved_or_again(saved, |msg| {
        category_page(&state, &auth, id, &all_towns, Some(f.clone()), Some(msg))
    })
    .await
}

pub async fn delete_category(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    state.store.coverage().delete_category(&auth.caller, CategoryId(id)).await?;
    Ok(Redirect::to("/coverage").into_response())
}

pub async fn take_snapshot(State(state): State<AppState>, auth: Auth) -> PageResult {
    state.store.coverage().snapshot_now(&auth.caller).await?;
    Ok(Redirect::to("/coverage/snapshots").into_response())
}

#[derive(Template)]
#[template(path = "coverage/snapshots.html")]
struct SnapshotsPage {
    layout: Layout,
    snapshots: Vec<Snapshot>,
    may_assign: bool,
}

pub async fn snapshots(State(state): State<AppState>, auth: Auth) -> PageResult {
    auth.require(Action::ReadRegistry)?;
    render(&SnapshotsPage {
        layout: Layout::new(&auth, &state, "/coverage"),
        snapshots: state.store.coverage().snapshots(&auth.caller).await?,
        may_assign: auth.caller.may(Action::AssignCoverage),
    })
}
