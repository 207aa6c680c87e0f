use qunlian_domain::auth::{Role, Scope};
use qunlian_store::accounts::{LoginOutcome, MAX_FAILED_LOGINS};
use qunlian_testkit::*;

#[tokio::test]
async fn lockout_after_repeated_failures_then_release() {
    let db = TestDb::new().await;
    let s = &db.store;
    user(s, "u", Role::Leader, Scope::All).await;
    for _ in 0..MAX_FAILED_LOGINS - 1 {
        assert!(matches!(s.accounts().login("u", "wrong", None).await.unwrap(), LoginOutcome::BadCredentials));
    }
    assert!(matches!(s.accounts().login("u", "wrong", None).await.unwrap(), LoginOutcome::Locked { .. }));
    // Even the right password is refused while locked.
    assert!(matches!(s.accounts().login("u", PASSWORD, None).await.unwrap(), LoginOutcome::Locked { .. }));
    db.clock.advance(chrono::Duration::minutes(16));
    assert!(matches!(s.accounts().login("u", PASSWORD, None).await.unwrap(), LoginOutcome::Ok(_)));
    assert!(matches!(s.accounts().login("nobody", PASSWORD, None).await.unwrap(), LoginOutcome::BadCredentials));
}

#[tokio::test]
async fn weak_passwords_and_wrong_scopes_are_refused() {
    let db = TestDb::new().await;
    let s = &db.store;
    let new = |pw: &str, role, scope| qunlian_store::accounts::NewUser {
        username: "n".into(),
        display_name: "n".into(),
        password: pw.into(),
        role,
        scope,
        must_change_password: false,
    };
    let err = s.accounts().create_user(&system(), new("short", Role::Leader, Scope::All)).await.unwrap_err();
    assert!(err.to_string().contains("密码"), "{err}");
    let err = s.accounts().create_user(&system(), new(PASSWORD, Role::AuditAdmin, Scope::All)).await.unwrap_err();
    assert!(err.to_string().contains("范围"), "{err}");
    // Only the system administrator manages users.
    let admin = user(s, "a", Role::DistrictAdmin, Scope::All).await;
    assert!(s.accounts().create_user(&admin, new(PASSWORD, Role::Leader, Scope::All)).await.is_err());
}

#[tokio::test]
async fn tokens_are_stored_as_digests_and_resolve_to_their_user() {
    let db = TestDb::new().await;
    let s = &db.store;
    let u = user(s, "api", Role::Leader, Scope::All).await;
    let token = s.accounts().create_token(&system(), u.user_id, "测试").await.unwrap();
    assert!(token.starts_with("qlt_"));
    assert_eq!(s.accounts().user_by_token(&token).await.unwrap().unwrap().username, "api");
    assert!(s.accounts().user_by_token("qlt_guess").await.unwrap().is_none());
}
