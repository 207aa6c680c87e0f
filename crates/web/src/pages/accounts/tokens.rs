//! One's own API tokens: issue one (shown once, with the day it stops working), list, revoke.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use qunlian_store::StoreError;
use qunlian_store::accounts::{TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS, TokenInfo};
use serde::Deserialize;

use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::forms::non_empty;
use crate::support::render;

#[derive(Template)]
#[template(path = "accounts/tokens.html")]
struct TokensPage {
    layout: Layout,
    tokens: Vec<TokenInfo>,
    now: chrono::DateTime<chrono::Utc>,
    issued: Option<(String, String)>,
    error: Option<String>,
    default_days: i64,
    max_days: i64,
}

impl TokensPage {
    fn day(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        qunlian_domain::clock::beijing(*t).format("%Y-%m-%d %H:%M").to_string()
    }
}

/// Tokens are for the accounts that use the API: those with business data.
fn may_use_api(auth: &Auth) -> Result<(), WebError> {
    use qunlian_domain::auth::Action;
    if auth.caller.may(Action::ReadRegistry) || auth.caller.may(Action::HandleServiceRequest) {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

async fn tokens_page(
    state: &AppState,
    auth: &Auth,
    issued: Option<(String, String)>,
    error: Option<String>,
) -> PageResult {
    may_use_api(auth)?;
    let tokens = state.store.accounts().tokens(&auth.caller).await?;
    render(&TokensPage {
        layout: Layout::new(auth, state, "/tokens"),
        tokens,
        now: state.store.now(),
        issued,
        error,
        default_days: TOKEN_DEFAULT_DAYS,
        max_days: TOKEN_MAX_DAYS,
    })
}

pub async fn tokens(State(state): State<AppState>, auth: Auth) -> PageResult {
    tokens_page(&state, &auth, None, None).await
}

#[derive(Deserialize)]
pub struct NewTokenForm {
    name: Option<String>,
    days: Option<String>,
}

pub async fn create(State(state): State<AppState>, auth: Auth, Form(f): Form<NewTokenForm>) -> PageResult {
    may_use_api(&auth)?;
    let days = match non_empty(&f.days).map(str::parse::<i64>) {
        None => None,
        Some(Ok(d)) => Some(d),
        Some(Err(_)) => return tokens_page(&state, &auth, None, Some("有效期：应为天数".into())).await,
    };
    let name = non_empty(&f.name).unwrap_or("");
    match state.store.accounts().issue_token(&auth.caller, auth.user.id, name, days).await {
        Ok(t) => {
            let until = qunlian_domain::clock::beijing(t.expires_at).format("%Y-%m-%d %H:%M").to_string();
            tokens_page(&state, &auth, Some((t.token, until)), None).await
        }
        Err(StoreError::Invalid { field, message }) => {
            tokens_page(&state, &auth, None, Some(format!("{field}：{message}"))).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn revoke(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    may_use_api(&auth)?;
    state.store.accounts().revoke_token(&auth.caller, id).await?;
    Ok(Redirect::to("/tokens").into_response())
}
