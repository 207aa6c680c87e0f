//! Clusters and alliances as working bodies (issue #14, first slice): the powers granted to a
//! cluster committee and their uses (`powers.rs`); an alliance's service list, meetings and
//! decisions (`work.rs`); its issue log of 问题协商 (`issues.rs`) and the figures over it
//! (`figures.rs`). The rules are the domain's (`qunlian_domain::bodies`).
//!
//! Who sees what: a cluster as the registry shows it (`Store::cluster_scope`: a town admin
//! its town's clusters, a cluster secretary its own); an alliance when one of its members is
//! in the caller's scope, or its town is (a town admin its town's alliances). Who writes:
//! the town and district admins grant powers to the clusters of their area; the cluster
//! secretary logs the uses of its own committee's powers; those who run alliances (town and
//! district admins, cluster secretaries) keep an alliance's records; the owner department's
//! officers answer the issues given to it. Every change is audited.
//!
//! Second slice: villages as units of kind `village` and their 名誉村主任 with the 五有
//! checklist and their actions (`villages.rs`, `village_actions.rs`); talent apartments with
//! their service points and secretary studios (`apartments.rs`); talent selections with the
//! Party organisations' opinions (`selections.rs`). The town and district admins keep them.

mod apartments;
mod figures;
mod issues;
mod powers;
mod selections;
mod structure;
mod studios;
mod village_actions;
mod villages;
mod work;

pub use apartments::*;
pub use figures::*;
pub use issues::*;
pub use powers::*;
pub use selections::*;
pub use structure::*;
pub use studios::*;
pub use village_actions::*;
pub use villages::*;
pub use work::*;

use qunlian_domain::auth::{Action, Caller, Scope};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use crate::entity::{
    alliance, alliance_issue, alliance_member, alliance_service, cluster, cluster_power, party_org, unit,
};
use crate::scope::town_in;
use crate::{Result, Store};

/// The bodies capability over the shared store: `store.bodies()`.
#[derive(Clone, Copy)]
pub struct Bodies<'a> {
    store: &'a Store,
}

impl Store {
    pub fn bodies(&self) -> Bodies<'_> {
        Bodies { store: self }
    }
}

/// A cluster on the bodies' index: its powers and their uses counted.
#[derive(Clone, Debug, Serialize)]
pub struct ClusterLine {
    pub id: i64,
    pub name: String,
    pub town: String,
    pub powers: usize,
    /// 实体型 or 活动型: the committee's 组建方式 (`structure.rs`).
    pub form: &'static str,
}

/// An alliance on the bodies' index: its service list and open issues counted.
#[derive(Clone, Debug, Serialize)]
pub struct AllianceLine {
    pub id: i64,
    pub name: String,
    pub services: usize,
    pub open_issues: usize,
}

impl Bodies<'_> {
    /// The clusters the caller may see, by name.
    pub async fn clusters(self, caller: &Caller) -> Result<Vec<ClusterLine>> {
        self.store.require(caller, Action::ReadRegistry)?;
        let scope = self.store.cluster_scope(caller).await?;
        let clusters =
            cluster::Entity::find().filter(scope).order_by_asc(cluster::Column::Name).all(self.store.db()).await?;
        let ids: Vec<i64> = clusters.iter().map(|c| c.id).collect();
        let powers = cluster_power::Entity::find()
            .filter(cluster_power::Column::ClusterId.is_in(ids))
            .all(self.store.db())
            .await?;
        let forms: std::collections::HashMap<i64, qunlian_domain::registry::OrgForm> = party_org::Entity::find()
            .filter(party_org::Column::Id.is_in(clusters.iter().filter_map(|c| c.committee_org_id).collect::<Vec<_>>()))
            .all(self.store.db())
            .await?
            .into_iter()
            .map(|o| (o.id, o.form))
            .collect();
        Ok(clusters
            .into_iter()
            .map(|c| ClusterLine {
                powers: powers.iter().filter(|p| p.cluster_id == c.id).count(),
                form: form_label(c.committee_org_id.and_then(|o| forms.get(&o)).copied()),
                town: crate::shared::town_name(&c.town_code),
                id: c.id,
                name: c.name,
            })
            .collect())
    }

    /// The alliances the caller may see, by id.
    pub async fn alliances(self, caller: &Caller) -> Result<Vec<AllianceLine>> {
        let scope = self.alliance_scope(caller).await?;
        let alliances =
            alliance::Entity::find().filter(scope).order_by_asc(alliance::Column::Id).all(self.store.db()).await?;
        let ids: Vec<i64> = alliances.iter().map(|a| a.id).collect();
        let services = alliance_service::Entity::find()
            .filter(alliance_service::Column::AllianceId.is_in(ids.clone()))
            .all(self.store.db())
            .await?;
        let issues = alliance_issue::Entity::find()
            .filter(alliance_issue::Column::AllianceId.is_in(ids))
            .all(self.store.db())
            .await?;
        Ok(alliances
            .into_iter()
            .map(|a| AllianceLine {
                services: services.iter().filter(|s| s.alliance_id == a.id).count(),
                open_issues: issues.iter().filter(|i| i.alliance_id == a.id && i.state.is_open()).count(),
                id: a.id,
                name: a.name,
            })
            .collect())
    }

    /// Which alliances the caller may see: those with a member in its scope, and for an area
    /// those of its towns.
    pub(crate) async fn alliance_scope(self, caller: &Caller) -> Result<Condition> {
        self.store.require(caller, Action::ReadRegistry)?;
        if matches!(caller.scope, Scope::All | Scope::Department(_)) {
            return Ok(Condition::all());
        }
        let units = Query::select()
            .column(unit::Column::Id)
            .from(unit::Entity)
            .cond_where(self.store.unit_scope(caller).await?)
            .to_owned();
        let with_member = alliance::Column::Id.in_subquery(
            Query::select()
                .column(alliance_member::Column::AllianceId)
                .from(alliance_member::Entity)
                .and_where(alliance_member::Column::UnitId.in_subquery(units))
                .to_owned(),
        );
        let mut any = Condition::any().add(with_member);
        if let Scope::Region(r) = &caller.scope {
            any = any.add(town_in(alliance::Column::TownCode, r));
        }
        Ok(any)
    }

    /// One alliance the caller may see, or NotFound.
    pub(crate) async fn alliance_in_scope(self, caller: &Caller, id: i64) -> Result<alliance::Model> {
        self.store.found_where::<alliance::Entity>(id, self.alliance_scope(caller).await?).await
    }

    /// One cluster the caller may see, or NotFound.
    pub(crate) async fn cluster_in_scope(self, caller: &Caller, id: i64) -> Result<cluster::Model> {
        self.store.require(caller, Action::ReadRegistry)?;
        self.store.found_where::<cluster::Entity>(id, self.store.cluster_scope(caller).await?).await
    }
}
