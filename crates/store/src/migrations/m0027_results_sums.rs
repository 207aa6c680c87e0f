//! Step 27 (issue #15): derived tables for the district's and towns' headline figures at a
//! million enterprises. `economic_sums`: the economic figures summed per town × period ×
//! indicator, with the year-on-year pair (the enterprises reporting both this period and the
//! same period of the year before, and their two sums); kept by the figures import in its own
//! transaction, and marked stale (`derived_state` 'results_sums') by any other write to the
//! figures and by an enterprise changing town or leaving the register, so that the next
//! reader rebuilds it. `coverage_town_counts`: the enterprises of each town by coverage
//! status, written by the coverage rebuild beside its cells (for the 大屏's map and the
//! headline's organisation figures).
//!
//! Frozen: never edit these statements; add a step.

use sea_orm::{ConnectionTrait, DbBackend, DbErr};

pub(crate) async fn up(db: &impl ConnectionTrait, backend: DbBackend) -> Result<(), DbErr> {
    super::apply(db, backend, SQLITE, POSTGRES).await
}

pub(super) const SQLITE: &[&str] = &[
    concat!(
        r#"CREATE TABLE "economic_sums" ( "#,
        r#""town_code" varchar NOT NULL, "#,
        r#""period" varchar NOT NULL, "#,
        r#""indicator" varchar NOT NULL, "#,
        r#""reporting" integer NOT NULL, "#,
        r#""total" integer NOT NULL, "#,
        r#""as_of" date_text, "#,
        r#""comparable" integer NOT NULL, "#,
        r#""comparable_now" integer NOT NULL, "#,
        r#""comparable_before" integer NOT NULL, "#,
        r#"PRIMARY KEY ("period", "indicator", "town_code") "#,
        r#")"#,
    ),
    concat!(
        r#"CREATE TABLE "coverage_town_counts" ( "#,
        r#""town_code" varchar NOT NULL, "#,
        r#""status" smallint NOT NULL, "#,
        r#""n" integer NOT NULL, "#,
        r#"PRIMARY KEY ("town_code", "status") "#,
        r#")"#,
    ),
    r#"INSERT INTO derived_state (name, version, built_version, built_for) VALUES ('results_sums', 1, 0, NULL)"#,
    // The coverage tables are rebuilt by the next reader: the town counts get written.
    r#"UPDATE derived_state SET version = version + 1 WHERE name = 'coverage'"#,
    concat!(
        r#"CREATE TRIGGER economic_figures_sums_insert AFTER INSERT ON economic_figures BEGIN "#,
        r#"UPDATE derived_state SET version = version + 1 WHERE name = 'results_sums'; END"#,
    ),
    concat!(
        r#"CREATE TRIGGER economic_figures_sums_update AFTER UPDATE ON economic_figures BEGIN "#,
        r#"UPDATE derived_state SET version = version + 1 WHERE name = 'results_sums'; END"#,
    ),
    concat!(
        r#"CREATE TRIGGER economic_figures_sums_delete AFTER DELETE ON economic_figures BEGIN "#,
        r#"UPDATE derived_state SET version = version + 1 WHERE name = 'results_sums'; END"#,
    ),
    concat!(
        r#"CREATE TRIGGER units_sums_town AFTER UPDATE OF town_code ON units "#,
        r#"WHEN OLD.town_code IS NOT NEW.town_code BEGIN "#,
        r#"UPDATE derived_state SET version = version + 1 WHERE name = 'results_sums'; END"#,
    ),
    concat!(
        r#"CREATE TRIGGER units_sums_delete AFTER DELETE ON units BEGIN "#,
        r#"UPDATE derived_state SET version = version + 1 WHERE name = 'results_sums'; END"#,
    ),
];

pub(super) const POSTGRES: &[&str] = &[
    concat!(
        r#"CREATE TABLE "economic_sums" ( "#,
        r#""town_code" varchar NOT NULL, "#,
        r#""period" varchar NOT NULL, "#,
        r#""indicator" varchar NOT NULL, "#,
        r#""reporting" bigint NOT NULL, "#,
        r#""total" bigint NOT NULL, "#,
        r#""as_of" date, "#,
        r#""comparable" bigint NOT NULL, "#,
        r#""comparable_now" bigint NOT NULL, "#,
        r#""comparable_before" bigint NOT NULL, "#,
        r#"PRIMARY KEY ("period", "indicator", "town_code") "#,
        r#")"#,
    ),
    concat!(
        r#"CREATE TABLE "coverage_town_counts" ( "#,
        r#""town_code" varchar NOT NULL, "#,
        r#""status" smallint NOT NULL, "#,
        r#""n" bigint NOT NULL, "#,
        r#"PRIMARY KEY ("town_code", "status") "#,
        r#")"#,
    ),
    r#"INSERT INTO derived_state (name, version, built_version, built_for) VALUES ('results_sums', 1, 0, NULL)"#,
    r#"UPDATE derived_state SET version = version + 1 WHERE name = 'coverage'"#,
    concat!(
        r#"CREATE OR REPLACE FUNCTION results_sums_changed() "#,
        r#"RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE derived_state SET version = version + 1 "#,
        r#"WHERE name = 'results_sums'; RETURN NULL; END $$"#,
    ),
    concat!(
        r#"CREATE TRIGGER economic_figures_sums AFTER INSERT OR UPDATE OR DELETE ON economic_figures "#,
        r#"FOR EACH STATEMENT EXECUTE FUNCTION results_sums_changed()"#,
    ),
    concat!(
        r#"CREATE TRIGGER units_sums_town AFTER UPDATE OF town_code ON units FOR EACH ROW "#,
        r#"WHEN (OLD.town_code IS DISTINCT FROM NEW.town_code) EXECUTE FUNCTION results_sums_changed()"#,
    ),
    concat!(
        r#"CREATE TRIGGER units_sums_delete AFTER DELETE ON units FOR EACH STATEMENT "#,
        r#"EXECUTE FUNCTION results_sums_changed()"#,
    ),
];
