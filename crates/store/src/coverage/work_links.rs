//! Work links: the instructors, joint branches and activities that cover an enterprise.

use std::collections::HashMap;

use chrono::NaiveDate;
use qunlian_domain::auth::{Action, Caller, UnitId};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::*;
use crate::audit::Change;
use crate::entity::{coverage_work_link, party_org};
use crate::{Result, StoreError};

/// How a work link covers an enterprise: the domain's set, here where callers of the store look.
pub use qunlian_domain::coverage::WorkLinkKind;

#[derive(Clone, Debug)]
pub struct NewWorkLink {
    pub unit: UnitId,
    pub kind: WorkLinkKind,
    pub instructor_name: Option<String>,
    pub party_org: Option<i64>,
    pub since: NaiveDate,
    pub note: Option<String>,
    pub is_demo: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct WorkLink {
    pub id: i64,
    pub kind: WorkLinkKind,
    pub kind_label: &'static str,
    pub instructor_name: Option<String>,
    /// The register's instructor (`/people/instructors/ID`); None with a name: typed by hand (手填).
    pub instructor_id: Option<i64>,
    pub party_org: Option<(i64, String)>,
    pub since: NaiveDate,
    pub until: Option<NaiveDate>,
    pub note: Option<String>,
}

impl Coverage<'_> {
    pub async fn work_links(self, caller: &Caller, id: UnitId) -> Result<Vec<WorkLink>> {
        self.store.unit_in_scope(caller, id).await?;
        let rows = coverage_work_link::Entity::find()
            .filter(coverage_work_link::Column::UnitId.eq(id.0))
            .order_by_desc(coverage_work_link::Column::Since)
            .all(self.store.db())
            .await?;
        let org_ids: Vec<i64> = rows.iter().filter_map(|r| r.party_org_id).collect();
        let names: HashMap<i64, String> = self
            .store
            .column_by_id::<party_org::Entity, _>(party_org::Column::Id, party_org::Column::Name, org_ids)
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| WorkLink {
                id: r.id,
                kind: r.kind,
                kind_label: r.kind.label(),
                instructor_name: r.instructor_name,
                instructor_id: r.instructor_id,
                party_org: r.party_org_id.map(|o| (o, names.get(&o).cloned().unwrap_or_default())),
                since: r.since,
                until: r.until,
                note: r.note,
            })
            .collect())
    }

    pub async fn add_work_link(self, caller: &Caller, new: NewWorkLink) -> Result<i64> {
        self.insert_work_link(caller, new, None).await
    }

    /// An instructor of the register (党建指导员名册) assigned to an enterprise as its work
    /// coverage: the link names the instructor, and the register records the instructor
    /// guiding the enterprise from the same day (unless already so).
    pub async fn add_instructor_link(
        self,
        caller: &Caller,
        unit: UnitId,
        instructor: i64,
        since: NaiveDate,
        note: Option<String>,
        is_demo: bool,
    ) -> Result<i64> {
        self.store.require(caller, Action::AssignCoverage)?;
        self.store.unit_in_scope(caller, unit).await?;
        let name = self.store.people().named_for_coverage(caller, instructor, Some((unit.0, since)), is_demo).await?;
        let new = NewWorkLink {
            unit,
            kind: WorkLinkKind::Instructor,
            instructor_name: Some(name),
            party_org: None,
            since,
            note,
            is_demo,
        };
        self.insert_work_link(caller, new, Some(instructor)).await
    }

    async fn insert_work_link(self, caller: &Caller, new: NewWorkLink, instructor_id: Option<i64>) -> Result<i64> {
        self.store.require(caller, Action::AssignCoverage)?;
        qunlian_domain::free_text::work_link(
            new.instructor_name.as_deref().unwrap_or(""),
            new.note.as_deref().unwrap_or(""),
        )?;
        let unit = self.store.unit_in_scope(caller, new.unit).await?;
        let instructor = new.instructor_name.as_deref().map(qunlian_domain::text::normalize).filter(|s| !s.is_empty());
        match new.kind {
            WorkLinkKind::Instructor if instructor.is_none() => {
                return Err(StoreError::invalid("指导员", "选派指导员时请填写指导员姓名"));
            }
            WorkLinkKind::Activities if new.party_org.is_none() => {
                return Err(StoreError::invalid("党组织", "请选择企业党员参加活动的党组织"));
            }
            _ => {}
        }
        if let Some(org) = new.party_org {
            party_org::Entity::find_by_id(org)
                .one(self.store.db())
                .await?
                .ok_or_else(|| StoreError::invalid("党组织", "所选党组织不存在"))?;
        }
        let row = coverage_work_link::ActiveModel {
            unit_id: Set(new.unit.0),
            kind: Set(new.kind),
            instructor_name: Set(instructor.clone()),
            instructor_id: Set(instructor_id),
            party_org_id: Set(new.party_org),
            since: Set(new.since),
            until: Set(None),
            note: Set(new.note.filter(|s| !s.trim().is_empty())),
            is_demo: Set(new.is_demo),
            created_at: Set(self.store.now()),
            ..Default::default()
        };
        let detail = format!(
            "{}：{}{}",
            unit.name,
            new.kind.label(),
            instructor.map(|i| format!("（{i}）")).unwrap_or_default()
        );
        let saved = self
            .store
            .insert_recorded(caller, row, |_| Change::new("coverage.work_link.create", "unit", new.unit, detail))
            .await?;
        Ok(saved.id)
    }

    /// Ends a work link from `on` (the first day it no longer holds).
    pub async fn end_work_link(self, caller: &Caller, unit: UnitId, link: i64, on: NaiveDate) -> Result<()> {
        self.store.require(caller, Action::AssignCoverage)?;
        let u = self.store.unit_in_scope(caller, unit).await?;
        let row = coverage_work_link::Entity::find_by_id(link)
            .filter(coverage_work_link::Column::UnitId.eq(unit.0))
            .one(self.store.db())
            .await?
            .ok_or(StoreError::NotFound)?;
        if on < row.since {
            return Err(StoreError::invalid("结束日期", "不能早于开始日期"));
        }
        let mut m: coverage_work_link::ActiveModel = row.into();
        m.until = Set(Some(on));
        let detail = format!("{}：{on} 起结束", u.name);
        self.store.update_recorded(caller, m, "coverage.work_link.end", ("unit", unit.0), detail).await?;
        Ok(())
    }
}
