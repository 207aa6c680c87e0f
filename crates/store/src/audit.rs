//! The append-only audit log: logins, every change, and every read of personal data.
//! Rows are only ever inserted; the database refuses updates and deletes (see migrate).

use chrono::{DateTime, NaiveDate, Utc};
use qunlian_domain::auth::{Action, Caller};
use qunlian_domain::clock::from_beijing;
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ColumnTrait, Condition, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder,
};
use serde::Serialize;

use crate::entity::audit;
use crate::{Page, PageRequest, Result, Store};

/// The audit capability over the shared store: `store.audit()`.
#[derive(Clone, Copy)]
pub struct Audit<'a> {
    store: &'a Store,
}

impl Store {
    pub fn audit(&self) -> Audit<'_> {
        Audit { store: self }
    }
}

/// Who did something: a logged-in caller, or a name typed at the login form.
#[derive(Clone, Debug)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub username: String,
    pub ip: Option<String>,
}

impl Actor {
    /// The platform itself: scheduled snapshots, automatic closures.
    pub fn system() -> Actor {
        Actor { user_id: None, username: "系统".to_owned(), ip: None }
    }
}

impl From<&Caller> for Actor {
    fn from(c: &Caller) -> Actor {
        Actor { user_id: (c.user_id.0 != 0).then_some(c.user_id.0), username: c.username.clone(), ip: c.ip.clone() }
    }
}

/// A change as its line in the audit log says it: what was done, to which row, in words.
pub(crate) struct Change {
    action: &'static str,
    target: &'static str,
    target_id: String,
    detail: String,
}

impl Change {
    pub(crate) fn new(
        action: &'static str,
        target: &'static str,
        id: impl ToString,
        detail: impl Into<String>,
    ) -> Change {
        Change { action, target, target_id: id.to_string(), detail: detail.into() }
    }
}

/// A row the store writes with its audit line: an active model that sea-orm can insert and
/// update, its table's saved model (`Saved`) turning back into it.
pub(crate) trait Recordable: ActiveModelTrait<Entity = Self::Table> + ActiveModelBehavior + Send {
    type Table: EntityTrait<Model = Self::Saved>;
    type Saved: IntoActiveModel<Self>;
}

impl<A> Recordable for A
where
    A: ActiveModelTrait + ActiveModelBehavior + Send,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
{
    type Table = A::Entity;
    type Saved = <A::Entity as EntityTrait>::Model;
}

impl Store {
    /// Runs `work` in one transaction and writes the line `change` gives for what it did in
    /// the same transaction, so that a change and its line are kept or undone together: no
    /// change goes unrecorded, and no line tells of a change that was rolled back.
    pub(crate) async fn recorded<T>(
        &self,
        actor: impl Into<Actor>,
        work: impl AsyncFnOnce(&sea_orm::DatabaseTransaction) -> Result<T>,
        change: impl FnOnce(&T) -> Change,
    ) -> Result<T> {
        self.recorded_if(actor, work, |done| Some(change(done))).await
    }

    /// [`Store::recorded`] for work that may find nothing to do (a request someone else
    /// escalated or rated first): `change` gives no line then, and what the work wrote, if
    /// anything, is kept without one.
    pub(crate) async fn recorded_if<T>(
        &self,
        actor: impl Into<Actor>,
        work: impl AsyncFnOnce(&sea_orm::DatabaseTransaction) -> Result<T>,
        change: impl FnOnce(&T) -> Option<Change>,
    ) -> Result<T> {
        let txn = sea_orm::TransactionTrait::begin(self.db()).await?;
        let done = work(&txn).await?;
        if let Some(Change { action, target, target_id, detail }) = change(&done) {
            self.audit().record_on(&txn, actor, action, target, Some(target_id), detail).await?;
        }
        txn.commit().await?;
        Ok(done)
    }

    /// Saves a row a form created or edited — inserted when its key is not set yet, updated
    /// otherwise — and writes the line `change` gives for the saved row, in one transaction
    /// ([`Store::recorded`]).
    pub(crate) async fn save_recorded<A: Recordable>(
        &self,
        caller: &Caller,
        row: A,
        change: impl FnOnce(&A::Saved) -> Change,
    ) -> Result<A::Saved> {
        let new = row.get_primary_key_value().is_none();
        self.recorded(caller, async |txn| Ok(if new { row.insert(txn).await? } else { row.update(txn).await? }), change)
            .await
    }

    /// Inserts a new row and writes the line `change` gives for the saved row, in one
    /// transaction ([`Store::recorded`]).
    pub(crate) async fn insert_recorded<A: Recordable>(
        &self,
        caller: &Caller,
        row: A,
        change: impl FnOnce(&A::Saved) -> Change,
    ) -> Result<A::Saved> {
        self.recorded(caller, async |txn| Ok(row.insert(txn).await?), change).await
    }

    /// [`Store::insert_recorded`] for a row that starts with what `then` writes after it in
    /// the same transaction: a request's or an introduction's first event, an applicant's
    /// first step.
    pub(crate) async fn insert_recorded_with<A: Recordable>(
        &self,
        caller: &Caller,
        row: A,
        then: impl AsyncFnOnce(&sea_orm::DatabaseTransaction, &A::Saved) -> Result<()>,
        change: impl FnOnce(&A::Saved) -> Change,
    ) -> Result<A::Saved> {
        self.recorded(
            caller,
            async |txn| {
                let saved = row.insert(txn).await?;
                then(txn, &saved).await?;
                Ok(saved)
            },
            change,
        )
        .await
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub username: String,
    pub action: String,
    pub target: String,
    pub target_id: Option<String>,
    pub detail: String,
    pub ip: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// Matches user name, action, target or detail.
    pub q: Option<String>,
    pub action: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl AuditFilter {
    /// What was asked, for the log's own line: “查询审计日志：关键词“张三”，动作 user.grant，
    /// 2026-11-01 至 2026-11-30”, or “查询审计日志：全部”.
    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(q) = self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            parts.push(format!("关键词“{q}”"));
        }
        if let Some(action) = self.action.as_deref().filter(|a| !a.is_empty()) {
            parts.push(format!("动作 {action}"));
        }
        match (self.from, self.to) {
            (None, None) => {}
            (from, to) => parts.push(format!(
                "{} 至 {}",
                from.map(|d| d.to_string()).unwrap_or_else(|| "最早".into()),
                to.map(|d| d.to_string()).unwrap_or_else(|| "今天".into())
            )),
        }
        format!("查询审计日志：{}", if parts.is_empty() { "全部".to_owned() } else { parts.join("，") })
    }
}

impl Audit<'_> {
    pub async fn record(
        self,
        actor: impl Into<Actor>,
        action: &str,
        target: &str,
        target_id: Option<String>,
        detail: impl Into<String>,
    ) -> Result<()> {
        self.record_on(self.store.db(), actor, action, target, target_id, detail).await
    }

    /// [`Audit::record`] on a given connection: inside a transaction, so a change and its
    /// line are kept or undone together (an import's rows).
    pub(crate) async fn record_on(
        self,
        conn: &impl sea_orm::ConnectionTrait,
        actor: impl Into<Actor>,
        action: &str,
        target: &str,
        target_id: Option<String>,
        detail: impl Into<String>,
    ) -> Result<()> {
        let actor = actor.into();
        audit::Entity::insert(audit::ActiveModel {
            at: Set(self.store.now()),
            user_id: Set(actor.user_id),
            username: Set(actor.username),
            action: Set(action.to_owned()),
            target: Set(target.to_owned()),
            target_id: Set(target_id),
            detail: Set(detail.into()),
            ip: Set(actor.ip),
            ..Default::default()
        })
        .exec_without_returning(conn)
        .await?;
        Ok(())
    }

    /// Many lines of one actor, action and target kind on a given connection in one INSERT
    /// (an import's new rows): each `(target id, detail)` as [`Audit::record_on`] writes it.
    pub(crate) async fn record_many_on(
        self,
        conn: &impl sea_orm::ConnectionTrait,
        actor: impl Into<Actor>,
        action: &str,
        target: &str,
        lines: Vec<(Option<String>, String)>,
    ) -> Result<()> {
        if lines.is_empty() {
            return Ok(());
        }
        let actor = actor.into();
        let at = self.store.now();
        let rows = lines.into_iter().map(|(target_id, detail)| audit::ActiveModel {
            at: Set(at),
            user_id: Set(actor.user_id),
            username: Set(actor.username.clone()),
            action: Set(action.to_owned()),
            target: Set(target.to_owned()),
            target_id: Set(target_id),
            detail: Set(detail),
            ip: Set(actor.ip.clone()),
            ..Default::default()
        });
        audit::Entity::insert_many(rows).exec_without_returning(conn).await?;
        Ok(())
    }

    pub async fn search(self, caller: &Caller, filter: &AuditFilter, page: PageRequest) -> Result<Page<AuditEntry>> {
        self.store.require(caller, Action::ReadAudit)?;
        let mut cond = Condition::all();
        if let Some(q) = crate::shared::search_text(filter.q.as_deref())? {
            cond = cond.add(
                Condition::any()
                    .add(audit::Column::Username.contains(q))
                    .add(audit::Column::Action.contains(q))
                    .add(audit::Column::Target.contains(q))
                    .add(audit::Column::Detail.contains(q)),
            );
        }
        if let Some(action) = filter.action.as_deref().filter(|a| !a.is_empty()) {
            cond = cond.add(audit::Column::Action.eq(action));
        }
        // Dates are Beijing dates; the log is in UTC.
        if let Some(from) = filter.from.and_then(|d| d.and_hms_opt(0, 0, 0)) {
            cond = cond.add(audit::Column::At.gte(from_beijing(from).and_utc()));
        }
        if let Some(to) = filter.to.and_then(|d| d.succ_opt()).and_then(|d| d.and_hms_opt(0, 0, 0)) {
            cond = cond.add(audit::Column::At.lt(from_beijing(to).and_utc()));
        }
        let query = audit::Entity::find().filter(cond).order_by_desc(audit::Column::Id);
        let total = query.clone().count(self.store.db()).await?;
        let rows = query.paginate(self.store.db(), page.per_page).fetch_page(page.page - 1).await?;
        self.record(caller, "audit.search", "audit_log", None, filter.describe()).await?;
        Ok(Page {
            items: rows
                .into_iter()
                .map(|r| AuditEntry {
                    id: r.id,
                    at: r.at,
                    username: r.username,
                    action: r.action,
                    target: r.target,
                    target_id: r.target_id,
                    detail: r.detail,
                    ip: r.ip,
                })
                .collect(),
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }
}
