//! Transfer pages (组织关系转接): the outgoing and incoming transfers of the caller's scope
//! with the receiving side's accept and return (a reason required), and the form on a
//! member's page that issues one. Both ends are checked by the store.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use qunlian_domain::auth::Action;
use qunlian_domain::people::TransferState;
use qunlian_store::StoreError;
use qunlian_store::people::{Member, Transfer, TransferSide};
use serde::Deserialize;

use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::forms::Unread;
use crate::support::{render_form, saved_or_again};

const ACTIVE: &str = "/people/transfers";

#[derive(Template)]
#[template(path = "people/transfers.html")]
struct ListPage {
    layout: Layout,
    outgoing: Vec<Transfer>,
    incoming: Vec<Transfer>,
    may_write: bool,
    /// A refused return: the transfer, the message and the reason typed.
    refused: Option<(i64, String, String)>,
}

impl ListPage {
    fn refused_for(&self, id: &i64) -> Option<(&str, &str)> {
        self.refused.as_ref().filter(|(t, _, _)| t == id).map(|(_, m, r)| (m.as_str(), r.as_str()))
    }
}

async fn list_page(state: &AppState, auth: &Auth, refused: Option<(i64, String, String)>) -> PageResult {
    auth.require(Action::ReadMembers)?;
    let people = state.store.people();
    let page = ListPage {
        layout: Layout::new(auth, state, ACTIVE),
        outgoing: people.transfers(&auth.caller, TransferSide::Outgoing).await?,
        incoming: people.transfers(&auth.caller, TransferSide::Incoming).await?,
        may_write: auth.caller.may(Action::WriteMembers),
        refused,
    };
    render_form(&page, page.refused.is_some())
}

pub async fn list(State(state): State<AppState>, auth: Auth) -> PageResult {
    list_page(&state, &auth, None).await
}

pub async fn accept(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    auth.require(Action::WriteMembers)?;
    let saved = state
        .store
        .people()
        .decide_transfer(&auth.caller, id, TransferState::Accepted, None)
        .await
        .map(|()| format!("/people/transfers#t{id}"))
        .map_err(WebError::from);
    saved_or_again(saved, |msg| async move { list_page(&state, &auth, Some((id, msg, String::new()))).await }).await
}

#[derive(Deserialize, Default)]
pub struct ReturnForm {
    reason: Option<String>,
}

pub async fn give_back(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, body: Unread) -> PageResult {
    auth.require(Action::WriteMembers)?;
    let f: ReturnForm = body.form().await?;
    let typed = f.reason.unwrap_or_default();
    let saved = state
        .store
        .people()
        .decide_transfer(&auth.caller, id, TransferState::Returned, Some(&typed))
        .await
        .map(|()| format!("/people/transfers#t{id}"))
        .map_err(WebError::from);
    saved_or_again(saved, |msg| async move { list_page(&state, &auth, Some((id, msg, typed))).await }).await
}

#[derive(Template)]
#[template(path = "people/transfer_form.html")]
struct IssuePage {
    layout: Layout,
    m: Member,
    pending: Option<Transfer>,
    orgs: Vec<(i64, String)>,
    to_org: String,
    note: String,
    error: Option<String>,
}

async fn issue_page(
    state: &AppState,
    auth: &Auth,
    id: i64,
    to_org: String,
    note: String,
    error: Option<String>,
) -> PageResult {
    auth.require(Action::WriteMembers)?;
    let people = state.store.people();
    let m = people.member(&auth.caller, id).await?;
    let page = IssuePage {
        layout: Layout::new(auth, state, ACTIVE),
        pending: people.pending_transfer(&auth.caller, id).await?,
        orgs: people.transfer_targets(&auth.caller).await?.into_iter().filter(|(o, _)| *o != m.org_id).collect(),
        m,
        to_org,
        note,
        error,
    };
    render_form(&page, page.error.is_some())
}

pub async fn issue_form(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    issue_page(&state, &auth, id, String::new(), String::new(), None).await
}

#[derive(Deserialize, Default)]
pub struct IssueForm {
    to_org: Option<String>,
    note: Option<String>,
}

pub async fn issue(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, body: Unread) -> PageResult {
    auth.require(Action::WriteMembers)?;
    let f: IssueForm = body.form().await?;
    let (to_org, note) = (f.to_org.unwrap_or_default(), f.note.unwrap_or_default());
    let Ok(to) = to_org.trim().parse::<i64>() else {
        let msg = "接收党组织：请从列表中选择".to_owned();
        return issue_page(&state, &auth, id, to_org, note, Some(msg)).await;
    };
    match state.store.people().issue_transfer(&auth.caller, id, to, &note, false).await {
        Ok(_) => Ok(Redirect::to("/people/transfers").into_response()),
        Err(e @ StoreError::Invalid { .. }) => issue_page(&state, &auth, id, to_org, note, Some(e.to_string())).await,
        Err(e) => Err(WebError::from(e)),
    }
}
