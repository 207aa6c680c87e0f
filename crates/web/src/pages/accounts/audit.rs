//! The audit log, read by the audit administrator only.

use askama::Template;
use axum::extract::{Query, State};
use qunlian_domain::auth::Action;
use qunlian_store::audit::{AuditEntry, AuditFilter};
use qunlian_store::{Page, PageRequest};
use serde::Deserialize;

use crate::auth::{Auth, Layout};
use crate::error::PageResult;
use crate::state::AppState;
use crate::support::forms::{non_empty, parse_date};
use crate::support::render;

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    q: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<u64>,
}

#[derive(Template)]
#[template(path = "accounts/audit.html")]
struct AuditPage {
    layout: Layout,
    page: Page<AuditEntry>,
    q: String,
    from: String,
    to: String,
}

impl AuditPage {
    fn local(&self, e: &AuditEntry) -> String {
        crate::support::format::seconds(e.at)
    }
}

pub async fn audit(State(state): State<AppState>, auth: Auth, Query(q): Query<AuditQuery>) -> PageResult {
    auth.require(Action::ReadAudit)?;
    let filter = AuditFilter {
        q: non_empty(&q.q).map(str::to_owned),
        action: non_empty(&q.action).map(str::to_owned),
        from: parse_date("开始日期", &q.from)?,
        to: parse_date("结束日期", &q.to)?,
    };
    let page = state.store.audit().search(&auth.caller, &filter, PageRequest::new(q.page, Some(100))).await?;
    render(&AuditPage {
        layout: Layout::new(&auth, &state, "/audit"),
        page,
        q: non_empty(&q.q).unwrap_or("").to_owned(),
        from: non_empty(&q.from).unwrap_or("").to_owned(),
        to: non_empty(&q.to).unwrap_or("").to_owned(),
    })
}
