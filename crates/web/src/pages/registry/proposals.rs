//! Changes an enterprise contact proposes (提出变更) and a town or district admin confirms
//! (待确认的变更): the contact's form, reached from its enterprise's and its organisations'
//! pages, the list of proposals, and the admin's confirm and return. The store decides who
//! sees and decides what (`registry/proposals.rs`).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use qunlian_domain::auth::{Action, OrgId, Scope};
use qunlian_domain::fields::FieldErrors;
use qunlian_domain::registry::{ProposalDecision, ProposalFields, ProposalKind, RawProposal, SrdiLevel};
use qunlian_store::registry::{Enterprise, PartyOrg, Proposal};
use serde::Deserialize;

use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::forms::{non_empty, parsed};
use crate::support::render_form;

#[derive(Template)]
#[template(path = "registry/proposals.html")]
struct ListPage {
    layout: Layout,
    proposals: Vec<Proposal>,
    may_decide: bool,
    all: bool,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    all: Option<String>,
}

async fn list_page(state: &AppState, auth: &Auth, all: bool, error: Option<String>) -> PageResult {
    let may_decide = auth.caller.may(Action::ConfirmRegistryChanges);
    // The admin's queue is what waits; a contact sees its proposals and their outcome.
    let proposals = state.store.registry().proposals(&auth.caller, may_decide && !all).await?;
    let page = ListPage { layout: Layout::new(auth, state, "/proposals"), proposals, may_decide, all, error };
    render_form(&page, page.error.is_some())
}

pub async fn list(State(state): State<AppState>, auth: Auth, Query(q): Query<ListQuery>) -> PageResult {
    if !auth.caller.may(Action::ConfirmRegistryChanges) {
        auth.require(Action::ProposeRegistryChanges)?;
    }
    list_page(&state, &auth, non_empty(&q.all).is_some(), None).await
}

#[derive(Template)]
#[template(path = "registry/proposal_form.html")]
struct FormPage {
    layout: Layout,
    kind: ProposalKind,
    /// The organisation concerned (renaming, dissolving, merging).
    org: Option<PartyOrg>,
    /// Organisations it may be merged into.
    targets: Vec<PartyOrg>,
    /// The contact's enterprise, for its flags.
    firm: Option<Enterprise>,
    raw: RawProposal,
    errors: FieldErrors,
    levels: [SrdiLevel; 4],
}

impl FormPage {
    fn error(&self, key: &str) -> &str {
        self.errors.get(key).unwrap_or("")
    }
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    kind: Option<String>,
    org: Option<String>,
}

async fn form_page(state: &AppState, auth: &Auth, raw: RawProposal, errors: FieldErrors) -> PageResult {
    let kind = parsed(ProposalKind::parse(&raw.kind))?;
    let registry = state.store.registry();
    let (mut org, mut targets, mut firm) = (None, Vec::new(), None);
    if kind == ProposalKind::FirmFlags {
        let Scope::Enterprise(unit) = auth.caller.scope else { return Err(WebError::Forbidden) };
        firm = Some(registry.enterprise(&auth.caller, unit).await?);
    } else {
        let id = raw.org.trim().parse::<i64>().map_err(|_| WebError::Invalid("党组织：请从党组织页面进入".into()))?;
        let d = registry.party_org(&auth.caller, OrgId(id)).await?;
        if kind == ProposalKind::MergeOrg {
            targets =
                registry.org_tree(&auth.caller, None, false).await?.into_iter().filter(|o| o.id.0 != id).collect();
        }
        org = Some(d.org);
    }
    let page = FormPage {
        layout: Layout::new(auth, state, "/proposals"),
        kind,
        org,
        targets,
        firm,
        raw,
        errors,
        levels: SrdiLevel::ALL,
    };
    render_form(&page, !page.errors.is_empty())
}

/// 提出变更: the form of one kind, for an organisation (`org`) or the contact's enterprise.
pub async fn new_form(State(state): State<AppState>, auth: Auth, Query(q): Query<NewQuery>) -> PageResult {
    auth.require(Action::ProposeRegistryChanges)?;
    let mut raw = RawProposal {
        kind: non_empty(&q.kind).unwrap_or("firm_flags").to_owned(),
        org: non_empty(&q.org).unwrap_or("").to_owned(),
        ..Default::default()
    };
    if let Ok(ProposalKind::FirmFlags) = ProposalKind::parse(&raw.kind)
        && let Scope::Enterprise(unit) = auth.caller.scope
    {
        let firm = state.store.registry().enterprise(&auth.caller, unit).await?;
        raw.high_tech = if firm.high_tech { "是" } else { "否" }.into();
        raw.srdi = firm.srdi.code().into();
    }
    form_page(&state, &auth, raw, FieldErrors::new()).await
}

pub async fn create(State(state): State<AppState>, auth: Auth, Form(raw): Form<RawProposal>) -> PageResult {
    auth.require(Action::ProposeRegistryChanges)?;
    let fields = match ProposalFields::parse(&raw) {
        Ok(fields) => fields,
        Err(errors) => return form_page(&state, &auth, raw, errors).await,
    };
    match state.store.registry().propose(&auth.caller, fields).await {
        Ok(_) => Ok(Redirect::to("/proposals").into_response()),
        Err(qunlian_store::StoreError::Invalid { field, message }) => {
            let mut errors = FieldErrors::new();
            errors.push(store_key(field), format!("{field}：{message}"));
            form_page(&state, &auth, raw, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The form input a store refusal is about, by the field it names.
fn store_key(field: &str) -> &'static str {
    match field {
        "党组织" => "org",
        "并入组织" => "into",
        "新名称" => "new_name",
        "高新技术企业" => "high_tech",
        "专精特新" => "srdi",
        _ => "kind",
    }
}

#[derive(Deserialize, Default)]
pub struct DecisionForm {
    reason: Option<String>,
}

async fn decide(state: AppState, auth: Auth, id: i64, decision: ProposalDecision, reason: &str) -> PageResult {
    match state.store.registry().decide_proposal(&auth.caller, id, decision, reason).await {
        Ok(()) => Ok(Redirect::to("/proposals").into_response()),
        Err(qunlian_store::StoreError::Invalid { field, message }) => {
            list_page(&state, &auth, false, Some(format!("{field}：{message}"))).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Confirms a proposal: the change is made as the admin's own edit.
pub async fn confirm(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    auth.require(Action::ConfirmRegistryChanges)?;
    decide(state, auth, id, ProposalDecision::Confirm, "").await
}

/// Returns a proposal with the reason the contact is shown.
pub async fn return_proposal(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<DecisionForm>,
) -> PageResult {
    auth.require(Action::ConfirmRegistryChanges)?;
    let reason = f.reason.unwrap_or_default();
    decide(state, auth, id, ProposalDecision::Return, &reason).await
}
