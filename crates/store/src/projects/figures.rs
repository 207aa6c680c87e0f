//! The figures of the awarded projects (示范, 优秀, 入选, and those in implementation or
//! closed after): projects, Party-member participants and patents reported, by year,
//! cluster, tier, direction and carrier — each figure with the filter that lists the
//! projects behind it, so a page opens the list a number counts.

use qunlian_domain::auth::Caller;
use qunlian_domain::codes::Labelled;
use qunlian_domain::projects::{ApplicationState, FigureAxis, Tier, split_names};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use super::*;
use crate::entity::{cluster, project_application, project_carrier, project_event, project_patent, project_round};

/// Which projects a figure counts; what is None is not filtered on. `cluster` 0 is "in no
/// cluster", `carrier` "" is "no carrier".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ProjectFilter {
    pub year: Option<i32>,
    pub cluster: Option<i64>,
    pub tier: Option<Tier>,
    pub direction: Option<String>,
    pub carrier: Option<String>,
    /// Projects of a town: the applying Party organisation is of the town — located there or
    /// covering an enterprise there (`scope::orgs_in_region`, as a town's 党组织 figure).
    pub town: Option<qunlian_domain::RegionCode>,
}

impl ProjectFilter {
    /// The filter as (key, value) pairs, for the address of the list behind a figure.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut parts = Vec::new();
        parts.extend(self.year.map(|y| ("year", y.to_string())));
        parts.extend(self.cluster.map(|c| ("cluster", c.to_string())));
        parts.extend(self.tier.map(|t| ("tier", t.code().to_owned())));
        parts.extend(self.direction.clone().map(|d| ("direction", d)));
        parts.extend(self.carrier.clone().map(|c| ("carrier", c)));
        parts.extend(self.town.map(|t| ("town", t.to_string())));
        parts
    }

    pub fn is_empty(&self) -> bool {
        *self == ProjectFilter::default()
    }

    fn matches(&self, p: &ProjectRecord) -> bool {
        self.year.is_none_or(|y| y == p.year)
            && self.cluster.is_none_or(|c| c == p.row.cluster_id.unwrap_or(0))
            && self.tier.is_none_or(|t| Some(t) == p.tier)
            && self.direction.as_ref().is_none_or(|d| *d == p.row.direction)
            && self.carrier.as_ref().is_none_or(|c| *c == p.carrier)
    }
}

/// An awarded project as the figures count it.
#[derive(Clone, Debug, Serialize)]
pub struct ProjectRecord {
    pub row: ApplicationRow,
    pub year: i32,
    pub cluster_name: String,
    pub tier: Option<Tier>,
    /// The carrier's kind, "" when it has none.
    pub carrier: String,
    pub participants: usize,
    pub patents: usize,
}

/// One figure: the value counted by, and what it counts.
#[derive(Clone, Debug, Serialize)]
pub struct FigureRow {
    pub label: String,
    pub projects: usize,
    pub participants: usize,
    pub patents: usize,
    pub filter: ProjectFilter,
}

const AWARDED: [ApplicationState; 5] = [
    ApplicationState::Demonstration,
    ApplicationState::Excellent,
    ApplicationState::Selected,
    ApplicationState::Implementing,
    ApplicationState::Closed,
];

impl Projects<'_> {
    /// The awarded projects in the caller's scope (of `town` only, when given), with what
    /// the figures count.
    async fn awarded(&self, caller: &Caller, town: Option<qunlian_domain::RegionCode>) -> Result<Vec<ProjectRecord>> {
        let db = self.store.db();
        let mut cond = self.application_scope(caller).await?.add(project_application::Column::State.is_in(AWARDED));
        if let Some(t) = &town {
            cond = cond.add(
                project_application::Column::OrgId.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(crate::entity::party_org::Column::Id)
                        .from(crate::entity::party_org::Entity)
                        .cond_where(crate::scope::orgs_in_region(t))
                        .to_owned(),
                ),
            );
        }
        let apps = project_application::Entity::find()
            .filter(cond)
            .order_by_asc(project_application::Column::Id)
            .all(db)
            .await?;
        let ids: Vec<i64> = apps.iter().map(|a| a.id).collect();
        let years = self
            .store
            .column_by_id::<project_round::Entity, i32>(
                project_round::Column::Id,
                project_round::Column::Year,
                apps.iter().map(|a| a.round_id).collect(),
            )
            .await?;
        let clusters = self
            .store
            .column_by_id::<cluster::Entity, String>(
                cluster::Column::Id,
                cluster::Column::Name,
                apps.iter().filter_map(|a| a.cluster_id).collect(),
            )
            .await?;
        let carriers = self
            .store
            .column_by_id::<project_carrier::Entity, String>(
                project_carrier::Column::Id,
                project_carrier::Column::Kind,
                apps.iter().filter_map(|a| a.carrier_id).collect(),
            )
            .await?;
        // The tier of a project past its decision: the last decision's.
        let decisions: Vec<(i64, ApplicationState)> = project_event::Entity::find()
            .select_only()
            .column(project_event::Column::ApplicationId)
            .column(project_event::Column::ToState)
            .filter(project_event::Column::ApplicationId.is_in(ids.clone()))
            .filter(project_event::Column::ToState.is_in([
                ApplicationState::Demonstration,
                ApplicationState::Excellent,
                ApplicationState::Selected,
            ]))
            .order_by_asc(project_event::Column::Id)
            .into_tuple()
            .all(db)
            .await?;
        let tiers: std::collections::HashMap<i64, Tier> =
            decisions.into_iter().filter_map(|(a, s)| Some((a, s.tier()?))).collect();
        let mut patents: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
        let reported: Vec<i64> = project_patent::Entity::find()
            .select_only()
            .column(project_patent::Column::ApplicationId)
            .filter(project_patent::Column::ApplicationId.is_in(ids))
            .into_tuple()
            .all(db)
            .await?;
        for a in reported {
            *patents.entry(a).or_default() += 1;
        }
        let names = self.org_names(apps.iter().map(|a| a.org_id).collect()).await?;
        Ok(apps
            .iter()
            .map(|a| ProjectRecord {
                row: row_of(a, names.get(&a.org_id).cloned().unwrap_or_default()),
                year: years.get(&a.round_id).copied().unwrap_or_default(),
                cluster_name: a
                    .cluster_id
                    .and_then(|c| clusters.get(&c).cloned())
                    .unwrap_or_else(|| "不在集群".to_owned()),
                tier: a.state.tier().or_else(|| tiers.get(&a.id).copied()),
                carrier: a.carrier_id.and_then(|c| carriers.get(&c).cloned()).unwrap_or_default(),
                participants: split_names(&a.participants).len(),
                patents: patents.get(&a.id).copied().unwrap_or(0),
            })
            .collect())
    }

    /// The figures by `axis`, each with the filter that lists its projects (years in
    /// order, the others most projects first).
    pub async fn figures(&self, caller: &Caller, axis: FigureAxis) -> Result<Vec<FigureRow>> {
        let projects = self.awarded(caller, None).await?;
        let mut rows: Vec<FigureRow> = Vec::new();
        for p in &projects {
            let (label, filter) = match axis {
                FigureAxis::Year => {
                    (format!("{} 年", p.year), ProjectFilter { year: Some(p.year), ..Default::default() })
                }
                FigureAxis::Cluster => (
                    p.cluster_name.clone(),
                    ProjectFilter { cluster: Some(p.row.cluster_id.unwrap_or(0)), ..Default::default() },
                ),
                FigureAxis::Tier => match p.tier {
                    Some(t) => (t.label().to_owned(), ProjectFilter { tier: Some(t), ..Default::default() }),
                    None => continue,
                },
                FigureAxis::Direction => (
                    p.row.direction.clone(),
                    ProjectFilter { direction: Some(p.row.direction.clone()), ..Default::default() },
                ),
                FigureAxis::Carrier => (
                    if p.carrier.is_empty() { "无载体".to_owned() } else { p.carrier.clone() },
                    ProjectFilter { carrier: Some(p.carrier.clone()), ..Default::default() },
                ),
            };
            let at = match rows.iter().position(|r| r.filter == filter) {
                Some(i) => i,
                None => {
                    rows.push(FigureRow { label, projects: 0, participants: 0, patents: 0, filter });
                    rows.len() - 1
                }
            };
            let row = &mut rows[at];
            row.projects += 1;
            row.participants += p.participants;
            row.patents += p.patents;
        }
        match axis {
            FigureAxis::Year => rows.sort_by_key(|r| r.filter.year),
            FigureAxis::Tier => rows.sort_by_key(|r| r.filter.tier.map(|t| Tier::all().iter().position(|x| *x == t))),
            _ => rows.sort_by(|a, b| b.projects.cmp(&a.projects).then_with(|| a.label.cmp(&b.label))),
        }
        Ok(rows)
    }

    /// The projects a figure counts.
    pub async fn figure_list(&self, caller: &Caller, filter: &ProjectFilter) -> Result<Vec<ProjectRecord>> {
        Ok(self.awarded(caller, filter.town).await?.into_iter().filter(|p| filter.matches(p)).collect())
    }
}
