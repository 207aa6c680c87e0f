//! The coverage summary by category and town, and one enterprise's status and categories.

use std::collections::HashMap;

use chrono::NaiveDate;
use qunlian_domain::RegionCode;
use qunlian_domain::auth::{Action, Caller, CategoryId, ClusterId, Scope, UnitId};
use qunlian_domain::coverage::{Counts, CoverageStatus};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;

use super::*;
use crate::entity::{coverage_cell, coverage_unit_status, unit};
use crate::registry::town_name;
use crate::scope::town_in;
use crate::{Result, StoreError};

/// What a summary is asked for: within a region (the caller's scope applies on top), one
/// category or all.
#[derive(Clone, Debug, Default)]
pub struct CoverageQuery {
    pub region: Option<RegionCode>,
    pub category: Option<CategoryId>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CoverageCell {
    pub category_id: CategoryId,
    pub town_code: String,
    pub town_name: String,
    pub counts: Counts,
}

#[derive(Clone, Debug, Serialize)]
pub struct CoverageSummary {
    pub as_of: NaiveDate,
    pub categories: Vec<Category>,
    /// Per category, over every town the query and scope reach.
    pub totals: Vec<(CategoryId, Counts)>,
    /// Per category and town, towns in code order; only towns with enterprises in the category.
    pub cells: Vec<CoverageCell>,
}

impl CoverageSummary {
    pub fn total_of(&self, id: CategoryId) -> Counts {
        self.totals.iter().find(|(c, _)| *c == id).map(|(_, n)| *n).unwrap_or_default()
    }
}

impl Coverage<'_> {
    /// Counts per category (and per town) within the query's region and the caller's scope.
    /// District and town scopes read the derived cells; narrower scopes (a cluster, an
    /// organisation, an enterprise) count their few enterprises directly.
    #[tracing::instrument(skip_all)]
    pub async fn summary(self, caller: &Caller, q: &CoverageQuery) -> Result<CoverageSummary> {
        self.summary_of(caller, q, false).await
    }

    /// The same summary counted from the enterprises themselves (one GROUP BY per category)
    /// instead of the derived cells: what the cells save, for the benchmark and the tests
    /// that check both agree.
    pub async fn summary_counted(self, caller: &Caller, q: &CoverageQuery) -> Result<CoverageSummary> {
        self.summary_of(caller, q, true).await
    }

    async fn summary_of(self, caller: &Caller, q: &CoverageQuery, count_live: bool) -> Result<CoverageSummary> {
        self.store.require(caller, Action::ReadRegistry)?;
        self.ensure_fresh().await?;
        let mut categories = self.all_categories().await?;
        if let Some(id) = q.category {
            categories.retain(|c| c.id == id);
            if categories.is_empty() {
                return Err(StoreError::NotFound);
            }
        }
        let mut raw: Vec<(CategoryId, String, CoverageStatus, u64)> = Vec::new();
        match &caller.scope {
            Scope::All | Scope::Region(_) | Scope::Department(_) if !count_live => {
                let mut cond =
                    Condition::all().add(coverage_cell::Column::CategoryId.is_in(categories.iter().map(|c| c.id.0)));
                if let Scope::Region(r) = &caller.scope {
                    cond = cond.add(town_in(coverage_cell::Column::TownCode, r));
                }
                if let Some(r) = &q.region {
                    cond = cond.add(town_in(coverage_cell::Column::TownCode, r));
                }
                for m in coverage_cell::Entity::find().filter(cond).all(self.store.db()).await? {
                    raw.push((CategoryId(m.category_id), m.town_code, CoverageStatus::from_db(m.status), m.n as u64));
                }
            }
            _ => {
                let scope = self.store.unit_scope(caller).await?;
                for cat in &categories {
                    let mut cond = Condition::all().add(scope.clone()).add(self.category_condition(cat.id).await?);
                    if let Some(r) = &q.region {
                        cond = cond.add(town_in(unit::Column::TownCode, r));
                    }
                    for (town, status, n) in group_counts(self.store.db(), cond).await? {
                        raw.push((cat.id, town, status, n));
                    }
                }
            }
        }
        let mut by_cell: HashMap<(CategoryId, String), Counts> = HashMap::new();
        let mut totals: HashMap<CategoryId, Counts> = HashMap::new();
        for (cat, town, status, n) in raw {
            by_cell.entry((cat, town)).or_default().add(status, n);
            totals.entry(cat).or_default().add(status, n);
        }
        let mut cells: Vec<CoverageCell> = by_cell
            .into_iter()
            .map(|((category_id, town_code), counts)| CoverageCell {
                category_id,
                town_name: town_name(&town_code),
                town_code,
                counts,
            })
            .collect();
        let order: HashMap<CategoryId, usize> = categories.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
        cells.sort_by(|a, b| (order[&a.category_id], &a.town_code).cmp(&(order[&b.category_id], &b.town_code)));
        let totals = categories.iter().map(|c| (c.id, totals.get(&c.id).copied().unwrap_or_default())).collect();
        Ok(CoverageSummary { as_of: self.store.today(), categories, totals, cells })
    }

    /// The coverage of a cluster's member enterprises today (members as the registry has them
    /// now), as far as the caller's scope reaches: the results scorecard's figure.
    pub async fn cluster_counts(self, caller: &Caller, cluster: ClusterId) -> Result<Counts> {
        let mut counts = Counts::default();
        for (_, n) in self.counts_by_town(caller, None, Some(cluster)).await? {
            counts.merge(&n);
        }
        Ok(counts)
    }

    /// The enterprises of each town by their coverage today, within the caller's scope and
    /// a region and/or a cluster's members: the results figures and the 大屏's map. Towns in
    /// code order, only towns with enterprises.
    pub async fn counts_by_town(
        self,
        caller: &Caller,
        region: Option<RegionCode>,
        cluster: Option<ClusterId>,
    ) -> Result<Vec<(String, Counts)>> {
        let regions: Vec<RegionCode> = match &caller.scope {
            Scope::All | Scope::Department(_) => region.into_iter().collect(),
            Scope::Region(r) => std::iter::once(*r).chain(region).collect(),
            _ => return self.counts_by_town_direct(caller, region, cluster).await,
        };
        if cluster.is_some() {
            return self.counts_by_town_direct(caller, region, cluster).await;
        }
        // A district's or a town's: the derived rows per town and status (step 27).
        self.store.require(caller, Action::ReadRegistry)?;
        self.ensure_fresh().await?;
        use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
        let col = |c: &str| Expr::col(Alias::new(c));
        let mut stmt = Query::select()
            .columns(["town_code", "status", "n"].map(Alias::new))
            .from(Alias::new("coverage_town_counts"))
            .to_owned();
        for r in &regions {
            let (low, high) = crate::scope::town_code_range(r);
            stmt.and_where(col("town_code").gte(low)).and_where(col("town_code").lt(high));
        }
        let mut towns: std::collections::BTreeMap<String, Counts> = Default::default();
        for row in sea_orm::ConnectionTrait::query_all(self.store.db(), &stmt).await? {
            let (town, status, n): (String, i16, i64) =
                (row.try_get("", "town_code")?, row.try_get("", "status")?, row.try_get("", "n")?);
            towns.entry(town).or_default().add(CoverageStatus::from_db(status), n as u64);
        }
        Ok(towns.into_iter().collect())
    }

    /// The same counts from the enterprises themselves: a cluster's or a narrower scope's,
    /// and what the tests compare the derived rows with.
    pub async fn counts_by_town_direct(
        self,
        caller: &Caller,
        region: Option<RegionCode>,
        cluster: Option<ClusterId>,
    ) -> Result<Vec<(String, Counts)>> {
        self.store.require(caller, Action::ReadRegistry)?;
        self.ensure_fresh().await?;
        let mut cond = Condition::all().add(self.store.unit_scope(caller).await?);
        if let Some(r) = &region {
            cond = cond.add(town_in(unit::Column::TownCode, r));
        }
        if let Some(c) = cluster {
            cond = cond.add(unit::Column::Id.in_subquery(crate::scope::cluster_units(c.0)));
        }
        let mut towns: std::collections::BTreeMap<String, Counts> = Default::default();
        for (town, status, n) in group_counts(self.store.db(), cond).await? {
            towns.entry(town).or_default().add(status, n);
        }
        Ok(towns.into_iter().collect())
    }

    /// The status of one enterprise today.
    pub async fn status(self, caller: &Caller, id: UnitId) -> Result<CoverageStatus> {
        self.store.unit_in_scope(caller, id).await?;
        self.ensure_fresh().await?;
        let row = coverage_unit_status::Entity::find_by_id(id.0).one(self.store.db()).await?;
        Ok(row.map_or(CoverageStatus::Uncovered, |r| CoverageStatus::from_db(r.status)))
    }

    /// Today's status of each of these units (fresh), for a list that already passed a scope
    /// check (the units taking part in an activity the caller sees).
    pub(crate) async fn statuses_of(self, ids: Vec<i64>) -> Result<HashMap<i64, CoverageStatus>> {
        self.ensure_fresh().await?;
        let rows: Vec<(i64, i16)> = coverage_unit_status::Entity::find()
            .select_only()
            .column(coverage_unit_status::Column::UnitId)
            .column(coverage_unit_status::Column::Status)
            .filter(coverage_unit_status::Column::UnitId.is_in(ids.clone()))
            .into_tuple()
            .all(self.store.db())
            .await?;
        let mut out: HashMap<i64, CoverageStatus> = ids.into_iter().map(|id| (id, CoverageStatus::Uncovered)).collect();
        out.extend(rows.into_iter().map(|(id, s)| (id, CoverageStatus::from_db(s))));
        Ok(out)
    }

    /// The categories an enterprise falls in (by their rules), for its page.
    pub async fn categories_of(self, caller: &Caller, id: UnitId) -> Result<Vec<Category>> {
        self.store.unit_in_scope(caller, id).await?;
        let mut out = Vec::new();
        for cat in self.all_categories().await? {
            let Ok(cond) = self.category_condition(cat.id).await else { continue };
            let hit = unit::Entity::find()
                .select_only()
                .column(unit::Column::Id)
                .filter(cond.add(unit::Column::Id.eq(id.0)))
                .into_tuple::<i64>()
                .one(self.store.db())
                .await?;
            if hit.is_some() {
                out.push(cat);
            }
        }
        Ok(out)
    }
}
