//! Transfers of a member's relation (组织关系转接): the sending organisation issues one for a
//! member it holds, to any organisation of the district (across towns); the receiving side
//! accepts it (the member's organisation changes, and with it the derived counts, by the
//! triggers of step 20) or returns it with a reason. Scope is checked at both ends: only a
//! caller whose scope holds the member may issue, only one whose scope holds the receiving
//! organisation may accept or return.

use chrono::NaiveDate;
use qunlian_domain::auth::{Action, Caller};
use qunlian_domain::people::TransferState;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use super::People;
use crate::audit::Change;
use crate::entity::{development_person, member, member_transfer, party_org};
use crate::{Result, StoreError};

/// At most this many transfers in one list, the pending first.
pub const TRANSFER_ROWS: u64 = 500;

#[derive(Clone, Debug, Serialize)]
pub struct Transfer {
    pub id: i64,
    pub member_id: i64,
    pub member_name: String,
    pub from_org_id: i64,
    pub from_org: String,
    pub to_org_id: i64,
    pub to_org: String,
    pub state: TransferState,
    pub issued_on: NaiveDate,
    pub issued_by: String,
    pub note: String,
    pub reason: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub decided_by: Option<String>,
    pub is_demo: bool,
}

/// Which end of a transfer a list is read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransferSide {
    /// Sent by an organisation of the caller's scope.
    Outgoing,
    /// Sent to an organisation of the caller's scope.
    Incoming,
}

impl People<'_> {
    /// The organisations a member may be sent to: every one not dissolved.
    pub async fn transfer_targets(&self, caller: &Caller) -> Result<Vec<(i64, String)>> {
        self.store.require(caller, Action::WriteMembers)?;
        self.store.orgs_by_name(party_org::Column::DissolvedOn.is_null()).await
    }

    async fn transfers_of(&self, rows: Vec<member_transfer::Model>) -> Result<Vec<Transfer>> {
        let orgs = self.store.org_names(rows.iter().flat_map(|r| [r.from_org_id, r.to_org_id]).collect()).await?;
        let names = self
            .store
            .column_by_id::<member::Entity, String>(
                member::Column::Id,
                member::Column::Name,
                rows.iter().map(|r| r.member_id).collect(),
            )
            .await?;
        let org = |id: i64| orgs.get(&id).cloned().unwrap_or_default();
        Ok(rows
            .into_iter()
            .map(|t| Transfer {
                id: t.id,
                member_id: t.member_id,
                member_name: names.get(&t.member_id).cloned().unwrap_or_default(),
                from_org: org(t.from_org_id),
                from_org_id: t.from_org_id,
                to_org: org(t.to_org_id),
                to_org_id: t.to_org_id,
                state: t.state,
                issued_on: t.issued_on,
                issued_by: t.issued_by,
                note: t.note,
                reason: t.reason,
                decided_on: t.decided_on,
                decided_by: t.decided_by,
                is_demo: t.is_demo,
            })
            .collect())
    }

    /// The transfers of one side of the caller's scope, the pending first, then the newest.
    pub async fn transfers(&self, caller: &Caller, side: TransferSide) -> Result<Vec<Transfer>> {
        self.store.require(caller, Action::ReadMembers)?;
        let column = match side {
            TransferSide::Outgoing => member_transfer::Column::FromOrgId,
            TransferSide::Incoming => member_transfer::Column::ToOrgId,
        };
        let rows = member_transfer::Entity::find()
            .filter(column.in_subquery(self.orgs_in_scope(caller).await?))
            .order_by_desc(Expr::cust("CASE WHEN state = 'issued' THEN 1 ELSE 0 END"))
            .order_by_desc(member_transfer::Column::IssuedOn)
            .order_by_desc(member_transfer::Column::Id)
            .limit(TRANSFER_ROWS)
            .all(self.store.db())
            .await?;
        self.transfers_of(rows).await
    }

    /// The pending transfer of a member in the caller's scope, if any.
    pub async fn pending_transfer(&self, caller: &Caller, member_id: i64) -> Result<Option<Transfer>> {
        self.member_in_scope(caller, member_id).await?;
        let rows = member_transfer::Entity::find()
            .filter(member_transfer::Column::MemberId.eq(member_id))
            .filter(member_transfer::Column::State.eq(TransferState::Issued.code()))
            .all(self.store.db())
            .await?;
        Ok(self.transfers_of(rows).await?.pop())
    }

    /// The sending side issues a transfer of a member it holds to another organisation;
    /// audited. One pending transfer per member.
    pub async fn issue_transfer(
        &self,
        caller: &Caller,
        member_id: i64,
        to_org: i64,
        note: &str,
        is_demo: bool,
    ) -> Result<i64> {
        self.store.require(caller, Action::WriteMembers)?;
        let m = self.member_in_scope(caller, member_id).await?;
        qunlian_domain::limits::check("备注", note, qunlian_domain::limits::NOTE_CHARS)
            .map_err(|e| StoreError::invalid("备注", e.trim_start_matches("备注：").to_owned()))?;
        let Some(to) = party_org::Entity::find_by_id(to_org).one(self.store.db()).await? else {
            return Err(StoreError::invalid("接收党组织", "不存在，请从列表中选择"));
        };
        if to.dissolved_on.is_some() {
            return Err(StoreError::invalid("接收党组织", format!("“{}”已撤销", to.name)));
        }
        if to.id == m.party_org_id {
            return Err(StoreError::invalid("接收党组织", "与党员现在的党组织相同"));
        }
        if self.pending_transfer(caller, member_id).await?.is_some() {
            return Err(StoreError::invalid(
                "转接",
                format!("党员“{}”已有一件待接收的转接，请等待对方接收或退回", m.name),
            ));
        }
        let now = self.store.now();
        let from = self.store.org_names(vec![m.party_org_id]).await?;
        let row = member_transfer::ActiveModel {
            member_id: Set(m.id),
            from_org_id: Set(m.party_org_id),
            to_org_id: Set(to.id),
            state: Set(TransferState::Issued),
            issued_on: Set(self.store.today()),
            issued_by: Set(caller.username.clone()),
            note: Set(note.trim().to_owned()),
            reason: Set(None),
            decided_on: Set(None),
            decided_by: Set(None),
            is_demo: Set(is_demo),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        let saved = self
            .store
            .insert_recorded(caller, row, |t| {
                crate::audit::Change::new(
                    "transfer.issue",
                    "member_transfer",
                    t.id,
                    format!(
                        "党员“{}”的组织关系由{}转往{}",
                        m.name,
                        from.get(&m.party_org_id).cloned().unwrap_or_default(),
                        to.name
                    ),
                )
            })
            .await?;
        Ok(saved.id)
    }

    /// A pending transfer to an organisation of the caller's scope.
    async fn incoming_transfer(&self, caller: &Caller, id: i64) -> Result<member_transfer::Model> {
        self.store.require(caller, Action::WriteMembers)?;
        let cond = Condition::all()
            .add(member_transfer::Column::Id.eq(id))
            .add(member_transfer::Column::ToOrgId.in_subquery(self.orgs_in_scope(caller).await?));
        member_transfer::Entity::find().filter(cond).one(self.store.db()).await?.ok_or(StoreError::NotFound)
    }

    /// The receiving side decides a pending transfer: accepted, the member's relation moves
    /// (and a person of the pipeline linked to the member with it); returned, the reason is
    /// kept. Decided once: a second decision is refused. Audited.
    pub async fn decide_transfer(
        &self,
        caller: &Caller,
        id: i64,
        to: TransferState,
        reason: Option<&str>,
    ) -> Result<()> {
        let t = self.incoming_transfer(caller, id).await?;
        t.state
            .check(to)
            .map_err(|e| StoreError::invalid("转接状态", e.trim_start_matches("转接状态：").to_owned()))?;
        let reason = match to {
            TransferState::Returned => Some(
                qunlian_domain::people::return_reason(reason.unwrap_or(""))
                    .map_err(|e| StoreError::invalid("退回原因", e.trim_start_matches("退回原因：").to_owned()))?,
            ),
            _ => None,
        };
        let Some(m) = member::Entity::find_by_id(t.member_id).one(self.store.db()).await? else {
            return Err(StoreError::NotFound);
        };
        if to == TransferState::Accepted && m.party_org_id != t.from_org_id {
            return Err(StoreError::invalid("转接", format!("党员“{}”已不在转出的党组织，请退回", m.name)));
        }
        let now = self.store.now();
        let orgs = self.store.org_names(vec![t.from_org_id, t.to_org_id]).await?;
        let (from, dest) = (
            orgs.get(&t.from_org_id).cloned().unwrap_or_default(),
            orgs.get(&t.to_org_id).cloned().unwrap_or_default(),
        );
        let (action, detail) = match &reason {
            None => ("transfer.accept", format!("{dest}接收党员“{}”的组织关系（自{from}转入）", m.name)),
            Some(r) => {
                ("transfer.return", format!("{dest}退回党员“{}”的组织关系转接（{from}发出），原因：{r}", m.name))
            }
        };
        self.store
            .recorded(
                caller,
                async |txn| {
                    let changed = member_transfer::Entity::update_many()
                        .col_expr(member_transfer::Column::State, Expr::value(to.code()))
                        .col_expr(member_transfer::Column::Reason, Expr::value(reason.clone()))
                        .col_expr(member_transfer::Column::DecidedOn, Expr::value(self.store.today()))
                        .col_expr(member_transfer::Column::DecidedBy, Expr::value(caller.username.clone()))
                        .col_expr(member_transfer::Column::UpdatedAt, Expr::value(now))
                        .filter(member_transfer::Column::Id.eq(id))
                        .filter(member_transfer::Column::State.eq(TransferState::Issued.code()))
                        .exec(txn)
                        .await?;
                    if changed.rows_affected != 1 {
                        return Err(StoreError::invalid("转接状态", "该转接已由他人处理，请刷新"));
                    }
                    if to == TransferState::Accepted {
                        member::Entity::update_many()
                            .col_expr(member::Column::PartyOrgId, Expr::value(t.to_org_id))
                            .col_expr(member::Column::UpdatedAt, Expr::value(now))
                            .filter(member::Column::Id.eq(m.id))
                            .exec(txn)
                            .await?;
                        development_person::Entity::update_many()
                            .col_expr(development_person::Column::PartyOrgId, Expr::value(t.to_org_id))
                            .col_expr(development_person::Column::UpdatedAt, Expr::value(now))
                            .filter(development_person::Column::MemberId.eq(m.id))
                            .exec(txn)
                            .await?;
                    }
                    Ok(())
                },
                |_| Change::new(action, "member_transfer", id, detail),
            )
            .await
    }
}
