//! 赋权清单: the powers granted to a cluster committee, the list of scopes they are granted
//! in (data, which an administrator adds to), and the log of each use with its outcome.

use chrono::NaiveDate;
use qunlian_domain::auth::{Action, Caller, Scope};
use qunlian_domain::bodies::{GrantFields, UseFields};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use super::Bodies;
use crate::audit::Change;
use crate::entity::{body_power_scope, cluster, cluster_power, cluster_power_use};
use crate::{Result, StoreError};

/// A scope of power in the list.
#[derive(Clone, Debug, Serialize)]
pub struct PowerScope {
    pub id: i64,
    pub name: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Power {
    pub id: i64,
    pub scope: String,
    pub granted_by: String,
    pub document_no: String,
    pub granted_on: NaiveDate,
    pub content: String,
    /// How many times it was used.
    pub uses: usize,
    pub is_demo: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct PowerUse {
    pub id: i64,
    pub power_id: i64,
    /// The scope of the power used.
    pub scope: String,
    pub used_on: NaiveDate,
    pub matter: String,
    pub concerned: String,
    pub outcome: String,
    pub recorded_by: String,
    pub is_demo: bool,
}

/// A cluster committee's powers and the log of their uses (latest first).
#[derive(Clone, Debug, Serialize)]
pub struct ClusterPowers {
    pub cluster_id: i64,
    pub cluster: String,
    pub powers: Vec<Power>,
    pub uses: Vec<PowerUse>,
}

impl Bodies<'_> {
    /// The list of scopes, in its order.
    pub async fn scopes(self, caller: &Caller) -> Result<Vec<PowerScope>> {
        self.store.require(caller, Action::ReadRegistry)?;
        Ok(body_power_scope::Entity::find()
            .order_by_asc(body_power_scope::Column::Position)
            .order_by_asc(body_power_scope::Column::Id)
            .all(self.store.db())
            .await?
            .into_iter()
            .map(|s| PowerScope { id: s.id, name: s.name })
            .collect())
    }

    /// Adds a scope at the end of the list; a name already there is refused.
    pub async fn add_scope(self, caller: &Caller, name: &str) -> Result<i64> {
        self.store.require(caller, Action::GrantPowers)?;
        let name = qunlian_domain::bodies::parse_scope_name(name)?;
        if self
            .store
            .id_named::<body_power_scope::Entity>(body_power_scope::Column::Id, body_power_scope::Column::Name, &name)
            .await?
            .is_some()
        {
            return Err(StoreError::invalid("赋权范围名称", format!("“{name}”已在列表中")));
        }
        let last: Option<i32> = body_power_scope::Entity::find()
            .select_only()
            .column_as(body_power_scope::Column::Position.max(), "m")
            .into_tuple::<Option<i32>>()
            .one(self.store.db())
            .await?
            .flatten();
        let row = body_power_scope::ActiveModel {
            name: Set(name.clone()),
            position: Set(last.unwrap_or(0) + 1),
            ..Default::default()
        };
        self.store
            .insert_stamped(caller, row, false, |s| {
                Change::new("power_scope.add", "body_power_scope", s.id, format!("赋权范围增加“{name}”"))
            })
            .await
            .map(|saved| saved.id)
    }

    /// A cluster committee's powers and their uses, when the caller sees the cluster.
    pub async fn powers(self, caller: &Caller, cluster_id: i64) -> Result<ClusterPowers> {
        let c = self.cluster_in_scope(caller, cluster_id).await?;
        let scopes = self.scope_names().await?;
        let powers = cluster_power::Entity::find()
            .filter(cluster_power::Column::ClusterId.eq(c.id))
            .order_by_asc(cluster_power::Column::GrantedOn)
            .order_by_asc(cluster_power::Column::Id)
            .all(self.store.db())
            .await?;
        let uses = cluster_power_use::Entity::find()
            .filter(cluster_power_use::Column::ClusterId.eq(c.id))
            .order_by_desc(cluster_power_use::Column::UsedOn)
            .order_by_desc(cluster_power_use::Column::Id)
            .all(self.store.db())
            .await?;
        let scope_of = |power_id: i64| {
            powers.iter().find(|p| p.id == power_id).and_then(|p| scopes.get(&p.scope_id).cloned()).unwrap_or_default()
        };
        let uses: Vec<PowerUse> = uses
            .into_iter()
            .map(|u| PowerUse {
                scope: scope_of(u.power_id),
                id: u.id,
                power_id: u.power_id,
                used_on: u.used_on,
                matter: u.matter,
                concerned: u.concerned,
                outcome: u.outcome,
                recorded_by: u.recorded_by,
                is_demo: u.is_demo,
            })
            .collect();
        let powers = powers
            .iter()
            .map(|p| Power {
                id: p.id,
                scope: scopes.get(&p.scope_id).cloned().unwrap_or_default(),
                granted_by: p.granted_by.clone(),
                document_no: p.document_no.clone(),
                granted_on: p.granted_on,
                content: p.content.clone(),
                uses: uses.iter().filter(|u| u.power_id == p.id).count(),
                is_demo: p.is_demo,
            })
            .collect();
        Ok(ClusterPowers { cluster_id: c.id, cluster: c.name, powers, uses })
    }

    async fn scope_names(self) -> Result<std::collections::HashMap<i64, String>> {
        Ok(body_power_scope::Entity::find().all(self.store.db()).await?.into_iter().map(|s| (s.id, s.name)).collect())
    }

    /// Whether the caller may grant powers to this cluster: a town or district admin whose
    /// area holds the cluster's town (a town grants to its own clusters only).
    pub async fn may_grant(self, caller: &Caller, cluster_id: i64) -> Result<cluster::Model> {
        self.store.require(caller, Action::GrantPowers)?;
        let c = self.cluster_in_scope(caller, cluster_id).await?;
        Self::keeps(caller, &c.town_code)?;
        Ok(c)
    }

    /// Records a power granted to a cluster committee.
    pub async fn grant(self, caller: &Caller, cluster_id: i64, f: GrantFields, demo: bool) -> Result<i64> {
        let c = self.may_grant(caller, cluster_id).await?;
        let Some(scope) = self.scope_names().await?.remove(&f.scope_id) else {
            return Err(StoreError::invalid("赋权范围", "不在赋权范围列表中，请从列表中选择"));
        };
        let row = cluster_power::ActiveModel {
            cluster_id: Set(c.id),
            scope_id: Set(f.scope_id),
            granted_by: Set(f.granted_by),
            document_no: Set(f.document_no),
            granted_on: Set(f.granted_on),
            content: Set(f.content),
            ..Default::default()
        };
        self.store
            .insert_stamped(caller, row, demo, |p| {
                Change::new(
                    "cluster_power.grant",
                    "cluster_power",
                    p.id,
                    format!("向“{}”赋权：{}（{}，{}）", c.name, scope, p.document_no, p.granted_by),
                )
            })
            .await
            .map(|saved| saved.id)
    }

    /// Whether the caller may log uses of this cluster committee's powers: its secretary.
    pub async fn may_log_use(self, caller: &Caller, cluster_id: i64) -> Result<cluster::Model> {
        self.store.require(caller, Action::LogPowerUses)?;
        let c = self.cluster_in_scope(caller, cluster_id).await?;
        if caller.scope == Scope::Cluster(qunlian_domain::auth::ClusterId(c.id)) {
            Ok(c)
        } else {
            Err(StoreError::Forbidden)
        }
    }

    /// Logs one use of a power of the cluster committee, on or after the day it was granted.
    pub async fn log_use(self, caller: &Caller, cluster_id: i64, f: UseFields, demo: bool) -> Result<i64> {
        let c = self.may_log_use(caller, cluster_id).await?;
        let power = self
            .store
            .row_where::<cluster_power::Entity>(f.power_id, cluster_power::Column::ClusterId.eq(c.id))
            .await?
            .ok_or_else(|| StoreError::invalid("行使的权限", "不是本集群党委获得的权限，请从列表中选择"))?;
        if f.used_on < power.granted_on {
            return Err(StoreError::invalid("行使日期", format!("不能早于赋权日期（{}）", power.granted_on)));
        }
        let row = cluster_power_use::ActiveModel {
            power_id: Set(power.id),
            cluster_id: Set(c.id),
            used_on: Set(f.used_on),
            matter: Set(f.matter),
            concerned: Set(f.concerned),
            outcome: Set(f.outcome),
            ..Default::default()
        };
        self.store
            .insert_stamped(caller, row, demo, |u| {
                Change::new(
                    "cluster_power.use",
                    "cluster_power_use",
                    u.id,
                    format!("“{}”行使权限：{}（{}）：{}", c.name, u.matter, u.concerned, u.outcome),
                )
            })
            .await
            .map(|saved| saved.id)
    }
}
