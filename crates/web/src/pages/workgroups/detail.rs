//! One work group: its units, the temporary branch and its members, the branch's activities,
//! the end prompt, and the forms that end (撤销) or extend (延期) it.

use askama::Template;
use axum::extract::{Path, State};
use qunlian_domain::activities::{Organiser, OrganiserKind};
use qunlian_domain::auth::Action;
use qunlian_domain::workgroups::{EndFields, ExtendFields, MemberChange, RawEnd, RawExtend, RawMemberChange};
use qunlian_store::activities::{ActivityFilter, ActivityLine};
use qunlian_store::workgroups::{EndPrompt, Workgroup};
use qunlian_store::{Page, PageRequest};

use super::ACTIVE;
use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::forms::{Unread, parsed};
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
    join: RawMemberChange,
    leave: RawMemberChange,
    /// The members of the caller's register who may join (not already in the group).
    joinable: Vec<(i64, String)>,
    /// A refused form: which (`end`, `extend`, `join`, `leave`) and its message.
    error: Option<(&'static str, String)>,
}

impl DetailPage {
    fn error_for(&self, form: &str) -> &str {
        self.error.as_ref().filter(|(f, _)| *f == form).map(|(_, m)| m.as_str()).unwrap_or("")
    }
}

/// What the page's forms hold: fresh, or a refused one as sent.
struct Forms {
    end: RawEnd,
    extend: RawExtend,
    join: RawMemberChange,
    leave: RawMemberChange,
}

async fn detail_page(
    state: &AppState,
    auth: &Auth,
    id: i64,
    forms: Forms,
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
    let may_write = auth.caller.may(Action::RestructureRegistry) && g.line.ended_on.is_none();
    let joinable = if may_write {
        let taking: Vec<i64> = g.members.iter().map(|m| m.member_id).collect();
        groups.choices(&auth.caller).await?.members.into_iter().filter(|(m, _)| !taking.contains(m)).collect()
    } else {
        Vec::new()
    };
    let Forms { end, extend, join, leave } = forms;
    let page = DetailPage {
        layout: Layout::new(auth, state, ACTIVE),
        may_write,
        g,
        prompts,
        activities,
        end,
        extend,
        join,
        leave,
        joinable,
        error,
    };
    render_form(&page, page.error.is_some())
}

fn fresh(state: &AppState) -> Forms {
    let today = state.store.today().to_string();
    Forms {
        end: RawEnd { ended_on: today.clone(), ..Default::default() },
        extend: RawExtend::default(),
        join: RawMemberChange { on: today.clone(), ..Default::default() },
        leave: RawMemberChange { on: today, ..Default::default() },
    }
}

pub async fn detail(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    detail_page(&state, &auth, id, fresh(&state), None).await
}

/// The answer to one of the page's forms: the page when `saved`; the page again with the
/// reason by the form `which`, the forms holding `forms` (that one as it was sent), otherwise.
async fn answer(
    state: &AppState,
    auth: &Auth,
    id: i64,
    saved: Result<(), WebError>,
    which: &'static str,
    forms: Forms,
) -> PageResult {
    saved_or_again(saved.map(|()| format!("/workgroups/{id}")), |msg| {
        detail_page(state, auth, id, forms, Some((which, msg)))
    })
    .await
}

/// 撤销: the branch dissolved on the day given.
pub async fn end(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, body: Unread) -> PageResult {
    auth.require(Action::RestructureRegistry)?;
    let raw: RawEnd = body.form().await?;
    let saved = async {
        let f = parsed(EndFields::parse(&raw))?;
        Ok(state.store.workgroups().end(&auth.caller, id, f).await?)
    }
    .await;
    answer(&state, &auth, id, saved, "end", Forms { end: raw, ..fresh(&state) }).await
}

/// 延期: a new planned end.
pub async fn extend(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, body: Unread) -> PageResult {
    auth.require(Action::RestructureRegistry)?;
    let raw: RawExtend = body.form().await?;
    let saved = async {
        let f = parsed(ExtendFields::parse(&raw))?;
        Ok(state.store.workgroups().extend(&auth.caller, id, f).await?)
    }
    .await;
    answer(&state, &auth, id, saved, "extend", Forms { extend: raw, ..fresh(&state) }).await
}

/// 加入: a member of the register joins the temporary branch from a day.
pub async fn join(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, body: Unread) -> PageResult {
    auth.require(Action::RestructureRegistry)?;
    let raw: RawMemberChange = body.form().await?;
    let saved = async {
        let f = parsed(MemberChange::parse(&raw, "加入日期"))?;
        Ok(state.store.workgroups().add_member(&auth.caller, id, f).await?)
    }
    .await;
    answer(&state, &auth, id, saved, "join", Forms { join: raw, ..fresh(&state) }).await
}

/// 退出: a member taking part leaves on a day.
pub async fn leave(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, body: Unread) -> PageResult {
    auth.require(Action::RestructureRegistry)?;
    let raw: RawMemberChange = body.form().await?;
    let saved = async {
        let f = parsed(MemberChange::parse(&raw, "退出日期"))?;
        Ok(state.store.workgroups().member_leaves(&auth.caller, id, f).await?)
    }
    .await;
    answer(&state, &auth, id, saved, "leave", Forms { leave: raw, ..fresh(&state) }).await
}
