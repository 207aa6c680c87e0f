//! Economic figures as read: the list behind every economy figure of a scorecard, each row
//! with its year-on-year change against the same period of the year before, and the sums
//! of a cluster's member enterprises.

use std::collections::HashMap;

use chrono::NaiveDate;
use qunlian_domain::auth::{Caller, ClusterId, UnitId};
use qunlian_domain::results::{Indicator, Period, YearOnYear};
use sea_orm::{ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use super::*;
use crate::entity::economic_figure;
use crate::scope::cluster_units;

/// Which figures a list shows; what is None is not filtered on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FigureFilter {
    /// Figures of the enterprises that are members of this cluster today.
    pub cluster: Option<ClusterId>,
    pub period: Option<Period>,
    pub indicator: Option<Indicator>,
    pub unit: Option<UnitId>,
    /// Figures of the enterprises in this town (or district).
    pub town: Option<qunlian_domain::RegionCode>,
}

/// One stored figure with the same figure of the year before.
#[derive(Clone, Debug, Serialize)]
pub struct FigureRecord {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub period: Period,
    pub indicator: Indicator,
    pub value: i64,
    pub previous: Option<i64>,
    #[serde(skip)]
    pub yoy: YearOnYear,
    pub source: String,
    pub as_of: NaiveDate,
    pub is_demo: bool,
}

/// The sum of one indicator over a set of enterprises for a period, with the year before.
#[derive(Clone, Debug, Serialize)]
pub struct IndicatorTotal {
    pub indicator: Indicator,
    /// Over every enterprise with a figure this period; None when none has one.
    pub current: Option<i64>,
    pub reporting: u64,
    /// Over every enterprise with a figure for the same period of the year before.
    pub previous: Option<i64>,
    pub previous_reporting: u64,
    /// Enterprises with both figures: year-on-year is computed over them alone, so that an
    /// enterprise reporting for the first time does not count as growth.
    pub comparable: u64,
    #[serde(skip)]
    pub yoy: YearOnYear,
    /// The latest as-of date of the figures summed.
    pub as_of: Option<NaiveDate>,
}

/// Figures listed at most on one page.
pub const FIGURES_SHOWN: u64 = 2000;

impl Results<'_> {
    fn filter_condition(f: &FigureFilter) -> Condition {
        let mut cond = Condition::all();
        if let Some(c) = f.cluster {
            cond = cond.add(economic_figure::Column::UnitId.in_subquery(cluster_units(c.0)));
        }
        if let Some(p) = f.period {
            cond = cond.add(economic_figure::Column::Period.eq(p.code()));
        }
        if let Some(i) = f.indicator {
            cond = cond.add(economic_figure::Column::Indicator.eq(i));
        }
        if let Some(t) = &f.town {
            cond = cond.add(
                economic_figure::Column::UnitId.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(crate::entity::unit::Column::Id)
                        .from(crate::entity::unit::Entity)
                        .cond_where(crate::scope::town_in(crate::entity::unit::Column::TownCode, t))
                        .to_owned(),
                ),
            );
        }
        if let Some(u) = f.unit {
            cond = cond.add(economic_figure::Column::UnitId.eq(u.0));
        }
        cond
    }

    /// The figures the filter selects within the caller's scope (at most
    /// [`FIGURES_SHOWN`]) and how many there are, by enterprise, period and indicator.
    pub async fn figures(self, caller: &Caller, f: &FigureFilter) -> Result<(Vec<FigureRecord>, u64)> {
        let cond = Condition::all().add(self.figure_scope(caller).await?).add(Self::filter_condition(f));
        let total = economic_figure::Entity::find().filter(cond.clone()).count(self.store.db()).await?;
        let rows = economic_figure::Entity::find()
            .filter(cond)
            .order_by_asc(economic_figure::Column::UnitId)
            .order_by_desc(economic_figure::Column::Period)
            .order_by_asc(economic_figure::Column::Indicator)
            .limit(FIGURES_SHOWN)
            .all(self.store.db())
            .await?;
        let names = self.store.unit_names(rows.iter().map(|r| r.unit_id).collect()).await?;
        // The year before of each row: one query per period listed (a page holds a few).
        let mut previous: HashMap<(i64, String, Indicator), i64> = HashMap::new();
        let mut periods: Vec<String> = rows.iter().map(|r| r.period.clone()).collect();
        periods.sort();
        periods.dedup();
        for code in periods {
            let Ok(p) = Period::parse(&code) else { continue };
            let units: Vec<i64> = rows.iter().filter(|r| r.period == code).map(|r| r.unit_id).collect();
            for chunk in units.chunks(900) {
                let before: Vec<(i64, Indicator, i64)> = economic_figure::Entity::find()
                    .select_only()
                    .column(economic_figure::Column::UnitId)
                    .column(economic_figure::Column::Indicator)
                    .column(economic_figure::Column::Value)
                    .filter(economic_figure::Column::Period.eq(p.previous_year().code()))
                    .filter(economic_figure::Column::UnitId.is_in(chunk.to_vec()))
                    .into_tuple()
                    .all(self.store.db())
                    .await?;
                previous.extend(before.into_iter().map(|(u, i, v)| ((u, code.clone(), i), v)));
            }
        }
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let period = Period::parse(&r.period)
                .map_err(|_| crate::StoreError::invalid("期间", format!("数据库中的期间“{}”无法识别", r.period)))?;
            let before = previous.get(&(r.unit_id, r.period.clone(), r.indicator)).copied();
            out.push(FigureRecord {
                id: r.id,
                unit_name: names.get(&r.unit_id).cloned().unwrap_or_default(),
                unit_id: r.unit_id,
                period,
                indicator: r.indicator,
                value: r.value,
                previous: before,
                yoy: YearOnYear::of(Some(r.value), before),
                source: r.source,
                as_of: r.as_of,
                is_demo: r.is_demo,
            });
        }
        Ok((out, total))
    }

    /// Every indicator summed over the cluster's member enterprises (as far as the caller
    /// sees them) for `period` and the same period of the year before.
    pub async fn cluster_totals(
        self,
        caller: &Caller,
        cluster: ClusterId,
        period: Period,
    ) -> Result<Vec<IndicatorTotal>> {
        self.store.require(caller, qunlian_domain::auth::Action::ReadResults)?;
        let units = self
            .store
            .unit_scope(caller)
            .await?
            .add(crate::entity::unit::Column::Id.in_subquery(cluster_units(cluster.0)));
        self.totals(Over::Units(Some(units)), period).await
    }
}
