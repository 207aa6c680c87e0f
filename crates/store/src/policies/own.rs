//! The enterprise's own policy list: what was pushed to it, read and unread.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use qunlian_domain::auth::{Caller, Role, Scope};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use super::*;
use crate::audit::Change;
use crate::entity::{policy, policy_push, policy_receipt, unit};
use crate::{Result, StoreError};

/// A policy as an enterprise's contact sees it.
#[derive(Clone, Debug, Serialize)]
pub struct MyPolicy {
    pub policy: Policy,
    /// When it was last pushed to the enterprise; None for a policy found by its rule only.
    pub pushed_at: Option<DateTime<Utc>>,
    pub unread: bool,
    pub read_at: Option<DateTime<Utc>>,
}

/// Per policy of one enterprise: last pushed, first read, any receipt unread.
type ReceiptState = (DateTime<Utc>, Option<DateTime<Utc>>, bool);

impl Policies<'_> {
    fn own_enterprise(caller: &Caller) -> Result<i64> {
        match (&caller.role, &caller.scope) {
            (Role::EnterpriseContact, Scope::Enterprise(id)) => Ok(id.0),
            _ => Err(StoreError::Forbidden),
        }
    }

    async fn is_eligible(self, unit_id: i64, rule: &str) -> Result<bool> {
        let cond = self.eligible_condition(rule).await?.add(unit::Column::Id.eq(unit_id));
        Ok(unit::Entity::find().filter(cond).count(self.store.db()).await? > 0)
    }

    /// The receipts of one enterprise by policy: last pushed, first read, any unread.
    async fn my_receipts(self, unit_id: i64) -> Result<HashMap<i64, ReceiptState>> {
        let rows: Vec<(i64, i64, Option<DateTime<Utc>>)> = policy_receipt::Entity::find()
            .select_only()
            .column(policy_receipt::Column::PolicyId)
            .column(policy_receipt::Column::PushId)
            .column(policy_receipt::Column::ReadAt)
            .filter(policy_receipt::Column::UnitId.eq(unit_id))
            .into_tuple()
            .all(self.store.db())
            .await?;
        let push_ids: Vec<i64> = rows.iter().map(|r| r.1).collect();
        let pushed_at: HashMap<i64, DateTime<Utc>> = self
            .store
            .column_by_id::<policy_push::Entity, _>(policy_push::Column::Id, policy_push::Column::PushedAt, push_ids)
            .await?;
        let mut out: HashMap<i64, ReceiptState> = HashMap::new();
        for (policy_id, push_id, read_at) in rows {
            let at = pushed_at.get(&push_id).copied().unwrap_or_default();
            let e = out.entry(policy_id).or_insert((at, None, false));
            e.0 = Ord::max(e.0, at);
            if let Some(r) = read_at {
                e.1 = Some(e.1.map_or(r, |x: DateTime<Utc>| Ord::min(x, r)));
            }
            e.2 |= read_at.is_none();
        }
        Ok(out)
    }

    /// 免申即享: every policy valid today that the enterprise is eligible for or was sent,
    /// pushed ones first (newest push first), unread marked.
    pub async fn my_policies(self, caller: &Caller) -> Result<Vec<MyPolicy>> {
        let unit_id = Policies::own_enterprise(caller)?;
        let today = self.store.today();
        let receipts = self.my_receipts(unit_id).await?;
        let names = self.department_names().await?;
        let valid = policy::Entity::find()
            .filter(valid_on(today))
            .order_by_desc(policy::Column::ValidFrom)
            .order_by_asc(policy::Column::Id)
            .all(self.store.db())
            .await?;
        let mut out = Vec::new();
        for m in valid {
            let r = receipts.get(&m.id).copied();
            if r.is_none() && !self.is_eligible(unit_id, &m.rule).await? {
                continue;
            }
            out.push(MyPolicy {
                policy: Policies::to_policy(m, &names),
                pushed_at: r.map(|r| r.0),
                read_at: r.and_then(|r| r.1),
                unread: r.is_some_and(|r| r.2),
            });
        }
        // Stable: within each group the library's order stays.
        out.sort_by_key(|m| std::cmp::Reverse(m.pushed_at));
        self.store
            .audit()
            .record(caller, "policy.my.list", "policy", None, format!("本企业可享政策 {} 项", out.len()))
            .await?;
        Ok(out)
    }

    /// Opens one policy of the enterprise's list and marks its receipts read, once: a second
    /// opening keeps the first time.
    pub async fn open_my_policy(self, caller: &Caller, id: i64) -> Result<MyPolicy> {
        let unit_id = Policies::own_enterprise(caller)?;
        let policy = self.load_policy(id).await?;
        let before = self.my_receipts(unit_id).await?.get(&id).copied();
        if before.is_none() && !self.is_eligible(unit_id, &policy.rule).await? {
            return Err(StoreError::NotFound);
        }
        let now = self.store.now();
        let mark = policy_receipt::Entity::update_many()
            .col_expr(policy_receipt::Column::ReadAt, Expr::val(now))
            .filter(policy_receipt::Column::UnitId.eq(unit_id))
            .filter(policy_receipt::Column::PolicyId.eq(id))
            .filter(policy_receipt::Column::ReadAt.is_null());
        self.store
            .recorded(
                caller,
                async |txn| Ok(mark.exec(txn).await?.rows_affected),
                |&marked| {
                    let (action, detail) = if marked > 0 {
                        ("policy.read", format!("{}：已读回执 {marked} 条", policy.title))
                    } else {
                        ("policy.view", policy.title.clone())
                    };
                    Change::new(action, "policy", id, detail)
                },
            )
            .await?;
        let after = self.my_receipts(unit_id).await?.get(&id).copied();
        Ok(MyPolicy {
            policy,
            pushed_at: after.map(|r| r.0),
            read_at: after.and_then(|r| r.1),
            unread: after.is_some_and(|r| r.2),
        })
    }

    /// Unread policies of the caller's enterprise, for the sidebar and the home page.
    pub async fn my_unread_policies(self, caller: &Caller) -> Result<u64> {
        let unit_id = Policies::own_enterprise(caller)?;
        let today = self.store.today();
        Ok(policy_receipt::Entity::find()
            .select_only()
            .column(policy_receipt::Column::PolicyId)
            .distinct()
            .filter(policy_receipt::Column::UnitId.eq(unit_id))
            .filter(policy_receipt::Column::ReadAt.is_null())
            .filter(policy_receipt::Column::PolicyId.in_subquery(
                Query::select().column(policy::Column::Id).from(policy::Entity).cond_where(valid_on(today)).to_owned(),
            ))
            .count(self.store.db())
            .await?)
    }
}
