//! Step 21: an introduction may name the department that helps broker it (协办部门) — the
//! 经委 at a 要素对接会, the 科委 for a research partner. The integration projects' conflict
//! rule "the reviewer's department is brokering an introduction for the applicant" reads it
//! (issue #12): brokers are admins and cluster secretaries, so before this step no record
//! could show a department's part in an introduction.
//!
//! Frozen: never edit these statements; add a step.

use sea_orm::{ConnectionTrait, DbBackend, DbErr};

pub(crate) async fn up(db: &impl ConnectionTrait, backend: DbBackend) -> Result<(), DbErr> {
    super::apply(db, backend, SQLITE, POSTGRES).await
}

pub(super) const SQLITE: &[&str] = &[
    r#"ALTER TABLE "introductions" ADD COLUMN "assisting_department_id" integer"#,
    r#"CREATE INDEX "idx-introductions-assisting_department_id" ON "introductions" ("assisting_department_id")"#,
];

pub(super) const POSTGRES: &[&str] = &[
    r#"ALTER TABLE "introductions" ADD COLUMN "assisting_department_id" bigint"#,
    r#"CREATE INDEX "idx-introductions-assisting_department_id" ON "introductions" ("assisting_department_id")"#,
];
