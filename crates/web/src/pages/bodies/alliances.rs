//! An alliance at work: its issue figures, service list (linked to catalogue items),
//! meetings with attendance, decisions with follow-up, and the forms of those who run it.

use askama::Template;
use axum::extract::{Path, State};
use qunlian_domain::auth::Action;
use qunlian_domain::bodies::{DecisionFields, MeetingFields, MeetingKind, RawDecision, RawIssue, RawMeeting};
use qunlian_store::bodies::{AllianceWork, IssueFigures};

use super::{ACTIVE, parsed, running};
use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::forms::{Pairs, from_form, parse_date};
use crate::support::{render_form, saved_or_again};

/// What was typed in the page's forms, to show again after a refusal.
#[derive(Default)]
pub struct Drafts {
    pub service_item: String,
    pub service_name: String,
    pub meeting: RawMeeting,
    pub issue: RawIssue,
    /// The meeting whose decision form was refused, and what it held.
    pub decision_for: i64,
    pub decision: RawDecision,
}

#[derive(Template)]
#[template(path = "bodies/alliance.html")]
struct AlliancePage {
    layout: Layout,
    w: AllianceWork,
    f: IssueFigures,
    may_run: bool,
    kinds: &'static [MeetingKind],
    /// Catalogue items not yet on the list: (id, "name（department）").
    items: Vec<(i64, String)>,
    departments: Vec<(i64, String)>,
    today: String,
    d: Drafts,
    error: Option<String>,
}

/// The alliance's page, its forms blank or one shown again (422) with what was typed.
pub(super) async fn alliance_page(
    state: &AppState,
    auth: &Auth,
    id: i64,
    d: Drafts,
    error: Option<String>,
) -> PageResult {
    let b = state.store.bodies();
    let w = b.alliance_work(&auth.caller, id).await?;
    let may_run = b.may_run(&auth.caller, id).await.is_ok();
    let (items, departments) = if may_run {
        let linked: Vec<i64> = w.services.iter().filter_map(|s| s.item).collect();
        let items = state
            .store
            .services()
            .items(&auth.caller)
            .await?
            .into_iter()
            .filter(|i| !linked.contains(&i.id))
            .map(|i| (i.id, format!("{}（{}）", i.name, i.department)))
            .collect();
        (items, state.store.services().departments().await?)
    } else {
        (Vec::new(), Vec::new())
    };
    let refused = error.is_some();
    let today = state.store.today().to_string();
    let mut d = d;
    if d.meeting.held_on.is_empty() {
        d.meeting.held_on = today.clone();
    }
    if d.issue.raised_on.is_empty() {
        d.issue.raised_on = today.clone();
    }
    let page = AlliancePage {
        layout: Layout::new(auth, state, ACTIVE),
        f: b.issue_figures(&auth.caller, id).await?,
        w,
        may_run,
        kinds: &MeetingKind::ALL,
        items,
        departments,
        today,
        d,
        error,
    };
    render_form(&page, refused)
}

pub async fn page(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    auth.require(Action::ReadRegistry)?;
    alliance_page(&state, &auth, id, Drafts::default(), None).await
}

/// A form of the alliance's page once done: to its section `anchor` when saved, or the page
/// again with what was typed (`d`) and the refusal.
async fn back(state: &AppState, auth: &Auth, id: i64, d: Drafts, anchor: Result<String, WebError>) -> PageResult {
    saved_or_again(anchor.map(|a| format!("/bodies/alliances/{id}#{a}")), |m| {
        alliance_page(state, auth, id, d, Some(m))
    })
    .await
}

pub async fn add_service(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, f: Pairs) -> PageResult {
    let f = running(&state, &auth, id, f).await?;
    let d = Drafts { service_item: f.get("item").into(), service_name: f.get("name").into(), ..Default::default() };
    let done = async {
        let item = match d.service_item.as_str() {
            "" => None,
            v => Some(v.parse::<i64>().map_err(|_| WebError::Invalid("服务事项：请从列表中选择".into()))?),
        };
        Ok(state.store.bodies().add_service(&auth.caller, id, item, &d.service_name, false).await?)
    }
    .await;
    back(&state, &auth, id, d, done.map(|_| "services".to_owned())).await
}

pub async fn record_meeting(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, f: Pairs) -> PageResult {
    let f = running(&state, &auth, id, f).await?;
    let raw = from_form!(
        f,
        RawMeeting {
            kind,
            held_on,
            subject,
            summary,
            attendees: f.all("attendees").into_iter().map(str::to_owned).collect()
        }
    );
    let done = async {
        let m = parsed(MeetingFields::parse(&raw))?;
        Ok(state.store.bodies().record_meeting(&auth.caller, id, m, false).await?)
    }
    .await;
    let d = Drafts { meeting: raw, ..Default::default() };
    back(&state, &auth, id, d, done.map(|m| format!("meeting-{m}"))).await
}

pub async fn add_decision(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, mid)): Path<(i64, i64)>,
    f: Pairs,
) -> PageResult {
    let f = running(&state, &auth, id, f).await?;
    let raw = from_form!(f, RawDecision { content, owner, due_on });
    let done = async {
        let x = parsed(DecisionFields::parse(&raw))?;
        Ok(state.store.bodies().add_decision(&auth.caller, id, mid, x, false).await?)
    }
    .await;
    let d = Drafts { decision_for: mid, decision: raw, ..Default::default() };
    back(&state, &auth, id, d, done.map(|_| format!("meeting-{mid}"))).await
}

pub async fn finish_decision(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, did)): Path<(i64, i64)>,
    f: Pairs,
) -> PageResult {
    let f = running(&state, &auth, id, f).await?;
    let done = async {
        let on = parse_date("完成日期", &Some(f.get("on").to_owned()))?.unwrap_or_else(|| state.store.today());
        Ok(state.store.bodies().finish_decision(&auth.caller, id, did, on, f.get("note")).await?)
    }
    .await;
    back(&state, &auth, id, Drafts::default(), done.map(|()| format!("decision-{did}"))).await
}
