//! The officer's assignment board (评审分配): the round's reviewers by department, opening
//! the review for the recommended applications, the automatic proposal (the store's
//! `assign_automatically`) with what it could not staff, the adjustments by hand (assign,
//! unassign), and the conflicts found with their reasons, which the officer may pin or clear.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use qunlian_domain::projects::{ApplicationAction as A, ApplicationState as S, Pin, ReviewSide};
use qunlian_store::StoreError;
use qunlian_store::projects::{BoardRow, ReviewerAccount, ReviewerRow, Round};

use super::*;
use crate::auth::Layout;
use crate::error::PageResult;
use crate::support::forms::{Choice, Pairs};
use crate::support::render_form;

/// A reviewer as the board names him: name, department.
pub struct Named {
    pub id: i64,
    pub label: String,
}

#[derive(Template)]
#[template(path = "projects/assignment.html")]
struct Board {
    layout: Layout,
    nav: RoundNav,
    r: Round,
    reviewers: Vec<ReviewerRow>,
    unit_names: BTreeMap<i64, String>,
    accounts: Vec<ReviewerAccount>,
    departments: Vec<Choice>,
    rows: Vec<BoardRow>,
    names: BTreeMap<i64, String>,
    choices: Vec<Named>,
    recommended: usize,
    message: Option<String>,
    error: Option<String>,
}

impl Board {
    fn name(&self, reviewer: &i64) -> String {
        self.names.get(reviewer).cloned().unwrap_or_else(|| format!("专家 {reviewer}"))
    }

    /// The departments still short of the round's quota on this application, as
    /// "区经委缺 1 名": what the officer has to staff by hand (the automatic proposal leaves
    /// it where every reviewer of a department is conflicted or at his cap).
    fn short(&self, row: &BoardRow) -> String {
        let quota = usize::from(self.r.quota_per_side);
        qunlian_domain::projects::ReviewSide::ALL
            .iter()
            .filter_map(|side| {
                let have = row
                    .assigned
                    .iter()
                    .filter(|a| self.reviewers.iter().any(|x| x.id == a.reviewer_id && x.side == *side))
                    .count();
                (have < quota).then(|| format!("{}缺 {} 名", side.label(), quota - have))
            })
            .collect::<Vec<_>>()
            .join("、")
    }
}

async fn show(state: &AppState, auth: &Auth, id: i64, message: Option<String>, error: Option<String>) -> PageResult {
    let p = state.store.projects();
    let r = p.round(&auth.caller, id).await?;
    let reviewers = p.reviewers(&auth.caller, id).await?;
    let departments = state.store.services().departments().await?;
    let unit_names: BTreeMap<i64, String> = departments.iter().cloned().collect();
    let names: BTreeMap<i64, String> =
        reviewers.iter().map(|x| (x.id, format!("{}（{}）", x.display_name, x.side.label()))).collect();
    let choices = reviewers.iter().map(|x| Named { id: x.id, label: names[&x.id].clone() }).collect();
    let appointed: Vec<i64> = reviewers.iter().map(|x| x.user_id).collect();
    let accounts =
        p.reviewer_accounts(&auth.caller).await?.into_iter().filter(|a| !appointed.contains(&a.user_id)).collect();
    let recommended = p.applications(&auth.caller, id, Some(S::Recommended)).await?.len();
    let rows = p.board(&auth.caller, id).await?;
    let refused = error.is_some();
    let page = Board {
        layout: Layout::new(auth, state, ACTIVE),
        nav: RoundNav::new(auth, &r, "assignment"),
        r,
        reviewers,
        unit_names,
        accounts,
        departments: Choice::list(departments, ""),
        rows,
        names,
        choices,
        recommended,
        message,
        error,
    };
    render_form(&page, refused)
}

pub async fn board(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    auth.require(Action::ManageProjects)?;
    show(&state, &auth, id, None, None).await
}

/// The board again after a step: the step's refusal shown on it (422), or a redirect.
async fn after(state: &AppState, auth: &Auth, id: i64, done: Result<(), StoreError>) -> PageResult {
    match refusal(done.map_err(WebError::from))? {
        Ok(()) => Ok(Redirect::to(&format!("/projects/rounds/{id}/assignment")).into_response()),
        Err(m) => show(state, auth, id, None, Some(m)).await,
    }
}

/// Opens the review for every application the clusters recommended.
pub async fn start_review(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    auth.require(Action::ManageProjects)?;
    let p = state.store.projects();
    for a in p.applications(&auth.caller, id, Some(S::Recommended)).await? {
        if let Err(e) = p.act(&auth.caller, a.id, A::StartReview, "", None).await {
            return after(&state, &auth, id, Err(e)).await;
        }
    }
    after(&state, &auth, id, Ok(())).await
}

/// Appoints an account of the 评审专家 role for one department, with the unit he works for
/// (his department's own unit, from which conflicts are found).
pub async fn add_reviewer(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, f: Pairs) -> PageResult {
    auth.require(Action::ManageProjects)?;
    let Ok(user_id) = f.get("user").parse::<i64>() else {
        return show(&state, &auth, id, None, Some("评审专家：请选择账号".into())).await;
    };
    let Ok(side) = ReviewSide::from_code(f.get("side")) else {
        return show(&state, &auth, id, None, Some("评审部门：请选择".into())).await;
    };
    let unit = f.get("unit").parse::<i64>().ok();
    let done = state.store.projects().add_reviewer(&auth.caller, id, user_id, side, unit).await.map(|_| ());
    after(&state, &auth, id, done).await
}

/// The automatic proposal, saved; the board shows what it added and what it could not staff.
pub async fn assign_auto(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    auth.require(Action::ManageProjects)?;
    let proposal = match state.store.projects().assign_automatically(&auth.caller, id).await {
        Ok(p) => p,
        Err(e) => return after(&state, &auth, id, Err(e)).await,
    };
    let mut message = format!("自动分配新增 {} 条，共 {} 条分配。", proposal.added, proposal.assigned);
    if proposal.shortfalls.is_empty() {
        message.push_str("每项申报均已配齐三个部门的评审专家。");
    } else {
        let gaps: Vec<String> = proposal
            .shortfalls
            .iter()
            .map(|s| format!("申报 {} 缺{} {} 名", s.application, s.side.label(), s.missing))
            .collect();
        message.push_str(&format!("未能配齐（利益冲突或专家已满额）：{}。", gaps.join("；")));
    }
    show(&state, &auth, id, Some(message), None).await
}

fn pair(f: &Pairs) -> Result<(i64, i64), StoreError> {
    let app = f.get("application").parse::<i64>().map_err(|_| StoreError::invalid("申报", "请选择"))?;
    let reviewer = f.get("reviewer").parse::<i64>().map_err(|_| StoreError::invalid("评审专家", "请选择"))?;
    Ok((app, reviewer))
}

/// What the officer adjusts on one reviewer of one application.
enum Adjust {
    /// `op=assign`, or `op=unassign` to take the assignment back.
    Assign,
    /// `pin=conflict` (a conflict the data does not show) or `pin=clear` (a stale
    /// relationship one), with a reason.
    Pin,
}

async fn adjust(state: &AppState, auth: &Auth, id: i64, f: Pairs, what: Adjust) -> PageResult {
    auth.require(Action::ManageProjects)?;
    let p = state.store.projects();
    let done = match (pair(&f), what) {
        (Err(e), _) => Err(e),
        (Ok((app, reviewer)), Adjust::Assign) if f.get("op") == "unassign" => {
            p.unassign(&auth.caller, app, reviewer).await
        }
        (Ok((app, reviewer)), Adjust::Assign) => p.assign(&auth.caller, app, reviewer).await,
        (Ok((app, reviewer)), Adjust::Pin) => {
            let pin = if f.get("pin") == "clear" { Pin::Clear } else { Pin::Conflict };
            p.pin(&auth.caller, app, reviewer, pin, f.get("reason")).await
        }
    };
    after(state, auth, id, done).await
}

/// Assigns (`op=assign`) or takes back (`op=unassign`) one reviewer of one application.
pub async fn assign(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, f: Pairs) -> PageResult {
    adjust(&state, &auth, id, f, Adjust::Assign).await
}

/// Pins a conflict the data does not show, or clears a stale relationship one, with a reason.
pub async fn pin(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, f: Pairs) -> PageResult {
    adjust(&state, &auth, id, f, Adjust::Pin).await
}
