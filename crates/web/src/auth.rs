//! Sessions, the logged-in user, CSRF, the forced password change, the login throttle and
//! the security headers of every response.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::extract::{ConnectInfo, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use qunlian_domain::auth::{Action, Caller, UserId};
use qunlian_store::accounts::User;
use tower_sessions::Session;

use crate::error::WebError;
use crate::state::AppState;

pub(crate) const USER_KEY: &str = "user_id";
/// The account's session number at login; a session carrying an older one has ended.
pub(crate) const EPOCH_KEY: &str = "epoch";
/// Set at login while the account's one-time password is still to be changed.
pub(crate) const MUST_CHANGE_KEY: &str = "must_change";
const CSRF_KEY: &str = "csrf";
/// The login form's CSRF token before there is a session: a cookie, so that an anonymous
/// visit writes nothing to the database (a session is stored only once someone logs in).
pub(crate) const LOGIN_CSRF_COOKIE: &str = "qunlian_login_csrf";

/// The client's address: the peer's; or, when the peer is one of the trusted proxies
/// (`Config::trusted_proxies`), the nearest address of `X-Forwarded-For` that is not itself a
/// trusted proxy, read from the right, where each proxy appends. The header of any other
/// peer is ignored: a client cannot name itself another address to slip the login throttle
/// or to put a false address in the audit log.
pub(crate) fn client_ip(parts: &Parts, trusted: &[std::net::IpAddr]) -> Option<String> {
    let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>()?.0.ip().to_canonical();
    let mut client = peer;
    if trusted.contains(&peer) {
        let hops: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .collect();
        for hop in hops.into_iter().rev() {
            let Ok(addr) = hop.trim().parse::<std::net::IpAddr>() else { break };
            client = addr.to_canonical();
            if !trusted.contains(&client) {
                break;
            }
        }
    }
    Some(client.to_string())
}

/// The peer address for the audit log; absent when the app runs in-process (tests).
pub struct ClientIp(pub Option<String>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(parts, &state.config.trusted_proxies)))
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

/// The value of a cookie of the request.
pub(crate) fn cookie<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The login form's token: the session's when there is one, else the pre-login cookie's,
/// else a new one, returned with the `Set-Cookie` value that gives it to the browser.
pub async fn login_csrf(
    session: &Session,
    headers: &axum::http::HeaderMap,
    secure: bool,
) -> Result<(String, Option<HeaderValue>), WebError> {
    if let Some(t) = session.get::<String>(CSRF_KEY).await.map_err(WebError::internal)? {
        return Ok((t, None));
    }
    if let Some(t) = cookie(headers, LOGIN_CSRF_COOKIE).filter(|t| t.len() == 32) {
        return Ok((t.to_owned(), None));
    }
    let t = hex::encode(rand::random::<[u8; 16]>());
    let secure = if secure { "; Secure" } else { "" };
    let set = format!("{LOGIN_CSRF_COOKIE}={t}; Path=/login; HttpOnly; SameSite=Strict; Max-Age=3600{secure}");
    Ok((t, HeaderValue::from_str(&set).ok()))
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
        // Before login the form's token is the pre-login cookie's (see `login_csrf`).
        Ok(None) if request.uri().path() == "/login" => {
            match cookie(request.headers(), LOGIN_CSRF_COOKIE).filter(|t| t.len() == 32) {
                Some(t) => t.to_owned(),
                None => return WebError::Csrf.into_response(),
            }
        }
        _ => return WebError::Csrf.into_response(),
    };
    let from_header = request.headers().get("x-csrf-token").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let from_query = request.uri().query().and_then(|q| url_param(q, "_csrf"));
    if from_header.as_deref() == Some(expected.as_str()) || from_query.as_deref() == Some(expected.as_str()) {
        return next.run(request).await;
    }
    if !crate::support::forms::is_urlencoded(request.headers()) {
        return WebError::Csrf.into_response();
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 4 * 1024 * 1024).await else {
        return WebError::PayloadTooLarge.into_response();
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
    /// A reviewer's sheets assigned and not submitted, for the sidebar (None for the others).
    pub pending_reviews: Option<usize>,
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
        // A disabled account, or a session older than the account's last password change,
        // disable, or role change, is logged out.
        let epoch = session.get::<i32>(EPOCH_KEY).await.map_err(WebError::internal)?;
        if user.disabled || epoch != Some(user.session_epoch) {
            let _ = session.flush().await;
            return Err(WebError::Unauthorized);
        }
        let caller = user.caller(client_ip(parts, &state.config.trusted_proxies));
        let csrf = csrf_token(&session).await?;
        let pending_reviews = if caller.may(Action::ReviewProjects) {
            Some(state.store.projects().pending_count(&caller).await?)
        } else {
            None
        };
        Ok(Auth { user, caller, csrf, pending_reviews })
    }
}

/// While the account's one-time password is pending, every page and form but the change
/// itself and logging out is answered with the way to the change (a redirect to
/// `/password`); the pages never run. A layer over all pages, so no page can forget it.
pub async fn require_password_change(session: Session, request: Request, next: Next) -> Response {
    let pending = matches!(session.get::<bool>(MUST_CHANGE_KEY).await, Ok(Some(true)));
    if !pending || matches!(request.uri().path(), "/password" | "/logout" | "/login") {
        return next.run(request).await;
    }
    axum::response::Redirect::to("/password").into_response()
}

/// Failed logins allowed from one address in [`THROTTLE_WINDOW`], whatever the accounts.
pub const THROTTLE_ATTEMPTS: u32 = 30;
pub const THROTTLE_WINDOW: Duration = Duration::from_secs(10 * 60);

/// Login attempts per address: an attempt is counted when it starts (so that parallel
/// attempts cannot all slip under the limit) and forgiven when it succeeds. Kept in memory:
/// it guards one server process; the per-account lockout in the database guards them all.
#[derive(Default)]
pub struct LoginThrottle {
    attempts: Mutex<HashMap<String, (Instant, u32)>>,
}

impl LoginThrottle {
    /// Counts an attempt from `ip`; `false` when the address has used up its attempts.
    pub fn try_attempt(&self, ip: &str) -> bool {
        let Ok(mut map) = self.attempts.lock() else { return false };
        let now = Instant::now();
        if map.len() > 10_000 {
            map.retain(|_, (start, _)| now.duration_since(*start) < THROTTLE_WINDOW);
        }
        let entry = map.entry(ip.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= THROTTLE_WINDOW {
            *entry = (now, 0);
        }
        if entry.1 >= THROTTLE_ATTEMPTS {
            return false;
        }
        entry.1 += 1;
        true
    }

    pub fn forgive(&self, ip: &str) {
        if let Ok(mut map) = self.attempts.lock()
            && let Some(entry) = map.get_mut(ip)
        {
            entry.1 = entry.1.saturating_sub(1);
        }
    }
}

/// Everything the pages use is served from here (no CDN, no inline script or style), so the
/// policy allows this origin only. `data:` images for ECharts' exported pictures.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// The security headers of every response, pages, API, assets and errors alike.
pub async fn security_headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let mut res = next.run(request).await;
    let h = res.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if state.config.secure_cookies {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    res
}

/// What every page's frame needs: who is logged in, which sections to offer, the token.
pub struct Layout {
    pub user_name: String,
    pub role_label: &'static str,
    pub csrf: String,
    pub nav: Vec<NavItem>,
    pub active: &'static str,
    pub demo: bool,
    /// Where the brand in the top bar leads: the role's first section (工作台 for the roles
    /// that read the registry, 用户管理 or 审计日志 for the system and audit administrators,
    /// whom 工作台 refuses).
    pub home: &'static str,
}

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    /// A count beside the label (a reviewer's pending sheets).
    pub badge: Option<usize>,
}

impl Layout {
    pub fn new(auth: &Auth, state: &AppState, active: &'static str) -> Layout {
        let c = &auth.caller;
        let mut nav = Vec::new();
        if c.may(Action::ReadRegistry) {
            nav.extend([
                NavItem { href: "/", label: "工作台", badge: None },
                NavItem { href: "/enterprises", label: "企业名录", badge: None },
                NavItem { href: "/coverage", label: "组织覆盖", badge: None },
                NavItem { href: "/coverage/assignments", label: "责任清单", badge: None },
                NavItem { href: "/orgs", label: "党组织", badge: None },
                NavItem { href: "/clusters", label: "产业集群", badge: None },
                NavItem { href: "/regions", label: "区域与园区", badge: None },
                NavItem { href: "/alliances", label: "党建联盟", badge: None },
                NavItem { href: "/pairings", label: "结对共建", badge: None },
                NavItem { href: "/bodies", label: "集群与联盟履职", badge: None },
                NavItem { href: "/bodies/villages", label: "名誉村主任", badge: None },
                NavItem { href: "/bodies/talent", label: "人才公寓与书记工作室", badge: None },
            ]);
        }
        if c.may(Action::ReadMembers) {
            nav.push(NavItem { href: "/members", label: "党员名册", badge: None });
            nav.push(NavItem { href: "/people/development", label: "发展党员", badge: None });
            nav.push(NavItem { href: "/people/transfers", label: "组织关系转接", badge: None });
        }
        if c.may(Action::ReadActivities) {
            nav.push(NavItem { href: "/activities", label: "活动记录", badge: None });
        }
        if c.may(Action::RestructureRegistry) {
            nav.push(NavItem { href: "/workgroups", label: "项目工作组", badge: None });
        }
        if c.may(Action::ReadRegistry) || c.may(Action::HandleServiceRequest) {
            nav.push(NavItem { href: "/services", label: "企业服务", badge: None });
        }
        if c.may(Action::ReadListings) {
            nav.push(NavItem { href: "/listings", label: "要素对接", badge: None });
        }
        if c.role == qunlian_domain::auth::Role::EnterpriseContact {
            nav.push(NavItem { href: "/my/policies", label: "惠企政策", badge: None });
        } else if c.may(Action::ReadRegistry) {
            nav.push(NavItem { href: "/policies", label: "惠企政策", badge: None });
        }
        if c.may(Action::ReadProjects) {
            nav.push(NavItem { href: "/projects", label: "深度融合项目", badge: None });
        }
        if c.may(Action::ReviewProjects) {
            nav.push(NavItem { href: "/projects/reviews", label: "我的评审", badge: auth.pending_reviews });
            nav.push(NavItem { href: "/projects", label: "申报批次", badge: None });
        }
        if c.may(Action::ReadResults) {
            nav.push(NavItem { href: "/results", label: "工作成效", badge: None });
        }
        if c.may(Action::ConfirmRegistryChanges) {
            nav.push(NavItem { href: "/proposals", label: "待确认变更", badge: None });
        } else if c.may(Action::ProposeRegistryChanges) {
            nav.push(NavItem { href: "/proposals", label: "我的变更", badge: None });
        }
        if c.may(Action::Import) {
            nav.push(NavItem { href: "/import", label: "批量导入", badge: None });
        }
        if c.may(Action::ReadAudit) {
            nav.push(NavItem { href: "/audit", label: "审计日志", badge: None });
        }
        if c.may(Action::ManageUsers) || c.may(Action::ManageSecurity) {
            nav.push(NavItem { href: "/users", label: "用户管理", badge: None });
        }
        if c.may(Action::ReadRegistry) || c.may(Action::HandleServiceRequest) {
            nav.push(NavItem { href: "/tokens", label: "接口令牌", badge: None });
        }
        Layout {
            user_name: auth.user.display_name.clone(),
            role_label: auth.user.role.label(),
            csrf: auth.csrf.clone(),
            home: nav.first().map_or("/", |n| n.href),
            nav,
            active,
            demo: state.config.demo,
        }
    }
}
