//! The policy library with its filters, one policy with its matching enterprises, and the
//! policy form.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use chrono::NaiveDate;
use qunlian_domain::auth::{Action, Role};
use qunlian_domain::policies::{PolicyFields, RawPolicy};
use qunlian_domain::rules::VOCABULARY;
use qunlian_store::policies::{EligibleEnterprise, NewPolicy, Policy, PolicyFilter, PushSummary, Validity};
use qunlian_store::{Page, PageRequest};
use serde::Deserialize;

use super::*;
use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::forms::{non_empty, parsed};
use crate::support::render;

// ---------- library ----------

#[derive(Deserialize, Default)]
pub struct ListQuery {
    validity: Option<String>,
    department: Option<String>,
    q: Option<String>,
}

pub struct Row {
    pub policy: Policy,
    pub validity: Validity,
}

#[derive(Template)]
#[template(path = "policies/policies.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<Row>,
    departments: Vec<Choice>,
    validity: String,
    q: String,
    pushes: Vec<PushSummary>,
    may_manage: bool,
    may_push: bool,
    reads_pushes: bool,
    today: NaiveDate,
}

pub async fn list(State(state): State<AppState>, auth: Auth, Query(q): Query<ListQuery>) -> PageResult {
    auth.require(Action::ReadRegistry)?;
    let validity = match non_empty(&q.validity) {
        None => Some(Validity::Valid),
        Some("all") => None,
        Some(v) => Some(parsed(Validity::parse(v))?),
    };
    let department = non_empty(&q.department).and_then(|d| d.parse().ok());
    let filter = PolicyFilter { validity, department, q: non_empty(&q.q).map(str::to_owned) };
    let today = state.store.today();
    let rows = state
        .store
        .policies()
        .list(&auth.caller, &filter)
        .await?
        .into_iter()
        .map(|p| Row { validity: p.validity_on(today), policy: p })
        .collect();
    let pushes = if reads_pushes(&auth) {
        state.store.policies().policy_pushes(&auth.caller).await?.into_iter().take(20).collect()
    } else {
        Vec::new()
    };
    let departments = state
        .store
        .services()
        .departments()
        .await?
        .into_iter()
        .map(|(id, name)| Choice { value: id.to_string(), label: name, selected: department == Some(id) })
        .collect();
    render(&ListPage {
        layout: Layout::new(&auth, &state, ACTIVE),
        rows,
        departments,
        validity: validity.map_or("all", |v| v.code()).to_owned(),
        q: non_empty(&q.q).unwrap_or("").to_owned(),
        pushes,
        may_manage: auth.caller.may(Action::ManagePolicies),
        may_push: auth.caller.may(Action::PushPolicies),
        reads_pushes: reads_pushes(&auth),
        today,
    })
}

// ---------- one policy ----------

#[derive(Deserialize, Default, Clone)]
pub struct PolicyForm {
    title: Option<String>,
    department: Option<String>,
    doc_number: Option<String>,
    valid_from: Option<String>,
    valid_until: Option<String>,
    content: Option<String>,
    rule: Option<String>,
}

impl PolicyForm {
    /// A policy's fields as its edit form shows them.
    fn of(p: &Policy) -> Self {
        let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
        PolicyForm {
            title: Some(p.title.clone()),
            department: Some(p.department_id.to_string()),
            doc_number: Some(p.doc_number.clone()),
            valid_from: Some(day(p.valid_from)),
            valid_until: p.valid_until.map(day),
            content: Some(p.content.clone()),
            rule: Some(p.rule.clone()),
        }
    }

    /// The department chosen, when it reads as one.
    fn department_id(&self) -> Option<i64> {
        non_empty(&self.department).and_then(|d| d.parse().ok())
    }

    /// Checked by the domain's policy parser (every problem at once); the store then checks
    /// the department and resolves the rule's categories.
    fn to_new(&self) -> Result<NewPolicy, WebError> {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let f = parsed(PolicyFields::parse(&RawPolicy {
            title: text(&self.title),
            department: text(&self.department),
            doc_number: text(&self.doc_number),
            valid_from: text(&self.valid_from),
            valid_until: text(&self.valid_until),
            content: text(&self.content),
            rule: text(&self.rule),
        }))?;
        Ok(NewPolicy {
            title: f.title,
            department_id: f.department_id,
            doc_number: f.doc_number,
            valid_from: f.valid_from,
            valid_until: f.valid_until,
            content: f.content,
            rule: f.rule.to_string(),
            is_demo: false,
        })
    }
}

#[derive(Template)]
#[template(path = "policies/policy_form.html")]
struct FormPage {
    layout: Layout,
    departments: Vec<Choice>,
    vocabulary: &'static str,
    rule_note: &'static str,
    /// What a refused form had typed, shown again with why it was refused.
    form: PolicyForm,
    error: Option<String>,
}

pub async fn new_form(State(state): State<AppState>, auth: Auth) -> PageResult {
    auth.require(Action::ManagePolicies)?;
    let today = state.store.today().format("%Y-%m-%d").to_string();
    form_page(&state, &auth, PolicyForm { valid_from: Some(today), ..PolicyForm::default() }, None).await
}

/// The new-policy form, empty or as a refused one was typed (422, the reason above it).
async fn form_page(state: &AppState, auth: &Auth, form: PolicyForm, error: Option<String>) -> PageResult {
    let page = FormPage {
        layout: Layout::new(auth, state, ACTIVE),
        departments: department_options(state, auth, form.department_id().or(own_department(auth))).await?,
        vocabulary: VOCABULARY,
        rule_note: "",
        form,
        error,
    };
    crate::support::render_form(&page, page.error.is_some())
}

pub async fn create(State(state): State<AppState>, auth: Auth, Form(f): Form<PolicyForm>) -> PageResult {
    auth.require(Action::ManagePolicies)?;
    let saved = async {
        let id = state.store.policies().save(&auth.caller, None, f.to_new()?).await?;
        Ok(format!("/policies/{id}"))
    }
    .await;
    crate::support::saved_or_again(saved, |msg| form_page(&state, &auth, f.clone(), Some(msg))).await
}

/// Saves an edited policy; a refusal is the policy's page again with the reason and the
/// edit form as it was typed.
pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<PolicyForm>,
) -> PageResult {
    auth.require(Action::ManagePolicies)?;
    let saved = async {
        let id = state.store.policies().save(&auth.caller, Some(id), f.to_new()?).await?;
        Ok(format!("/policies/{id}"))
    }
    .await;
    crate::support::saved_or_again(saved, |msg| detail_page(&state, &auth, id, Some((f.clone(), msg)))).await
}

#[derive(Template)]
#[template(path = "policies/policy.html")]
struct DetailPage {
    layout: Layout,
    p: Policy,
    validity: Validity,
    matching: u64,
    may_edit: bool,
    may_push: bool,
    departments: Vec<Choice>,
    vocabulary: &'static str,
    /// Said under the rule field: what an edit changes.
    rule_note: &'static str,
    /// The edit form's fields: the policy's, or as a refused edit typed them.
    form: PolicyForm,
    error: Option<String>,
}

pub async fn detail(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    if auth.caller.role == Role::EnterpriseContact {
        return Ok(Redirect::to(&format!("/my/policies/{id}")).into_response());
    }
    detail_page(&state, &auth, id, None).await
}

/// The policy's page; with a refused edit, 422 and the edit form as it was typed.
async fn detail_page(state: &AppState, auth: &Auth, id: i64, refused: Option<(PolicyForm, String)>) -> PageResult {
    auth.require(Action::ReadRegistry)?;
    let p = state.store.policies().policy(&auth.caller, id).await?;
    let matching = state.store.policies().match_count(&auth.caller, id).await?;
    let may_edit = may_edit(auth, &p);
    let (form, error) = match refused {
        Some((form, error)) => (form, Some(error)),
        None => (PolicyForm::of(&p), None),
    };
    let departments = match may_edit {
        true => department_options(state, auth, form.department_id().or(Some(p.department_id))).await?,
        false => Vec::new(),
    };
    let page = DetailPage {
        layout: Layout::new(auth, state, ACTIVE),
        validity: p.validity_on(state.store.today()),
        p,
        matching,
        may_edit,
        may_push: auth.caller.may(Action::PushPolicies),
        departments,
        vocabulary: VOCABULARY,
        rule_note: "已推送的回执不受修改影响；新的推送和企业的“可享政策”按新条件计算。",
        form,
        error,
    };
    crate::support::render_form(&page, page.error.is_some())
}

#[derive(Deserialize, Default)]
pub struct PageQuery {
    pub(super) page: Option<u64>,
    pub(super) read: Option<String>,
}

#[derive(Template)]
#[template(path = "policies/enterprises.html")]
struct EnterprisesPage {
    layout: Layout,
    p: Policy,
    list: Page<EligibleEnterprise>,
}

pub async fn enterprises(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<PageQuery>,
) -> PageResult {
    auth.require(Action::ReadRegistry)?;
    if auth.caller.role == Role::EnterpriseContact {
        return Err(WebError::Forbidden);
    }
    let p = state.store.policies().policy(&auth.caller, id).await?;
    let list = state.store.policies().enterprises(&auth.caller, id, PageRequest::new(q.page, Some(100))).await?;
    render(&EnterprisesPage { layout: Layout::new(&auth, &state, ACTIVE), p, list })
}
