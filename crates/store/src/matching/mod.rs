//! Supply–demand matchmaking (要素对接 / 牵红线) in the store: offers and needs with their
//! reach, the change log the search index follows, matches and free-text search through a
//! [`SearchIndex`], introductions (牵线) from suggestion to deal with their follow-ups, and the
//! matching-meeting list (要素对接会) of a cluster.
//!
//! Who sees a listing is decided by its reach and the owner's place (see
//! `qunlian_domain::matching::audience`); the store turns a caller's scope into the keys the
//! index filters by, and the same keys into SQL for lists, so a list, a search and a match
//! never disagree about what a caller may see.

mod import;
mod index;
mod introducing;
mod introductions;
mod listings;
mod meeting;
mod vectors;
mod visibility;

pub use import::*;
pub use index::*;
pub use introducing::*;
pub use introductions::*;
pub use listings::*;
pub use meeting::*;
use visibility::*;

use crate::Store;
use sea_orm::sea_query::Expr;

/// Changes applied to the index per batch, and listings per batch of a rebuild.
const BATCH: u64 = 1000;

/// The matching capability over the shared store: `store.matching()`.
#[derive(Clone, Copy)]
pub struct Matching<'a> {
    store: &'a Store,
}

impl Store {
    pub fn matching(&self) -> Matching<'_> {
        Matching { store: self }
    }
}

/// Lists put emergency needs first, then other emergencies and urgent listings, then the newest.
fn urgency_order() -> Expr {
    Expr::cust(
        "CASE WHEN urgency = 'emergency' AND kind = 'need' THEN 0 WHEN urgency = 'emergency' THEN 1 \
         WHEN urgency = 'urgent' THEN 2 ELSE 3 END",
    )
}
