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

/// Issue #11 point 5: forty wrong passwords at once, then the right one. Before the count
/// was one UPDATE, each attempt read the same count and wrote it back plus one, so the
/// account ended with one or two failures and the right password logged in.
#[tokio::test]
async fn parallel_wrong_passwords_lock_the_account() {
    let db = TestDb::new().await;
    let s = &db.store;
    user(s, "target", Role::DistrictAdmin, Scope::All).await;
    let attempts: Vec<_> = (0..40)
        .map(|i| {
            let s = s.clone();
            tokio::spawn(async move { s.accounts().login("target", &format!("wrong-{i}"), None).await.unwrap() })
        })
        .collect();
    for a in attempts {
        assert!(!matches!(a.await.unwrap(), LoginOutcome::Ok(_)));
    }
    let u = s.accounts().user_by_name("target").await.unwrap().unwrap();
    assert!(u.failed_logins >= MAX_FAILED_LOGINS, "only {} failures counted", u.failed_logins);
    assert!(matches!(s.accounts().login("target", PASSWORD, None).await.unwrap(), LoginOutcome::Locked { .. }));
    // The first failure after the lock ends locks again; an unlock starts the count anew.
    db.clock.advance(chrono::Duration::minutes(16));
    assert!(matches!(s.accounts().login("target", "wrong", None).await.unwrap(), LoginOutcome::Locked { .. }));
    let security = user(s, "security", Role::SecurityAdmin, Scope::Nothing).await;
    s.accounts().unlock_user(&security, u.id).await.unwrap();
    assert!(matches!(s.accounts().login("target", PASSWORD, None).await.unwrap(), LoginOutcome::Ok(_)));
}

fn pending(name: &str) -> qunlian_store::accounts::NewUser {
    qunlian_store::accounts::NewUser {
        username: name.into(),
        display_name: name.into(),
        password: PASSWORD.into(),
        role: Role::Pending,
        scope: Scope::Nothing,
        must_change_password: true,
    }
}

/// Issue #11 point 4: the system administrator created a district administrator with scope
/// 全部 and logged in as it. Now it creates accounts without a role, cannot grant one, and
/// a reset takes the role back; the security administrator grants, never to itself, and
/// not before the owner has changed the one-time password.
#[tokio::test]
async fn the_three_administrators_are_separated() {
    use qunlian_store::StoreError;
    let db = TestDb::new().await;
    let s = &db.store;
    let a = s.accounts();
    let sysadmin = user(s, "sysadmin", Role::SystemAdmin, Scope::Nothing).await;
    let security = user(s, "security", Role::SecurityAdmin, Scope::Nothing).await;
    let business = qunlian_store::accounts::NewUser { role: Role::DistrictAdmin, scope: Scope::All, ..pending("boss") };
    assert!(matches!(a.create_user(&sysadmin, business.clone()).await, Err(StoreError::Forbidden)));
    assert!(matches!(a.create_user(&security, pending("x")).await, Err(StoreError::Forbidden)));
    let id = a.create_user(&sysadmin, pending("boss")).await.unwrap();
    assert!(matches!(a.grant(&sysadmin, id, Role::DistrictAdmin, Scope::All).await, Err(StoreError::Forbidden)));
    // The one-time password is still pending: no business role yet.
    let err = a.grant(&security, id, Role::DistrictAdmin, Scope::All).await.unwrap_err();
    assert!(err.to_string().contains("一次性密码尚未修改"), "{err}");
    let owner = a.user(id).await.unwrap().unwrap().caller(None);
    a.set_password(&owner, id, "Owner@Pass2026").await.unwrap();
    let err = a.grant(&security, id, Role::DistrictAdmin, Scope::Nothing).await.unwrap_err();
    assert!(err.to_string().contains("数据范围"), "{err}");
    a.grant(&security, id, Role::DistrictAdmin, Scope::All).await.unwrap();
    assert_eq!(a.user(id).await.unwrap().unwrap().role, Role::DistrictAdmin);
    // Nobody grants to himself, nor resets, disables or unlocks himself.
    assert!(a.grant(&security, security.user_id, Role::DistrictAdmin, Scope::All).await.is_err());
    assert!(a.reset_password(&sysadmin, sysadmin.user_id).await.is_err());
    assert!(a.set_disabled(&sysadmin, sysadmin.user_id, true).await.is_err());
    // The system administrator cannot set a password directly, nor unlock.
    assert!(matches!(a.set_password(&sysadmin, id, "Other@Pass2026").await, Err(StoreError::Forbidden)));
    assert!(matches!(a.unlock_user(&sysadmin, id).await, Err(StoreError::Forbidden)));
    // A reset by the system administrator takes the role back, for the business account and
    // for the security administrator alike: the password it saw opens nothing.
    for target in [id, security.user_id] {
        let one_time = a.reset_password(&sysadmin, target).await.unwrap();
        let u = a.user(target).await.unwrap().unwrap();
        assert_eq!((u.role, u.scope.clone(), u.must_change_password), (Role::Pending, Scope::Nothing, true));
        assert!(matches!(a.login(&u.username, &one_time, None).await.unwrap(), LoginOutcome::Ok(_)));
    }
    // Nor may the security administrator issue a token that acts as another account.
    let other = user(s, "other", Role::Leader, Scope::All).await;
    assert!(matches!(a.issue_token(&sysadmin, other.user_id, "t", None).await, Err(StoreError::Forbidden)));
}

/// The audit administrator reads every account's actions, the other administrators'
/// included; they cannot read the log.
#[tokio::test]
async fn the_auditor_reads_the_other_administrators_actions() {
    use qunlian_store::audit::AuditFilter;
    let db = TestDb::new().await;
    let s = &db.store;
    let sysadmin = user(s, "sysadmin", Role::SystemAdmin, Scope::Nothing).await;
    let security = user(s, "security", Role::SecurityAdmin, Scope::Nothing).await;
    let auditor = user(s, "auditor", Role::AuditAdmin, Scope::Nothing).await;
    let id = s.accounts().create_user(&sysadmin, pending("someone")).await.unwrap();
    s.accounts().grant(&security, id, Role::Pending, Scope::Nothing).await.unwrap();
    let all = AuditFilter::default();
    let entries = s.audit().search(&auditor, &all, qunlian_store::PageRequest::new(None, None)).await.unwrap().items;
    assert!(entries.iter().any(|e| e.username == "sysadmin" && e.action == "user.create"));
    assert!(entries.iter().any(|e| e.username == "security" && e.action == "user.grant"));
    for other in [&sysadmin, &security] {
        let res = s.audit().search(other, &all, qunlian_store::PageRequest::new(None, None)).await;
        assert!(res.is_err(), "{} read the audit log", other.username);
    }
}

/// Issue #11 point 9: tokens expire and can be revoked; a password change, a disable and a
/// role change end the account's sessions (its session number rises) and tokens.
#[tokio::test]
async fn tokens_expire_and_account_changes_end_sessions_and_tokens() {
    let db = TestDb::new().await;
    let s = &db.store;
    let a = s.accounts();
    let u = user(s, "api", Role::Leader, Scope::All).await;
    let sysadmin = user(s, "sysadmin", Role::SystemAdmin, Scope::Nothing).await;
    let security = user(s, "security", Role::SecurityAdmin, Scope::Nothing).await;
    let epoch = || async { a.user(u.user_id).await.unwrap().unwrap().session_epoch };
    let works = |t: String| async move { a.user_by_token(&t).await.unwrap().is_some() };

    let short = a.issue_token(&u, u.user_id, "短期", Some(1)).await.unwrap();
    assert_eq!(short.expires_at, s.now() + chrono::Duration::days(1));
    let default = a.issue_token(&u, u.user_id, "默认", None).await.unwrap();
    assert_eq!(default.expires_at, s.now() + chrono::Duration::days(90));
    assert!(a.issue_token(&u, u.user_id, "太长", Some(400)).await.is_err());
    assert!(works(short.token.clone()).await);
    db.clock.advance(chrono::Duration::days(2));
    assert!(!works(short.token).await, "an expired token still worked");
    assert!(works(default.token.clone()).await);
    let listed = a.tokens(&u).await.unwrap();
    assert_eq!(listed.len(), 2);
    a.revoke_token(&u, listed[0].id).await.unwrap();
    assert!(!works(default.token).await, "a revoked token still worked");
    // Someone else's token is not found for him to revoke.
    let theirs = a.issue_token(&sysadmin, sysadmin.user_id, "管理", None).await.unwrap();
    let their_id = a.tokens(&sysadmin).await.unwrap()[0].id;
    assert!(a.revoke_token(&u, their_id).await.is_err());
    assert!(works(theirs.token).await);

    for (what, change) in ["password", "disable", "grant"].into_iter().zip(0..) {
        let before = epoch().await;
        let token = a.create_token(&u, u.user_id, what).await.unwrap();
        match change {
            0 => drop(a.set_password(&u, u.user_id, "Changed@Pass2026").await.unwrap()),
            1 => a.set_disabled(&sysadmin, u.user_id, true).await.unwrap(),
            _ => a.grant(&security, u.user_id, Role::Leader, Scope::Region(songjiang())).await.unwrap(),
        }
        assert!(epoch().await > before, "{what}: sessions not ended");
        assert!(!works(token).await, "{what}: the token still worked");
        if change == 1 {
            assert!(matches!(a.login("api", "Changed@Pass2026", None).await.unwrap(), LoginOutcome::Disabled));
            a.set_disabled(&sysadmin, u.user_id, false).await.unwrap();
            assert!(matches!(a.login("api", "Changed@Pass2026", None).await.unwrap(), LoginOutcome::Ok(_)));
        }
    }
    // A token of an account whose one-time password is pending is refused.
    let token = a.create_token(&u, u.user_id, "待改密").await.unwrap();
    a.reset_password(&sysadmin, u.user_id).await.unwrap();
    assert!(!works(token).await);
}
