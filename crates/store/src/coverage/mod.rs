//! Coverage monitoring: key-enterprise categories (rules + targets), each enterprise's derived
//! status, the summary by category and town, responsibility lists and dated snapshots.
//!
//! The status of every enterprise and the counts per category × town are derived tables
//! (`coverage_unit_status`, `coverage_cells`). Triggers on their sources bump a version in
//! `derived_state`; every reader calls [`Coverage::ensure_fresh`] first, which rebuilds
//! when the version or the day has moved. So a figure is never older than the records.

mod assignments;
mod categories;
mod derived;
mod snapshots;
mod summary;
mod work_links;

pub use assignments::*;
pub use categories::*;
pub use derived::*;
pub use snapshots::*;
pub use summary::*;
pub use work_links::*;

use crate::Store;
use crate::entity::{coverage_unit_status, unit};
use qunlian_domain::coverage::CoverageStatus;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition};

/// The coverage capability over the shared store: `store.coverage()`.
#[derive(Clone, Copy)]
pub struct Coverage<'a> {
    store: &'a Store,
}

impl Store {
    pub fn coverage(&self) -> Coverage<'_> {
        Coverage { store: self }
    }
}

/// `status` as a condition on `units`, from the derived status table.
fn status_condition(status: CoverageStatus) -> Condition {
    let covered = |s: Option<CoverageStatus>| {
        let mut q = Query::select();
        q.column(coverage_unit_status::Column::UnitId).from(coverage_unit_status::Entity);
        if let Some(s) = s {
            q.and_where(coverage_unit_status::Column::Status.eq(s.db()));
        }
        q.to_owned()
    };
    Condition::all().add(match status {
        CoverageStatus::Uncovered => unit::Column::Id.not_in_subquery(covered(None)),
        s => unit::Column::Id.in_subquery(covered(Some(s))),
    })
}

fn enterprises() -> Condition {
    Condition::all().add(unit::Column::Kind.eq(qunlian_domain::registry::UnitKind::Enterprise.code()))
}
