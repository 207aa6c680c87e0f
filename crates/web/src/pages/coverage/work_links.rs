//! Work links (选派指导员, 参加邻近党组织活动), recorded from the enterprise page.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use qunlian_domain::auth::UnitId;
use qunlian_store::coverage::{NewWorkLink, WorkLinkKind};
use serde::Deserialize;

use crate::auth::Auth;
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::forms::{Pairs, Refusal, non_empty, parse_date, parsed};
use crate::support::saved_or_again;

// ---------- work links (on the enterprise page) ----------

#[derive(Deserialize)]
pub struct WorkLinkForm {
    kind: String,
    /// An instructor of the register (its id); else a name typed by hand.
    instructor: Option<String>,
    instructor_name: Option<String>,
    party_org: Option<String>,
    since: Option<String>,
    note: Option<String>,
}

/// Records a work link; a refusal is the enterprise's page again with the reason and what
/// was typed by the form.
pub async fn add_work_link(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    body: crate::support::forms::Unread,
) -> PageResult {
    auth.require(qunlian_domain::auth::Action::AssignCoverage)?;
    let typed = body.pairs().await?;
    let saved = async {
        let f: WorkLinkForm = typed.parse()?;
        let kind = match Some(f.kind.trim()).filter(|k| !k.is_empty()) {
            Some(code) => parsed(WorkLinkKind::from_code(code))?,
            None => return Err(WebError::Invalid("覆盖方式：请选择".into())),
        };
        let since = parse_date("开始日期", &f.since)?.unwrap_or_else(|| state.store.today());
        let party_org = match non_empty(&f.party_org) {
            Some(v) => Some(v.parse::<i64>().map_err(|_| WebError::Invalid("党组织：请从列表中选择".into()))?),
            None => None,
        };
        let coverage = state.store.coverage();
        let note = non_empty(&f.note).map(str::to_owned);
        match register_choice(&f.instructor)? {
            Some(i) if kind == WorkLinkKind::Instructor => {
                coverage.add_instructor_link(&auth.caller, UnitId(id), i, since, note, false).await?;
            }
            _ => {
                let instructor_name = non_empty(&f.instructor_name).map(str::to_owned);
                let new =
                    NewWorkLink { unit: UnitId(id), kind, instructor_name, party_org, since, note, is_demo: false };
                coverage.add_work_link(&auth.caller, new).await?;
            }
        }
        Ok(format!("/enterprises/{id}#coverage"))
    }
    .await;
    on_enterprise_page(&state, &auth, id, saved, "work_link", typed).await
}

/// The answer to a coverage form of the enterprise page: to the page when saved; the page
/// again (422) with the reason and what was typed by the form `form` when refused.
pub(super) async fn on_enterprise_page(
    state: &AppState,
    auth: &Auth,
    id: i64,
    saved: Result<String, WebError>,
    form: &'static str,
    typed: Pairs,
) -> PageResult {
    saved_or_again(saved, |msg| {
        crate::pages::registry::enterprises::detail_page(state, auth, UnitId(id), None, Refusal::of(form, msg, typed))
    })
    .await
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

/// An instructor chosen from the register: its id, or None when none was chosen.
pub(crate) fn register_choice(v: &Option<String>) -> Result<Option<i64>, WebError> {
    match non_empty(v) {
        Some(v) => v.parse::<i64>().map(Some).map_err(|_| WebError::Invalid("指导员：请从指导员名册中选择".into())),
        None => Ok(None),
    }
}
