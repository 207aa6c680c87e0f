//! Step 2: coverage.
//!
//! The coverage categories, work links, assignments and the derived tables (per-unit status,
//! cells, snapshots), with `derived_state` 'coverage'. The tables whose rows decide coverage
//! (units, parks, party_orgs, party_org_units, cluster_members, clusters,
//! coverage_work_links, coverage_categories) bump its version through triggers, so no write
//! path can forget to: once per statement on PostgreSQL (an import of a million rows bumps it
//! once), per row on SQLite, which has row triggers only (the UPDATE touches one row of a
//! tiny table). Snapshots are immutable: triggers refuse to update or delete them.
//!
//! Frozen: the statements are the text this step ran when the steps were frozen (captured
//! from the entity-based code it replaced, byte for byte). Never edit them; add a step.

use sea_orm::{ConnectionTrait, DbBackend, DbErr};

pub(crate) async fn up(db: &impl ConnectionTrait, backend: DbBackend) -> Result<(), DbErr> {
    super::apply(db, backend, SQLITE, POSTGRES).await
}

pub(super) const SQLITE: &[&str] = &[
    concat!(
        r#"CREATE TABLE "coverage_categories" ( "#,
        r#""id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "#,
        r#""name" varchar NOT NULL UNIQUE, "#,
        r#""rule" varchar NOT NULL, "#,
        r#""target_pct" double NOT NULL, "#,
        r#""deadline" date_text, "#,
        r#""position" integer NOT NULL, "#,
        r#""is_demo" boolean NOT NULL, "#,
        r#""created_at" timestamp_with_timezone_text NOT NULL, "#,
        r#""updated_at" timestamp_with_timezone_text NOT NULL "#,
        r#")"#,
    ),
    concat!(
        r#"CREATE TABLE "coverage_work_links" ( "#,
        r#""id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "#,
        r#""unit_id" integer NOT NULL, "#,
        r#""kind" varchar NOT NULL, "#,
        r#""instructor_name" varchar, "#,
        r#""party_org_id" integer, "#,
        r#""since" date_text NOT NULL, "#,
        r#""until" date_text, "#,
        r#""note" varchar, "#,
        r#""is_demo" boolean NOT NULL, "#,
        r#""created_at" timestamp_with_timezone_text NOT NULL "#,
        r#")"#,
    ),
    r#"CREATE INDEX "idx-coverage_work_links-unit_id" ON "coverage_work_links" ("unit_id")"#,
    concat!(
        r#"CREATE TABLE "coverage_assignments" ( "#,
        r#""id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "#,
        r#""unit_id" integer NOT NULL, "#,
        r#""responsible_unit" varchar NOT NULL, "#,
        r#""instructor_name" varchar, "#,
        r#""due_on" date_text NOT NULL, "#,
        r#""note" varchar, "#,
        r#""state" varchar NOT NULL, "#,
        r#""closed_on" date_text, "#,
        r#""closed_reason" varchar, "#,
        r#""created_by" varchar NOT NULL, "#,
        r#""is_demo" boolean NOT NULL, "#,
        r#""created_at" timestamp_with_timezone_text NOT NULL "#,
        r#")"#,
    ),
    r#"CREATE INDEX "idx-coverage_assignments-unit_id" ON "coverage_assignments" ("unit_id")"#,
    r#"CREATE INDEX "idx-coverage_assignments-state" ON "coverage_assignments" ("state")"#,
    concat!(
        r#"CREATE TABLE "coverage_unit_status" ( "#,
        r#""unit_id" integer NOT NULL PRIMARY KEY, "#,
        r#""status" smallint NOT NULL "#,
        r#")"#,
    ),
    r#"CREATE INDEX "idx-coverage_unit_status-status" ON "coverage_unit_status" ("status")"#,
    concat!(
        r#"CREATE TABLE "coverage_cells" ( "#,
        r#""id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "#,
        r#""category_id" integer NOT NULL, "#,
        r#""town_code" varchar NOT NULL, "#,
        r#""status" smallint NOT NULL, "#,
        r#""n" integer NOT NULL "#,
        r#")"#,
    ),
    r#"CREATE INDEX "idx-coverage_cells-category_id" ON "coverage_cells" ("category_id")"#,
    concat!(
        r#"CREATE TABLE "coverage_snapshots" ( "#,
        r#""id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "#,
        r#""as_of" date_text NOT NULL, "#,
        r#""trigger" varchar NOT NULL, "#,
        r#""taken_by" varchar NOT NULL, "#,
        r#""taken_at" timestamp_with_timezone_text NOT NULL, "#,
        r#""is_demo" boolean NOT NULL "#,
        r#")"#,
    ),
    r#"CREATE INDEX "idx-coverage_snapshots-as_of" ON "coverage_snapshots" ("as_of")"#,
    concat!(
        r#"CREATE TABLE "coverage_snapshot_rows" ( "#,
        r#""id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "#,
        r#""snapshot_id" integer NOT NULL, "#,
        r#""category_id" integer NOT NULL, "#,
        r#""category_name" varchar NOT NULL, "#,
        r#""target_pct" double NOT NULL, "#,
        r#""town_code" varchar NOT NULL, "#,
        r#""total" integer NOT NULL, "#,
        r#""own_org" integer NOT NULL, "#,
        r#""joint_org" integer NOT NULL, "#,
        r#""work_only" integer NOT NULL, "#,
        r#""uncovered" integer NOT NULL "#,
        r#")"#,
    ),
    r#"CREATE INDEX "idx-coverage_snapshot_rows-snapshot_id" ON "coverage_snapshot_rows" ("snapshot_id")"#,
    r#"CREATE INDEX "idx-coverage_snapshot_rows-category_id" ON "coverage_snapshot_rows" ("category_id")"#,
    concat!(
        r#"CREATE TABLE "derived_state" ( "#,
        r#""name" varchar NOT NULL PRIMARY KEY, "#,
        r#""version" integer NOT NULL, "#,
        r#""built_version" integer NOT NULL, "#,
        r#""built_for" date_text "#,
        r#")"#,
    ),
    r#"INSERT INTO derived_state (name, version, built_version, built_for) VALUES ('coverage', 1, 0, NULL)"#,
    concat!(
        r#"CREATE UNIQUE INDEX "idx_coverage_cells_key" ON "coverage_cells" ("category_id", "#,
        r#""town_code", "status")"#,
    ),
    concat!(
        r#"CREATE TRIGGER units_coverage_insert AFTER insert ON units BEGIN "#,
        r#"UPDATE derived_state SET version = version + 1 WHERE name = 'coverage'; END"#,
    ),
    concat!(
        r#"CREATE TRIGGER units_coverage_update AFTER update ON units BEGIN "#,
        r#"UPDATE derived_state SET version = version + 1 WHERE name = 'coverage'; END"#,
    ),
    concat!(
        r#"CREATE TRIGGER units_coverage_delete AFTER delete ON units BEGIN "#,
        r#"UPDATE derived_state SET version = version + 1 WHERE name = 'coverage'; END"#,
    ),
    concat!(
        r#"CREATE TRIGGER parks_coverage_insert AFTER insert ON parks BEGIN "#,
        r#"UPDATE derived_state SET version = version + 1 WHERE name = 'coverage'; END"#,
    ),
    concat!(
        r#"CREATE TRIGGER parks_coverage_update AFTER update ON parks BEGIN "#,
        r#"UPDATE derived_state SET version = version + 1 WHERE name = 'coverage'; END"#,
    ),
    concat!(
        r#"CREATE TRIGGER parks_coverage_delete AFTER delete ON parks BEGIN "#,
        r#"UPDATE derived_state SET version = version + 1 WHERE name = 'coverage'; END"#,
    ),
    concat!(
        r#"CREATE TRIGGER party_orgs_coverage_insert AFTER insert ON party_orgs BEGIN "#,
        r#"UPDATE derived_state SET version = version + 1 WHERE name = 'coverage'; END"#,
    ),
    concat!(
        r#"CREATE TRIGGER party_orgs_coverage_update AFTER update ON party_orgs BEGIN "#,
        r#"UPDATE derived_state SET version = version + 1 WHERE name = 'coverage'; END"#,
    ),
    concat!(
        r#"CREATE TRIGGER party_orgs_coverage_delete AFTER delete ON party_orgs BEGIN "#,
        r#"UPDATE derived_state SET version = version + 1 WHERE name = 'coverage'; END"#,
    ),
    concat!(
        r#"CREATE TRIGGER party_org_units_coverage_insert AFTER insert ON party_org_units BEGIN "#,
        r#"UPDATE derived_state SET version = version + 1 WHERE name = 'coverage'; END"#,
    ),
    concat!(
        r#"CREATE TRIGGER party_org_units_coverage_update AFTER update ON party_org_units BEGIN "#,
        r#"UPDATE derived_state SET version = version + 1 WHERE name = 'coverage'; END"#,
    ),
    concat!(
        r#"CREATE TRIGGER party_org_units_coverage_delete AFTER delete ON party_org_units BEGIN "#,
        r#"UPDATE derived_state SET version = version + 1 WHERE name = 'coverage'; END"#,
    ),
    concat!(
        r#"CREATE TRIGGER cluster_members_coverage_insert AFTER insert ON cluster_members BEGIN "#,
        r#"UPDATE derived_state SET version = version + 1 WHERE name = 'coverage'; END"#,
    ),
    concat!(
        r#"CREATE TRIGGER cluster_members_coverage_update AFTER update ON cluster_members BEGIN "#,
        r#"UPDATE derived_state SET version = version + 1 WHERE name = 'coverage'; END"#,
    ),
    concat!(
        r#"CREATE TRIGGER cluster_members_coverage_delete AFTER delete ON cluster_members BEGIN "#,
        r#"UPDATE derived_state SET version = version + 1 WHERE name = 'coverage'; END"#,
    ),
    concat!(
        r#"CREATE TRIGGER clusters_coverage_insert AFTER insert ON clusters BEGIN "#,
        r#"UPDATE derived_state SET version = version + 1 WHERE name = 'coverage'; END"#,
    ),
    concat!(
        r#"CREATE TRIGGER clusters_coverage_update AFTER update ON clusters BEGIN "#,
        r#"UPDATE derived_state SET version = version + 1 WHERE name = 'coverage'; END"#,
    ),
    concat!(
        r#"CREATE TRIGGER clusters_coverage_delete AFTER delete ON clusters BEGIN "#,
        r#"UPDATE derived_state SET version = version + 1 WHERE name = 'coverage'; END"#,
    ),
    concat!(
        r#"CREATE TRIGGER coverage_work_links_coverage_insert AFTER insert ON coverage_work_links "#,
        r#"BEGIN UPDATE derived_state SET version = version + 1 WHERE name = 'coverage'; END"#,
    ),
    concat!(
        r#"CREATE TRIGGER coverage_work_links_coverage_update AFTER update ON coverage_work_links "#,
        r#"BEGIN UPDATE derived_state SET version = version + 1 WHERE name = 'coverage'; END"#,
    ),
    concat!(
        r#"CREATE TRIGGER coverage_work_links_coverage_delete AFTER delete ON coverage_work_links "#,
        r#"BEGIN UPDATE derived_state SET version = version + 1 WHERE name = 'coverage'; END"#,
    ),
    concat!(
        r#"CREATE TRIGGER coverage_categories_coverage_insert AFTER insert ON coverage_categories "#,
        r#"BEGIN UPDATE derived_state SET version = version + 1 WHERE name = 'coverage'; END"#,
    ),
    concat!(
        r#"CREATE TRIGGER coverage_categories_coverage_update AFTER update ON coverage_categories "#,
        r#"BEGIN UPDATE derived_state SET version = version + 1 WHERE name = 'coverage'; END"#,
    ),
    concat!(
        r#"CREATE TRIGGER coverage_categories_coverage_delete AFTER delete ON coverage_categories "#,
        r#"BEGIN UPDATE derived_state SET version = version + 1 WHERE name = 'coverage'; END"#,
    ),
    concat!(
        r#"CREATE TRIGGER coverage_snapshots_no_update BEFORE UPDATE ON coverage_snapshots BEGIN "#,
        r#"SELECT RAISE(ABORT, 'coverage snapshots are immutable'); END"#,
    ),
    concat!(
        r#"CREATE TRIGGER coverage_snapshots_no_delete BEFORE DELETE ON coverage_snapshots BEGIN "#,
        r#"SELECT RAISE(ABORT, 'coverage snapshots are immutable'); END"#,
    ),
    concat!(
        r#"CREATE TRIGGER coverage_snapshot_rows_no_update BEFORE UPDATE ON coverage_snapshot_rows "#,
        r#"BEGIN SELECT RAISE(ABORT, 'coverage snapshots are immutable'); END"#,
    ),
    concat!(
        r#"CREATE TRIGGER coverage_snapshot_rows_no_delete BEFORE DELETE ON coverage_snapshot_rows "#,
        r#"BEGIN SELECT RAISE(ABORT, 'coverage snapshots are immutable'); END"#,
    ),
];

pub(super) const POSTGRES: &[&str] = &[
    concat!(
        r#"CREATE TABLE "coverage_categories" ( "#,
        r#""id" bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL PRIMARY KEY, "#,
        r#""name" varchar NOT NULL UNIQUE, "#,
        r#""rule" varchar NOT NULL, "#,
        r#""target_pct" double precision NOT NULL, "#,
        r#""deadline" date, "#,
        r#""position" integer NOT NULL, "#,
        r#""is_demo" bool NOT NULL, "#,
        r#""created_at" timestamp with time zone NOT NULL, "#,
        r#""updated_at" timestamp with time zone NOT NULL "#,
        r#")"#,
    ),
    concat!(
        r#"CREATE TABLE "coverage_work_links" ( "#,
        r#""id" bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL PRIMARY KEY, "#,
        r#""unit_id" bigint NOT NULL, "#,
        r#""kind" varchar NOT NULL, "#,
        r#""instructor_name" varchar, "#,
        r#""party_org_id" bigint, "#,
        r#""since" date NOT NULL, "#,
        r#""until" date, "#,
        r#""note" varchar, "#,
        r#""is_demo" bool NOT NULL, "#,
        r#""created_at" timestamp with time zone NOT NULL "#,
        r#")"#,
    ),
    r#"CREATE INDEX "idx-coverage_work_links-unit_id" ON "coverage_work_links" ("unit_id")"#,
    concat!(
        r#"CREATE TABLE "coverage_assignments" ( "#,
        r#""id" bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL PRIMARY KEY, "#,
        r#""unit_id" bigint NOT NULL, "#,
        r#""responsible_unit" varchar NOT NULL, "#,
        r#""instructor_name" varchar, "#,
        r#""due_on" date NOT NULL, "#,
        r#""note" varchar, "#,
        r#""state" varchar NOT NULL, "#,
        r#""closed_on" date, "#,
        r#""closed_reason" varchar, "#,
        r#""created_by" varchar NOT NULL, "#,
        r#""is_demo" bool NOT NULL, "#,
        r#""created_at" timestamp with time zone NOT NULL "#,
        r#")"#,
    ),
    r#"CREATE INDEX "idx-coverage_assignments-unit_id" ON "coverage_assignments" ("unit_id")"#,
    r#"CREATE INDEX "idx-coverage_assignments-state" ON "coverage_assignments" ("state")"#,
    concat!(
        r#"CREATE TABLE "coverage_unit_status" ( "#,
        r#""unit_id" bigint NOT NULL PRIMARY KEY, "#,
        r#""status" smallint NOT NULL "#,
        r#")"#,
    ),
    r#"CREATE INDEX "idx-coverage_unit_status-status" ON "coverage_unit_status" ("status")"#,
    concat!(
        r#"CREATE TABLE "coverage_cells" ( "#,
        r#""id" bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL PRIMARY KEY, "#,
        r#""category_id" bigint NOT NULL, "#,
        r#""town_code" varchar NOT NULL, "#,
        r#""status" smallint NOT NULL, "#,
        r#""n" bigint NOT NULL "#,
        r#")"#,
    ),
    r#"CREATE INDEX "idx-coverage_cells-category_id" ON "coverage_cells" ("category_id")"#,
    concat!(
        r#"CREATE TABLE "coverage_snapshots" ( "#,
        r#""id" bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL PRIMARY KEY, "#,
        r#""as_of" date NOT NULL, "#,
        r#""trigger" varchar NOT NULL, "#,
        r#""taken_by" varchar NOT NULL, "#,
        r#""taken_at" timestamp with time zone NOT NULL, "#,
        r#""is_demo" bool NOT NULL "#,
        r#")"#,
    ),
    r#"CREATE INDEX "idx-coverage_snapshots-as_of" ON "coverage_snapshots" ("as_of")"#,
    concat!(
        r#"CREATE TABLE "coverage_snapshot_rows" ( "#,
        r#""id" bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL PRIMARY KEY, "#,
        r#""snapshot_id" bigint NOT NULL, "#,
        r#""category_id" bigint NOT NULL, "#,
        r#""category_name" varchar NOT NULL, "#,
        r#""target_pct" double precision NOT NULL, "#,
        r#""town_code" varchar NOT NULL, "#,
        r#""total" bigint NOT NULL, "#,
        r#""own_org" bigint NOT NULL, "#,
        r#""joint_org" bigint NOT NULL, "#,
        r#""work_only" bigint NOT NULL, "#,
        r#""uncovered" bigint NOT NULL "#,
        r#")"#,
    ),
    r#"CREATE INDEX "idx-coverage_snapshot_rows-snapshot_id" ON "coverage_snapshot_rows" ("snapshot_id")"#,
    r#"CREATE INDEX "idx-coverage_snapshot_rows-category_id" ON "coverage_snapshot_rows" ("category_id")"#,
    concat!(
        r#"CREATE TABLE "derived_state" ( "#,
        r#""name" varchar NOT NULL PRIMARY KEY, "#,
        r#""version" bigint NOT NULL, "#,
        r#""built_version" bigint NOT NULL, "#,
        r#""built_for" date "#,
        r#")"#,
    ),
    r#"INSERT INTO derived_state (name, version, built_version, built_for) VALUES ('coverage', 1, 0, NULL)"#,
    concat!(
        r#"CREATE UNIQUE INDEX "idx_coverage_cells_key" ON "coverage_cells" ("category_id", "#,
        r#""town_code", "status")"#,
    ),
    concat!(
        r#"CREATE OR REPLACE FUNCTION coverage_sources_changed() "#,
        r#"RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE derived_state SET version = version + 1 "#,
        r#"WHERE name = 'coverage'; RETURN NULL; END $$"#,
    ),
    concat!(
        r#"CREATE TRIGGER units_coverage AFTER INSERT OR UPDATE OR DELETE ON units FOR EACH STATEMENT "#,
        r#"EXECUTE FUNCTION coverage_sources_changed()"#,
    ),
    concat!(
        r#"CREATE TRIGGER parks_coverage AFTER INSERT OR UPDATE OR DELETE ON parks FOR EACH STATEMENT "#,
        r#"EXECUTE FUNCTION coverage_sources_changed()"#,
    ),
    concat!(
        r#"CREATE TRIGGER party_orgs_coverage AFTER INSERT OR UPDATE OR DELETE ON party_orgs "#,
        r#"FOR EACH STATEMENT EXECUTE FUNCTION coverage_sources_changed()"#,
    ),
    concat!(
        r#"CREATE TRIGGER party_org_units_coverage AFTER INSERT OR UPDATE OR DELETE ON party_org_units "#,
        r#"FOR EACH STATEMENT EXECUTE FUNCTION coverage_sources_changed()"#,
    ),
    concat!(
        r#"CREATE TRIGGER cluster_members_coverage AFTER INSERT OR UPDATE OR DELETE ON cluster_members "#,
        r#"FOR EACH STATEMENT EXECUTE FUNCTION coverage_sources_changed()"#,
    ),
    concat!(
        r#"CREATE TRIGGER clusters_coverage AFTER INSERT OR UPDATE OR DELETE ON clusters "#,
        r#"FOR EACH STATEMENT EXECUTE FUNCTION coverage_sources_changed()"#,
    ),
    concat!(
        r#"CREATE TRIGGER coverage_work_links_coverage AFTER INSERT OR UPDATE OR DELETE ON "#,
        r#"coverage_work_links FOR EACH STATEMENT EXECUTE FUNCTION coverage_sources_changed()"#,
    ),
    concat!(
        r#"CREATE TRIGGER coverage_categories_coverage AFTER INSERT OR UPDATE OR DELETE ON "#,
        r#"coverage_categories FOR EACH STATEMENT EXECUTE FUNCTION coverage_sources_changed()"#,
    ),
    concat!(
        r#"CREATE OR REPLACE FUNCTION coverage_snapshot_immutable() "#,
        r#"RETURNS trigger LANGUAGE plpgsql AS $$ "#,
        r#"BEGIN RAISE EXCEPTION 'coverage snapshots are immutable'; END $$"#,
    ),
    concat!(
        r#"CREATE TRIGGER coverage_snapshots_immutable BEFORE UPDATE OR DELETE ON coverage_snapshots "#,
        r#"FOR EACH ROW EXECUTE FUNCTION coverage_snapshot_immutable()"#,
    ),
    concat!(
        r#"CREATE TRIGGER coverage_snapshot_rows_immutable BEFORE UPDATE OR DELETE ON "#,
        r#"coverage_snapshot_rows FOR EACH ROW EXECUTE FUNCTION coverage_snapshot_immutable()"#,
    ),
];
