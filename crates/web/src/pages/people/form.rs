//! The member form: a new member and the edit of one. Refused input comes back on the form
//! (422) with what was typed and each message beside its field. The ID number and phone are
//! never put back into the edit form: left empty, the stored ones stay.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use qunlian_domain::auth::Action;
use qunlian_domain::fields::FieldErrors;
use qunlian_domain::people::{Education, Gender, MemberCategory, MemberFields, RawMember, Standing, key};
use qunlian_store::StoreError;
use qunlian_store::people::Member;
use serde::Deserialize;

use super::ACTIVE;
use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::forms::Unread;
use crate::support::render_form;

#[derive(Template)]
#[template(path = "people/member_form.html")]
struct FormPage {
    layout: Layout,
    /// None for a new member.
    current: Option<Member>,
    raw: RawMember,
    errors: FieldErrors,
    orgs: Vec<(i64, String)>,
    genders: [Gender; 2],
    educations: [Education; 5],
    categories: [MemberCategory; 9],
    standings: [Standing; 2],
}

impl FormPage {
    fn action(&self) -> String {
        match &self.current {
            Some(m) => format!("/members/{}/edit", m.id),
            None => "/members".to_owned(),
        }
    }
}

async fn form_page(
    state: &AppState,
    auth: &Auth,
    current: Option<Member>,
    raw: RawMember,
    errors: FieldErrors,
) -> PageResult {
    let page = FormPage {
        layout: Layout::new(auth, state, ACTIVE),
        orgs: state.store.people().org_choices(&auth.caller).await?,
        current,
        raw,
        errors,
        genders: Gender::ALL,
        educations: Education::ALL,
        categories: MemberCategory::ALL,
        standings: Standing::ALL,
    };
    render_form(&page, !page.errors.is_empty())
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    org: Option<String>,
}

pub async fn new_form(
    State(state): State<AppState>,
    auth: Auth,
    axum::extract::Query(q): axum::extract::Query<NewQuery>,
) -> PageResult {
    auth.require(Action::WriteMembers)?;
    let raw =
        RawMember { org: q.org.unwrap_or_default(), standing: Standing::Full.code().into(), ..Default::default() };
    form_page(&state, &auth, None, raw, FieldErrors::new()).await
}

/// The stored member as the edit form shows it: the numbers left empty.
fn raw_of(m: &Member) -> RawMember {
    RawMember {
        name: m.name.clone(),
        id_number: String::new(),
        phone: String::new(),
        gender: m.gender.map(|g| g.code().to_owned()).unwrap_or_default(),
        birth_date: m.birth_date.map(|d| d.to_string()).unwrap_or_default(),
        education: m.education.map(|e| e.code().to_owned()).unwrap_or_default(),
        category: m.category.code().into(),
        joined_on: m.joined_on.to_string(),
        standing: m.standing.code().into(),
        org: m.org_id.to_string(),
        work_unit: m.work_unit_name.clone().unwrap_or_default(),
    }
}

pub async fn edit_form(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    auth.require(Action::WriteMembers)?;
    let m = state.store.people().member(&auth.caller, id).await?;
    let raw = raw_of(&m);
    form_page(&state, &auth, Some(m), raw, FieldErrors::new()).await
}

/// The form input a store refusal is about, by the field it names.
fn store_key(field: &str) -> &'static str {
    match field {
        "身份证号码" => key::ID_NUMBER,
        "入党日期" => key::JOINED_ON,
        _ => key::ORG,
    }
}

/// Parses and saves; a refusal is the form again with the message beside its field.
async fn save(state: AppState, auth: Auth, current: Option<Member>, raw: RawMember) -> PageResult {
    let fields = match MemberFields::parse(&raw) {
        Ok(f) => f,
        Err(errors) => return form_page(&state, &auth, current, raw, errors).await,
    };
    let people = state.store.people();
    let saved = match &current {
        Some(m) => people.update(&auth.caller, m.id, fields).await.map(|()| m.id),
        None => people.create(&auth.caller, fields, false).await,
    };
    match saved {
        Ok(id) => Ok(Redirect::to(&format!("/members/{id}")).into_response()),
        Err(StoreError::Invalid { field, message }) => {
            let mut errors = FieldErrors::new();
            errors.push(store_key(field), format!("{field}：{message}"));
            form_page(&state, &auth, current, raw, errors).await
        }
        Err(e) => Err(WebError::from(e)),
    }
}

pub async fn create(State(state): State<AppState>, auth: Auth, body: Unread) -> PageResult {
    auth.require(Action::WriteMembers)?;
    let raw: RawMember = body.form().await?;
    save(state, auth, None, raw).await
}

pub async fn update(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, body: Unread) -> PageResult {
    auth.require(Action::WriteMembers)?;
    let current = state.store.people().member(&auth.caller, id).await?;
    let raw: RawMember = body.form().await?;
    save(state, auth, Some(current), raw).await
}
