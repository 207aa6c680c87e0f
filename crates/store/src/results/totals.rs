//! Economic figures summed in SQL: per indicator over the enterprises a unit condition
//! selects, for a period beside the same period of the year before (year-on-year over the
//! enterprises with both figures), and per period for a trend. The one summing function of
//! the cluster scorecard, the district and town figures, the figures API and the 大屏.

use std::collections::HashMap;

use chrono::NaiveDate;
use qunlian_domain::results::{Indicator, Period, YearOnYear};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{Condition, ConnectionTrait};

use super::*;
use crate::entity::{economic_figure as ef, unit};

/// What to sum over: the units a condition selects (None: every unit in the register),
/// summed from the figures themselves; or the towns of a region (None: every town), read from
/// the derived sums (`sums.rs`) — the district's and a town's figures.
#[derive(Clone)]
pub(super) enum Over {
    Units(Option<Condition>),
    Towns(Option<qunlian_domain::RegionCode>),
}

/// Per indicator: (enterprises with both periods, sum now, sum the year before).
type Comparable = HashMap<Indicator, (u64, i64, i64)>;

fn date_of(d: Option<String>) -> Option<NaiveDate> {
    d.and_then(|d| NaiveDate::parse_from_str(d.get(..10).unwrap_or(&d), "%Y-%m-%d").ok())
}

/// Per period code and indicator: (enterprises reporting, sum, latest as-of date).
type Sums = HashMap<(String, Indicator), (u64, i64, Option<NaiveDate>)>;

fn indicator_of(code: &str) -> Result<Indicator> {
    Indicator::from_code(code)
        .map_err(|_| crate::StoreError::invalid("指标", format!("数据库中的指标“{code}”无法识别")))
}

/// `"f"."unit_id" IN (SELECT id FROM units WHERE …)`, or nothing when every unit counts.
fn units_of(alias: &str, units: Option<Condition>) -> Condition {
    match units {
        None => Condition::all(),
        Some(cond) => Condition::all().add(
            Expr::col((Alias::new(alias), ef::Column::UnitId))
                .in_subquery(Query::select().column(unit::Column::Id).from(unit::Entity).cond_where(cond).to_owned()),
        ),
    }
}

impl Results<'_> {
    /// The sums of `periods` per period and indicator, and the year-on-year pairs of `pair`
    /// (a period whose year before is among `periods` too).
    async fn sums_over(self, over: Over, periods: &[Period], pair: Option<Period>) -> Result<(Sums, Comparable)> {
        match over {
            Over::Units(units) => {
                let both = match pair {
                    Some(p) => self.comparable(units.clone(), p).await?,
                    None => Comparable::new(),
                };
                Ok((self.sums(units, periods).await?, both))
            }
            Over::Towns(region) => {
                let codes: Vec<String> = periods.iter().map(|p| p.code()).collect();
                let mut sums = Sums::new();
                let mut both = Comparable::new();
                for r in self.derived_sums(region, &codes).await? {
                    let indicator = indicator_of(&r.indicator)?;
                    if pair.is_some_and(|p| p.code() == r.period) && r.comparable > 0 {
                        both.insert(indicator, (r.comparable as u64, r.comparable_now, r.comparable_before));
                    }
                    sums.insert((r.period, indicator), (r.reporting as u64, r.total, date_of(r.as_of)));
                }
                Ok((sums, both))
            }
        }
    }

    /// The figures of `periods` summed per period and indicator over `units` (None: every
    /// unit). One GROUP BY.
    async fn sums(self, units: Option<Condition>, periods: &[Period]) -> Result<Sums> {
        let f = "f";
        let col = |c: ef::Column| Expr::col((Alias::new(f), c));
        let stmt: SelectStatement = Query::select()
            .expr_as(col(ef::Column::Period), Alias::new("period"))
            .expr_as(col(ef::Column::Indicator), Alias::new("indicator"))
            .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
            .expr_as(Expr::cust(r#"CAST(SUM("f"."value") AS BIGINT)"#), Alias::new("total"))
            .expr_as(Expr::cust(r#"CAST(MAX("f"."as_of") AS TEXT)"#), Alias::new("as_of"))
            .from_as(ef::Entity, Alias::new(f))
            .cond_where(
                Condition::all()
                    .add(units_of(f, units))
                    .add(col(ef::Column::Period).is_in(periods.iter().map(|p| p.code()))),
            )
            .group_by_col((Alias::new(f), ef::Column::Period))
            .group_by_col((Alias::new(f), ef::Column::Indicator))
            .to_owned();
        let mut out = Sums::new();
        for row in self.store.db().query_all(&stmt).await? {
            let period: String = row.try_get("", "period")?;
            let indicator: String = row.try_get("", "indicator")?;
            let n: i64 = row.try_get("", "n")?;
            let total: i64 = row.try_get("", "total")?;
            let as_of: Option<String> = row.try_get("", "as_of")?;
            out.insert((period, indicator_of(&indicator)?), (n as u64, total, date_of(as_of)));
        }
        Ok(out)
    }

    /// Per indicator, over the enterprises with a figure in `period` and in the same period
    /// of the year before: (how many, sum now, sum then). One self-join.
    async fn comparable(self, units: Option<Condition>, period: Period) -> Result<Comparable> {
        let (a, b) = (Alias::new("f"), Alias::new("b"));
        let stmt: SelectStatement = Query::select()
            .expr_as(Expr::col((a.clone(), ef::Column::Indicator)), Alias::new("indicator"))
            .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
            .expr_as(Expr::cust(r#"CAST(SUM("f"."value") AS BIGINT)"#), Alias::new("now"))
            .expr_as(Expr::cust(r#"CAST(SUM("b"."value") AS BIGINT)"#), Alias::new("before"))
            .from_as(ef::Entity, a.clone())
            .join_as(
                sea_orm::JoinType::InnerJoin,
                ef::Entity,
                b.clone(),
                Condition::all()
                    .add(Expr::col((b.clone(), ef::Column::UnitId)).equals((a.clone(), ef::Column::UnitId)))
                    .add(Expr::col((b.clone(), ef::Column::Indicator)).equals((a.clone(), ef::Column::Indicator)))
                    .add(Expr::col((b.clone(), ef::Column::Period)).eq(period.previous_year().code())),
            )
            .cond_where(
                Condition::all()
                    .add(units_of("f", units))
                    .add(Expr::col((a.clone(), ef::Column::Period)).eq(period.code())),
            )
            .group_by_col((a, ef::Column::Indicator))
            .to_owned();
        let mut out = HashMap::new();
        for row in self.store.db().query_all(&stmt).await? {
            let indicator: String = row.try_get("", "indicator")?;
            let n: i64 = row.try_get("", "n")?;
            let now: i64 = row.try_get("", "now")?;
            let before: i64 = row.try_get("", "before")?;
            out.insert(indicator_of(&indicator)?, (n as u64, now, before));
        }
        Ok(out)
    }

    /// Every indicator summed over `units` for `period` and the year before, with the
    /// year-on-year change over the enterprises reporting in both.
    pub(super) async fn totals(self, over: Over, period: Period) -> Result<Vec<IndicatorTotal>> {
        let before = period.previous_year();
        let (sums, both) = self.sums_over(over, &[period, before], Some(period)).await?;
        Ok(Indicator::ALL
            .iter()
            .map(|&indicator| {
                let now = sums.get(&(period.code(), indicator));
                let then = sums.get(&(before.code(), indicator));
                let pair = both.get(&indicator).copied();
                let yoy = match pair {
                    Some((_, a, b)) => YearOnYear::of(Some(a), Some(b)),
                    None => YearOnYear::of(now.map(|_| 0), None),
                };
                IndicatorTotal {
                    indicator,
                    current: now.map(|s| s.1),
                    reporting: now.map_or(0, |s| s.0),
                    previous: then.map(|s| s.1),
                    previous_reporting: then.map_or(0, |s| s.0),
                    comparable: pair.map_or(0, |p| p.0),
                    yoy,
                    as_of: now.and_then(|s| s.2),
                }
            })
            .collect())
    }

    /// Sums of each indicator per period over `units`, the periods in the order given;
    /// None where no enterprise reported.
    pub(super) async fn trend_of(
        self,
        over: Over,
        periods: &[Period],
    ) -> Result<Vec<(Period, Vec<(Indicator, Option<i64>)>)>> {
        let (sums, _) = self.sums_over(over, periods, None).await?;
        Ok(periods
            .iter()
            .map(|p| (*p, Indicator::ALL.iter().map(|&i| (i, sums.get(&(p.code(), i)).map(|s| s.1))).collect()))
            .collect())
    }
}
