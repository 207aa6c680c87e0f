//! Talent apartments (人才公寓) with their Party service point (Songjiang: one service point
//! in every apartment): the address, the managing Party organisation, the enterprises whose
//! staff live there, and the activities held at the point — plain records until an
//! activities capability links in — and secretary studios (书记工作室) as records.
//!
//! Who: the town and district admins keep them; an area admin sees its area's, others the
//! apartments where an enterprise of their scope lives.

use chrono::NaiveDate;
use qunlian_domain::RegionCode;
use qunlian_domain::auth::{Action, Caller};
use qunlian_domain::bodies::{ActivityFields, ApartmentFields, StudioFields};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::Bodies;
use crate::audit::Change;
use crate::entity::{secretary_studio, talent_apartment, talent_apartment_activity, talent_apartment_resident};
use crate::{Result, StoreError};

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
    pub activities: Vec<ApartmentActivity>,
    pub is_demo: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct ApartmentActivity {
    pub id: i64,
    pub held_on: NaiveDate,
    pub title: String,
    pub note: String,
    pub is_demo: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Studio {
    pub id: i64,
    pub name: String,
    pub org: String,
    pub lead: String,
    pub town: String,
    pub is_demo: bool,
}

impl Bodies<'_> {
    async fn apartment_scope(self, caller: &Caller) -> Result<Condition> {
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
        let activities = talent_apartment_activity::Entity::find()
            .filter(talent_apartment_activity::Column::ApartmentId.is_in(ids))
            .order_by_desc(talent_apartment_activity::Column::HeldOn)
            .all(self.store.db())
            .await?;
        Ok(rows
            .into_iter()
            .map(|a| Apartment {
                residents: residents
                    .iter()
                    .filter(|r| r.apartment_id == a.id)
                    .map(|r| (r.unit_id, names.get(&r.unit_id).cloned().unwrap_or_default()))
                    .collect(),
                activities: activities
                    .iter()
                    .filter(|v| v.apartment_id == a.id)
                    .map(|v| ApartmentActivity {
                        id: v.id,
                        held_on: v.held_on,
                        title: v.title.clone(),
                        note: v.note.clone(),
                        is_demo: v.is_demo,
                    })
                    .collect(),
                town: crate::shared::town_name(&a.town_code),
                id: a.id,
                name: a.name,
                town_code: a.town_code,
                address: a.address,
                managing_org: a.managing_org,
                service_point: a.service_point,
                is_demo: a.is_demo,
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
        let a = talent_apartment::Entity::find_by_id(id)
            .filter(self.apartment_scope(caller).await?)
            .one(self.store.db())
            .await?
            .ok_or(StoreError::NotFound)?;
        if Self::area_holds(caller, &a.town_code) { Ok(a) } else { Err(StoreError::Forbidden) }
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
            recorded_by: Set(caller.username.clone()),
            is_demo: Set(demo),
            created_at: Set(self.store.now()),
            ..Default::default()
        };
        let saved = self
            .store
            .insert_recorded(caller, row, |a| {
                Change::new(
                    "talent_apartment.add",
                    "talent_apartment",
                    a.id,
                    format!("登记人才公寓“{}”及党建服务点“{}”", a.name, a.service_point),
                )
            })
            .await?;
        Ok(saved.id)
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

    /// Records an activity held at the apartment's service point.
    pub async fn record_apartment_activity(
        self,
        caller: &Caller,
        apartment_id: i64,
        f: ActivityFields,
        demo: bool,
    ) -> Result<i64> {
        let a = self.apartment_to_run(caller, apartment_id).await?;
        let row = talent_apartment_activity::ActiveModel {
            apartment_id: Set(a.id),
            held_on: Set(f.held_on),
            title: Set(f.title),
            note: Set(f.note),
            recorded_by: Set(caller.username.clone()),
            is_demo: Set(demo),
            created_at: Set(self.store.now()),
            ..Default::default()
        };
        let saved = self
            .store
            .insert_recorded(caller, row, |v| {
                Change::new(
                    "talent_apartment.activity",
                    "talent_apartment_activity",
                    v.id,
                    format!("“{}”党建服务点活动“{}”（{}）", a.service_point, v.title, v.held_on),
                )
            })
            .await?;
        Ok(saved.id)
    }

    /// The secretary studios the caller sees (its area's; everyone's for the district).
    pub async fn studios(self, caller: &Caller) -> Result<Vec<Studio>> {
        let scope = self.town_or_unit_scope(caller, secretary_studio::Column::TownCode, None).await?;
        Ok(secretary_studio::Entity::find()
            .filter(scope)
            .order_by_asc(secretary_studio::Column::Name)
            .all(self.store.db())
            .await?
            .into_iter()
            .map(|s| Studio {
                town: crate::shared::town_name(&s.town_code),
                id: s.id,
                name: s.name,
                org: s.org,
                lead: s.lead,
                is_demo: s.is_demo,
            })
            .collect())
    }

    /// Records a secretary studio of a town of the caller's area.
    pub async fn add_studio(self, caller: &Caller, town: &RegionCode, f: StudioFields, demo: bool) -> Result<i64> {
        self.store.require(caller, Action::RunTalent)?;
        Self::own_town(caller, town)?;
        let row = secretary_studio::ActiveModel {
            town_code: Set(town.to_string()),
            name: Set(f.name),
            org: Set(f.org),
            lead: Set(f.lead),
            recorded_by: Set(caller.username.clone()),
            is_demo: Set(demo),
            created_at: Set(self.store.now()),
            ..Default::default()
        };
        let saved = self
            .store
            .insert_recorded(caller, row, |s| {
                Change::new(
                    "secretary_studio.add",
                    "secretary_studio",
                    s.id,
                    format!("登记书记工作室“{}”（{}）", s.name, s.lead),
                )
            })
            .await?;
        Ok(saved.id)
    }
}
