//! The entities agree with the schema the frozen migrations build. Since the steps stopped
//! being generated from the entities (docs/decisions/0005-frozen-migrations.md), an entity
//! field without a step would otherwise compile and fail only when a query reaches it. Each
//! entity's table, as SeaORM would create it, is made beside the migrated one under a
//! `scratch_` name, and the two tables' columns compared. SQLite, and PostgreSQL when
//! TEST_DATABASE_URL is set.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use sea_orm::sea_query::{ColumnType, Value};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, Database, DatabaseConnection, DbBackend, EntityName, Iterable,
    Schema, Statement,
};

/// Each entity's table name and its CREATE TABLE as SeaORM builds it for `backend`.
macro_rules! tables {
    ($backend:expr; $($entity:ident),* $(,)?) => {{
        let schema = Schema::new($backend);
        vec![$((
            super::$entity::Entity.table_name().to_owned(),
            $backend.build(&schema.create_table_from_entity(super::$entity::Entity)).sql,
        )),*]
    }};
}

/// Each entity's (table, column) whose field is a code set: a text field takes any text and a
/// number field any number, a code set's field refuses one that is no code.
macro_rules! coded_columns {
    ($($entity:ident),* $(,)?) => {{
        let mut coded = Vec::new();
        $(
            for c in <super::$entity::Column as Iterable>::iter() {
                let odd = match c.def().get_column_type() {
                    ColumnType::String(_) | ColumnType::Text => Value::from("\u{1}no code"),
                    ColumnType::SmallInteger => Value::from(99i16),
                    _ => continue,
                };
                let mut m = <super::$entity::ActiveModel as ActiveModelTrait>::default();
                if m.try_set(c, odd).is_err() {
                    coded.push((super::$entity::Entity.table_name(), sea_orm::IdenStatic::as_str(&c)));
                }
            }
        )*
        coded
    }};
}

/// CODED_COLUMNS, which names the table of an unknown code read back, lists every column an
/// entity maps to a code set and nothing else. (It failed with a column left out.)
#[test]
fn the_list_of_coded_columns_is_the_entities() {
    let mut coded = coded_columns!(
        activity,
        activity_attendee,
        activity_issue,
        activity_unit,
        instructor,
        instructor_assessment,
        instructor_assignment,
        alliance,
        alliance_decision,
        alliance_issue,
        alliance_meeting,
        alliance_meeting_unit,
        alliance_member,
        alliance_service,
        body_power_scope,
        village_check_item,
        village_mandatory_action,
        workgroup,
        workgroup_member,
        workgroup_unit,
        village_head,
        village_head_check,
        village_head_action,
        talent_apartment,
        talent_apartment_resident,
        region_fact,
        studio_link,
        talent_selection,
        talent_selection_opinion,
        secretary_studio,
        cluster_power,
        cluster_power_use,
        api_token,
        audit,
        calendar_day,
        calendar_year,
        cluster,
        cluster_member,
        cluster_note,
        cluster_officer,
        cluster_region,
        coverage_assignment,
        coverage_category,
        coverage_cell,
        coverage_snapshot,
        coverage_snapshot_row,
        coverage_unit_status,
        coverage_work_link,
        derived_state,
        development_person,
        development_step,
        economic_figure,
        import_job,
        import_staging,
        introduction,
        introduction_event,
        introduction_followup,
        listing,
        listing_change,
        listing_vector,
        member,
        member_transfer,
        pairing,
        park,
        party_group,
        party_group_member,
        party_org,
        party_org_event,
        party_org_member_count,
        party_org_unit,
        policy,
        policy_push,
        policy_push_item,
        policy_receipt,
        registry_proposal,
        project_application,
        project_application_file,
        project_application_unit,
        project_assignment,
        project_carrier,
        project_concept_sheet,
        project_conflict,
        project_event,
        project_outcome,
        project_outcome_due,
        project_outcome_file,
        project_patent,
        project_reviewer,
        project_round,
        project_sheet,
        project_support,
        project_target,
        service_attachment,
        service_event,
        service_item,
        service_report_town_cell,
        service_request,
        service_stage_cell,
        service_stage_time,
        session,
        unit,
        user,
    );
    let mut listed: Vec<(&str, &str)> = super::CODED_COLUMNS.iter().map(|(t, c, _)| (*t, *c)).collect();
    coded.sort();
    listed.sort();
    assert_eq!(listed, coded);
}

#[test]
fn a_coded_column_is_found_by_its_name_its_ending_or_its_set() {
    use super::coded_column;
    assert_eq!(coded_column("UnitKind", "kind"), (vec!["units"], "kind".to_owned()));
    assert_eq!(coded_column("IntroductionState", "to_state"), (vec!["introduction_events"], "to_state".to_owned()));
    assert_eq!(
        coded_column("IntroductionState", "B_from_state"),
        (vec!["introduction_events"], "from_state".to_owned())
    );
    assert_eq!(coded_column("IntroductionState", "A_state"), (vec!["introductions"], "state".to_owned()));
    // A tuple read names the column by its position.
    assert_eq!(coded_column("OrgForm", "1"), (vec!["party_orgs"], "form".to_owned()));
}

#[tokio::test]
async fn every_entity_matches_its_migrated_table() {
    let (db, _dir) = migrated_database().await;
    let backend = db.get_database_backend();
    let tables = tables!(backend;
        activity, activity_attendee, activity_issue, activity_unit, instructor, instructor_assessment, instructor_assignment,
        alliance, alliance_decision, alliance_issue, alliance_meeting, alliance_meeting_unit, alliance_member,
        alliance_service, body_power_scope, cluster_power, cluster_power_use, api_token, audit, calendar_day, calendar_year, cluster, cluster_member,
        cluster_note, cluster_officer, cluster_region, coverage_assignment, coverage_category, coverage_cell,
        coverage_snapshot, coverage_snapshot_row, coverage_unit_status, coverage_work_link, derived_state, development_person, development_step, economic_figure, import_job,
        import_staging,
        introduction, introduction_event, introduction_followup, listing, listing_change, listing_vector, member, member_transfer, pairing, park,
        party_group, party_group_member, party_org, party_org_event, party_org_member_count, party_org_unit, policy, policy_push, policy_push_item, policy_receipt, registry_proposal,
        project_application, project_application_file, project_application_unit, project_assignment, project_carrier, project_concept_sheet, project_conflict,
        project_event, project_outcome, project_outcome_due, project_outcome_file, project_patent,
        project_reviewer, project_round, project_sheet, project_support, project_target,
        service_attachment, service_event, service_item, service_report_town_cell, service_request,
        service_stage_cell, service_stage_time, session, unit, user,
        village_check_item, village_mandatory_action, village_head, village_head_check, village_head_action, talent_apartment, talent_apartment_resident, region_fact, studio_link, talent_selection, talent_selection_opinion, secretary_studio,
        workgroup, workgroup_member, workgroup_unit,
    );
    let mut differences = Vec::new();
    for (table, create) in &tables {
        let scratch = format!("scratch_{table}");
        // The table's name, and the name of a composite primary key (PostgreSQL's constraint
        // names share one namespace with tables).
        let create = create
            .replacen(&format!("\"{table}\""), &format!("\"{scratch}\""), 1)
            .replace(&format!("\"pk-{table}\""), &format!("\"pk-{scratch}\""));
        db.execute_unprepared(&create).await.unwrap();
        let (migrated, entity) = (columns(&db, table).await, columns(&db, &scratch).await);
        assert!(!migrated.is_empty(), "no table {table} after migrating");
        if migrated != entity {
            differences.push(format!("{table}:\n  migrated: {migrated:?}\n  entity:   {entity:?}"));
        }
    }
    assert!(differences.is_empty(), "entities that differ from their migrated tables:\n{}", differences.join("\n"));
}

/// A column's name, type, nullability and default, in the table's order.
async fn columns(db: &DatabaseConnection, table: &str) -> Vec<String> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => format!(
            "SELECT column_name::text, data_type::text, is_nullable::text, COALESCE(column_default::text, ''), \
             is_identity::text FROM information_schema.columns WHERE table_schema = 'public' \
             AND table_name = '{table}' ORDER BY ordinal_position"
        ),
        _ => format!(
            "SELECT name, lower(type), CAST(\"notnull\" AS TEXT), COALESCE(dflt_value, ''), CAST(pk AS TEXT) \
             FROM pragma_table_info('{table}') ORDER BY cid"
        ),
    };
    let rows = db.query_all_raw(Statement::from_string(backend, sql)).await.unwrap();
    rows.iter()
        .map(|row| (0..5).map(|i| row.try_get_by_index::<String>(i).unwrap()).collect::<Vec<_>>().join(" "))
        .collect()
}

/// A new database migrated to the head: a temporary SQLite file, or a new database on the
/// PostgreSQL server of TEST_DATABASE_URL.
async fn migrated_database() -> (DatabaseConnection, Option<tempfile::TempDir>) {
    let (db, dir) = match std::env::var("TEST_DATABASE_URL") {
        Ok(base) if !base.is_empty() => {
            let name = format!("e_{:016x}", rand::random::<u64>());
            let server = Database::connect(&base).await.unwrap();
            server.execute_unprepared(&format!("CREATE DATABASE {name}")).await.unwrap();
            server.close().await.unwrap();
            let (prefix, _) = base.rsplit_once('/').unwrap();
            (Database::connect(format!("{prefix}/{name}")).await.unwrap(), None)
        }
        _ => {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}?mode=rwc", dir.path().join("e.sqlite").display());
            (Database::connect(url).await.unwrap(), Some(dir))
        }
    };
    crate::migrate::run(&db).await.unwrap();
    (db, dir)
}
