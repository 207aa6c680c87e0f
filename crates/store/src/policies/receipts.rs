//! Pushes as the senders read them: summaries, one push and its recipients.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use qunlian_domain::auth::{Action, Caller, Role, Scope, UnitId};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::*;
use crate::entity::{policy, policy_push, policy_push_item, policy_receipt};
use crate::registry::town_name;
use crate::{Page, PageRequest, Result, StoreError};

impl Policies<'_> {
    /// Who may read push records: everyone who reads the registry except the enterprises
    /// themselves, which see their own list instead.
    fn require_push_reader(self, caller: &Caller) -> Result<()> {
        self.store.require(caller, Action::ReadRegistry)?;
        if caller.role == Role::EnterpriseContact { Err(StoreError::Forbidden) } else { Ok(()) }
    }

    /// Receipts of enterprises the caller may see.
    async fn receipts_in_scope(self, caller: &Caller) -> Result<Condition> {
        Ok(match caller.scope {
            Scope::All => Condition::all(),
            _ => Condition::all()
                .add(policy_receipt::Column::UnitId.in_subquery(units_where(self.store.unit_scope(caller).await?))),
        })
    }

    /// Pushes the caller made or that reached an enterprise it may see, newest first, with
    /// the counts over its own scope.
    pub async fn policy_pushes(self, caller: &Caller) -> Result<Vec<PushSummary>> {
        self.require_push_reader(caller)?;
        let scoped = self.receipts_in_scope(caller).await?;
        let mut q = policy_push::Entity::find();
        if caller.scope != Scope::All {
            q = q.filter(
                Condition::any().add(policy_push::Column::PushedBy.eq(caller.user_id.0)).add(
                    policy_push::Column::Id.in_subquery(
                        Query::select()
                            .column(policy_receipt::Column::PushId)
                            .from(policy_receipt::Entity)
                            .cond_where(scoped.clone())
                            .to_owned(),
                    ),
                ),
            );
        }
        let pushes = q
            .order_by_desc(policy_push::Column::PushedAt)
            .order_by_desc(policy_push::Column::Id)
            .all(self.store.db())
            .await?;
        let out = self.summaries(pushes, scoped).await?;
        self.store
            .audit()
            .record(caller, "policy.push.list", "policy_push", None, format!("推送记录 {} 次", out.len()))
            .await?;
        Ok(out)
    }

    async fn summaries(self, pushes: Vec<policy_push::Model>, scoped: Condition) -> Result<Vec<PushSummary>> {
        if pushes.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = pushes.iter().map(|p| p.id).collect();
        let counts: Vec<(i64, i64, i64, i64, i64)> = policy_receipt::Entity::find()
            .select_only()
            .column(policy_receipt::Column::PushId)
            .expr(Expr::cust("COUNT(*)"))
            .expr(Expr::cust("COUNT(read_at)"))
            .expr(Expr::cust("COUNT(DISTINCT unit_id)"))
            .expr(Expr::cust("COUNT(DISTINCT CASE WHEN read_at IS NOT NULL THEN unit_id END)"))
            .filter(policy_receipt::Column::PushId.is_in(ids.clone()))
            .filter(scoped)
            .group_by(policy_receipt::Column::PushId)
            .into_tuple()
            .all(self.store.db())
            .await?;
        let counts: HashMap<i64, (i64, i64, i64, i64)> =
            counts.into_iter().map(|(id, a, b, c, d)| (id, (a, b, c, d))).collect();
        let items: Vec<(i64, i64)> = policy_push_item::Entity::find()
            .select_only()
            .column(policy_push_item::Column::PushId)
            .expr(Expr::cust("COUNT(*)"))
            .filter(policy_push_item::Column::PushId.is_in(ids))
            .group_by(policy_push_item::Column::PushId)
            .into_tuple()
            .all(self.store.db())
            .await?;
        let items: HashMap<i64, i64> = items.into_iter().collect();
        Ok(pushes
            .into_iter()
            .map(|p| {
                let (receipts, receipts_read, enterprises, enterprises_read) =
                    counts.get(&p.id).copied().unwrap_or_default();
                PushSummary {
                    policies: count(items.get(&p.id).copied().unwrap_or(0)),
                    id: p.id,
                    title: p.title,
                    target_label: p.target_label,
                    pushed_by_name: p.pushed_by_name,
                    pushed_at: p.pushed_at,
                    enterprises: count(enterprises),
                    enterprises_read: count(enterprises_read),
                    receipts: count(receipts),
                    receipts_read: count(receipts_read),
                    is_demo: p.is_demo,
                }
            })
            .collect())
    }

    /// One push: its policies with sent and read per policy, over the caller's scope. A push
    /// that reached nothing the caller may see, and that it did not make, is not found.
    pub async fn policy_push(self, caller: &Caller, id: i64) -> Result<PushDetail> {
        self.require_push_reader(caller)?;
        let push = policy_push::Entity::find_by_id(id).one(self.store.db()).await?.ok_or(StoreError::NotFound)?;
        let scoped = self.receipts_in_scope(caller).await?;
        let summary = self.summaries(vec![push.clone()], scoped.clone()).await?.pop().ok_or(StoreError::NotFound)?;
        if caller.scope != Scope::All && push.pushed_by != Some(caller.user_id.0) && summary.receipts == 0 {
            return Err(StoreError::NotFound);
        }
        let per_policy: Vec<(i64, i64, i64)> = policy_receipt::Entity::find()
            .select_only()
            .column(policy_receipt::Column::PolicyId)
            .expr(Expr::cust("COUNT(*)"))
            .expr(Expr::cust("COUNT(read_at)"))
            .filter(policy_receipt::Column::PushId.eq(id))
            .filter(scoped)
            .group_by(policy_receipt::Column::PolicyId)
            .into_tuple()
            .all(self.store.db())
            .await?;
        let per_policy: HashMap<i64, (i64, i64)> = per_policy.into_iter().map(|(p, a, b)| (p, (a, b))).collect();
        let pushed: Vec<policy_push_item::Model> = policy_push_item::Entity::find()
            .filter(policy_push_item::Column::PushId.eq(id))
            .order_by_asc(policy_push_item::Column::Position)
            .all(self.store.db())
            .await?;
        let ids: Vec<i64> = pushed.iter().map(|i| i.policy_id).collect();
        let policies: HashMap<i64, policy::Model> = policy::Entity::find()
            .filter(policy::Column::Id.is_in(ids))
            .all(self.store.db())
            .await?
            .into_iter()
            .map(|m| (m.id, m))
            .collect();
        let items = pushed
            .into_iter()
            .map(|i| {
                let (sent, read) = per_policy.get(&i.policy_id).copied().unwrap_or_default();
                let p = policies.get(&i.policy_id);
                PushItem {
                    policy_id: i.policy_id,
                    title: p.map(|p| p.title.clone()).unwrap_or_default(),
                    doc_number: p.map(|p| p.doc_number.clone()).unwrap_or_default(),
                    sent: count(sent),
                    read: count(read),
                }
            })
            .collect();
        self.store
            .audit()
            .record(caller, "policy.push.view", "policy_push", Some(id.to_string()), summary.title.clone())
            .await?;
        Ok(PushDetail { summary, items })
    }

    /// The enterprises of a push the caller may see: `read` Some(true) those that opened at
    /// least one of its policies, Some(false) those that opened none.
    pub async fn push_recipients(
        self,
        caller: &Caller,
        id: i64,
        read: Option<bool>,
        page: PageRequest,
    ) -> Result<Page<Recipient>> {
        // Also checks that the caller may see the push at all.
        self.policy_push(caller, id).await?;
        let scoped = self.receipts_in_scope(caller).await?;
        let mut q = policy_receipt::Entity::find()
            .select_only()
            .column(policy_receipt::Column::UnitId)
            .expr(Expr::cust("COUNT(*)"))
            .expr(Expr::cust("COUNT(read_at)"))
            .expr(Expr::cust("MAX(read_at)"))
            .filter(policy_receipt::Column::PushId.eq(id))
            .filter(scoped)
            .group_by(policy_receipt::Column::UnitId);
        match read {
            Some(true) => q = q.having(Expr::cust("COUNT(read_at) > 0")),
            Some(false) => q = q.having(Expr::cust("COUNT(read_at) = 0")),
            None => {}
        }
        let mut rows: Vec<(i64, i64, i64, Option<DateTime<Utc>>)> = q.into_tuple().all(self.store.db()).await?;
        let total = rows.len() as u64;
        let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
        let names = self.store.unit_names_and_towns(ids).await?;
        rows.sort_by(|a, b| {
            let na = names.get(&a.0).map(|n| n.0.as_str()).unwrap_or("");
            let nb = names.get(&b.0).map(|n| n.0.as_str()).unwrap_or("");
            na.cmp(nb).then(a.0.cmp(&b.0))
        });
        let items = rows
            .into_iter()
            .skip(usize::try_from(page.offset()).unwrap_or(usize::MAX))
            .take(usize::try_from(page.per_page).unwrap_or(usize::MAX))
            .map(|(unit_id, received, read, last)| {
                let (name, town) = names.get(&unit_id).cloned().unwrap_or_default();
                Recipient {
                    unit_id: UnitId(unit_id),
                    name,
                    town_name: town_name(&town),
                    received: count(received),
                    read: count(read),
                    last_read_at: last,
                }
            })
            .collect();
        Ok(Page { items, total, page: page.page, per_page: page.per_page })
    }
}
