//! Coverage monitoring pages: the summary by category, one category by town with its trend,
//! category rules, the responsibility list, snapshots. Every count links to the enterprise
//! list with the same filter (`/enterprises?category=…&coverage=…&town=…`), which counts
//! the same rows.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use chrono::NaiveDate;
use qunlian_domain::RegionCode;
use qunlian_domain::auth::{Action, AssignmentId, CategoryId, UnitId};
use qunlian_domain::coverage::{Counts, CoverageStatus, days_left};
use qunlian_domain::rules::VOCABULARY;
use qunlian_store::coverage::{
    Assignment, AssignmentFilter, Category, CoverageQuery, NewAssignment, NewCategory, NewWorkLink, Snapshot,
    WorkLinkKind,
};
use serde::{Deserialize, Serialize};

use super::enterprises::{TownOption, town_options};
use super::{non_empty, parse_date, render};
use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use qunlian_io::xlsx::Cell;

use super::lists::{date, send, text};
use crate::state::AppState;

/// One row of a coverage table: a category overall, or a category in one town.
pub struct Row {
    pub label: String,
    /// Query string of the drill-down without `coverage=` (category, town).
    pub base: String,
    pub counts: Counts,
    pub target_pct: f64,
    pub deadline: Option<NaiveDate>,
    pub days_left: Option<i64>,
    pub category_id: CategoryId,
    pub is_demo: bool,
}

impl Row {
    pub fn link(&self, status: &str) -> String {
        if status.is_empty() {
            format!("/enterprises?{}", self.base)
        } else {
            format!("/enterprises?{}&coverage={status}", self.base)
        }
    }
    pub fn org_rate(&self) -> String {
        format!("{:.1}%", self.counts.org_rate())
    }
    pub fn work_rate(&self) -> String {
        format!("{:.1}%", self.counts.work_rate())
    }
    pub fn gap(&self) -> u64 {
        self.counts.gap(self.target_pct)
    }
    pub fn reached(&self) -> bool {
        self.counts.org_rate() + 1e-9 >= self.target_pct
    }
    /// At a 100 % target the gap is exactly the enterprises without an organisation, so it
    /// can link to them; below 100 % it is a number of enterprises still to organise.
    pub fn gap_is_list(&self) -> bool {
        self.target_pct >= 100.0
    }
    pub fn days(&self) -> String {
        match self.days_left {
            Some(d) if d < 0 => format!("已逾期 {} 天", -d),
            Some(d) => format!("{d} 天"),
            None => "未设期限".to_owned(),
        }
    }
}

fn row(cat: &Category, label: String, town: Option<&str>, counts: Counts, today: NaiveDate) -> Row {
    let mut base = format!("category={}", cat.id);
    if let Some(t) = town {
        base.push_str(&format!("&town={t}"));
    }
    Row {
        label,
        base,
        counts,
        target_pct: cat.target_pct,
        deadline: cat.deadline,
        days_left: cat.deadline.map(|d| days_left(today, d)),
        category_id: cat.id,
        is_demo: cat.is_demo,
    }
}

/// JSON for a `<script type="application/json">` block: `</` cannot close the element.
fn script_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into()).replace("</", "<\\/")
}

#[derive(Serialize)]
struct BarChart {
    title: String,
    labels: Vec<String>,
    rates: Vec<f64>,
    work_rates: Vec<f64>,
    targets: Vec<f64>,
    links: Vec<String>,
}

fn bars(title: &str, rows: &[Row]) -> String {
    script_json(&BarChart {
        title: title.to_owned(),
        labels: rows.iter().map(|r| r.label.clone()).collect(),
        rates: rows.iter().map(|r| (r.counts.org_rate() * 10.0).round() / 10.0).collect(),
        work_rates: rows.iter().map(|r| (r.counts.work_rate() * 10.0).round() / 10.0).collect(),
        targets: rows.iter().map(|r| r.target_pct).collect(),
        links: rows.iter().map(|r| r.link("")).collect(),
    })
}

#[derive(Deserialize, Default)]
pub struct SummaryQuery {
    town: Option<String>,
}

fn region(town: &Option<String>) -> Result<Option<RegionCode>, WebError> {
    non_empty(town).map(|t| RegionCode::parse(t).map_err(|e| WebError::Invalid(format!("街镇：{e}")))).transpose()
}

#[derive(Template)]
#[template(path = "coverage.html")]
struct SummaryPage {
    layout: Layout,
    as_of: NaiveDate,
    towns: Vec<TownOption>,
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
        .assignments(&auth.caller, &AssignmentFilter { state: Some("open".into()), region, ..Default::default() })
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
#[template(path = "coverage_category.html")]
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
    render(&CategoryPage {
        layout: Layout::new(&auth, &state, "/coverage"),
        as_of: sum.as_of,
        chart: bars(&format!("{}：各街镇组织覆盖率", cat.name), &rows),
        has_trend: !points.is_empty(),
        trend: script_json(&trend),
        cat,
        total,
        rows,
        may_define: auth.caller.may(Action::DefineCoverage),
        vocabulary: VOCABULARY,
    })
}

#[derive(Deserialize)]
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
        let target_pct: f64 = target
            .trim_end_matches('%')
            .parse()
            .map_err(|_| WebError::Invalid(format!("目标覆盖率：“{target}”不是数字，应填 0 到 100")))?;
        Ok(NewCategory {
            name: non_empty(&self.name).unwrap_or("").to_owned(),
            rule: non_empty(&self.rule).unwrap_or("").to_owned(),
            target_pct,
            deadline: parse_date("完成期限", &self.deadline)?,
            position: non_empty(&self.position).and_then(|p| p.parse().ok()).unwrap_or(0),
            is_demo: false,
        })
    }
}

#[derive(Template)]
#[template(path = "coverage_category_form.html")]
struct CategoryFormPage {
    layout: Layout,
    vocabulary: &'static str,
}

pub async fn new_category_form(State(state): State<AppState>, auth: Auth) -> PageResult {
    auth.require(Action::DefineCoverage)?;
    render(&CategoryFormPage { layout: Layout::new(&auth, &state, "/coverage"), vocabulary: VOCABULARY })
}

pub async fn create_category(State(state): State<AppState>, auth: Auth, Form(f): Form<CategoryForm>) -> PageResult {
    let id = state.store.coverage().save_category(&auth.caller, None, f.to_new()?).await?;
    Ok(Redirect::to(&format!("/coverage/categories/{id}")).into_response())
}

pub async fn update_category(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<CategoryForm>,
) -> PageResult {
    let id = state.store.coverage().save_category(&auth.caller, Some(CategoryId(id)), f.to_new()?).await?;
    Ok(Redirect::to(&format!("/coverage/categories/{id}")).into_response())
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
#[template(path = "coverage_snapshots.html")]
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

// ---------- responsibility list ----------

#[derive(Deserialize, Default, Clone)]
pub struct AssignmentQuery {
    state: Option<String>,
    town: Option<String>,
    overdue: Option<String>,
    q: Option<String>,
}

impl AssignmentQuery {
    fn filter(&self) -> Result<AssignmentFilter, WebError> {
        Ok(AssignmentFilter {
            state: non_empty(&self.state).map(str::to_owned),
            region: region(&self.town)?,
            overdue: non_empty(&self.overdue).is_some(),
            q: non_empty(&self.q).map(str::to_owned),
            unit: None,
        })
    }
    fn query_string(&self) -> String {
        let pairs: Vec<(&str, &str)> = [
            ("state", non_empty(&self.state)),
            ("town", non_empty(&self.town)),
            ("overdue", non_empty(&self.overdue)),
            ("q", non_empty(&self.q)),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect();
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
    fn state_is(&self, s: &str) -> bool {
        non_empty(&self.state).unwrap_or("") == s
    }
    fn is_overdue(&self) -> bool {
        non_empty(&self.overdue).is_some()
    }
    fn text(&self) -> &str {
        non_empty(&self.q).unwrap_or("")
    }
}

#[derive(Template)]
#[template(path = "coverage_assignments.html")]
struct AssignmentsPage {
    layout: Layout,
    query: AssignmentQuery,
    towns: Vec<TownOption>,
    rows: Vec<Assignment>,
    may_assign: bool,
}

pub async fn assignments(State(state): State<AppState>, auth: Auth, Query(q): Query<AssignmentQuery>) -> PageResult {
    auth.require(Action::ReadRegistry)?;
    let rows = state.store.coverage().assignments(&auth.caller, &q.filter()?).await?;
    render(&AssignmentsPage {
        layout: Layout::new(&auth, &state, "/coverage/assignments"),
        towns: town_options(&state, &auth, non_empty(&q.town)),
        query: q,
        rows,
        may_assign: auth.caller.may(Action::AssignCoverage),
    })
}

pub async fn assignments_xlsx(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<AssignmentQuery>,
) -> PageResult {
    auth.require(Action::ReadRegistry)?;
    let rows = state.store.coverage().assignments(&auth.caller, &q.filter()?).await?;
    let table: Vec<Vec<Cell>> = rows
        .into_iter()
        .map(|a| {
            let progress = match (a.open, a.overdue) {
                (true, true) => "逾期未完成",
                (true, false) => "办理中",
                _ => "已办结",
            };
            vec![
                text(a.unit_name),
                text(a.uscc.unwrap_or_default()),
                text(a.town_name),
                text(a.status_label),
                text(a.responsible_unit),
                text(a.instructor_name.unwrap_or_default()),
                date(Some(a.due_on)),
                text(progress),
                date(a.closed_on),
                text(a.closed_reason.unwrap_or("")),
                text(a.note.unwrap_or_default()),
            ]
        })
        .collect();
    let columns = [
        ("企业名称", 36.0),
        ("统一社会信用代码", 22.0),
        ("街镇", 12.0),
        ("覆盖状态", 12.0),
        ("责任单位", 24.0),
        ("指导员", 10.0),
        ("完成期限", 12.0),
        ("进度", 10.0),
        ("办结日期", 12.0),
        ("办结方式", 22.0),
        ("备注", 30.0),
    ];
    send(&state, &auth, "责任清单", &columns, table).await
}

#[derive(Deserialize)]
pub struct AssignmentForm {
    unit_id: i64,
    responsible_unit: Option<String>,
    instructor_name: Option<String>,
    due_on: Option<String>,
    note: Option<String>,
}

pub async fn create_assignment(State(state): State<AppState>, auth: Auth, Form(f): Form<AssignmentForm>) -> PageResult {
    let due_on = parse_date("完成期限", &f.due_on)?.ok_or_else(|| WebError::Invalid("完成期限：请填写日期".into()))?;
    state
        .store
        .coverage()
        .create_assignment(
            &auth.caller,
            NewAssignment {
                unit: UnitId(f.unit_id),
                responsible_unit: non_empty(&f.responsible_unit).unwrap_or("").to_owned(),
                instructor_name: non_empty(&f.instructor_name).map(str::to_owned),
                due_on,
                note: non_empty(&f.note).map(str::to_owned),
                is_demo: false,
            },
        )
        .await?;
    Ok(Redirect::to(&format!("/enterprises/{}#coverage", f.unit_id)).into_response())
}

#[derive(Deserialize)]
pub struct WithdrawForm {
    reason: Option<String>,
}

pub async fn withdraw_assignment(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<WithdrawForm>,
) -> PageResult {
    let reason = non_empty(&f.reason).unwrap_or("人工撤销");
    state.store.coverage().withdraw_assignment(&auth.caller, AssignmentId(id), reason).await?;
    Ok(Redirect::to("/coverage/assignments").into_response())
}

// ---------- work links (on the enterprise page) ----------

#[derive(Deserialize)]
pub struct WorkLinkForm {
    kind: String,
    instructor_name: Option<String>,
    party_org: Option<String>,
    since: Option<String>,
    note: Option<String>,
}

pub async fn add_work_link(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<WorkLinkForm>,
) -> PageResult {
    let kind = WorkLinkKind::from_code(&f.kind).ok_or_else(|| WebError::Invalid("覆盖方式：请选择".into()))?;
    let since = parse_date("开始日期", &f.since)?.unwrap_or_else(|| state.store.today());
    let party_org = match non_empty(&f.party_org) {
        Some(v) => Some(v.parse::<i64>().map_err(|_| WebError::Invalid("党组织：请从列表中选择".into()))?),
        None => None,
    };
    state
        .store
        .coverage()
        .add_work_link(
            &auth.caller,
            NewWorkLink {
                unit: UnitId(id),
                kind,
                instructor_name: non_empty(&f.instructor_name).map(str::to_owned),
                party_org,
                since,
                note: non_empty(&f.note).map(str::to_owned),
                is_demo: false,
            },
        )
        .await?;
    Ok(Redirect::to(&format!("/enterprises/{id}#coverage")).into_response())
}

#[derive(Deserialize)]
pub struct EndLinkForm {
    on: Option<String>,
}

pub async fn end_work_link(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, link)): Path<(i64, i64)>,
    Form(f): Form<EndLinkForm>,
) -> PageResult {
    let on = parse_date("结束日期", &f.on)?.unwrap_or_else(|| state.store.today());
    state.store.coverage().end_work_link(&auth.caller, UnitId(id), link, on).await?;
    Ok(Redirect::to(&format!("/enterprises/{id}#coverage")).into_response())
}

/// What the enterprise page shows about coverage.
pub struct EnterpriseCoverage {
    pub status: CoverageStatus,
    pub categories: Vec<Category>,
    pub links: Vec<qunlian_store::coverage::WorkLink>,
    pub assignments: Vec<Assignment>,
    pub may_assign: bool,
    pub today: String,
}

impl EnterpriseCoverage {
    pub fn has_open_assignment(&self) -> bool {
        self.assignments.iter().any(|a| a.open)
    }
}

pub async fn enterprise_coverage(state: &AppState, auth: &Auth, id: UnitId) -> Result<EnterpriseCoverage, WebError> {
    let store = &state.store;
    let assignments = store
        .coverage()
        .assignments(&auth.caller, &AssignmentFilter { unit: Some(id), ..AssignmentFilter::default() })
        .await?;
    Ok(EnterpriseCoverage {
        status: store.coverage().status(&auth.caller, id).await?,
        categories: store.coverage().categories_of(&auth.caller, id).await?,
        links: store.coverage().work_links(&auth.caller, id).await?,
        assignments,
        may_assign: auth.caller.may(Action::AssignCoverage),
        today: store.today().format("%Y-%m-%d").to_string(),
    })
}
