//! Step 15: listings' embeddings, stored with them (issue #16, the semantic stage).
//!
//! One row per listing: the vector of its title and description as int8 with its scale
//! (`qunlian_domain::matching::ListingVector::to_bytes`: 4 + 384 bytes for the bundled
//! model), the model's id and version that computed it, and a hash of the text it was
//! computed from. Written when a listing is saved; a rebuild reads it and embeds again only a
//! listing with no row, another model's or another text's
//! (docs/decisions/0008-semantic-stage.md). Deleted with its listing.
//!
//! Frozen: never edit these statements; add a step.

use sea_orm::{ConnectionTrait, DbBackend, DbErr};

pub(crate) async fn up(db: &impl ConnectionTrait, backend: DbBackend) -> Result<(), DbErr> {
    super::apply(db, backend, SQLITE, POSTGRES).await
}

pub(super) const SQLITE: &[&str] = &[concat!(
    r#"CREATE TABLE "listing_vectors" ( "#,
    r#""listing_id" integer NOT NULL PRIMARY KEY, "#,
    r#""model" varchar NOT NULL, "#,
    r#""text_hash" integer NOT NULL, "#,
    r#""vector" varbinary_blob NOT NULL, "#,
    r#"FOREIGN KEY ("listing_id") REFERENCES "listings" ("id") ON DELETE CASCADE "#,
    r#")"#,
)];

pub(super) const POSTGRES: &[&str] = &[concat!(
    r#"CREATE TABLE "listing_vectors" ( "#,
    r#""listing_id" bigint NOT NULL PRIMARY KEY, "#,
    r#""model" varchar NOT NULL, "#,
    r#""text_hash" bigint NOT NULL, "#,
    r#""vector" bytea NOT NULL, "#,
    r#"FOREIGN KEY ("listing_id") REFERENCES "listings" ("id") ON DELETE CASCADE "#,
    r#")"#,
)];
