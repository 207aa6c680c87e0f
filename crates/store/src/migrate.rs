//! Schema migrations for SQLite and PostgreSQL: a numbered list of steps, applied in order,
//! once each, one transaction per step, recorded in `schema_migrations`.
//!
//! Each step is frozen in its own file under `src/migrations/` as the SQL text it runs on
//! each backend, exactly as it shipped (docs/decisions/0005-frozen-migrations.md): nothing
//! here is generated from the entities, so changing an entity never changes what an old step
//! does, and a database created at any step and migrated on has the same schema as a fresh
//! one (`tests/it/migrations.rs`, on both databases); a unit test in `migrations/mod.rs`
//! pins each shipped step's statements by their SM3 digest.
//!
//! To add step 11:
//! 1. write `src/migrations/m0011_<what>.rs` with its statements as text for both backends
//!    (`SQLITE` and `POSTGRES` consts and an `up` that calls `super::apply`, as in the other
//!    files; hand-written logic only where a statement depends on the database's state, as in
//!    step 7). To get the DDL of a new table, build the entity's statement once
//!    (`backend.build(&Schema::new(backend).create_table_from_entity(E))`) and paste the
//!    text; never call the entity from the step.
//! 2. declare it in `src/migrations/mod.rs`;
//! 3. add `(11, "what it does")` to `STEPS` and `11 => m0011_<what>::up(&txn, backend)` to
//!    the match in [`run_to`];
//! 4. raise `HEAD` to 11 in `tests/it/migrations.rs` (it then also migrates a database made at
//!    step 10), and run the store tests on both databases (`cargo test -p qunlian-store`,
//!    then with `bash scripts/pg.sh` in front): `tests/it/migrations.rs` checks that every old
//!    step migrated on equals a fresh head, `src/entity/tests.rs` that the entities agree
//!    with the head;
//! 5. add the step's line to `texts()` and to `DIGESTS` in `migrations/mod.rs` (the test
//!    `no_shipped_step_runs_other_text_than_it_shipped_with` prints the digest to copy).
//!
//! Never edit a step that has shipped, nor renumber or rename one: databases remember the
//! versions they have applied and continue from there.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement};

use crate::migrations::*;

/// Applied in order, once each; a step never changes after it has shipped.
pub(crate) const STEPS: &[(i64, &str)] = &[
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
    (11, "API tokens expire; a user's sessions end together"),
    (12, "import jobs and their staging rows, applied in short transactions"),
    (13, "integration projects: rounds, applications, reviewers, conflicts, assignments, score sheets"),
    (14, "integration projects after the award: outcome reports, patents, evidence, support granted, due days"),
    (15, "listings' embeddings for the semantic stage of matching"),
    (16, "registry changes proposed by enterprise contacts, confirmed by admins"),
    (17, "integration projects: application files, concept-review sheets kept apart"),
    (18, "working bodies: cluster committees' powers and their uses, alliances' services, meetings, decisions, issues"),
    (19, "results: economic figures of enterprises by period"),
    (20, "member records with encrypted ID numbers and phones; member counts per organisation derived by triggers"),
    (21, "an introduction may name the department that helps broker it"),
    (
        22,
        "development of new members: people in the pipeline and their steps; transfers of members between organisations",
    ),
    (23, "activities with their units, named attendees and raised issues; a unit taking part is a coverage source"),
    (
        24,
        "villages and talent: 名誉村主任 with the 五有 checklist and their actions, talent apartments, talent selections with Party opinions, secretary studios",
    ),
    (25, "activities can be withdrawn; the register of Party-building instructors, their assignments and assessments"),
    (
        26,
        "district facts of the reports; projects and activities naming a secretary studio; talent apartments' activities become activities",
    ),
    (27, "results at a million: economic sums per town × period × indicator, enterprises per town by coverage status"),
    (28, "project work groups and their temporary Party branches, members taking part with their relation kept"),
    (
        29,
        "party groups of a branch and the group of a 党小组会; an applicant's encrypted ID number; coverage links' instructors tied to the register",
    ),
    (30, "results sums rebuilt only for the town × period keys a write touched"),
    (31, "the member list's index covers its filters"),
];

/// Brings the schema up to the head: every step not yet applied.
pub async fn run(db: &DatabaseConnection) -> Result<(), DbErr> {
    run_to(db, i64::MAX).await
}

/// Applies the steps not yet applied whose version is at most `target`, and stops there: the
/// schema a database had when `target` was the last step. For tests that build a database
/// at an old step and migrate it on; the application always calls [`run`].
pub async fn run_to(db: &DatabaseConnection, target: i64) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    db.execute_unprepared(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )
    .await?;
    for &(version, name) in STEPS.iter().take_while(|(version, _)| *version <= target) {
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
            1 => m0001_registry::up(&txn, backend).await?,
            2 => m0002_coverage::up(&txn, backend).await?,
            3 => m0003_enterprise_list_index::up(&txn, backend).await?,
            4 => m0004_services::up(&txn, backend).await?,
            5 => m0005_policies::up(&txn, backend).await?,
            6 => m0006_service_attachments::up(&txn, backend).await?,
            7 => m0007_service_elapsed::up(&txn, backend).await?,
            8 => m0008_service_derived::up(&txn, backend).await?,
            9 => m0009_matching::up(&txn, backend).await?,
            10 => m0010_service_report_towns::up(&txn, backend).await?,
            11 => m0011_account_sessions::up(&txn, backend).await?,
            12 => m0012_imports::up(&txn, backend).await?,
            13 => m0013_projects::up(&txn, backend).await?,
            14 => m0014_project_outcomes::up(&txn, backend).await?,
            15 => m0015_listing_vectors::up(&txn, backend).await?,
            16 => m0016_registry_proposals::up(&txn, backend).await?,
            17 => m0017_projects::up(&txn, backend).await?,
            18 => m0018_bodies::up(&txn, backend).await?,
            19 => m0019_results::up(&txn, backend).await?,
            20 => m0020_people::up(&txn, backend).await?,
            21 => m0021_introduction_departments::up(&txn, backend).await?,
            22 => m0022_development::up(&txn, backend).await?,
            23 => m0023_activities::up(&txn, backend).await?,
            24 => m0024_villages::up(&txn, backend).await?,
            25 => m0025_instructors::up(&txn, backend).await?,
            26 => m0026_bodies_links::up(&txn, backend).await?,
            27 => m0027_results_sums::up(&txn, backend).await?,
            28 => m0028_workgroups::up(&txn, backend).await?,
            29 => m0029_party_groups::up(&txn, backend).await?,
            30 => m0030_results_towns::up(&txn, backend).await?,
            31 => m0031_member_indexes::up(&txn, backend).await?,
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
