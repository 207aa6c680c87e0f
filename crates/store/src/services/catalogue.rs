//! The service catalogue: items of departments, their time limits and stages.

use qunlian_domain::auth::{Action, Caller};
use qunlian_domain::registry::UnitKind;
use qunlian_domain::services::TimeLimit;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use super::*;
use crate::audit::Change;
use crate::entity::{service_item, unit};
use crate::{Result, StoreError};

#[derive(Clone, Debug, Serialize)]
pub struct ServiceItem {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub department_id: i64,
    pub department: String,
    pub materials: Vec<String>,
    pub limit: TimeLimit,
    pub limit_label: String,
    pub stages: Vec<String>,
    pub is_demo: bool,
}

#[derive(Clone, Debug)]
pub struct NewServiceItem {
    pub code: String,
    pub name: String,
    pub department_id: i64,
    pub materials: Vec<String>,
    pub limit: TimeLimit,
    pub stages: Vec<String>,
    pub is_demo: bool,
}

pub(super) fn limit_columns(limit: TimeLimit) -> (&'static str, i32) {
    match limit {
        TimeLimit::WorkingDays(n) => ("working_days", n as i32),
        TimeLimit::WorkingHours(n) => ("working_hours", n as i32),
    }
}

fn to_item(i: service_item::Model, depts: &std::collections::HashMap<i64, String>) -> ServiceItem {
    let limit = limit_of(&i.limit_unit, i.limit_n);
    ServiceItem {
        id: i.id,
        department: depts.get(&i.department_id).cloned().unwrap_or_default(),
        department_id: i.department_id,
        materials: i.materials.lines().map(str::to_owned).collect(),
        limit_label: limit.label(),
        limit,
        stages: i.stages.split('→').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
        code: i.code,
        name: i.name,
        is_demo: i.is_demo,
    }
}

impl Services<'_> {
    pub async fn items(self, caller: &Caller) -> Result<Vec<ServiceItem>> {
        if !(caller.may(Action::ReadRegistry) || caller.may(Action::HandleServiceRequest)) {
            return Err(StoreError::Forbidden);
        }
        let items = service_item::Entity::find().order_by_asc(service_item::Column::Code).all(self.store.db()).await?;
        let depts = self.store.unit_names(items.iter().map(|i| i.department_id).collect()).await?;
        Ok(items.into_iter().map(|i| to_item(i, &depts)).collect())
    }

    /// Government departments, for the owner of an item and transfers.
    pub async fn departments(self) -> Result<Vec<(i64, String)>> {
        Ok(unit::Entity::find()
            .select_only()
            .column(unit::Column::Id)
            .column(unit::Column::Name)
            .filter(unit::Column::Kind.eq(UnitKind::Government.code()))
            .order_by_asc(unit::Column::Name)
            .into_tuple()
            .all(self.store.db())
            .await?)
    }

    /// Adds an item, or updates the one with the same code (a catalogue import re-run
    /// changes nothing).
    pub async fn save_item(self, caller: &Caller, new: NewServiceItem) -> Result<i64> {
        self.store.require(caller, Action::ManageServices)?;
        let code = qunlian_domain::text::compact(&new.code).to_uppercase();
        let name = qunlian_domain::text::normalize(&new.name);
        if code.is_empty() {
            return Err(StoreError::invalid("事项编码", "不能为空"));
        }
        if name.is_empty() {
            return Err(StoreError::invalid("事项名称", "不能为空"));
        }
        let dept = unit::Entity::find_by_id(new.department_id)
            .filter(unit::Column::Kind.eq(UnitKind::Government.code()))
            .one(self.store.db())
            .await?
            .ok_or_else(|| StoreError::invalid("责任部门", "不是已登记的政府部门"))?;
        let (limit_unit, limit_n) = limit_columns(new.limit);
        if limit_n <= 0 {
            return Err(StoreError::invalid("办结时限", "应大于 0"));
        }
        let existing =
            service_item::Entity::find().filter(service_item::Column::Code.eq(&code)).one(self.store.db()).await?;
        let materials = new.materials.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect::<Vec<_>>().join("\n");
        let stages = new.stages.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect::<Vec<_>>().join("→");
        let mut row = match existing {
            Some(e) => e.into(),
            None => service_item::ActiveModel {
                code: Set(code.clone()),
                is_demo: Set(new.is_demo),
                created_at: Set(self.store.now()),
                ..Default::default()
            },
        };
        row.name = Set(name.clone());
        row.department_id = Set(dept.id);
        row.materials = Set(materials);
        row.limit_unit = Set(limit_unit.to_owned());
        row.limit_n = Set(limit_n);
        row.stages = Set(stages);
        let detail = format!("{code} {name}（{}）", dept.name);
        let saved = self
            .store
            .save_recorded(caller, row, |s| Change::new("service.item.save", "service_item", s.id, detail))
            .await?;
        Ok(saved.id)
    }

    /// One catalogue item, for its edit form.
    pub async fn item(self, caller: &Caller, id: i64) -> Result<ServiceItem> {
        if !(caller.may(Action::ReadRegistry) || caller.may(Action::HandleServiceRequest)) {
            return Err(StoreError::Forbidden);
        }
        let i = service_item::Entity::find_by_id(id).one(self.store.db()).await?.ok_or(StoreError::NotFound)?;
        let depts = self.store.unit_names(vec![i.department_id]).await?;
        Ok(to_item(i, &depts))
    }
}
