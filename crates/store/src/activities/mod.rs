//! Activities (组织生活和集群活动, issue #13): the records (`records.rs`), the issues raised at
//! one that become a need or a service request in one step (`issues.rs`), the 三会一课
//! exceptions (`exceptions.rs`), the figures by cluster and town (`figures.rs`), and editing
//! or withdrawing one (`changes.rs`: a withdrawn activity stays on record and counts for
//! nothing). The rules
//! are the domain's (`qunlian_domain::activities`).
//!
//! Who sees an activity: the caller who sees its organiser — an organisation in
//! [`Store::org_scope`] (a branch its subtree), a cluster in [`Store::cluster_scope`], an
//! alliance the bodies show it — and a town or district admin every activity of its area.
//! Who records one: the party side (区、街镇、集群、支部) for an organiser it sees. A unit
//! taking part is a coverage source (`coverage/derived.rs`): a branchless enterprise is
//! work-covered for a year from the activity's day. Every change is audited.

mod changes;
mod exceptions;
mod figures;
mod issues;
mod records;

pub use exceptions::*;
pub use figures::*;
pub use issues::*;
pub use records::*;

use qunlian_domain::activities::{Organiser, OrganiserKind};
use qunlian_domain::auth::{Action, Caller, Scope};
use sea_orm::sea_query::{Expr, Query, SelectStatement, UnionType};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::entity::{activity, alliance, cluster, party_org, party_org_unit, talent_apartment};
use crate::scope::town_in;
use crate::{Result, Store, StoreError};

/// The activities capability over the shared store: `store.activities()`.
#[derive(Clone, Copy)]
pub struct Activities<'a> {
    store: &'a Store,
}

impl Store {
    pub fn activities(&self) -> Activities<'_> {
        Activities { store: self }
    }
}

/// An organiser the caller may record for, as the form's select shows it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct OrganiserChoice {
    pub value: String,
    pub name: String,
    pub kind_label: &'static str,
    pub town_code: Option<String>,
    /// The cluster the organiser's activities count for.
    pub cluster_id: Option<i64>,
}

fn nothing() -> Condition {
    Condition::all().add(Expr::cust("1 = 0"))
}

fn ids_of<E: EntityTrait>(id: E::Column, cond: Condition) -> SelectStatement {
    Query::select().column(id).from(E::default()).cond_where(cond).to_owned()
}

impl Activities<'_> {
    /// The activities the caller may see that count: [`Self::visible`] less the withdrawn.
    /// Lists, figures, coverage checks and the API read these.
    pub(crate) async fn scope(self, caller: &Caller) -> Result<Condition> {
        Ok(self.visible(caller).await?.add(activity::Column::WithdrawnOn.is_null()))
    }

    /// The activities the caller may see, withdrawn ones included (an activity's page shows
    /// its withdrawal): those of the organisers it sees, and for an area those held in its
    /// towns.
    pub(crate) async fn visible(self, caller: &Caller) -> Result<Condition> {
        let any = self.visible_parts(caller).await?.into_iter().fold(Condition::any(), |any, part| any.add(part));
        // Wrapped, so what a caller adds narrows the scope instead of widening it.
        Ok(Condition::all().add(any))
    }

    /// The activities the caller sees that count and also match `extra`, as `id` and
    /// `columns`: one SELECT per part of [`Self::visible`], joined by UNION, so each part is
    /// read through its own index (an OR of them made both databases read every activity of
    /// the period). A UNION of whole rows drops the same activity reached twice, as of ids.
    pub(crate) async fn scope_rows(
        self,
        caller: &Caller,
        extra: Condition,
        columns: &[activity::Column],
    ) -> Result<SelectStatement> {
        let extra = extra.add(activity::Column::WithdrawnOn.is_null());
        let select = |cond: Condition| {
            Query::select()
                .column(activity::Column::Id)
                .columns(columns.iter().copied())
                .from(activity::Entity)
                .cond_where(cond)
                .to_owned()
        };
        let mut parts = self
            .visible_parts(caller)
            .await?
            .into_iter()
            .map(|part| select(Condition::all().add(part).add(extra.clone())));
        let mut rows = parts.next().unwrap_or_else(|| select(nothing()));
        for part in parts {
            rows.union(UnionType::Distinct, part);
        }
        Ok(rows)
    }

    /// The parts of [`Self::visible`], any of which admits an activity.
    async fn visible_parts(self, caller: &Caller) -> Result<Vec<Condition>> {
        self.store.require(caller, Action::ReadActivities)?;
        let by = |kind: OrganiserKind, ids: SelectStatement| {
            Condition::all()
                .add(activity::Column::OrganiserKind.eq(kind.code()))
                .add(activity::Column::OrganiserId.in_subquery(ids))
        };
        let mut parts = vec![
            by(
                OrganiserKind::Org,
                ids_of::<party_org::Entity>(party_org::Column::Id, self.store.org_scope(caller).await?),
            ),
            by(
                OrganiserKind::Cluster,
                ids_of::<cluster::Entity>(cluster::Column::Id, self.store.cluster_scope(caller).await?),
            ),
            by(
                OrganiserKind::Alliance,
                ids_of::<alliance::Entity>(alliance::Column::Id, self.store.bodies().alliance_scope(caller).await?),
            ),
            by(
                OrganiserKind::Apartment,
                ids_of::<talent_apartment::Entity>(
                    talent_apartment::Column::Id,
                    self.store.bodies().apartment_scope(caller).await?,
                ),
            ),
        ];
        if let Scope::Region(r) = &caller.scope {
            parts.push(town_in(activity::Column::TownCode, r));
        }
        Ok(parts)
    }

    /// One activity the caller may see and that counts (not withdrawn), or NotFound (as one
    /// that does not exist).
    pub(crate) async fn row_in_scope(self, caller: &Caller, id: i64) -> Result<activity::Model> {
        let cond = self.scope(caller).await?.add(activity::Column::Id.eq(id));
        activity::Entity::find().filter(cond).one(self.store.db()).await?.ok_or(StoreError::NotFound)
    }

    /// One activity the caller may see, withdrawn or not, or NotFound.
    pub(crate) async fn visible_row(self, caller: &Caller, id: i64) -> Result<activity::Model> {
        let cond = self.visible(caller).await?.add(activity::Column::Id.eq(id));
        activity::Entity::find().filter(cond).one(self.store.db()).await?.ok_or(StoreError::NotFound)
    }

    /// The organisers the caller may record for: its organisations (not dissolved), clusters
    /// and alliances, by kind and name.
    pub async fn organisers(self, caller: &Caller) -> Result<Vec<OrganiserChoice>> {
        self.store.require(caller, Action::ReadActivities)?;
        let db = self.store.db();
        let mut out = Vec::new();
        let committees: Vec<(i64, Option<i64>)> = cluster::Entity::find()
            .select_only()
            .column(cluster::Column::Id)
            .column(cluster::Column::CommitteeOrgId)
            .into_tuple()
            .all(db)
            .await?;
        let orgs = party_org::Entity::find()
            .filter(self.store.org_scope(caller).await?)
            .filter(party_org::Column::DissolvedOn.is_null())
            .order_by_asc(party_org::Column::Name)
            .limit(500)
            .all(db)
            .await?;
        // An organisation without a town of its own is in its unit's town.
        let townless: Vec<i64> = orgs.iter().filter(|o| o.town_code.is_none()).map(|o| o.id).collect();
        let links: Vec<(i64, i64)> = party_org_unit::Entity::find()
            .select_only()
            .column(party_org_unit::Column::PartyOrgId)
            .column(party_org_unit::Column::UnitId)
            .filter(party_org_unit::Column::PartyOrgId.is_in(townless))
            .into_tuple()
            .all(db)
            .await?;
        let towns = self.store.unit_names_and_towns(links.iter().map(|l| l.1).collect()).await?;
        for o in orgs {
            let town_code = o
                .town_code
                .clone()
                .or_else(|| links.iter().find(|l| l.0 == o.id).and_then(|l| towns.get(&l.1)).map(|(_, t)| t.clone()));
            let cluster_id = committees.iter().find(|(_, c)| *c == Some(o.id)).map(|(id, _)| *id);
            out.push(OrganiserChoice {
                value: Organiser { kind: OrganiserKind::Org, id: o.id }.value(),
                name: o.name,
                kind_label: OrganiserKind::Org.label(),
                town_code,
                cluster_id,
            });
        }
        let clusters = cluster::Entity::find()
            .filter(self.store.cluster_scope(caller).await?)
            .order_by_asc(cluster::Column::Name)
            .all(db)
            .await?;
        for c in clusters {
            out.push(OrganiserChoice {
                value: Organiser { kind: OrganiserKind::Cluster, id: c.id }.value(),
                name: c.name,
                kind_label: OrganiserKind::Cluster.label(),
                town_code: Some(c.town_code),
                cluster_id: Some(c.id),
            });
        }
        let alliances = alliance::Entity::find()
            .filter(self.store.bodies().alliance_scope(caller).await?)
            .order_by_asc(alliance::Column::Name)
            .all(db)
            .await?;
        for a in alliances {
            out.push(OrganiserChoice {
                value: Organiser { kind: OrganiserKind::Alliance, id: a.id }.value(),
                name: a.name,
                kind_label: OrganiserKind::Alliance.label(),
                town_code: a.town_code,
                cluster_id: None,
            });
        }
        // A talent apartment's service point (bodies) holds activities of its own.
        out.extend(self.store.bodies().apartment_organisers(caller).await?);
        Ok(out)
    }

    /// The organisers the caller may record for: those it sees, but a cluster only for those
    /// who work for clusters (not a member firm's branch) and an alliance only for those who
    /// run alliances.
    pub async fn recordable_organisers(self, caller: &Caller) -> Result<Vec<OrganiserChoice>> {
        self.store.require(caller, Action::RecordActivities)?;
        let for_clusters = !matches!(caller.scope, Scope::PartyOrg(_) | Scope::Enterprise(_));
        let for_alliances = caller.may(Action::RunAlliances);
        let for_apartments = caller.may(Action::RunTalent);
        Ok(self
            .organisers(caller)
            .await?
            .into_iter()
            .filter(|o| match Organiser::parse(&o.value).map(|p| p.kind) {
                Some(OrganiserKind::Cluster) => for_clusters,
                Some(OrganiserKind::Alliance) => for_alliances,
                Some(OrganiserKind::Apartment) => for_apartments,
                _ => true,
            })
            .collect())
    }

    /// The organiser if the caller may record for it, or a refusal naming the field.
    pub(crate) async fn organiser(self, caller: &Caller, o: Organiser) -> Result<OrganiserChoice> {
        self.recordable_organisers(caller)
            .await?
            .into_iter()
            .find(|c| c.value == o.value())
            .ok_or_else(|| StoreError::invalid("组织方", "不存在，或不在您的权限范围内"))
    }

    /// The name of each organiser, for rows that hold (kind, id).
    pub(crate) async fn organiser_names(
        self,
        rows: &[(OrganiserKind, i64)],
    ) -> Result<std::collections::HashMap<(OrganiserKind, i64), String>> {
        use OrganiserKind as K;
        let of = |k: OrganiserKind| rows.iter().filter(|(kind, _)| *kind == k).map(|(_, id)| *id).collect::<Vec<_>>();
        // Each kind's names from its own table, keyed by the kind.
        let keyed = |k: OrganiserKind, names: std::collections::HashMap<i64, String>| {
            names.into_iter().map(move |(id, n)| ((k, id), n))
        };
        let s = self.store;
        let mut out = std::collections::HashMap::new();
        let orgs = s.column_by_id::<party_org::Entity, _>(party_org::Column::Id, party_org::Column::Name, of(K::Org));
        out.extend(keyed(K::Org, orgs.await?));
        let clusters = s.column_by_id::<cluster::Entity, _>(cluster::Column::Id, cluster::Column::Name, of(K::Cluster));
        out.extend(keyed(K::Cluster, clusters.await?));
        let alliances =
            s.column_by_id::<alliance::Entity, _>(alliance::Column::Id, alliance::Column::Name, of(K::Alliance));
        out.extend(keyed(K::Alliance, alliances.await?));
        let (apartment_id, service_point) = (talent_apartment::Column::Id, talent_apartment::Column::ServicePoint);
        let apartments = s.column_by_id::<talent_apartment::Entity, _>(apartment_id, service_point, of(K::Apartment));
        out.extend(keyed(K::Apartment, apartments.await?));
        Ok(out)
    }
}
