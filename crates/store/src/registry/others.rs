use chrono::NaiveDate;
use qunlian_domain::auth::{Action, Caller, Scope, UnitId};
use qunlian_domain::registry::pairing_kind_label;
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
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
    pub content: String,
    pub is_demo: bool,
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
        let cond = match &caller.scope {
            Scope::Region(r) => town_in(park::Column::TownCode, r),
            Scope::Nothing => return Ok(Vec::new()),
            _ => Condition::all(),
        };
        let rows = park::Entity::find()
            .filter(cond)
            .order_by_asc(park::Column::TownCode)
            .order_by_asc(park::Column::Name)
            .all(self.db())
            .await?;
        let scope = self.unit_scope(caller).await?;
        let mut out = Vec::with_capacity(rows.len());
        for p in rows {
            let enterprises = unit::Entity::find()
                .filter(scope.clone())
                .filter(unit::Column::ParkId.eq(p.id))
                .count(self.db())
                .await?;
            out.push(Park {
                id: p.id,
                town_name: town_name(&p.town_code),
                name: p.name,
                town_code: p.town_code,
                parent_id: p.parent_id,
                enterprises,
                is_demo: p.is_demo,
            });
        }
        Ok(out)
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
            let a_name =
                unit::Entity::find_by_id(p.a_unit_id).one(self.db()).await?.map(|u| u.name).unwrap_or_default();
            let b = match p.b_unit_id {
                Some(b) => unit::Entity::find_by_id(b).one(self.db()).await?.map(|u| u.name).unwrap_or_default(),
                None => p.b_name.clone().unwrap_or_default(),
            };
            out.push(Pairing {
                id: p.id,
                kind: pairing_kind_label(&p.kind),
                a: (p.a_unit_id, a_name),
                b,
                b_unit_id: p.b_unit_id,
                started_on: p.started_on,
                content: p.content,
                is_demo: p.is_demo,
            });
        }
        Ok(out)
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
