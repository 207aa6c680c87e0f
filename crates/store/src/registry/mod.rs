//! The organisation registry: enterprises and other units, parks, Party organisations,
//! clusters, alliances and pairings — every query filtered by the caller's scope.

mod alliances;
mod changes;
mod clusters;
mod enterprises;
mod figures;
mod groups;
mod import;
mod import_apply;
mod orgs;
mod pairings;
mod parks;
mod proposals;

pub use crate::shared::{industry_name, mask_phone, town_name};
pub use alliances::*;
pub use clusters::*;
pub use enterprises::*;
pub use figures::*;
pub use import::*;
pub use import_apply::*;
pub use orgs::*;
pub use pairings::*;
pub use parks::*;
pub use proposals::*;

use crate::Store;
use crate::entity::park;
use crate::scope::town_in;
use qunlian_domain::auth::{Caller, Scope};
use sea_orm::Condition;
use sea_orm::sea_query::Expr;

/// The registry capability over the shared store: `store.registry()`.
#[derive(Clone, Copy)]
pub struct Registry<'a> {
    store: &'a Store,
}

impl Store {
    pub fn registry(&self) -> Registry<'_> {
        Registry { store: self }
    }
}

/// Which parks the caller may see: those of its region; parks are public otherwise.
fn park_scope(caller: &Caller) -> Condition {
    match &caller.scope {
        Scope::Region(r) => town_in(park::Column::TownCode, r),
        Scope::Nothing => Condition::all().add(Expr::cust("1 = 0")),
        _ => Condition::all(),
    }
}

/// The caller may edit a record shared by several units (an alliance) that also has
/// members it cannot see: only area-wide roles may; a branch or an enterprise may not
/// rename what belongs to others too.
fn may_edit_shared(caller: &Caller) -> bool {
    matches!(caller.scope, Scope::All | Scope::Region(_) | Scope::Cluster(_))
}
