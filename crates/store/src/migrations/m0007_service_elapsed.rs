//! Step 7: elapsed time of finished service requests, for reports.
//!
//! Finished requests keep their elapsed office minutes and whether they were on time, so the
//! department report aggregates in SQL; the index covers its grouping and values.
//!
//! The columns are added only where they are missing: until the steps were frozen, step 4
//! created `service_requests` from the entity of the day, so a database made after this step
//! shipped got them at creation (and step 4's frozen text has them too); one made before
//! gets them here.
//!
//! Frozen: the statements are the text this step ran when the steps were frozen (captured
//! from the entity-based code it replaced, byte for byte). Never edit them; add a step.

use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};

pub(crate) async fn up(db: &impl ConnectionTrait, backend: DbBackend) -> Result<(), DbErr> {
    for (column, add) in ADD_COLUMNS {
        if !column_exists(db, backend, "service_requests", column).await? {
            db.execute_unprepared(add).await?;
        }
    }
    super::apply(db, backend, SQLITE, POSTGRES).await
}

/// The same text on both backends.
pub(super) const ADD_COLUMNS: [(&str, &str); 2] = [
    ("elapsed_minutes", "ALTER TABLE service_requests ADD COLUMN elapsed_minutes BIGINT"),
    ("on_time", "ALTER TABLE service_requests ADD COLUMN on_time BOOLEAN"),
];

pub(super) const SQLITE: &[&str] = &[concat!(
    r#"CREATE INDEX idx_service_requests_report ON service_requests (department_id, item_id, "#,
    r#"state, elapsed_minutes, on_time, rating)"#,
)];

pub(super) const POSTGRES: &[&str] = SQLITE;

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
