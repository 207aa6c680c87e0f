use qunlian_domain::Phone;
use qunlian_domain::auth::{Role, Scope};
use qunlian_store::PageRequest;
use qunlian_store::audit::AuditFilter;
use qunlian_testkit::*;

#[tokio::test]
async fn phones_are_encrypted_masked_and_every_reveal_is_audited() {
    let db = TestDb::new().await;
    let s = &db.store;
    let mut e = enterprise(1, "上海甲有限公司", "新桥");
    e.contact_phone = Some(Phone::parse("13812345678").unwrap());
    let id = s.registry().create_enterprise(&system(), e).await.unwrap();
    let shown = s.registry().enterprise(&system(), id).await.unwrap();
    assert_eq!(shown.contact_phone.as_deref(), Some("138****5678"));

    // At rest: no digits of the phone in the row.
    let raw = raw_column(&db, "SELECT contact_phone_enc FROM units").await;
    assert!(!raw.contains("12345678") && !raw.is_empty(), "{raw}");

    let leader = user(s, "l", Role::Leader, Scope::All).await;
    assert!(s.registry().reveal_contact_phone(&leader, id).await.is_err(), "a leader reads but does not reveal");
    let admin = user(s, "a", Role::DistrictAdmin, Scope::All).await;
    assert_eq!(s.registry().reveal_contact_phone(&admin, id).await.unwrap().as_deref(), Some("13812345678"));
    let found = s.registry().enterprises_by_phone(&admin, &Phone::parse("138 1234 5678").unwrap()).await.unwrap();
    assert_eq!(found.len(), 1);

    let auditor = user(s, "au", Role::AuditAdmin, Scope::Nothing).await;
    let log = s
        .audit()
        .search(
            &auditor,
            &AuditFilter { action: Some("personal.read".into()), ..Default::default() },
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(log.total, 1);
    assert_eq!(log.items[0].username, "a");
}

/// Reads one text column through a separate connection, as an attacker with the file would.
pub(crate) async fn raw_column(db: &TestDb, sql: &str) -> String {
    use sqlx::{Connection, Row};
    if db.is_postgres() {
        let mut c = sqlx::PgConnection::connect(&db.url).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(sql.to_owned())).fetch_one(&mut c).await.unwrap().get::<String, _>(0)
    } else {
        let mut c = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(sql.to_owned())).fetch_one(&mut c).await.unwrap().get::<String, _>(0)
    }
}

#[tokio::test]
async fn the_audit_log_refuses_updates_and_deletes() {
    let db = TestDb::new().await;
    db.store.audit().record(&system(), "test", "x", None, "一条记录").await.unwrap();
    use sqlx::Connection;
    for sql in ["UPDATE audit_log SET detail = 'changed'", "DELETE FROM audit_log"] {
        let result = if db.is_postgres() {
            let mut c = sqlx::PgConnection::connect(&db.url).await.unwrap();
            sqlx::query(sql).execute(&mut c).await.map(|_| ())
        } else {
            let mut c = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
            sqlx::query(sql).execute(&mut c).await.map(|_| ())
        };
        assert!(result.is_err(), "{sql} must be refused");
    }
}
