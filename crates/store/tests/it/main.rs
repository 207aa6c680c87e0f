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

use std::sync::atomic::{AtomicUsize, Ordering};

use qunlian_domain::auth::{Role, Scope};
use qunlian_store::audit::{AuditEntry, AuditFilter};
use qunlian_store::{Page, PageRequest, Store};

/// The first page of the audit log's lines `filter` keeps, as an audit administrator made
/// for the reading sees them.
async fn audit_page(s: &Store, filter: AuditFilter) -> Page<AuditEntry> {
    static READERS: AtomicUsize = AtomicUsize::new(0);
    let n = READERS.fetch_add(1, Ordering::Relaxed);
    let auditor = qunlian_testkit::user(s, &format!("audit-reader-{n}"), Role::AuditAdmin, Scope::Nothing).await;
    s.audit().search(&auditor, &filter, PageRequest::default()).await.unwrap()
}

/// [`audit_page`] of the lines of one action.
async fn audit_of(s: &Store, action: &str) -> Page<AuditEntry> {
    audit_page(s, AuditFilter { action: Some(action.into()), ..Default::default() }).await
}

/// [`audit_page`]'s lines that mention `q` (user, action, target or detail).
async fn audit_mentioning(s: &Store, q: &str) -> Vec<AuditEntry> {
    audit_page(s, AuditFilter { q: Some(q.into()), ..Default::default() }).await.items
}
