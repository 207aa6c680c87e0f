//! Step 30 (issue #15): the derived economic sums (step 27) rebuilt only where a write
//! touched them. `economic_sums_dirty` holds the town × period keys written since the sums
//! were last built: a figure inserted, changed or deleted dirties its enterprise's town and
//! period (the old and the new, for a change); an enterprise moving town dirties both towns
//! for each period it has figures of; an enterprise leaving the register dirties its town
//! for every period (`'*'`). The step-27 triggers still mark the sums stale; the reader then
//! refreshes only the keys recorded (and the same period of the year after, whose
//! year-on-year pair they feed). A key `'*', '*'` asks for the whole table: recorded here
//! when the sums were already stale, as nothing says where.
//!
//! Frozen: never edit these statements; add a step.

use sea_orm::{ConnectionTrait, DbBackend, DbErr};

pub(crate) async fn up(db: &impl ConnectionTrait, backend: DbBackend) -> Result<(), DbErr> {
    super::apply(db, backend, SQLITE, POSTGRES).await
}

pub(super) const SQLITE: &[&str] = &[
    concat!(
        r#"CREATE TABLE "economic_sums_dirty" ( "#,
        r#""town_code" varchar NOT NULL, "#,
        r#""period" varchar NOT NULL, "#,
        r#"PRIMARY KEY ("town_code", "period") "#,
        r#")"#,
    ),
    concat!(
        r#"INSERT INTO economic_sums_dirty (town_code, period) SELECT '*', '*' FROM derived_state "#,
        r#"WHERE name = 'results_sums' AND version <> built_version"#,
    ),
    concat!(
        r#"CREATE TRIGGER economic_figures_dirty_insert AFTER INSERT ON economic_figures BEGIN "#,
        r#"INSERT OR IGNORE INTO economic_sums_dirty (town_code, period) "#,
        r#"SELECT town_code, NEW.period FROM units WHERE id = NEW.unit_id; END"#,
    ),
    concat!(
        r#"CREATE TRIGGER economic_figures_dirty_update AFTER UPDATE ON economic_figures BEGIN "#,
        r#"INSERT OR IGNORE INTO economic_sums_dirty (town_code, period) "#,
        r#"SELECT town_code, OLD.period FROM units WHERE id = OLD.unit_id; "#,
        r#"INSERT OR IGNORE INTO economic_sums_dirty (town_code, period) "#,
        r#"SELECT town_code, NEW.period FROM units WHERE id = NEW.unit_id; END"#,
    ),
    concat!(
        r#"CREATE TRIGGER economic_figures_dirty_delete AFTER DELETE ON economic_figures BEGIN "#,
        r#"INSERT OR IGNORE INTO economic_sums_dirty (town_code, period) "#,
        r#"SELECT town_code, OLD.period FROM units WHERE id = OLD.unit_id; END"#,
    ),
    concat!(
        r#"CREATE TRIGGER units_dirty_town AFTER UPDATE OF town_code ON units "#,
        r#"WHEN OLD.town_code IS NOT NEW.town_code BEGIN "#,
        r#"INSERT OR IGNORE INTO economic_sums_dirty (town_code, period) "#,
        r#"SELECT DISTINCT OLD.town_code, period FROM economic_figures WHERE unit_id = NEW.id; "#,
        r#"INSERT OR IGNORE INTO economic_sums_dirty (town_code, period) "#,
        r#"SELECT DISTINCT NEW.town_code, period FROM economic_figures WHERE unit_id = NEW.id; END"#,
    ),
    concat!(
        r#"CREATE TRIGGER units_dirty_delete AFTER DELETE ON units BEGIN "#,
        r#"INSERT OR IGNORE INTO economic_sums_dirty (town_code, period) VALUES (OLD.town_code, '*'); END"#,
    ),
];

pub(super) const POSTGRES: &[&str] = &[
    concat!(
        r#"CREATE TABLE "economic_sums_dirty" ( "#,
        r#""town_code" varchar NOT NULL, "#,
        r#""period" varchar NOT NULL, "#,
        r#"PRIMARY KEY ("town_code", "period") "#,
        r#")"#,
    ),
    concat!(
        r#"INSERT INTO economic_sums_dirty (town_code, period) SELECT '*', '*' FROM derived_state "#,
        r#"WHERE name = 'results_sums' AND version <> built_version"#,
    ),
    // Per statement, over its transition tables: an import of 100,000 figures records its
    // few keys once, not row by row.
    concat!(
        r#"CREATE OR REPLACE FUNCTION results_sums_dirty_figures() RETURNS trigger LANGUAGE plpgsql AS $$ "#,
        r#"BEGIN "#,
        r#"IF TG_OP <> 'INSERT' THEN "#,
        r#"INSERT INTO economic_sums_dirty (town_code, period) SELECT DISTINCT u.town_code, o.period "#,
        r#"FROM old_rows o JOIN units u ON u.id = o.unit_id ON CONFLICT DO NOTHING; "#,
        r#"END IF; "#,
        r#"IF TG_OP <> 'DELETE' THEN "#,
        r#"INSERT INTO economic_sums_dirty (town_code, period) SELECT DISTINCT u.town_code, n.period "#,
        r#"FROM new_rows n JOIN units u ON u.id = n.unit_id ON CONFLICT DO NOTHING; "#,
        r#"END IF; "#,
        r#"RETURN NULL; END $$"#,
    ),
    concat!(
        r#"CREATE TRIGGER economic_figures_dirty_insert AFTER INSERT ON economic_figures "#,
        r#"REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION results_sums_dirty_figures()"#,
    ),
    concat!(
        r#"CREATE TRIGGER economic_figures_dirty_update AFTER UPDATE ON economic_figures "#,
        r#"REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "#,
        r#"EXECUTE FUNCTION results_sums_dirty_figures()"#,
    ),
    concat!(
        r#"CREATE TRIGGER economic_figures_dirty_delete AFTER DELETE ON economic_figures "#,
        r#"REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION results_sums_dirty_figures()"#,
    ),
    concat!(
        r#"CREATE OR REPLACE FUNCTION results_sums_dirty_unit() RETURNS trigger LANGUAGE plpgsql AS $$ "#,
        r#"BEGIN "#,
        r#"IF TG_OP = 'DELETE' THEN "#,
        r#"INSERT INTO economic_sums_dirty (town_code, period) VALUES (OLD.town_code, '*') ON CONFLICT DO NOTHING; "#,
        r#"ELSE "#,
        r#"INSERT INTO economic_sums_dirty (town_code, period) SELECT DISTINCT OLD.town_code, period "#,
        r#"FROM economic_figures WHERE unit_id = NEW.id ON CONFLICT DO NOTHING; "#,
        r#"INSERT INTO economic_sums_dirty (town_code, period) SELECT DISTINCT NEW.town_code, period "#,
        r#"FROM economic_figures WHERE unit_id = NEW.id ON CONFLICT DO NOTHING; "#,
        r#"END IF; "#,
        r#"RETURN NULL; END $$"#,
    ),
    concat!(
        r#"CREATE TRIGGER units_dirty_town AFTER UPDATE OF town_code ON units FOR EACH ROW "#,
        r#"WHEN (OLD.town_code IS DISTINCT FROM NEW.town_code) EXECUTE FUNCTION results_sums_dirty_unit()"#,
    ),
    concat!(
        r#"CREATE TRIGGER units_dirty_delete AFTER DELETE ON units FOR EACH ROW "#,
        r#"EXECUTE FUNCTION results_sums_dirty_unit()"#,
    ),
];
