//! Parks: the tree within the caller's area, one park, creation and edits.

use qunlian_domain::RegionCode;
use qunlian_domain::auth::{Action, Caller, Scope};
use qunlian_domain::region::RegionLevel;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use super::town_name;
use super::*;
use crate::audit::Change;
use crate::entity::park;
use crate::{Result, StoreError};

#[derive(Clone, Debug, Serialize)]
pub struct Park {
    pub id: i64,
    pub name: String,
    pub town_code: String,
    pub town_name: String,
    pub parent_id: Option<i64>,
    pub enterprises: u64,
    pub is_demo: bool,
}

/// A park with where it sits in the park hierarchy.
#[derive(Clone, Debug, Serialize)]
pub struct ParkDetail {
    pub park: Park,
    pub parent: Option<(i64, String)>,
    pub children: Vec<Park>,
}

impl Registry<'_> {
    pub async fn list_parks(self, caller: &Caller) -> Result<Vec<Park>> {
        self.store.require(caller, Action::ReadRegistry)?;
        let rows = park::Entity::find()
            .filter(park_scope(caller))
            .order_by_asc(park::Column::TownCode)
            .order_by_asc(park::Column::Name)
            .all(self.store.db())
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for p in rows {
            out.push(self.to_park(caller, p).await?);
        }
        Ok(out)
    }

    /// The figure is the count of the enterprise list filtered by the park (sub-parks
    /// included), so the number and its drill-down always agree.
    async fn to_park(self, caller: &Caller, p: park::Model) -> Result<Park> {
        let filter = super::EnterpriseFilter { park: Some(p.id), ..Default::default() };
        let enterprises = self.count_enterprises(caller, &filter).await?;
        Ok(Park {
            id: p.id,
            town_name: town_name(&p.town_code),
            name: p.name,
            town_code: p.town_code,
            parent_id: p.parent_id,
            enterprises,
            is_demo: p.is_demo,
        })
    }

    /// A park and the parks below it, however deep.
    pub(crate) async fn park_subtree(self, root: i64) -> Result<Vec<i64>> {
        let mut all = vec![root];
        let mut frontier = vec![root];
        while !frontier.is_empty() {
            let children: Vec<i64> = park::Entity::find()
                .select_only()
                .column(park::Column::Id)
                .filter(park::Column::ParentId.is_in(frontier.clone()))
                .into_tuple()
                .all(self.store.db())
                .await?;
            // A cycle in bad data must not loop forever.
            let new: Vec<i64> = children.into_iter().filter(|c| !all.contains(c)).collect();
            all.extend(&new);
            frontier = new;
        }
        Ok(all)
    }

    async fn park_in_scope(self, caller: &Caller, id: i64) -> Result<park::Model> {
        self.store.require(caller, Action::ReadRegistry)?;
        park::Entity::find_by_id(id).filter(park_scope(caller)).one(self.store.db()).await?.ok_or(StoreError::NotFound)
    }

    pub async fn park(self, caller: &Caller, id: i64) -> Result<ParkDetail> {
        let m = self.park_in_scope(caller, id).await?;
        let parent = match m.parent_id {
            Some(p) => park::Entity::find_by_id(p).one(self.store.db()).await?.map(|p| (p.id, p.name)),
            None => None,
        };
        let mut children = Vec::new();
        for c in park::Entity::find()
            .filter(park::Column::ParentId.eq(m.id))
            .filter(park_scope(caller))
            .order_by_asc(park::Column::Name)
            .all(self.store.db())
            .await?
        {
            children.push(self.to_park(caller, c).await?);
        }
        Ok(ParkDetail { park: self.to_park(caller, m).await?, parent, children })
    }

    /// Renames a park, moves it to another town, or puts it under another park. Parks are
    /// set up by district and town administrators, within their area.
    pub async fn update_park(
        self,
        caller: &Caller,
        id: i64,
        name: &str,
        town: &RegionCode,
        parent: Option<i64>,
    ) -> Result<()> {
        self.store.require(caller, Action::Import)?;
        let current = self.park_in_scope(caller, id).await?;
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::invalid("园区名称", "不能为空"));
        }
        if town.level() != RegionLevel::Town {
            return Err(StoreError::invalid("所属街镇", "请选择街镇"));
        }
        if let Scope::Region(r) = &caller.scope
            && !(town.is_within(r) || town == r)
        {
            return Err(StoreError::invalid("所属街镇", format!("{}不在您的管辖范围内", town.full_name())));
        }
        let same_name = park::Entity::find()
            .filter(park::Column::Name.eq(name))
            .filter(park::Column::Id.ne(id))
            .one(self.store.db())
            .await?;
        if same_name.is_some() {
            // Imports find a park by its name: two parks of one name could not be told apart.
            return Err(StoreError::invalid("园区名称", format!("已有名为“{name}”的园区")));
        }
        let parent_name = match parent {
            None => None,
            Some(p) if p == id => return Err(StoreError::invalid("上级园区", "不能是本园区")),
            Some(p) => {
                let pm = match self.park_in_scope(caller, p).await {
                    Ok(pm) => pm,
                    Err(StoreError::NotFound) => {
                        return Err(StoreError::invalid("上级园区", "不存在，或不在您的权限范围内"));
                    }
                    Err(e) => return Err(e),
                };
                if self.park_subtree(id).await?.contains(&p) {
                    return Err(StoreError::invalid("上级园区", "不能是本园区的下级园区"));
                }
                Some(pm.name)
            }
        };
        let mut changes = Vec::new();
        if current.name != name {
            changes.push(format!("名称：{} → {name}", current.name));
        }
        if current.town_code != town.to_string() {
            changes.push(format!("街镇：{} → {}", town_name(&current.town_code), town.name()));
        }
        if current.parent_id != parent {
            changes.push(format!("上级园区：{}", parent_name.as_deref().unwrap_or("（无）")));
        }
        let mut a: park::ActiveModel = current.into();
        a.name = Set(name.to_owned());
        a.town_code = Set(town.to_string());
        a.parent_id = Set(parent);
        let detail = if changes.is_empty() { "无变化".to_owned() } else { changes.join("；") };
        self.store
            .update_recorded(caller, a, "park.update", ("park", id), format!("修改园区“{name}”：{detail}"))
            .await?;
        Ok(())
    }

    pub async fn create_park(
        self,
        caller: &Caller,
        name: &str,
        town: &qunlian_domain::RegionCode,
        parent: Option<i64>,
    ) -> Result<i64> {
        self.store.require(caller, Action::Import)?;
        if let Scope::Region(r) = &caller.scope
            && !(town.is_within(r) || town == r)
        {
            return Err(StoreError::invalid("所属街镇", "不在您的管辖范围内"));
        }
        if name.trim().is_empty() {
            return Err(StoreError::invalid("园区名称", "不能为空"));
        }
        if park::Entity::find().filter(park::Column::Name.eq(name.trim())).one(self.store.db()).await?.is_some() {
            return Err(StoreError::invalid("园区名称", format!("已有名为“{}”的园区", name.trim())));
        }
        let row = park::ActiveModel {
            name: Set(name.trim().to_owned()),
            town_code: Set(town.to_string()),
            parent_id: Set(parent),
            is_demo: Set(false),
            ..Default::default()
        };
        let m = self
            .store
            .insert_recorded(caller, row, |m| Change::new("park.create", "park", m.id, format!("新增园区“{}”", m.name)))
            .await?;
        Ok(m.id)
    }
}
