use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use qunlian_domain::auth::{Action, UnitId};
use qunlian_store::registry::{Alliance, Pairing};
use serde::Deserialize;

use super::{non_empty, parse_date};
use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "alliances.html")]
struct AlliancesPage {
    layout: Layout,
    alliances: Vec<Alliance>,
    may_create: bool,
    error: Option<String>,
}

async fn alliances_page(state: &AppState, auth: &Auth, error: Option<String>) -> PageResult {
    let alliances = state.store.list_alliances(&auth.caller).await?;
    let status =
        if error.is_some() { axum::http::StatusCode::UNPROCESSABLE_ENTITY } else { axum::http::StatusCode::OK };
    let page = AlliancesPage {
        layout: Layout::new(auth, state, "/alliances"),
        alliances,
        may_create: auth.caller.may(Action::WriteRegistry),
        error,
    };
    Ok((status, axum::response::Html(page.render()?)).into_response())
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
            .enterprise_by_uscc(&auth.caller, uscc.as_str())
            .await
            .map_err(|_| WebError::Invalid(format!("统一社会信用代码 {uscc} 未登记，或不在您的权限范围内")))?;
        out.push(e.id);
    }
    Ok(out)
}

#[derive(Deserialize)]
pub struct AllianceForm {
    name: Option<String>,
    description: Option<String>,
    established_on: Option<String>,
    members: Option<String>,
}

pub async fn create_alliance(State(state): State<AppState>, auth: Auth, Form(f): Form<AllianceForm>) -> PageResult {
    auth.require(Action::WriteRegistry)?;
    let result: Result<i64, WebError> = async {
        let members = units_by_uscc(&state, &auth, non_empty(&f.members).unwrap_or("")).await?;
        let on = parse_date("成立日期", &f.established_on)?;
        let name = non_empty(&f.name).unwrap_or("");
        Ok(state
            .store
            .create_alliance(&auth.caller, name, non_empty(&f.description).unwrap_or(""), on, &members, false)
            .await?)
    }
    .await;
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/alliances#alliance-{id}")).into_response()),
        Err(WebError::Invalid(msg)) => alliances_page(&state, &auth, Some(msg)).await,
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "pairings.html")]
struct PairingsPage {
    layout: Layout,
    pairings: Vec<Pairing>,
    may_create: bool,
    error: Option<String>,
}

async fn pairings_page(state: &AppState, auth: &Auth, error: Option<String>) -> PageResult {
    let pairings = state.store.list_pairings(&auth.caller).await?;
    let status =
        if error.is_some() { axum::http::StatusCode::UNPROCESSABLE_ENTITY } else { axum::http::StatusCode::OK };
    let page = PairingsPage {
        layout: Layout::new(auth, state, "/pairings"),
        pairings,
        may_create: auth.caller.may(Action::WriteRegistry),
        error,
    };
    Ok((status, axum::response::Html(page.render()?)).into_response())
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
        let kind = match f.kind.as_deref() {
            Some(k @ ("branch_branch" | "enterprise_school" | "enterprise_village" | "enterprise_community")) => k,
            _ => return Err(WebError::Invalid("结对类型：请选择".into())),
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
    match result {
        Ok(_) => Ok(Redirect::to("/pairings").into_response()),
        Err(WebError::Invalid(msg)) => pairings_page(&state, &auth, Some(msg)).await,
        Err(e) => Err(e),
    }
}
