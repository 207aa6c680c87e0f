//! Step 3: covering index for the enterprise list.
//!
//! The enterprise list filters by kind and town, then by flags and part of the name, and
//! sorts by name; coverage counts enterprises by town and the attributes of its rules. One
//! index holding all of those answers both without reading the table (PostgreSQL: an
//! index-only scan over INCLUDE columns; SQLite: a covering index). It replaces the narrow
//! index of step 1 and the town-only and industry indexes, which every such query made
//! redundant (LIKE '39%' cannot use a plain index on either database) and which only slowed
//! imports.
//!
//! Frozen: the statements are the text this step ran when the steps were frozen (captured
//! from the entity-based code it replaced, byte for byte). Never edit them; add a step.

use sea_orm::{ConnectionTrait, DbBackend, DbErr};

pub(crate) async fn up(db: &impl ConnectionTrait, backend: DbBackend) -> Result<(), DbErr> {
    super::apply(db, backend, SQLITE, POSTGRES).await
}

pub(super) const SQLITE: &[&str] = &[
    r#"DROP INDEX IF EXISTS idx_units_kind_town_name"#,
    r#"DROP INDEX IF EXISTS "idx-units-town_code""#,
    r#"DROP INDEX IF EXISTS idx_units_industry"#,
    concat!(
        r#"CREATE INDEX idx_units_list ON units (kind, town_code, name, id, high_tech, above_scale, "#,
        r#"listed, key_project, srdi, employees, industry_code, park_id, is_demo)"#,
    ),
];

pub(super) const POSTGRES: &[&str] = &[
    r#"DROP INDEX IF EXISTS idx_units_kind_town_name"#,
    r#"DROP INDEX IF EXISTS "idx-units-town_code""#,
    r#"DROP INDEX IF EXISTS idx_units_industry"#,
    concat!(
        r#"CREATE INDEX idx_units_list ON units (kind, town_code, name, id) "#,
        r#"INCLUDE (high_tech, above_scale, listed, key_project, srdi, employees, industry_code, "#,
        r#"park_id, is_demo)"#,
    ),
];
