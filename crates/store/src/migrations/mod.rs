//! The steps of [`crate::migrate`], one file per step, each holding the statements that step
//! runs on SQLite and on PostgreSQL as text, exactly as it shipped. A step never changes
//! after it has shipped and depends on nothing outside its file (no entity, no shared SQL
//! builder), so a database created at any step and migrated on reaches the same schema as a
//! fresh one (`tests/migrations.rs` checks it on both databases).

use sea_orm::{ConnectionTrait, DbBackend, DbErr};

pub(crate) mod m0001_registry;
pub(crate) mod m0002_coverage;
pub(crate) mod m0003_enterprise_list_index;
pub(crate) mod m0004_services;
pub(crate) mod m0005_policies;
pub(crate) mod m0006_service_attachments;
pub(crate) mod m0007_service_elapsed;
pub(crate) mod m0008_service_derived;
pub(crate) mod m0009_matching;
pub(crate) mod m0010_service_report_towns;
pub(crate) mod m0011_account_sessions;
pub(crate) mod m0012_imports;
pub(crate) mod m0013_projects;
pub(crate) mod m0014_project_outcomes;
pub(crate) mod m0015_listing_vectors;
pub(crate) mod m0016_registry_proposals;
pub(crate) mod m0017_projects;
pub(crate) mod m0018_bodies;
pub(crate) mod m0019_results;
pub(crate) mod m0020_people;
pub(crate) mod m0021_introduction_departments;
pub(crate) mod m0022_development;
pub(crate) mod m0023_activities;
pub(crate) mod m0024_villages;
pub(crate) mod m0025_instructors;
pub(crate) mod m0026_bodies_links;
pub(crate) mod m0027_results_sums;
pub(crate) mod m0028_workgroups;
pub(crate) mod m0029_party_groups;
pub(crate) mod m0030_results_towns;
pub(crate) mod m0031_member_indexes;

/// Runs a step's statements for the backend, in order, one at a time. Anything but
/// PostgreSQL is SQLite, as everywhere in the store.
async fn apply(db: &impl ConnectionTrait, backend: DbBackend, sqlite: &[&str], postgres: &[&str]) -> Result<(), DbErr> {
    let statements = match backend {
        DbBackend::Postgres => postgres,
        _ => sqlite,
    };
    for sql in statements {
        db.execute_unprepared(sql).await?;
    }
    Ok(())
}
