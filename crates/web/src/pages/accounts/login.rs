//! Logging in and out, and changing one's password.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect};
use qunlian_domain::auth::Action;
use qunlian_store::accounts::LoginOutcome;
use serde::Deserialize;
use tower_sessions::Session;

use crate::auth::*;
use crate::error::{PageResult, WebError};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "accounts/login.html")]
struct LoginPage {
    csrf: String,
    error: Option<String>,
    username: String,
    demo: bool,
}

pub async fn login_page(State(state): State<AppState>, session: Session) -> PageResult {
    let csrf = csrf_token(&session).await?;
    Ok(Html(LoginPage { csrf, error: None, username: String::new(), demo: state.config.demo }.render()?)
        .into_response())
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
}

pub async fn login(
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    Form(form): Form<LoginForm>,
) -> PageResult {
    let username = form.username.trim().to_owned();
    let error = match state.store.accounts().login(&username, &form.password, ip).await? {
        LoginOutcome::Ok(user) => {
            // A new session id on login, so a planted cookie cannot ride the new identity.
            session.cycle_id().await.map_err(WebError::internal)?;
            session.insert(USER_KEY, user.id.0).await.map_err(WebError::internal)?;
            let to = if user.must_change_password {
                "/password"
            } else if user.caller(None).may(Action::ReadRegistry) {
                "/"
            } else if user.caller(None).may(Action::ReadAudit) {
                "/audit"
            } else {
                "/users"
            };
            return Ok(Redirect::to(to).into_response());
        }
        LoginOutcome::BadCredentials => "用户名或密码错误".to_owned(),
        LoginOutcome::Locked { until } => format!(
            "连续输错密码次数过多，账号已锁定至 {}，请稍后再试或联系管理员",
            crate::support::format::minutes(until)
        ),
        LoginOutcome::Disabled => "账号已停用，请联系管理员".to_owned(),
    };
    let csrf = csrf_token(&session).await?;
    let page = LoginPage { csrf, error: Some(error), username, demo: state.config.demo };
    Ok((axum::http::StatusCode::UNAUTHORIZED, Html(page.render()?)).into_response())
}

pub async fn logout(session: Session) -> PageResult {
    session.flush().await.map_err(WebError::internal)?;
    Ok(Redirect::to("/login").into_response())
}

#[derive(Template)]
#[template(path = "accounts/password.html")]
struct PasswordPage {
    layout: Layout,
    error: Option<String>,
    forced: bool,
}

pub async fn password_page(State(state): State<AppState>, auth: Auth) -> PageResult {
    let forced = auth.user.must_change_password;
    Ok(Html(PasswordPage { layout: Layout::new(&auth, &state, ""), error: None, forced }.render()?).into_response())
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

pub async fn change_password(State(state): State<AppState>, auth: Auth, Form(form): Form<PasswordForm>) -> PageResult {
    let error = if form.new != form.confirm {
        Some("两次输入的新密码不一致".to_owned())
    } else {
        match state.store.accounts().login(&auth.user.username, &form.current, auth.caller.ip.clone()).await? {
            LoginOutcome::Ok(_) => {
                match state.store.accounts().set_password(&auth.caller, auth.user.id, &form.new).await {
                    Ok(()) => return Ok(Redirect::to("/").into_response()),
                    Err(e) => Some(e.to_string()),
                }
            }
            _ => Some("当前密码不正确".to_owned()),
        }
    };
    let forced = auth.user.must_change_password;
    Ok(Html(PasswordPage { layout: Layout::new(&auth, &state, ""), error, forced }.render()?).into_response())
}
