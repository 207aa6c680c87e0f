//! Creating a work group with its temporary branch, ending it (撤销) and extending it (延期).
//! Each change is audited; the branch itself is created and dissolved by the registry, which
//! writes its history (成立, 撤销) and its own audit line — inside the work group's own
//! transaction (`Registry::create_org_on`, `Registry::dissolve_org_on`), so the branch and
//! the work group are written or undone together.

use qunlian_domain::auth::{Action, Caller, OrgId, Scope, UnitId};
use qunlian_domain::registry::{OrgForm, OrgKind};
use qunlian_domain::workgroups::{EndFields, ExtendFields, MemberChange, WorkgroupFields};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, TransactionTrait,
};

use super::Workgroups;
use crate::audit::Change;
use crate::entity::{cluster, member, party_org, workgroup, workgroup_member, workgroup_unit};
use crate::registry::NewOrg;
use crate::{Result, StoreError};

impl Workgroups<'_> {
    /// Everything the caller names must be its to name, checked before anything is written.
    async fn check(self, caller: &Caller, f: &WorkgroupFields) -> Result<()> {
        let s = self.store;
        let db = s.db();
        if let Scope::Region(r) = &caller.scope
            && !(f.town == *r || f.town.is_within(r))
        {
            return Err(StoreError::invalid("所属街镇", format!("{}不在您的管辖范围内", f.town.name())));
        }
        if f.started_on > s.today() {
            return Err(StoreError::invalid("开始日期", "临时党支部自开始之日成立，开始日期不能晚于今天"));
        }
        if let Some(c) = f.cluster {
            let cond = s.cluster_scope(caller).await?.add(cluster::Column::Id.eq(c));
            if cluster::Entity::find().filter(cond).count(db).await? == 0 {
                return Err(StoreError::invalid("所属集群", "不存在，或不在您的权限范围内"));
            }
        }
        for u in &f.units {
            s.unit_in_scope(caller, UnitId(*u)).await.map_err(|e| match e {
                StoreError::NotFound => {
                    StoreError::invalid("工作组成员单位", format!("单位 {u} 不存在，或不在您的权限范围内"))
                }
                e => e,
            })?;
        }
        let orgs = s.org_scope(caller).await?;
        let parent = party_org::Entity::find()
            .filter(orgs.clone())
            .filter(party_org::Column::Id.eq(f.parent_org))
            .one(db)
            .await?
            .ok_or_else(|| StoreError::invalid("上级党组织", "不存在，或不在您的权限范围内"))?;
        if parent.dissolved_on.is_some() {
            return Err(StoreError::invalid("上级党组织", format!("“{}”已撤销", parent.name)));
        }
        let in_orgs = sea_orm::sea_query::Query::select()
            .column(party_org::Column::Id)
            .from(party_org::Entity)
            .cond_where(orgs)
            .to_owned();
        let found = member::Entity::find()
            .filter(member::Column::Id.is_in(f.members.clone()))
            .filter(member::Column::PartyOrgId.in_subquery(in_orgs))
            .count(db)
            .await?;
        if found != f.members.len() as u64 {
            return Err(StoreError::invalid("临时参加党员", "有党员不存在，或不在您的权限范围内"));
        }
        Ok(())
    }

    /// Creates a work group and its temporary branch under the parent organisation, the
    /// branch covering the work group's units from the start day; the members take part
    /// without their relation moving. Audited.
    pub async fn create(self, caller: &Caller, f: WorkgroupFields, demo: bool) -> Result<i64> {
        self.store.require(caller, Action::RestructureRegistry)?;
        self.check(caller, &f).await?;
        let s = self.store;
        let new = NewOrg {
            name: f.branch_name.clone(),
            kind: OrgKind::Branch,
            form: OrgForm::Temporary,
            parent: Some(OrgId(f.parent_org)),
            units: f.units.iter().map(|u| UnitId(*u)).collect(),
            town_code: Some(f.town.to_string()),
            secretary_name: f.secretary.clone(),
            members_count: None,
            established_on: f.started_on,
            is_demo: demo,
        };
        s.registry().check_new_org(caller, &new).await?;
        let now = s.now();
        // One transaction: the branch (with its history and audit line) and the work group
        // are kept or undone together.
        let txn = s.db().begin().await?;
        let branch = s.registry().create_org_on(&txn, caller, &new).await?;
        let saved = workgroup::ActiveModel {
            name: Set(f.name.clone()),
            kind: Set(f.kind),
            town_code: Set(f.town.to_string()),
            cluster_id: Set(f.cluster),
            lead_unit_id: Set(f.lead_unit),
            parent_org_id: Set(f.parent_org),
            branch_org_id: Set(branch.0),
            started_on: Set(f.started_on),
            planned_end_on: Set(f.planned_end_on),
            ended_on: Set(None),
            end_reason: Set(None),
            description: Set(f.description.clone()),
            created_by: Set(caller.username.clone()),
            is_demo: Set(demo),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let units = f.units.iter().map(|u| workgroup_unit::ActiveModel {
            workgroup_id: Set(saved.id),
            unit_id: Set(*u),
            ..Default::default()
        });
        workgroup_unit::Entity::insert_many(units).exec_without_returning(&txn).await?;
        let members = f.members.iter().map(|m| workgroup_member::ActiveModel {
            workgroup_id: Set(saved.id),
            member_id: Set(*m),
            since: Set(f.started_on),
            until: Set(None),
            ..Default::default()
        });
        workgroup_member::Entity::insert_many(members).exec_without_returning(&txn).await?;
        let what = format!(
            "{}（{}，{}）：{} 个单位，临时党支部“{}”（{} 名党员临时参加），{} 至 {}",
            f.name,
            f.kind.label(),
            f.town.name(),
            f.units.len(),
            f.branch_name,
            f.members.len(),
            f.started_on,
            f.planned_end_on
        );
        s.audit().record_on(&txn, caller, "workgroup.create", "workgroup", Some(saved.id.to_string()), what).await?;
        txn.commit().await?;
        Ok(saved.id)
    }

    /// Ends a work group on a day (not before its start, not after today): the temporary
    /// branch is dissolved that day, so it stops counting in coverage and the figures, and
    /// the members' taking part ends. Audited.
    pub async fn end(self, caller: &Caller, id: i64, f: EndFields) -> Result<()> {
        let r = self.kept(caller, id).await?;
        if r.ended_on.is_some() {
            return Err(StoreError::invalid("撤销日期", "该项目工作组已结束"));
        }
        if f.ended_on < r.started_on {
            return Err(StoreError::invalid("撤销日期", format!("不能早于开始日期 {}", r.started_on)));
        }
        if f.ended_on > self.store.today() {
            return Err(StoreError::invalid("撤销日期", "不能晚于今天；到期后再撤销，或先延期"));
        }
        // A branch dissolved in the registry already keeps its day.
        let standing = party_org::Entity::find_by_id(r.branch_org_id).one(self.store.db()).await?;
        let registry = self.store.registry();
        let branch = match standing {
            Some(b) if b.dissolved_on.is_none() => Some(registry.check_dissolve(caller, OrgId(b.id), &f.reason).await?),
            _ => None,
        };
        // One transaction: the branch's dissolution and the work group's end together.
        let txn = self.store.db().begin().await?;
        if let Some(b) = branch {
            registry.dissolve_org_on(&txn, caller, b, f.ended_on, &f.reason).await?;
        }
        workgroup_member::Entity::update_many()
            .col_expr(workgroup_member::Column::Until, Expr::value(f.ended_on))
            .filter(workgroup_member::Column::WorkgroupId.eq(id))
            .filter(workgroup_member::Column::Until.is_null())
            .exec(&txn)
            .await?;
        let what =
            format!("{}：{} 撤销临时党支部（原计划 {}），原因：{}", r.name, f.ended_on, r.planned_end_on, f.reason);
        let mut m = r.into_active_model();
        m.ended_on = Set(Some(f.ended_on));
        m.end_reason = Set(Some(f.reason.clone()));
        m.updated_at = Set(self.store.now());
        m.update(&txn).await?;
        self.store.audit().record_on(&txn, caller, "workgroup.end", "workgroup", Some(id.to_string()), what).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Moves the planned end of a work group not ended to a later day, after today. Audited
    /// with before and after.
    pub async fn extend(self, caller: &Caller, id: i64, f: ExtendFields) -> Result<()> {
        let r = self.kept(caller, id).await?;
        if r.ended_on.is_some() {
            return Err(StoreError::invalid("新的计划结束日期", "该项目工作组已结束，不能延期"));
        }
        if f.planned_end_on <= r.planned_end_on || f.planned_end_on <= self.store.today() {
            return Err(StoreError::invalid(
                "新的计划结束日期",
                format!("应晚于原计划结束日期 {} 和今天", r.planned_end_on),
            ));
        }
        let what = format!(
            "{}：计划结束日期 修改前 {}；修改后 {}，原因：{}",
            r.name, r.planned_end_on, f.planned_end_on, f.reason
        );
        let mut m = r.into_active_model();
        m.planned_end_on = Set(f.planned_end_on);
        self.store.update_recorded(caller, m, "workgroup.extend", ("workgroup", id), what).await?;
        Ok(())
    }

    /// A member of the caller's scope joins the temporary branch of a work group not ended,
    /// from a day (not before the start, not after today); not one already in the group.
    /// Audited.
    pub async fn add_member(self, caller: &Caller, id: i64, f: MemberChange) -> Result<()> {
        let r = self.kept(caller, id).await?;
        let s = self.store;
        let db = s.db();
        if r.ended_on.is_some() {
            return Err(StoreError::invalid("党员", "该项目工作组已结束"));
        }
        if f.on < r.started_on || f.on > s.today() {
            return Err(StoreError::invalid("加入日期", format!("应在开始日期 {} 与今天之间", r.started_on)));
        }
        let in_orgs = sea_orm::sea_query::Query::select()
            .column(party_org::Column::Id)
            .from(party_org::Entity)
            .cond_where(s.org_scope(caller).await?)
            .to_owned();
        let m = member::Entity::find()
            .filter(member::Column::Id.eq(f.member))
            .filter(member::Column::PartyOrgId.in_subquery(in_orgs))
            .one(db)
            .await?
            .ok_or_else(|| StoreError::invalid("党员", "不存在，或不在您的权限范围内"))?;
        let already = workgroup_member::Entity::find()
            .filter(workgroup_member::Column::WorkgroupId.eq(id))
            .filter(workgroup_member::Column::MemberId.eq(f.member))
            .count(db)
            .await?;
        if already > 0 {
            return Err(StoreError::invalid("党员", "已在该项目工作组中"));
        }
        let what = format!("{}：{} 自 {} 临时参加", r.name, crate::shared::mask_name(&m.name), f.on);
        let row = workgroup_member::ActiveModel {
            workgroup_id: Set(id),
            member_id: Set(f.member),
            since: Set(f.on),
            until: Set(None),
            ..Default::default()
        };
        s.insert_recorded(caller, row, |_| Change::new("workgroup.member_add", "workgroup", id, what)).await?;
        Ok(())
    }

    /// A member taking part leaves the temporary branch on a day (not before it joined, not
    /// after today). Audited.
    pub async fn member_leaves(self, caller: &Caller, id: i64, f: MemberChange) -> Result<()> {
        let r = self.kept(caller, id).await?;
        let s = self.store;
        let db = s.db();
        if r.ended_on.is_some() {
            return Err(StoreError::invalid("党员", "该项目工作组已结束"));
        }
        let t = workgroup_member::Entity::find()
            .filter(workgroup_member::Column::WorkgroupId.eq(id))
            .filter(workgroup_member::Column::MemberId.eq(f.member))
            .one(db)
            .await?
            .ok_or_else(|| StoreError::invalid("党员", "不在该项目工作组中"))?;
        if t.until.is_some() {
            return Err(StoreError::invalid("党员", "已退出"));
        }
        if f.on < t.since || f.on > s.today() {
            return Err(StoreError::invalid("退出日期", format!("应在加入日期 {} 与今天之间", t.since)));
        }
        let name = member::Entity::find_by_id(f.member).one(db).await?.map(|m| m.name).unwrap_or_default();
        let what = format!("{}：{} 于 {} 退出", r.name, crate::shared::mask_name(&name), f.on);
        let mut a = t.into_active_model();
        a.until = Set(Some(f.on));
        s.update_recorded(caller, a, "workgroup.member_leave", ("workgroup", id), what).await?;
        Ok(())
    }
}
