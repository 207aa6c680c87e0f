//! Changes an enterprise contact proposes (issue #11, point 10) and a town or district admin
//! confirms: renaming, dissolving or merging a Party organisation that covers the contact's
//! enterprise, and the enterprise's 高新 / 专精特新 flags. The contact proposes only for its
//! own enterprise and the organisations covering it; an admin sees and decides only the
//! proposals whose organisation (a joint one shared with other towns' firms included) or
//! enterprise is inside its scope. A confirmation makes the change through the admin's own
//! edit ([`Registry::rename_org`], `dissolve_org`, `merge_org`, `update_unit`), with the same
//! rules and the same audit lines, under the admin's name.

use chrono::{DateTime, NaiveDate, Utc};
use qunlian_domain::auth::{Action, Caller, OrgId, Scope, UnitId};
use qunlian_domain::registry::{
    EnterpriseInput, ProposalDecision, ProposalFields, ProposalKind, ProposalState, ProposedChange, REASON_CHARS,
};
use qunlian_domain::{IndustryCode, RegionCode, Uscc};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait};
use serde::Serialize;

use super::*;
use crate::audit::Change;
use crate::entity::{park, party_org, registry_proposal as rp, unit};
use crate::{Result, StoreError};

/// A proposal as the contact's list and the admin's queue show it.
#[derive(Clone, Debug, Serialize)]
pub struct Proposal {
    pub id: i64,
    pub kind: ProposalKind,
    pub state: ProposalState,
    pub unit_id: i64,
    pub unit_name: String,
    pub org_id: Option<i64>,
    /// The change in words, with the names of the day it was proposed.
    pub summary: String,
    pub reason: String,
    pub on_date: Option<NaiveDate>,
    pub proposer: String,
    pub created_at: DateTime<Utc>,
    pub decider: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub return_reason: Option<String>,
}

fn yes_no(b: bool) -> &'static str {
    if b { "是" } else { "否" }
}

impl Registry<'_> {
    /// The enterprise a contact proposes for: its scope's.
    fn proposer_unit(caller: &Caller) -> Result<UnitId> {
        match caller.scope {
            Scope::Enterprise(unit) => Ok(unit),
            _ => Err(StoreError::Forbidden),
        }
    }

    /// An organisation the contact's enterprise is covered by, still active, for a proposal.
    async fn proposable_org(self, caller: &Caller, field: &'static str, id: i64) -> Result<party_org::Model> {
        let m = match self.org_in_scope(caller, OrgId(id)).await {
            Ok(m) => m,
            Err(StoreError::NotFound) => {
                return Err(StoreError::invalid(field, "不存在，或不是覆盖本企业的党组织"));
            }
            Err(e) => return Err(e),
        };
        if m.dissolved_on.is_some() {
            return Err(StoreError::invalid(field, format!("“{}”已撤销", m.name)));
        }
        Ok(m)
    }

    /// Records a contact's proposal (待确认) and audits it; nothing in the registry changes.
    pub async fn propose(self, caller: &Caller, fields: ProposalFields) -> Result<i64> {
        self.store.require(caller, Action::ProposeRegistryChanges)?;
        let unit_id = Self::proposer_unit(caller)?;
        let firm = self.store.unit_in_scope(caller, unit_id).await?;
        let kind = fields.change.kind();
        let mut row = rp::ActiveModel {
            kind: Set(kind),
            state: Set(ProposalState::Pending),
            unit_id: Set(firm.id),
            org_id: Set(None),
            into_org_id: Set(None),
            new_name: Set(None),
            high_tech: Set(None),
            srdi_level: Set(None),
            on_date: Set(fields.on),
            reason: Set(fields.reason.clone()),
            proposed_by: Set(caller.user_id.0),
            proposer: Set(caller.username.clone()),
            created_at: Set(self.store.now()),
            decided_by: Set(None),
            decider: Set(None),
            decided_at: Set(None),
            return_reason: Set(None),
            ..Default::default()
        };
        let summary = match &fields.change {
            ProposedChange::RenameOrg { org, new_name } => {
                let m = self.proposable_org(caller, "党组织", *org).await?;
                if m.name == *new_name {
                    return Err(StoreError::invalid("新名称", "与现名称相同"));
                }
                row.new_name = Set(Some(new_name.clone()));
                format!("党组织“{}”更名为“{new_name}”", m.name)
            }
            ProposedChange::DissolveOrg { org } => {
                let m = self.proposable_org(caller, "党组织", *org).await?;
                format!("撤销党组织“{}”", m.name)
            }
            ProposedChange::MergeOrg { org, into } => {
                let m = self.proposable_org(caller, "党组织", *org).await?;
                let dst = self.proposable_org(caller, "并入组织", *into).await?;
                row.into_org_id = Set(Some(dst.id));
                format!("党组织“{}”并入“{}”", m.name, dst.name)
            }
            ProposedChange::FirmFlags { high_tech, srdi } => {
                let mut parts = Vec::new();
                if firm.high_tech != *high_tech {
                    parts.push(format!("高新技术企业：{}→{}", yes_no(firm.high_tech), yes_no(*high_tech)));
                }
                if firm.srdi != *srdi {
                    parts.push(format!("专精特新：{}→{}", firm.srdi.label(), srdi.label()));
                }
                if parts.is_empty() {
                    return Err(StoreError::invalid("高新技术企业", "与企业现有资质相同，无需变更"));
                }
                row.high_tech = Set(Some(*high_tech));
                row.srdi_level = Set(Some(*srdi));
                format!("“{}”{}", firm.name, parts.join("；"))
            }
        };
        let org = fields.change.org();
        row.org_id = Set(org);
        let mut same = rp::Entity::find()
            .filter(rp::Column::State.eq(ProposalState::Pending))
            .filter(rp::Column::Kind.eq(kind))
            .filter(rp::Column::UnitId.eq(firm.id));
        if let Some(org) = org {
            same = same.filter(rp::Column::OrgId.eq(org));
        }
        if same.count(self.store.db()).await? > 0 {
            return Err(StoreError::invalid(
                "变更类型",
                format!("已有一条待确认的“{}”，请等待管理员处理", kind.label()),
            ));
        }
        row.summary = Set(summary);
        let reason = fields.reason;
        let saved = self
            .store
            .insert_recorded(caller, row, |m| {
                Change::new(
                    "registry.proposal.create",
                    "registry_proposal",
                    m.id,
                    format!("提出变更：{}；理由：{reason}", m.summary),
                )
            })
            .await?;
        Ok(saved.id)
    }

    /// The proposals the caller may see: a contact its enterprise's; an admin those whose
    /// organisation or enterprise is in its scope.
    async fn proposal_scope(self, caller: &Caller) -> Result<Condition> {
        if caller.may(Action::ProposeRegistryChanges) {
            return Ok(Condition::all().add(rp::Column::UnitId.eq(Self::proposer_unit(caller)?.0)));
        }
        self.store.require(caller, Action::ConfirmRegistryChanges)?;
        let orgs = party_org::Entity::find()
            .select_only()
            .column(party_org::Column::Id)
            .filter(self.store.org_scope(caller).await?)
            .into_query();
        let units = Query::select()
            .column(unit::Column::Id)
            .from(unit::Entity)
            .cond_where(self.store.unit_scope(caller).await?)
            .to_owned();
        Ok(Condition::any()
            .add(Condition::all().add(rp::Column::OrgId.is_not_null()).add(rp::Column::OrgId.in_subquery(orgs)))
            .add(Condition::all().add(rp::Column::OrgId.is_null()).add(rp::Column::UnitId.in_subquery(units))))
    }

    /// Proposals in the caller's view, newest first; `pending` keeps only those 待确认.
    pub async fn proposals(self, caller: &Caller, pending: bool) -> Result<Vec<Proposal>> {
        let mut cond = Condition::all().add(self.proposal_scope(caller).await?);
        if pending {
            cond = cond.add(rp::Column::State.eq(ProposalState::Pending));
        }
        let rows =
            rp::Entity::find().filter(cond).order_by_desc(rp::Column::Id).limit(500).all(self.store.db()).await?;
        let names = self.store.unit_names(rows.iter().map(|r| r.unit_id).collect()).await?;
        Ok(rows
            .into_iter()
            .map(|m| Proposal {
                unit_name: names.get(&m.unit_id).cloned().unwrap_or_default(),
                id: m.id,
                kind: m.kind,
                state: m.state,
                unit_id: m.unit_id,
                org_id: m.org_id,
                summary: m.summary,
                reason: m.reason,
                on_date: m.on_date,
                proposer: m.proposer,
                created_at: m.created_at,
                decider: m.decider,
                decided_at: m.decided_at,
                return_reason: m.return_reason,
            })
            .collect())
    }

    /// How many proposals wait for the caller's decision (the workbench's figure); 0 for
    /// those who do not decide.
    pub async fn pending_proposals(self, caller: &Caller) -> Result<u64> {
        if !caller.may(Action::ConfirmRegistryChanges) {
            return Ok(0);
        }
        let cond =
            Condition::all().add(self.proposal_scope(caller).await?).add(rp::Column::State.eq(ProposalState::Pending));
        Ok(rp::Entity::find().filter(cond).count(self.store.db()).await?)
    }

    /// Confirms (the change is made) or returns (with a reason) a proposal in the caller's
    /// scope. A proposal is decided once, and all at once: the claim of the decision (a
    /// conditional update from 待确认), the change itself with its own audit lines, and the
    /// decision's audit line are one transaction ([`Store::atomically`]). A second
    /// confirmation, even a simultaneous one, waits for the first and then finds the proposal
    /// decided; when the change is refused (the organisation was dissolved meanwhile …) or any
    /// write fails, nothing of it stays and the proposal is still 待确认.
    pub async fn decide_proposal(
        self,
        caller: &Caller,
        id: i64,
        decision: ProposalDecision,
        return_reason: &str,
    ) -> Result<()> {
        self.store.require(caller, Action::ConfirmRegistryChanges)?;
        let cond = Condition::all().add(self.proposal_scope(caller).await?).add(rp::Column::Id.eq(id));
        let m = rp::Entity::find().filter(cond).one(self.store.db()).await?.ok_or(StoreError::NotFound)?;
        let to = m.state.next(decision).map_err(|e| StoreError::invalid("状态", e.trim_start_matches("状态：")))?;
        let return_reason = match decision {
            ProposalDecision::Confirm => None,
            ProposalDecision::Return => {
                let r = return_reason.trim();
                if r.is_empty() {
                    return Err(StoreError::invalid("退回理由", "请填写"));
                }
                qunlian_domain::limits::check("退回理由", r, REASON_CHARS)
                    .map_err(|e| StoreError::invalid("退回理由", e.trim_start_matches("退回理由：")))?;
                Some(r.to_owned())
            }
        };
        self.store
            .atomically(|store| async move { store.registry().settle_proposal(caller, &m, to, return_reason).await })
            .await
    }

    /// The decision's writes, inside the transaction of [`Registry::decide_proposal`]: the
    /// claim first, so a concurrent decision waits on it.
    async fn settle_proposal(
        self,
        caller: &Caller,
        m: &rp::Model,
        to: ProposalState,
        return_reason: Option<String>,
    ) -> Result<()> {
        let claimed = rp::Entity::update_many()
            .col_expr(rp::Column::State, Expr::value(to))
            .col_expr(rp::Column::DecidedBy, Expr::value((caller.user_id.0 != 0).then_some(caller.user_id.0)))
            .col_expr(rp::Column::Decider, Expr::value(Some(caller.username.clone())))
            .col_expr(rp::Column::DecidedAt, Expr::value(Some(self.store.now())))
            .col_expr(rp::Column::ReturnReason, Expr::value(return_reason.clone()))
            .filter(rp::Column::Id.eq(m.id))
            .filter(rp::Column::State.eq(ProposalState::Pending))
            .exec(self.store.db())
            .await?;
        if claimed.rows_affected != 1 {
            return Err(StoreError::invalid("状态", "该变更已由他人处理，请刷新"));
        }
        if to == ProposalState::Confirmed {
            self.apply_proposal(caller, m).await?;
        }
        let (action, detail) = match return_reason {
            None => ("registry.proposal.confirm", format!("确认{}提出的变更：{}", m.proposer, m.summary)),
            Some(r) => {
                ("registry.proposal.return", format!("退回{}提出的变更：{}；退回理由：{r}", m.proposer, m.summary))
            }
        };
        self.store.audit().record(caller, action, "registry_proposal", Some(m.id.to_string()), detail).await
    }

    /// Makes a confirmed change through the admin's own edit, as the admin.
    async fn apply_proposal(self, caller: &Caller, m: &rp::Model) -> Result<()> {
        let on = m.on_date.unwrap_or_else(|| self.store.today());
        let org = || m.org_id.map(OrgId).ok_or(StoreError::NotFound);
        match m.kind {
            ProposalKind::RenameOrg => {
                self.rename_org(caller, org()?, m.new_name.as_deref().unwrap_or(""), on).await?;
            }
            ProposalKind::DissolveOrg => {
                let reason = format!("{}提出：{}", m.proposer, m.reason);
                self.dissolve_org(caller, org()?, on, &reason).await?;
            }
            ProposalKind::MergeOrg => {
                let into = m.into_org_id.map(OrgId).ok_or(StoreError::NotFound)?;
                self.merge_org(caller, org()?, into, on).await?;
            }
            ProposalKind::FirmFlags => {
                let current = self.store.unit_in_scope(caller, UnitId(m.unit_id)).await?;
                let mut input = self.unit_as_input(&current).await?;
                input.high_tech = m.high_tech.unwrap_or(current.high_tech);
                input.srdi = m.srdi_level.unwrap_or(current.srdi);
                self.update_unit(caller, UnitId(m.unit_id), input, None).await?;
            }
        }
        Ok(())
    }

    /// A stored unit as the edit form would send it back unchanged (the phone left empty,
    /// which keeps the stored one).
    async fn unit_as_input(self, m: &unit::Model) -> Result<EnterpriseInput> {
        let stored = |field: &'static str| StoreError::invalid(field, "登记信息有误，请先由管理员修正企业信息");
        let uscc = m.uscc.as_deref().and_then(|u| Uscc::parse(u).ok()).ok_or_else(|| stored("统一社会信用代码"))?;
        let town = RegionCode::parse(&m.town_code).map_err(|_| stored("所属街镇"))?;
        let park = match m.park_id {
            Some(p) => park::Entity::find_by_id(p).one(self.store.db()).await?.map(|p| p.name),
            None => None,
        };
        Ok(EnterpriseInput {
            park,
            industry: m.industry_code.as_deref().and_then(|c| IndustryCode::parse(c).ok()),
            employees: m.employees.and_then(|e| u32::try_from(e).ok()),
            high_tech: m.high_tech,
            above_scale: m.above_scale,
            srdi: m.srdi,
            listed: m.listed,
            key_project: m.key_project,
            founded_on: m.founded_on,
            address: m.address.clone(),
            contact_name: m.contact_name.clone(),
            contact_phone: None,
            ..EnterpriseInput::new(m.name.clone(), uscc, town)
        })
    }
}
