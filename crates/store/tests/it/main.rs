//! The storage layer against a real database: SQLite by default, PostgreSQL when the test
//! command sets TEST_DATABASE_URL. One test binary; a module per capability of the store.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod activities;
mod audit;
mod bodies;
mod codes;
mod coverage;
mod free_text;
mod matching;
mod matching_semantic;
mod migrations;
mod people;
mod policies;
mod project_outcomes;
mod projects;
mod registry;
mod results;
mod results_briefing;
mod scope;
mod services;
mod workgroups;

/// The first page of the audit log's lines that mention `q` (user, action, target or
/// detail), as an audit administrator made for the reading sees them.
async fn audit_mentioning(s: &qunlian_store::Store, q: &str) -> Vec<qunlian_store::audit::AuditEntry> {
    use qunlian_domain::auth::{Role, Scope};
    static READERS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = READERS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let auditor = qunlian_testkit::user(s, &format!("audit-reader-{n}"), Role::AuditAdmin, Scope::Nothing).await;
    let filter = qunlian_store::audit::AuditFilter { q: Some(q.into()), ..Default::default() };
    s.audit().search(&auditor, &filter, qunlian_store::PageRequest::default()).await.unwrap().items
}
