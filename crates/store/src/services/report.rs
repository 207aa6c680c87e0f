//! The department report from the derived cells, and the same counted from the requests.

use std::collections::{BTreeMap, HashMap};

use qunlian_domain::auth::{Action, Caller, Scope};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;

use super::*;
use crate::entity::{
    service_event, service_item, service_report_town_cell, service_request, service_stage_cell, service_stage_time,
};
use crate::scope::town_in;
use crate::{Result, StoreError};

/// One line of the report: a department (item None, its total) or one item of it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReportRow {
    pub department_id: i64,
    pub department: String,
    pub item_id: Option<i64>,
    pub item: String,
    pub count: usize,
    pub done: usize,
    pub on_time: usize,
    pub median_days: Option<f64>,
    pub p90_days: Option<f64>,
    pub rated: usize,
    pub rating_avg: Option<f64>,
}

impl ReportRow {
    pub fn on_time_rate(&self) -> Option<f64> {
        (self.done > 0).then(|| self.on_time as f64 * 100.0 / self.done as f64)
    }
}

/// How long one stage of an item took on average (the "58 days to the land certificate, 3
/// more to the permit" view).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StageLead {
    pub item_id: i64,
    pub item: String,
    pub stage: String,
    pub finished: usize,
    pub avg_days: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServiceReport {
    pub rows: Vec<ReportRow>,
    pub stages: Vec<StageLead>,
    pub total: ReportRow,
}

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

fn row_of(department_id: i64, department: &str, item: Option<(i64, &str)>, a: &Acc) -> ReportRow {
    ReportRow {
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
    }
}

pub(super) fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl Services<'_> {
    /// Per department and item: requests, finished, on time, median and P90 working days
    /// (to a tenth of a day) and satisfaction; then the average working days of each stage.
    /// The whole deployment's, a region's and a department's counts are read from the derived
    /// cells; a cluster's, a Party organisation's and an enterprise's are counted from their
    /// own requests. Stage times: the whole deployment's from their cells, the others' from
    /// the stage times of their requests.
    pub async fn report(self, caller: &Caller) -> Result<ServiceReport> {
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
                for (key, acc) in self.report_counted_in(elsewhere).await? {
                    groups.entry(key).or_default().merge(&acc);
                }
                groups
            }
            _ => self.report_counted_in(self.request_scope(caller).await?).await?,
        };
        let stages = self.stage_sums_in(self.request_scope(caller).await?).await?;
        self.assemble_report(groups, stages).await
    }

    /// The same report counted from the requests and their events alone, no derived table
    /// read: what the derived one must always equal (tests), and what it saves (benchmark).
    pub async fn report_counted(self, caller: &Caller) -> Result<ServiceReport> {
        if !(caller.may(Action::ReadRegistry) || caller.may(Action::HandleServiceRequest)) {
            return Err(StoreError::Forbidden);
        }
        let scope = self.request_scope(caller).await?;
        let groups = self.report_counted_in(scope.clone()).await?;
        let stages = self.stage_sums_replayed(scope).await?;
        self.assemble_report(groups, stages).await
    }

    /// The report's total line over the requests in the caller's view that `f`'s cluster and
    /// filing period select, counted from the requests (a cluster's requests of a half-year:
    /// the results scorecard). The list of the same filter shows the requests it counts.
    pub async fn total_filtered(self, caller: &Caller, f: &ServiceFilter) -> Result<ReportRow> {
        if !(caller.may(Action::ReadRegistry) || caller.may(Action::HandleServiceRequest)) {
            return Err(StoreError::Forbidden);
        }
        let cond = Condition::all().add(self.request_scope(caller).await?).add(f.cluster_and_period());
        let mut all = Acc::default();
        for a in self.report_counted_in(cond).await?.values() {
            all.merge(a);
        }
        Ok(row_of(0, "合计", None, &all))
    }

    /// The derived cells the condition selects, summed over towns per department × item ×
    /// finished-or-not × tenth of a day (the key's order, so SQLite groups along its index),
    /// skipping those a transfer, a move or a recount left at zero.
    async fn report_cells(self, cells: Condition) -> Result<Groups> {
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
        for r in self.store.db().query_all(&query).await? {
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
    async fn report_counted_in(self, scope: Condition) -> Result<Groups> {
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
        for r in self.store.db().query_all(&cells).await? {
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

    async fn stage_cells(self) -> Result<StageSums> {
        Ok(service_stage_cell::Entity::find()
            .filter(service_stage_cell::Column::N.ne(0))
            .all(self.store.db())
            .await?
            .into_iter()
            .map(|c| ((c.item_id, c.stage), (count(c.n), c.minutes)))
            .collect())
    }

    /// The stage times of the requests in scope, summed per item and stage: driven from the
    /// stage times, each joined to its request (on SQLite a CROSS JOIN keeps that order), so
    /// the cost follows the stage times, not the requests in scope (a district's million).
    async fn stage_sums_in(self, scope: Condition) -> Result<StageSums> {
        use service_stage_time::{Column, Entity};
        let join = match self.store.db().get_database_backend() {
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
        for r in self.store.db().query_all(&query).await? {
            let key = (r.try_get::<i64>("", "item_id")?, r.try_get::<String>("", "stage")?);
            let minutes = r.try_get::<Option<i64>>("", "minutes")?.unwrap_or(0);
            sums.insert(key, (count(r.try_get::<i64>("", "n")?), minutes));
        }
        Ok(sums)
    }

    /// Stage times replayed from the events of the requests in scope that finished a stage.
    async fn stage_sums_replayed(self, scope: Condition) -> Result<StageSums> {
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
            .all(self.store.db())
            .await?
            .into_iter()
            .collect();
        let cal = self.work_calendar().await?;
        let mut sums = StageSums::new();
        let ids: Vec<i64> = items.keys().copied().collect();
        for chunk in ids.chunks(500) {
            let events = stage_events_of(
                self.store.db(),
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
    async fn assemble_report(self, groups: Groups, stage_sums: StageSums) -> Result<ServiceReport> {
        let dept_names = self.store.unit_names(groups.keys().map(|(d, _)| *d).collect()).await?;
        let items: HashMap<i64, (String, Vec<String>)> = service_item::Entity::find()
            .select_only()
            .column(service_item::Column::Id)
            .column(service_item::Column::Name)
            .column(service_item::Column::Stages)
            .into_tuple::<(i64, String, String)>()
            .all(self.store.db())
            .await?
            .into_iter()
            .map(|(id, name, stages)| (id, (name, stages.split('→').map(str::to_owned).collect())))
            .collect();
        let item_name = |id: i64| items.get(&id).map(|i| i.0.clone()).unwrap_or_default();
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
}
