//! Step 9: matchmaking: listings with their change log, introductions.
//!
//! Listings, their change log, introductions with events and follow-ups. The change log is
//! written by triggers on `listings` (every insert, update, delete) and on what decides who
//! sees a listing — the owner's cluster memberships and town (only a real move fires it: an
//! import re-writing a million unchanged towns costs nothing) — so the index learns of a
//! change whoever made it (a page, an import, another process).
//!
//! On PostgreSQL the trigger functions take a transaction-level advisory lock before writing
//! a change, so changes get their `seq` in commit order: a reader never sees seq 6 committed
//! while seq 5 is still invisible in an open transaction (and then skips it for ever).
//! SQLite has one writer at a time, which gives the same order.
//!
//! Until the steps were frozen this step was `crate::matching::migrate`.
//!
//! Frozen: the statements are the text this step ran when the steps were frozen (captured
//! from the entity-based code it replaced, byte for byte). Never edit them; add a step.

use sea_orm::{ConnectionTrait, DbBackend, DbErr};

pub(crate) async fn up(db: &impl ConnectionTrait, backend: DbBackend) -> Result<(), DbErr> {
    super::apply(db, backend, SQLITE, POSTGRES).await
}

pub(super) const SQLITE: &[&str] = &[
    concat!(
        r#"CREATE TABLE "listings" ( "#,
        r#""id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "#,
        r#""unit_id" integer NOT NULL, "#,
        r#""kind" varchar NOT NULL, "#,
        r#""category" varchar NOT NULL, "#,
        r#""title" varchar NOT NULL, "#,
        r#""description" varchar NOT NULL, "#,
        r#""industry_code" varchar, "#,
        r#""quantity" double, "#,
        r#""quantity_unit" varchar, "#,
        r#""urgency" varchar NOT NULL, "#,
        r#""reach" varchar NOT NULL, "#,
        r#""valid_until" date_text NOT NULL, "#,
        r#""status" varchar NOT NULL, "#,
        r#""created_by" varchar NOT NULL, "#,
        r#""created_at" timestamp_with_timezone_text NOT NULL, "#,
        r#""updated_at" timestamp_with_timezone_text NOT NULL, "#,
        r#""is_demo" boolean NOT NULL "#,
        r#")"#,
    ),
    r#"CREATE INDEX "idx-listings-unit_id" ON "listings" ("unit_id")"#,
    r#"CREATE INDEX "idx-listings-status" ON "listings" ("status")"#,
    concat!(
        r#"CREATE TABLE "listing_changes" ( "#,
        r#""seq" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "#,
        r#""listing_id" integer NOT NULL "#,
        r#")"#,
    ),
    concat!(
        r#"CREATE TABLE "introductions" ( "#,
        r#""id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "#,
        r#""need_listing_id" integer NOT NULL, "#,
        r#""offer_listing_id" integer NOT NULL, "#,
        r#""need_unit_id" integer NOT NULL, "#,
        r#""offer_unit_id" integer NOT NULL, "#,
        r#""cluster_id" integer, "#,
        r#""broker" varchar NOT NULL, "#,
        r#""broker_user_id" integer, "#,
        r#""state" varchar NOT NULL, "#,
        r#""reason" varchar, "#,
        r#""deal_value_wan" double, "#,
        r#""match_reasons" varchar NOT NULL, "#,
        r#""note" varchar NOT NULL, "#,
        r#""created_at" timestamp_with_timezone_text NOT NULL, "#,
        r#""updated_at" timestamp_with_timezone_text NOT NULL, "#,
        r#""is_demo" boolean NOT NULL "#,
        r#")"#,
    ),
    r#"CREATE INDEX "idx-introductions-need_listing_id" ON "introductions" ("need_listing_id")"#,
    r#"CREATE INDEX "idx-introductions-offer_listing_id" ON "introductions" ("offer_listing_id")"#,
    r#"CREATE INDEX "idx-introductions-need_unit_id" ON "introductions" ("need_unit_id")"#,
    r#"CREATE INDEX "idx-introductions-offer_unit_id" ON "introductions" ("offer_unit_id")"#,
    r#"CREATE INDEX "idx-introductions-cluster_id" ON "introductions" ("cluster_id")"#,
    r#"CREATE INDEX "idx-introductions-state" ON "introductions" ("state")"#,
    concat!(
        r#"CREATE TABLE "introduction_events" ( "#,
        r#""id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "#,
        r#""introduction_id" integer NOT NULL, "#,
        r#""at" timestamp_with_timezone_text NOT NULL, "#,
        r#""actor" varchar NOT NULL, "#,
        r#""from_state" varchar, "#,
        r#""to_state" varchar NOT NULL, "#,
        r#""detail" varchar NOT NULL "#,
        r#")"#,
    ),
    r#"CREATE INDEX "idx-introduction_events-introduction_id" ON "introduction_events" ("introduction_id")"#,
    concat!(
        r#"CREATE TABLE "introduction_followups" ( "#,
        r#""id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "#,
        r#""introduction_id" integer NOT NULL, "#,
        r#""on_date" date_text NOT NULL, "#,
        r#""annual_sales_wan" double, "#,
        r#""delivery_quantity" double, "#,
        r#""delivery_note" varchar NOT NULL, "#,
        r#""note" varchar NOT NULL, "#,
        r#""recorded_by" varchar NOT NULL, "#,
        r#""recorded_at" timestamp_with_timezone_text NOT NULL "#,
        r#")"#,
    ),
    concat!(
        r#"CREATE INDEX "idx-introduction_followups-introduction_id" ON "introduction_followups" "#,
        r#"("introduction_id")"#,
    ),
    r#"CREATE INDEX idx_listings_key ON listings (unit_id, kind, title)"#,
    concat!(
        r#"CREATE TRIGGER listings_changes_insert AFTER INSERT ON listings BEGIN "#,
        r#"INSERT INTO listing_changes (listing_id) VALUES (NEW.id); END"#,
    ),
    concat!(
        r#"CREATE TRIGGER listings_changes_update AFTER UPDATE ON listings BEGIN "#,
        r#"INSERT INTO listing_changes (listing_id) VALUES (NEW.id); END"#,
    ),
    concat!(
        r#"CREATE TRIGGER listings_changes_delete AFTER DELETE ON listings BEGIN "#,
        r#"INSERT INTO listing_changes (listing_id) VALUES (OLD.id); END"#,
    ),
    concat!(
        r#"CREATE TRIGGER cluster_members_listing_changes_insert AFTER INSERT ON cluster_members BEGIN "#,
        r#"INSERT INTO listing_changes (listing_id) SELECT id FROM listings "#,
        r#"WHERE unit_id = NEW.unit_id; END"#,
    ),
    concat!(
        r#"CREATE TRIGGER cluster_members_listing_changes_update AFTER UPDATE ON cluster_members BEGIN "#,
        r#"INSERT INTO listing_changes (listing_id) SELECT id FROM listings "#,
        r#"WHERE unit_id = OLD.unit_id;INSERT INTO listing_changes (listing_id) SELECT id "#,
        r#"FROM listings WHERE unit_id = NEW.unit_id; END"#,
    ),
    concat!(
        r#"CREATE TRIGGER cluster_members_listing_changes_delete AFTER DELETE ON cluster_members BEGIN "#,
        r#"INSERT INTO listing_changes (listing_id) SELECT id FROM listings "#,
        r#"WHERE unit_id = OLD.unit_id; END"#,
    ),
    concat!(
        r#"CREATE TRIGGER units_listing_changes AFTER UPDATE OF town_code ON units "#,
        r#"WHEN OLD.town_code IS NOT NEW.town_code BEGIN INSERT INTO listing_changes (listing_id) "#,
        r#"SELECT id FROM listings WHERE unit_id = NEW.id; END"#,
    ),
];

pub(super) const POSTGRES: &[&str] = &[
    concat!(
        r#"CREATE TABLE "listings" ( "#,
        r#""id" bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL PRIMARY KEY, "#,
        r#""unit_id" bigint NOT NULL, "#,
        r#""kind" varchar NOT NULL, "#,
        r#""category" varchar NOT NULL, "#,
        r#""title" varchar NOT NULL, "#,
        r#""description" varchar NOT NULL, "#,
        r#""industry_code" varchar, "#,
        r#""quantity" double precision, "#,
        r#""quantity_unit" varchar, "#,
        r#""urgency" varchar NOT NULL, "#,
        r#""reach" varchar NOT NULL, "#,
        r#""valid_until" date NOT NULL, "#,
        r#""status" varchar NOT NULL, "#,
        r#""created_by" varchar NOT NULL, "#,
        r#""created_at" timestamp with time zone NOT NULL, "#,
        r#""updated_at" timestamp with time zone NOT NULL, "#,
        r#""is_demo" bool NOT NULL "#,
        r#")"#,
    ),
    r#"CREATE INDEX "idx-listings-unit_id" ON "listings" ("unit_id")"#,
    r#"CREATE INDEX "idx-listings-status" ON "listings" ("status")"#,
    concat!(
        r#"CREATE TABLE "listing_changes" ( "#,
        r#""seq" bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL PRIMARY KEY, "#,
        r#""listing_id" bigint NOT NULL "#,
        r#")"#,
    ),
    concat!(
        r#"CREATE TABLE "introductions" ( "#,
        r#""id" bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL PRIMARY KEY, "#,
        r#""need_listing_id" bigint NOT NULL, "#,
        r#""offer_listing_id" bigint NOT NULL, "#,
        r#""need_unit_id" bigint NOT NULL, "#,
        r#""offer_unit_id" bigint NOT NULL, "#,
        r#""cluster_id" bigint, "#,
        r#""broker" varchar NOT NULL, "#,
        r#""broker_user_id" bigint, "#,
        r#""state" varchar NOT NULL, "#,
        r#""reason" varchar, "#,
        r#""deal_value_wan" double precision, "#,
        r#""match_reasons" varchar NOT NULL, "#,
        r#""note" varchar NOT NULL, "#,
        r#""created_at" timestamp with time zone NOT NULL, "#,
        r#""updated_at" timestamp with time zone NOT NULL, "#,
        r#""is_demo" bool NOT NULL "#,
        r#")"#,
    ),
    r#"CREATE INDEX "idx-introductions-need_listing_id" ON "introductions" ("need_listing_id")"#,
    r#"CREATE INDEX "idx-introductions-offer_listing_id" ON "introductions" ("offer_listing_id")"#,
    r#"CREATE INDEX "idx-introductions-need_unit_id" ON "introductions" ("need_unit_id")"#,
    r#"CREATE INDEX "idx-introductions-offer_unit_id" ON "introductions" ("offer_unit_id")"#,
    r#"CREATE INDEX "idx-introductions-cluster_id" ON "introductions" ("cluster_id")"#,
    r#"CREATE INDEX "idx-introductions-state" ON "introductions" ("state")"#,
    concat!(
        r#"CREATE TABLE "introduction_events" ( "#,
        r#""id" bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL PRIMARY KEY, "#,
        r#""introduction_id" bigint NOT NULL, "#,
        r#""at" timestamp with time zone NOT NULL, "#,
        r#""actor" varchar NOT NULL, "#,
        r#""from_state" varchar, "#,
        r#""to_state" varchar NOT NULL, "#,
        r#""detail" varchar NOT NULL "#,
        r#")"#,
    ),
    r#"CREATE INDEX "idx-introduction_events-introduction_id" ON "introduction_events" ("introduction_id")"#,
    concat!(
        r#"CREATE TABLE "introduction_followups" ( "#,
        r#""id" bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL PRIMARY KEY, "#,
        r#""introduction_id" bigint NOT NULL, "#,
        r#""on_date" date NOT NULL, "#,
        r#""annual_sales_wan" double precision, "#,
        r#""delivery_quantity" double precision, "#,
        r#""delivery_note" varchar NOT NULL, "#,
        r#""note" varchar NOT NULL, "#,
        r#""recorded_by" varchar NOT NULL, "#,
        r#""recorded_at" timestamp with time zone NOT NULL "#,
        r#")"#,
    ),
    concat!(
        r#"CREATE INDEX "idx-introduction_followups-introduction_id" ON "introduction_followups" "#,
        r#"("introduction_id")"#,
    ),
    r#"CREATE INDEX idx_listings_key ON listings (unit_id, kind, title)"#,
    concat!(
        r#"CREATE OR REPLACE FUNCTION listing_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "#,
        r#"PERFORM pg_advisory_xact_lock(4004001); IF TG_OP = 'DELETE' THEN "#,
        r#"INSERT INTO listing_changes (listing_id) VALUES (OLD.id); ELSE "#,
        r#"INSERT INTO listing_changes (listing_id) VALUES (NEW.id); END IF; RETURN NULL; END $$"#,
    ),
    concat!(
        r#"CREATE TRIGGER listings_changes AFTER INSERT OR UPDATE OR DELETE ON listings FOR EACH ROW "#,
        r#"EXECUTE FUNCTION listing_changed()"#,
    ),
    concat!(
        r#"CREATE OR REPLACE FUNCTION listing_membership_changed() "#,
        r#"RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_advisory_xact_lock(4004001); "#,
        r#"IF TG_OP IN ('UPDATE', 'DELETE') THEN INSERT INTO listing_changes (listing_id) SELECT id "#,
        r#"FROM listings WHERE unit_id = OLD.unit_id; END IF; IF TG_OP IN ('INSERT', 'UPDATE') THEN "#,
        r#"INSERT INTO listing_changes (listing_id) SELECT id FROM listings "#,
        r#"WHERE unit_id = NEW.unit_id; END IF; RETURN NULL; END $$"#,
    ),
    concat!(
        r#"CREATE TRIGGER cluster_members_listing_changes AFTER INSERT OR UPDATE OR DELETE ON "#,
        r#"cluster_members FOR EACH ROW EXECUTE FUNCTION listing_membership_changed()"#,
    ),
    concat!(
        r#"CREATE OR REPLACE FUNCTION listing_owner_moved() RETURNS trigger LANGUAGE plpgsql AS $$ "#,
        r#"BEGIN PERFORM pg_advisory_xact_lock(4004001); INSERT INTO listing_changes (listing_id) "#,
        r#"SELECT id FROM listings WHERE unit_id = NEW.id; RETURN NULL; END $$"#,
    ),
    concat!(
        r#"CREATE TRIGGER units_listing_changes AFTER UPDATE OF town_code ON units FOR EACH ROW "#,
        r#"WHEN (OLD.town_code IS DISTINCT FROM NEW.town_code) EXECUTE FUNCTION listing_owner_moved()"#,
    ),
];
