//! The figures of an alliance's issue log: how long solving an issue takes (the median of
//! the solved ones, in calendar days and in working days of the services calendar) and the
//! open issues by owner department. Each figure is computed from the rows the list behind it
//! shows (`issues` with the matching filter).

use qunlian_domain::auth::Caller;
use qunlian_domain::bodies::{IssueState, median};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;

use super::{Bodies, OwnerFilter};
use crate::Result;
use crate::entity::alliance_issue;

/// Open issues of one owner (none: not yet given to a department).
#[derive(Clone, Debug, Serialize)]
pub struct OwnerOpen {
    pub owner: OwnerFilter,
    pub name: String,
    pub count: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct IssueFigures {
    /// Solved issues, the ones the medians are over.
    pub resolved: usize,
    /// Median calendar days from raised to solved.
    pub median_days: Option<f64>,
    /// Median working days (after the day raised, up to the day solved).
    pub median_working_days: Option<f64>,
    /// Whether the calendar knows every year the solved issues span (else weekends only).
    pub calendar_known: bool,
    pub open: usize,
    /// Most first, then by name.
    pub open_by_owner: Vec<OwnerOpen>,
}

impl serde::Serialize for OwnerFilter {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            OwnerFilter::Any => s.serialize_str(""),
            OwnerFilter::Unassigned => s.serialize_str("none"),
            OwnerFilter::Unit(u) => s.serialize_i64(*u),
        }
    }
}

impl Bodies<'_> {
    pub async fn issue_figures(self, caller: &Caller, alliance_id: i64) -> Result<IssueFigures> {
        self.alliance_in_scope(caller, alliance_id).await?;
        let rows = alliance_issue::Entity::find()
            .filter(alliance_issue::Column::AllianceId.eq(alliance_id))
            .all(self.store.db())
            .await?;
        let cal = self.store.services().work_calendar().await?;
        let solved: Vec<_> = rows
            .iter()
            .filter(|r| r.state == IssueState::Resolved)
            .filter_map(|r| r.resolved_on.map(|d| (r.raised_on, d)))
            .collect();
        let days: Vec<i64> = solved.iter().map(|(from, to)| (*to - *from).num_days()).collect();
        let working: Vec<i64> = solved.iter().map(|(from, to)| i64::from(cal.count(*from, *to))).collect();
        let calendar_known = solved
            .iter()
            .all(|(from, to)| cal.knows(chrono::Datelike::year(from)) && cal.knows(chrono::Datelike::year(to)));
        let open: Vec<_> = rows.iter().filter(|r| r.state.is_open()).collect();
        let names = self.store.unit_names(open.iter().filter_map(|r| r.owner_unit_id).collect()).await?;
        let mut by_owner: Vec<OwnerOpen> = Vec::new();
        for r in &open {
            let owner = r.owner_unit_id.map_or(OwnerFilter::Unassigned, OwnerFilter::Unit);
            match by_owner.iter_mut().find(|o| o.owner == owner) {
                Some(o) => o.count += 1,
                None => by_owner.push(OwnerOpen {
                    owner,
                    name: match r.owner_unit_id {
                        Some(u) => names.get(&u).cloned().unwrap_or_default(),
                        None => "未交办".to_owned(),
                    },
                    count: 1,
                }),
            }
        }
        by_owner.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
        Ok(IssueFigures {
            resolved: solved.len(),
            median_days: median(&days),
            median_working_days: median(&working),
            calendar_known,
            open: open.len(),
            open_by_owner: by_owner,
        })
    }
}
