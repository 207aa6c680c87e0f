//! The unit form: a new unit, or an existing one edited.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use qunlian_domain::RegionCode;
use qunlian_domain::auth::{Action, UnitId};
use qunlian_domain::registry::{EnterpriseFields, RawEnterprise};
use qunlian_domain::registry::{EnterpriseInput, SrdiLevel, UnitKind};
use qunlian_store::registry::Enterprise;
use serde::Deserialize;

use super::enterprises::*;
use crate::auth::{Auth, Layout};
use crate::error::PageResult;
use crate::state::AppState;
use crate::support::enterprise_query::ListQuery;
use crate::support::forms::Choice;
use crate::support::forms::non_empty;
use crate::support::render;
use crate::support::render_refused;
use crate::support::towns::{keep_town, town_options};

#[derive(Clone, Debug, Default, Deserialize)]
pub struct EnterpriseForm {
    /// 单位类型; enterprise when not given.
    pub kind: Option<String>,
    pub name: Option<String>,
    pub uscc: Option<String>,
    pub town: Option<String>,
    pub park: Option<String>,
    pub industry: Option<String>,
    pub employees: Option<String>,
    pub high_tech: Option<String>,
    pub above_scale: Option<String>,
    pub srdi: Option<String>,
    pub listed: Option<String>,
    pub key_project: Option<String>,
    pub founded_on: Option<String>,
    pub address: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
}

impl EnterpriseForm {
    fn from_enterprise(e: &Enterprise) -> EnterpriseForm {
        let b = |v: bool| v.then(|| "1".to_owned());
        EnterpriseForm {
            kind: Some(e.kind.code().to_owned()),
            name: Some(e.name.clone()),
            uscc: e.uscc.clone(),
            town: Some(e.town_code.clone()),
            park: None,
            industry: e.industry_code.clone(),
            employees: e.employees.map(|n| n.to_string()),
            high_tech: b(e.high_tech),
            above_scale: b(e.above_scale),
            srdi: Some(e.srdi.code().to_owned()),
            listed: b(e.listed),
            key_project: b(e.key_project),
            founded_on: e.founded_on.map(|d| d.format("%Y-%m-%d").to_string()),
            address: e.address.clone(),
            contact_name: e.contact_name.clone(),
            contact_phone: None,
        }
    }

    fn kind(&self) -> Result<UnitKind, String> {
        match non_empty(&self.kind) {
            None => Ok(UnitKind::Enterprise),
            Some(code) => UnitKind::parse(code).map_err(|e| e.to_string()),
        }
    }

    /// Parses every field with the parser the register import uses (so "1,200人", 是/否,
    /// an industry by name are accepted here as there), collecting every problem so the user
    /// fixes them in one go.
    fn parse(&self, district: &RegionCode) -> Result<(EnterpriseInput, UnitKind), Vec<String>> {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let raw = RawEnterprise {
            kind: text(&self.kind),
            name: text(&self.name),
            uscc: text(&self.uscc),
            town: text(&self.town),
            park: text(&self.park),
            industry: text(&self.industry),
            employees: text(&self.employees),
            high_tech: text(&self.high_tech),
            above_scale: text(&self.above_scale),
            srdi: text(&self.srdi),
            listed: text(&self.listed),
            key_project: text(&self.key_project),
            founded_on: text(&self.founded_on),
            address: text(&self.address),
            contact_name: text(&self.contact_name),
            contact_phone: text(&self.contact_phone),
        };
        EnterpriseFields::parse(&raw, district).map(|f| (f.input, f.kind)).map_err(|e| e.messages())
    }
}

#[derive(Template)]
#[template(path = "registry/enterprise_form.html")]
struct FormPage {
    layout: Layout,
    form: EnterpriseForm,
    towns: Vec<Choice>,
    errors: Vec<String>,
    action: String,
    editing: bool,
    /// 高新、规上、专精特新 are set by town and district admins only: others (an enterprise
    /// contact) see them as text, proposing 高新 and 专精特新 through 提出变更.
    may_set_flags: bool,
}

impl FormPage {
    fn checked(&self, v: &Option<String>) -> bool {
        ListQuery::checked(v)
    }
    fn kinds(&self) -> [UnitKind; 7] {
        UnitKind::ALL
    }
    fn kind_code(&self) -> &'static str {
        self.form.kind().unwrap_or(UnitKind::Enterprise).code()
    }
    /// 企业 for enterprises, 单位 for the other kinds, in headings and labels.
    fn flag_text(&self, v: &Option<String>) -> &'static str {
        if self.checked(v) { "是" } else { "否" }
    }
    fn srdi_text(&self) -> &'static str {
        self.form.srdi.as_deref().and_then(|c| SrdiLevel::parse(c).ok()).unwrap_or(SrdiLevel::None).label()
    }
    fn noun(&self) -> &'static str {
        if self.form.kind().unwrap_or(UnitKind::Enterprise) == UnitKind::Enterprise { "企业" } else { "单位" }
    }
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    kind: Option<String>,
}

fn may_set_flags(auth: &Auth) -> bool {
    auth.caller.may(Action::RestructureRegistry)
}

pub async fn new_form(State(state): State<AppState>, auth: Auth, Query(q): Query<NewQuery>) -> PageResult {
    auth.require(Action::Import)?;
    let towns = town_options(&state, &auth, None);
    render(&FormPage {
        layout: Layout::new(&auth, &state, "/enterprises"),
        form: EnterpriseForm { kind: q.kind, ..Default::default() },
        towns,
        errors: vec![],
        action: "/enterprises/new".into(),
        editing: false,
        may_set_flags: may_set_flags(&auth),
    })
}

pub async fn create(State(state): State<AppState>, auth: Auth, Form(form): Form<EnterpriseForm>) -> PageResult {
    auth.require(Action::Import)?;
    let errors = match form.parse(&state.config.district) {
        Ok((input, kind)) => match state.store.registry().create_unit(&auth.caller, input, kind, false).await {
            Ok(id) => return Ok(Redirect::to(&format!("/enterprises/{id}")).into_response()),
            Err(qunlian_store::StoreError::Invalid { field, message }) => vec![format!("{field}：{message}")],
            Err(e) => return Err(e.into()),
        },
        Err(errors) => errors,
    };
    let towns = town_options(&state, &auth, non_empty(&form.town));
    let page = FormPage {
        layout: Layout::new(&auth, &state, "/enterprises"),
        form,
        towns,
        errors,
        action: "/enterprises/new".into(),
        editing: false,
        may_set_flags: may_set_flags(&auth),
    };
    render_refused(&page)
}

pub async fn edit_form(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    auth.require(Action::WriteRegistry)?;
    let e = state.store.registry().enterprise(&auth.caller, UnitId(id)).await?;
    let mut form = EnterpriseForm::from_enterprise(&e);
    // The park goes by name on the form; an empty field would take the unit out of its park.
    form.park = park_of(&state, &auth, &e).await.map(|p| p.1);
    let mut towns = town_options(&state, &auth, Some(&e.town_code));
    keep_town(&mut towns, &e.town_code);
    render(&FormPage {
        layout: Layout::new(&auth, &state, "/enterprises"),
        form,
        towns,
        errors: vec![],
        action: format!("/enterprises/{id}/edit"),
        editing: true,
        may_set_flags: may_set_flags(&auth),
    })
}

pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(mut form): Form<EnterpriseForm>,
) -> PageResult {
    auth.require(Action::WriteRegistry)?;
    if !may_set_flags(&auth) {
        // The form has no inputs for them: what is stored stays.
        let stored =
            EnterpriseForm::from_enterprise(&state.store.registry().enterprise(&auth.caller, UnitId(id)).await?);
        form.high_tech = stored.high_tech;
        form.above_scale = stored.above_scale;
        form.srdi = stored.srdi;
    }
    let errors = match form.parse(&state.config.district) {
        Ok((input, kind)) => {
            match state.store.registry().update_unit(&auth.caller, UnitId(id), input, Some(kind)).await {
                Ok(()) => return Ok(Redirect::to(&format!("/enterprises/{id}")).into_response()),
                Err(qunlian_store::StoreError::Invalid { field, message }) => vec![format!("{field}：{message}")],
                Err(e) => return Err(e.into()),
            }
        }
        Err(errors) => errors,
    };
    let mut towns = town_options(&state, &auth, non_empty(&form.town));
    if let Some(code) = non_empty(&form.town) {
        keep_town(&mut towns, code);
    }
    let page = FormPage {
        layout: Layout::new(&auth, &state, "/enterprises"),
        form,
        towns,
        errors,
        action: format!("/enterprises/{id}/edit"),
        editing: true,
        may_set_flags: may_set_flags(&auth),
    };
    render_refused(&page)
}
