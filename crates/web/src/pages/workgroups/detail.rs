//! One work group: its units, the temporary branch and its members, the branch's activities,
//! the end prompt, and the forms that end (撤销) or extend (延期) it.

use askama::Template;
use axum::extract::{Path, State};
use qunlian_domain::activities::{Organiser, OrganiserKind};
use qunlian_domain::auth::Action;
use qunlian_domain::workgroups::{EndFields, ExtendFields, RawEnd, RawExtend};
use qunlian_store::activities::{ActivityFilter, ActivityLine};
use qunlian_store::workgroups::{EndPrompt, Workgroup};
use qunlian_store::{Page, PageRequest};

use super::ACTIVE;
use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::forms::Unread;
use crate::support::{render_form, saved_or_again};

#[derive(Template)]
#[template(path = "workgroups/detail.html")]
struct DetailPage {
    layout: Layout,
    g: Workgroup,
    prompts: Vec<EndPrompt>,
    activities: Option<Page<ActivityLine>>,
    may_write: bool,
    end: RawEnd,
    extend: RawExtend,
    /// A refused form: which (`end`, `extend`) and its message.
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
    end: RawEnd,
    extend: RawExtend,
    error: Option<(&'static str, String)>,
) -> PageResult {
    auth.require(Action::ReadRegistry)?;
    let groups = state.store.workgroups();
    let g = groups.workgroup(&auth.caller, id).await?;
    let prompts = groups.prompt_of(&auth.caller, id).await?.into_iter().collect();
    // The activities the temporary branch organised, for those who read activities.
    let activities = if auth.caller.may(Action::ReadActivities) {
        let filter = ActivityFilter {
            organiser: Some(Organiser { kind: OrganiserKind::Org, id: g.line.branch_org_id }),
            ..Default::default()
        };
        Some(state.store.activities().list(&auth.caller, &filter, PageRequest::new(None, Some(50))).await?)
    } else {
        None
    };
    let page = DetailPage {
        layout: Layout::new(auth, state, ACTIVE),
        may_write: auth.caller.may(Action::RestructureRegistry) && g.line.ended_on.is_none(),
        g,
        prompts,
        activities,
        end,
        extend,
        error,
    };
    render_form(&page, page.error.is_some())
}

fn fresh(state: &AppState) -> (RawEnd, RawExtend) {
    (RawEnd { ended_on: state.store.today().to_string(), ..Default::default() }, RawExtend::default())
}

pub async fn detail(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    let (e, x) = fresh(&state);
    detail_page(&state, &auth, id, e, x, None).await
}

/// 撤销: the branch dissolved on the day given.
pub async fn end(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, body: Unread) -> PageResult {
    auth.require(Action::RestructureRegistry)?;
    let raw: RawEnd = body.form().await?;
    let saved = match EndFields::parse(&raw) {
        Ok(f) => state.store.workgroups().end(&auth.caller, id, f).await.map_err(WebError::from),
        Err(e) => Err(WebError::Invalid(e.to_string())),
    };
    let saved = saved.map(|()| format!("/workgroups/{id}"));
    let (_, x) = fresh(&state);
    saved_or_again(saved, |msg| async move { detail_page(&state, &auth, id, raw, x, Some(("end", msg))).await }).await
}

/// 延期: a new planned end.
pub async fn extend(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, body: Unread) -> PageResult {
    auth.require(Action::RestructureRegistry)?;
    let raw: RawExtend = body.form().await?;
    let saved = match ExtendFields::parse(&raw) {
        Ok(f) => state.store.workgroups().extend(&auth.caller, id, f).await.map_err(WebError::from),
        Err(e) => Err(WebError::Invalid(e.to_string())),
    };
    let saved = saved.map(|()| format!("/workgroups/{id}"));
    let (e, _) = fresh(&state);
    saved_or_again(saved, |msg| async move { detail_page(&state, &auth, id, e, raw, Some(("extend", msg))).await })
        .await
}
