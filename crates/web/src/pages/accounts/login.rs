//! Logging in and out, and changing one's password.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect};
use qunlian_domain::auth::{Action, Role};
use qunlian_store::accounts::{LoginOutcome, User};
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

/// The login form. An anonymous visit stores nothing: its CSRF token rides in a cookie.
pub async fn login_page(State(state): State<AppState>, session: Session, headers: HeaderMap) -> PageResult {
    login_form(&state, &session, &headers, StatusCode::OK, None, String::new()).await
}

async fn login_form(
    state: &AppState,
    session: &Session,
    headers: &HeaderMap,
    status: StatusCode,
    error: Option<String>,
    username: String,
) -> PageResult {
    let (csrf, set_cookie) = login_csrf(session, headers, state.config.secure_cookies).await?;
    let page = LoginPage { csrf, error, username, demo: state.config.demo };
    let mut res = (status, Html(page.render()?)).into_response();
    if let Some(c) = set_cookie {
        res.headers_mut().insert(header::SET_COOKIE, c);
    }
    Ok(res)
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
}

/// Where an account lands after logging in or changing its password.
fn landing(user: &User) -> &'static str {
    let c = user.caller(None);
    if user.must_change_password || user.role == Role::Pending {
        "/password"
    } else if c.may(Action::ReadRegistry) || c.may(Action::HandleServiceRequest) {
        "/"
    } else if c.may(Action::ReviewProjects) {
        "/projects/reviews"
    } else if c.may(Action::ReadAudit) {
        "/audit"
    } else {
        "/users"
    }
}

pub async fn login(
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> PageResult {
    let username: String = form.username.trim().chars().take(64).collect();
    let address = ip.clone().unwrap_or_default();
    if ip.is_some() && !state.login_throttle.try_attempt(&address) {
        let minutes = THROTTLE_WINDOW.as_secs() / 60;
        let error = format!("来自您所在网络地址的登录尝试过于频繁，请 {minutes} 分钟后再试");
        return login_form(&state, &session, &headers, StatusCode::TOO_MANY_REQUESTS, Some(error), username).await;
    }
    match state.store.accounts().login(&username, &form.password, ip).await? {
        LoginOutcome::Ok(user) => {
            state.login_throttle.forgive(&address);
            // A new session id on login, so a planted cookie cannot ride the new identity.
            session.cycle_id().await.map_err(WebError::internal)?;
            session.insert(USER_KEY, user.id.0).await.map_err(WebError::internal)?;
            session.insert(EPOCH_KEY, user.session_epoch).await.map_err(WebError::internal)?;
            if user.must_change_password {
                session.insert(MUST_CHANGE_KEY, true).await.map_err(WebError::internal)?;
            }
            Ok(Redirect::to(landing(&user)).into_response())
        }
        // One sentence for every refusal: the page does not tell whether the account exists,
        // is locked or is disabled (the audit log does).
        LoginOutcome::BadCredentials | LoginOutcome::Locked { .. } | LoginOutcome::Disabled => {
            let error = Some(LoginOutcome::REFUSED.to_owned());
            login_form(&state, &session, &headers, StatusCode::UNAUTHORIZED, error, username).await
        }
    }
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
    awaiting_grant: bool,
}

fn password_form(state: &AppState, auth: &Auth, error: Option<String>) -> PageResult {
    let page = PasswordPage {
        layout: Layout::new(auth, state, ""),
        error,
        forced: auth.user.must_change_password,
        awaiting_grant: auth.user.role == Role::Pending,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn password_page(State(state): State<AppState>, auth: Auth) -> PageResult {
    password_form(&state, &auth, None)
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

/// Changes one's own password. The account's other sessions and its API tokens end; this
/// session carries on with the account's new session number.
pub async fn change_password(
    State(state): State<AppState>,
    session: Session,
    auth: Auth,
    Form(form): Form<PasswordForm>,
) -> PageResult {
    let accounts = state.store.accounts();
    let error = if form.new != form.confirm {
        "两次输入的新密码不一致".to_owned()
    } else if form.new == form.current {
        "新密码不能与当前密码相同".to_owned()
    } else {
        match accounts.login(&auth.user.username, &form.current, auth.caller.ip.clone()).await? {
            LoginOutcome::Ok(_) => match accounts.set_password(&auth.caller, auth.user.id, &form.new).await {
                Ok(epoch) => {
                    session.cycle_id().await.map_err(WebError::internal)?;
                    session.insert(EPOCH_KEY, epoch).await.map_err(WebError::internal)?;
                    session.remove::<bool>(MUST_CHANGE_KEY).await.map_err(WebError::internal)?;
                    let user = accounts.user(auth.user.id).await?.ok_or(WebError::Unauthorized)?;
                    return Ok(Redirect::to(landing(&user)).into_response());
                }
                Err(e) => e.to_string(),
            },
            _ => "当前密码不正确".to_owned(),
        }
    };
    password_form(&state, &auth, Some(error))
}
