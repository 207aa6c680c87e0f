//! Pushing policies to the caller's own enterprises, a town or a cluster: preview and push.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use qunlian_domain::auth::{Action, Caller, Scope, UnitId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
    TransactionTrait,
};
use serde::Serialize;

use super::*;
use crate::entity::{cluster, cluster_member, policy, policy_push, policy_push_item, policy_receipt, unit};
use crate::scope::{town_code_range, town_in};
use crate::{Result, StoreError};

/// Where a push goes: the domain's (own scope, a town, a cluster).
pub use qunlian_domain::policies::PushTarget;

#[derive(Clone, Debug, Serialize)]
pub struct PreviewItem {
    pub policy: Policy,
    pub validity: Validity,
    /// Eligible enterprises of the target today; 0 for a policy not valid today.
    pub recipients: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct PushPreview {
    pub target_label: String,
    pub items: Vec<PreviewItem>,
    /// Enterprises that would receive at least one policy.
    pub enterprises: u64,
    pub receipts: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct PushSummary {
    pub id: i64,
    pub title: String,
    pub target_label: String,
    pub pushed_by_name: String,
    pub pushed_at: DateTime<Utc>,
    pub policies: u64,
    /// Counted over the enterprises the reader may see.
    pub enterprises: u64,
    pub enterprises_read: u64,
    pub receipts: u64,
    pub receipts_read: u64,
    pub is_demo: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct PushItem {
    pub policy_id: i64,
    pub title: String,
    pub doc_number: String,
    pub sent: u64,
    pub read: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct PushDetail {
    pub summary: PushSummary,
    pub items: Vec<PushItem>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Recipient {
    pub unit_id: UnitId,
    pub name: String,
    pub town_name: String,
    pub received: u64,
    pub read: u64,
    pub last_read_at: Option<DateTime<Utc>>,
}

impl Policies<'_> {
    /// The target as a condition on `units` (the caller's scope always applies) and in words.
    async fn target_condition(self, caller: &Caller, target: &PushTarget) -> Result<(Condition, String)> {
        let mut cond = Condition::all().add(self.store.unit_scope(caller).await?);
        let label = match target {
            PushTarget::Own => match &caller.scope {
                Scope::All => "全部企业".to_owned(),
                Scope::Region(r) => r.name().to_owned(),
                Scope::Cluster(c) => self.cluster_name(c.0).await?,
                _ => "本人权限范围".to_owned(),
            },
            PushTarget::Town(town) => {
                if let Scope::Region(r) = &caller.scope {
                    let (low, high) = town_code_range(r);
                    let code = town.to_string();
                    if code < low || code >= high {
                        return Err(StoreError::invalid("推送范围", format!("{}不在您的管辖范围内", town.name())));
                    }
                }
                cond = cond.add(town_in(unit::Column::TownCode, town));
                town.name().to_owned()
            }
            PushTarget::Cluster(c) => {
                let visible = cluster::Entity::find_by_id(c.0)
                    .filter(self.store.cluster_scope(caller).await?)
                    .one(self.store.db())
                    .await?
                    .ok_or(StoreError::NotFound)?;
                cond = cond.add(
                    unit::Column::Id.in_subquery(
                        Query::select()
                            .column(cluster_member::Column::UnitId)
                            .from(cluster_member::Entity)
                            .and_where(cluster_member::Column::ClusterId.eq(c.0))
                            .and_where(cluster_member::Column::LeftOn.is_null())
                            .to_owned(),
                    ),
                );
                visible.name
            }
        };
        Ok((cond, label))
    }

    async fn cluster_name(self, id: i64) -> Result<String> {
        Ok(cluster::Entity::find_by_id(id).one(self.store.db()).await?.map(|c| c.name).unwrap_or_default())
    }

    /// The policies chosen, in the order given, each once.
    async fn chosen(self, ids: &[i64]) -> Result<Vec<Policy>> {
        let mut seen = Vec::new();
        for id in ids {
            if !seen.contains(id) {
                seen.push(*id);
            }
        }
        if seen.is_empty() {
            return Err(StoreError::invalid("推送政策", "请至少选择一项政策"));
        }
        let names = self.department_names().await?;
        let mut by_id: HashMap<i64, Policy> = policy::Entity::find()
            .filter(policy::Column::Id.is_in(seen.clone()))
            .all(self.store.db())
            .await?
            .into_iter()
            .map(|m| (m.id, Policies::to_policy(m, &names)))
            .collect();
        seen.into_iter().map(|id| by_id.remove(&id).ok_or(StoreError::NotFound)).collect()
    }

    /// What a push would send now: per policy the eligible enterprises of the target, and
    /// how many enterprises would receive anything. Nothing is written.
    pub async fn preview_push(self, caller: &Caller, ids: &[i64], target: &PushTarget) -> Result<PushPreview> {
        self.store.require(caller, Action::PushPolicies)?;
        let (scope, target_label) = self.target_condition(caller, target).await?;
        let today = self.store.today();
        let mut items = Vec::new();
        let mut any = Condition::any();
        let mut receipts = 0;
        for p in self.chosen(ids).await? {
            let validity = p.validity_on(today);
            let recipients = if validity == Validity::Valid {
                let cond = self.eligible_condition(&p.rule).await?;
                any = any.add(cond.clone());
                unit::Entity::find().filter(cond.add(scope.clone())).count(self.store.db()).await?
            } else {
                0
            };
            receipts += recipients;
            items.push(PreviewItem { policy: p, validity, recipients });
        }
        let enterprises = if receipts == 0 {
            0
        } else {
            unit::Entity::find().filter(Condition::all().add(scope).add(any)).count(self.store.db()).await?
        };
        Ok(PushPreview { target_label, items, enterprises, receipts })
    }

    /// Sends the policies valid today to every eligible enterprise of the target: one receipt
    /// per (push, policy, enterprise), unread, written with the push's audit line in one
    /// transaction.
    pub async fn push_policies(
        self,
        caller: &Caller,
        title: &str,
        ids: &[i64],
        target: &PushTarget,
        is_demo: bool,
    ) -> Result<i64> {
        self.store.require(caller, Action::PushPolicies)?;
        let (scope, target_label) = self.target_condition(caller, target).await?;
        let today = self.store.today();
        let chosen = self.chosen(ids).await?;
        let mut plan = Vec::new();
        for p in &chosen {
            if p.validity_on(today) == Validity::Valid {
                plan.push((p, self.eligible_condition(&p.rule).await?.add(scope.clone())));
            }
        }
        if plan.is_empty() {
            return Err(StoreError::invalid("推送政策", "所选政策今天均不在有效期内"));
        }
        let title = match qunlian_domain::text::normalize(title) {
            t if t.is_empty() && chosen.len() == 1 => chosen[0].title.clone(),
            t if t.is_empty() => format!("政策包（{} 项）", chosen.len()),
            t => t,
        };
        let (target_kind, target_value) = match target {
            PushTarget::Own => ("own", None),
            PushTarget::Town(r) => ("town", Some(r.to_string())),
            PushTarget::Cluster(c) => ("cluster", Some(c.to_string())),
        };
        let txn = self.store.db().begin().await?;
        let push = policy_push::ActiveModel {
            title: Set(title.clone()),
            owner_scope_kind: Set(caller.scope.kind().to_owned()),
            owner_scope_value: Set(caller.scope.value()),
            target_kind: Set(target_kind.to_owned()),
            target_value: Set(target_value),
            target_label: Set(target_label.clone()),
            pushed_by: Set((caller.user_id.0 != 0).then_some(caller.user_id.0)),
            pushed_by_name: Set(caller.username.clone()),
            pushed_at: Set(self.store.now()),
            enterprises: Set(0),
            receipts: Set(0),
            is_demo: Set(is_demo),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let mut receipts: i64 = 0;
        for (position, (p, cond)) in plan.iter().enumerate() {
            // One statement per policy however many enterprises match: the database copies
            // the ids itself, so a package of 54 policies to thousands of enterprises is 54
            // statements in one transaction.
            let insert = Query::insert()
                .into_table(policy_receipt::Entity)
                .columns([
                    policy_receipt::Column::PushId,
                    policy_receipt::Column::PolicyId,
                    policy_receipt::Column::UnitId,
                ])
                .select_from(
                    Query::select()
                        .expr(Expr::val(push.id))
                        .expr(Expr::val(p.id))
                        .column((unit::Entity, unit::Column::Id))
                        .from(unit::Entity)
                        .cond_where(cond.clone())
                        .to_owned(),
                )
                .map_err(|e| StoreError::Db(sea_orm::DbErr::Custom(e.to_string())))?
                .to_owned();
            let n = i64::try_from(txn.execute(&insert).await?.rows_affected()).unwrap_or(i64::MAX);
            receipts += n;
            policy_push_item::ActiveModel {
                push_id: Set(push.id),
                policy_id: Set(p.id),
                position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
                recipients: Set(n),
            }
            .insert(&txn)
            .await?;
        }
        let enterprises: Option<i64> = policy_receipt::Entity::find()
            .select_only()
            .expr(Expr::cust("COUNT(DISTINCT unit_id)"))
            .filter(policy_receipt::Column::PushId.eq(push.id))
            .into_tuple()
            .one(&txn)
            .await?;
        let enterprises = enterprises.unwrap_or(0);
        let mut m: policy_push::ActiveModel = push.into();
        m.enterprises = Set(enterprises);
        m.receipts = Set(receipts);
        let push = m.update(&txn).await?;
        let skipped = chosen.len() - plan.len();
        self.store
            .audit()
            .record_on(
                &txn,
                caller,
                "policy.push",
                "policy_push",
                Some(push.id.to_string()),
                format!(
                    "{title}：{} 项政策推送至{target_label}，企业 {enterprises} 家，回执 {receipts} 条{}",
                    plan.len(),
                    if skipped > 0 { format!("；{skipped} 项不在有效期内未推送") } else { String::new() }
                ),
            )
            .await?;
        txn.commit().await?;
        Ok(push.id)
    }
}
