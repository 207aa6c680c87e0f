//! Alliances of units: lists, one alliance, creation and edits.

use chrono::NaiveDate;
use qunlian_domain::auth::{Action, Caller, UnitId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Query;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::*;
use crate::audit::Change;
use crate::entity::{alliance, alliance_member, unit};
use crate::{Result, StoreError};

#[derive(Clone, Debug, Serialize)]
pub struct Alliance {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub established_on: Option<NaiveDate>,
    pub members: Vec<(i64, String)>,
    pub is_demo: bool,
}

/// An alliance as its page shows it: the members the caller can see, and how many it cannot.
#[derive(Clone, Debug, Serialize)]
pub struct AllianceDetail {
    pub alliance: Alliance,
    /// The USCCs of the visible members, in the order of `alliance.members`.
    pub member_usccs: Vec<String>,
    /// Members outside the caller's scope: counted, never named.
    pub hidden_members: u64,
}

impl Registry<'_> {
    /// Alliances with at least one member the caller can see.
    pub async fn list_alliances(self, caller: &Caller) -> Result<Vec<Alliance>> {
        self.store.require(caller, Action::ReadRegistry)?;
        let scope = self.store.unit_scope(caller).await?;
        let visible_units =
            Query::select().column(unit::Column::Id).from(unit::Entity).cond_where(scope.clone()).to_owned();
        let ids: Vec<i64> = alliance_member::Entity::find()
            .filter(alliance_member::Column::UnitId.in_subquery(visible_units))
            .all(self.store.db())
            .await?
            .into_iter()
            .map(|m| m.alliance_id)
            .collect();
        let mut out = Vec::new();
        for a in alliance::Entity::find()
            .filter(alliance::Column::Id.is_in(ids))
            .order_by_asc(alliance::Column::Id)
            .all(self.store.db())
            .await?
        {
            let (visible, _) = self.store.alliance_members_within(a.id, scope.clone()).await?;
            let members = visible.into_iter().map(|u| (u.id, u.name)).collect();
            out.push(Alliance {
                id: a.id,
                name: a.name,
                description: a.description,
                established_on: a.established_on,
                members,
                is_demo: a.is_demo,
            });
        }
        Ok(out)
    }

    pub async fn create_alliance(
        self,
        caller: &Caller,
        name: &str,
        description: &str,
        established_on: Option<NaiveDate>,
        members: &[UnitId],
        demo: bool,
    ) -> Result<i64> {
        self.store.require(caller, Action::WriteRegistry)?;
        if name.trim().is_empty() {
            return Err(StoreError::invalid("联盟名称", "不能为空"));
        }
        for m in members {
            self.store.unit_in_scope(caller, *m).await?;
        }
        let row = alliance::ActiveModel {
            name: Set(name.trim().to_owned()),
            description: Set(description.to_owned()),
            town_code: Set(None),
            established_on: Set(established_on),
            is_demo: Set(demo),
            ..Default::default()
        };
        let a = self
            .store
            .recorded(
                caller,
                async |txn| {
                    let a = row.insert(txn).await?;
                    for m in members {
                        alliance_member::ActiveModel {
                            alliance_id: Set(a.id),
                            unit_id: Set(m.0),
                            ..Default::default()
                        }
                        .insert(txn)
                        .await?;
                    }
                    Ok(a)
                },
                |a| {
                    Change::new(
                        "alliance.create",
                        "alliance",
                        a.id,
                        format!("建立“{}”，成员{}家", a.name, members.len()),
                    )
                },
            )
            .await?;
        Ok(a.id)
    }

    /// An alliance with at least one member the caller can see, its visible members (by
    /// name) and the number of the others.
    async fn alliance_in_scope(self, caller: &Caller, id: i64) -> Result<(alliance::Model, Vec<unit::Model>, u64)> {
        self.store.require(caller, Action::ReadRegistry)?;
        let a = alliance::Entity::find_by_id(id).one(self.store.db()).await?.ok_or(StoreError::NotFound)?;
        let (visible, all) = self.store.alliance_members_within(id, self.store.unit_scope(caller).await?).await?;
        if visible.is_empty() {
            return Err(StoreError::NotFound);
        }
        let hidden = all - visible.len() as u64;
        Ok((a, visible, hidden))
    }

    pub async fn alliance(self, caller: &Caller, id: i64) -> Result<AllianceDetail> {
        let (a, visible, hidden_members) = self.alliance_in_scope(caller, id).await?;
        Ok(AllianceDetail {
            member_usccs: visible.iter().map(|u| u.uscc.clone().unwrap_or_default()).collect(),
            alliance: Alliance {
                id: a.id,
                name: a.name,
                description: a.description,
                established_on: a.established_on,
                members: visible.into_iter().map(|u| (u.id, u.name)).collect(),
                is_demo: a.is_demo,
            },
            hidden_members,
        })
    }

    /// The alliance, when the caller may change it: it may write and sees a member; when
    /// some members are outside its scope, only an area-wide role may.
    pub async fn alliance_for_edit(self, caller: &Caller, id: i64) -> Result<AllianceDetail> {
        self.store.require(caller, Action::WriteRegistry)?;
        let detail = self.alliance(caller, id).await?;
        if detail.hidden_members > 0 && !may_edit_shared(caller) {
            return Err(StoreError::Forbidden);
        }
        Ok(detail)
    }

    /// Renames an alliance and sets its members as far as the caller can see them: members
    /// outside the caller's scope stay as they are.
    pub async fn update_alliance(
        self,
        caller: &Caller,
        id: i64,
        name: &str,
        description: &str,
        established_on: Option<NaiveDate>,
        members: &[UnitId],
    ) -> Result<()> {
        self.store.require(caller, Action::WriteRegistry)?;
        let (current, visible, hidden) = self.alliance_in_scope(caller, id).await?;
        if hidden > 0 && !may_edit_shared(caller) {
            return Err(StoreError::Forbidden);
        }
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::invalid("联盟名称", "不能为空"));
        }
        let mut wanted: Vec<i64> = Vec::new();
        for m in members {
            let u = self.store.unit_in_scope(caller, *m).await?;
            if !wanted.contains(&u.id) {
                wanted.push(u.id);
            }
        }
        if wanted.is_empty() && hidden == 0 {
            return Err(StoreError::invalid("成员单位", "至少保留一家成员单位"));
        }
        let had: Vec<i64> = visible.iter().map(|u| u.id).collect();
        let leaving: Vec<i64> = had.iter().copied().filter(|u| !wanted.contains(u)).collect();
        let joining: Vec<i64> = wanted.iter().copied().filter(|u| !had.contains(u)).collect();
        let old_name = current.name.clone();
        let renamed = if old_name == name { String::new() } else { format!("由“{old_name}”更名；") };
        let line = format!("修改“{name}”：{renamed}加入{}家，退出{}家", joining.len(), leaving.len());
        let mut a: alliance::ActiveModel = current.into();
        a.name = Set(name.to_owned());
        a.description = Set(description.trim().to_owned());
        a.established_on = Set(established_on);
        self.store
            .recorded(
                caller,
                async |txn| {
                    if !leaving.is_empty() {
                        alliance_member::Entity::delete_many()
                            .filter(alliance_member::Column::AllianceId.eq(id))
                            .filter(alliance_member::Column::UnitId.is_in(leaving.clone()))
                            .exec(txn)
                            .await?;
                    }
                    for u in &joining {
                        alliance_member::ActiveModel { alliance_id: Set(id), unit_id: Set(*u), ..Default::default() }
                            .insert(txn)
                            .await?;
                    }
                    a.update(txn).await?;
                    Ok(())
                },
                |()| Change::new("alliance.update", "alliance", id, line),
            )
            .await
    }
}
