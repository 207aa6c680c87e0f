use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use qunlian_domain::auth::{Action, OrgId, UnitId};
use qunlian_domain::registry::{OrgForm, OrgKind};
use qunlian_store::registry::{NewOrg, OrgEdit, PartyOrg, PartyOrgDetail};
use serde::Deserialize;

use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::forms::{Choice, Pairs, Refusal, coded, non_empty, parse_date};
use crate::support::render;
use crate::support::{render_form, render_refused, saved_or_again};

#[derive(Deserialize, Default)]
pub struct TreeQuery {
    q: Option<String>,
    all: Option<String>,
}

#[derive(Template)]
#[template(path = "registry/orgs.html")]
struct TreePage {
    layout: Layout,
    orgs: Vec<PartyOrg>,
    q: String,
    all: bool,
    may_create: bool,
}

impl TreePage {
    /// A class of app.css (`depth-0` … `depth-12`): no inline style under the CSP.
    fn indent(&self, depth: &usize) -> String {
        format!("depth-{}", (*depth).min(12))
    }
}

pub async fn tree(State(state): State<AppState>, auth: Auth, Query(query): Query<TreeQuery>) -> PageResult {
    let all = non_empty(&query.all).is_some();
    let orgs = state.store.registry().org_tree(&auth.caller, non_empty(&query.q), all).await?;
    render(&TreePage {
        layout: Layout::new(&auth, &state, "/orgs"),
        orgs,
        q: non_empty(&query.q).unwrap_or("").to_owned(),
        all,
        may_create: auth.caller.may(Action::WriteRegistry),
    })
}

#[derive(Template)]
#[template(path = "registry/org.html")]
struct DetailPage {
    layout: Layout,
    d: PartyOrgDetail,
    may_edit: bool,
    /// Rename, dissolve, merge directly (admins, secretaries); a contact proposes them.
    may_restructure: bool,
    may_propose: bool,
    today: String,
    /// Organisations this one may be merged into: the caller's, not dissolved, not itself.
    targets: Vec<PartyOrg>,
    /// A refused form, shown by that form with what was typed (above the page when the form
    /// is no longer shown: the organisation was dissolved meanwhile).
    refused: Refusal,
    /// The instructors guiding it now (党建指导员).
    instructors: Vec<qunlian_store::people::InstructorLine>,
    /// The end prompts of temporary branches standing under it (项目工作组).
    prompts: Vec<qunlian_store::workgroups::EndPrompt>,
    /// A branch's Party groups (党小组), for a role that reads members; `None` otherwise.
    groups: Option<Vec<qunlian_store::people::PartyGroup>>,
}

impl DetailPage {
    /// The targets as options, indented by depth, `chosen` selected.
    fn targets_with(&self, chosen: &str) -> Vec<Choice> {
        Choice::list(self.targets.iter().map(|t| (t.id, format!("{}{}", "　".repeat(t.depth), t.name))), chosen)
    }

    /// The organisation's page, as an instructor's assignment links it.
    fn org_link(&self) -> String {
        format!("/orgs/{}", self.d.org.id)
    }

    /// A refusal shown above the page: of a form the page no longer shows (the organisation
    /// was dissolved meanwhile, or the caller may no longer use that form).
    fn refusal_at_top(&self) -> Option<&str> {
        let open = self.d.org.dissolved_on.is_none();
        let restructure = self.may_restructure && open;
        let shown = |form: &str| match form {
            "edit" => self.may_edit && open,
            "merge" => restructure && !self.targets.is_empty(),
            _ => restructure,
        };
        ["edit", "merge", "rename", "dissolve"].into_iter().find_map(|f| self.refused.error(f).filter(|_| !shown(f)))
    }

    /// A field of the edit form: as typed when that form was refused, else as saved.
    fn edit_field(&self, name: &str) -> String {
        let saved = match name {
            "parent" => self.d.org.parent_id.map(|id| id.to_string()).unwrap_or_default(),
            "secretary_name" => self.d.org.secretary_name.clone().unwrap_or_default(),
            "members_count" => self.d.org.members_count.map(|n| n.to_string()).unwrap_or_default(),
            "on" => self.today.clone(),
            _ => String::new(),
        };
        self.refused.typed("edit", name, &saved).to_owned()
    }
}

async fn detail_page(state: &AppState, auth: &Auth, id: i64, refused: Refusal) -> PageResult {
    let d = state.store.registry().party_org(&auth.caller, OrgId(id)).await?;
    let is_branch = d.org.kind == qunlian_domain::registry::OrgKind::Branch.label();
    let may_edit = auth.caller.may(Action::WriteRegistry);
    let targets = if may_edit && d.org.dissolved_on.is_none() {
        state
            .store
            .registry()
            .org_tree(&auth.caller, None, false)
            .await?
            .into_iter()
            .filter(|o| o.id != d.org.id)
            .collect()
    } else {
        Vec::new()
    };
    let page = DetailPage {
        layout: Layout::new(auth, state, "/orgs"),
        d,
        may_edit,
        may_restructure: auth.caller.may(Action::RestructureRegistry),
        may_propose: auth.caller.may(Action::ProposeRegistryChanges),
        today: state.store.today().format("%Y-%m-%d").to_string(),
        targets,
        refused,
        instructors: state.store.people().instructors(&auth.caller, Some(id)).await?,
        prompts: state.store.workgroups().prompts(&auth.caller, Some(id)).await?,
        groups: crate::support::sections::party_groups(state, auth, is_branch, id).await?,
    };
    render_form(&page, page.refused.is_some())
}

pub async fn detail(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    detail_page(&state, &auth, id, Refusal::default()).await
}

#[derive(Deserialize)]
pub struct MergeForm {
    into: Option<String>,
    on: Option<String>,
}

/// Merges this organisation into another: it is dissolved, its units move over, and both
/// histories record the merger.
pub async fn merge(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, typed: Pairs) -> PageResult {
    auth.require(Action::RestructureRegistry)?;
    state.store.registry().party_org(&auth.caller, OrgId(id)).await?;
    let result: Result<(), WebError> = async {
        let f: MergeForm = typed.parse()?;
        let into = non_empty(&f.into)
            .and_then(|v| v.parse::<i64>().ok())
            .ok_or_else(|| WebError::Invalid("并入组织：请选择".into()))?;
        let on = parse_date("并入日期", &f.on)?.unwrap_or_else(|| state.store.today());
        Ok(state.store.registry().merge_org(&auth.caller, OrgId(id), OrgId(into), on).await?)
    }
    .await;
    again(&state, &auth, id, result, "merge", typed).await
}

/// The answer to a form of the organisation's page: to the page when saved; the page again
/// (422) with the reason, and what was typed by the form `form`, when refused.
async fn again(
    state: &AppState,
    auth: &Auth,
    id: i64,
    result: Result<(), WebError>,
    form: &'static str,
    typed: Pairs,
) -> PageResult {
    let saved = result.map(|()| format!("/orgs/{id}"));
    saved_or_again(saved, |msg| detail_page(state, auth, id, Refusal::of(form, msg, typed))).await
}

#[derive(Deserialize)]
pub struct RenameForm {
    name: Option<String>,
    on: Option<String>,
}

/// Renames the organisation; a refusal is its page again with the name and date as typed.
pub async fn rename(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, typed: Pairs) -> PageResult {
    auth.require(Action::RestructureRegistry)?;
    let result = async {
        let f: RenameForm = typed.parse()?;
        let on = parse_date("更名日期", &f.on)?.unwrap_or_else(|| state.store.today());
        Ok(state.store.registry().rename_org(&auth.caller, OrgId(id), non_empty(&f.name).unwrap_or(""), on).await?)
    }
    .await;
    again(&state, &auth, id, result, "rename", typed).await
}

#[derive(Deserialize)]
pub struct DissolveForm {
    on: Option<String>,
    reason: Option<String>,
}

pub async fn dissolve(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    body: crate::support::forms::Unread,
) -> PageResult {
    auth.require(Action::RestructureRegistry)?;
    let typed = body.pairs().await?;
    let result = async {
        let f: DissolveForm = typed.parse()?;
        let on = parse_date("撤销日期", &f.on)?.unwrap_or_else(|| state.store.today());
        let reason = non_empty(&f.reason).ok_or_else(|| WebError::Invalid("撤销原因：请填写".into()))?;
        Ok(state.store.registry().dissolve_org(&auth.caller, OrgId(id), on, reason).await?)
    }
    .await;
    again(&state, &auth, id, result, "dissolve", typed).await
}

#[derive(Template)]
#[template(path = "registry/org_form.html")]
struct NewPage {
    layout: Layout,
    orgs: Vec<PartyOrg>,
    error: Option<String>,
    today: String,
}

impl NewPage {
    fn parents(&self) -> Vec<Choice> {
        Choice::list(self.orgs.iter().map(|o| (o.id, &o.name)), "")
    }
}

pub async fn new_form(State(state): State<AppState>, auth: Auth) -> PageResult {
    auth.require(Action::WriteRegistry)?;
    let orgs = state.store.registry().org_tree(&auth.caller, None, false).await?;
    render(&NewPage {
        layout: Layout::new(&auth, &state, "/orgs"),
        orgs,
        error: None,
        today: state.store.today().format("%Y-%m-%d").to_string(),
    })
}

#[derive(Deserialize)]
pub struct NewOrgForm {
    name: Option<String>,
    kind: Option<String>,
    form: Option<String>,
    parent: Option<String>,
    /// Enterprise ids or USCCs, separated by commas or spaces.
    units: Option<String>,
    secretary_name: Option<String>,
    established_on: Option<String>,
}

pub async fn create(State(state): State<AppState>, auth: Auth, Form(f): Form<NewOrgForm>) -> PageResult {
    auth.require(Action::WriteRegistry)?;
    let result: Result<OrgId, WebError> = async {
        let mut units = Vec::new();
        for token in non_empty(&f.units).unwrap_or("").split([',', '，', ' ', '\n']).filter(|t| !t.trim().is_empty()) {
            let token = token.trim();
            let id = match token.parse::<i64>() {
                Ok(id) => UnitId(id),
                Err(_) => {
                    state
                        .store
                        .registry()
                        .enterprise_by_uscc(&auth.caller, &token.to_uppercase())
                        .await
                        .map_err(|_| WebError::Invalid(format!("所在单位：找不到“{token}”")))?
                        .id
                }
            };
            units.push(id);
        }
        let new = NewOrg {
            name: non_empty(&f.name).unwrap_or("").to_owned(),
            kind: coded(&f.kind, OrgKind::parse)?.unwrap_or(OrgKind::Branch),
            form: coded(&f.form, OrgForm::parse)?.unwrap_or(OrgForm::Independent),
            parent: non_empty(&f.parent).and_then(|p| p.parse().ok()).map(OrgId),
            units,
            town_code: None,
            secretary_name: non_empty(&f.secretary_name).map(str::to_owned),
            members_count: None,
            established_on: parse_date("成立日期", &f.established_on)?.unwrap_or_else(|| state.store.today()),
            is_demo: false,
        };
        Ok(state.store.registry().create_org(&auth.caller, new).await?)
    }
    .await;
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/orgs/{id}")).into_response()),
        Err(WebError::Invalid(msg)) => {
            let orgs = state.store.registry().org_tree(&auth.caller, None, false).await?;
            let page = NewPage {
                layout: Layout::new(&auth, &state, "/orgs"),
                orgs,
                error: Some(msg),
                today: state.store.today().format("%Y-%m-%d").to_string(),
            };
            render_refused(&page)
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct EditForm {
    parent: Option<String>,
    secretary_name: Option<String>,
    members_count: Option<String>,
    on: Option<String>,
}

/// The organisation's parent, secretary and member count; a new parent enters its history.
pub async fn update(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, typed: Pairs) -> PageResult {
    auth.require(Action::WriteRegistry)?;
    state.store.registry().party_org(&auth.caller, OrgId(id)).await?;
    let result: Result<(), WebError> = async {
        let f: EditForm = typed.parse()?;
        let parent = match non_empty(&f.parent) {
            None => None,
            Some(p) => Some(OrgId(p.parse().map_err(|_| WebError::Invalid("上级组织：请从列表中选择".into()))?)),
        };
        let members_count = match non_empty(&f.members_count) {
            None => None,
            Some(v) => Some(
                qunlian_domain::text::compact(v)
                    .parse::<i32>()
                    .map_err(|_| WebError::Invalid(format!("党员数：“{v}”不是整数")))?,
            ),
        };
        let on = parse_date("调整日期", &f.on)?.unwrap_or_else(|| state.store.today());
        let edit =
            OrgEdit { parent, secretary_name: non_empty(&f.secretary_name).map(str::to_owned), members_count, on };
        Ok(state.store.registry().update_org(&auth.caller, OrgId(id), edit).await?)
    }
    .await;
    again(&state, &auth, id, result, "edit", typed).await
}
