//! Party members (党员, issue #13): the records, who sees them, their reveal and the roster
//! import. The rules of a record are the domain's (`qunlian_domain::people`); here they meet
//! the organisations and the caller's scope.
//!
//! Who sees a member: the scope of the organisation holding the relation
//! ([`Store::org_scope`]): a branch secretary its own organisation's subtree, a cluster
//! secretary its committee's subtree and the member firms' organisations, a town or district
//! admin its area's. Every query below is built on [`People::member_scope`]. The ID number
//! and phone are stored encrypted and leave the store masked; [`People::reveal`] gives them
//! in full only with a reason, and writes who looked at whom and why.

mod applicants;
mod counts;
mod development;
mod groups;
mod import;
mod instructors;
mod members;
mod transfers;

pub use counts::*;
pub use development::*;
pub use groups::*;
pub use import::*;
pub use instructors::*;
pub use members::*;
pub use transfers::*;

use qunlian_domain::auth::{Action, Caller};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};

use crate::entity::{member, party_org};
use crate::{Result, Store, StoreError};

/// The people capability over the shared store: `store.people()`.
#[derive(Clone, Copy)]
pub struct People<'a> {
    store: &'a Store,
}

impl Store {
    pub fn people(&self) -> People<'_> {
        People { store: self }
    }
}

impl People<'_> {
    /// The members the caller may see: those whose organisation is in its scope.
    async fn member_scope(&self, caller: &Caller) -> Result<Condition> {
        self.store.require(caller, Action::ReadMembers)?;
        Ok(Condition::all().add(member::Column::PartyOrgId.in_subquery(self.orgs_in_scope(caller).await?)))
    }

    /// The ids of the organisations in the caller's scope, as a subquery.
    async fn orgs_in_scope(&self, caller: &Caller) -> Result<sea_orm::sea_query::SelectStatement> {
        let orgs = self.store.org_scope(caller).await?;
        Ok(Query::select().column(party_org::Column::Id).from(party_org::Entity).cond_where(orgs).to_owned())
    }

    /// One member in the caller's scope, or NotFound (the same answer as no such member).
    async fn member_in_scope(&self, caller: &Caller, id: i64) -> Result<member::Model> {
        let cond = self.member_scope(caller).await?.add(member::Column::Id.eq(id));
        member::Entity::find().filter(cond).one(self.store.db()).await?.ok_or(StoreError::NotFound)
    }
}
