//! The department report of enterprise services, and the stage times it averages.
//!
//! The request counts are read from a derived table that triggers keep equal to a GROUP BY
//! over the requests (migrations 8 and 10): `service_report_town_cells`, requests per
//! department × item × finished-or-not × tenth of a working day of elapsed time × town of
//! the enterprise. The whole deployment sums all of them, a region (district or town) the
//! cells of its towns, a department its own cells plus a direct count of the few requests it
//! handled and transferred to another department. The stage times of the whole deployment
//! come from `service_stage_cells` (per item × stage); a region's and a department's from the
//! stage times of their requests. Clusters, Party organisations and enterprises, which have
//! few requests, are counted from them. Medians and P90 come from the tenth-of-a-day
//! histogram either way, so both paths give the same figures;
//! [`Store::service_report_counted`] counts everything from the requests and their events,
//! as the tests and the benchmark compare.
//!
//! A stage's time is the office time from its last start to its finish, the pauses inside
//! it (待补材料) not counted. It is written to `service_stage_times` when the stage is
//! finished, recounted when a calendar year is loaded, and counted for every finished stage
//! on the first start after the table was made.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use qunlian_domain::auth::{Action, Caller, Scope};
use qunlian_domain::calendar::WorkCalendar;
use qunlian_domain::services::stage_minutes;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};

use crate::entity::{
    derived_state, service_event, service_item, service_report_town_cell, service_request, service_stage_cell,
    service_stage_time,
};
use crate::scope::town_in;
use crate::services::{ReportRow, ServiceReport, StageLead, local, pauses_of};
use crate::{Result, Store, StoreError};

/// The `derived_state` row that says whether every finished stage has its time counted.
const STAGE_TIMES: &str = "service_stage_times";

/// The events a stage time is computed from.
const STAGE_EVENT_KINDS: [&str; 4] = ["stage_started", "stage_finished", "paused", "resumed"];

/// One department × item of the report, as counted.
#[derive(Default, Clone)]
struct Acc {
    count: u64,
    done: u64,
    on_time: u64,
    rated: u64,
    rating_sum: i64,
    /// Finished requests per tenth of a working day of elapsed time.
    buckets: BTreeMap<i64, u64>,
}

impl Acc {
    fn merge(&mut self, o: &Acc) {
        self.count += o.count;
        self.done += o.done;
        self.on_time += o.on_time;
        self.rated += o.rated;
        self.rating_sum += o.rating_sum;
        for (b, n) in &o.buckets {
            *self.buckets.entry(*b).or_default() += n;
        }
    }

    /// Nearest rank over the buckets: the smallest tenth of a day with at least `q` of the
    /// finished requests at or below it.
    fn quantile(&self, q: f64) -> Option<f64> {
        let total: u64 = self.buckets.values().sum();
        if total == 0 {
            return None;
        }
        let rank = ((q * total as f64).ceil() as u64).clamp(1, total);
        let mut seen = 0;
        for (b, n) in &self.buckets {
            seen += n;
            if seen >= rank {
                return Some(*b as f64 / 10.0);
            }
        }
        None
    }
}

type Groups = HashMap<(i64, i64), Acc>;
/// (item, stage) → (requests that finished it, their office minutes in total).
type StageSums = HashMap<(i64, String), (u64, i64)>;

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// The start and finish of each stage of one request, from its events in order: a finish
/// closes the stage's latest start; a stage started and finished again keeps its last span.
pub(crate) fn stage_spans(events: &[service_event::Model]) -> BTreeMap<String, (DateTime<Utc>, DateTime<Utc>)> {
    let mut open: HashMap<&str, DateTime<Utc>> = HashMap::new();
    let mut spans = BTreeMap::new();
    for e in events {
        let Some(stage) = e.stage.as_deref() else { continue };
        match e.kind.as_str() {
            "stage_started" => {
                open.insert(stage, e.at);
            }
            "stage_finished" => {
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
async fn stage_events_of(
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

impl Store {
    /// Per department and item: requests, finished, on time, median and P90 working days
    /// (to a tenth of a day) and satisfaction; then the average working days of each stage.
    /// The whole deployment's, a region's and a department's counts are read from the derived
    /// cells; a cluster's, a Party organisation's and an enterprise's are counted from their
    /// own requests. Stage times: the whole deployment's from their cells, the others' from
    /// the stage times of their requests.
    pub async fn service_report(&self, caller: &Caller) -> Result<ServiceReport> {
        if !(caller.may(Action::ReadRegistry) || caller.may(Action::HandleServiceRequest)) {
            return Err(StoreError::Forbidden);
        }
        let groups = match &caller.scope {
            Scope::All => {
                let groups = self.report_cells(Condition::all()).await?;
                let stages = self.stage_cells().await?;
                return self.assemble_report(groups, stages).await;
            }
            Scope::Region(region) => {
                self.report_cells(town_in(service_report_town_cell::Column::TownCode, region)).await?
            }
            Scope::Department(d) => {
                // Its own requests from the cells; those it handled and then transferred to
                // another department (they stay in its report, under the department holding
                // them) counted: the two sets do not overlap.
                let mut groups = self
                    .report_cells(Condition::all().add(service_report_town_cell::Column::DepartmentId.eq(d.0)))
                    .await?;
                let handled = Query::select()
                    .column(service_event::Column::RequestId)
                    .from(service_event::Entity)
                    .and_where(service_event::Column::DepartmentId.eq(d.0))
                    .to_owned();
                let elsewhere = Condition::all()
                    .add(service_request::Column::DepartmentId.ne(d.0))
                    .add(service_request::Column::Id.in_subquery(handled));
                for (key, acc) in self.report_counted(elsewhere).await? {
                    groups.entry(key).or_default().merge(&acc);
                }
                groups
            }
            _ => self.report_counted(self.request_scope(caller).await?).await?,
        };
        let stages = self.stage_sums_in(self.request_scope(caller).await?).await?;
        self.assemble_report(groups, stages).await
    }

    /// The same report counted from the requests and their events alone, no derived table
    /// read: what the derived one must always equal (tests), and what it saves (benchmark).
    pub async fn service_report_counted(&self, caller: &Caller) -> Result<ServiceReport> {
        if !(caller.may(Action::ReadRegistry) || caller.may(Action::HandleServiceRequest)) {
            return Err(StoreError::Forbidden);
        }
        let scope = self.request_scope(caller).await?;
        let groups = self.report_counted(scope.clone()).await?;
        let stages = self.stage_sums_replayed(scope).await?;
        self.assemble_report(groups, stages).await
    }

    /// The derived cells the condition selects, summed over towns per department × item ×
    /// finished-or-not × tenth of a day (the key's order, so SQLite groups along its index),
    /// skipping those a transfer, a move or a recount left at zero.
    async fn report_cells(&self, cells: Condition) -> Result<Groups> {
        use service_report_town_cell::{Column, Entity};
        let sum = |c: &str| Expr::cust(format!(r#"CAST(SUM("{c}") AS BIGINT)"#));
        let query = Query::select()
            .columns([Column::DepartmentId, Column::ItemId, Column::Done, Column::Bucket])
            .expr_as(sum("n"), Alias::new("n"))
            .expr_as(sum("on_time"), Alias::new("on_time"))
            .expr_as(sum("rated"), Alias::new("rated"))
            .expr_as(sum("rating_sum"), Alias::new("rating_sum"))
            .from(Entity)
            .cond_where(Condition::all().add(cells).add(Column::N.ne(0)))
            .group_by_columns([Column::DepartmentId, Column::ItemId, Column::Done, Column::Bucket])
            .to_owned();
        let mut groups = Groups::new();
        for r in self.db().query_all(&query).await? {
            let key = (r.try_get::<i64>("", "department_id")?, r.try_get::<i64>("", "item_id")?);
            let n = count(r.try_get::<i64>("", "n")?);
            let (done, bucket): (i16, i64) = (r.try_get("", "done")?, r.try_get("", "bucket")?);
            let a = groups.entry(key).or_default();
            a.count += n;
            a.rated += count(r.try_get::<i64>("", "rated")?);
            a.rating_sum += r.try_get::<i64>("", "rating_sum")?;
            if done == 1 {
                a.done += n;
                a.on_time += count(r.try_get::<i64>("", "on_time")?);
                if bucket >= 0 && n > 0 {
                    *a.buckets.entry(bucket).or_default() += n;
                }
            }
        }
        Ok(groups)
    }

    /// One grouped pass over the requests in scope: per department, item, state, on-time
    /// flag and tenth of a working day (42 office minutes) of elapsed time.
    async fn report_counted(&self, scope: Condition) -> Result<Groups> {
        let (dept, item) = (
            (service_request::Entity, service_request::Column::DepartmentId),
            (service_request::Entity, service_request::Column::ItemId),
        );
        let bucket = Expr::cust(r#"("service_requests"."elapsed_minutes" / 42)"#);
        let on_time = (service_request::Entity, service_request::Column::OnTime);
        let state = (service_request::Entity, service_request::Column::State);
        let cells = Query::select()
            .column(dept)
            .column(item)
            .column(state)
            .column(on_time)
            .expr_as(bucket.clone(), Alias::new("bucket"))
            .expr_as(Expr::col((service_request::Entity, service_request::Column::Id)).count(), Alias::new("n"))
            .expr_as(Expr::col((service_request::Entity, service_request::Column::Rating)).count(), Alias::new("rated"))
            .expr_as(Expr::cust(r#"SUM("service_requests"."rating")"#), Alias::new("rating_sum"))
            .from(service_request::Entity)
            .cond_where(scope)
            .group_by_col(dept)
            .group_by_col(item)
            .group_by_col(state)
            .group_by_col(on_time)
            .add_group_by([bucket])
            .to_owned();
        let mut groups = Groups::new();
        for r in self.db().query_all(&cells).await? {
            let key = (r.try_get::<i64>("", "department_id")?, r.try_get::<i64>("", "item_id")?);
            let state: String = r.try_get("", "state")?;
            let on_time: Option<bool> = r.try_get("", "on_time")?;
            let bucket: Option<i64> = r.try_get("", "bucket")?;
            let n = count(r.try_get::<i64>("", "n")?);
            let a = groups.entry(key).or_default();
            a.count += n;
            a.rated += count(r.try_get::<i64>("", "rated")?);
            a.rating_sum += r.try_get::<Option<i64>>("", "rating_sum")?.unwrap_or(0);
            if state == "done" {
                a.done += n;
                if on_time == Some(true) {
                    a.on_time += n;
                }
                if let Some(b) = bucket {
                    *a.buckets.entry(b).or_default() += n;
                }
            }
        }
        Ok(groups)
    }

    async fn stage_cells(&self) -> Result<StageSums> {
        Ok(service_stage_cell::Entity::find()
            .filter(service_stage_cell::Column::N.ne(0))
            .all(self.db())
            .await?
            .into_iter()
            .map(|c| ((c.item_id, c.stage), (count(c.n), c.minutes)))
            .collect())
    }

    /// The stage times of the requests in scope, summed per item and stage: driven from the
    /// stage times, each joined to its request (on SQLite a CROSS JOIN keeps that order), so
    /// the cost follows the stage times, not the requests in scope (a district's million).
    async fn stage_sums_in(&self, scope: Condition) -> Result<StageSums> {
        use service_stage_time::{Column, Entity};
        let join = match self.db().get_database_backend() {
            DbBackend::Sqlite => JoinType::CrossJoin,
            _ => JoinType::InnerJoin,
        };
        // sea-query writes a CROSS JOIN without its ON: the WHERE holds the link as well.
        let link =
            Expr::col((service_request::Entity, service_request::Column::Id)).equals((Entity, Column::RequestId));
        let query = Query::select()
            .column((Entity, Column::ItemId))
            .column((Entity, Column::Stage))
            .expr_as(Expr::col((Entity, Column::RequestId)).count(), Alias::new("n"))
            .expr_as(Expr::cust(r#"CAST(SUM("service_stage_times"."minutes") AS BIGINT)"#), Alias::new("minutes"))
            .from(Entity)
            .join(join, service_request::Entity, link.clone())
            .cond_where(Condition::all().add(scope).add(link))
            .group_by_col((Entity, Column::ItemId))
            .group_by_col((Entity, Column::Stage))
            .to_owned();
        let mut sums = StageSums::new();
        for r in self.db().query_all(&query).await? {
            let key = (r.try_get::<i64>("", "item_id")?, r.try_get::<String>("", "stage")?);
            let minutes = r.try_get::<Option<i64>>("", "minutes")?.unwrap_or(0);
            sums.insert(key, (count(r.try_get::<i64>("", "n")?), minutes));
        }
        Ok(sums)
    }

    /// Stage times replayed from the events of the requests in scope that finished a stage.
    async fn stage_sums_replayed(&self, scope: Condition) -> Result<StageSums> {
        let staged = Query::select()
            .column(service_event::Column::RequestId)
            .from(service_event::Entity)
            .and_where(service_event::Column::Kind.eq("stage_finished"))
            .to_owned();
        let items: HashMap<i64, i64> = service_request::Entity::find()
            .select_only()
            .column(service_request::Column::Id)
            .column(service_request::Column::ItemId)
            .filter(scope)
            .filter(service_request::Column::Id.in_subquery(staged))
            .into_tuple::<(i64, i64)>()
            .all(self.db())
            .await?
            .into_iter()
            .collect();
        let cal = self.work_calendar().await?;
        let mut sums = StageSums::new();
        let ids: Vec<i64> = items.keys().copied().collect();
        for chunk in ids.chunks(500) {
            let events = stage_events_of(
                self.db(),
                Condition::all().add(service_event::Column::RequestId.is_in(chunk.to_vec())),
            )
            .await?;
            for (id, evs) in &events {
                let Some(item) = items.get(id) else { continue };
                for (stage, _, _, minutes) in stage_times(&cal, evs) {
                    let s = sums.entry((*item, stage)).or_default();
                    s.0 += 1;
                    s.1 += minutes;
                }
            }
        }
        Ok(sums)
    }

    /// Departments by name with their total first, items by name within them; stages per
    /// item in the catalogue's order.
    async fn assemble_report(&self, groups: Groups, stage_sums: StageSums) -> Result<ServiceReport> {
        let dept_names = self.unit_names(groups.keys().map(|(d, _)| *d).collect()).await?;
        let items: HashMap<i64, (String, Vec<String>)> = service_item::Entity::find()
            .select_only()
            .column(service_item::Column::Id)
            .column(service_item::Column::Name)
            .column(service_item::Column::Stages)
            .into_tuple::<(i64, String, String)>()
            .all(self.db())
            .await?
            .into_iter()
            .map(|(id, name, stages)| (id, (name, stages.split('→').map(str::to_owned).collect())))
            .collect();
        let item_name = |id: i64| items.get(&id).map(|i| i.0.clone()).unwrap_or_default();
        let row_of = |department_id: i64, department: &str, item: Option<(i64, &str)>, a: &Acc| ReportRow {
            department_id,
            department: department.to_owned(),
            item_id: item.map(|i| i.0),
            item: item.map(|i| i.1.to_owned()).unwrap_or_default(),
            count: a.count as usize,
            done: a.done as usize,
            on_time: a.on_time as usize,
            median_days: a.quantile(0.5),
            p90_days: a.quantile(0.9),
            rated: a.rated as usize,
            rating_avg: (a.rated > 0).then(|| a.rating_sum as f64 / a.rated as f64),
        };
        type Items = Vec<(String, i64, Acc)>;
        let mut by_dept: BTreeMap<(String, i64), Items> = BTreeMap::new();
        for ((d, i), a) in groups {
            let dn = dept_names.get(&d).cloned().unwrap_or_default();
            by_dept.entry((dn, d)).or_default().push((item_name(i), i, a));
        }
        let mut rows = Vec::new();
        let mut all = Acc::default();
        for ((dn, d), mut its) in by_dept {
            its.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
            let mut dept_acc = Acc::default();
            for (_, _, a) in &its {
                dept_acc.merge(a);
            }
            all.merge(&dept_acc);
            rows.push(row_of(d, &dn, None, &dept_acc));
            for (iname, i, a) in &its {
                rows.push(row_of(d, &dn, Some((*i, iname)), a));
            }
        }
        let total = row_of(0, "合计", None, &all);

        let position = |item: i64, stage: &str| {
            items.get(&item).and_then(|i| i.1.iter().position(|s| s == stage)).unwrap_or(usize::MAX)
        };
        let mut stages: Vec<StageLead> = stage_sums
            .into_iter()
            .filter(|(_, (n, _))| *n > 0)
            .map(|((item_id, stage), (n, minutes))| StageLead {
                item_id,
                item: item_name(item_id),
                finished: n as usize,
                avg_days: (minutes as f64 / n as f64 / 42.0).round() / 10.0,
                stage,
            })
            .collect();
        stages.sort_by(|a, b| {
            (&a.item, a.item_id, position(a.item_id, &a.stage), &a.stage).cmp(&(
                &b.item,
                b.item_id,
                position(b.item_id, &b.stage),
                &b.stage,
            ))
        });
        Ok(ServiceReport { rows, stages, total })
    }

    /// Counts the stage times that ran through `[from, until)` again: a calendar year of
    /// that span was loaded or replaced.
    pub(crate) async fn recount_stage_times(&self, from: DateTime<Utc>, until: DateTime<Utc>) -> Result<usize> {
        let ids: Vec<i64> = service_stage_time::Entity::find()
            .select_only()
            .column(service_stage_time::Column::RequestId)
            .distinct()
            .filter(service_stage_time::Column::FinishedAt.gte(from))
            .filter(service_stage_time::Column::StartedAt.lt(until))
            .into_tuple()
            .all(self.db())
            .await?;
        self.replace_stage_times_of(&ids).await?;
        Ok(ids.len())
    }

    async fn replace_stage_times_of(&self, ids: &[i64]) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let cal = self.work_calendar().await?;
        for chunk in ids.chunks(500) {
            let txn = self.db().begin().await?;
            replace_stage_times(&txn, &cal, chunk).await?;
            txn.commit().await?;
        }
        Ok(())
    }

    /// After the upgrade that made the stage times a table: counts every finished stage
    /// once, from the events.
    pub(crate) async fn ensure_stage_times(&self) -> Result<()> {
        let Some(state) = derived_state::Entity::find_by_id(STAGE_TIMES).one(self.db()).await? else {
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
            .all(self.db())
            .await?;
        self.replace_stage_times_of(&ids).await?;
        derived_state::Entity::update_many()
            .col_expr(derived_state::Column::BuiltVersion, Expr::value(state.version))
            .filter(derived_state::Column::Name.eq(STAGE_TIMES))
            .exec(self.db())
            .await?;
        Ok(())
    }
}
