//! The work groups of the caller's scope, one work group with its units and its temporary
//! branch's members (names masked), and what the creation form offers.

use std::collections::HashMap;

use chrono::NaiveDate;
use qunlian_domain::auth::{Action, Caller};
use qunlian_domain::workgroups::{DUE_DAYS, WorkgroupKind, WorkgroupState};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use super::Workgroups;
use crate::entity::{cluster, member, party_org, workgroup, workgroup_member, workgroup_unit};
use crate::shared::{mask_name, town_name};
use crate::{Page, PageRequest, Result};

/// A work group as lists show it.
#[derive(Clone, Debug, Serialize)]
pub struct WorkgroupLine {
    pub id: i64,
    pub name: String,
    pub kind: WorkgroupKind,
    pub town_code: String,
    pub town_name: String,
    pub cluster_id: Option<i64>,
    pub cluster_name: Option<String>,
    pub lead_unit_id: i64,
    pub lead_unit: String,
    pub parent_org_id: i64,
    pub branch_org_id: i64,
    pub branch_name: String,
    pub started_on: NaiveDate,
    pub planned_end_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub state: WorkgroupState,
    /// The planned end is past and no end recorded.
    pub overdue: bool,
    pub units: u64,
    pub members: u64,
    pub is_demo: bool,
}

/// A member taking part in the temporary branch, the relation where it is.
#[derive(Clone, Debug, Serialize)]
pub struct TakingPartMember {
    pub member_id: i64,
    /// Masked: 陈*华.
    pub name: String,
    /// The organisation holding the member's relation (组织关系所在党组织).
    pub home_org_id: i64,
    pub home_org: String,
    pub since: NaiveDate,
    pub until: Option<NaiveDate>,
}

/// One work group with its units, the parent organisation and the branch's members.
#[derive(Clone, Debug, Serialize)]
pub struct Workgroup {
    pub line: WorkgroupLine,
    pub description: String,
    pub parent_org: String,
    pub units: Vec<(i64, String)>,
    pub members: Vec<TakingPartMember>,
    pub end_reason: Option<String>,
    pub created_by: String,
}

/// What a work-group list is narrowed to; empty is everything in scope.
#[derive(Clone, Debug, Default)]
pub struct WorkgroupFilter {
    pub kind: Option<WorkgroupKind>,
    pub state: Option<WorkgroupState>,
    /// Those whose temporary branch stands under this organisation.
    pub parent_org: Option<i64>,
}

/// What the creation form offers the caller: its clusters, units, organisations (not
/// dissolved) and members (masked, with their organisation).
#[derive(Clone, Debug, Default, Serialize)]
pub struct WorkgroupChoices {
    pub clusters: Vec<(i64, String)>,
    pub units: Vec<(i64, String)>,
    pub orgs: Vec<(i64, String)>,
    pub members: Vec<(i64, String)>,
}

/// At most this many of each in the form's lists.
const CHOICE_ROWS: u64 = 500;

impl Workgroups<'_> {
    pub(crate) fn state_condition(state: WorkgroupState, today: NaiveDate) -> Condition {
        let due_from = today + chrono::Duration::days(DUE_DAYS);
        match state {
            WorkgroupState::Ended => Condition::all().add(workgroup::Column::EndedOn.is_not_null()),
            WorkgroupState::Due => Condition::all()
                .add(workgroup::Column::EndedOn.is_null())
                .add(workgroup::Column::PlannedEndOn.lte(due_from)),
            WorkgroupState::Active => Condition::all()
                .add(workgroup::Column::EndedOn.is_null())
                .add(workgroup::Column::PlannedEndOn.gt(due_from)),
        }
    }

    async fn filtered(self, caller: &Caller, f: &WorkgroupFilter) -> Result<Condition> {
        let mut cond = self.scope(caller).await?;
        if let Some(k) = f.kind {
            cond = cond.add(workgroup::Column::Kind.eq(k.code()));
        }
        if let Some(s) = f.state {
            cond = cond.add(Self::state_condition(s, self.store.today()));
        }
        if let Some(o) = f.parent_org {
            cond = cond.add(workgroup::Column::ParentOrgId.eq(o));
        }
        Ok(cond)
    }

    /// A page of the work groups in the caller's scope, the latest started first.
    pub async fn list(self, caller: &Caller, f: &WorkgroupFilter, page: PageRequest) -> Result<Page<WorkgroupLine>> {
        let cond = self.filtered(caller, f).await?;
        let db = self.store.db();
        let total = workgroup::Entity::find().filter(cond.clone()).count(db).await?;
        let rows = workgroup::Entity::find()
            .filter(cond)
            .order_by_desc(workgroup::Column::StartedOn)
            .order_by_desc(workgroup::Column::Id)
            .offset(page.offset())
            .limit(page.per_page)
            .all(db)
            .await?;
        Ok(Page { items: self.lines(rows).await?, total, page: page.page, per_page: page.per_page })
    }

    /// The lines of rows read through the scope: names, counts and states.
    pub(crate) async fn lines(self, rows: Vec<workgroup::Model>) -> Result<Vec<WorkgroupLine>> {
        let s = self.store;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let units = s.unit_names(rows.iter().map(|r| r.lead_unit_id).collect()).await?;
        let branches = s.org_names(rows.iter().map(|r| r.branch_org_id).collect()).await?;
        let clusters: HashMap<i64, String> = s
            .column_by_id::<cluster::Entity, String>(
                cluster::Column::Id,
                cluster::Column::Name,
                rows.iter().filter_map(|r| r.cluster_id).collect(),
            )
            .await?;
        let unit_counts = self.counts::<workgroup_unit::Entity>(workgroup_unit::Column::WorkgroupId, &ids).await?;
        let member_counts =
            self.counts::<workgroup_member::Entity>(workgroup_member::Column::WorkgroupId, &ids).await?;
        let today = s.today();
        Ok(rows
            .into_iter()
            .map(|r| WorkgroupLine {
                state: WorkgroupState::on(r.planned_end_on, r.ended_on, today),
                overdue: r.ended_on.is_none() && r.planned_end_on < today,
                town_name: town_name(&r.town_code),
                cluster_name: r.cluster_id.and_then(|c| clusters.get(&c).cloned()),
                lead_unit: units.get(&r.lead_unit_id).cloned().unwrap_or_default(),
                branch_name: branches.get(&r.branch_org_id).cloned().unwrap_or_default(),
                units: unit_counts.get(&r.id).copied().unwrap_or(0),
                members: member_counts.get(&r.id).copied().unwrap_or(0),
                id: r.id,
                name: r.name,
                kind: r.kind,
                town_code: r.town_code,
                cluster_id: r.cluster_id,
                lead_unit_id: r.lead_unit_id,
                parent_org_id: r.parent_org_id,
                branch_org_id: r.branch_org_id,
                started_on: r.started_on,
                planned_end_on: r.planned_end_on,
                ended_on: r.ended_on,
                is_demo: r.is_demo,
            })
            .collect())
    }

    /// Rows per work group of a table keyed by `workgroup_id`.
    async fn counts<E: EntityTrait>(self, key: E::Column, ids: &[i64]) -> Result<HashMap<i64, u64>> {
        let rows: Vec<(i64, i64)> = E::find()
            .select_only()
            .column(key)
            .column_as(key.count(), "n")
            .filter(key.is_in(ids.to_vec()))
            .group_by(key)
            .into_tuple()
            .all(self.store.db())
            .await?;
        Ok(rows.into_iter().map(|(id, n)| (id, n as u64)).collect())
    }

    /// One work group: its units, the parent organisation, the branch's members (masked,
    /// each with the organisation holding the relation).
    pub async fn workgroup(self, caller: &Caller, id: i64) -> Result<Workgroup> {
        let r = self.row(caller, id).await?;
        let s = self.store;
        let db = s.db();
        let unit_ids: Vec<i64> = workgroup_unit::Entity::find()
            .select_only()
            .column(workgroup_unit::Column::UnitId)
            .filter(workgroup_unit::Column::WorkgroupId.eq(id))
            .order_by_asc(workgroup_unit::Column::Id)
            .into_tuple()
            .all(db)
            .await?;
        let names = s.unit_names(unit_ids.clone()).await?;
        let units = unit_ids.into_iter().map(|u| (u, names.get(&u).cloned().unwrap_or_default())).collect();
        let taking = workgroup_member::Entity::find()
            .filter(workgroup_member::Column::WorkgroupId.eq(id))
            .order_by_asc(workgroup_member::Column::Id)
            .all(db)
            .await?;
        let people: HashMap<i64, (String, i64)> = member::Entity::find()
            .select_only()
            .column(member::Column::Id)
            .column(member::Column::Name)
            .column(member::Column::PartyOrgId)
            .filter(member::Column::Id.is_in(taking.iter().map(|t| t.member_id)))
            .into_tuple::<(i64, String, i64)>()
            .all(db)
            .await?
            .into_iter()
            .map(|(i, n, o)| (i, (n, o)))
            .collect();
        let mut org_ids: Vec<i64> = people.values().map(|(_, o)| *o).collect();
        org_ids.push(r.parent_org_id);
        let orgs = s.org_names(org_ids).await?;
        let members = taking
            .into_iter()
            .filter_map(|t| {
                let (name, home) = people.get(&t.member_id)?;
                Some(TakingPartMember {
                    member_id: t.member_id,
                    name: mask_name(name),
                    home_org_id: *home,
                    home_org: orgs.get(home).cloned().unwrap_or_default(),
                    since: t.since,
                    until: t.until,
                })
            })
            .collect();
        let parent_org = orgs.get(&r.parent_org_id).cloned().unwrap_or_default();
        let (description, end_reason, created_by) = (r.description.clone(), r.end_reason.clone(), r.created_by.clone());
        let line = self.lines(vec![r]).await?.remove(0);
        Ok(Workgroup { line, description, parent_org, units, members, end_reason, created_by })
    }

    /// What the creation form offers: the caller's clusters, units, organisations that stand
    /// and members, at most [`CHOICE_ROWS`] of each, by name.
    pub async fn choices(self, caller: &Caller) -> Result<WorkgroupChoices> {
        self.store.require(caller, Action::RestructureRegistry)?;
        let s = self.store;
        let db = s.db();
        let clusters = cluster::Entity::find()
            .select_only()
            .column(cluster::Column::Id)
            .column(cluster::Column::Name)
            .filter(s.cluster_scope(caller).await?)
            .order_by_asc(cluster::Column::Name)
            .limit(CHOICE_ROWS)
            .into_tuple()
            .all(db)
            .await?;
        let units = s.units_acting_for(caller, Action::ReadRegistry, None, CHOICE_ROWS).await?;
        let org_scope = s.org_scope(caller).await?;
        let orgs = party_org::Entity::find()
            .select_only()
            .column(party_org::Column::Id)
            .column(party_org::Column::Name)
            .filter(org_scope.clone())
            .filter(party_org::Column::DissolvedOn.is_null())
            .order_by_asc(party_org::Column::Name)
            .limit(CHOICE_ROWS)
            .into_tuple()
            .all(db)
            .await?;
        let in_orgs =
            Query::select().column(party_org::Column::Id).from(party_org::Entity).cond_where(org_scope).to_owned();
        let rows: Vec<(i64, String, i64)> = member::Entity::find()
            .select_only()
            .column(member::Column::Id)
            .column(member::Column::Name)
            .column(member::Column::PartyOrgId)
            .filter(member::Column::PartyOrgId.in_subquery(in_orgs))
            .order_by_asc(member::Column::PartyOrgId)
            .order_by_asc(member::Column::Name)
            .limit(CHOICE_ROWS)
            .into_tuple()
            .all(db)
            .await?;
        let homes = s.org_names(rows.iter().map(|r| r.2).collect()).await?;
        let members = rows
            .into_iter()
            .map(|(id, name, org)| {
                (id, format!("{}（{}）", mask_name(&name), homes.get(&org).cloned().unwrap_or_default()))
            })
            .collect();
        Ok(WorkgroupChoices { clusters, units, orgs, members })
    }
}
