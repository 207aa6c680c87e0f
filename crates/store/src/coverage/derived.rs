//! The derived status of every enterprise and the cells per category × town, rebuilt when stale.

use std::collections::HashMap;

use chrono::NaiveDate;
use qunlian_domain::coverage::{AssignmentState, CoverageStatus, active_on};
use qunlian_domain::registry::OrgForm;
use qunlian_domain::rules::Rule;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, TransactionTrait};

use super::*;
use crate::audit::Actor;
use crate::entity::{
    activity, activity_unit, coverage_assignment, coverage_category, coverage_cell, coverage_unit_status,
    coverage_work_link, derived_state, party_org, party_org_unit, unit,
};
use crate::{Result, StoreError};

const DERIVED: &str = "coverage";

/// What a rebuild did, for logs and the benchmark.
#[derive(Clone, Copy, Debug, Default)]
pub struct RebuildStats {
    pub covered_units: usize,
    pub cells: usize,
    pub closed_assignments: u64,
}

/// Counts of enterprises matching `cond` per town and status: the one counting query, used
/// by the rebuild (all enterprises) and by narrow scopes (their own).
pub(super) async fn group_counts(
    db: &impl ConnectionTrait,
    cond: Condition,
) -> Result<Vec<(String, CoverageStatus, u64)>> {
    // No row in the status table means uncovered (0).
    let status = Expr::cust(r#"CAST(COALESCE("coverage_unit_status"."status", 0) AS BIGINT)"#);
    let stmt: SelectStatement = Query::select()
        .column((unit::Entity, unit::Column::TownCode))
        .expr_as(status.clone(), Alias::new("status"))
        .expr_as(Expr::col((unit::Entity, unit::Column::Id)).count(), Alias::new("n"))
        .from(unit::Entity)
        .left_join(
            coverage_unit_status::Entity,
            Expr::col((coverage_unit_status::Entity, coverage_unit_status::Column::UnitId))
                .equals((unit::Entity, unit::Column::Id)),
        )
        .cond_where(Condition::all().add(enterprises()).add(cond))
        .group_by_col((unit::Entity, unit::Column::TownCode))
        .add_group_by([status])
        .to_owned();
    let rows = db.query_all(&stmt).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let town: String = row.try_get("", "town_code")?;
        let status: i64 = row.try_get("", "status")?;
        let n: i64 = row.try_get("", "n")?;
        out.push((town, CoverageStatus::from_db(status as i16), n as u64));
    }
    Ok(out)
}

/// The enterprises matching `cond`, with their towns: for counting as of an earlier day.
pub(super) async fn members(db: &impl ConnectionTrait, cond: Condition) -> Result<Vec<(i64, String)>> {
    Ok(unit::Entity::find()
        .select_only()
        .column(unit::Column::Id)
        .column(unit::Column::TownCode)
        .filter(Condition::all().add(enterprises()).add(cond))
        .into_tuple()
        .all(db)
        .await?)
}

/// The status of every covered enterprise on `day`, from organisations' dates, work links
/// and the activities of the year to `day` the enterprise took part in.
pub(super) async fn statuses_on(db: &impl ConnectionTrait, day: NaiveDate) -> Result<HashMap<i64, CoverageStatus>> {
    let orgs: HashMap<i64, (OrgForm, Option<NaiveDate>, Option<NaiveDate>)> = party_org::Entity::find()
        .select_only()
        .column(party_org::Column::Id)
        .column(party_org::Column::Form)
        .column(party_org::Column::EstablishedOn)
        .column(party_org::Column::DissolvedOn)
        .into_tuple::<(i64, OrgForm, Option<NaiveDate>, Option<NaiveDate>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, form, from, until)| (id, (form, from, until)))
        .collect();
    let links: Vec<(i64, i64, Option<NaiveDate>)> = party_org_unit::Entity::find()
        .select_only()
        .column(party_org_unit::Column::UnitId)
        .column(party_org_unit::Column::PartyOrgId)
        .column(party_org_unit::Column::Since)
        .into_tuple()
        .all(db)
        .await?;
    let mut forms: HashMap<i64, Vec<OrgForm>> = HashMap::new();
    for (unit_id, org_id, since) in links {
        let Some((form, from, until)) = orgs.get(&org_id) else { continue };
        if active_on(*from, *until, day) && since.is_none_or(|s| s <= day) {
            forms.entry(unit_id).or_default().push(*form);
        }
    }
    let work: Vec<(i64, NaiveDate, Option<NaiveDate>)> = coverage_work_link::Entity::find()
        .select_only()
        .column(coverage_work_link::Column::UnitId)
        .column(coverage_work_link::Column::Since)
        .column(coverage_work_link::Column::Until)
        .into_tuple()
        .all(db)
        .await?;
    let mut worked: std::collections::HashSet<i64> = std::collections::HashSet::new();
    for (unit_id, since, until) in work {
        if active_on(Some(since), until, day) {
            worked.insert(unit_id);
        }
    }
    // Taking part in an activity covers an enterprise for a year from the activity's day.
    let since = day - chrono::Duration::days(qunlian_domain::activities::WORK_COVERAGE_DAYS);
    let recent = Query::select()
        .column(activity::Column::Id)
        .from(activity::Entity)
        .and_where(activity::Column::HeldOn.gt(since))
        .and_where(activity::Column::HeldOn.lte(day))
        .and_where(activity::Column::WithdrawnOn.is_null())
        .to_owned();
    let took_part: Vec<i64> = activity_unit::Entity::find()
        .select_only()
        .column(activity_unit::Column::UnitId)
        .distinct()
        .filter(activity_unit::Column::ActivityId.in_subquery(recent))
        .into_tuple()
        .all(db)
        .await?;
    worked.extend(took_part);
    let mut out = HashMap::new();
    for unit_id in forms.keys().chain(worked.iter()).copied().collect::<std::collections::HashSet<_>>() {
        let status =
            CoverageStatus::derive(forms.get(&unit_id).cloned().unwrap_or_default(), worked.contains(&unit_id));
        if status != CoverageStatus::Uncovered {
            out.insert(unit_id, status);
        }
    }
    Ok(out)
}

impl Coverage<'_> {
    /// Rebuilds the derived tables when a source changed or the day moved on.
    pub async fn ensure_fresh(self) -> Result<()> {
        if self.is_fresh().await? {
            return Ok(());
        }
        // One rebuild at a time: the readers who found the tables stale wait and then find
        // them fresh. Each rebuilding on its own, 64 clients got 40 "database is locked"
        // answers on SQLite (docs/benchmarks.md).
        let _one = self.store.rebuilding.lock().await;
        if !self.is_fresh().await? {
            self.rebuild().await?;
        }
        Ok(())
    }

    async fn is_fresh(self) -> Result<bool> {
        let state = self.derived_state().await?;
        Ok(state.version == state.built_version && state.built_for == Some(self.store.today()))
    }

    async fn derived_state(self) -> Result<derived_state::Model> {
        derived_state::Entity::find_by_id(DERIVED.to_owned())
            .one(self.store.db())
            .await?
            .ok_or_else(|| StoreError::invalid("覆盖统计", "派生状态缺失，请重新运行迁移"))
    }

    /// Every enterprise's status as of `day`, for the covered ones (the rest are uncovered).
    /// Reads only the links (organisations, work links), which are few beside the units.
    pub async fn statuses_on(self, day: NaiveDate) -> Result<HashMap<i64, CoverageStatus>> {
        statuses_on(self.store.db(), day).await
    }

    /// Recomputes statuses and counts from the records, in one transaction; closes the
    /// responsibility-list entries of enterprises that now have an organisation, with the
    /// audit line saying so in the same transaction.
    #[tracing::instrument(skip_all)]
    pub async fn rebuild(self) -> Result<RebuildStats> {
        let today = self.store.today();
        let txn = self.store.db().begin().await?;
        // Write first: on SQLite a transaction that reads first and then writes cannot wait
        // for another writer (it fails at once with "database is locked"); one that writes
        // first waits for the lock like any writer.
        derived_state::Entity::update_many()
            .col_expr(derived_state::Column::Name, Expr::col(derived_state::Column::Name))
            .filter(derived_state::Column::Name.eq(DERIVED))
            .exec(&txn)
            .await?;
        let state =
            derived_state::Entity::find_by_id(DERIVED.to_owned()).one(&txn).await?.ok_or(StoreError::NotFound)?;
        let statuses = statuses_on(&txn, today).await?;

        coverage_unit_status::Entity::delete_many().exec(&txn).await?;
        let rows: Vec<coverage_unit_status::ActiveModel> = statuses
            .iter()
            .map(|(&unit_id, s)| coverage_unit_status::ActiveModel { unit_id: Set(unit_id), status: Set(s.db()) })
            .collect();
        for chunk in rows.chunks(2000) {
            coverage_unit_status::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
        }

        coverage_cell::Entity::delete_many().exec(&txn).await?;
        let mut cells = 0;
        for cat in coverage_category::Entity::find().all(&txn).await? {
            let Ok(rule) = Rule::parse(&cat.rule) else { continue };
            // A park or cluster renamed away from under a rule empties the category rather than
            // failing every page; the category page says why.
            let Ok(cond) = self.rule_condition(&rule).await else { continue };
            let mut batch = Vec::new();
            for (town, status, n) in group_counts(&txn, cond).await? {
                batch.push(coverage_cell::ActiveModel {
                    category_id: Set(cat.id),
                    town_code: Set(town),
                    status: Set(status.db()),
                    n: Set(n as i64),
                    ..Default::default()
                });
            }
            cells += batch.len();
            for chunk in batch.chunks(1000) {
                coverage_cell::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
            }
        }

        // Every enterprise per town and status: the district's and towns' headline figures
        // and the 大屏's map (`counts_by_town`) read these rows (step 27).
        let towns_table = sea_orm::sea_query::Alias::new("coverage_town_counts");
        txn.execute(&Query::delete().from_table(towns_table.clone()).to_owned()).await?;
        let town_counts = group_counts(&txn, Condition::all()).await?;
        for chunk in town_counts.chunks(1000) {
            let mut insert = Query::insert()
                .into_table(towns_table.clone())
                .columns(["town_code", "status", "n"].map(Alias::new))
                .to_owned();
            for (town, status, n) in chunk {
                insert.values_panic([town.clone().into(), status.db().into(), (*n as i64).into()]);
            }
            txn.execute(&insert).await?;
        }

        let org_covered: Vec<i64> = statuses.iter().filter(|(_, s)| s.is_org()).map(|(&id, _)| id).collect();
        let mut closed = 0;
        for chunk in org_covered.chunks(500) {
            closed += coverage_assignment::Entity::update_many()
                .col_expr(coverage_assignment::Column::State, Expr::value(AssignmentState::Closed))
                .col_expr(coverage_assignment::Column::ClosedOn, Expr::value(today))
                .col_expr(coverage_assignment::Column::ClosedReason, Expr::value("covered"))
                .filter(coverage_assignment::Column::State.eq(AssignmentState::Open))
                .filter(coverage_assignment::Column::UnitId.is_in(chunk.to_vec()))
                .exec(&txn)
                .await?
                .rows_affected;
        }

        derived_state::Entity::update_many()
            .col_expr(derived_state::Column::BuiltVersion, Expr::value(state.version))
            .col_expr(derived_state::Column::BuiltFor, Expr::value(today))
            .filter(derived_state::Column::Name.eq(DERIVED))
            .exec(&txn)
            .await?;
        if closed > 0 {
            self.store
                .audit()
                .record_on(
                    &txn,
                    Actor::system(),
                    "coverage.assignment.auto_close",
                    "coverage_assignment",
                    None,
                    format!("{closed} 条责任清单因企业已建立党组织自动办结"),
                )
                .await?;
        }
        txn.commit().await?;
        tracing::info!(covered = statuses.len(), cells, closed, "coverage rebuilt");
        Ok(RebuildStats { covered_units: statuses.len(), cells, closed_assignments: closed })
    }
}
