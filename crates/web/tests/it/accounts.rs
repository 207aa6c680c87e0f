//! Logging in, sessions and CSRF.

use axum::http::StatusCode;
use qunlian_testkit::*;

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
