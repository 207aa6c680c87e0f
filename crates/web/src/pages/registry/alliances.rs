use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use qunlian_domain::auth::{Action, UnitId};
use qunlian_domain::registry::PairingKind;
use qunlian_store::registry::{Alliance, AllianceDetail, Pairing};
use serde::Deserialize;

use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::forms::{non_empty, parse_date, parsed};
use crate::support::{render_form, saved_or_again};

#[derive(Template)]
#[template(path = "registry/alliances.html")]
struct AlliancesPage {
    layout: Layout,
    alliances: Vec<Alliance>,
    may_create: bool,
    error: Option<String>,
}

/// A register's list with its creation form (alliances, pairings): the page `page` builds from
/// its layout, whether the caller may create (writes the registry) and the refusal shown.
fn register_list<T: Template>(
    state: &AppState,
    auth: &Auth,
    active: &'static str,
    error: Option<String>,
    page: impl FnOnce(Layout, bool, Option<String>) -> T,
) -> PageResult {
    let refused = error.is_some();
    render_form(&page(Layout::new(auth, state, active), auth.caller.may(Action::WriteRegistry), error), refused)
}

async fn alliances_page(state: &AppState, auth: &Auth, error: Option<String>) -> PageResult {
    let alliances = state.store.registry().list_alliances(&auth.caller).await?;
    register_list(state, auth, "/alliances", error, |layout, may_create, error| AlliancesPage {
        layout,
        alliances,
        may_create,
        error,
    })
}

pub async fn alliances(State(state): State<AppState>, auth: Auth) -> PageResult {
    alliances_page(&state, &auth, None).await
}

/// Units named by USCC, one per line or separated by commas, each one the caller can see.
async fn units_by_uscc(state: &AppState, auth: &Auth, text: &str) -> Result<Vec<UnitId>, WebError> {
    let mut out = Vec::new();
    for token in text.split([',', '，', '、', ' ', '\n', '\r']).filter(|t| !t.trim().is_empty()) {
        let uscc = qunlian_domain::Uscc::parse(token).map_err(|e| WebError::Invalid(format!("“{token}”：{e}")))?;
        let e = state
            .store
            .registry()
            .enterprise_by_uscc(&auth.caller, uscc.as_str())
            .await
            .map_err(|_| WebError::Invalid(format!("统一社会信用代码 {uscc} 未登记，或不在您的权限范围内")))?;
        out.push(e.id);
    }
    Ok(out)
}

#[derive(Deserialize, Default)]
pub struct AllianceForm {
    name: Option<String>,
    description: Option<String>,
    established_on: Option<String>,
    members: Option<String>,
}

impl AllianceForm {
    /// What was typed, checked as both the creation and the edit take it: the name, the
    /// description, the day founded and the members (refused first, then the day).
    async fn checked(
        &self,
        state: &AppState,
        auth: &Auth,
    ) -> Result<(&str, &str, Option<chrono::NaiveDate>, Vec<UnitId>), WebError> {
        let members = units_by_uscc(state, auth, non_empty(&self.members).unwrap_or("")).await?;
        let on = parse_date("成立日期", &self.established_on)?;
        Ok((non_empty(&self.name).unwrap_or(""), non_empty(&self.description).unwrap_or(""), on, members))
    }
}

pub async fn create_alliance(State(state): State<AppState>, auth: Auth, Form(f): Form<AllianceForm>) -> PageResult {
    auth.require(Action::WriteRegistry)?;
    let result: Result<i64, WebError> = async {
        let (name, description, on, members) = f.checked(&state, &auth).await?;
        Ok(state.store.registry().create_alliance(&auth.caller, name, description, on, &members, false).await?)
    }
    .await;
    saved_or_again(result.map(|id| format!("/alliances/{id}")), |msg| alliances_page(&state, &auth, Some(msg))).await
}

#[derive(Template)]
#[template(path = "registry/pairings.html")]
struct PairingsPage {
    layout: Layout,
    pairings: Vec<Pairing>,
    may_create: bool,
    error: Option<String>,
}

async fn pairings_page(state: &AppState, auth: &Auth, error: Option<String>) -> PageResult {
    let pairings = state.store.registry().list_pairings(&auth.caller).await?;
    register_list(state, auth, "/pairings", error, |layout, may_create, error| PairingsPage {
        layout,
        pairings,
        may_create,
        error,
    })
}

pub async fn pairings(State(state): State<AppState>, auth: Auth) -> PageResult {
    pairings_page(&state, &auth, None).await
}

#[derive(Deserialize)]
pub struct PairingForm {
    kind: Option<String>,
    a: Option<String>,
    b: Option<String>,
    b_name: Option<String>,
    started_on: Option<String>,
    content: Option<String>,
}

pub async fn create_pairing(State(state): State<AppState>, auth: Auth, Form(f): Form<PairingForm>) -> PageResult {
    auth.require(Action::WriteRegistry)?;
    let result: Result<i64, WebError> = async {
        let kind = match non_empty(&f.kind) {
            Some(k) => parsed(PairingKind::parse(k))?,
            None => return Err(WebError::Invalid("结对类型：请选择".into())),
        };
        let a = units_by_uscc(&state, &auth, non_empty(&f.a).unwrap_or(""))
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| WebError::Invalid("一方：请填写统一社会信用代码".into()))?;
        let b = units_by_uscc(&state, &auth, non_empty(&f.b).unwrap_or("")).await?.into_iter().next();
        let on = parse_date("开始日期", &f.started_on)?;
        Ok(state
            .store
            .registry()
            .create_pairing(
                &auth.caller,
                kind,
                a,
                b,
                non_empty(&f.b_name),
                on,
                non_empty(&f.content).unwrap_or(""),
                false,
            )
            .await?)
    }
    .await;
    saved_or_again(result.map(|id| format!("/pairings/{id}")), |msg| pairings_page(&state, &auth, Some(msg))).await
}

#[derive(Template)]
#[template(path = "registry/alliance.html")]
struct AlliancePage {
    layout: Layout,
    d: AllianceDetail,
    may_edit: bool,
    /// The form as typed after a refusal; otherwise the alliance as stored.
    form: AllianceForm,
    error: Option<String>,
}

impl AllianceForm {
    fn from_detail(d: &AllianceDetail) -> AllianceForm {
        AllianceForm {
            name: Some(d.alliance.name.clone()),
            description: Some(d.alliance.description.clone()),
            established_on: d.alliance.established_on.map(|x| x.format("%Y-%m-%d").to_string()),
            members: Some(d.member_usccs.join("\n")),
        }
    }
}

async fn alliance_page(
    state: &AppState,
    auth: &Auth,
    id: i64,
    form: Option<AllianceForm>,
    error: Option<String>,
) -> PageResult {
    let d = state.store.registry().alliance(&auth.caller, id).await?;
    let may_edit = auth.caller.may(Action::WriteRegistry)
        && state.store.registry().alliance_for_edit(&auth.caller, id).await.is_ok();
    let page = AlliancePage {
        layout: Layout::new(auth, state, "/alliances"),
        form: form.unwrap_or_else(|| AllianceForm::from_detail(&d)),
        may_edit,
        d,
        error,
    };
    render_form(&page, page.error.is_some())
}

pub async fn alliance(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    alliance_page(&state, &auth, id, None, None).await
}

pub async fn update_alliance(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<AllianceForm>,
) -> PageResult {
    // Who may, before what was typed: a refusal is a refusal, not a form error.
    state.store.registry().alliance_for_edit(&auth.caller, id).await?;
    let result: Result<(), WebError> = async {
        let (name, description, on, members) = f.checked(&state, &auth).await?;
        Ok(state.store.registry().update_alliance(&auth.caller, id, name, description, on, &members).await?)
    }
    .await;
    saved_or_again(result.map(|()| format!("/alliances/{id}")), |msg| {
        alliance_page(&state, &auth, id, Some(f), Some(msg))
    })
    .await
}

#[derive(Template)]
#[template(path = "registry/pairing.html")]
struct PairingPage {
    layout: Layout,
    p: Pairing,
    may_edit: bool,
    form: PairingEditForm,
    today: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct PairingEditForm {
    content: Option<String>,
    started_on: Option<String>,
    ended_on: Option<String>,
}

impl PairingEditForm {
    fn from_pairing(p: &Pairing) -> PairingEditForm {
        let date = |d: Option<chrono::NaiveDate>| d.map(|x| x.format("%Y-%m-%d").to_string());
        PairingEditForm { content: Some(p.content.clone()), started_on: date(p.started_on), ended_on: date(p.ended_on) }
    }
}

async fn pairing_page(
    state: &AppState,
    auth: &Auth,
    id: i64,
    form: Option<PairingEditForm>,
    error: Option<String>,
) -> PageResult {
    let p = state.store.registry().pairing(&auth.caller, id).await?;
    let page = PairingPage {
        layout: Layout::new(auth, state, "/pairings"),
        form: form.unwrap_or_else(|| PairingEditForm::from_pairing(&p)),
        may_edit: auth.caller.may(Action::WriteRegistry),
        p,
        today: state.store.today().format("%Y-%m-%d").to_string(),
        error,
    };
    render_form(&page, page.error.is_some())
}

pub async fn pairing(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    pairing_page(&state, &auth, id, None, None).await
}

pub async fn update_pairing(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<PairingEditForm>,
) -> PageResult {
    auth.require(Action::WriteRegistry)?;
    let result: Result<(), WebError> = async {
        let started = parse_date("开始日期", &f.started_on)?;
        let ended = parse_date("结束日期", &f.ended_on)?;
        Ok(state
            .store
            .registry()
            .update_pairing(&auth.caller, id, non_empty(&f.content).unwrap_or(""), started, ended)
            .await?)
    }
    .await;
    saved_or_again(result.map(|()| format!("/pairings/{id}")), |msg| {
        pairing_page(&state, &auth, id, Some(f), Some(msg))
    })
    .await
}

#[derive(Deserialize)]
pub struct EndPairingForm {
    on: Option<String>,
}

pub async fn end_pairing(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<EndPairingForm>,
) -> PageResult {
    auth.require(Action::WriteRegistry)?;
    let result: Result<(), WebError> = async {
        let on = parse_date("结束日期", &f.on)?.unwrap_or_else(|| state.store.today());
        Ok(state.store.registry().end_pairing(&auth.caller, id, on).await?)
    }
    .await;
    saved_or_again(result.map(|()| format!("/pairings/{id}")), |msg| pairing_page(&state, &auth, id, None, Some(msg)))
        .await
}
