//! Frozen migrations (docs/decisions/0005-frozen-migrations.md): a database created at any
//! earlier step and migrated to the head has the same schema as one migrated fresh to the
//! head. Runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set (the test command
//! sets it); each case gets a database of its own.

use qunlian_store::migrate;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};

/// The last step. Raise it with each new step, so the new step is also migrated to from the
/// one before.
const HEAD: i64 = 31;

pub(crate) struct TestDatabase {
    pub(crate) db: DatabaseConnection,
    _dir: Option<tempfile::TempDir>,
}

/// A new, empty database: a temporary SQLite file, or a new database on the PostgreSQL server
/// of TEST_DATABASE_URL (left for the throwaway server to take with it).
pub(crate) async fn empty_database() -> TestDatabase {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(base) if !base.is_empty() => {
            let name = format!("m_{:016x}", rand::random::<u64>());
            let server =
                Database::connect(&base).await.expect("TEST_DATABASE_URL must point at a reachable PostgreSQL");
            server.execute_unprepared(&format!("CREATE DATABASE {name}")).await.unwrap();
            server.close().await.unwrap();
            let (prefix, _) = base.rsplit_once('/').unwrap();
            TestDatabase { db: Database::connect(format!("{prefix}/{name}")).await.unwrap(), _dir: None }
        }
        _ => {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}?mode=rwc", dir.path().join("m.sqlite").display());
            TestDatabase { db: Database::connect(url).await.unwrap(), _dir: Some(dir) }
        }
    }
}

#[tokio::test]
async fn a_database_migrated_from_any_old_step_has_the_schema_of_a_fresh_one() {
    let fresh = empty_database().await;
    migrate::run(&fresh.db).await.unwrap();
    let head = dump(&fresh.db).await;
    assert_eq!(applied(&fresh.db).await, (1..=HEAD).collect::<Vec<_>>(), "a fresh database applies every step");
    assert!(head.iter().any(|l| l.contains("service_report_town_cells")), "the dump sees the head's tables");

    // 0: only the bookkeeping table; HEAD: migrating a database at the head changes nothing.
    for step in 0..=HEAD {
        let old = empty_database().await;
        migrate::run_to(&old.db, step).await.unwrap();
        assert_eq!(applied(&old.db).await, (1..=step).collect::<Vec<_>>(), "run_to({step}) stops at step {step}");
        migrate::run(&old.db).await.unwrap();
        let migrated = dump(&old.db).await;
        assert!(
            migrated == head,
            "a database created at step {step} and migrated to the head differs from a fresh one:\n{}",
            difference(&migrated, &head)
        );
    }
}

/// The versions recorded as applied, in order.
async fn applied(db: &DatabaseConnection) -> Vec<i64> {
    rows(db, "SELECT CAST(version AS TEXT) AS v FROM schema_migrations ORDER BY version")
        .await
        .iter()
        .map(|row| row[0].parse().unwrap())
        .collect()
}

/// The schema as lines of text, in a stable order, with the SQL's whitespace collapsed:
/// SQLite's `sqlite_master` (tables, indexes, triggers with their SQL) and each table's
/// columns and indexes; PostgreSQL's columns, indexes, constraints, triggers, the functions
/// they call and sequences. Then the rows the migrations themselves write (step names, the
/// derived tables' versions).
async fn dump(db: &DatabaseConnection) -> Vec<String> {
    let mut out = Vec::new();
    match db.get_database_backend() {
        DbBackend::Postgres => {
            for (what, sql) in [
                (
                    "column",
                    "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text, \
                     COALESCE(column_default::text, ''), is_identity::text, COALESCE(identity_generation::text, '') \
                     FROM information_schema.columns WHERE table_schema = 'public' \
                     ORDER BY table_name, ordinal_position",
                ),
                (
                    "index",
                    "SELECT tablename::text, indexname::text, indexdef FROM pg_indexes \
                     WHERE schemaname = 'public' ORDER BY 1, 2",
                ),
                (
                    "constraint",
                    "SELECT conrelid::regclass::text, conname::text, contype::text, pg_get_constraintdef(oid) \
                     FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2",
                ),
                (
                    "trigger",
                    "SELECT c.relname::text, t.tgname::text, pg_get_triggerdef(t.oid), p.proname::text \
                     FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid \
                     WHERE NOT t.tgisinternal ORDER BY 1, 2",
                ),
                (
                    "function",
                    "SELECT p.proname::text, pg_get_functiondef(p.oid) FROM pg_proc p \
                     WHERE p.pronamespace = 'public'::regnamespace ORDER BY 1",
                ),
                (
                    "sequence",
                    "SELECT sequencename::text, data_type::text FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1",
                ),
            ] {
                section(&mut out, db, what, sql).await;
            }
        }
        _ => {
            section(
                &mut out,
                db,
                "object",
                "SELECT type, name, tbl_name, COALESCE(sql, '') FROM sqlite_master \
                 WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
            )
            .await;
            let tables = rows(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").await;
            for table in tables.iter().map(|row| &row[0]) {
                section(
                    &mut out,
                    db,
                    &format!("column {table}"),
                    &format!(
                        "SELECT name, type, CAST(\"notnull\" AS TEXT), COALESCE(dflt_value, ''), CAST(pk AS TEXT) \
                         FROM pragma_table_info('{table}') ORDER BY cid"
                    ),
                )
                .await;
                let indexes = rows(
                    db,
                    &format!(
                        "SELECT name, CAST(\"unique\" AS TEXT), origin, CAST(partial AS TEXT) \
                         FROM pragma_index_list('{table}') ORDER BY name"
                    ),
                )
                .await;
                for index in indexes {
                    let columns = rows(
                        db,
                        &format!("SELECT COALESCE(name, '') FROM pragma_index_info('{}') ORDER BY seqno", index[0]),
                    )
                    .await;
                    let columns: Vec<_> = columns.into_iter().map(|row| row[0].clone()).collect();
                    out.push(format!("index {table} | {} | {}", index.join(" | "), columns.join(", ")));
                }
            }
        }
    }
    section(&mut out, db, "step", "SELECT CAST(version AS TEXT) AS v, name FROM schema_migrations ORDER BY version")
        .await;
    section(
        &mut out,
        db,
        "derived_state",
        "SELECT name, CAST(version AS TEXT), CAST(built_version AS TEXT), COALESCE(CAST(built_for AS TEXT), '') \
         FROM derived_state ORDER BY name",
    )
    .await;
    out
}

async fn section(out: &mut Vec<String>, db: &DatabaseConnection, what: &str, sql: &str) {
    for row in rows(db, sql).await {
        out.push(format!("{what} | {}", row.iter().map(|v| normalise(v)).collect::<Vec<_>>().join(" | ")));
    }
}

/// Every row of `sql`, whose columns are all text.
pub(crate) async fn rows(db: &DatabaseConnection, sql: &str) -> Vec<Vec<String>> {
    let backend = db.get_database_backend();
    let result = db.query_all_raw(Statement::from_string(backend, sql)).await.unwrap();
    result
        .iter()
        .map(|row| {
            (0..row.column_names().len())
                .map(|i| row.try_get_by_index::<Option<String>>(i).unwrap().unwrap_or_default())
                .collect()
        })
        .collect()
}

fn normalise(sql: &str) -> String {
    sql.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The lines only one side has, for the failure message.
fn difference(migrated: &[String], fresh: &[String]) -> String {
    let only = |a: &[String], b: &[String]| a.iter().filter(|l| !b.contains(l)).cloned().collect::<Vec<_>>();
    let mut text = String::new();
    for line in only(migrated, fresh) {
        text.push_str(&format!("  only after migrating: {line}\n"));
    }
    for line in only(fresh, migrated) {
        text.push_str(&format!("  only in the fresh one: {line}\n"));
    }
    if text.is_empty() {
        text.push_str("  the same lines in another order\n");
    }
    text
}

/// Step 26 moves a talent apartment's activities into `activities`, organised by the
/// apartment's service point, held there; the old table goes.
#[tokio::test]
async fn step_26_moves_the_apartments_activities_into_activities() {
    let old = empty_database().await;
    migrate::run_to(&old.db, 24).await.unwrap();
    for sql in [
        "INSERT INTO talent_apartments (name, town_code, address, managing_org, service_point, recorded_by, is_demo, created_at) \
         VALUES ('方松人才公寓', '310117003', '某路1号', '方松综合党委', '方松人才公寓党建服务站', 'town', false, '2021-05-01T00:00:00+00:00')",
        "INSERT INTO talent_apartment_activities (apartment_id, held_on, title, note, recorded_by, is_demo, created_at) \
         VALUES (1, '2021-05-20', '青年人才分享会', '二十人参加', 'town', true, '2021-05-21T00:00:00+00:00')",
    ] {
        old.db.execute_unprepared(sql).await.unwrap();
    }
    migrate::run(&old.db).await.unwrap();
    let moved = rows(
        &old.db,
        "SELECT organiser_kind, CAST(organiser_id AS TEXT), town_code, kind, subject, CAST(held_on AS TEXT), place, \
         minutes, CAST(headcount AS TEXT) FROM activities",
    )
    .await;
    assert_eq!(
        moved,
        vec![vec![
            "apartment",
            "1",
            "310117003",
            "theme_day",
            "青年人才分享会",
            "2021-05-20",
            "方松人才公寓党建服务站",
            "二十人参加",
            "0"
        ]]
    );
    let gone = old.db.execute_unprepared("SELECT 1 FROM talent_apartment_activities").await;
    assert!(gone.is_err(), "the old table is dropped");
}
