//! What one capability shows on another's page, built from the store so that no page module
//! imports another (issue #10): coverage on the enterprise page; brokering figures and the
//! committee's powers on the cluster page; a branch's Party groups on its page. Each says
//! None for a role that does not read it.

use qunlian_domain::auth::{Action, ClusterId, UnitId};
use qunlian_domain::coverage::CoverageStatus;
use qunlian_store::bodies::ClusterPowers;
use qunlian_store::coverage::{Assignment, AssignmentFilter, Category};
use qunlian_store::matching::{IntroductionFigures, IntroductionFilter};

use crate::auth::Auth;
use crate::error::WebError;
use crate::state::AppState;

/// What the enterprise page shows about coverage.
pub struct EnterpriseCoverage {
    pub status: CoverageStatus,
    pub categories: Vec<Category>,
    pub links: Vec<qunlian_store::coverage::WorkLink>,
    pub assignments: Vec<Assignment>,
    pub may_assign: bool,
    pub today: String,
    /// The instructors of the register the caller may name on a link (id, "姓名（选派单位）").
    pub instructors: Vec<(i64, String)>,
}

impl EnterpriseCoverage {
    pub fn has_open_assignment(&self) -> bool {
        self.assignments.iter().any(|a| a.open)
    }
}

pub async fn enterprise_coverage(state: &AppState, auth: &Auth, id: UnitId) -> Result<EnterpriseCoverage, WebError> {
    let store = &state.store;
    let assignments = store
        .coverage()
        .assignments(&auth.caller, &AssignmentFilter { unit: Some(id), ..AssignmentFilter::default() })
        .await?;
    Ok(EnterpriseCoverage {
        status: store.coverage().status(&auth.caller, id).await?,
        categories: store.coverage().categories_of(&auth.caller, id).await?,
        links: store.coverage().work_links(&auth.caller, id).await?,
        assignments,
        may_assign: auth.caller.may(Action::AssignCoverage),
        instructors: if auth.caller.may(Action::AssignCoverage) {
            store
                .people()
                .instructors(&auth.caller, None)
                .await?
                .into_iter()
                .map(|i| (i.id, format!("{}（{}）", i.name, i.source)))
                .collect()
        } else {
            Vec::new()
        },
        today: store.today().format("%Y-%m-%d").to_string(),
    })
}

/// A cluster's introductions in figures, for its page; None for roles that do not read
/// listings.
pub async fn cluster_figures(state: &AppState, auth: &Auth, id: i64) -> Result<Option<IntroductionFigures>, WebError> {
    if !auth.caller.may(Action::ReadListings) {
        return Ok(None);
    }
    let filter = IntroductionFilter { cluster: Some(ClusterId(id)), ..Default::default() };
    Ok(Some(state.store.matching().introduction_figures(&auth.caller, &filter).await?))
}

/// A cluster's powers for the registry's cluster page; None for roles that do not read the
/// registry.
pub async fn cluster_section(state: &AppState, auth: &Auth, id: i64) -> Result<Option<ClusterPowers>, WebError> {
    if !auth.caller.may(Action::ReadRegistry) {
        return Ok(None);
    }
    Ok(Some(state.store.bodies().powers(&auth.caller, id).await?))
}

/// A branch's Party groups (党小组) on its page: for a role that reads members, of a branch
/// (a group is set up under a 党支部 only); None otherwise.
pub async fn party_groups(
    state: &AppState,
    auth: &Auth,
    is_branch: bool,
    org: i64,
) -> Result<Option<Vec<qunlian_store::people::PartyGroup>>, WebError> {
    if !is_branch || !auth.caller.may(Action::ReadMembers) {
        return Ok(None);
    }
    match state.store.people().party_groups(&auth.caller, org).await {
        Ok(groups) => Ok(Some(groups)),
        // An organisation the registry shows but outside the members' scope: no section.
        Err(qunlian_store::StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The Party organisations in the caller's scope that are not dissolved, in the registry's
/// tree order, as (id, name): what the forms of registry, projects and coverage offer to
/// choose from.
pub async fn org_names(state: &AppState, auth: &Auth) -> Result<Vec<(i64, String)>, WebError> {
    Ok(state
        .store
        .registry()
        .org_tree(&auth.caller, None, false)
        .await?
        .into_iter()
        .map(|o| (o.id.0, o.name))
        .collect())
}
