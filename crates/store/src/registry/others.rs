use chrono::NaiveDate;
use qunlian_domain::RegionCode;
use qunlian_domain::auth::{Action, Caller, Scope, UnitId};
use qunlian_domain::region::RegionLevel;
use qunlian_domain::registry::pairing_kind_label;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};
use serde::Serialize;

use super::town_name;
use crate::entity::{alliance, alliance_member, pairing, park, party_org, party_org_unit, unit};
use crate::scope::town_in;
use crate::{Result, Store, StoreError};

#[derive(Clone, Debug, Serialize)]
pub struct Park {
    pub id: i64,
    pub name: String,
    pub town_code: String,
    pub town_name: String,
    pub parent_id: Option<i64>,
    pub enterprises: u64,
    pub is_demo: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Alliance {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub established_on: Option<NaiveDate>,
    pub members: Vec<(i64, String)>,
    pub is_demo: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Pairing {
    pub id: i64,
    pub kind: &'static str,
    pub a: (i64, String),
    pub b: String,
    pub b_unit_id: Option<i64>,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    pub content: String,
    pub is_demo: bool,
}

/// A park with where it sits in the park hierarchy.
#[derive(Clone, Debug, Serialize)]
pub struct ParkDetail {
    pub park: Park,
    pub parent: Option<(i64, String)>,
    pub children: Vec<Park>,
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

/// Which parks the caller may see: those of its region; parks are public otherwise.
fn park_scope(caller: &Caller) -> Condition {
    match &caller.scope {
        Scope::Region(r) => town_in(park::Column::TownCode, r),
        Scope::Nothing => Condition::all().add(Expr::cust("1 = 0")),
        _ => Condition::all(),
    }
}

/// The caller may edit a record shared by several units (an alliance) that also has
/// members it cannot see: only area-wide roles may; a branch or an enterprise may not
/// rename what belongs to others too.
fn may_edit_shared(caller: &Caller) -> bool {
    matches!(caller.scope, Scope::All | Scope::Region(_) | Scope::Cluster(_))
}

/// The key figures of the home page, each the count of a list the caller can open.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RegistryFigures {
    pub enterprises: u64,
    pub high_tech: u64,
    pub above_scale: u64,
    pub srdi: u64,
    pub clusters: u64,
    pub cluster_members: u64,
    pub orgs: u64,
    pub units_with_org: u64,
    pub alliances: u64,
    pub pairings: u64,
}

impl Store {
    pub async fn list_parks(&self, caller: &Caller) -> Result<Vec<Park>> {
        self.require(caller, Action::ReadRegistry)?;
        let rows = park::Entity::find()
            .filter(park_scope(caller))
            .order_by_asc(park::Column::TownCode)
            .order_by_asc(park::Column::Name)
            .all(self.db())
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for p in rows {
            out.push(self.to_park(caller, p).await?);
        }
        Ok(out)
    }

    /// The figure is the count of the enterprise list filtered by the park (sub-parks
    /// included), so the number and its drill-down always agree.
    async fn to_park(&self, caller: &Caller, p: park::Model) -> Result<Park> {
        let filter = super::EnterpriseFilter { park: Some(p.id), ..Default::default() };
        let enterprises = self.count_enterprises(caller, &filter).await?;
        Ok(Park {
            id: p.id,
            town_name: town_name(&p.town_code),
            name: p.name,
            town_code: p.town_code,
            parent_id: p.parent_id,
            enterprises,
            is_demo: p.is_demo,
        })
    }

    /// A park and the parks below it, however deep.
    pub(crate) async fn park_subtree(&self, root: i64) -> Result<Vec<i64>> {
        let mut all = vec![root];
        let mut frontier = vec![root];
        while !frontier.is_empty() {
            let children: Vec<i64> = park::Entity::find()
                .select_only()
                .column(park::Column::Id)
                .filter(park::Column::ParentId.is_in(frontier.clone()))
                .into_tuple()
                .all(self.db())
                .await?;
            // A cycle in bad data must not loop forever.
            let new: Vec<i64> = children.into_iter().filter(|c| !all.contains(c)).collect();
            all.extend(&new);
            frontier = new;
        }
        Ok(all)
    }

    async fn park_in_scope(&self, caller: &Caller, id: i64) -> Result<park::Model> {
        self.require(caller, Action::ReadRegistry)?;
        park::Entity::find_by_id(id).filter(park_scope(caller)).one(self.db()).await?.ok_or(StoreError::NotFound)
    }

    pub async fn park(&self, caller: &Caller, id: i64) -> Result<ParkDetail> {
        let m = self.park_in_scope(caller, id).await?;
        let parent = match m.parent_id {
            Some(p) => park::Entity::find_by_id(p).one(self.db()).await?.map(|p| (p.id, p.name)),
            None => None,
        };
        let mut children = Vec::new();
        for c in park::Entity::find()
            .filter(park::Column::ParentId.eq(m.id))
            .filter(park_scope(caller))
            .order_by_asc(park::Column::Name)
            .all(self.db())
            .await?
        {
            children.push(self.to_park(caller, c).await?);
        }
        Ok(ParkDetail { park: self.to_park(caller, m).await?, parent, children })
    }

    /// Renames a park, moves it to another town, or puts it under another park. Parks are
    /// set up by district and town administrators, within their area.
    pub async fn update_park(
        &self,
        caller: &Caller,
        id: i64,
        name: &str,
        town: &RegionCode,
        parent: Option<i64>,
    ) -> Result<()> {
        self.require(caller, Action::Import)?;
        let current = self.park_in_scope(caller, id).await?;
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::invalid("园区名称", "不能为空"));
        }
        if town.level() != RegionLevel::Town {
            return Err(StoreError::invalid("所属街镇", "请选择街镇"));
        }
        if let Scope::Region(r) = &caller.scope
            && !(town.is_within(r) || town == r)
        {
            return Err(StoreError::invalid("所属街镇", format!("{}不在您的管辖范围内", town.full_name())));
        }
        let same_name = park::Entity::find()
            .filter(park::Column::Name.eq(name))
            .filter(park::Column::Id.ne(id))
            .one(self.db())
            .await?;
        if same_name.is_some() {
            // Imports find a park by its name: two parks of one name could not be told apart.
            return Err(StoreError::invalid("园区名称", format!("已有名为“{name}”的园区")));
        }
        let parent_name = match parent {
            None => None,
            Some(p) if p == id => return Err(StoreError::invalid("上级园区", "不能是本园区")),
            Some(p) => {
                let pm = match self.park_in_scope(caller, p).await {
                    Ok(pm) => pm,
                    Err(StoreError::NotFound) => {
                        return Err(StoreError::invalid("上级园区", "不存在，或不在您的权限范围内"));
                    }
                    Err(e) => return Err(e),
                };
                if self.park_subtree(id).await?.contains(&p) {
                    return Err(StoreError::invalid("上级园区", "不能是本园区的下级园区"));
                }
                Some(pm.name)
            }
        };
        let mut changes = Vec::new();
        if current.name != name {
            changes.push(format!("名称：{} → {name}", current.name));
        }
        if current.town_code != town.to_string() {
            changes.push(format!("街镇：{} → {}", town_name(&current.town_code), town.name()));
        }
        if current.parent_id != parent {
            changes.push(format!("上级园区：{}", parent_name.as_deref().unwrap_or("（无）")));
        }
        let mut a: park::ActiveModel = current.into();
        a.name = Set(name.to_owned());
        a.town_code = Set(town.to_string());
        a.parent_id = Set(parent);
        a.update(self.db()).await?;
        let detail = if changes.is_empty() { "无变化".to_owned() } else { changes.join("；") };
        self.audit(caller, "park.update", "park", Some(id.to_string()), format!("修改园区“{name}”：{detail}")).await
    }

    pub async fn create_park(
        &self,
        caller: &Caller,
        name: &str,
        town: &qunlian_domain::RegionCode,
        parent: Option<i64>,
    ) -> Result<i64> {
        self.require(caller, Action::Import)?;
        if let Scope::Region(r) = &caller.scope
            && !(town.is_within(r) || town == r)
        {
            return Err(StoreError::invalid("所属街镇", "不在您的管辖范围内"));
        }
        if name.trim().is_empty() {
            return Err(StoreError::invalid("园区名称", "不能为空"));
        }
        if park::Entity::find().filter(park::Column::Name.eq(name.trim())).one(self.db()).await?.is_some() {
            return Err(StoreError::invalid("园区名称", format!("已有名为“{}”的园区", name.trim())));
        }
        let m = park::ActiveModel {
            name: Set(name.trim().to_owned()),
            town_code: Set(town.to_string()),
            parent_id: Set(parent),
            is_demo: Set(false),
            ..Default::default()
        }
        .insert(self.db())
        .await?;
        self.audit(caller, "park.create", "park", Some(m.id.to_string()), format!("新增园区“{}”", m.name)).await?;
        Ok(m.id)
    }

    /// Alliances with at least one member the caller can see.
    pub async fn list_alliances(&self, caller: &Caller) -> Result<Vec<Alliance>> {
        self.require(caller, Action::ReadRegistry)?;
        let scope = self.unit_scope(caller).await?;
        let visible_units =
            Query::select().column(unit::Column::Id).from(unit::Entity).cond_where(scope.clone()).to_owned();
        let ids: Vec<i64> = alliance_member::Entity::find()
            .filter(alliance_member::Column::UnitId.in_subquery(visible_units))
            .all(self.db())
            .await?
            .into_iter()
            .map(|m| m.alliance_id)
            .collect();
        let mut out = Vec::new();
        for a in alliance::Entity::find()
            .filter(alliance::Column::Id.is_in(ids))
            .order_by_asc(alliance::Column::Id)
            .all(self.db())
            .await?
        {
            let member_ids: Vec<i64> = alliance_member::Entity::find()
                .filter(alliance_member::Column::AllianceId.eq(a.id))
                .all(self.db())
                .await?
                .into_iter()
                .map(|m| m.unit_id)
                .collect();
            let members = unit::Entity::find()
                .filter(unit::Column::Id.is_in(member_ids))
                .filter(scope.clone())
                .order_by_asc(unit::Column::Name)
                .all(self.db())
                .await?
                .into_iter()
                .map(|u| (u.id, u.name))
                .collect();
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
        &self,
        caller: &Caller,
        name: &str,
        description: &str,
        established_on: Option<NaiveDate>,
        members: &[UnitId],
        demo: bool,
    ) -> Result<i64> {
        self.require(caller, Action::WriteRegistry)?;
        if name.trim().is_empty() {
            return Err(StoreError::invalid("联盟名称", "不能为空"));
        }
        for m in members {
            self.unit_in_scope(caller, *m).await?;
        }
        let a = alliance::ActiveModel {
            name: Set(name.trim().to_owned()),
            description: Set(description.to_owned()),
            town_code: Set(None),
            established_on: Set(established_on),
            is_demo: Set(demo),
            ..Default::default()
        }
        .insert(self.db())
        .await?;
        for m in members {
            alliance_member::ActiveModel { alliance_id: Set(a.id), unit_id: Set(m.0), ..Default::default() }
                .insert(self.db())
                .await?;
        }
        self.audit(
            caller,
            "alliance.create",
            "alliance",
            Some(a.id.to_string()),
            format!("建立“{}”，成员{}家", a.name, members.len()),
        )
        .await?;
        Ok(a.id)
    }

    /// An alliance with at least one member the caller can see, its visible members (by
    /// name) and the number of the others.
    async fn alliance_in_scope(&self, caller: &Caller, id: i64) -> Result<(alliance::Model, Vec<unit::Model>, u64)> {
        self.require(caller, Action::ReadRegistry)?;
        let a = alliance::Entity::find_by_id(id).one(self.db()).await?.ok_or(StoreError::NotFound)?;
        let member_ids: Vec<i64> = alliance_member::Entity::find()
            .filter(alliance_member::Column::AllianceId.eq(id))
            .all(self.db())
            .await?
            .into_iter()
            .map(|m| m.unit_id)
            .collect();
        let visible = unit::Entity::find()
            .filter(unit::Column::Id.is_in(member_ids.clone()))
            .filter(self.unit_scope(caller).await?)
            .order_by_asc(unit::Column::Name)
            .all(self.db())
            .await?;
        if visible.is_empty() {
            return Err(StoreError::NotFound);
        }
        let hidden = (member_ids.len() - visible.len()) as u64;
        Ok((a, visible, hidden))
    }

    pub async fn alliance(&self, caller: &Caller, id: i64) -> Result<AllianceDetail> {
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
    pub async fn alliance_for_edit(&self, caller: &Caller, id: i64) -> Result<AllianceDetail> {
        self.require(caller, Action::WriteRegistry)?;
        let detail = self.alliance(caller, id).await?;
        if detail.hidden_members > 0 && !may_edit_shared(caller) {
            return Err(StoreError::Forbidden);
        }
        Ok(detail)
    }

    /// Renames an alliance and sets its members as far as the caller can see them: members
    /// outside the caller's scope stay as they are.
    pub async fn update_alliance(
        &self,
        caller: &Caller,
        id: i64,
        name: &str,
        description: &str,
        established_on: Option<NaiveDate>,
        members: &[UnitId],
    ) -> Result<()> {
        self.require(caller, Action::WriteRegistry)?;
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
            let u = self.unit_in_scope(caller, *m).await?;
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
        let txn = self.db().begin().await?;
        if !leaving.is_empty() {
            alliance_member::Entity::delete_many()
                .filter(alliance_member::Column::AllianceId.eq(id))
                .filter(alliance_member::Column::UnitId.is_in(leaving.clone()))
                .exec(&txn)
                .await?;
        }
        for u in &joining {
            alliance_member::ActiveModel { alliance_id: Set(id), unit_id: Set(*u), ..Default::default() }
                .insert(&txn)
                .await?;
        }
        let mut a: alliance::ActiveModel = current.into();
        a.name = Set(name.to_owned());
        a.description = Set(description.trim().to_owned());
        a.established_on = Set(established_on);
        a.update(&txn).await?;
        txn.commit().await?;
        let renamed = if old_name == name { String::new() } else { format!("由“{old_name}”更名；") };
        self.audit(
            caller,
            "alliance.update",
            "alliance",
            Some(id.to_string()),
            format!("修改“{name}”：{renamed}加入{}家，退出{}家", joining.len(), leaving.len()),
        )
        .await
    }

    /// Pairings whose registered side(s) the caller can see.
    pub async fn list_pairings(&self, caller: &Caller) -> Result<Vec<Pairing>> {
        self.require(caller, Action::ReadRegistry)?;
        let scope = self.unit_scope(caller).await?;
        let visible = Query::select().column(unit::Column::Id).from(unit::Entity).cond_where(scope).to_owned();
        let rows = pairing::Entity::find()
            .filter(
                Condition::any()
                    .add(pairing::Column::AUnitId.in_subquery(visible.clone()))
                    .add(pairing::Column::BUnitId.in_subquery(visible)),
            )
            .order_by_asc(pairing::Column::Id)
            .all(self.db())
            .await?;
        let mut out = Vec::new();
        for p in rows {
            out.push(self.to_pairing(p).await?);
        }
        Ok(out)
    }

    async fn to_pairing(&self, p: pairing::Model) -> Result<Pairing> {
        let a_name = unit::Entity::find_by_id(p.a_unit_id).one(self.db()).await?.map(|u| u.name).unwrap_or_default();
        let b = match p.b_unit_id {
            Some(b) => unit::Entity::find_by_id(b).one(self.db()).await?.map(|u| u.name).unwrap_or_default(),
            None => p.b_name.clone().unwrap_or_default(),
        };
        Ok(Pairing {
            id: p.id,
            kind: pairing_kind_label(&p.kind),
            a: (p.a_unit_id, a_name),
            b,
            b_unit_id: p.b_unit_id,
            started_on: p.started_on,
            ended_on: p.ended_on,
            content: p.content,
            is_demo: p.is_demo,
        })
    }

    /// A pairing is the caller's when either registered side is.
    async fn pairing_in_scope(&self, caller: &Caller, id: i64) -> Result<pairing::Model> {
        self.require(caller, Action::ReadRegistry)?;
        let scope = self.unit_scope(caller).await?;
        let visible = Query::select().column(unit::Column::Id).from(unit::Entity).cond_where(scope).to_owned();
        pairing::Entity::find_by_id(id)
            .filter(
                Condition::any()
                    .add(pairing::Column::AUnitId.in_subquery(visible.clone()))
                    .add(pairing::Column::BUnitId.in_subquery(visible)),
            )
            .one(self.db())
            .await?
            .ok_or(StoreError::NotFound)
    }

    pub async fn pairing(&self, caller: &Caller, id: i64) -> Result<Pairing> {
        let p = self.pairing_in_scope(caller, id).await?;
        self.to_pairing(p).await
    }

    /// Changes what a pairing does and when; either side may.
    pub async fn update_pairing(
        &self,
        caller: &Caller,
        id: i64,
        content: &str,
        started_on: Option<NaiveDate>,
        ended_on: Option<NaiveDate>,
    ) -> Result<()> {
        self.require(caller, Action::WriteRegistry)?;
        let current = self.pairing_in_scope(caller, id).await?;
        if let (Some(s), Some(e)) = (started_on, ended_on)
            && e < s
        {
            return Err(StoreError::invalid("结束日期", "不能早于开始日期"));
        }
        let label = pairing_kind_label(&current.kind);
        let mut a: pairing::ActiveModel = current.into();
        a.content = Set(content.trim().to_owned());
        a.started_on = Set(started_on);
        a.ended_on = Set(ended_on);
        a.update(self.db()).await?;
        let dates = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_else(|| "—".into());
        self.audit(
            caller,
            "pairing.update",
            "pairing",
            Some(id.to_string()),
            format!("修改{label}：{} 至 {}", dates(started_on), dates(ended_on)),
        )
        .await
    }

    /// Ends a pairing on a date; the record stays, with both dates.
    pub async fn end_pairing(&self, caller: &Caller, id: i64, on: NaiveDate) -> Result<()> {
        self.require(caller, Action::WriteRegistry)?;
        let current = self.pairing_in_scope(caller, id).await?;
        if let Some(ended) = current.ended_on {
            return Err(StoreError::invalid("结束日期", format!("该结对已于{}结束", ended.format("%Y-%m-%d"))));
        }
        if current.started_on.is_some_and(|s| on < s) {
            return Err(StoreError::invalid("结束日期", "不能早于开始日期"));
        }
        let label = pairing_kind_label(&current.kind);
        let mut a: pairing::ActiveModel = current.into();
        a.ended_on = Set(Some(on));
        a.update(self.db()).await?;
        self.audit(
            caller,
            "pairing.end",
            "pairing",
            Some(id.to_string()),
            format!("{label}于{}结束", on.format("%Y-%m-%d")),
        )
        .await
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn create_pairing(
        &self,
        caller: &Caller,
        kind: &str,
        a: UnitId,
        b: Option<UnitId>,
        b_name: Option<&str>,
        started_on: Option<NaiveDate>,
        content: &str,
        demo: bool,
    ) -> Result<i64> {
        self.require(caller, Action::WriteRegistry)?;
        self.unit_in_scope(caller, a).await?;
        if b.is_none() && b_name.map(str::trim).unwrap_or("").is_empty() {
            return Err(StoreError::invalid("结对对象", "请选择单位或填写名称"));
        }
        let p = pairing::ActiveModel {
            kind: Set(kind.to_owned()),
            a_unit_id: Set(a.0),
            b_unit_id: Set(b.map(|b| b.0)),
            b_name: Set(b_name.map(|s| s.trim().to_owned())),
            started_on: Set(started_on),
            ended_on: Set(None),
            content: Set(content.to_owned()),
            is_demo: Set(demo),
            ..Default::default()
        }
        .insert(self.db())
        .await?;
        self.audit(
            caller,
            "pairing.create",
            "pairing",
            Some(p.id.to_string()),
            format!("新增{}", pairing_kind_label(kind)),
        )
        .await?;
        Ok(p.id)
    }

    pub async fn registry_figures(&self, caller: &Caller) -> Result<RegistryFigures> {
        use super::EnterpriseFilter;
        use qunlian_domain::registry::SrdiLevel;
        self.require(caller, Action::ReadRegistry)?;
        let base = EnterpriseFilter::default();
        let count = |f: EnterpriseFilter| async move { self.count_enterprises(caller, &f).await };
        let enterprises = count(base.clone()).await?;
        let high_tech = count(EnterpriseFilter { high_tech: Some(true), ..base.clone() }).await?;
        let above_scale = count(EnterpriseFilter { above_scale: Some(true), ..base.clone() }).await?;
        let srdi = count(EnterpriseFilter { srdi_at_least: Some(SrdiLevel::Municipal), ..base.clone() }).await?;
        let clusters_list = self.list_clusters(caller, None).await?;
        let org_cond =
            Condition::all().add(self.org_scope(caller).await?).add(party_org::Column::DissolvedOn.is_null());
        let orgs = party_org::Entity::find().filter(org_cond.clone()).count(self.db()).await?;
        let active_orgs = Query::select()
            .column(party_org::Column::Id)
            .from(party_org::Entity)
            .cond_where(party_org::Column::DissolvedOn.is_null())
            .to_owned();
        let units_with_org = unit::Entity::find()
            .filter(self.unit_scope(caller).await?)
            .filter(unit::Column::Kind.eq("enterprise"))
            .filter(
                unit::Column::Id.in_subquery(
                    Query::select()
                        .column(party_org_unit::Column::UnitId)
                        .from(party_org_unit::Entity)
                        .and_where(party_org_unit::Column::PartyOrgId.in_subquery(active_orgs))
                        .to_owned(),
                ),
            )
            .count(self.db())
            .await?;
        Ok(RegistryFigures {
            enterprises,
            high_tech,
            above_scale,
            srdi,
            clusters: clusters_list.len() as u64,
            cluster_members: clusters_list.iter().map(|c| c.members).sum(),
            orgs,
            units_with_org,
            alliances: self.list_alliances(caller).await?.len() as u64,
            pairings: self.list_pairings(caller).await?.len() as u64,
        })
    }
}
