//! Activities and participant-times (参与人次) by cluster or town over a period, each figure
//! opening the list of its activities; and the check that every enterprise taking part in
//! the last year is work-covered in the derived coverage table (derived = direct count).

use chrono::NaiveDate;
use qunlian_domain::activities::WORK_COVERAGE_DAYS;
use qunlian_domain::auth::Caller;
use qunlian_domain::coverage::CoverageStatus;
use qunlian_domain::registry::UnitKind;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;

use super::Activities;
use crate::Result;
use crate::entity::{activity, activity_unit, cluster, unit};

/// What the figures are grouped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupBy {
    Cluster,
    Town,
}

/// One row: a cluster or a town, its activities and participant-times in the period.
#[derive(Clone, Debug, Serialize)]
pub struct FigureRow {
    /// The cluster id or town code; empty for activities counted for no cluster.
    pub key: String,
    pub name: String,
    pub activities: u64,
    pub participants: u64,
    /// The list of these activities.
    pub link: String,
}

/// Enterprises that took part in an activity of the year to a day: counted from the
/// activities, and those of them the derived coverage table counts as covered.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
pub struct CoverageCheck {
    pub taking_part: u64,
    pub covered: u64,
}

impl Activities<'_> {
    /// Activities and participant-times per cluster or town, held from `from` to `to`
    /// (both included), over the activities the caller sees.
    pub async fn figures(self, caller: &Caller, by: GroupBy, from: NaiveDate, to: NaiveDate) -> Result<Vec<FigureRow>> {
        // Summed over the scope's rows themselves (a derived table), not over the activities
        // whose id is among them: PostgreSQL read every activity to join the ids back.
        let period = Condition::all().add(activity::Column::HeldOn.gte(from)).add(activity::Column::HeldOn.lte(to));
        let (column, key) = match by {
            GroupBy::Cluster => (activity::Column::ClusterId, r#"CAST(COALESCE("a"."cluster_id", 0) AS VARCHAR)"#),
            GroupBy::Town => (activity::Column::TownCode, r#"COALESCE("a"."town_code", '')"#),
        };
        let rows = self.scope_rows(caller, period, &[column, activity::Column::Headcount]).await?;
        let stmt = Query::select()
            .expr_as(Expr::cust(key), Alias::new("k"))
            .expr_as(Expr::col((Alias::new("a"), activity::Column::Id)).count(), Alias::new("n"))
            .expr_as(Expr::cust(r#"CAST(SUM("a"."headcount") AS BIGINT)"#), Alias::new("p"))
            .from_subquery(rows, Alias::new("a"))
            .add_group_by([Expr::cust(key)])
            .to_owned();
        let mut rows = Vec::new();
        for r in self.store.db().query_all(&stmt).await? {
            let k: String = r.try_get("", "k")?;
            let n: i64 = r.try_get("", "n")?;
            let p: i64 = r.try_get("", "p")?;
            rows.push((k, n as u64, p as u64));
        }
        let names: std::collections::HashMap<i64, String> = match by {
            GroupBy::Cluster => {
                let ids = rows.iter().filter_map(|r| r.0.parse::<i64>().ok()).collect();
                self.store
                    .column_by_id::<cluster::Entity, String>(cluster::Column::Id, cluster::Column::Name, ids)
                    .await?
            }
            GroupBy::Town => Default::default(),
        };
        let period = format!("from={from}&to={to}");
        let mut out: Vec<FigureRow> = rows
            .into_iter()
            .map(|(k, n, p)| {
                let (key, name, link) = match by {
                    GroupBy::Cluster if k == "0" => {
                        (String::new(), "（不属于集群）".to_owned(), format!("/activities?cluster=0&{period}"))
                    }
                    GroupBy::Cluster => {
                        let name = k.parse::<i64>().ok().and_then(|id| names.get(&id).cloned()).unwrap_or_default();
                        (k.clone(), name, format!("/activities?cluster={k}&{period}"))
                    }
                    GroupBy::Town if k.is_empty() => {
                        (String::new(), "（未注明街镇）".to_owned(), format!("/activities?{period}"))
                    }
                    GroupBy::Town => {
                        (k.clone(), crate::shared::town_name(&k), format!("/activities?town={k}&{period}"))
                    }
                };
                FigureRow { key, name, activities: n, participants: p, link }
            })
            .collect();
        out.sort_by(|a, b| (a.key.is_empty(), &a.name).cmp(&(b.key.is_empty(), &b.name)));
        Ok(out)
    }

    /// The enterprises taking part in the activities the caller sees, held in the year to
    /// today, counted from the records; and how many of them the derived coverage table
    /// counts as covered today. The two are equal when the derivation took every activity in.
    pub async fn coverage_check(self, caller: &Caller) -> Result<CoverageCheck> {
        let day = self.store.today();
        let since = day - chrono::Duration::days(WORK_COVERAGE_DAYS);
        let activities = Query::select()
            .column(activity::Column::Id)
            .from(activity::Entity)
            .cond_where(
                Condition::all()
                    .add(self.scope(caller).await?)
                    .add(activity::Column::HeldOn.gt(since))
                    .add(activity::Column::HeldOn.lte(day)),
            )
            .to_owned();
        let enterprises = Query::select()
            .column(unit::Column::Id)
            .from(unit::Entity)
            .and_where(unit::Column::Kind.eq(UnitKind::Enterprise.code()))
            .to_owned();
        let ids: Vec<i64> = activity_unit::Entity::find()
            .select_only()
            .column(activity_unit::Column::UnitId)
            .distinct()
            .filter(activity_unit::Column::ActivityId.in_subquery(activities))
            .filter(activity_unit::Column::UnitId.in_subquery(enterprises))
            .into_tuple()
            .all(self.store.db())
            .await?;
        let statuses = self.store.coverage().statuses_of(ids.clone()).await?;
        let covered = ids.iter().filter(|u| statuses.get(u).is_some_and(|s| *s != CoverageStatus::Uncovered)).count();
        Ok(CoverageCheck { taking_part: ids.len() as u64, covered: covered as u64 })
    }
}
