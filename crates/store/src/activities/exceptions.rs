//! 三会一课 exceptions: the branches (党支部) of the caller's scope that have not held a
//! 支部委员会 this month, a 支部党员大会 or a 党课 this quarter. A list of exceptions to
//! follow up, in name order — never a ranking or a score. 党小组会 are checked per Party group
//! (党小组, set up on the branch's page): each group of a branch that has held none this
//! month is named under its branch; a branch without groups has none to hold.

use chrono::NaiveDate;
use qunlian_domain::activities::{ActivityKind, OrganiserKind};
use qunlian_domain::auth::{Action, Caller};
use qunlian_domain::registry::OrgKind;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use super::Activities;
use crate::Result;
use crate::entity::{activity, party_group, party_org};

/// The kinds checked, each in its due period.
pub const CHECKED: [ActivityKind; 3] =
    [ActivityKind::BranchCommittee, ActivityKind::BranchAssembly, ActivityKind::PartyLecture];

/// One kind checked and the period it is due in.
#[derive(Clone, Debug, Serialize)]
pub struct DuePeriod {
    pub kind: ActivityKind,
    pub rule: &'static str,
    pub period: String,
    pub from: NaiveDate,
    pub until: NaiveDate,
}

/// A branch with the kinds it has not held in their periods, and its Party groups that have
/// held no 党小组会 this month.
#[derive(Clone, Debug, Serialize)]
pub struct Exception {
    pub org_id: i64,
    pub org_name: String,
    pub missing: Vec<ActivityKind>,
    pub groups_missing: Vec<(i64, String)>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Exceptions {
    pub as_of: NaiveDate,
    pub periods: Vec<DuePeriod>,
    /// Branches checked (active on the day).
    pub checked: usize,
    /// Party groups of those branches checked for their 党小组会, and its period (none
    /// when no branch has groups).
    pub groups_checked: usize,
    pub group_period: Option<DuePeriod>,
    pub rows: Vec<Exception>,
}

impl Activities<'_> {
    /// The branches in the caller's scope missing a due kind in the period containing `day`.
    pub async fn exceptions(self, caller: &Caller, day: NaiveDate) -> Result<Exceptions> {
        self.store.require(caller, Action::ReadActivities)?;
        let periods: Vec<DuePeriod> = CHECKED
            .into_iter()
            .filter_map(|kind| {
                let due = kind.due()?;
                let (from, until) = due.period(day);
                Some(DuePeriod { kind, rule: due.label(), period: due.period_name(day), from, until })
            })
            .collect();
        let active = Condition::all()
            .add(party_org::Column::Kind.eq(OrgKind::Branch.code()))
            .add(
                Condition::any()
                    .add(party_org::Column::DissolvedOn.is_null())
                    .add(party_org::Column::DissolvedOn.gt(day)),
            )
            .add(
                Condition::any()
                    .add(party_org::Column::EstablishedOn.is_null())
                    .add(party_org::Column::EstablishedOn.lte(day)),
            );
        let branches: Vec<(i64, String)> = party_org::Entity::find()
            .select_only()
            .column(party_org::Column::Id)
            .column(party_org::Column::Name)
            .filter(self.store.org_scope(caller).await?)
            .filter(active)
            .order_by_asc(party_org::Column::Name)
            .order_by_asc(party_org::Column::Id)
            .into_tuple()
            .all(self.store.db())
            .await?;
        let mut groups: Vec<(i64, i64, String)> = Vec::new();
        for chunk in branches.chunks(500) {
            groups.extend(
                party_group::Entity::find()
                    .select_only()
                    .column(party_group::Column::Id)
                    .column(party_group::Column::PartyOrgId)
                    .column(party_group::Column::Name)
                    .filter(party_group::Column::PartyOrgId.is_in(chunk.iter().map(|b| b.0)))
                    .order_by_asc(party_group::Column::Name)
                    .into_tuple::<(i64, i64, String)>()
                    .all(self.store.db())
                    .await?,
            );
        }
        let group_period = (!groups.is_empty())
            .then(|| {
                let kind = ActivityKind::GroupMeeting;
                let due = kind.due()?;
                let (from, until) = due.period(day);
                Some(DuePeriod { kind, rule: due.label(), period: due.period_name(day), from, until })
            })
            .flatten();
        let kinds: Vec<&str> = CHECKED.iter().chain(group_period.iter().map(|p| &p.kind)).map(|k| k.code()).collect();
        let earliest = periods.iter().chain(group_period.iter()).map(|p| p.from).min().unwrap_or(day);
        let latest = periods.iter().chain(group_period.iter()).map(|p| p.until).max().unwrap_or(day);
        let mut held: Vec<(i64, ActivityKind, NaiveDate, Option<i64>)> = Vec::new();
        for chunk in branches.chunks(500) {
            held.extend(
                activity::Entity::find()
                    .select_only()
                    .column(activity::Column::OrganiserId)
                    .column(activity::Column::Kind)
                    .column(activity::Column::HeldOn)
                    .column(activity::Column::PartyGroupId)
                    .filter(activity::Column::OrganiserKind.eq(OrganiserKind::Org.code()))
                    .filter(activity::Column::OrganiserId.is_in(chunk.iter().map(|b| b.0)))
                    .filter(activity::Column::Kind.is_in(kinds.clone()))
                    .filter(activity::Column::HeldOn.gte(earliest))
                    .filter(activity::Column::HeldOn.lt(latest))
                    .filter(activity::Column::WithdrawnOn.is_null())
                    .into_tuple::<(i64, ActivityKind, NaiveDate, Option<i64>)>()
                    .all(self.store.db())
                    .await?,
            );
        }
        let rows = branches
            .iter()
            .filter_map(|(id, name)| {
                let missing: Vec<ActivityKind> = periods
                    .iter()
                    .filter(|p| {
                        !held.iter().any(|(o, k, d, _)| o == id && *k == p.kind && *d >= p.from && *d < p.until)
                    })
                    .map(|p| p.kind)
                    .collect();
                let groups_missing: Vec<(i64, String)> = match &group_period {
                    None => Vec::new(),
                    Some(p) => groups
                        .iter()
                        .filter(|(_, org, _)| org == id)
                        .filter(|(g, _, _)| {
                            !held
                                .iter()
                                .any(|(_, k, d, hg)| *k == p.kind && *hg == Some(*g) && *d >= p.from && *d < p.until)
                        })
                        .map(|(g, _, n)| (*g, n.clone()))
                        .collect(),
                };
                (!missing.is_empty() || !groups_missing.is_empty()).then(|| Exception {
                    org_id: *id,
                    org_name: name.clone(),
                    missing,
                    groups_missing,
                })
            })
            .collect();
        Ok(Exceptions {
            as_of: day,
            periods,
            checked: branches.len(),
            groups_checked: groups.len(),
            group_period,
            rows,
        })
    }
}
