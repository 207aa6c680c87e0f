//! The registry's headline figures within the caller's scope.

use qunlian_domain::auth::{Action, Caller};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter};
use serde::Serialize;

use super::*;
use crate::Result;
use crate::entity::{party_org, party_org_unit, unit};

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

impl Registry<'_> {
    pub async fn figures(self, caller: &Caller) -> Result<RegistryFigures> {
        use super::EnterpriseFilter;
        use qunlian_domain::registry::SrdiLevel;
        self.store.require(caller, Action::ReadRegistry)?;
        let base = EnterpriseFilter::default();
        let count = |f: EnterpriseFilter| async move { self.count_enterprises(caller, &f).await };
        let enterprises = count(base.clone()).await?;
        let high_tech = count(EnterpriseFilter { high_tech: Some(true), ..base.clone() }).await?;
        let above_scale = count(EnterpriseFilter { above_scale: Some(true), ..base.clone() }).await?;
        let srdi = count(EnterpriseFilter { srdi_at_least: Some(SrdiLevel::Municipal), ..base.clone() }).await?;
        let clusters_list = self.list_clusters(caller, None).await?;
        let org_cond =
            Condition::all().add(self.store.org_scope(caller).await?).add(party_org::Column::DissolvedOn.is_null());
        let orgs = party_org::Entity::find().filter(org_cond.clone()).count(self.store.db()).await?;
        let active_orgs = Query::select()
            .column(party_org::Column::Id)
            .from(party_org::Entity)
            .cond_where(party_org::Column::DissolvedOn.is_null())
            .to_owned();
        let units_with_org = unit::Entity::find()
            .filter(self.store.unit_scope(caller).await?)
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
            .count(self.store.db())
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
