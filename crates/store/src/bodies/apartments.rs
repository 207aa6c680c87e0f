//! Talent apartments (人才公寓) with their Party service point (Songjiang: one service point
//! in every apartment): the address, the managing Party organisation, the enterprises whose
//! staff live there. The activities held at the point are records of the activities
//! capability, organised by the service point (`OrganiserKind::Apartment`); this file offers
//! the points as organisers and reads their activities through `store.activities()`.
//!
//! Who: the town and district admins keep them; an area admin sees its area's, others the
//! apartments where an enterprise of their scope lives.

use qunlian_domain::RegionCode;
use qunlian_domain::activities::{Organiser, OrganiserKind};
use qunlian_domain::auth::{Action, Caller};
use qunlian_domain::bodies::ApartmentFields;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::Bodies;
use crate::activities::{ActivityFilter, ActivityLine, OrganiserChoice};
use crate::audit::Change;
use crate::entity::{talent_apartment, talent_apartment_resident};
use crate::{PageRequest, Result, StoreError};

#[derive(Clone, Debug, Serialize)]
pub struct Apartment {
    pub id: i64,
    pub name: String,
    pub town_code: String,
    pub town: String,
    pub address: String,
    pub managing_org: String,
    pub service_point: String,
    /// The residents' enterprises, by name.
    pub residents: Vec<(i64, String)>,
    /// The activities held at the service point (the activities capability's records), the
    /// latest first; empty for a caller who does not read activities.
    pub activities: Vec<ActivityLine>,
    /// The service point as the activity form's organiser value (`apartment:ID`).
    pub organiser: String,
    pub is_demo: bool,
}

/// At most this many activities shown per apartment.
const ACTIVITIES_SHOWN: u64 = 20;

impl Bodies<'_> {
    pub(crate) async fn apartment_scope(self, caller: &Caller) -> Result<Condition> {
        let by_town = self.town_or_unit_scope(caller, talent_apartment::Column::TownCode, None).await?;
        if caller.may(Action::RunTalent) {
            return Ok(by_town);
        }
        let units = Query::select()
            .column(crate::entity::unit::Column::Id)
            .from(crate::entity::unit::Entity)
            .cond_where(self.store.unit_scope(caller).await?)
            .to_owned();
        let with_resident = talent_apartment::Column::Id.in_subquery(
            Query::select()
                .column(talent_apartment_resident::Column::ApartmentId)
                .from(talent_apartment_resident::Entity)
                .and_where(talent_apartment_resident::Column::UnitId.in_subquery(units))
                .to_owned(),
        );
        Ok(Condition::any().add(by_town).add(with_resident))
    }

    /// The apartments the caller sees, by town and name, with residents and activities.
    pub async fn apartments(self, caller: &Caller) -> Result<Vec<Apartment>> {
        let rows = talent_apartment::Entity::find()
            .filter(self.apartment_scope(caller).await?)
            .order_by_asc(talent_apartment::Column::TownCode)
            .order_by_asc(talent_apartment::Column::Name)
            .all(self.store.db())
            .await?;
        let ids: Vec<i64> = rows.iter().map(|a| a.id).collect();
        let residents = talent_apartment_resident::Entity::find()
            .filter(talent_apartment_resident::Column::ApartmentId.is_in(ids.clone()))
            .all(self.store.db())
            .await?;
        let names = self.store.unit_names(residents.iter().map(|r| r.unit_id).collect()).await?;
        let mut out = Vec::with_capacity(rows.len());
        for a in rows {
            let organiser = Organiser { kind: OrganiserKind::Apartment, id: a.id };
            let activities = if caller.may(Action::ReadActivities) {
                let f = ActivityFilter { organiser: Some(organiser), ..Default::default() };
                self.store.activities().list(caller, &f, PageRequest::new(None, Some(ACTIVITIES_SHOWN))).await?.items
            } else {
                Vec::new()
            };
            out.push(Apartment {
                residents: residents
                    .iter()
                    .filter(|r| r.apartment_id == a.id)
                    .map(|r| (r.unit_id, names.get(&r.unit_id).cloned().unwrap_or_default()))
                    .collect(),
                activities,
                organiser: organiser.value(),
                town: crate::shared::town_name(&a.town_code),
                id: a.id,
                name: a.name,
                town_code: a.town_code,
                address: a.address,
                managing_org: a.managing_org,
                service_point: a.service_point,
                is_demo: a.is_demo,
            });
        }
        Ok(out)
    }

    /// The service points of the apartments the caller sees, as organisers of activities.
    pub(crate) async fn apartment_organisers(self, caller: &Caller) -> Result<Vec<OrganiserChoice>> {
        let rows = talent_apartment::Entity::find()
            .filter(self.apartment_scope(caller).await?)
            .order_by_asc(talent_apartment::Column::Name)
            .all(self.store.db())
            .await?;
        Ok(rows
            .into_iter()
            .map(|a| OrganiserChoice {
                value: Organiser { kind: OrganiserKind::Apartment, id: a.id }.value(),
                name: format!("{}（{}）", a.service_point, a.name),
                kind_label: OrganiserKind::Apartment.label(),
                town_code: Some(a.town_code),
                cluster_id: None,
            })
            .collect())
    }

    /// One apartment the caller sees.
    pub async fn apartment(self, caller: &Caller, id: i64) -> Result<Apartment> {
        self.apartments(caller).await?.into_iter().find(|a| a.id == id).ok_or(StoreError::NotFound)
    }

    /// An apartment the caller may keep: in its area.
    async fn apartment_to_run(self, caller: &Caller, id: i64) -> Result<talent_apartment::Model> {
        self.store.require(caller, Action::RunTalent)?;
        let a = self.store.found_where::<talent_apartment::Entity>(id, self.apartment_scope(caller).await?).await?;
        Self::keeps(caller, &a.town_code)?;
        Ok(a)
    }

    /// Registers an apartment and its service point in a town of the caller's area.
    pub async fn add_apartment(self, caller: &Caller, f: ApartmentFields, demo: bool) -> Result<i64> {
        self.store.require(caller, Action::RunTalent)?;
        Self::own_town(caller, &f.town)?;
        let row = talent_apartment::ActiveModel {
            name: Set(f.name),
            town_code: Set(f.town.to_string()),
            address: Set(f.address),
            managing_org: Set(f.managing_org),
            service_point: Set(f.service_point),
            ..Default::default()
        };
        self.store
            .insert_stamped(caller, row, demo, |a| {
                Change::new(
                    "talent_apartment.add",
                    "talent_apartment",
                    a.id,
                    format!("登记人才公寓“{}”及党建服务点“{}”", a.name, a.service_point),
                )
            })
            .await
            .map(|saved| saved.id)
    }

    /// A town of the caller's area, or why not.
    pub(super) fn own_town(caller: &Caller, town: &RegionCode) -> Result<()> {
        if town.level() == qunlian_domain::region::RegionLevel::Town && Self::area_holds(caller, &town.to_string()) {
            Ok(())
        } else {
            Err(StoreError::invalid("所属街镇", format!("{}不在您的管辖范围内", town.full_name())))
        }
    }

    /// Adds an enterprise (of the caller's scope) whose staff live in the apartment.
    pub async fn add_resident(self, caller: &Caller, apartment_id: i64, unit_id: i64) -> Result<()> {
        let a = self.apartment_to_run(caller, apartment_id).await?;
        let u = self.enterprise_in_scope(caller, unit_id, "入住企业", false).await?;
        let there = talent_apartment_resident::Entity::find()
            .filter(talent_apartment_resident::Column::ApartmentId.eq(a.id))
            .filter(talent_apartment_resident::Column::UnitId.eq(u.id))
            .one(self.store.db())
            .await?;
        if there.is_some() {
            return Err(StoreError::invalid("入住企业", format!("“{}”已在名单中", u.name)));
        }
        let row = talent_apartment_resident::ActiveModel {
            apartment_id: Set(a.id),
            unit_id: Set(u.id),
            ..Default::default()
        };
        self.store
            .insert_recorded(caller, row, |_| {
                Change::new(
                    "talent_apartment.resident",
                    "talent_apartment",
                    a.id,
                    format!("“{}”入住企业增加“{}”", a.name, u.name),
                )
            })
            .await?;
        Ok(())
    }
}
