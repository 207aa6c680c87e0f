//! Sessions, the logged-in user, CSRF and the login pages.

use std::net::SocketAddr;

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use qunlian_domain::auth::{Action, Caller, UserId};
use qunlian_store::accounts::{LoginOutcome, User};
use serde::Deserialize;
use tower_sessions::Session;

use crate::error::{PageResult, WebError};
use crate::state::AppState;

const USER_KEY: &str = "user_id";
const CSRF_KEY: &str = "csrf";

fn client_ip(parts: &Parts) -> Option<String> {
    parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string())
}

/// The peer address for the audit log; absent when the app runs in-process (tests).
pub struct ClientIp(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(parts)))
    }
}

/// The CSRF token of this session, created on first use.
pub async fn csrf_token(session: &Session) -> Result<String, WebError> {
    if let Some(t) = session.get::<String>(CSRF_KEY).await.map_err(WebError::internal)? {
        return Ok(t);
    }
    let t = hex::encode(rand::random::<[u8; 16]>());
    session.insert(CSRF_KEY, &t).await.map_err(WebError::internal)?;
    Ok(t)
}

/// Refuses any state-changing request whose token does not match the session's. The token
/// comes in the `X-CSRF-Token` header (htmx), the `_csrf` query parameter (file uploads) or
/// the `_csrf` form field.
pub async fn csrf_guard(session: Session, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    let expected = match session.get::<String>(CSRF_KEY).await {
        Ok(Some(t)) => t,
        _ => return WebError::Csrf.into_response(),
    };
    let from_header = request.headers().get("x-csrf-token").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let from_query = request.uri().query().and_then(|q| url_param(q, "_csrf"));
    if from_header.as_deref() == Some(expected.as_str()) || from_query.as_deref() == Some(expected.as_str()) {
        return next.run(request).await;
    }
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return WebError::Csrf.into_response();
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 4 * 1024 * 1024).await else {
        return WebError::Invalid("表单内容过大".into()).into_response();
    };
    let ok = std::str::from_utf8(&bytes).ok().and_then(|b| url_param(b, "_csrf")).as_deref() == Some(expected.as_str());
    if !ok {
        return WebError::Csrf.into_response();
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes))).await
}

fn url_param(query: &str, name: &str) -> Option<String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(query)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// The logged-in user of a page request; a request without one is sent to the login page.
pub struct Auth {
    pub user: User,
    pub caller: Caller,
    pub csrf: String,
}

impl Auth {
    pub fn require(&self, action: Action) -> Result<(), WebError> {
        if self.caller.may(action) { Ok(()) } else { Err(WebError::Forbidden) }
    }
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let session = Session::from_request_parts(parts, state).await.map_err(|_| WebError::Unauthorized)?;
        let Some(id) = session.get::<i64>(USER_KEY).await.map_err(WebError::internal)? else {
            return Err(WebError::Unauthorized);
        };
        let Some(user) = state.store.accounts().user(UserId(id)).await? else {
            let _ = session.flush().await;
            return Err(WebError::Unauthorized);
        };
        if user.disabled {
            let _ = session.flush().await;
            return Err(WebError::Unauthorized);
        }
        let caller = user.caller(client_ip(parts));
        let csrf = csrf_token(&session).await?;
        Ok(Auth { user, caller, csrf })
    }
}

/// What every page's frame needs: who is logged in, which sections to offer, the token.
pub struct Layout {
    pub user_name: String,
    pub role_label: &'static str,
    pub csrf: String,
    pub nav: Vec<NavItem>,
    pub active: &'static str,
    pub demo: bool,
}

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
}

impl Layout {
    pub fn new(auth: &Auth, state: &AppState, active: &'static str) -> Layout {
        let c = &auth.caller;
        let mut nav = Vec::new();
        if c.may(Action::ReadRegistry) {
            nav.extend([
                NavItem { href: "/", label: "工作台" },
                NavItem { href: "/enterprises", label: "企业名录" },
                NavItem { href: "/coverage", label: "组织覆盖" },
                NavItem { href: "/coverage/assignments", label: "责任清单" },
                NavItem { href: "/orgs", label: "党组织" },
                NavItem { href: "/clusters", label: "产业集群" },
                NavItem { href: "/regions", label: "区域与园区" },
                NavItem { href: "/alliances", label: "党建联盟" },
                NavItem { href: "/pairings", label: "结对共建" },
            ]);
        }
        if c.may(Action::ReadRegistry) || c.may(Action::HandleServiceRequest) {
            nav.push(NavItem { href: "/services", label: "企业服务" });
        }
        if c.may(Action::ReadListings) {
            nav.push(NavItem { href: "/listings", label: "要素对接" });
        }
        if c.role == qunlian_domain::auth::Role::EnterpriseContact {
            nav.push(NavItem { href: "/my/policies", label: "惠企政策" });
        } else if c.may(Action::ReadRegistry) {
            nav.push(NavItem { href: "/policies", label: "惠企政策" });
        }
        if c.may(Action::Import) {
            nav.push(NavItem { href: "/import", label: "批量导入" });
        }
        if c.may(Action::ReadAudit) {
            nav.push(NavItem { href: "/audit", label: "审计日志" });
        }
        if c.may(Action::ManageUsers) || c.may(Action::ManageSecurity) {
            nav.push(NavItem { href: "/users", label: "用户管理" });
        }
        Layout {
            user_name: auth.user.display_name.clone(),
            role_label: auth.user.role.label(),
            csrf: auth.csrf.clone(),
            nav,
            active,
            demo: state.config.demo,
        }
    }
}

#[derive(Template)]
#[template(path = "login.html")]
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
            (until + chrono::Duration::hours(8)).format("%Y-%m-%d %H:%M")
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
#[template(path = "password.html")]
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
