//! Instructor pages (党建指导员): the register of the caller's scope (each instructor with
//! whom it guides now; `?org=ID` those guiding one organisation), the form that registers one
//! (district and town admins), and an instructor's page with its assignments (ended ones
//! too), the form that assigns it, the end of an assignment, and its yearly assessments. A
//! refused form shows the page again with the message and what was typed.

use askama::Template;
use axum::extract::{Path, Query, State};
use qunlian_domain::auth::{Action, Scope};
use qunlian_domain::people::instructors::{
    AssessmentFields, AssignmentFields, InstructorFields, InstructorRating, RawAssessment, RawAssignment, RawInstructor,
};
use qunlian_store::people::{Instructor, InstructorLine};
use serde::Deserialize;

use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::forms::{Unread, id_param, parsed};
use crate::support::{render_form, saved_or_again};

const ACTIVE: &str = "/people/instructors";

#[derive(Template)]
#[template(path = "people/instructors.html")]
struct ListPage {
    layout: Layout,
    list: Vec<InstructorLine>,
    /// The organisation the list is narrowed to, by name.
    org: Option<(i64, String)>,
    may_write: bool,
    areas: Vec<(String, String)>,
    raw: RawInstructor,
    error: Option<String>,
}

/// The areas the caller may say sent an instructor: its own and, for a district, its towns.
fn areas(auth: &Auth) -> Vec<(String, String)> {
    match &auth.caller.scope {
        Scope::Region(r) => {
            std::iter::once(*r).chain(r.children()).map(|c| (c.to_string(), c.name().to_owned())).collect()
        }
        _ => Vec::new(),
    }
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    org: Option<String>,
}

async fn list_page(
    state: &AppState,
    auth: &Auth,
    org: Option<i64>,
    raw: RawInstructor,
    error: Option<String>,
) -> PageResult {
    auth.require(Action::ReadRegistry)?;
    let org = match org {
        Some(id) => {
            let d = state.store.registry().party_org(&auth.caller, qunlian_domain::auth::OrgId(id)).await?;
            Some((id, d.org.name))
        }
        None => None,
    };
    let page = ListPage {
        layout: Layout::new(auth, state, ACTIVE),
        list: state.store.people().instructors(&auth.caller, org.as_ref().map(|o| o.0)).await?,
        org,
        may_write: auth.caller.may(Action::AssignCoverage),
        areas: areas(auth),
        raw,
        error,
    };
    render_form(&page, page.error.is_some())
}

/// 党建指导员: the register of the caller's scope.
pub async fn list(State(state): State<AppState>, auth: Auth, Query(q): Query<ListQuery>) -> PageResult {
    let org = id_param("党组织", &q.org)?;
    let first = areas(&auth).into_iter().next().map(|a| a.0).unwrap_or_default();
    list_page(&state, &auth, org, RawInstructor { area: first, ..Default::default() }, None).await
}

pub async fn create(State(state): State<AppState>, auth: Auth, body: Unread) -> PageResult {
    auth.require(Action::AssignCoverage)?;
    let raw: RawInstructor = body.form().await?;
    let saved = async {
        let f = parsed(InstructorFields::parse(&raw))?;
        Ok(state.store.people().add_instructor(&auth.caller, f, false).await?)
    }
    .await;
    let saved = saved.map(|id| format!("/people/instructors/{id}"));
    saved_or_again(saved, |msg| async move { list_page(&state, &auth, None, raw, Some(msg)).await }).await
}

#[derive(Template)]
#[template(path = "people/instructor.html")]
struct DetailPage {
    layout: Layout,
    i: Instructor,
    may_write: bool,
    choices: Vec<(String, String)>,
    ratings: [InstructorRating; 4],
    assignment: RawAssignment,
    assessment: RawAssessment,
    today: String,
    /// A refused form: which (`assign`, `end`, `assess`) and its message.
    error: Option<(&'static str, String)>,
}

impl DetailPage {
    fn error_for(&self, form: &str) -> &str {
        self.error.as_ref().filter(|(f, _)| *f == form).map(|(_, m)| m.as_str()).unwrap_or("")
    }
}

async fn detail_page(
    state: &AppState,
    auth: &Auth,
    id: i64,
    assignment: RawAssignment,
    assessment: RawAssessment,
    error: Option<(&'static str, String)>,
) -> PageResult {
    auth.require(Action::ReadRegistry)?;
    let people = state.store.people();
    let i = people.instructor(&auth.caller, id).await?;
    let may_write = auth.caller.may(Action::AssignCoverage);
    let choices = if may_write { people.guided_choices(&auth.caller, None).await? } else { Vec::new() };
    let page = DetailPage {
        layout: Layout::new(auth, state, ACTIVE),
        i,
        may_write,
        choices,
        ratings: InstructorRating::ALL,
        assignment,
        assessment,
        today: state.store.today().to_string(),
        error,
    };
    render_form(&page, page.error.is_some())
}

fn fresh(state: &AppState) -> (RawAssignment, RawAssessment) {
    let today = state.store.today();
    (
        RawAssignment { since: today.to_string(), ..Default::default() },
        RawAssessment { period: chrono::Datelike::year(&today).to_string(), ..Default::default() },
    )
}

pub async fn detail(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    let (a, s) = fresh(&state);
    detail_page(&state, &auth, id, a, s, None).await
}

pub async fn assign(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, body: Unread) -> PageResult {
    auth.require(Action::AssignCoverage)?;
    let raw: RawAssignment = body.form().await?;
    let saved = async {
        let f = parsed(AssignmentFields::parse(&raw))?;
        Ok(state.store.people().assign_instructor(&auth.caller, id, f, false).await?)
    }
    .await;
    let saved = saved.map(|_| format!("/people/instructors/{id}"));
    let (_, s) = fresh(&state);
    saved_or_again(saved, |msg| async move { detail_page(&state, &auth, id, raw, s, Some(("assign", msg))).await })
        .await
}

#[derive(Deserialize, Default)]
pub struct EndForm {
    until: Option<String>,
}

pub async fn end(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, assignment)): Path<(i64, i64)>,
    body: Unread,
) -> PageResult {
    auth.require(Action::AssignCoverage)?;
    let f: EndForm = body.form().await?;
    let saved = match qunlian_domain::fields::date_field("结束日期", f.until.as_deref().unwrap_or("")) {
        Ok(day) => {
            let day = day.unwrap_or_else(|| state.store.today());
            state.store.people().end_assignment(&auth.caller, id, assignment, day).await.map_err(WebError::from)
        }
        Err(m) => Err(WebError::Invalid(m)),
    };
    let saved = saved.map(|()| format!("/people/instructors/{id}"));
    let (a, s) = fresh(&state);
    saved_or_again(saved, |msg| async move { detail_page(&state, &auth, id, a, s, Some(("end", msg))).await }).await
}

pub async fn assess(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, body: Unread) -> PageResult {
    auth.require(Action::AssignCoverage)?;
    let raw: RawAssessment = body.form().await?;
    let saved = async {
        let f = parsed(AssessmentFields::parse(&raw))?;
        Ok(state.store.people().assess_instructor(&auth.caller, id, f, false).await?)
    }
    .await;
    let saved = saved.map(|()| format!("/people/instructors/{id}"));
    let (a, _) = fresh(&state);
    saved_or_again(saved, |msg| async move { detail_page(&state, &auth, id, a, raw, Some(("assess", msg))).await })
        .await
}
