//! A branch's Party groups (党小组), reached from its page (`/orgs/{id}/groups`): each group
//! with its leader and members (ticked from the branch's roster) to edit, and a new group.
//! The store keeps a member in one group of the branch and the branch in the caller's scope.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use qunlian_domain::auth::{Action, OrgId};
use qunlian_domain::people::groups::{GroupFields, RawGroup};
use qunlian_store::people::PartyGroup;

use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::forms::{Pairs, Unread, parsed};
use crate::support::{render_form, saved_or_again};

#[derive(Template)]
#[template(path = "people/groups.html")]
struct GroupsPage {
    layout: Layout,
    org_id: i64,
    org_name: String,
    groups: Vec<PartyGroup>,
    /// The branch's own members, by name.
    members: Vec<(i64, String)>,
    may_write: bool,
    /// The group a refusal is about (0: the new group) and what was typed.
    again: Option<(i64, RawGroup)>,
    error: Option<String>,
}

impl GroupsPage {
    /// Whether a member is ticked in the form of `group` (0: the new one).
    fn ticked(&self, group: &i64, member: &i64) -> bool {
        match &self.again {
            Some((g, raw)) if g == group => raw.members.iter().any(|m| m.trim() == member.to_string()),
            _ => self.groups.iter().any(|g| g.id == *group && g.members.iter().any(|(m, _)| m == member)),
        }
    }

    /// The leader chosen in the form of `group`, as the select's value.
    fn leader(&self, group: &i64) -> String {
        match &self.again {
            Some((g, raw)) if g == group => raw.leader.clone(),
            _ => self
                .groups
                .iter()
                .find(|g| g.id == *group)
                .and_then(|g| g.leader.as_ref())
                .map(|l| l.0.to_string())
                .unwrap_or_default(),
        }
    }

    /// The name typed for the new group after a refusal.
    fn new_name(&self) -> &str {
        match &self.again {
            Some((0, raw)) => raw.name.as_str(),
            _ => "",
        }
    }
}

async fn page(
    state: &AppState,
    auth: &Auth,
    org: i64,
    again: Option<(i64, RawGroup)>,
    error: Option<String>,
) -> PageResult {
    auth.require(Action::ReadMembers)?;
    let people = state.store.people();
    let groups = people.party_groups(&auth.caller, org).await?;
    let o = state.store.registry().party_org(&auth.caller, OrgId(org)).await?;
    let page = GroupsPage {
        layout: Layout::new(auth, state, "/orgs"),
        org_id: org,
        org_name: o.org.name,
        groups,
        members: people.branch_members(&auth.caller, org).await?,
        may_write: auth.caller.may(Action::WriteMembers) && o.org.dissolved_on.is_none(),
        again,
        error,
    };
    render_form(&page, page.error.is_some())
}

pub async fn list(State(state): State<AppState>, auth: Auth, Path(org): Path<i64>) -> PageResult {
    page(&state, &auth, org, None, None).await
}

fn raw_of(f: &Pairs) -> RawGroup {
    RawGroup {
        name: f.get("name").to_owned(),
        leader: f.get("leader").to_owned(),
        members: f.all("members").into_iter().map(str::to_owned).collect(),
    }
}

async fn saved(state: &AppState, auth: &Auth, org: i64, group: i64, raw: &RawGroup) -> Result<String, WebError> {
    let f = parsed(GroupFields::parse(raw))?;
    let people = state.store.people();
    if group == 0 {
        people.create_party_group(&auth.caller, org, f, false).await?;
    } else {
        people.update_party_group(&auth.caller, group, f).await?;
    }
    Ok(format!("/orgs/{org}/groups"))
}

/// 设立党小组.
pub async fn create(State(state): State<AppState>, auth: Auth, Path(org): Path<i64>, body: Unread) -> PageResult {
    auth.require(Action::WriteMembers)?;
    let raw = raw_of(&Pairs(body.form().await?));
    let result = saved(&state, &auth, org, 0, &raw).await;
    saved_or_again(result, |e| page(&state, &auth, org, Some((0, raw.clone())), Some(e))).await
}

/// 修改党小组: its name, leader and members.
pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path((org, group)): Path<(i64, i64)>,
    body: Unread,
) -> Result<Response, WebError> {
    auth.require(Action::WriteMembers)?;
    let raw = raw_of(&Pairs(body.form().await?));
    let result = saved(&state, &auth, org, group, &raw).await;
    saved_or_again(result, |e| page(&state, &auth, org, Some((group, raw.clone())), Some(e))).await
}
