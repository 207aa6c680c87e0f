//! The matching tables as migration step 9 created them.

use sea_orm::{ConnectionTrait, EntityTrait};

use crate::entity::{introduction, introduction_event, introduction_followup, listing, listing_change};

async fn create_table<E: EntityTrait>(
    db: &impl ConnectionTrait,
    schema: &sea_orm::Schema,
    entity: E,
) -> std::result::Result<(), sea_orm::DbErr> {
    db.execute(&schema.create_table_from_entity(entity)).await?;
    for index in schema.create_index_from_entity(entity) {
        db.execute(&index).await?;
    }
    Ok(())
}

/// Listings, their change log, introductions with events and follow-ups. The change log is
/// written by triggers on `listings` (every insert, update, delete) and on what decides who
/// sees a listing — the owner's cluster memberships and town — so the index learns of a
/// change whoever made it (a page, an import, another process).
///
/// On PostgreSQL the trigger functions take a transaction-level advisory lock before
/// writing a change, so changes get their `seq` in commit order: a reader never sees seq 6
/// committed while seq 5 is still invisible in an open transaction (and then skips it for
/// ever). SQLite has one writer at a time, which gives the same order.
pub(crate) async fn migrate(
    db: &impl ConnectionTrait,
    backend: sea_orm::DbBackend,
) -> std::result::Result<(), sea_orm::DbErr> {
    let schema = sea_orm::Schema::new(backend);
    create_table(db, &schema, listing::Entity).await?;
    create_table(db, &schema, listing_change::Entity).await?;
    create_table(db, &schema, introduction::Entity).await?;
    create_table(db, &schema, introduction_event::Entity).await?;
    create_table(db, &schema, introduction_followup::Entity).await?;
    db.execute_unprepared("CREATE INDEX idx_listings_key ON listings (unit_id, kind, title)").await?;
    match backend {
        sea_orm::DbBackend::Postgres => {
            db.execute_unprepared(
                "CREATE OR REPLACE FUNCTION listing_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
                 PERFORM pg_advisory_xact_lock(4004001); \
                 IF TG_OP = 'DELETE' THEN INSERT INTO listing_changes (listing_id) VALUES (OLD.id); \
                 ELSE INSERT INTO listing_changes (listing_id) VALUES (NEW.id); END IF; \
                 RETURN NULL; END $$",
            )
            .await?;
            db.execute_unprepared(
                "CREATE TRIGGER listings_changes AFTER INSERT OR UPDATE OR DELETE ON listings \
                 FOR EACH ROW EXECUTE FUNCTION listing_changed()",
            )
            .await?;
            db.execute_unprepared(
                "CREATE OR REPLACE FUNCTION listing_membership_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
                 PERFORM pg_advisory_xact_lock(4004001); \
                 IF TG_OP IN ('UPDATE', 'DELETE') THEN \
                   INSERT INTO listing_changes (listing_id) SELECT id FROM listings WHERE unit_id = OLD.unit_id; END IF; \
                 IF TG_OP IN ('INSERT', 'UPDATE') THEN \
                   INSERT INTO listing_changes (listing_id) SELECT id FROM listings WHERE unit_id = NEW.unit_id; END IF; \
                 RETURN NULL; END $$",
            )
            .await?;
            db.execute_unprepared(
                "CREATE TRIGGER cluster_members_listing_changes AFTER INSERT OR UPDATE OR DELETE ON cluster_members \
                 FOR EACH ROW EXECUTE FUNCTION listing_membership_changed()",
            )
            .await?;
            db.execute_unprepared(
                "CREATE OR REPLACE FUNCTION listing_owner_moved() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
                 PERFORM pg_advisory_xact_lock(4004001); \
                 INSERT INTO listing_changes (listing_id) SELECT id FROM listings WHERE unit_id = NEW.id; \
                 RETURN NULL; END $$",
            )
            .await?;
            // Only a real move fires it: an import re-writing a million unchanged towns
            // costs nothing here.
            db.execute_unprepared(
                "CREATE TRIGGER units_listing_changes AFTER UPDATE OF town_code ON units FOR EACH ROW \
                 WHEN (OLD.town_code IS DISTINCT FROM NEW.town_code) EXECUTE FUNCTION listing_owner_moved()",
            )
            .await?;
        }
        _ => {
            for (op, row) in [("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")] {
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER listings_changes_{lower} AFTER {op} ON listings \
                     BEGIN INSERT INTO listing_changes (listing_id) VALUES ({row}.id); END",
                    lower = op.to_lowercase()
                ))
                .await?;
            }
            for (op, rows) in [("INSERT", vec!["NEW"]), ("UPDATE", vec!["OLD", "NEW"]), ("DELETE", vec!["OLD"])] {
                let body: String = rows
                    .iter()
                    .map(|r| {
                        format!("INSERT INTO listing_changes (listing_id) SELECT id FROM listings WHERE unit_id = {r}.unit_id;")
                    })
                    .collect();
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER cluster_members_listing_changes_{lower} AFTER {op} ON cluster_members BEGIN {body} END",
                    lower = op.to_lowercase()
                ))
                .await?;
            }
            db.execute_unprepared(
                "CREATE TRIGGER units_listing_changes AFTER UPDATE OF town_code ON units \
                 WHEN OLD.town_code IS NOT NEW.town_code \
                 BEGIN INSERT INTO listing_changes (listing_id) SELECT id FROM listings WHERE unit_id = NEW.id; END",
            )
            .await?;
        }
    }
    Ok(())
}
