//! Stage times: written when a stage finishes, recounted when a calendar changes.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use qunlian_domain::calendar::WorkCalendar;
use qunlian_domain::services::{EventKind, stage_minutes};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};

use super::*;
use crate::Result;
use crate::entity::{derived_state, service_event, service_request, service_stage_time};

/// The `derived_state` row that says whether every finished stage has its time counted.
const STAGE_TIMES: &str = "service_stage_times";

/// The events a stage time is computed from.
const STAGE_EVENT_KINDS: [EventKind; 4] =
    [EventKind::StageStarted, EventKind::StageFinished, EventKind::Paused, EventKind::Resumed];

/// The start and finish of each stage of one request, from its events in order: a finish
/// closes the stage's latest start; a stage started and finished again keeps its last span.
pub(crate) fn stage_spans(events: &[service_event::Model]) -> BTreeMap<String, (DateTime<Utc>, DateTime<Utc>)> {
    let mut open: HashMap<&str, DateTime<Utc>> = HashMap::new();
    let mut spans = BTreeMap::new();
    for e in events {
        let Some(stage) = e.stage.as_deref() else { continue };
        match e.kind {
            EventKind::StageStarted => {
                open.insert(stage, e.at);
            }
            EventKind::StageFinished => {
                if let Some(start) = open.remove(stage) {
                    spans.insert(stage.to_owned(), (start, e.at));
                }
            }
            _ => {}
        }
    }
    spans
}

/// Each finished stage of one request with its office minutes, the pauses inside it not
/// counted.
pub(crate) fn stage_times(
    cal: &WorkCalendar,
    events: &[service_event::Model],
) -> Vec<(String, DateTime<Utc>, DateTime<Utc>, i64)> {
    let pauses = pauses_of(events);
    stage_spans(events)
        .into_iter()
        .map(|(stage, (from, to))| {
            let minutes = stage_minutes(cal, local(from), local(to), &pauses);
            (stage, from, to, minutes)
        })
        .collect()
}

/// The stage and pause events of the requests a subquery selects, grouped by request and
/// in order.
pub(super) async fn stage_events_of(
    db: &impl ConnectionTrait,
    requests: Condition,
) -> Result<BTreeMap<i64, Vec<service_event::Model>>> {
    let mut by_request: BTreeMap<i64, Vec<service_event::Model>> = BTreeMap::new();
    for e in service_event::Entity::find()
        .filter(requests)
        .filter(service_event::Column::Kind.is_in(STAGE_EVENT_KINDS))
        .order_by_asc(service_event::Column::RequestId)
        .order_by_asc(service_event::Column::At)
        .order_by_asc(service_event::Column::Id)
        .all(db)
        .await?
    {
        by_request.entry(e.request_id).or_default().push(e);
    }
    Ok(by_request)
}

/// Replaces the stage times of these requests with what their events say now. The triggers
/// on `service_stage_times` move the item × stage cells along.
pub(crate) async fn replace_stage_times(db: &impl ConnectionTrait, cal: &WorkCalendar, ids: &[i64]) -> Result<()> {
    for chunk in ids.chunks(500) {
        let items: HashMap<i64, i64> = service_request::Entity::find()
            .select_only()
            .column(service_request::Column::Id)
            .column(service_request::Column::ItemId)
            .filter(service_request::Column::Id.is_in(chunk.to_vec()))
            .into_tuple::<(i64, i64)>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        let events =
            stage_events_of(db, Condition::all().add(service_event::Column::RequestId.is_in(chunk.to_vec()))).await?;
        let mut rows = Vec::new();
        for (id, evs) in &events {
            let Some(item_id) = items.get(id) else { continue };
            for (stage, from, to, minutes) in stage_times(cal, evs) {
                rows.push(service_stage_time::ActiveModel {
                    request_id: Set(*id),
                    stage: Set(stage),
                    item_id: Set(*item_id),
                    minutes: Set(minutes),
                    started_at: Set(from),
                    finished_at: Set(to),
                });
            }
        }
        service_stage_time::Entity::delete_many()
            .filter(service_stage_time::Column::RequestId.is_in(chunk.to_vec()))
            .exec(db)
            .await?;
        if !rows.is_empty() {
            service_stage_time::Entity::insert_many(rows).exec_without_returning(db).await?;
        }
    }
    Ok(())
}

impl Services<'_> {
    /// Counts the stage times that ran through `[from, until)` again: a calendar year of
    /// that span was loaded or replaced.
    pub(crate) async fn recount_stage_times(self, from: DateTime<Utc>, until: DateTime<Utc>) -> Result<usize> {
        let ids: Vec<i64> = service_stage_time::Entity::find()
            .select_only()
            .column(service_stage_time::Column::RequestId)
            .distinct()
            .filter(service_stage_time::Column::FinishedAt.gte(from))
            .filter(service_stage_time::Column::StartedAt.lt(until))
            .into_tuple()
            .all(self.store.db())
            .await?;
        self.replace_stage_times_of(&ids).await?;
        Ok(ids.len())
    }

    async fn replace_stage_times_of(self, ids: &[i64]) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let cal = self.work_calendar().await?;
        for chunk in ids.chunks(500) {
            let txn = self.store.db().begin().await?;
            replace_stage_times(&txn, &cal, chunk).await?;
            txn.commit().await?;
        }
        Ok(())
    }

    /// After the upgrade that made the stage times a table: counts every finished stage
    /// once, from the events.
    pub(crate) async fn ensure_stage_times(self) -> Result<()> {
        let Some(state) = derived_state::Entity::find_by_id(STAGE_TIMES).one(self.store.db()).await? else {
            return Ok(());
        };
        if state.built_version >= state.version {
            return Ok(());
        }
        let ids: Vec<i64> = service_event::Entity::find()
            .select_only()
            .column(service_event::Column::RequestId)
            .distinct()
            .filter(service_event::Column::Kind.eq("stage_finished"))
            .into_tuple()
            .all(self.store.db())
            .await?;
        self.replace_stage_times_of(&ids).await?;
        derived_state::Entity::update_many()
            .col_expr(derived_state::Column::BuiltVersion, Expr::value(state.version))
            .filter(derived_state::Column::Name.eq(STAGE_TIMES))
            .exec(self.store.db())
            .await?;
        Ok(())
    }
}
