//! The caller's scope as SQL conditions. Every registry query in this crate is built with
//! one of these; a scope that matches nothing yields `1 = 0`, never "no filter".

use qunlian_domain::RegionCode;
use qunlian_domain::auth::{Action, Caller, Scope, UnitId};
use qunlian_domain::region::RegionLevel;
use sea_orm::sea_query::{Expr, Query, UnionType};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::entity::{cluster, cluster_member, party_org, party_org_unit, unit};
use crate::{Result, Store, StoreError};

/// How many records a form may hold on to beyond a picker's first page (see
/// [`Store::unit_choices_keeping`]): as many as a form may choose.
pub(crate) const KEEP_LIMIT: usize = qunlian_domain::limits::CHOICES;

/// The ids a form holds, at most [`KEEP_LIMIT`] of them.
pub(crate) fn kept_ids(keep: &[i64]) -> &[i64] {
    &keep[..keep.len().min(KEEP_LIMIT)]
}

/// A picker's options: what the form holds (`kept`) first, then the page of matches, each
/// once.
pub(crate) fn kept_first<T>(kept: Vec<(i64, T)>, page: Vec<(i64, T)>) -> Vec<(i64, T)> {
    let held: std::collections::HashSet<i64> = kept.iter().map(|(id, _)| *id).collect();
    kept.into_iter().chain(page.into_iter().filter(|(id, _)| !held.contains(id))).collect()
}

pub(crate) fn nothing() -> Condition {
    Condition::all().add(Expr::cust("1 = 0"))
}

/// The half-open range of town codes inside a region: codes are hierarchical digits, so
/// "inside 松江区 (310117)" is `"310117" <= town_code < "310118"`, which an index can use.
pub fn town_code_range(region: &RegionCode) -> (String, String) {
    let code = region.to_string();
    let keep = match region.level() {
        RegionLevel::Province => 2,
        RegionLevel::City => 4,
        RegionLevel::District => 6,
        RegionLevel::Town => 9,
    };
    let prefix: String = code.chars().take(keep).collect();
    let upper = match prefix.parse::<u64>() {
        Ok(n) => format!("{:0width$}", n + 1, width = prefix.len()),
        Err(_) => format!("{prefix}~"),
    };
    (prefix, upper)
}

pub(crate) fn town_in<C: ColumnTrait>(column: C, region: &RegionCode) -> Condition {
    town_code_within(Expr::col(column.as_column_ref()), region)
}

/// [`town_in`] for any expression naming a town code (a column under an alias).
fn town_code_within(town: Expr, region: &RegionCode) -> Condition {
    use sea_orm::sea_query::ExprTrait;
    // A town is the finest level a town code has, so "inside a town" is that one code: as an
    // equality the list's index (kind, town_code, name, id) walks in name order, where the
    // range made SQLite sort the town's every row for a page of 50.
    if region.level() == RegionLevel::Town {
        return Condition::all().add(town.eq(region.to_string()));
    }
    let (low, high) = town_code_range(region);
    Condition::all().add(town.clone().gte(low)).add(town.lt(high))
}

impl Store {
    /// Party organisations reachable from `root` through the parent link, `root` included.
    pub(crate) async fn org_subtree(&self, root: i64) -> Result<Vec<i64>> {
        let mut all = vec![root];
        let mut frontier = vec![root];
        while !frontier.is_empty() {
            let mut children: Vec<i64> = party_org::Entity::find()
                .select_only()
                .column(party_org::Column::Id)
                .filter(party_org::Column::ParentId.is_in(frontier.clone()))
                .into_tuple()
                .all(self.db())
                .await?;
            children.retain_new(&mut all);
            frontier = children;
        }
        Ok(all)
    }

    /// Which units (enterprises and others) the caller may see.
    pub(crate) async fn unit_scope(&self, caller: &Caller) -> Result<Condition> {
        Ok(match &caller.scope {
            Scope::All | Scope::Department(_) => Condition::all(),
            Scope::Nothing => nothing(),
            Scope::Region(region) => town_in(unit::Column::TownCode, region),
            Scope::Enterprise(id) => Condition::all().add(unit::Column::Id.eq(id.0)),
            Scope::Cluster(id) => Condition::all().add(unit::Column::Id.in_subquery(cluster_units(id.0))),
            Scope::PartyOrg(id) => {
                let orgs = self.org_subtree(id.0).await?;
                Condition::all().add(
                    unit::Column::Id.in_subquery(
                        Query::select()
                            .column(party_org_unit::Column::UnitId)
                            .from(party_org_unit::Entity)
                            .and_where(party_org_unit::Column::PartyOrgId.is_in(orgs))
                            .to_owned(),
                    ),
                )
            }
        })
    }

    /// Units (not government departments) the caller may act for with `action` — file a
    /// request, publish a listing — whose name contains `q`, by name, at most `limit`.
    pub(crate) async fn units_acting_for(
        &self,
        caller: &Caller,
        action: qunlian_domain::auth::Action,
        q: Option<&str>,
        limit: u64,
    ) -> Result<Vec<(i64, String)>> {
        self.require(caller, action)?;
        let cond = Condition::all()
            .add(self.unit_scope(caller).await?)
            .add(unit::Column::Kind.ne(qunlian_domain::registry::UnitKind::Government.code()));
        self.unit_choices(cond, q, limit).await
    }

    /// Units that `cond` selects whose name contains `q` (or whose credit code starts with
    /// it), by name, at most `limit`: the options of a unit picker.
    pub(crate) async fn unit_choices(
        &self,
        cond: Condition,
        q: Option<&str>,
        limit: u64,
    ) -> Result<Vec<(i64, String)>> {
        let mut cond = cond;
        if let Some(q) = crate::shared::search_text(q)? {
            cond = cond.add(
                Condition::any()
                    .add(unit::Column::Name.contains(q))
                    .add(unit::Column::Uscc.starts_with(q.to_uppercase())),
            );
        }
        Ok(unit::Entity::find()
            .select_only()
            .column(unit::Column::Id)
            .column(unit::Column::Name)
            .filter(cond)
            .order_by_asc(unit::Column::Name)
            .limit(limit)
            .into_tuple()
            .all(self.db())
            .await?)
    }

    /// [`Store::unit_choices`], with the units of `keep` that `cond` selects first: what a
    /// form already holds (a refused form's choice, an edited record's units) stays on it
    /// even when it is not among the first `limit` by name. At most [`KEEP_LIMIT`] are kept.
    pub(crate) async fn unit_choices_keeping(
        &self,
        cond: Condition,
        q: Option<&str>,
        limit: u64,
        keep: &[i64],
    ) -> Result<Vec<(i64, String)>> {
        let keep = kept_ids(keep);
        let kept = if keep.is_empty() {
            Vec::new()
        } else {
            let held = cond.clone().add(unit::Column::Id.is_in(keep.iter().copied()));
            self.unit_choices(held, None, keep.len() as u64).await?
        };
        Ok(kept_first(kept, self.unit_choices(cond, q, limit).await?))
    }

    /// Names of units by id, for rows that hold only ids. Not a scope check: the rows were
    /// read through one.
    pub(crate) async fn unit_names(&self, ids: Vec<i64>) -> Result<std::collections::HashMap<i64, String>> {
        Ok(self.unit_names_and_towns(ids).await?.into_iter().map(|(id, (name, _))| (id, name)).collect())
    }

    /// Names of Party organisations by id, for rows that hold only ids. Not a scope check.
    pub(crate) async fn org_names(&self, ids: Vec<i64>) -> Result<std::collections::HashMap<i64, String>> {
        self.column_by_id::<party_org::Entity, String>(party_org::Column::Id, party_org::Column::Name, ids).await
    }

    /// Names and town codes of units by id.
    pub(crate) async fn unit_names_and_towns(
        &self,
        ids: Vec<i64>,
    ) -> Result<std::collections::HashMap<i64, (String, String)>> {
        let mut ids = ids;
        ids.sort_unstable();
        ids.dedup();
        Ok(unit::Entity::find()
            .select_only()
            .column(unit::Column::Id)
            .column(unit::Column::Name)
            .column(unit::Column::TownCode)
            .filter(unit::Column::Id.is_in(ids))
            .into_tuple::<(i64, String, String)>()
            .all(self.db())
            .await?
            .into_iter()
            .map(|(id, n, t)| (id, (n, t)))
            .collect())
    }

    /// Which clusters the caller may see: its own, or those with a member it may see.
    pub(crate) async fn cluster_scope(&self, caller: &Caller) -> Result<Condition> {
        Ok(match &caller.scope {
            Scope::All | Scope::Department(_) => Condition::all(),
            Scope::Nothing => nothing(),
            Scope::Cluster(id) => Condition::all().add(cluster::Column::Id.eq(id.0)),
            Scope::Region(region) => Condition::any().add(town_in(cluster::Column::TownCode, region)).add(
                cluster::Column::Id.in_subquery(clusters_of_units(units_in(town_in(unit::Column::TownCode, region)))),
            ),
            Scope::Enterprise(_) | Scope::PartyOrg(_) => {
                let units = self.unit_scope(caller).await?;
                Condition::all().add(cluster::Column::Id.in_subquery(clusters_of_units(units_in(units))))
            }
        })
    }

    /// Which Party organisations the caller may see. Departments serve enterprises, not
    /// Party organisations, so they see none.
    pub(crate) async fn org_scope(&self, caller: &Caller) -> Result<Condition> {
        Ok(match &caller.scope {
            Scope::All => Condition::all(),
            Scope::Nothing | Scope::Department(_) => nothing(),
            Scope::PartyOrg(id) => Condition::all().add(party_org::Column::Id.is_in(self.org_subtree(id.0).await?)),
            Scope::Region(region) => orgs_in_region(region),
            Scope::Enterprise(id) => Condition::all().add(
                party_org::Column::Id.in_subquery(orgs_of_units(Query::select().expr(Expr::val(id.0)).to_owned())),
            ),
            Scope::Cluster(id) => {
                let committee: Option<Option<i64>> = cluster::Entity::find_by_id(id.0)
                    .select_only()
                    .column(cluster::Column::CommitteeOrgId)
                    .into_tuple()
                    .one(self.db())
                    .await?;
                let mut ids = orgs_of_units(cluster_units(id.0));
                if let Some(Some(committee)) = committee {
                    let subtree = Query::select()
                        .column(party_org::Column::Id)
                        .from(party_org::Entity)
                        .and_where(party_org::Column::Id.is_in(self.org_subtree(committee).await?))
                        .to_owned();
                    ids.union(UnionType::Distinct, subtree);
                }
                Condition::all().add(party_org::Column::Id.in_subquery(ids))
            }
        })
    }

    /// An alliance's members that `scope` (a unit scope) admits, by name, and the number of
    /// all its members: the registry's and the bodies' pages name the first, count the rest.
    pub(crate) async fn alliance_members_within(&self, id: i64, scope: Condition) -> Result<(Vec<unit::Model>, u64)> {
        let member_ids: Vec<i64> = crate::entity::alliance_member::Entity::find()
            .filter(crate::entity::alliance_member::Column::AllianceId.eq(id))
            .all(self.db())
            .await?
            .into_iter()
            .map(|m| m.unit_id)
            .collect();
        let all = member_ids.len() as u64;
        let visible = unit::Entity::find()
            .filter(unit::Column::Id.is_in(member_ids))
            .filter(scope)
            .order_by_asc(unit::Column::Name)
            .all(self.db())
            .await?;
        Ok((visible, all))
    }

    pub(crate) async fn unit_in_scope(&self, caller: &Caller, id: UnitId) -> Result<unit::Model> {
        self.require(caller, Action::ReadRegistry)?;
        let cond = Condition::all().add(self.unit_scope(caller).await?).add(unit::Column::Id.eq(id.0));
        unit::Entity::find().filter(cond).one(self.db()).await?.ok_or(StoreError::NotFound)
    }
}

pub(crate) fn cluster_units(cluster_id: i64) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(cluster_member::Column::UnitId)
        .from(cluster_member::Entity)
        .and_where(cluster_member::Column::ClusterId.eq(cluster_id))
        .and_where(cluster_member::Column::LeftOn.is_null())
        .to_owned()
}

/// The Party organisations of a region: located there, or covering a unit there.
///
/// One id set (a UNION), not an OR of two conditions: PostgreSQL guesses half the table for
/// an OR over a subquery, and so scans every member or activity of the deployment where a
/// town's few thousand are wanted; of a UNION it knows the size.
pub(crate) fn orgs_in_region(region: &RegionCode) -> Condition {
    let mut ids = Query::select()
        .column(party_org::Column::Id)
        .from(party_org::Entity)
        .cond_where(town_in(party_org::Column::TownCode, region))
        .to_owned();
    ids.union(UnionType::Distinct, orgs_of_units(region_units(region)));
    Condition::all().add(party_org::Column::Id.in_subquery(ids))
}

/// `column` (a unit id of the table being filtered) names a unit whose town lies in
/// `region`: a correlated EXISTS, one primary-key lookup per row filtered. For records about
/// a unit (introductions, service requests), fewer by far than a town's units, this beats
/// [`region_units`] on SQLite, which built the town's 55,000 unit ids into a list for every
/// IN it met (a town's headline at a million enterprises: 591 ms p50); PostgreSQL plans both
/// as a semi-join.
pub(crate) fn unit_in_region(column: impl sea_orm::sea_query::IntoColumnRef, region: &RegionCode) -> Condition {
    use sea_orm::sea_query::ExprTrait;
    let u = sea_orm::sea_query::Alias::new("region_unit");
    let within = town_code_within(Expr::col((u.clone(), unit::Column::TownCode)), region);
    let found = Query::select()
        .expr(Expr::val(1))
        .from_as(unit::Entity, u.clone())
        .and_where(Expr::col((u, unit::Column::Id)).equals(column))
        .cond_where(within)
        .to_owned();
    Condition::all().add(Expr::exists(found))
}

/// The units (enterprises and others) whose town lies in `region`, as a subquery of ids:
/// what a town filter of the records about a unit (introductions, service requests) reads.
pub(crate) fn region_units(region: &RegionCode) -> sea_orm::sea_query::SelectStatement {
    units_in(town_in(unit::Column::TownCode, region))
}

fn units_in(condition: Condition) -> sea_orm::sea_query::SelectStatement {
    Query::select().column(unit::Column::Id).from(unit::Entity).cond_where(condition).to_owned()
}

fn clusters_of_units(units: sea_orm::sea_query::SelectStatement) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(cluster_member::Column::ClusterId)
        .from(cluster_member::Entity)
        .and_where(cluster_member::Column::UnitId.in_subquery(units))
        .and_where(cluster_member::Column::LeftOn.is_null())
        .to_owned()
}

fn orgs_of_units(units: sea_orm::sea_query::SelectStatement) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(party_org_unit::Column::PartyOrgId)
        .from(party_org_unit::Entity)
        .and_where(party_org_unit::Column::UnitId.in_subquery(units))
        .to_owned()
}

trait RetainNew {
    fn retain_new(&mut self, seen: &mut Vec<i64>);
}

impl RetainNew for Vec<i64> {
    /// Keeps only ids not yet seen (a cycle in bad data must not loop forever) and records them.
    fn retain_new(&mut self, seen: &mut Vec<i64>) {
        self.retain(|id| !seen.contains(id));
        self.sort_unstable();
        self.dedup();
        seen.extend(self.iter().copied());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_follow_the_code_hierarchy() {
        let songjiang = RegionCode::parse("310117").unwrap();
        assert_eq!(town_code_range(&songjiang), ("310117".to_owned(), "310118".to_owned()));
        let shanghai = RegionCode::parse("310000").unwrap();
        assert_eq!(town_code_range(&shanghai), ("31".to_owned(), "32".to_owned()));
    }
}
