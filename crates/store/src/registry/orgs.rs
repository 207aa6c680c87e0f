//! Party organisations: the tree, one organisation with its history, and its changes.

use chrono::NaiveDate;
use qunlian_domain::auth::{Action, Caller, OrgId, UnitId};
use qunlian_domain::registry::{OrgEventKind, OrgForm, OrgKind};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use serde::Serialize;

use super::town_name;
use super::*;
use crate::audit::Change;
use crate::entity::{party_org, party_org_event, party_org_unit, unit};
use crate::{Result, StoreError};

#[derive(Clone, Debug, Serialize)]
pub struct PartyOrg {
    pub id: OrgId,
    pub name: String,
    pub kind: &'static str,
    pub form: &'static str,
    pub parent_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub town_name: Option<String>,
    pub secretary_name: Option<String>,
    /// Full and probationary members counted from the roster (`people`) once it has a member;
    /// until then the figure typed on the organisation's form.
    pub members_count: Option<i32>,
    /// Whether `members_count` is the typed figure (手填): the organisation has no roster yet.
    pub members_hand_typed: bool,
    pub established_on: Option<NaiveDate>,
    pub dissolved_on: Option<NaiveDate>,
    pub is_demo: bool,
    /// Depth in the tree as the caller sees it (0 = a root of the caller's view).
    pub depth: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct OrgEvent {
    pub kind: OrgEventKind,
    pub kind_label: &'static str,
    pub on_date: NaiveDate,
    pub detail: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct PartyOrgDetail {
    pub org: PartyOrg,
    pub parent: Option<(i64, String)>,
    pub children: Vec<PartyOrg>,
    /// Units the organisation covers (its own unit, or every unit of a joint branch).
    pub units: Vec<(i64, String)>,
    pub events: Vec<OrgEvent>,
}

#[derive(Clone, Debug)]
pub struct NewOrg {
    pub name: String,
    pub kind: OrgKind,
    pub form: OrgForm,
    pub parent: Option<OrgId>,
    pub units: Vec<UnitId>,
    pub town_code: Option<String>,
    pub secretary_name: Option<String>,
    pub members_count: Option<i32>,
    pub established_on: NaiveDate,
    pub is_demo: bool,
}

/// What the organisation's edit form changes. The name changes through a renaming, which
/// the history records with its date.
#[derive(Clone, Debug)]
pub struct OrgEdit {
    pub parent: Option<OrgId>,
    pub secretary_name: Option<String>,
    pub members_count: Option<i32>,
    /// The date a change of parent takes effect, for the history.
    pub on: NaiveDate,
}

fn to_org(m: party_org::Model, depth: usize) -> PartyOrg {
    PartyOrg {
        id: OrgId(m.id),
        name: m.name,
        kind: m.kind.label(),
        form: m.form.label(),
        parent_id: m.parent_id,
        unit_id: m.unit_id,
        town_name: m.town_code.as_deref().map(town_name),
        secretary_name: m.secretary_name,
        members_hand_typed: m.members_count.is_some(),
        members_count: m.members_count,
        established_on: m.established_on,
        dissolved_on: m.dissolved_on,
        is_demo: m.is_demo,
        depth,
    }
}

impl Registry<'_> {
    /// Replaces the typed member count by the roster's where the organisation has members
    /// recorded (docs/decisions/0009-member-counts-from-the-roster.md).
    async fn with_roster_counts(self, orgs: &mut [PartyOrg]) -> Result<()> {
        let counts = self.store.roster_counts(orgs.iter().map(|o| o.id.0).collect()).await?;
        for o in orgs.iter_mut() {
            if let Some(c) = counts.get(&o.id.0) {
                o.members_count = Some(i32::try_from(c.total()).unwrap_or(i32::MAX));
                o.members_hand_typed = false;
            }
        }
        Ok(())
    }

    /// The caller's organisations as a tree in display order (parents before children).
    pub async fn org_tree(self, caller: &Caller, q: Option<&str>, include_dissolved: bool) -> Result<Vec<PartyOrg>> {
        self.store.require(caller, Action::ReadRegistry)?;
        let mut cond = Condition::all().add(self.store.org_scope(caller).await?);
        if !include_dissolved {
            cond = cond.add(party_org::Column::DissolvedOn.is_null());
        }
        if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
            cond = cond.add(party_org::Column::Name.contains(q));
        }
        let rows =
            party_org::Entity::find().filter(cond).order_by_asc(party_org::Column::Name).all(self.store.db()).await?;
        let ids: std::collections::HashSet<i64> = rows.iter().map(|r| r.id).collect();
        let mut by_parent: std::collections::HashMap<Option<i64>, Vec<party_org::Model>> = Default::default();
        for r in rows {
            // A parent outside the caller's view makes this a root of the view.
            let key = r.parent_id.filter(|p| ids.contains(p));
            by_parent.entry(key).or_default().push(r);
        }
        let mut out = Vec::new();
        let mut stack: Vec<(party_org::Model, usize)> =
            by_parent.remove(&None).unwrap_or_default().into_iter().rev().map(|m| (m, 0)).collect();
        while let Some((m, depth)) = stack.pop() {
            if let Some(children) = by_parent.remove(&Some(m.id)) {
                stack.extend(children.into_iter().rev().map(|c| (c, depth + 1)));
            }
            out.push(to_org(m, depth));
        }
        self.with_roster_counts(&mut out).await?;
        Ok(out)
    }

    pub(super) async fn org_in_scope(self, caller: &Caller, id: OrgId) -> Result<party_org::Model> {
        self.store.require(caller, Action::ReadRegistry)?;
        let cond = Condition::all().add(self.store.org_scope(caller).await?).add(party_org::Column::Id.eq(id.0));
        party_org::Entity::find().filter(cond).one(self.store.db()).await?.ok_or(StoreError::NotFound)
    }

    pub async fn party_org(self, caller: &Caller, id: OrgId) -> Result<PartyOrgDetail> {
        let m = self.org_in_scope(caller, id).await?;
        let parent = match m.parent_id {
            Some(p) => party_org::Entity::find_by_id(p).one(self.store.db()).await?.map(|p| (p.id, p.name)),
            None => None,
        };
        let mut children: Vec<PartyOrg> = party_org::Entity::find()
            .filter(party_org::Column::ParentId.eq(m.id))
            .order_by_asc(party_org::Column::Name)
            .all(self.store.db())
            .await?
            .into_iter()
            .map(|c| to_org(c, 1))
            .collect();
        self.with_roster_counts(&mut children).await?;
        let unit_ids: Vec<i64> = party_org_unit::Entity::find()
            .filter(party_org_unit::Column::PartyOrgId.eq(m.id))
            .all(self.store.db())
            .await?
            .into_iter()
            .map(|u| u.unit_id)
            .collect();
        let units = unit::Entity::find()
            .filter(unit::Column::Id.is_in(unit_ids))
            .order_by_asc(unit::Column::Name)
            .all(self.store.db())
            .await?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect();
        let events = party_org_event::Entity::find()
            .filter(party_org_event::Column::PartyOrgId.eq(m.id))
            .order_by_asc(party_org_event::Column::OnDate)
            .order_by_asc(party_org_event::Column::Id)
            .all(self.store.db())
            .await?
            .into_iter()
            .map(|e| OrgEvent { kind_label: e.kind.label(), kind: e.kind, on_date: e.on_date, detail: e.detail })
            .collect();
        let mut org = [to_org(m, 0)];
        self.with_roster_counts(&mut org).await?;
        let [org] = org;
        Ok(PartyOrgDetail { org, parent, children, units, events })
    }

    // The connection is a caller's transaction or the pool; the rest is the event itself.
    #[allow(clippy::too_many_arguments)]
    async fn org_event(
        self,
        conn: &impl ConnectionTrait,
        org: i64,
        kind: OrgEventKind,
        on: NaiveDate,
        detail: String,
        related: Option<i64>,
        by: &Caller,
    ) -> Result<()> {
        party_org_event::ActiveModel {
            party_org_id: Set(org),
            kind: Set(kind),
            on_date: Set(on),
            detail: Set(detail),
            related_org_id: Set(related),
            created_by: Set((by.user_id.0 != 0).then_some(by.user_id.0)),
            created_at: Set(self.store.now()),
            ..Default::default()
        }
        .insert(conn)
        .await?;
        Ok(())
    }

    /// Creates an organisation with its units, its history's 成立 and its audit line, all in
    /// one transaction.
    pub async fn create_org(self, caller: &Caller, new: NewOrg) -> Result<OrgId> {
        self.check_new_org(caller, &new).await?;
        let txn = self.store.db().begin().await?;
        let id = self.create_org_on(&txn, caller, &new).await?;
        txn.commit().await?;
        Ok(id)
    }

    /// Everything [`Registry::create_org`] refuses, read before anything is written (on the
    /// pool, so a caller may check before opening its transaction).
    pub(crate) async fn check_new_org(self, caller: &Caller, new: &NewOrg) -> Result<()> {
        self.store.require(caller, Action::WriteRegistry)?;
        qunlian_domain::free_text::party_org(&new.name, new.secretary_name.as_deref().unwrap_or(""))?;
        if new.name.trim().is_empty() {
            return Err(StoreError::invalid("组织名称", "不能为空"));
        }
        if let Some(parent) = new.parent {
            self.org_in_scope(caller, parent).await?;
        }
        for u in &new.units {
            self.store.unit_in_scope(caller, *u).await?;
        }
        if new.units.is_empty()
            && new.parent.is_none()
            && !matches!(caller.scope, qunlian_domain::auth::Scope::All | qunlian_domain::auth::Scope::Region(_))
        {
            return Err(StoreError::invalid("所在单位", "请至少选择一个单位或上级组织"));
        }
        if new.form == OrgForm::Joint && new.units.len() < 2 {
            return Err(StoreError::invalid("所在单位", "联合党组织应覆盖两个及以上单位"));
        }
        Ok(())
    }

    /// Writes an organisation checked by [`Registry::check_new_org`] on `conn` (a caller's
    /// transaction): the row, its units, the 成立 event and the `org.create` audit line.
    pub(crate) async fn create_org_on(
        self,
        conn: &impl ConnectionTrait,
        caller: &Caller,
        new: &NewOrg,
    ) -> Result<OrgId> {
        let now = self.store.now();
        let m = party_org::ActiveModel {
            name: Set(new.name.trim().to_owned()),
            kind: Set(new.kind),
            form: Set(new.form),
            parent_id: Set(new.parent.map(|p| p.0)),
            unit_id: Set(new.units.first().map(|u| u.0)),
            town_code: Set(new.town_code.clone()),
            secretary_name: Set(new.secretary_name.clone()),
            members_count: Set(new.members_count),
            established_on: Set(Some(new.established_on)),
            dissolved_on: Set(None),
            is_demo: Set(new.is_demo),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(conn)
        .await?;
        for u in &new.units {
            party_org_unit::ActiveModel {
                party_org_id: Set(m.id),
                unit_id: Set(u.0),
                since: Set(Some(new.established_on)),
                ..Default::default()
            }
            .insert(conn)
            .await?;
        }
        self.org_event(
            conn,
            m.id,
            OrgEventKind::Established,
            new.established_on,
            format!("成立{}（{}）", new.kind.label(), new.form.label()),
            None,
            caller,
        )
        .await?;
        self.store
            .audit()
            .record_on(conn, caller, "org.create", "party_org", Some(m.id.to_string()), format!("成立“{}”", m.name))
            .await?;
        Ok(OrgId(m.id))
    }

    /// Renaming, dissolving and merging are for those who restructure the registry; an
    /// enterprise contact proposes them instead (`proposals.rs`).
    pub async fn rename_org(self, caller: &Caller, id: OrgId, new_name: &str, on: NaiveDate) -> Result<()> {
        self.store.require(caller, Action::RestructureRegistry)?;
        qunlian_domain::free_text::party_org(new_name, "")?;
        let m = self.org_in_scope(caller, id).await?;
        let new_name = new_name.trim();
        if new_name.is_empty() {
            return Err(StoreError::invalid("新名称", "不能为空"));
        }
        let old = m.name.clone();
        let mut a: party_org::ActiveModel = m.into();
        a.name = Set(new_name.to_owned());
        a.updated_at = Set(self.store.now());
        self.store
            .recorded(
                caller,
                async |txn| {
                    a.update(txn).await?;
                    let history = format!("由“{old}”更名为“{new_name}”");
                    self.org_event(txn, id.0, OrgEventKind::Renamed, on, history, None, caller).await
                },
                |_| Change::new("org.rename", "party_org", id, format!("“{old}”更名为“{new_name}”")),
            )
            .await
    }

    /// Dissolves an organisation on a day: the row, its history's 撤销 and its audit line in
    /// one transaction.
    pub async fn dissolve_org(self, caller: &Caller, id: OrgId, on: NaiveDate, reason: &str) -> Result<()> {
        let m = self.check_dissolve(caller, id, reason).await?;
        let txn = self.store.db().begin().await?;
        self.dissolve_org_on(&txn, caller, m, on, reason).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Everything [`Registry::dissolve_org`] refuses, read before anything is written; the
    /// organisation to dissolve.
    pub(crate) async fn check_dissolve(self, caller: &Caller, id: OrgId, reason: &str) -> Result<party_org::Model> {
        self.store.require(caller, Action::RestructureRegistry)?;
        qunlian_domain::free_text::org_dissolution(reason)?;
        let m = self.org_in_scope(caller, id).await?;
        if m.dissolved_on.is_some() {
            return Err(StoreError::invalid("撤销日期", "该组织已撤销"));
        }
        Ok(m)
    }

    /// Dissolves an organisation checked by [`Registry::check_dissolve`] on `conn` (a
    /// caller's transaction).
    pub(crate) async fn dissolve_org_on(
        self,
        conn: &impl ConnectionTrait,
        caller: &Caller,
        m: party_org::Model,
        on: NaiveDate,
        reason: &str,
    ) -> Result<()> {
        let (id, name) = (m.id, m.name.clone());
        let mut a: party_org::ActiveModel = m.into();
        a.dissolved_on = Set(Some(on));
        a.updated_at = Set(self.store.now());
        a.update(conn).await?;
        self.org_event(conn, id, OrgEventKind::Dissolved, on, format!("撤销：{reason}"), None, caller).await?;
        self.store
            .audit()
            .record_on(
                conn,
                caller,
                "org.dissolve",
                "party_org",
                Some(id.to_string()),
                format!("撤销“{name}”：{reason}"),
            )
            .await
    }

    /// Changes the parent, secretary and member count of an organisation the caller sees.
    pub async fn update_org(self, caller: &Caller, id: OrgId, edit: OrgEdit) -> Result<()> {
        self.store.require(caller, Action::WriteRegistry)?;
        let m = self.org_in_scope(caller, id).await?;
        if m.dissolved_on.is_some() {
            return Err(StoreError::invalid("状态", "该组织已撤销，不能再修改"));
        }
        qunlian_domain::free_text::party_org("", edit.secretary_name.as_deref().unwrap_or(""))?;
        if edit.members_count.is_some_and(|n| n < 0) {
            return Err(StoreError::invalid("党员数", "不能为负数"));
        }
        let parent_name = match edit.parent {
            None => None,
            Some(p) if p == id => return Err(StoreError::invalid("上级组织", "不能是本组织")),
            Some(p) => {
                let pm = match self.org_in_scope(caller, p).await {
                    Ok(pm) => pm,
                    Err(StoreError::NotFound) => {
                        return Err(StoreError::invalid("上级组织", "不存在，或不在您的权限范围内"));
                    }
                    Err(e) => return Err(e),
                };
                if pm.dissolved_on.is_some() {
                    return Err(StoreError::invalid("上级组织", format!("“{}”已撤销", pm.name)));
                }
                if self.store.org_subtree(id.0).await?.contains(&p.0) {
                    return Err(StoreError::invalid("上级组织", "不能是本组织的下级组织"));
                }
                Some(pm.name)
            }
        };
        let secretary = edit.secretary_name.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        let mut changes = Vec::new();
        if m.secretary_name != secretary {
            changes.push(format!("书记：{}", secretary.as_deref().unwrap_or("（空）")));
        }
        if m.members_count != edit.members_count {
            changes.push(format!("党员数：{}", edit.members_count.map(|n| n.to_string()).unwrap_or_default()));
        }
        let old_parent = m.parent_id;
        let name = m.name.clone();
        let mut a: party_org::ActiveModel = m.into();
        a.parent_id = Set(edit.parent.map(|p| p.0));
        a.secretary_name = Set(secretary);
        a.members_count = Set(edit.members_count);
        a.updated_at = Set(self.store.now());
        let reparented = (old_parent != edit.parent.map(|p| p.0))
            .then(|| parent_name.map(|n| format!("“{n}”")).unwrap_or_else(|| "无上级组织".to_owned()));
        if let Some(to) = &reparented {
            changes.push(format!("上级组织：{to}"));
        }
        let detail = if changes.is_empty() { "无变化".to_owned() } else { changes.join("；") };
        self.store
            .recorded(
                caller,
                async |txn| {
                    a.update(txn).await?;
                    if let Some(to) = reparented {
                        let (history, parent) = (format!("隶属关系调整为{to}"), edit.parent.map(|p| p.0));
                        self.org_event(txn, id.0, OrgEventKind::Reparented, edit.on, history, parent, caller).await?;
                    }
                    Ok(())
                },
                |_| Change::new("org.update", "party_org", id, format!("修改“{name}”：{detail}")),
            )
            .await
    }

    /// Merges `from` into `into`: `from` is dissolved and the units it covered move over.
    pub async fn merge_org(self, caller: &Caller, from: OrgId, into: OrgId, on: NaiveDate) -> Result<()> {
        self.store.require(caller, Action::RestructureRegistry)?;
        if from == into {
            return Err(StoreError::invalid("并入组织", "不能并入自身"));
        }
        let src = self.org_in_scope(caller, from).await?;
        let dst = match self.org_in_scope(caller, into).await {
            Ok(dst) => dst,
            Err(StoreError::NotFound) => {
                return Err(StoreError::invalid("并入组织", "不存在，或不在您的权限范围内"));
            }
            Err(e) => return Err(e),
        };
        if src.dissolved_on.is_some() {
            return Err(StoreError::invalid("并入日期", "该组织已撤销，不能再并入其他组织"));
        }
        if dst.dissolved_on.is_some() {
            return Err(StoreError::invalid("并入组织", format!("“{}”已撤销", dst.name)));
        }
        if src.established_on.is_some_and(|e| on < e) {
            return Err(StoreError::invalid("并入日期", "不能早于本组织成立日期"));
        }
        let (src_name, dst_name) = (src.name.clone(), dst.name.clone());
        self.store
            .recorded(
                caller,
                async |txn| {
                    let units = party_org_unit::Entity::find()
                        .filter(party_org_unit::Column::PartyOrgId.eq(src.id))
                        .all(txn)
                        .await?;
                    for u in units {
                        let exists = party_org_unit::Entity::find()
                            .filter(party_org_unit::Column::PartyOrgId.eq(dst.id))
                            .filter(party_org_unit::Column::UnitId.eq(u.unit_id))
                            .one(txn)
                            .await?
                            .is_some();
                        if !exists {
                            party_org_unit::ActiveModel {
                                party_org_id: Set(dst.id),
                                unit_id: Set(u.unit_id),
                                since: Set(Some(on)),
                                ..Default::default()
                            }
                            .insert(txn)
                            .await?;
                        }
                    }
                    let mut a: party_org::ActiveModel = src.into();
                    a.dissolved_on = Set(Some(on));
                    a.updated_at = Set(self.store.now());
                    a.update(txn).await?;
                    let (merged, absorbed) = (format!("并入“{dst_name}”"), format!("“{src_name}”并入本组织"));
                    self.org_event(txn, from.0, OrgEventKind::Merged, on, merged, Some(into.0), caller).await?;
                    self.org_event(txn, into.0, OrgEventKind::Absorbed, on, absorbed, Some(from.0), caller).await
                },
                |_| Change::new("org.merge", "party_org", from, format!("“{src_name}”并入“{dst_name}”")),
            )
            .await
    }
}
