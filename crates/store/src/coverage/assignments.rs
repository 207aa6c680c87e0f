//! Responsibility lists: uncovered enterprises assigned to someone until they are covered.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use qunlian_domain::RegionCode;
use qunlian_domain::auth::{Action, AssignmentId, Caller, UnitId};
use qunlian_domain::coverage::{AssignmentState, CoverageStatus};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::*;
use crate::audit::Change;
use crate::entity::{coverage_assignment, coverage_unit_status, unit};
use crate::registry::town_name;
use crate::scope::town_in;
use crate::{Result, StoreError};

#[derive(Clone, Debug)]
pub struct NewAssignment {
    pub unit: UnitId,
    pub responsible_unit: String,
    pub instructor_name: Option<String>,
    pub due_on: NaiveDate,
    pub note: Option<String>,
    pub is_demo: bool,
}

#[derive(Clone, Debug, Default)]
pub struct AssignmentFilter {
    /// Open or closed entries, or all when `None`.
    pub state: Option<AssignmentState>,
    pub region: Option<RegionCode>,
    pub overdue: bool,
    pub q: Option<String>,
    /// One enterprise's entries, for its page.
    pub unit: Option<UnitId>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Assignment {
    pub id: AssignmentId,
    pub unit_id: UnitId,
    pub unit_name: String,
    pub uscc: Option<String>,
    pub town_name: String,
    pub status: CoverageStatus,
    pub status_label: &'static str,
    pub responsible_unit: String,
    pub instructor_name: Option<String>,
    /// The register's instructor; None with a name: typed by hand (手填).
    pub instructor_id: Option<i64>,
    pub due_on: NaiveDate,
    pub note: Option<String>,
    pub open: bool,
    pub overdue: bool,
    pub closed_on: Option<NaiveDate>,
    pub closed_reason: Option<&'static str>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl Coverage<'_> {
    pub async fn create_assignment(self, caller: &Caller, new: NewAssignment) -> Result<AssignmentId> {
        self.create_assignment_by(caller, new, None).await
    }

    /// An entry naming an instructor of the register (its name replaces any typed one).
    pub async fn create_assignment_by(
        self,
        caller: &Caller,
        mut new: NewAssignment,
        instructor: Option<i64>,
    ) -> Result<AssignmentId> {
        self.store.require(caller, Action::AssignCoverage)?;
        if let Some(i) = instructor {
            new.instructor_name = Some(self.store.people().named_for_coverage(caller, i, None, new.is_demo).await?);
        }
        qunlian_domain::free_text::assignment(
            &new.responsible_unit,
            new.instructor_name.as_deref().unwrap_or(""),
            new.note.as_deref().unwrap_or(""),
        )?;
        let unit = self.store.unit_in_scope(caller, new.unit).await?;
        let responsible = qunlian_domain::text::normalize(&new.responsible_unit);
        if responsible.is_empty() {
            return Err(StoreError::invalid("责任单位", "不能为空"));
        }
        if self.status(caller, new.unit).await?.is_org() {
            return Err(StoreError::invalid("企业", format!("{}已建立党组织，无需列入责任清单", unit.name)));
        }
        let open = coverage_assignment::Entity::find()
            .filter(coverage_assignment::Column::UnitId.eq(new.unit.0))
            .filter(coverage_assignment::Column::State.eq(AssignmentState::Open))
            .one(self.store.db())
            .await?;
        if let Some(open) = open {
            return Err(StoreError::invalid(
                "企业",
                format!("{}已在责任清单中（责任单位：{}），请先办结再重新分派", unit.name, open.responsible_unit),
            ));
        }
        let row = coverage_assignment::ActiveModel {
            unit_id: Set(new.unit.0),
            responsible_unit: Set(responsible.clone()),
            instructor_name: Set(new
                .instructor_name
                .map(|s| qunlian_domain::text::normalize(&s))
                .filter(|s| !s.is_empty())),
            instructor_id: Set(instructor),
            due_on: Set(new.due_on),
            note: Set(new.note.filter(|s| !s.trim().is_empty())),
            state: Set(AssignmentState::Open),
            closed_on: Set(None),
            closed_reason: Set(None),
            created_by: Set(caller.username.clone()),
            is_demo: Set(new.is_demo),
            created_at: Set(self.store.now()),
            ..Default::default()
        };
        let detail = format!("{} → {responsible}，{} 前完成", unit.name, new.due_on);
        let saved = self
            .store
            .insert_recorded(caller, row, |m| {
                Change::new("coverage.assignment.create", "coverage_assignment", m.id, detail)
            })
            .await?;
        Ok(AssignmentId(saved.id))
    }

    /// Closes an entry by hand (withdrawn), e.g. when the enterprise moved away.
    pub async fn withdraw_assignment(self, caller: &Caller, id: AssignmentId, reason: &str) -> Result<()> {
        self.store.require(caller, Action::AssignCoverage)?;
        qunlian_domain::free_text::assignment_withdrawal(reason)?;
        let row =
            coverage_assignment::Entity::find_by_id(id.0).one(self.store.db()).await?.ok_or(StoreError::NotFound)?;
        let unit = self.store.unit_in_scope(caller, UnitId(row.unit_id)).await?;
        if row.state != AssignmentState::Open {
            return Err(StoreError::invalid("责任清单", "该条目已办结"));
        }
        let mut m: coverage_assignment::ActiveModel = row.into();
        m.state = Set(AssignmentState::Closed);
        m.closed_on = Set(Some(self.store.today()));
        m.closed_reason = Set(Some("withdrawn".to_owned()));
        let detail = format!("{}：{reason}", unit.name);
        self.store
            .update_recorded(caller, m, "coverage.assignment.withdraw", ("coverage_assignment", id.0), detail)
            .await?;
        Ok(())
    }

    pub async fn assignments(self, caller: &Caller, f: &AssignmentFilter) -> Result<Vec<Assignment>> {
        self.store.require(caller, Action::ReadRegistry)?;
        self.ensure_fresh().await?;
        let today = self.store.today();
        let mut units = Condition::all().add(self.store.unit_scope(caller).await?);
        if let Some(r) = &f.region {
            units = units.add(town_in(unit::Column::TownCode, r));
        }
        if let Some(q) = crate::shared::search_text(f.q.as_deref())? {
            units = units.add(unit::Column::Name.contains(q));
        }
        if let Some(id) = f.unit {
            units = units.add(unit::Column::Id.eq(id.0));
        }
        let mut cond = Condition::all().add(
            coverage_assignment::Column::UnitId
                .in_subquery(Query::select().column(unit::Column::Id).from(unit::Entity).cond_where(units).to_owned()),
        );
        if let Some(state) = f.state {
            cond = cond.add(coverage_assignment::Column::State.eq(state));
        }
        if f.overdue {
            cond = cond
                .add(coverage_assignment::Column::State.eq(AssignmentState::Open))
                .add(coverage_assignment::Column::DueOn.lt(today));
        }
        let rows = coverage_assignment::Entity::find()
            .filter(cond)
            .order_by_desc(coverage_assignment::Column::State.eq(AssignmentState::Open))
            .order_by_asc(coverage_assignment::Column::DueOn)
            .order_by_asc(coverage_assignment::Column::Id)
            .all(self.store.db())
            .await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.unit_id).collect();
        let mut units: HashMap<i64, unit::Model> = HashMap::new();
        let mut statuses: HashMap<i64, CoverageStatus> = HashMap::new();
        for chunk in ids.chunks(500) {
            for u in unit::Entity::find().filter(unit::Column::Id.is_in(chunk.to_vec())).all(self.store.db()).await? {
                units.insert(u.id, u);
            }
            for s in coverage_unit_status::Entity::find()
                .filter(coverage_unit_status::Column::UnitId.is_in(chunk.to_vec()))
                .all(self.store.db())
                .await?
            {
                statuses.insert(s.unit_id, CoverageStatus::from_db(s.status));
            }
        }
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let u = units.get(&r.unit_id)?;
                let status = statuses.get(&r.unit_id).copied().unwrap_or(CoverageStatus::Uncovered);
                let open = r.state == AssignmentState::Open;
                Some(Assignment {
                    id: AssignmentId(r.id),
                    unit_id: UnitId(r.unit_id),
                    unit_name: u.name.clone(),
                    uscc: u.uscc.clone(),
                    town_name: town_name(&u.town_code),
                    status,
                    status_label: status.label(),
                    responsible_unit: r.responsible_unit,
                    instructor_name: r.instructor_name,
                    instructor_id: r.instructor_id,
                    due_on: r.due_on,
                    note: r.note,
                    open,
                    overdue: open && r.due_on < today,
                    closed_on: r.closed_on,
                    closed_reason: r.closed_reason.as_deref().map(|c| match c {
                        "covered" => "已建立党组织，自动办结",
                        _ => "人工撤销",
                    }),
                    created_by: r.created_by,
                    created_at: r.created_at,
                })
            })
            .collect())
    }
}
