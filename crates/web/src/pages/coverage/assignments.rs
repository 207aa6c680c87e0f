//! The responsibility list (责任清单): who organises which uncovered enterprise by when.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use qunlian_domain::auth::{Action, AssignmentId, UnitId};
use qunlian_domain::coverage::AssignmentState;
use qunlian_io::xlsx::Cell;
use qunlian_store::coverage::{Assignment, AssignmentFilter, NewAssignment};
use serde::Deserialize;

use super::summary::region;
use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::format::{date, text};
use crate::support::forms::Choice;
use crate::support::forms::{coded, non_empty, parse_date};
use crate::support::render;
use crate::support::towns::town_options;
use crate::support::xlsx::send_list;

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
            state: coded(&self.state, AssignmentState::parse)?,
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
    fn is_overdue(&self) -> bool {
        non_empty(&self.overdue).is_some()
    }
    fn text(&self) -> &str {
        non_empty(&self.q).unwrap_or("")
    }
}

#[derive(Template)]
#[template(path = "coverage/assignments.html")]
struct AssignmentsPage {
    layout: Layout,
    query: AssignmentQuery,
    towns: Vec<Choice>,
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
    send_list(&state, &auth, "责任清单", &columns, table).await
}

#[derive(Deserialize)]
pub struct AssignmentForm {
    unit_id: i64,
    responsible_unit: Option<String>,
    /// An instructor of the register (its id); else a name typed by hand.
    instructor: Option<String>,
    instructor_name: Option<String>,
    due_on: Option<String>,
    note: Option<String>,
}

/// Puts the enterprise on the responsibility list; a refusal is the enterprise's page again
/// with the reason and what was typed by the form. A tampered `unit_id` (hidden: nobody types
/// it) names no page to show again, and is the error page.
pub async fn create_assignment(
    State(state): State<AppState>,
    auth: Auth,
    body: crate::support::forms::Unread,
) -> PageResult {
    auth.require(qunlian_domain::auth::Action::AssignCoverage)?;
    let typed = body.pairs().await?;
    let f: AssignmentForm = typed.parse()?;
    let saved = async {
        let due_on =
            parse_date("完成期限", &f.due_on)?.ok_or_else(|| WebError::Invalid("完成期限：请填写日期".into()))?;
        let new = NewAssignment {
            unit: UnitId(f.unit_id),
            responsible_unit: non_empty(&f.responsible_unit).unwrap_or("").to_owned(),
            instructor_name: non_empty(&f.instructor_name).map(str::to_owned),
            due_on,
            note: non_empty(&f.note).map(str::to_owned),
            is_demo: false,
        };
        let register = super::work_links::register_choice(&f.instructor)?;
        state.store.coverage().create_assignment_by(&auth.caller, new, register).await?;
        Ok(format!("/enterprises/{}#coverage", f.unit_id))
    }
    .await;
    super::work_links::on_enterprise_page(&state, &auth, f.unit_id, saved, "assign", typed).await
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
