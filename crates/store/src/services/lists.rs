//! Request lists with their clocks, and the escalation of overdue requests they trigger.

use qunlian_domain::auth::{Action, Caller, Scope};
use qunlian_domain::services::{Colour, EventKind, RequestState};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};

use super::*;
use crate::audit::Change;
use crate::entity::{service_event, service_item, service_request};
use crate::{Result, StoreError};

/// What the request list is narrowed to; every figure of the report links to the list with
/// the filter that counts the same requests.
#[derive(Clone, Debug, Default)]
pub struct ServiceFilter {
    pub state: Option<RequestState>,
    pub colour: Option<Colour>,
    pub department: Option<i64>,
    pub item: Option<i64>,
    /// 超期督办: requests escalated because they ran past their deadline.
    pub escalated: bool,
    /// Finished requests done within (`Some(true)`) or past (`Some(false)`) their limit.
    pub on_time: Option<bool>,
    pub rated: bool,
    /// Requests of the enterprises that are members of this cluster today.
    pub cluster: Option<i64>,
    /// Requests filed on or after this day and before `filed_before` (Beijing dates): a
    /// period of the results scorecard.
    pub filed_from: Option<chrono::NaiveDate>,
    pub filed_before: Option<chrono::NaiveDate>,
    /// Requests of a town: the requesting enterprise lies in it (its town today).
    pub town: Option<qunlian_domain::RegionCode>,
}

impl ServiceFilter {
    /// The cluster, town and filing-period part of the filter as SQL, which the list and the
    /// filtered report's total share.
    pub(super) fn cluster_and_period(&self) -> Condition {
        use qunlian_domain::clock::from_beijing;
        let mut cond = Condition::all();
        if let Some(c) = self.cluster {
            cond = cond.add(service_request::Column::UnitId.in_subquery(crate::scope::cluster_units(c)));
        }
        if let Some(t) = &self.town {
            cond =
                cond.add(crate::scope::unit_in_region((service_request::Entity, service_request::Column::UnitId), t));
        }
        if let Some(d) = self.filed_from {
            cond =
                cond.add(service_request::Column::FiledAt.gte(from_beijing(d.and_time(Default::default())).and_utc()));
        }
        if let Some(d) = self.filed_before {
            cond =
                cond.add(service_request::Column::FiledAt.lt(from_beijing(d.and_time(Default::default())).and_utc()));
        }
        cond
    }
}

impl Services<'_> {
    /// The requests the caller may see in one state (or all), newest first, with clocks.
    pub async fn requests(self, caller: &Caller, state: Option<RequestState>) -> Result<Vec<ServiceRequest>> {
        let f = ServiceFilter { state, ..ServiceFilter::default() };
        self.requests_filtered(caller, &f).await
    }

    /// Records the escalation of a request found red: once, whoever's read finds it.
    async fn escalate(self, r: &ServiceRequest) -> Result<bool> {
        let now = self.store.now();
        let detail = format!(
            "超过办结时限（{}，应于 {} 前办结），提请{}负责人和区级管理员督办",
            r.limit_label,
            r.clock.deadline.format("%Y-%m-%d %H:%M"),
            r.department
        );
        let line = format!("{}：{detail}", r.title);
        self.store
            .recorded_if(
                crate::audit::Actor::system(),
                async |txn| {
                    let done = service_request::Entity::update_many()
                        .col_expr(service_request::Column::EscalatedAt, sea_orm::sea_query::Expr::value(now))
                        .filter(service_request::Column::Id.eq(r.id))
                        .filter(service_request::Column::EscalatedAt.is_null())
                        .exec(txn)
                        .await?;
                    if done.rows_affected == 0 {
                        return Ok(false);
                    }
                    event(txn, r.id, now, "系统", EventKind::Escalated, None, Some(r.department_id), detail).await?;
                    Ok(true)
                },
                |&escalated| escalated.then(|| Change::new("service.request.escalate", "service_request", r.id, line)),
            )
            .await
    }

    /// Requests with their clocks, pause events read in chunks (SQLite limits parameters).
    async fn with_clocks(self, rows: Vec<service_request::Model>) -> Result<Vec<ServiceRequest>> {
        let mut events: std::collections::HashMap<i64, Vec<service_event::Model>> = std::collections::HashMap::new();
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        for chunk in ids.chunks(900) {
            for e in service_event::Entity::find()
                .filter(service_event::Column::RequestId.is_in(chunk.to_vec()))
                .filter(service_event::Column::Kind.is_in(["paused", "resumed"]))
                .order_by_asc(service_event::Column::At)
                .order_by_asc(service_event::Column::Id)
                .all(self.store.db())
                .await?
            {
                events.entry(e.request_id).or_default().push(e);
            }
        }
        let items: std::collections::HashMap<i64, service_item::Model> =
            service_item::Entity::find().all(self.store.db()).await?.into_iter().map(|i| (i.id, i)).collect();
        let mut unit_ids: Vec<i64> = rows.iter().flat_map(|r| [r.unit_id, r.department_id]).collect();
        unit_ids.sort_unstable();
        unit_ids.dedup();
        let mut names = std::collections::HashMap::new();
        for chunk in unit_ids.chunks(900) {
            names.extend(self.store.unit_names(chunk.to_vec()).await?);
        }
        let cal = self.work_calendar().await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let ev = events.remove(&r.id).unwrap_or_default();
                let item = items.get(&r.item_id);
                self.to_request(&cal, r, &ev, item, &names)
            })
            .collect())
    }

    /// Escalates every unfinished request in the caller's view that has run past its
    /// deadline and is not escalated yet: a read that finds it red records it.
    pub(super) async fn escalate_overdue(self, scope: Condition) -> Result<()> {
        let rows = service_request::Entity::find()
            .filter(scope)
            .filter(service_request::Column::State.is_in([RequestState::Open, RequestState::Waiting]))
            .filter(service_request::Column::EscalatedAt.is_null())
            .all(self.store.db())
            .await?;
        if rows.is_empty() {
            return Ok(());
        }
        for r in self.with_clocks(rows).await? {
            if r.clock.colour == Colour::Red {
                self.escalate(&r).await?;
            }
        }
        Ok(())
    }

    /// The requests the caller may see that the filter selects, newest first, with clocks.
    /// Reading them escalates those found overdue.
    pub async fn requests_filtered(self, caller: &Caller, f: &ServiceFilter) -> Result<Vec<ServiceRequest>> {
        if !(caller.may(Action::ReadRegistry) || caller.may(Action::HandleServiceRequest)) {
            return Err(StoreError::Forbidden);
        }
        let scope = self.request_scope(caller).await?;
        self.escalate_overdue(scope.clone()).await?;
        let mut cond = Condition::all().add(scope).add(f.cluster_and_period());
        if let Some(s) = f.state {
            cond = cond.add(service_request::Column::State.eq(s));
        }
        if f.on_time.is_some() {
            cond = cond.add(service_request::Column::State.eq(RequestState::Done));
        }
        if let Some(d) = f.department {
            cond = cond.add(service_request::Column::DepartmentId.eq(d));
        }
        if let Some(i) = f.item {
            cond = cond.add(service_request::Column::ItemId.eq(i));
        }
        if f.escalated {
            cond = cond.add(service_request::Column::EscalatedAt.is_not_null());
            // A department's 超期督办 list: what it holds now (one transferred away is the
            // new department's to follow up).
            if let Scope::Department(d) = &caller.scope {
                cond = cond.add(service_request::Column::DepartmentId.eq(d.0));
            }
        }
        if f.rated {
            cond = cond.add(service_request::Column::Rating.is_not_null());
        }
        let rows = service_request::Entity::find()
            .filter(cond)
            .order_by_desc(service_request::Column::FiledAt)
            .order_by_desc(service_request::Column::Id)
            .all(self.store.db())
            .await?;
        Ok(self
            .with_clocks(rows)
            .await?
            .into_iter()
            .filter(|r| f.colour.is_none_or(|c| r.clock.colour == c))
            .filter(|r| f.on_time.is_none_or(|want| (r.clock.remaining_minutes >= 0) == want))
            .collect())
    }

    /// Enterprises the caller may file a request for (its own, for an enterprise contact),
    /// by name, at most `limit`.
    pub async fn enterprises(self, caller: &Caller, q: Option<&str>, limit: u64) -> Result<Vec<(i64, String)>> {
        self.store.units_acting_for(caller, Action::FileServiceRequest, q, limit).await
    }
}
