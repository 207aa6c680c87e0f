//! Project work groups (项目工作组) and their temporary Party branches (临时党支部, issue #13):
//! the list and one work group (`groups.rs`), creating one with its branch, ending and
//! extending it (`changes.rs`), and the end prompts (到期提醒) for the work group's page, the
//! parent organisation's page and the home page (`prompts.rs`). The rules are the domain's
//! (`qunlian_domain::workgroups`).
//!
//! The temporary branch is an ordinary Party organisation of form 临时党组织, created and
//! dissolved through the registry (`Registry::create_org`, `Registry::dissolve_org`), so the
//! coverage derivation, the organisation tree and the organisation figures count it from its
//! start up to (not including) its actual end, as every organisation. Its members take part
//! (临时参加) without their relation moving: their home organisations' counts stay as they are.
//!
//! Who sees a work group: a district or town admin those of its area (by the group's town),
//! a cluster secretary its cluster's and those under an organisation it sees, a branch
//! secretary those under its subtree, an enterprise contact those its enterprise works in.
//! Who keeps them: those who restructure the registry (`Action::RestructureRegistry`), for
//! work groups they see. Every change is audited.

mod changes;
mod groups;
mod prompts;

pub use groups::*;
pub use prompts::*;

use qunlian_domain::auth::{Action, Caller, Scope};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};

use crate::entity::{party_org, workgroup, workgroup_unit};
use crate::scope::{nothing, town_in};
use crate::{Result, Store, StoreError};

/// The work groups capability over the shared store: `store.workgroups()`.
#[derive(Clone, Copy)]
pub struct Workgroups<'a> {
    store: &'a Store,
}

impl Store {
    pub fn workgroups(&self) -> Workgroups<'_> {
        Workgroups { store: self }
    }
}

impl Workgroups<'_> {
    /// The work groups the caller may see.
    pub(crate) async fn scope(self, caller: &Caller) -> Result<Condition> {
        self.store.require(caller, Action::ReadRegistry)?;
        let under_orgs = |orgs: Condition| {
            workgroup::Column::ParentOrgId.in_subquery(
                Query::select().column(party_org::Column::Id).from(party_org::Entity).cond_where(orgs).to_owned(),
            )
        };
        Ok(match &caller.scope {
            Scope::All => Condition::all(),
            Scope::Nothing | Scope::Department(_) => nothing(),
            Scope::Region(r) => town_in(workgroup::Column::TownCode, r),
            Scope::Cluster(id) => Condition::any()
                .add(workgroup::Column::ClusterId.eq(id.0))
                .add(under_orgs(self.store.org_scope(caller).await?)),
            Scope::PartyOrg(_) => Condition::all().add(under_orgs(self.store.org_scope(caller).await?)),
            Scope::Enterprise(u) => Condition::all().add(
                workgroup::Column::Id.in_subquery(
                    Query::select()
                        .column(workgroup_unit::Column::WorkgroupId)
                        .from(workgroup_unit::Entity)
                        .and_where(workgroup_unit::Column::UnitId.eq(u.0))
                        .to_owned(),
                ),
            ),
        })
    }

    /// One work group the caller sees, or NotFound (the same answer as no such group).
    pub(crate) async fn row(self, caller: &Caller, id: i64) -> Result<workgroup::Model> {
        let cond = self.scope(caller).await?.add(workgroup::Column::Id.eq(id));
        workgroup::Entity::find().filter(cond).one(self.store.db()).await?.ok_or(StoreError::NotFound)
    }

    /// One work group the caller keeps.
    pub(crate) async fn kept(self, caller: &Caller, id: i64) -> Result<workgroup::Model> {
        self.store.require(caller, Action::RestructureRegistry)?;
        self.row(caller, id).await
    }
}
