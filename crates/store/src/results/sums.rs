//! The derived sums of the economic figures per town × period × indicator (`economic_sums`,
//! step 27): what a district's or a town's economic figures read, so that they cost a few
//! hundred rows at a million enterprises instead of ten million figures and a self-join.
//!
//! Each row holds, for the enterprises of one town with a figure of one indicator in one
//! period: how many, the sum, the latest as-of date, and the year-on-year pair — how many of
//! them also have a figure for the same period of the year before, and the two sums over
//! those. The figures import refreshes the rows of the towns and periods it touched (and the
//! next year's, whose pair it changed) in its own transaction. Any other write to the figures,
//! an enterprise changing town or leaving the register bumps `derived_state` 'results_sums'
//! (triggers, step 27) and records the town × period keys it touched in
//! `economic_sums_dirty` (triggers, step 30); the next reader refreshes those keys only (and
//! the same period of the year after), or the whole table when a key `'*', '*'` asks for it
//! or none was recorded. `Results::economy_direct` sums the figures themselves: the tests
//! check the two agree.

use qunlian_domain::RegionCode;
use qunlian_domain::results::Period;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DatabaseTransaction, JoinType, TransactionTrait};

use super::*;
use crate::entity::{economic_figure as ef, unit};

const DERIVED: &str = "results_sums";
const TABLE: &str = "economic_sums";
const DIRTY: &str = "economic_sums_dirty";
/// A dirty key's town or period standing for every town or every period.
const ALL: &str = "*";

fn a(name: &str) -> Alias {
    Alias::new(name)
}

/// (version, built version) of the sums.
async fn state(db: &impl ConnectionTrait) -> Result<(i64, i64)> {
    let stmt = Query::select()
        .columns([a("version"), a("built_version")])
        .from(a("derived_state"))
        .and_where(Expr::col(a("name")).eq(DERIVED))
        .to_owned();
    let row = db
        .query_one(&stmt)
        .await?
        .ok_or_else(|| crate::StoreError::invalid("经济指标汇总", "派生状态缺失，请重新运行迁移"))?;
    Ok((row.try_get("", "version")?, row.try_get("", "built_version")?))
}

/// Takes the state row's lock (a write first: on SQLite a transaction that reads and then
/// writes cannot wait for another writer) and reads it.
async fn lock_state(txn: &DatabaseTransaction) -> Result<(i64, i64)> {
    let touch = Query::update()
        .table(a("derived_state"))
        .value(a("version"), Expr::col(a("version")))
        .and_where(Expr::col(a("name")).eq(DERIVED))
        .to_owned();
    txn.execute(&touch).await?;
    state(txn).await
}

/// Records the sums as built from the current version.
async fn mark_built(txn: &DatabaseTransaction) -> Result<()> {
    let stmt = Query::update()
        .table(a("derived_state"))
        .value(a("built_version"), Expr::col(a("version")))
        .and_where(Expr::col(a("name")).eq(DERIVED))
        .to_owned();
    txn.execute(&stmt).await?;
    Ok(())
}

/// Replaces the rows of `period` (of `towns` only, when given) by the figures' sums.
async fn refresh_period(db: &impl ConnectionTrait, towns: Option<&[String]>, period: &str, before: &str) -> Result<()> {
    let mut delete = Query::delete().from_table(a(TABLE)).and_where(Expr::col(a("period")).eq(period)).to_owned();
    if let Some(towns) = towns {
        delete.and_where(Expr::col(a("town_code")).is_in(towns.iter().cloned()));
    }
    db.execute(&delete).await?;
    let (f, b, u) = (a("f"), a("b"), a("u"));
    let mut select = Query::select()
        .expr(Expr::col((u.clone(), unit::Column::TownCode)))
        .expr(Expr::col((f.clone(), ef::Column::Period)))
        .expr(Expr::col((f.clone(), ef::Column::Indicator)))
        .expr(Expr::cust("COUNT(*)"))
        .expr(Expr::cust(r#"CAST(SUM("f"."value") AS BIGINT)"#))
        .expr(Expr::cust(r#"MAX("f"."as_of")"#))
        .expr(Expr::cust(r#"COUNT("b"."id")"#))
        .expr(Expr::cust(r#"CAST(COALESCE(SUM(CASE WHEN "b"."id" IS NULL THEN 0 ELSE "f"."value" END), 0) AS BIGINT)"#))
        .expr(Expr::cust(r#"CAST(COALESCE(SUM("b"."value"), 0) AS BIGINT)"#))
        .from_as(ef::Entity, f.clone())
        .join_as(
            JoinType::InnerJoin,
            unit::Entity,
            u.clone(),
            Expr::col((u.clone(), unit::Column::Id)).equals((f.clone(), ef::Column::UnitId)),
        )
        .join_as(
            JoinType::LeftJoin,
            ef::Entity,
            b.clone(),
            Condition::all()
                .add(Expr::col((b.clone(), ef::Column::UnitId)).equals((f.clone(), ef::Column::UnitId)))
                .add(Expr::col((b.clone(), ef::Column::Indicator)).equals((f.clone(), ef::Column::Indicator)))
                .add(Expr::col((b, ef::Column::Period)).eq(before)),
        )
        .and_where(Expr::col((f.clone(), ef::Column::Period)).eq(period))
        .group_by_col((u.clone(), unit::Column::TownCode))
        .group_by_col((f.clone(), ef::Column::Period))
        .group_by_col((f, ef::Column::Indicator))
        .to_owned();
    if let Some(towns) = towns {
        // Through the units of the towns (their town index, then the figures' unit index):
        // a few towns cost their own figures, not the whole period's.
        let of_towns = Query::select()
            .column(unit::Column::Id)
            .from(unit::Entity)
            .and_where(unit::Column::TownCode.is_in(towns.iter().cloned()))
            .to_owned();
        select.and_where(Expr::col((a("f"), ef::Column::UnitId)).in_subquery(of_towns));
        select.and_where(Expr::col((u, unit::Column::TownCode)).is_in(towns.iter().cloned()));
    }
    let columns = [
        "town_code",
        "period",
        "indicator",
        "reporting",
        "total",
        "as_of",
        "comparable",
        "comparable_now",
        "comparable_before",
    ];
    let insert = Query::insert()
        .into_table(a(TABLE))
        .columns(columns.map(a))
        .select_from(select)
        .map_err(|e| crate::StoreError::invalid("经济指标汇总", e.to_string()))?
        .to_owned();
    db.execute(&insert).await?;
    Ok(())
}

/// The code of the same period of the year before, from a stored code ("2021H1", "2021").
fn code_before(code: &str) -> Option<String> {
    Period::parse(code).ok().map(|p| p.previous_year().code())
}

/// The code of the same period of the year after.
fn code_after(code: &str) -> Option<String> {
    Period::parse(code).ok().map(|p| Period { year: p.year + 1, ..p }.code())
}

/// What an import wrote: its towns and periods, and whether the sums were fresh before it.
pub(super) struct Touched {
    fresh: bool,
    towns: std::collections::BTreeSet<String>,
    periods: std::collections::BTreeSet<String>,
}

impl Touched {
    /// At the start of an import's transaction (before it writes a figure).
    pub(super) async fn begin(txn: &DatabaseTransaction) -> Result<Touched> {
        let (version, built) = lock_state(txn).await?;
        Ok(Touched { fresh: version == built, towns: Default::default(), periods: Default::default() })
    }

    pub(super) fn add(&mut self, town: &str, period: &str) {
        self.towns.insert(town.to_owned());
        self.periods.insert(period.to_owned());
    }

    /// At the end of the import's transaction: refreshes the rows it changed and keeps the
    /// sums fresh; sums already stale are left for the next reader's rebuild.
    pub(super) async fn finish(self, txn: &DatabaseTransaction) -> Result<()> {
        if !self.fresh {
            return Ok(());
        }
        if !self.towns.is_empty() {
            let towns: Vec<String> = self.towns.into_iter().collect();
            let mut periods = self.periods.clone();
            periods.extend(self.periods.iter().filter_map(|p| code_after(p)));
            for period in &periods {
                if let Some(before) = code_before(period) {
                    refresh_period(txn, Some(&towns), period, &before).await?;
                }
            }
            // The keys its own writes recorded are refreshed now.
            let done = Query::delete()
                .from_table(a(DIRTY))
                .and_where(Expr::col(a("town_code")).is_in(towns))
                .and_where(Expr::col(a("period")).is_in(self.periods))
                .to_owned();
            txn.execute(&done).await?;
        }
        mark_built(txn).await
    }
}

/// The town × period keys the triggers recorded since the sums were built.
async fn dirty_keys(txn: &DatabaseTransaction) -> Result<Vec<(String, String)>> {
    let stmt = Query::select().columns([a("town_code"), a("period")]).from(a(DIRTY)).to_owned();
    let mut out = Vec::new();
    for row in txn.query_all(&stmt).await? {
        out.push((row.try_get("", "town_code")?, row.try_get("", "period")?));
    }
    Ok(out)
}

/// The periods of the figures and of the sums: every period a row may need refreshing for.
async fn all_periods(txn: &DatabaseTransaction) -> Result<std::collections::BTreeSet<String>> {
    let mut out = std::collections::BTreeSet::new();
    for stmt in [
        Query::select().distinct().column(ef::Column::Period).from(ef::Entity).to_owned(),
        Query::select().distinct().column(a("period")).from(a(TABLE)).to_owned(),
    ] {
        for row in txn.query_all(&stmt).await? {
            out.insert(row.try_get::<String>("", "period")?);
        }
    }
    Ok(out)
}

/// Every row of the sums recomputed; every dirty key dropped.
async fn rebuild_all(txn: &DatabaseTransaction) -> Result<()> {
    txn.execute(&Query::delete().from_table(a(TABLE)).to_owned()).await?;
    let periods = all_periods(txn).await?;
    for period in &periods {
        if let Some(before) = code_before(period) {
            refresh_period(txn, None, period, &before).await?;
        }
    }
    txn.execute(&Query::delete().from_table(a(DIRTY)).to_owned()).await?;
    tracing::info!(periods = periods.len(), "economic sums rebuilt");
    Ok(())
}

/// The rows of the dirty keys recomputed — each key's town in its period and in the same
/// period of the year after (whose year-on-year pair it feeds); a town dirtied for every
/// period in all of them — and the keys dropped.
async fn refresh_keys(txn: &DatabaseTransaction, keys: &[(String, String)]) -> Result<()> {
    let mut towns_of: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    let every = if keys.iter().any(|(_, p)| p == ALL) { all_periods(txn).await? } else { Default::default() };
    for (town, period) in keys {
        let periods: Vec<String> = if period == ALL {
            every.iter().cloned().collect()
        } else {
            [period.clone()].into_iter().chain(code_after(period)).collect()
        };
        for p in periods {
            let towns = towns_of.entry(p).or_default();
            if !towns.contains(town) {
                towns.push(town.clone());
            }
        }
    }
    for (period, towns) in &towns_of {
        if let Some(before) = code_before(period) {
            refresh_period(txn, Some(towns), period, &before).await?;
        }
    }
    for (town, period) in keys {
        let done = Query::delete()
            .from_table(a(DIRTY))
            .and_where(Expr::col(a("town_code")).eq(town.as_str()))
            .and_where(Expr::col(a("period")).eq(period.as_str()))
            .to_owned();
        txn.execute(&done).await?;
    }
    tracing::info!(keys = keys.len(), periods = towns_of.len(), "economic sums refreshed for the keys written");
    Ok(())
}

/// One row of the sums read for a scope: per period and indicator.
pub(super) struct SumRow {
    pub period: String,
    pub indicator: String,
    pub reporting: i64,
    pub total: i64,
    pub as_of: Option<String>,
    pub comparable: i64,
    pub comparable_now: i64,
    pub comparable_before: i64,
}

impl Results<'_> {
    /// Rebuilds the sums from the figures when a trigger marked them stale.
    pub async fn ensure_sums_fresh(self) -> Result<()> {
        let (version, built) = state(self.store.db()).await?;
        if version == built {
            return Ok(());
        }
        let _one = self.store.rebuilding.lock().await;
        self.rebuild_sums().await
    }

    /// Brings the sums up to date in one transaction: the dirty keys only, or every row when
    /// a key asks for all or none was recorded (a write the step-30 triggers do not see).
    #[tracing::instrument(skip_all)]
    pub async fn rebuild_sums(self) -> Result<()> {
        let txn = self.store.db().begin().await?;
        let (version, built) = lock_state(&txn).await?;
        if version != built {
            let keys = dirty_keys(&txn).await?;
            if keys.is_empty() || keys.iter().any(|(t, _)| t == ALL) {
                rebuild_all(&txn).await?;
            } else {
                refresh_keys(&txn, &keys).await?;
            }
            mark_built(&txn).await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// Recomputes every row of the sums from the figures, in one transaction, whatever the
    /// dirty keys: the benchmark's and an operator's full rebuild.
    #[tracing::instrument(skip_all)]
    pub async fn rebuild_all_sums(self) -> Result<()> {
        let txn = self.store.db().begin().await?;
        lock_state(&txn).await?;
        rebuild_all(&txn).await?;
        mark_built(&txn).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The sums of `periods` per period and indicator over the towns in `region` (None: all).
    pub(super) async fn derived_sums(self, region: Option<RegionCode>, periods: &[String]) -> Result<Vec<SumRow>> {
        self.ensure_sums_fresh().await?;
        let sum = |c: &str| Expr::cust(format!(r#"CAST(SUM("{c}") AS BIGINT)"#));
        let mut stmt = Query::select()
            .column(a("period"))
            .column(a("indicator"))
            .expr_as(sum("reporting"), a("reporting"))
            .expr_as(sum("total"), a("total"))
            .expr_as(Expr::cust(r#"CAST(MAX("as_of") AS TEXT)"#), a("as_of"))
            .expr_as(sum("comparable"), a("comparable"))
            .expr_as(sum("comparable_now"), a("comparable_now"))
            .expr_as(sum("comparable_before"), a("comparable_before"))
            .from(a(TABLE))
            .and_where(Expr::col(a("period")).is_in(periods.iter().cloned()))
            .group_by_col(a("period"))
            .group_by_col(a("indicator"))
            .to_owned();
        if let Some(r) = &region {
            let (low, high) = crate::scope::town_code_range(r);
            stmt.and_where(Expr::col(a("town_code")).gte(low)).and_where(Expr::col(a("town_code")).lt(high));
        }
        let mut out = Vec::new();
        for row in self.store.db().query_all(&stmt).await? {
            out.push(SumRow {
                period: row.try_get("", "period")?,
                indicator: row.try_get("", "indicator")?,
                reporting: row.try_get("", "reporting")?,
                total: row.try_get("", "total")?,
                as_of: row.try_get("", "as_of")?,
                comparable: row.try_get("", "comparable")?,
                comparable_now: row.try_get("", "comparable_now")?,
                comparable_before: row.try_get("", "comparable_before")?,
            });
        }
        Ok(out)
    }
}
