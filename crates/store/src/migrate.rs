//! Schema migrations for both backends from one definition: tables come from the SeaORM
//! entities (so SQLite and PostgreSQL DDL cannot drift), extra indexes and triggers are
//! written per backend where the dialects differ.

use sea_orm::sea_query::Index;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, Schema, Statement};

use crate::entity::*;

/// Applied in order, once each; a step never changes after it has shipped.
const STEPS: &[(i64, &str)] = &[
    (1, "registry, users, sessions, audit"),
    (2, "coverage"),
    (3, "covering index for the enterprise list"),
    (4, "services: calendar, catalogue, requests"),
    (5, "policies: library, pushes, receipts"),
    (6, "service request attachments"),
    (7, "elapsed time of finished service requests, for reports"),
    (8, "services report and stage times as derived tables kept by triggers"),
    (9, "matchmaking: listings with their change log, introductions"),
    (10, "services report cells keyed by the enterprise's town too, for district and department reports"),
];

pub async fn run(db: &DatabaseConnection) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    db.execute_unprepared(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )
    .await?;
    for &(version, name) in STEPS {
        let done = db
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                match backend {
                    DbBackend::Postgres => "SELECT version FROM schema_migrations WHERE version = $1",
                    _ => "SELECT version FROM schema_migrations WHERE version = ?",
                },
                [version.into()],
            ))
            .await?
            .is_some();
        if done {
            continue;
        }
        let txn = sea_orm::TransactionTrait::begin(db).await?;
        match version {
            1 => step_1(&txn, backend).await?,
            2 => step_2(&txn, backend).await?,
            3 => step_3(&txn, backend).await?,
            4 => step_4(&txn, backend).await?,
            5 => step_5(&txn, backend).await?,
            6 => step_6(&txn, backend).await?,
            7 => step_7(&txn, backend).await?,
            8 => step_8(&txn, backend).await?,
            9 => crate::matching::migrate(&txn, backend).await?,
            10 => step_10(&txn, backend).await?,
            _ => return Err(DbErr::Custom(format!("unknown migration {version}"))),
        }
        txn.execute_raw(Statement::from_sql_and_values(
            backend,
            match backend {
                DbBackend::Postgres => "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                _ => "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
            },
            [version.into(), name.into(), chrono::Utc::now().to_rfc3339().into()],
        ))
        .await?;
        txn.commit().await?;
        tracing::info!(version, name, "migration applied");
    }
    Ok(())
}

async fn create<E: EntityTrait>(db: &impl ConnectionTrait, schema: &Schema, entity: E) -> Result<(), DbErr> {
    db.execute(&schema.create_table_from_entity(entity)).await?;
    for index in schema.create_index_from_entity(entity) {
        db.execute(&index).await?;
    }
    Ok(())
}

async fn step_1(db: &impl ConnectionTrait, backend: DbBackend) -> Result<(), DbErr> {
    let schema = Schema::new(backend);
    create(db, &schema, park::Entity).await?;
    create(db, &schema, unit::Entity).await?;
    create(db, &schema, party_org::Entity).await?;
    create(db, &schema, party_org_unit::Entity).await?;
    create(db, &schema, party_org_event::Entity).await?;
    create(db, &schema, cluster::Entity).await?;
    create(db, &schema, cluster_member::Entity).await?;
    create(db, &schema, cluster_region::Entity).await?;
    create(db, &schema, cluster_officer::Entity).await?;
    create(db, &schema, cluster_note::Entity).await?;
    create(db, &schema, alliance::Entity).await?;
    create(db, &schema, alliance_member::Entity).await?;
    create(db, &schema, pairing::Entity).await?;
    create(db, &schema, user::Entity).await?;
    create(db, &schema, api_token::Entity).await?;
    create(db, &schema, session::Entity).await?;
    create(db, &schema, audit::Entity).await?;

    // The enterprise list filters by town and a flag, then sorts by name: one index serves
    // the common path at district scale.
    for (name, cols) in [
        ("idx_units_kind_town_name", vec![unit::Column::Kind, unit::Column::TownCode, unit::Column::Name]),
        ("idx_units_kind_name", vec![unit::Column::Kind, unit::Column::Name]),
        ("idx_units_industry", vec![unit::Column::IndustryCode]),
    ] {
        let mut index = Index::create();
        index.name(name).table(unit::Entity);
        for col in cols {
            index.col(col);
        }
        db.execute(&index).await?;
    }

    // The audit log is append-only: the database itself refuses to change or delete a row.
    match backend {
        DbBackend::Postgres => {
            db.execute_unprepared(
                "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$",
            )
            .await?;
            db.execute_unprepared(
                "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log \
                 FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
            )
            .await?;
        }
        _ => {
            db.execute_unprepared(
                "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log \
                 BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
            )
            .await?;
            db.execute_unprepared(
                "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log \
                 BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
            )
            .await?;
        }
    }
    Ok(())
}

/// Tables whose rows decide coverage: a change to any of them makes the derived coverage
/// tables stale. Triggers keep the count, so no write path can forget to.
const COVERAGE_SOURCES: &[&str] = &[
    "units",
    "parks",
    "party_orgs",
    "party_org_units",
    "cluster_members",
    "clusters",
    "coverage_work_links",
    "coverage_categories",
];

async fn step_2(db: &impl ConnectionTrait, backend: DbBackend) -> Result<(), DbErr> {
    let schema = Schema::new(backend);
    create(db, &schema, coverage_category::Entity).await?;
    create(db, &schema, coverage_work_link::Entity).await?;
    create(db, &schema, coverage_assignment::Entity).await?;
    create(db, &schema, coverage_unit_status::Entity).await?;
    create(db, &schema, coverage_cell::Entity).await?;
    create(db, &schema, coverage_snapshot::Entity).await?;
    create(db, &schema, coverage_snapshot_row::Entity).await?;
    create(db, &schema, derived_state::Entity).await?;
    db.execute_unprepared(
        "INSERT INTO derived_state (name, version, built_version, built_for) VALUES ('coverage', 1, 0, NULL)",
    )
    .await?;
    let mut index = Index::create();
    index
        .name("idx_coverage_cells_key")
        .table(coverage_cell::Entity)
        .col(coverage_cell::Column::CategoryId)
        .col(coverage_cell::Column::TownCode)
        .col(coverage_cell::Column::Status)
        .unique();
    db.execute(&index).await?;

    match backend {
        DbBackend::Postgres => {
            db.execute_unprepared(
                "CREATE OR REPLACE FUNCTION coverage_sources_changed() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN UPDATE derived_state SET version = version + 1 WHERE name = 'coverage'; RETURN NULL; END $$",
            )
            .await?;
            for table in COVERAGE_SOURCES {
                // Once per statement: an import of a million rows bumps the version once.
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER {table}_coverage AFTER INSERT OR UPDATE OR DELETE ON {table} \
                     FOR EACH STATEMENT EXECUTE FUNCTION coverage_sources_changed()"
                ))
                .await?;
            }
            db.execute_unprepared(
                "CREATE OR REPLACE FUNCTION coverage_snapshot_immutable() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN RAISE EXCEPTION 'coverage snapshots are immutable'; END $$",
            )
            .await?;
            for table in ["coverage_snapshots", "coverage_snapshot_rows"] {
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} \
                     FOR EACH ROW EXECUTE FUNCTION coverage_snapshot_immutable()"
                ))
                .await?;
            }
        }
        _ => {
            // SQLite has row triggers only; the UPDATE touches one row of a tiny table.
            for table in COVERAGE_SOURCES {
                for op in ["INSERT", "UPDATE", "DELETE"] {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {table}_coverage_{op} AFTER {op} ON {table} \
                         BEGIN UPDATE derived_state SET version = version + 1 WHERE name = 'coverage'; END",
                        op = op.to_lowercase()
                    ))
                    .await?;
                }
            }
            for table in ["coverage_snapshots", "coverage_snapshot_rows"] {
                for op in ["UPDATE", "DELETE"] {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {table}_no_{lower} BEFORE {op} ON {table} \
                         BEGIN SELECT RAISE(ABORT, 'coverage snapshots are immutable'); END",
                        lower = op.to_lowercase()
                    ))
                    .await?;
                }
            }
        }
    }
    Ok(())
}

/// The enterprise list filters by kind and town, then by flags and part of the name, and
/// sorts by name; coverage counts enterprises by town and the attributes of its rules. One
/// index holding all of those answers both without reading the table (PostgreSQL: an
/// index-only scan over INCLUDE columns; SQLite: a covering index). It replaces the narrow
/// index of step 1 and the town-only and industry indexes, which every such query made
/// redundant (LIKE '39%' cannot use a plain index on either database) and which only
/// slowed imports.
async fn step_3(db: &impl ConnectionTrait, backend: DbBackend) -> Result<(), DbErr> {
    db.execute_unprepared("DROP INDEX IF EXISTS idx_units_kind_town_name").await?;
    db.execute_unprepared(r#"DROP INDEX IF EXISTS "idx-units-town_code""#).await?;
    db.execute_unprepared("DROP INDEX IF EXISTS idx_units_industry").await?;
    let sql = match backend {
        DbBackend::Postgres => {
            "CREATE INDEX idx_units_list ON units (kind, town_code, name, id) \
             INCLUDE (high_tech, above_scale, listed, key_project, srdi, employees, industry_code, park_id, is_demo)"
        }
        _ => {
            "CREATE INDEX idx_units_list ON units (kind, town_code, name, id, high_tech, above_scale, listed, \
             key_project, srdi, employees, industry_code, park_id, is_demo)"
        }
    };
    db.execute_unprepared(sql).await?;
    Ok(())
}

async fn step_4(db: &impl ConnectionTrait, backend: DbBackend) -> Result<(), DbErr> {
    let schema = Schema::new(backend);
    create(db, &schema, calendar_year::Entity).await?;
    create(db, &schema, calendar_day::Entity).await?;
    create(db, &schema, service_item::Entity).await?;
    create(db, &schema, service_request::Entity).await?;
    create(db, &schema, service_event::Entity).await?;
    Ok(())
}

async fn step_5(db: &impl ConnectionTrait, backend: DbBackend) -> Result<(), DbErr> {
    let schema = Schema::new(backend);
    create(db, &schema, policy::Entity).await?;
    create(db, &schema, policy_push::Entity).await?;
    create(db, &schema, policy_push_item::Entity).await?;
    create(db, &schema, policy_receipt::Entity).await?;
    // One receipt per (push, policy, enterprise); the push page counts by push and policy.
    let mut index = Index::create();
    index
        .name("idx_policy_receipts_key")
        .table(policy_receipt::Entity)
        .col(policy_receipt::Column::PushId)
        .col(policy_receipt::Column::PolicyId)
        .col(policy_receipt::Column::UnitId)
        .unique();
    db.execute(&index).await?;
    Ok(())
}

async fn step_6(db: &impl ConnectionTrait, backend: DbBackend) -> Result<(), DbErr> {
    create(db, &Schema::new(backend), service_attachment::Entity).await
}

/// Finished requests keep their elapsed office minutes and whether they were on time, so
/// the department report aggregates in SQL; the index covers its grouping and values.
/// Tables are created from the current entities, so a database made after this step got the
/// columns at creation: each is added only where it is missing.
async fn step_7(db: &impl ConnectionTrait, backend: DbBackend) -> Result<(), DbErr> {
    for (column, ty) in [("elapsed_minutes", "BIGINT"), ("on_time", "BOOLEAN")] {
        if !column_exists(db, backend, "service_requests", column).await? {
            db.execute_unprepared(&format!("ALTER TABLE service_requests ADD COLUMN {column} {ty}")).await?;
        }
    }
    db.execute_unprepared(
        "CREATE INDEX idx_service_requests_report ON service_requests \
         (department_id, item_id, state, elapsed_minutes, on_time, rating)",
    )
    .await?;
    Ok(())
}

/// The department report reads derived tables instead of a million requests (see
/// docs/services.md and decisions/0003): `service_report_cells` counts the requests per
/// department × item × finished-or-not × tenth of a working day, `service_stage_cells` the
/// stage times per item × stage. Triggers keep both equal to a GROUP BY over their sources,
/// row by row on SQLite and once per statement on PostgreSQL (over the statement's
/// transition tables, so a bulk insert of 1,000 requests is one grouped upsert), so no code
/// path that writes a request can forget them. They are filled here from what exists; the
/// stage times themselves need the calendar and are counted by the store on its first start
/// after this step (`derived_state` 'service_stage_times').
async fn step_8(db: &impl ConnectionTrait, backend: DbBackend) -> Result<(), DbErr> {
    let schema = Schema::new(backend);
    create(db, &schema, service_report_cell::Entity).await?;
    create(db, &schema, service_stage_time::Entity).await?;
    create(db, &schema, service_stage_cell::Entity).await?;
    db.execute_unprepared(&format!(
        "INSERT INTO service_report_cells ({REPORT_KEY}, {values}) \
         SELECT {REPORT_KEY}, {sums} FROM (SELECT {delta} FROM service_requests r) d GROUP BY {REPORT_KEY}",
        values = REPORT_VALUES.join(", "),
        sums = sums(REPORT_VALUES),
        delta = report_delta("r", "1"),
    ))
    .await?;
    db.execute_unprepared(
        "INSERT INTO derived_state (name, version, built_version, built_for) \
         VALUES ('service_stage_times', 1, 0, NULL)",
    )
    .await?;
    let report = Derived {
        source: "service_requests",
        cells: "service_report_cells",
        key: REPORT_KEY,
        values: REPORT_VALUES,
        watched: Some(REPORT_SOURCE_COLUMNS),
        delta: report_delta,
    };
    let stages = Derived {
        source: "service_stage_times",
        cells: "service_stage_cells",
        key: STAGE_KEY,
        values: STAGE_VALUES,
        watched: None,
        delta: stage_delta,
    };
    for d in [report, stages] {
        derived_triggers(db, backend, &d).await?;
    }
    Ok(())
}

/// The report cells of step 8 had no town, so a district's or a department's report still
/// counted a million requests. This step drops them and their triggers and makes
/// `service_report_town_cells`, keyed also by the requesting enterprise's town now: a region
/// sums the cells of its towns, a department its own cells, the whole deployment all of
/// them. Triggers on `service_requests` keep it as step 8's kept theirs; triggers on `units`
/// move a unit's requests to its new town when it moves, and to the empty town when it is
/// deleted (then no region counts them, as with the direct count). Filled here from what
/// exists. A department's report also counts the requests it handled and transferred away,
/// found through the new index on the events' department.
async fn step_10(db: &impl ConnectionTrait, backend: DbBackend) -> Result<(), DbErr> {
    for op in ["insert", "update", "delete"] {
        match backend {
            DbBackend::Postgres => {
                db.execute_unprepared(&format!(
                    "DROP TRIGGER IF EXISTS service_requests_service_report_cells_{op} ON service_requests"
                ))
                .await?;
                db.execute_unprepared(&format!("DROP FUNCTION IF EXISTS service_report_cells_on_{op}()")).await?;
            }
            _ => {
                db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS service_requests_service_report_cells_{op}"))
                    .await?;
            }
        }
    }
    db.execute_unprepared("DROP TABLE IF EXISTS service_report_cells").await?;
    create(db, &Schema::new(backend), service_report_town_cell::Entity).await?;
    db.execute_unprepared(&format!(
        "INSERT INTO service_report_town_cells ({REPORT_TOWN_KEY}, {values}) \
         SELECT {REPORT_TOWN_KEY}, {sums} FROM (SELECT {delta} FROM service_requests r LEFT JOIN units u ON u.id = r.unit_id) d \
         GROUP BY {REPORT_TOWN_KEY}",
        values = REPORT_VALUES.join(", "),
        sums = sums(REPORT_VALUES),
        delta = report_town_delta_in("r", "1", "COALESCE(u.town_code, '')"),
    ))
    .await?;
    derived_triggers(
        db,
        backend,
        &Derived {
            source: "service_requests",
            cells: "service_report_town_cells",
            key: REPORT_TOWN_KEY,
            values: REPORT_VALUES,
            watched: Some(REPORT_TOWN_SOURCE_COLUMNS),
            delta: report_town_delta,
        },
    )
    .await?;
    unit_town_triggers(db, backend).await?;
    db.execute_unprepared("CREATE INDEX idx_service_events_department ON service_events (department_id, request_id)")
        .await?;
    Ok(())
}

const REPORT_TOWN_KEY: &str = "department_id, item_id, done, bucket, town_code";
const REPORT_TOWN_SOURCE_COLUMNS: &str = "department_id, item_id, unit_id, state, elapsed_minutes, on_time, rating";

/// What one request adds to its town cell: its enterprise's town now, looked up.
fn report_town_delta(r: &str, sign: &str) -> String {
    report_town_delta_in(r, sign, &format!("COALESCE((SELECT u.town_code FROM units u WHERE u.id = {r}.unit_id), '')"))
}

/// What one request adds to its town cell, the town given: step 8's delta with the town
/// after the bucket, in the key's order.
fn report_town_delta_in(r: &str, sign: &str, town: &str) -> String {
    format!(
        "{r}.department_id AS department_id, {r}.item_id AS item_id, \
         CASE WHEN {r}.state = 'done' THEN 1 ELSE 0 END AS done, \
         CASE WHEN {r}.state = 'done' AND {r}.elapsed_minutes IS NOT NULL THEN {r}.elapsed_minutes / 42 ELSE -1 END AS bucket, \
         {town} AS town_code, \
         {sign} AS n, \
         CASE WHEN {r}.state = 'done' AND {r}.on_time THEN {sign} ELSE 0 END AS on_time, \
         CASE WHEN {r}.rating IS NULL THEN 0 ELSE {sign} END AS rated, \
         {sign} * COALESCE({r}.rating, 0) AS rating_sum"
    )
}

/// A unit that moves to another town takes its requests' counts from the old town's cells
/// to the new one's; a deleted unit's go to the empty town. Row triggers on both backends,
/// firing only on a real move: an import re-writing unchanged towns costs nothing here.
async fn unit_town_triggers(db: &impl ConnectionTrait, backend: DbBackend) -> Result<(), DbErr> {
    let columns = format!("{REPORT_TOWN_KEY}, {}", REPORT_VALUES.join(", "));
    let moved = |old: &str, new: &str| {
        [("-1", old), ("1", new)]
            .iter()
            .map(|(sign, town)| {
                format!(
                    "SELECT {} FROM service_requests r WHERE r.unit_id = OLD.id",
                    report_town_delta_in("r", sign, town)
                )
            })
            .collect::<Vec<_>>()
    };
    match backend {
        DbBackend::Postgres => {
            let set =
                REPORT_VALUES.iter().map(|v| format!("{v} = c.{v} + excluded.{v}")).collect::<Vec<_>>().join(", ");
            let nonzero = REPORT_VALUES.iter().map(|v| format!("SUM({v}) <> 0")).collect::<Vec<_>>().join(" OR ");
            for (op, new_town, event, when) in [
                (
                    "moved",
                    "NEW.town_code",
                    "UPDATE OF town_code",
                    "WHEN (OLD.town_code IS DISTINCT FROM NEW.town_code) ",
                ),
                ("deleted", "''", "DELETE", ""),
            ] {
                let function = format!("service_report_town_cells_unit_{op}");
                db.execute_unprepared(&format!(
                    "CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
                     INSERT INTO service_report_town_cells AS c ({columns}) \
                     SELECT {REPORT_TOWN_KEY}, {sums} FROM ({union}) d GROUP BY {REPORT_TOWN_KEY} HAVING {nonzero} \
                     ON CONFLICT ({REPORT_TOWN_KEY}) DO UPDATE SET {set}; \
                     RETURN NULL; END $$",
                    sums = sums(REPORT_VALUES),
                    union = moved("OLD.town_code", new_town).join(" UNION ALL "),
                ))
                .await?;
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER units_service_report_town_cells_{op} AFTER {event} ON units FOR EACH ROW \
                     {when}EXECUTE FUNCTION {function}()"
                ))
                .await?;
            }
        }
        _ => {
            let set = REPORT_VALUES.iter().map(|v| format!("{v} = {v} + excluded.{v}")).collect::<Vec<_>>().join(", ");
            for (op, new_town, event, when) in [
                ("moved", "NEW.town_code", "UPDATE OF town_code", "WHEN OLD.town_code IS NOT NEW.town_code "),
                ("deleted", "''", "DELETE", ""),
            ] {
                let body: String = moved("OLD.town_code", new_town)
                    .iter()
                    .map(|select| {
                        format!(
                            "INSERT INTO service_report_town_cells ({columns}) {select} \
                             ON CONFLICT ({REPORT_TOWN_KEY}) DO UPDATE SET {set};"
                        )
                    })
                    .collect();
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER units_service_report_town_cells_{op} AFTER {event} ON units {when}BEGIN {body} END"
                ))
                .await?;
            }
        }
    }
    Ok(())
}

const REPORT_KEY: &str = "department_id, item_id, done, bucket";
const REPORT_VALUES: &[&str] = &["n", "on_time", "rated", "rating_sum"];
/// The columns whose change moves a request between cells (SQLite's update trigger fires on
/// these only).
const REPORT_SOURCE_COLUMNS: &str = "department_id, item_id, state, elapsed_minutes, on_time, rating";
const STAGE_KEY: &str = "item_id, stage";
const STAGE_VALUES: &[&str] = &["n", "minutes"];

/// What one request (`r`, with `sign` 1 or -1) adds to its report cell: the same rules as
/// the report's direct count (`Store::service_report_counted`).
fn report_delta(r: &str, sign: &str) -> String {
    format!(
        "{r}.department_id AS department_id, {r}.item_id AS item_id, \
         CASE WHEN {r}.state = 'done' THEN 1 ELSE 0 END AS done, \
         CASE WHEN {r}.state = 'done' AND {r}.elapsed_minutes IS NOT NULL THEN {r}.elapsed_minutes / 42 ELSE -1 END AS bucket, \
         {sign} AS n, \
         CASE WHEN {r}.state = 'done' AND {r}.on_time THEN {sign} ELSE 0 END AS on_time, \
         CASE WHEN {r}.rating IS NULL THEN 0 ELSE {sign} END AS rated, \
         {sign} * COALESCE({r}.rating, 0) AS rating_sum"
    )
}

/// What one stage time adds to its item × stage cell.
fn stage_delta(r: &str, sign: &str) -> String {
    format!("{r}.item_id AS item_id, {r}.stage AS stage, {sign} AS n, {sign} * {r}.minutes AS minutes")
}

fn sums(values: &[&str]) -> String {
    values.iter().map(|v| format!("CAST(SUM({v}) AS BIGINT)")).collect::<Vec<_>>().join(", ")
}

/// A table of counts derived from a source table by triggers.
#[derive(Clone, Copy)]
struct Derived {
    source: &'static str,
    cells: &'static str,
    key: &'static str,
    values: &'static [&'static str],
    /// Source columns whose update can change a row's delta; `None`: any.
    watched: Option<&'static str>,
    /// The SELECT list of one row's delta: (row alias, sign) → key and value columns.
    delta: fn(&str, &str) -> String,
}

/// Triggers on `source` that add each inserted row's delta to `cells` and take each deleted
/// row's away (an update is both). Cells left at zero stay; readers skip them.
async fn derived_triggers(db: &impl ConnectionTrait, backend: DbBackend, d: &Derived) -> Result<(), DbErr> {
    let Derived { source, cells, key, values, watched, delta } = *d;
    let columns = format!("{key}, {}", values.join(", "));
    let set = values.iter().map(|v| format!("{v} = c.{v} + excluded.{v}")).collect::<Vec<_>>().join(", ");
    let sums = sums(values);
    let nonzero = values.iter().map(|v| format!("SUM({v}) <> 0")).collect::<Vec<_>>().join(" OR ");
    match backend {
        DbBackend::Postgres => {
            // One grouped upsert per statement over its transition tables; an UPDATE that
            // changes nothing the cells count nets to zero and writes nothing.
            for (op, sources, referencing) in [
                ("insert", vec![("new_rows", "1")], "NEW TABLE AS new_rows"),
                ("update", vec![("new_rows", "1"), ("old_rows", "-1")], "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
                ("delete", vec![("old_rows", "-1")], "OLD TABLE AS old_rows"),
            ] {
                let union = sources
                    .iter()
                    .map(|(table, sign)| format!("SELECT {} FROM {table} r", delta("r", sign)))
                    .collect::<Vec<_>>()
                    .join(" UNION ALL ");
                let function = format!("{cells}_on_{op}");
                db.execute_unprepared(&format!(
                    "CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
                     INSERT INTO {cells} AS c ({columns}) \
                     SELECT {key}, {sums} FROM ({union}) d GROUP BY {key} HAVING {nonzero} \
                     ON CONFLICT ({key}) DO UPDATE SET {set}; \
                     RETURN NULL; END $$"
                ))
                .await?;
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER {source}_{cells}_{op} AFTER {} ON {source} REFERENCING {referencing} \
                     FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
                    op.to_uppercase()
                ))
                .await?;
            }
        }
        _ => {
            // No alias for the target inside a trigger: an unqualified column of the SET is
            // the existing row's.
            let set = values.iter().map(|v| format!("{v} = {v} + excluded.{v}")).collect::<Vec<_>>().join(", ");
            let upsert = |row: &str, sign: &str| {
                format!(
                    "INSERT INTO {cells} ({columns}) SELECT {} WHERE true \
                     ON CONFLICT ({key}) DO UPDATE SET {set};",
                    delta(row, sign)
                )
            };
            let update = match watched {
                Some(columns) => format!("UPDATE OF {columns}"),
                None => "UPDATE".to_owned(),
            };
            for (op, event, body) in [
                ("insert", "INSERT".to_owned(), upsert("NEW", "1")),
                ("update", update, format!("{} {}", upsert("OLD", "-1"), upsert("NEW", "1"))),
                ("delete", "DELETE".to_owned(), upsert("OLD", "-1")),
            ] {
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER {source}_{cells}_{op} AFTER {event} ON {source} BEGIN {body} END"
                ))
                .await?;
            }
        }
    }
    Ok(())
}

async fn column_exists(
    db: &impl ConnectionTrait,
    backend: DbBackend,
    table: &str,
    column: &str,
) -> Result<bool, DbErr> {
    let (sql, values): (&str, Vec<sea_orm::Value>) = match backend {
        DbBackend::Postgres => (
            "SELECT 1 FROM information_schema.columns WHERE table_name = $1 AND column_name = $2",
            vec![table.into(), column.into()],
        ),
        _ => ("SELECT 1 FROM pragma_table_info(?) WHERE name = ?", vec![table.into(), column.into()]),
    };
    Ok(db.query_one_raw(Statement::from_sql_and_values(backend, sql, values)).await?.is_some())
}
