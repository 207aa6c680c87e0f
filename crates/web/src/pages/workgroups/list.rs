//! The list of work groups and the form that creates one with its temporary branch.

use askama::Template;
use axum::extract::{Query, State};
use qunlian_domain::auth::Action;
use qunlian_domain::fields::FieldErrors;
use qunlian_domain::workgroups::{RawWorkgroup, WorkgroupFields, WorkgroupKind, WorkgroupState};
use qunlian_store::workgroups::{WorkgroupChoices, WorkgroupFilter, WorkgroupLine};
use qunlian_store::{Page, PageRequest};
use serde::Deserialize;

use super::ACTIVE;
use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::forms::{Choice, Pairs, Unread, coded, from_form, non_empty, ticked};
use crate::support::towns::town_options;
use crate::support::{render, render_form};

#[derive(Deserialize, Default)]
pub struct ListQuery {
    kind: Option<String>,
    state: Option<String>,
    page: Option<u64>,
}

#[derive(Template)]
#[template(path = "workgroups/list.html")]
struct ListPage {
    layout: Layout,
    list: Page<WorkgroupLine>,
    kinds: [WorkgroupKind; 4],
    states: [WorkgroupState; 3],
    kind: String,
    state: String,
    may_write: bool,
}

impl ListPage {
    fn query(&self) -> String {
        [("kind", &self.kind), ("state", &self.state)]
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// 项目工作组: those of the caller's scope.
pub async fn list(State(state): State<AppState>, auth: Auth, Query(q): Query<ListQuery>) -> PageResult {
    auth.require(Action::ReadRegistry)?;
    let kind = coded(&q.kind, WorkgroupKind::parse)?;
    let st = coded(&q.state, WorkgroupState::parse)?;
    let filter = WorkgroupFilter { kind, state: st, parent_org: None };
    let list = state.store.workgroups().list(&auth.caller, &filter, PageRequest::new(q.page, None)).await?;
    render(&ListPage {
        layout: Layout::new(&auth, &state, ACTIVE),
        list,
        kinds: WorkgroupKind::ALL,
        states: WorkgroupState::ALL,
        kind: kind.map(|k| k.code().to_owned()).unwrap_or_default(),
        state: st.map(|s| s.code().to_owned()).unwrap_or_default(),
        may_write: auth.caller.may(Action::RestructureRegistry),
    })
}

#[derive(Template)]
#[template(path = "workgroups/form.html")]
struct FormPage {
    layout: Layout,
    raw: RawWorkgroup,
    errors: FieldErrors,
    kinds: [WorkgroupKind; 4],
    towns: Vec<Choice>,
    choices: WorkgroupChoices,
}

impl FormPage {
    fn unit_ticked(&self, id: &i64) -> bool {
        ticked(&self.raw.units, *id)
    }
    fn member_ticked(&self, id: &i64) -> bool {
        ticked(&self.raw.members, *id)
    }
}

async fn form_page(state: &AppState, auth: &Auth, raw: RawWorkgroup, errors: FieldErrors) -> PageResult {
    let page = FormPage {
        layout: Layout::new(auth, state, ACTIVE),
        towns: town_options(state, auth, non_empty(&Some(raw.town.clone()))),
        choices: state.store.workgroups().choices(&auth.caller).await?,
        raw,
        kinds: WorkgroupKind::ALL,
        errors,
    };
    render_form(&page, !page.errors.is_empty())
}

/// 新建项目工作组: the form, its start today.
pub async fn new_form(State(state): State<AppState>, auth: Auth) -> PageResult {
    auth.require(Action::RestructureRegistry)?;
    let raw = RawWorkgroup { started_on: state.store.today().to_string(), ..Default::default() };
    form_page(&state, &auth, raw, FieldErrors::new()).await
}

fn raw_of(f: &Pairs) -> RawWorkgroup {
    let all = |k: &str| f.all(k).into_iter().map(str::to_owned).collect();
    from_form!(
        f,
        RawWorkgroup {
            name,
            kind,
            town,
            cluster,
            lead_unit,
            units: all("units"),
            started_on,
            planned_end_on,
            description,
            parent_org,
            branch_name,
            secretary,
            members: all("members")
        }
    )
}

pub async fn create(State(state): State<AppState>, auth: Auth, body: Unread) -> PageResult {
    auth.require(Action::RestructureRegistry)?;
    let raw = raw_of(&Pairs(body.form().await?));
    let fields = match WorkgroupFields::parse(&raw) {
        Ok(f) => f,
        Err(errors) => return form_page(&state, &auth, raw, errors).await,
    };
    match state.store.workgroups().create(&auth.caller, fields, false).await {
        Ok(id) => Ok(axum::response::Redirect::to(&format!("/workgroups/{id}")).into_response()),
        Err(e) => match WebError::from(e) {
            WebError::Invalid(msg) => {
                let mut errors = FieldErrors::new();
                errors.push("form", msg);
                form_page(&state, &auth, raw, errors).await
            }
            e => Err(e),
        },
    }
}

use axum::response::IntoResponse;
