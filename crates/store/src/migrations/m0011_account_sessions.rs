//! Step 11: API tokens expire, and a user's sessions and tokens can be ended at once.
//!
//! `api_tokens.expires_at` is the end of a token's life (tokens issued before this step have
//! none and are read as ending their default lifetime after issue, see
//! `accounts/tokens.rs`). `users.session_epoch` is copied into each session at login; raising
//! it (a password change, a disable, a role or scope change) ends every session that carries
//! an older number.
//!
//! Frozen: never edit these statements; add a step.

use sea_orm::{ConnectionTrait, DbBackend, DbErr};

pub(crate) async fn up(db: &impl ConnectionTrait, backend: DbBackend) -> Result<(), DbErr> {
    super::apply(db, backend, SQLITE, POSTGRES).await
}

pub(super) const SQLITE: &[&str] = &[
    r#"ALTER TABLE "api_tokens" ADD COLUMN "expires_at" timestamp_with_timezone_text"#,
    r#"ALTER TABLE "users" ADD COLUMN "session_epoch" integer NOT NULL DEFAULT 0"#,
];

pub(super) const POSTGRES: &[&str] = &[
    r#"ALTER TABLE "api_tokens" ADD COLUMN "expires_at" timestamp with time zone"#,
    r#"ALTER TABLE "users" ADD COLUMN "session_epoch" integer NOT NULL DEFAULT 0"#,
];
