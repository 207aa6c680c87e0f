//! Who takes part in a project besides its applying organisation: the carrier ("X", a
//! 党员科技创新工作室 with its lead, registered once by an organisation and chosen again by its
//! later applications) and the enterprises (the applicant's own and its partners). A partner
//! is chosen from what the applicant may see of the registry: the enterprises in its scope
//! and the current members of the clusters it sees. Conflicts of interest cover every one of
//! them and their groups (`conflicts.rs`).

use qunlian_domain::auth::{Action, Caller};
use qunlian_domain::registry::UnitKind;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use super::*;
use crate::entity::{
    cluster, cluster_member, party_org, project_application, project_application_unit, project_carrier, project_target,
    unit,
};

/// A registered carrier.
#[derive(Clone, Debug, Serialize)]
pub struct Carrier {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub lead_name: String,
    pub org_id: i64,
    pub org_name: String,
    pub is_demo: bool,
}

/// A carrier and the projects it carries that the caller may see.
#[derive(Clone, Debug, Serialize)]
pub struct CarrierPage {
    pub carrier: Carrier,
    pub projects: Vec<ApplicationRow>,
}

/// Most partner enterprises offered at once.
const PARTNER_CHOICES: u64 = 50;

impl Projects<'_> {
    /// The carriers registered by the organisations in the caller's scope (or by `org`
    /// only), by name: what an application may choose.
    pub async fn carriers(&self, caller: &Caller, org: Option<i64>) -> Result<Vec<Carrier>> {
        self.store.require(caller, Action::ReadProjects)?;
        let mut orgs = Condition::all().add(self.store.org_scope(caller).await?);
        if let Some(o) = org {
            orgs = orgs.add(party_org::Column::Id.eq(o));
        }
        let rows = project_carrier::Entity::find()
            .filter(project_carrier::Column::OrgId.in_subquery(
                Query::select().column(party_org::Column::Id).from(party_org::Entity).cond_where(orgs).to_owned(),
            ))
            .order_by_asc(project_carrier::Column::Name)
            .order_by_asc(project_carrier::Column::Id)
            .all(self.store.db())
            .await?;
        let names = self.org_names(rows.iter().map(|c| c.org_id).collect()).await?;
        Ok(rows
            .into_iter()
            .map(|c| Carrier {
                org_name: names.get(&c.org_id).cloned().unwrap_or_default(),
                id: c.id,
                kind: c.kind,
                name: c.name,
                lead_name: c.lead_name,
                org_id: c.org_id,
                is_demo: c.is_demo,
            })
            .collect())
    }

    /// A carrier whose organisation the caller sees, with the projects it carries in the
    /// caller's scope (latest round first).
    pub async fn carrier(&self, caller: &Caller, id: i64) -> Result<CarrierPage> {
        let carrier =
            self.carriers(caller, None).await?.into_iter().find(|c| c.id == id).ok_or(StoreError::NotFound)?;
        let cond = self.application_scope(caller).await?.add(project_application::Column::CarrierId.eq(id));
        let models = project_application::Entity::find()
            .filter(cond)
            .order_by_desc(project_application::Column::RoundId)
            .order_by_asc(project_application::Column::Id)
            .all(self.store.db())
            .await?;
        let names = self.org_names(models.iter().map(|m| m.org_id).collect()).await?;
        let projects = models.iter().map(|m| row_of(m, names.get(&m.org_id).cloned().unwrap_or_default())).collect();
        Ok(CarrierPage { carrier, projects })
    }

    /// The enterprises the caller may name as partners: those in its scope and the current
    /// members of the clusters it sees; no government department.
    async fn partner_scope(&self, caller: &Caller) -> Result<Condition> {
        let cluster_members = Query::select()
            .column(cluster_member::Column::UnitId)
            .from(cluster_member::Entity)
            .and_where(cluster_member::Column::LeftOn.is_null())
            .and_where(
                cluster_member::Column::ClusterId.in_subquery(
                    Query::select()
                        .column(cluster::Column::Id)
                        .from(cluster::Entity)
                        .cond_where(self.store.cluster_scope(caller).await?)
                        .to_owned(),
                ),
            )
            .to_owned();
        Ok(Condition::all().add(unit::Column::Kind.ne(UnitKind::Government.code())).add(
            Condition::any()
                .add(self.store.unit_scope(caller).await?)
                .add(unit::Column::Id.in_subquery(cluster_members)),
        ))
    }

    /// Partner enterprises the caller may name, whose name contains `q` (or credit code starts
    /// with it), by name, at most [`PARTNER_CHOICES`]; those of `keep` (the form's ticked ones)
    /// first.
    pub async fn partner_choices(&self, caller: &Caller, q: &str, keep: &[i64]) -> Result<Vec<(i64, String)>> {
        self.store.require(caller, Action::ApplyProjects)?;
        self.store.unit_choices_keeping(self.partner_scope(caller).await?, Some(q), PARTNER_CHOICES, keep).await
    }

    /// Refuses a unit the caller may not name, by its number.
    pub(super) async fn check_partners(&self, caller: &Caller, units: &[i64]) -> Result<()> {
        let found: Vec<i64> = unit::Entity::find()
            .select_only()
            .column(unit::Column::Id)
            .filter(self.partner_scope(caller).await?.add(unit::Column::Id.is_in(units.iter().copied())))
            .into_tuple()
            .all(self.store.db())
            .await?;
        match units.iter().find(|u| !found.contains(u)) {
            Some(u) => Err(StoreError::invalid("参与企业", format!("企业 {u} 不存在，或不在您可选的范围内"))),
            None => Ok(()),
        }
    }

    /// Writes the carrier, the units and the targets of an application (inside `txn`).
    pub(super) async fn write_parts(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        id: i64,
        input: &ApplicationInput,
        units: &[i64],
    ) -> Result<Option<i64>> {
        let carrier = match &input.new_carrier {
            Some(c) => Some(
                project_carrier::Entity::insert(project_carrier::ActiveModel {
                    kind: Set(c.kind.clone()),
                    name: Set(c.name.trim().to_owned()),
                    org_id: Set(input.org_id),
                    unit_id: Set(units.first().copied()),
                    lead_name: Set(c.lead_name.trim().to_owned()),
                    created_at: Set(self.store.now()),
                    is_demo: Set(input.is_demo),
                    ..Default::default()
                })
                .exec(txn)
                .await?
                .last_insert_id,
            ),
            None => match input.carrier_id {
                Some(cid) => {
                    let c = project_carrier::Entity::find_by_id(cid).one(txn).await?;
                    if c.is_none_or(|c| c.org_id != input.org_id) {
                        return Err(StoreError::invalid("工作载体", "不是本组织登记的载体"));
                    }
                    Some(cid)
                }
                None => None,
            },
        };
        project_application_unit::Entity::delete_many()
            .filter(project_application_unit::Column::ApplicationId.eq(id))
            .exec(txn)
            .await?;
        project_application_unit::Entity::insert_many(
            units.iter().map(|u| project_application_unit::ActiveModel { application_id: Set(id), unit_id: Set(*u) }),
        )
        .exec_without_returning(txn)
        .await?;
        project_target::Entity::delete_many().filter(project_target::Column::ApplicationId.eq(id)).exec(txn).await?;
        if !input.targets.is_empty() {
            project_target::Entity::insert_many(input.targets.iter().enumerate().map(|(i, (metric, target))| {
                project_target::ActiveModel {
                    application_id: Set(id),
                    metric: Set(metric.trim().to_owned()),
                    target: Set(*target),
                    position: Set(i32::try_from(i).unwrap_or(0)),
                    ..Default::default()
                }
            }))
            .exec_without_returning(txn)
            .await?;
        }
        Ok(carrier)
    }
}
