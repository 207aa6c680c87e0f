//! Secretary studios (书记工作室) and other titled carriers: records that integration projects
//! and activities name (`studio_links`, one studio per project or activity). A studio's page
//! lists what names it — only the projects and activities the caller may see, read through
//! those capabilities' own getters, so their scope rules apply unchanged.
//!
//! Who: the town and district admins register studios (`RunTalent`); everyone who reads the
//! registry sees the studios of its area, or of the towns its units are in. Whoever records a
//! project application or an activity may name a studio it sees for it.

use qunlian_domain::RegionCode;
use qunlian_domain::auth::{Action, Caller, Scope};
use qunlian_domain::bodies::{StudioFields, StudioTarget};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::Bodies;
use crate::audit::Change;
use crate::entity::{secretary_studio, studio_link, unit};
use crate::scope::town_in;
use crate::{Result, StoreError};

#[derive(Clone, Debug, Serialize)]
pub struct Studio {
    pub id: i64,
    pub name: String,
    pub org: String,
    pub lead: String,
    pub town: String,
    pub is_demo: bool,
}

/// A project or an activity that names the studio, as its page links it.
#[derive(Clone, Debug, Serialize)]
pub struct StudioUse {
    pub target: StudioTarget,
    pub id: i64,
    pub title: String,
    /// The project's state or the activity's day and kind.
    pub detail: String,
    /// `/projects/applications/ID` or `/activities/ID`.
    pub link: String,
}

/// A studio with the projects and activities (those the caller sees) that name it.
#[derive(Clone, Debug, Serialize)]
pub struct StudioPage {
    pub studio: Studio,
    pub projects: Vec<StudioUse>,
    pub activities: Vec<StudioUse>,
    /// Links to records the caller does not see: counted, not named.
    pub hidden: usize,
}

fn to_studio(s: secretary_studio::Model) -> Studio {
    Studio {
        town: crate::shared::town_name(&s.town_code),
        id: s.id,
        name: s.name,
        org: s.org,
        lead: s.lead,
        is_demo: s.is_demo,
    }
}

impl Bodies<'_> {
    /// Which studios the caller sees: all for the district and the departments, its area's
    /// for an area admin, otherwise those of the towns its units are in.
    async fn studio_scope(self, caller: &Caller) -> Result<Condition> {
        self.store.require(caller, Action::ReadRegistry)?;
        Ok(match &caller.scope {
            Scope::All | Scope::Department(_) => Condition::all(),
            Scope::Region(r) => town_in(secretary_studio::Column::TownCode, r),
            _ => {
                let towns = Query::select()
                    .column(unit::Column::TownCode)
                    .from(unit::Entity)
                    .cond_where(self.store.unit_scope(caller).await?)
                    .to_owned();
                Condition::all().add(secretary_studio::Column::TownCode.in_subquery(towns))
            }
        })
    }

    /// The secretary studios the caller sees, by name.
    pub async fn studios(self, caller: &Caller) -> Result<Vec<Studio>> {
        Ok(secretary_studio::Entity::find()
            .filter(self.studio_scope(caller).await?)
            .order_by_asc(secretary_studio::Column::Name)
            .all(self.store.db())
            .await?
            .into_iter()
            .map(to_studio)
            .collect())
    }

    async fn studio_row(self, caller: &Caller, id: i64) -> Result<secretary_studio::Model> {
        self.store.found_where::<secretary_studio::Entity>(id, self.studio_scope(caller).await?).await
    }

    /// One studio with what names it: the projects and activities the caller may see, by
    /// their own capabilities' rules; the others counted.
    pub async fn studio(self, caller: &Caller, id: i64) -> Result<StudioPage> {
        let s = self.studio_row(caller, id).await?;
        let links = studio_link::Entity::find()
            .filter(studio_link::Column::StudioId.eq(s.id))
            .order_by_asc(studio_link::Column::Id)
            .all(self.store.db())
            .await?;
        let (mut projects, mut activities, mut hidden) = (Vec::new(), Vec::new(), 0);
        for l in links {
            match l.target {
                StudioTarget::Project => match self.store.projects().application(caller, l.target_id).await {
                    Ok(a) => projects.push(StudioUse {
                        target: l.target,
                        id: a.row.id,
                        detail: format!("{}（{}）", a.row.state.label(), a.row.org_name),
                        title: a.row.title,
                        link: format!("/projects/applications/{}", l.target_id),
                    }),
                    Err(StoreError::NotFound | StoreError::Forbidden) => hidden += 1,
                    Err(e) => return Err(e),
                },
                StudioTarget::Activity => match self.store.activities().get(caller, l.target_id).await {
                    Ok(a) => activities.push(StudioUse {
                        target: l.target,
                        id: a.id,
                        detail: format!("{} {}（{}）", a.held_on, a.kind.label(), a.organiser_name),
                        title: a.subject,
                        link: format!("/activities/{}", a.id),
                    }),
                    Err(StoreError::NotFound | StoreError::Forbidden) => hidden += 1,
                    Err(e) => return Err(e),
                },
            }
        }
        Ok(StudioPage { studio: to_studio(s), projects, activities, hidden })
    }

    /// A studio chosen on a project's or an activity's form (its id as typed; empty for none),
    /// checked to be one the caller sees, or a refusal naming the field.
    pub async fn chosen_studio(self, caller: &Caller, value: &str) -> Result<Option<i64>> {
        let value = value.trim();
        if value.is_empty() {
            return Ok(None);
        }
        let refused = || StoreError::invalid("书记工作室", "不存在，或不在您的范围内");
        let id = value.parse::<i64>().map_err(|_| refused())?;
        match self.studio_row(caller, id).await {
            Ok(s) => Ok(Some(s.id)),
            Err(StoreError::NotFound) => Err(refused()),
            Err(e) => Err(e),
        }
    }

    /// The studio a project or an activity names, if any and if the caller sees it.
    pub async fn studio_named_by(self, caller: &Caller, target: StudioTarget, id: i64) -> Result<Option<Studio>> {
        let link = studio_link::Entity::find()
            .filter(studio_link::Column::Target.eq(target))
            .filter(studio_link::Column::TargetId.eq(id))
            .one(self.store.db())
            .await?;
        match link {
            Some(l) => match self.studio_row(caller, l.studio_id).await {
                Ok(s) => Ok(Some(to_studio(s))),
                Err(StoreError::NotFound) => Ok(None),
                Err(e) => Err(e),
            },
            None => Ok(None),
        }
    }

    /// Names a studio (one the caller sees) for a project application the caller may file,
    /// or an activity it may record; `None` removes the name. Audited.
    pub async fn name_studio(
        self,
        caller: &Caller,
        target: StudioTarget,
        id: i64,
        studio: Option<i64>,
        demo: bool,
    ) -> Result<()> {
        let what = match target {
            StudioTarget::Project => {
                self.store.require(caller, Action::ApplyProjects)?;
                self.store.projects().application(caller, id).await?.row.title
            }
            StudioTarget::Activity => {
                self.store.require(caller, Action::RecordActivities)?;
                self.store.activities().get(caller, id).await?.subject
            }
        };
        let s = match studio {
            Some(s) => Some(
                self.studio_row(caller, s)
                    .await
                    .map_err(|_| StoreError::invalid("书记工作室", "不存在，或不在您的范围内"))?,
            ),
            None => None,
        };
        let current = studio_link::Entity::find()
            .filter(studio_link::Column::Target.eq(target))
            .filter(studio_link::Column::TargetId.eq(id))
            .one(self.store.db())
            .await?;
        if current.as_ref().map(|c| c.studio_id) == s.as_ref().map(|s| s.id) {
            return Ok(());
        }
        // The old link goes, the new one comes and the line says which, all or none.
        self.store
            .atomically(|store| async move {
                if let Some(c) = current {
                    studio_link::Entity::delete_by_id(c.id).exec(store.db()).await?;
                }
                let Some(s) = s else {
                    let line = format!("{}“{what}”不再关联书记工作室", target.label());
                    return store
                        .audit()
                        .record(caller, "secretary_studio.unlink", target.code(), Some(id.to_string()), line)
                        .await;
                };
                let row = studio_link::ActiveModel {
                    studio_id: Set(s.id),
                    target: Set(target),
                    target_id: Set(id),
                    ..Default::default()
                };
                store
                    .insert_stamped(caller, row, demo, |_| {
                        Change::new(
                            "secretary_studio.link",
                            "secretary_studio",
                            s.id,
                            format!("{}“{what}”关联书记工作室“{}”", target.label(), s.name),
                        )
                    })
                    .await?;
                Ok(())
            })
            .await
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
            ..Default::default()
        };
        self.store
            .insert_stamped(caller, row, demo, |s| {
                Change::new(
                    "secretary_studio.add",
                    "secretary_studio",
                    s.id,
                    format!("登记书记工作室“{}”（{}）", s.name, s.lead),
                )
            })
            .await
            .map(|saved| saved.id)
    }
}
