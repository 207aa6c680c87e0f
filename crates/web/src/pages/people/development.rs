//! Development (发展党员) pages: the people of an organisation by stage with what is due next,
//! a person entering the pipeline with the application, a person's page with the steps
//! recorded and the form for the next one. A step too early (or too late) comes back on the
//! form (422) with what was typed and the warning naming the rule and the date.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use qunlian_domain::auth::Action;
use qunlian_domain::fields::FieldErrors;
use qunlian_domain::people::development::{PARTS, Stage, Step};
use qunlian_domain::people::{
    ApplicantFields, MemberCategory, RawApplicant, RawStep, RevealReason, StepFields, progress_key as key,
};
use qunlian_store::StoreError;
use qunlian_store::people::DevPerson;
use serde::Deserialize;

use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::forms::{Unread, id_param, refused_fields};
use crate::support::{render, render_form};

const ACTIVE: &str = "/people/development";

#[derive(Deserialize, Default)]
pub struct ListQuery {
    org: Option<String>,
}

struct StageGroup {
    stage: Stage,
    people: Vec<DevPerson>,
}

#[derive(Template)]
#[template(path = "people/development.html")]
struct ListPage {
    layout: Layout,
    org: String,
    orgs: Vec<(i64, String)>,
    groups: Vec<StageGroup>,
    total: usize,
    may_write: bool,
}

/// 发展党员: the people of the organisation chosen (or the whole scope) by stage.
pub async fn list(State(state): State<AppState>, auth: Auth, Query(q): Query<ListQuery>) -> PageResult {
    auth.require(Action::ReadMembers)?;
    let org = id_param("党组织", &q.org)?;
    let people = state.store.people();
    let all = people.development(&auth.caller, org).await?;
    let total = all.len();
    let groups = Stage::ALL
        .into_iter()
        .map(|stage| StageGroup { stage, people: all.iter().filter(|p| p.stage == stage).cloned().collect() })
        .collect();
    render(&ListPage {
        layout: Layout::new(&auth, &state, ACTIVE),
        org: org.map(|o| o.to_string()).unwrap_or_default(),
        orgs: people.org_choices(&auth.caller).await?,
        groups,
        total,
        may_write: auth.caller.may(Action::WriteMembers),
    })
}

#[derive(Template)]
#[template(path = "people/applicant_form.html")]
struct ApplicantPage {
    layout: Layout,
    raw: RawApplicant,
    errors: FieldErrors,
    orgs: Vec<(i64, String)>,
    categories: [MemberCategory; 9],
}

async fn applicant_page(state: &AppState, auth: &Auth, raw: RawApplicant, errors: FieldErrors) -> PageResult {
    let page = ApplicantPage {
        layout: Layout::new(auth, state, ACTIVE),
        orgs: state.store.people().org_choices(&auth.caller).await?,
        raw,
        errors,
        categories: MemberCategory::ALL,
    };
    render_form(&page, !page.errors.is_empty())
}

pub async fn new_form(State(state): State<AppState>, auth: Auth, Query(q): Query<ListQuery>) -> PageResult {
    auth.require(Action::WriteMembers)?;
    let raw = RawApplicant { org: q.org.unwrap_or_default(), ..Default::default() };
    applicant_page(&state, &auth, raw, FieldErrors::new()).await
}

#[derive(Deserialize, Default)]
pub struct ApplicantForm {
    name: Option<String>,
    category: Option<String>,
    org: Option<String>,
    work_unit: Option<String>,
    id_number: Option<String>,
    done_on: Option<String>,
    doc_name: Option<String>,
    doc_number: Option<String>,
}

/// 列入发展: the person and the application (step 1).
pub async fn create(State(state): State<AppState>, auth: Auth, body: Unread) -> PageResult {
    auth.require(Action::WriteMembers)?;
    let f: ApplicantForm = body.form().await?;
    let t = |v: Option<String>| v.unwrap_or_default();
    let raw = RawApplicant {
        name: t(f.name),
        category: t(f.category),
        org: t(f.org),
        work_unit: t(f.work_unit),
        id_number: t(f.id_number),
        done_on: t(f.done_on),
        doc_name: t(f.doc_name),
        doc_number: t(f.doc_number),
    };
    let fields = match ApplicantFields::parse(&raw) {
        Ok(f) => f,
        Err(errors) => return applicant_page(&state, &auth, raw, errors).await,
    };
    match state.store.people().enter(&auth.caller, fields, false).await {
        Ok(id) => Ok(Redirect::to(&format!("/people/development/{id}")).into_response()),
        Err(e) => {
            let errors = refused_fields(e, |_| key::ORG)?;
            applicant_page(&state, &auth, raw, errors).await
        }
    }
}

#[derive(Template)]
#[template(path = "people/development_person.html")]
struct PersonPage {
    layout: Layout,
    p: DevPerson,
    /// The steps not yet recorded, for the form's select.
    remaining: Vec<&'static Step>,
    raw: RawStep,
    errors: FieldErrors,
    may_write: bool,
    today: String,
    may_reveal: bool,
    id: IdCard,
}

/// The ID number's card on a person's page: what was typed to record it, the reason of a
/// reveal and the number revealed, and a refusal of either.
#[derive(Default)]
struct IdCard {
    typed: String,
    reason: String,
    revealed: Option<String>,
    error: Option<String>,
}

impl PersonPage {
    fn part(&self, n: &u8) -> &'static str {
        PARTS.get(usize::from(*n).saturating_sub(1)).copied().unwrap_or("")
    }
}

async fn person_page(state: &AppState, auth: &Auth, id: i64, raw: Option<RawStep>, errors: FieldErrors) -> PageResult {
    person_page_with(state, auth, id, raw, errors, IdCard::default()).await
}

async fn person_page_with(
    state: &AppState,
    auth: &Auth,
    id: i64,
    raw: Option<RawStep>,
    errors: FieldErrors,
    card: IdCard,
) -> PageResult {
    auth.require(Action::ReadMembers)?;
    let p = state.store.people().development_person(&auth.caller, id).await?;
    let pipeline = qunlian_domain::people::development::pipeline(&p.pipeline_version)
        .unwrap_or_else(qunlian_domain::people::development::current);
    let remaining: Vec<&'static Step> =
        pipeline.steps.iter().filter(|s| !p.steps.iter().any(|r| r.step == s.number)).collect();
    let today = state.store.today();
    let raw = raw.unwrap_or_else(|| RawStep {
        step: p.next.as_ref().map(|d| d.step.number.to_string()).unwrap_or_default(),
        done_on: today.to_string(),
        ..Default::default()
    });
    let page = PersonPage {
        layout: Layout::new(auth, state, ACTIVE),
        p,
        remaining,
        raw,
        errors,
        may_write: auth.caller.may(Action::WriteMembers),
        today: today.to_string(),
        may_reveal: auth.caller.may(Action::RevealPersonal),
        id: card,
    };
    render_form(&page, !page.errors.is_empty() || page.id.error.is_some())
}

pub async fn person(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    person_page(&state, &auth, id, None, FieldErrors::new()).await
}

/// 记录步骤: saved, the person's page; refused, the form again (422) with the warning.
pub async fn record(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, body: Unread) -> PageResult {
    auth.require(Action::WriteMembers)?;
    let raw: RawStep = body.form().await?;
    let people = state.store.people();
    let person = people.development_person(&auth.caller, id).await?;
    let pipeline = qunlian_domain::people::development::pipeline(&person.pipeline_version)
        .ok_or_else(|| WebError::Invalid(format!("发展步骤：版本“{}”未知", person.pipeline_version)))?;
    let fields = match StepFields::parse(&raw, pipeline) {
        Ok(f) => f,
        Err(errors) => return person_page(&state, &auth, id, Some(raw), errors).await,
    };
    match people.record_step(&auth.caller, id, fields, false).await {
        Ok(()) => Ok(Redirect::to(&format!("/people/development/{id}#steps")).into_response()),
        Err(e) => {
            let errors = refused_fields(e, |_| key::STEP)?;
            person_page(&state, &auth, id, Some(raw), errors).await
        }
    }
}

#[derive(Deserialize, Default)]
pub struct IdNumberForm {
    id_number: Option<String>,
    reason: Option<String>,
}

/// 登记身份证号码: an applicant's ID number recorded (or corrected) before step 17.
pub async fn id_number(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, body: Unread) -> PageResult {
    auth.require(Action::WriteMembers)?;
    let f: IdNumberForm = body.form().await?;
    let typed = f.id_number.unwrap_or_default();
    let again = |error: String| IdCard { typed: typed.clone(), error: Some(error), ..Default::default() };
    let number = match qunlian_domain::IdNumber::parse(typed.trim()) {
        Ok(n) => n,
        Err(e) => return person_page_with(&state, &auth, id, None, FieldErrors::new(), again(e.to_string())).await,
    };
    match state.store.people().set_applicant_id_number(&auth.caller, id, &number).await {
        Ok(()) => Ok(Redirect::to(&format!("/people/development/{id}#id-card")).into_response()),
        Err(StoreError::Invalid { field, message }) => {
            person_page_with(&state, &auth, id, None, FieldErrors::new(), again(format!("{field}：{message}"))).await
        }
        Err(e) => Err(e.into()),
    }
}

/// 查看完整号码: the page again with the applicant's ID number in full, once the reason is
/// written; the store audits who looked at whom and why.
pub async fn reveal(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, body: Unread) -> PageResult {
    auth.require(Action::ReadMembers)?;
    auth.require(Action::RevealPersonal)?;
    let f: IdNumberForm = body.form().await?;
    let reason = f.reason.unwrap_or_default();
    let card = match RevealReason::parse(&reason) {
        Ok(r) => {
            let revealed = state.store.people().reveal_applicant(&auth.caller, id, &r).await?;
            IdCard { revealed: Some(revealed.unwrap_or_default()), reason, ..Default::default() }
        }
        Err(e) => IdCard { reason, error: Some(e), ..Default::default() },
    };
    person_page_with(&state, &auth, id, None, FieldErrors::new(), card).await
}
