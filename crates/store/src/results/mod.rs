//! Results (工作成效) in the store: the economic figures of enterprises by period (imported,
//! listed, summed with their year-on-year change) and the scorecard of a cluster for a period,
//! whose figures are read from the capabilities that record them (registry, coverage,
//! matching, services, projects) through their own counting functions.
//!
//! Scope: figures are read and written only for the units the caller's scope reaches (a
//! town admin its town's enterprises, a cluster secretary its clusters' members); a scorecard
//! only for a cluster the caller may see, counting what the caller may see of it.

mod briefing;
mod briefing_text;
mod figures;
mod headline;
mod import;
mod members;
mod scorecard;
mod sections;
mod sums;
mod totals;

pub use briefing::*;
pub use figures::*;
pub use headline::*;
pub use import::*;
pub use members::*;
pub use scorecard::*;
pub use sections::SectionScope;
use sections::*;
use totals::Over;

use qunlian_domain::auth::{Action, Caller};
use sea_orm::{ColumnTrait, Condition};

use crate::entity::economic_figure;
use crate::{Result, Store};

/// The results capability over the shared store: `store.results()`.
#[derive(Clone, Copy)]
pub struct Results<'a> {
    store: &'a Store,
}

impl Store {
    pub fn results(&self) -> Results<'_> {
        Results { store: self }
    }
}

impl Results<'_> {
    /// The figures of units in the caller's scope, as a condition on `economic_figures`.
    async fn figure_scope(self, caller: &Caller) -> Result<Condition> {
        self.store.require(caller, Action::ReadResults)?;
        let units = self.store.unit_scope(caller).await?;
        Ok(Condition::all().add(
            economic_figure::Column::UnitId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(crate::entity::unit::Column::Id)
                    .from(crate::entity::unit::Entity)
                    .cond_where(units)
                    .to_owned(),
            ),
        ))
    }
}
