//! Logging in, sessions and CSRF.

use axum::http::StatusCode;
use qunlian_domain::auth::Role;
use qunlian_testkit::*;

/// A GET straight through the router, headers and all.
trait OneshotGet {
    async fn oneshot_get(self, path: &str) -> axum::response::Response;
}

impl OneshotGet for axum::Router {
    async fn oneshot_get(self, path: &str) -> axum::response::Response {
        use tower::ServiceExt;
        self.oneshot(axum::http::Request::get(path).body(axum::body::Body::empty()).unwrap()).await.unwrap()
    }
}

#[tokio::test]
async fn anonymous_requests_go_to_the_login_page() {
    let (app, _) = app_with_accounts().await;
    let mut s = Session::default();
    for path in ["/", "/enterprises", "/audit", "/clusters/1"] {
        let res = app.get(&mut s, path).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(res.location.as_deref(), Some("/login"));
    }
    let res = app.get(&mut s, "/login").await;
    assert!(res.body.contains("登录"));
    let bad = app.post_form(&mut s, "/login", &[("username", "district"), ("password", "nope")]).await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    assert!(bad.body.contains("用户名或密码错误"));
}

#[tokio::test]
async fn state_changes_need_the_csrf_token() {
    let (app, _) = app_with_accounts().await;
    let mut s = app.login("district", PASSWORD).await;
    let res = app
        .post_form(
            &mut s,
            "/regions/parks",
            &[("name", "测试园"), ("town", &town("新桥").to_string()), ("_csrf", "forged")],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.body.contains("页面已过期"));
    let res = app.post_form(&mut s, "/regions/parks", &[("name", "测试园"), ("town", &town("新桥").to_string())]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = app.get(&mut s, "/regions").await;
    assert!(page.body.contains("测试园"));
    // Logging in without the token fails as well.
    let mut anon = Session::default();
    app.get(&mut anon, "/login").await;
    let res =
        app.post_form(&mut anon, "/login", &[("username", "district"), ("password", PASSWORD), ("_csrf", "x")]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

fn sessions(app: &TestApp) -> qunlian_store::accounts::DbSessionStore {
    qunlian_store::accounts::DbSessionStore::new(app.db.store.clone())
}

/// Issue #11 point 8: an anonymous visit wrote a session row (for the login form's CSRF
/// token); now the token rides in a cookie and only a login stores a session.
#[tokio::test]
async fn anonymous_pages_write_no_session() {
    let (app, _) = app_with_accounts().await;
    let mut anon = Session::default();
    for path in ["/login", "/", "/enterprises", "/login"] {
        app.get(&mut anon, path).await;
    }
    let bad = app.post_form(&mut anon, "/login", &[("username", "district"), ("password", "wrong")]).await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED, "the cookie's token is accepted: {}", bad.body);
    assert_eq!(sessions(&app).count().await.unwrap(), 0);
    app.login("district", PASSWORD).await;
    assert_eq!(sessions(&app).count().await.unwrap(), 1);
}

/// Issue #11 point 5: the page said “账号已锁定至…” or “账号已停用” for existing accounts and
/// “用户名或密码错误” for unknown ones. Now one sentence, one status, for every refusal.
#[tokio::test]
async fn login_refusals_do_not_tell_whether_the_account_exists() {
    let (app, _) = app_with_accounts().await;
    let s = &app.db.store;
    let sysadmin = system_caller(&app, "sysadmin").await;
    let leader = s.accounts().user_by_name("leader").await.unwrap().unwrap().id;
    s.accounts().set_disabled(&sysadmin, leader, true).await.unwrap();
    for _ in 0..qunlian_store::accounts::MAX_FAILED_LOGINS {
        s.accounts().login("town", "wrong", None).await.unwrap();
    }
    let mut bodies = Vec::new();
    for (name, password) in [("nobody", PASSWORD), ("district", "wrong"), ("town", PASSWORD), ("leader", PASSWORD)] {
        let mut anon = Session::default();
        app.get(&mut anon, "/login").await;
        let res = app.post_form(&mut anon, "/login", &[("username", name), ("password", password)]).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{name}");
        let message = qunlian_store::accounts::LoginOutcome::REFUSED;
        assert!(res.body.contains(message), "{name}: {}", res.body);
        assert!(!res.body.contains("已锁定至") && !res.body.contains("账号已停用"), "{name}");
        bodies.push(crate::between(&res.body, "role=\"alert\">", "</p>"));
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]), "the refusals differ");
}

/// A login POST from a given address, as the server sees it behind `ConnectInfo`.
async fn login_from(app: &TestApp, ip: [u8; 4], password: &str) -> qunlian_testkit::Response {
    login_via(app, ip, None, password).await
}

/// A login from the peer `ip`, with an `X-Forwarded-For` header when given.
async fn login_via(app: &TestApp, ip: [u8; 4], forwarded: Option<&str>, password: &str) -> qunlian_testkit::Response {
    use axum::extract::ConnectInfo;
    let mut s = Session::default();
    app.get(&mut s, "/login").await;
    let body = serde_urlencoded::to_string([
        ("username", "district"),
        ("password", password),
        ("_csrf", s.csrf.as_deref().unwrap()),
    ])
    .unwrap();
    let mut req = axum::http::Request::post("/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .extension(ConnectInfo(std::net::SocketAddr::from((ip, 40000))));
    if let Some(f) = forwarded {
        req = req.header("x-forwarded-for", f);
    }
    app.send(&mut s, req.body(axum::body::Body::from(body)).unwrap()).await
}

/// Issue #11 point 4 behind a proxy: X-Forwarded-For names the client only when the peer is
/// a configured trusted proxy. Through the proxy two clients are throttled apart; a client
/// connecting directly cannot escape its throttle by forging the header.
#[tokio::test]
async fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
    let (mut app, _) = app_with_accounts().await;
    let config = qunlian_web::Config {
        district: songjiang(),
        session_minutes: 30,
        secure_cookies: false,
        demo: false,
        public_url: None,
        trusted_proxies: vec!["10.9.9.9".parse().unwrap()],
    };
    app.router = qunlian_web::router(qunlian_web::AppState::new(app.db.store.clone(), config));
    let s = &app.db.store;
    let security = system_caller(&app, "security").await;
    let district = s.accounts().user_by_name("district").await.unwrap().unwrap().id;
    let proxy = [10, 9, 9, 9];
    for i in 0..30 {
        // Forged by the client itself, then appended by the proxy: the proxy's entry counts.
        let res = login_via(&app, proxy, Some("192.0.2.77, 203.0.113.1"), "wrong").await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "attempt {i}");
        // A client connecting directly forges a fresh address each time: ignored, its own counts.
        let forged = format!("198.51.100.{i}");
        let res = login_via(&app, [10, 0, 0, 7], Some(&forged), "wrong").await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "direct attempt {i}");
        s.accounts().unlock_user(&security, district).await.unwrap();
    }
    assert_eq!(login_via(&app, proxy, Some("203.0.113.1"), PASSWORD).await.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        login_via(&app, [10, 0, 0, 7], Some("198.51.100.200"), PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another client behind the same proxy is not throttled with the first.
    assert_eq!(login_via(&app, proxy, Some("203.0.113.2"), PASSWORD).await.status, StatusCode::SEE_OTHER);
    // The audit log records the client, not the proxy.
    let auditor = system_caller(&app, "auditor").await;
    let filter = qunlian_store::audit::AuditFilter { q: Some("district".into()), ..Default::default() };
    let entries =
        s.audit().search(&auditor, &filter, qunlian_store::PageRequest::new(Some(1), Some(500))).await.unwrap();
    assert!(entries.items.iter().any(|e| e.ip.as_deref() == Some("203.0.113.2")), "the client's address is audited");
    assert!(!entries.items.iter().any(|e| e.ip.as_deref().is_some_and(|ip| ip.starts_with("198.51.100."))));
}

/// Issue #11 point 5: a per-address throttle. After its allowance of attempts an address
/// is refused (429, whatever the account), while another address still logs in.
#[tokio::test]
async fn one_address_is_throttled() {
    let (app, _) = app_with_accounts().await;
    let s = &app.db.store;
    let security = system_caller(&app, "security").await;
    let district = s.accounts().user_by_name("district").await.unwrap().unwrap().id;
    for i in 0..30 {
        let res = login_from(&app, [10, 0, 0, 1], "wrong").await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "attempt {i}");
        s.accounts().unlock_user(&security, district).await.unwrap();
    }
    let res = login_from(&app, [10, 0, 0, 1], PASSWORD).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(res.body.contains("登录尝试过于频繁"), "{}", res.body);
    assert_eq!(login_from(&app, [10, 0, 0, 2], PASSWORD).await.status, StatusCode::SEE_OTHER);
}

/// Issue #11 point 12: the security headers on pages, API, assets and errors alike.
#[tokio::test]
async fn every_response_has_the_security_headers() {
    let (app, _) = app_with_accounts().await;
    for path in ["/login", "/api/v1/openapi.json", "/assets/app.css", "/no-such-page", "/"] {
        let res = app.router.clone().oneshot_get(path).await;
        let h = |name: &str| res.headers().get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        let csp = h("content-security-policy");
        assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "{path}: {csp}");
        assert_eq!(h("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(h("x-frame-options"), "DENY", "{path}");
        assert_eq!(h("referrer-policy"), "same-origin", "{path}");
    }
    // No page carries an inline script or style the policy would block.
    let mut d = app.login("district", PASSWORD).await;
    for path in ["/", "/enterprises", "/orgs", "/coverage", "/policies", "/listings", "/services"] {
        let body = app.get(&mut d, path).await.body;
        assert!(!body.contains(" style=\"") && !body.contains(" onclick="), "{path}");
        assert!(!body.contains("<script>") && !body.contains("<style"), "{path}");
    }
}

/// Issue #11 point 9 through the pages: a password change ends the account's other
/// sessions (the one that made it carries on); a disable ends all of them.
#[tokio::test]
async fn a_password_change_or_a_disable_ends_the_other_sessions() {
    let (app, _) = app_with_accounts().await;
    let mut here = app.login("district", PASSWORD).await;
    let mut there = app.login("district", PASSWORD).await;
    let new = "Changed@Pass2026";
    let res = app.post_form(&mut here, "/password", &[("current", PASSWORD), ("new", new), ("confirm", new)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(app.get(&mut here, "/enterprises").await.status, StatusCode::OK);
    let res = app.get(&mut there, "/enterprises").await;
    assert_eq!(res.location.as_deref(), Some("/login"), "the other session lived on");
    let mut sysadmin = app.login("sysadmin", PASSWORD).await;
    let id = app.db.store.accounts().user_by_name("district").await.unwrap().unwrap().id;
    let res = app.post_form(&mut sysadmin, &format!("/users/{id}/disable"), &[]).await;
    assert!(res.body.contains("账号已停用"), "{}", res.body);
    assert_eq!(app.get(&mut here, "/enterprises").await.location.as_deref(), Some("/login"));
}

/// Issue #11 point 4 through the pages: the system administrator creates an account (any
/// role it posts is ignored) and sees its one-time password; logged in with it, every page
/// leads to the password change; the security administrator grants after the change, the
/// system administrator cannot.
#[tokio::test]
async fn a_one_time_password_opens_nothing_but_the_change() {
    let (app, _) = app_with_accounts().await;
    let mut sysadmin = app.login("sysadmin", PASSWORD).await;
    let fields = [("username", "newbie"), ("display_name", "新人"), ("role", "district_admin"), ("scope_kind", "all")];
    let res = app.post_form(&mut sysadmin, "/users", &fields).await;
    let otp = crate::between(&res.body, "一次性密码：", "（");
    let u = app.db.store.accounts().user_by_name("newbie").await.unwrap().unwrap();
    assert_eq!((u.role, u.must_change_password), (Role::Pending, true));
    let grant = [("role", "district_admin"), ("scope_kind", "all")];
    let res = app.post_form(&mut sysadmin, &format!("/users/{}/grant", u.id), &grant).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let mut newbie = app.login("newbie", &otp).await;
    for path in ["/", "/enterprises", "/users", "/tokens"] {
        assert_eq!(app.get(&mut newbie, path).await.location.as_deref(), Some("/password"), "{path}");
    }
    let mut security = app.login("security", PASSWORD).await;
    let res = app.post_form(&mut security, &format!("/users/{}/grant", u.id), &grant).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("一次性密码尚未修改"), "{}", res.body);
    let new = "Newbie@Pass2026";
    let res = app.post_form(&mut newbie, "/password", &[("current", &otp), ("new", new), ("confirm", new)]).await;
    assert_eq!(res.location.as_deref(), Some("/password"), "a pending account lands on the notice");
    assert!(app.get(&mut newbie, "/password").await.body.contains("id=\"awaiting-grant\""));
    assert_eq!(app.get(&mut newbie, "/enterprises").await.status, StatusCode::FORBIDDEN);
    let res = app.post_form(&mut security, &format!("/users/{}/grant", u.id), &grant).await;
    assert!(res.body.contains("已授予角色"), "{}", res.body);
    // The grant ended the session: the owner logs in again with the role.
    assert_eq!(app.get(&mut newbie, "/enterprises").await.location.as_deref(), Some("/login"));
    let mut newbie = app.login("newbie", new).await;
    assert_eq!(app.get(&mut newbie, "/enterprises").await.status, StatusCode::OK);
    // Nobody grants to himself.
    let me = app.db.store.accounts().user_by_name("security").await.unwrap().unwrap().id;
    let res = app.post_form(&mut security, &format!("/users/{me}/grant"), &grant).await;
    assert!(res.body.contains("不能对自己的账号执行此操作"), "{}", res.body);
}

/// Tokens from the page: the expiry is shown when made; a revoked token stops working.
#[tokio::test]
async fn tokens_are_made_with_their_expiry_and_revoked_from_the_page() {
    let (app, _) = app_with_accounts().await;
    let mut d = app.login("district", PASSWORD).await;
    let res = app.post_form(&mut d, "/tokens", &[("name", "对接"), ("days", "30")]).await;
    assert!(res.body.contains("有效期至"), "{}", res.body);
    let token = crate::between(&res.body, "新令牌：<code>", "</code>");
    let auth = format!("Bearer {token}");
    assert_eq!(app.get_with("/api/v1/enterprises", &[("authorization", &auth)]).await.status, StatusCode::OK);
    let id = app.db.store.accounts().tokens(&system_caller(&app, "district").await).await.unwrap()[0].id;
    app.post_form(&mut d, &format!("/tokens/{id}/revoke"), &[]).await;
    let res = app.get_with("/api/v1/enterprises", &[("authorization", &auth)]).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    let res = app.post_form(&mut d, "/tokens", &[("name", "太长"), ("days", "1000")]).await;
    assert!(res.body.contains("有效期：应为 1 到 365 天"), "{}", res.body);
}

async fn system_caller(app: &TestApp, name: &str) -> qunlian_domain::auth::Caller {
    app.db.store.accounts().user_by_name(name).await.unwrap().unwrap().caller(None)
}

/// The brand in the top bar leads to the role's first section: 工作台 refuses the system
/// administrator (三员分立), so his brand leads to 用户管理, not to a 403.
#[tokio::test]
async fn the_brand_leads_each_role_to_a_page_it_may_open() {
    let (app, _) = app_with_accounts().await;
    for (name, home) in [("district", "/"), ("sysadmin", "/users"), ("auditor", "/audit")] {
        let mut s = app.login(name, PASSWORD).await;
        let body = app.get(&mut s, "/password").await.body;
        assert!(
            body.contains(&format!("<a class=\"brand\" href=\"{home}\">")),
            "{name}: the brand does not lead to {home}"
        );
        assert_eq!(app.get(&mut s, home).await.status, StatusCode::OK, "{name} GET {home}");
    }
}
