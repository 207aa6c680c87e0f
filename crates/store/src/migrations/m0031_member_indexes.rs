//! Step 31 (issue #13's benchmark): the member list's index covers its filters.
//!
//! A town's member list filters by the organisations in scope, then by 人员类别, 党员类别 or
//! part of the name, counts the matches and shows the first page by organisation and name.
//! Step 20's index (party_org_id, name, id) gave the order but not the category or standing,
//! so counting a category read every member of the town's organisations from the table
//! (300 ms on SQLite, 200 ms on PostgreSQL for 55,000 members). The same index carrying
//! category and standing answers the count and the page from the index alone (PostgreSQL:
//! an index-only scan over INCLUDE columns; SQLite: a covering index). It replaces step
//! 20's, which it makes redundant.
//!
//! Frozen: never edit these statements; add a step.

use sea_orm::{ConnectionTrait, DbBackend, DbErr};

pub(crate) async fn up(db: &impl ConnectionTrait, backend: DbBackend) -> Result<(), DbErr> {
    super::apply(db, backend, SQLITE, POSTGRES).await
}

pub(super) const SQLITE: &[&str] = &[
    r#"DROP INDEX IF EXISTS "idx-members-party_org_id-name""#,
    r#"CREATE INDEX "idx-members-list" ON "members" ("party_org_id", "name", "id", "category", "standing")"#,
];

pub(super) const POSTGRES: &[&str] = &[
    r#"DROP INDEX IF EXISTS "idx-members-party_org_id-name""#,
    r#"CREATE INDEX "idx-members-list" ON "members" ("party_org_id", "name", "id") INCLUDE ("category", "standing")"#,
];
