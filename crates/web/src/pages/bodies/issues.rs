//! The issue log of an alliance (问题协商): the list behind each figure (by state and owner),
//! raising an issue, and its steps — assign, solve, decline, reopen.

use askama::Template;
use axum::extract::{Path, Query, State};
use qunlian_domain::auth::{Action, Scope};
use qunlian_domain::bodies::{IssueAction, IssueFields, IssueState, RawIssue, parse_answer};
use qunlian_store::bodies::{IssueFilter, IssueRow, IssueStep, OwnerFilter};
use serde::Deserialize;

use super::alliances::{Drafts, alliance_page};
use super::{ACTIVE, parsed, running};
use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::forms::{Pairs, from_form, parse_date};
use crate::support::{render_form, saved_or_again};

/// The list's filter as the figures' links write it: `state` open | resolved | declined
/// (none: all), `owner` a department's id or `none` (not yet given).
#[derive(Deserialize, Default, Clone)]
pub struct ListQuery {
    state: Option<String>,
    owner: Option<String>,
}

impl ListQuery {
    fn filter(&self) -> Result<IssueFilter, WebError> {
        let states = match self.state.as_deref().map(str::trim).unwrap_or("") {
            "" => vec![],
            "open" => vec![IssueState::Open, IssueState::Assigned],
            s => vec![parsed(IssueState::from_code(s))?],
        };
        let owner =
            match self.owner.as_deref().map(str::trim).unwrap_or("") {
                "" => OwnerFilter::Any,
                "none" => OwnerFilter::Unassigned,
                s => OwnerFilter::Unit(s.parse().map_err(|_| {
                    WebError::Invalid(format!("责任部门：“{}”不是编号", qunlian_domain::limits::echo(s)))
                })?),
            };
        Ok(IssueFilter { states, owner })
    }

    fn title(&self) -> &'static str {
        match self.state.as_deref() {
            Some("open") => "未办结的问题",
            Some("resolved") => "已解决的问题",
            Some("declined") => "不予受理的问题",
            _ => "全部问题",
        }
    }
}

/// What was typed in one issue's step form, to show again after a refusal.
#[derive(Default)]
pub struct StepDraft {
    pub issue: i64,
    pub owner: String,
    pub due_on: String,
    pub answer: String,
    pub on: String,
}

/// An issue row with the steps the caller may take on it.
pub struct Row {
    pub r: IssueRow,
    pub actions: Vec<IssueAction>,
}

#[derive(Template)]
#[template(path = "bodies/issues.html")]
struct ListPage {
    layout: Layout,
    alliance_id: i64,
    alliance: String,
    title: &'static str,
    owner_name: Option<String>,
    rows: Vec<Row>,
    departments: Vec<(i64, String)>,
    q: ListQuery,
    step: StepDraft,
    today: String,
    error: Option<String>,
}

async fn list_page(
    state: &AppState,
    auth: &Auth,
    id: i64,
    q: ListQuery,
    step: StepDraft,
    error: Option<String>,
) -> PageResult {
    let b = state.store.bodies();
    let w = b.alliance_work(&auth.caller, id).await?;
    let filter = q.filter()?;
    let runs = b.may_run(&auth.caller, id).await.is_ok();
    let answers = auth.caller.may(Action::AnswerAllianceIssues);
    let rows: Vec<Row> = b
        .issues(&auth.caller, id, &filter)
        .await?
        .into_iter()
        .map(|r| {
            let own = matches!(auth.caller.scope, Scope::Department(d) if Some(d.0) == r.owner_id);
            let actions = r
                .state
                .actions()
                .into_iter()
                .filter(|a| runs || (answers && own && matches!(a, IssueAction::Resolve | IssueAction::Decline)))
                .collect();
            Row { r, actions }
        })
        .collect();
    let departments = state.store.services().departments().await?;
    let owner_name = match filter.owner {
        OwnerFilter::Any => None,
        OwnerFilter::Unassigned => Some("未交办".to_owned()),
        OwnerFilter::Unit(u) => departments.iter().find(|d| d.0 == u).map(|d| d.1.clone()),
    };
    let refused = error.is_some();
    let page = ListPage {
        layout: Layout::new(auth, state, ACTIVE),
        alliance_id: id,
        alliance: w.name,
        title: q.title(),
        owner_name,
        rows,
        departments,
        q,
        step,
        today: state.store.today().to_string(),
        error,
    };
    render_form(&page, refused)
}

pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<ListQuery>,
) -> PageResult {
    auth.require(Action::ReadRegistry)?;
    list_page(&state, &auth, id, q, StepDraft::default(), None).await
}

pub async fn raise(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, f: Pairs) -> PageResult {
    let f = running(&state, &auth, id, f).await?;
    let raw = from_form!(f, RawIssue { title, detail, raised_by, raised_on, owner, due_on });
    let done = async {
        let x = parsed(IssueFields::parse(&raw))?;
        Ok(state.store.bodies().raise_issue(&auth.caller, id, x, false).await?)
    }
    .await;
    let d = Drafts { issue: raw, ..Default::default() };
    saved_or_again(done.map(|_| format!("/bodies/alliances/{id}/issues?state=open")), |m| {
        alliance_page(&state, &auth, id, d, Some(m))
    })
    .await
}

/// One step on an issue: `action` assign | resolve | decline | reopen, with `owner` and
/// `due_on` (assign) or `answer` and `on` (resolve, decline).
pub async fn act(State(state): State<AppState>, auth: Auth, Path((id, iid)): Path<(i64, i64)>, f: Pairs) -> PageResult {
    auth.require(Action::AnswerAllianceIssues)?;
    let draft = from_form!(f, StepDraft { issue: iid, owner, due_on, answer, on });
    // The list to go back to: a state filter the list reads, or none. What is sent goes into the
    // Location header, where a line break answered 500 and 100 KB broke the response.
    let q = ListQuery { state: Some(f.get("back_state").to_owned()).filter(|s| !s.is_empty()), owner: None };
    let q = if q.filter().is_ok() { q } else { ListQuery { state: None, owner: None } };
    let done = async {
        let step = match IssueAction::from_code(f.get("action")) {
            Some(IssueAction::Assign) => {
                let owner = match draft.owner.trim() {
                    "" => return Err(WebError::Invalid("责任部门：请选择".into())),
                    o => o.parse::<i64>().map_err(|_| WebError::Invalid("责任部门：请从列表中选择".into()))?,
                };
                IssueStep::Assign { owner, due_on: parse_date("办理时限", &Some(draft.due_on.clone()))? }
            }
            Some(IssueAction::Resolve) => {
                let (answer, on) = parsed(parse_answer(&draft.answer, &draft.on))?;
                IssueStep::Resolve { answer, on }
            }
            Some(IssueAction::Decline) => {
                let (answer, _) = parsed(parse_answer(&draft.answer, ""))?;
                IssueStep::Decline { answer }
            }
            Some(IssueAction::Reopen) => IssueStep::Reopen,
            None => return Err(WebError::Invalid("操作：请选择".into())),
        };
        Ok(state.store.bodies().act_on_issue(&auth.caller, id, iid, step).await?)
    }
    .await;
    let back = match &q.state {
        Some(s) => format!("/bodies/alliances/{id}/issues?state={s}#issue-{iid}"),
        None => format!("/bodies/alliances/{id}/issues#issue-{iid}"),
    };
    saved_or_again(done.map(|_| back), |m| list_page(&state, &auth, id, q.clone(), draft, Some(m))).await
}
