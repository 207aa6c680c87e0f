//! One activity's page with the form that turns an issue raised into a need (要素需求) or a
//! service request (服务诉求) in one step, prefilled from the activity, and the withdrawal
//! (撤回) with its reason.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use qunlian_domain::activities::{IssueTarget, RaisedIssueFields, RawRaisedIssue};
use qunlian_domain::auth::Action;
use qunlian_domain::fields::FieldErrors;
use qunlian_domain::matching::ListingCategory;
use qunlian_store::activities::Activity;
use serde::Deserialize;

use super::ACTIVE;
use crate::auth::{Auth, Layout};
use crate::error::PageResult;
use crate::state::AppState;
use crate::support::forms::{Unread, refused_fields};
use crate::support::render_form;

#[derive(Template)]
#[template(path = "activities/activity.html")]
struct DetailPage {
    layout: Layout,
    a: Activity,
    raw: RawRaisedIssue,
    errors: FieldErrors,
    may_raise: bool,
    /// The organiser's side: it may edit or withdraw the activity.
    may_change: bool,
    /// The withdrawal's reason as typed (kept on a refusal).
    reason: String,
    targets: Vec<(String, String)>,
    categories: [ListingCategory; 8],
    items: Vec<(i64, String)>,
}

impl DetailPage {
    fn units(&self) -> Vec<(i64, String)> {
        self.a.units.iter().map(|u| (u.id, u.name.clone())).collect()
    }
}

pub(super) async fn detail_page(
    state: &crate::state::AppState,
    auth: &Auth,
    id: i64,
    raw: RawRaisedIssue,
    errors: FieldErrors,
    reason: String,
) -> PageResult {
    let a = state.store.activities().get(&auth.caller, id).await?;
    let may_change = state.store.activities().may_change(&auth.caller, id).await?;
    let c = &auth.caller;
    let mut targets = Vec::new();
    if c.may(Action::PublishListings) {
        targets.push((IssueTarget::Listing.code().to_owned(), IssueTarget::Listing.label().to_owned()));
    }
    if c.may(Action::FileServiceRequest) {
        targets.push((IssueTarget::ServiceRequest.code().to_owned(), IssueTarget::ServiceRequest.label().to_owned()));
    }
    let items = if c.may(Action::FileServiceRequest) {
        state.store.services().items(c).await?.into_iter().map(|i| (i.id, format!("{} {}", i.code, i.name))).collect()
    } else {
        Vec::new()
    };
    let page = DetailPage {
        layout: Layout::new(auth, state, ACTIVE),
        may_raise: c.may(Action::RecordActivities)
            && a.withdrawn.is_none()
            && !targets.is_empty()
            && !a.units.is_empty(),
        may_change,
        reason,
        a,
        raw,
        errors,
        targets,
        categories: ListingCategory::ALL,
        items,
    };
    render_form(&page, !page.errors.is_empty())
}

/// 问题转办: the need or request made in one step, then its page.
pub async fn raise(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, body: Unread) -> PageResult {
    auth.require(Action::RecordActivities)?;
    let raw: RawRaisedIssue = body.form().await?;
    let fields = match RaisedIssueFields::parse(&raw) {
        Ok(x) => x,
        Err(errors) => return detail_page(&state, &auth, id, raw, errors, String::new()).await,
    };
    match state.store.activities().raise_issue(&auth.caller, id, fields, false).await {
        Ok(r) => {
            state.sync_index().await;
            Ok(Redirect::to(&r.link).into_response())
        }
        Err(e) => {
            let errors = refused_fields(e, |field| if field == "服务事项" { "item" } else { "unit" })?;
            detail_page(&state, &auth, id, raw, errors, String::new()).await
        }
    }
}

#[derive(Deserialize, Default)]
pub struct WithdrawForm {
    reason: Option<String>,
}

/// 撤回: the activity stays on record, no longer counted; a missing reason shows the page
/// again with the message.
pub async fn withdraw(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, body: Unread) -> PageResult {
    auth.require(Action::RecordActivities)?;
    let f: WithdrawForm = body.form().await?;
    let reason = f.reason.unwrap_or_default();
    match state.store.activities().withdraw(&auth.caller, id, &reason).await {
        Ok(()) => Ok(Redirect::to(&format!("/activities/{id}")).into_response()),
        Err(qunlian_store::StoreError::Invalid { field, message }) => {
            let mut errors = FieldErrors::new();
            errors.push("reason", format!("{field}：{message}"));
            detail_page(&state, &auth, id, RawRaisedIssue::default(), errors, reason).await
        }
        Err(e) => Err(e.into()),
    }
}
