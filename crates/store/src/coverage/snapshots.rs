//! Dated snapshots of the coverage figures and the trend they draw.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use qunlian_domain::RegionCode;
use qunlian_domain::auth::{Action, Caller, CategoryId, Scope, SnapshotId};
use qunlian_domain::coverage::{Counts, CoverageStatus};
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::*;
use crate::Result;
use crate::audit::{Actor, Change};
use crate::entity::{coverage_cell, coverage_snapshot, coverage_snapshot_row};
use crate::scope::town_in;

#[derive(Clone, Debug, Serialize)]
pub struct Snapshot {
    pub id: SnapshotId,
    pub as_of: NaiveDate,
    pub trigger: String,
    pub taken_by: String,
    pub taken_at: DateTime<Utc>,
    pub is_demo: bool,
}

/// One point of a trend: a snapshot's counts for a category (summed over the towns asked).
#[derive(Clone, Debug, Serialize)]
pub struct TrendPoint {
    pub snapshot_id: SnapshotId,
    pub as_of: NaiveDate,
    pub counts: Counts,
    pub target_pct: f64,
    pub is_demo: bool,
}

impl Coverage<'_> {
    /// Takes a snapshot of every category × town as of today (from the derived cells) or of
    /// an earlier day (recomputed from dated records: organisations' establishment and
    /// dissolution dates and work links; enterprise attributes as they are now).
    pub async fn take_snapshot(
        self,
        actor: impl Into<Actor>,
        as_of: NaiveDate,
        trigger: &str,
        is_demo: bool,
    ) -> Result<SnapshotId> {
        let actor = actor.into();
        let categories = self.all_categories().await?;
        let mut cells: HashMap<(i64, String), Counts> = HashMap::new();
        if as_of == self.store.today() {
            self.ensure_fresh().await?;
            for m in coverage_cell::Entity::find().all(self.store.db()).await? {
                cells
                    .entry((m.category_id, m.town_code))
                    .or_default()
                    .add(CoverageStatus::from_db(m.status), m.n as u64);
            }
        } else {
            let statuses = self.statuses_on(as_of).await?;
            for cat in &categories {
                let Ok(cond) = self.category_condition(cat.id).await else { continue };
                for (id, town) in members(self.store.db(), cond).await? {
                    let status = statuses.get(&id).copied().unwrap_or(CoverageStatus::Uncovered);
                    cells.entry((cat.id.0, town)).or_default().add(status, 1);
                }
            }
        }
        let names: HashMap<i64, &Category> = categories.iter().map(|c| (c.id.0, c)).collect();
        let taken_by = actor.username.clone();
        let snap = self
            .store
            .recorded(
                actor,
                async |txn| {
                    let snap = coverage_snapshot::ActiveModel {
                        as_of: Set(as_of),
                        trigger: Set(trigger.to_owned()),
                        taken_by: Set(taken_by),
                        taken_at: Set(self.store.now()),
                        is_demo: Set(is_demo),
                        ..Default::default()
                    }
                    .insert(txn)
                    .await?;
                    let rows: Vec<coverage_snapshot_row::ActiveModel> = cells
                        .into_iter()
                        .filter_map(|((cat, town), c)| {
                            let category = names.get(&cat)?;
                            Some(coverage_snapshot_row::ActiveModel {
                                snapshot_id: Set(snap.id),
                                category_id: Set(cat),
                                category_name: Set(category.name.clone()),
                                target_pct: Set(category.target_pct),
                                town_code: Set(town),
                                total: Set(c.total as i64),
                                own_org: Set(c.own_org as i64),
                                joint_org: Set(c.joint_org as i64),
                                work_only: Set(c.work_only as i64),
                                uncovered: Set(c.uncovered as i64),
                                ..Default::default()
                            })
                        })
                        .collect();
                    for chunk in rows.chunks(1000) {
                        coverage_snapshot_row::Entity::insert_many(chunk.to_vec()).exec_without_returning(txn).await?;
                    }
                    Ok(snap)
                },
                |snap| {
                    Change::new("coverage.snapshot", "coverage_snapshot", snap.id, format!("截至 {as_of}（{trigger}）"))
                },
            )
            .await?;
        Ok(SnapshotId(snap.id))
    }

    /// A snapshot taken by a user from the coverage page.
    pub async fn snapshot_now(self, caller: &Caller) -> Result<SnapshotId> {
        self.store.require(caller, Action::AssignCoverage)?;
        self.take_snapshot(caller, self.store.today(), "manual", false).await
    }

    /// The schedule: one snapshot per month, taken on the first check of the month. Returns
    /// the new snapshot, or None when this month already has one.
    pub async fn scheduled_snapshot(self) -> Result<Option<SnapshotId>> {
        let today = self.store.today();
        let month_start = today.with_day0(0).unwrap_or(today);
        let exists = coverage_snapshot::Entity::find()
            .filter(coverage_snapshot::Column::Trigger.eq("scheduled"))
            .filter(coverage_snapshot::Column::AsOf.gte(month_start))
            .one(self.store.db())
            .await?;
        if exists.is_some() || self.all_categories().await?.is_empty() {
            return Ok(None);
        }
        Ok(Some(self.take_snapshot(Actor::system(), today, "scheduled", false).await?))
    }

    pub async fn snapshots(self, caller: &Caller) -> Result<Vec<Snapshot>> {
        self.store.require(caller, Action::ReadRegistry)?;
        Ok(coverage_snapshot::Entity::find()
            .order_by_desc(coverage_snapshot::Column::AsOf)
            .order_by_desc(coverage_snapshot::Column::Id)
            .all(self.store.db())
            .await?
            .into_iter()
            .map(|m| Snapshot {
                id: SnapshotId(m.id),
                as_of: m.as_of,
                trigger: m.trigger,
                taken_by: m.taken_by,
                taken_at: m.taken_at,
                is_demo: m.is_demo,
            })
            .collect())
    }

    /// A category's counts in every snapshot, oldest first, summed over the towns of the
    /// region asked and the caller's scope. Narrower scopes than a town have no trend:
    /// snapshots are kept per town.
    pub async fn trend(
        self,
        caller: &Caller,
        category: CategoryId,
        region: Option<&RegionCode>,
    ) -> Result<Vec<TrendPoint>> {
        self.store.require(caller, Action::ReadRegistry)?;
        let mut cond = Condition::all().add(coverage_snapshot_row::Column::CategoryId.eq(category.0));
        match &caller.scope {
            Scope::All | Scope::Department(_) => {}
            Scope::Region(r) => cond = cond.add(town_in(coverage_snapshot_row::Column::TownCode, r)),
            _ => return Ok(Vec::new()),
        }
        if let Some(r) = region {
            cond = cond.add(town_in(coverage_snapshot_row::Column::TownCode, r));
        }
        let rows = coverage_snapshot_row::Entity::find().filter(cond).all(self.store.db()).await?;
        let snaps: HashMap<i64, coverage_snapshot::Model> =
            coverage_snapshot::Entity::find().all(self.store.db()).await?.into_iter().map(|s| (s.id, s)).collect();
        let mut points: HashMap<i64, TrendPoint> = HashMap::new();
        for r in rows {
            let Some(s) = snaps.get(&r.snapshot_id) else { continue };
            let p = points.entry(r.snapshot_id).or_insert_with(|| TrendPoint {
                snapshot_id: SnapshotId(s.id),
                as_of: s.as_of,
                counts: Counts::default(),
                target_pct: r.target_pct,
                is_demo: s.is_demo,
            });
            let c = Counts {
                total: r.total as u64,
                own_org: r.own_org as u64,
                joint_org: r.joint_org as u64,
                work_only: r.work_only as u64,
                uncovered: r.uncovered as u64,
            };
            p.counts.merge(&c);
        }
        let mut points: Vec<TrendPoint> = points.into_values().collect();
        points.sort_by_key(|p| (p.as_of, p.snapshot_id.0));
        Ok(points)
    }
}
