//! The policy library (惠企政策), pushes and read receipts.
//!
//! A policy names its issuing department, its 文号, its validity and an eligibility rule in
//! the language of coverage categories (`高新技术企业 且 从业人数>=100`), compiled to SQL by
//! [`crate::coverage::Coverage::rule_condition`]. A push sends one policy or a package to every enterprise that
//! matches each policy's rule inside the pusher's scope (optionally narrowed to a town or a
//! cluster), for the policies valid that day, writing one receipt per (push, policy,
//! enterprise) with one `INSERT … SELECT` per policy, all in one transaction. The
//! enterprise's contact sees its list (免申即享) and opening a policy marks its receipts read.

mod library;
mod own;
mod pushes;
mod receipts;

pub use library::*;
pub use own::*;
pub use pushes::*;

use crate::entity::{policy, unit};
use crate::{Store, StoreError};
use chrono::NaiveDate;
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition};

/// The policies capability over the shared store: `store.policies()`.
#[derive(Clone, Copy)]
pub struct Policies<'a> {
    store: &'a Store,
}

impl Store {
    pub fn policies(&self) -> Policies<'_> {
        Policies { store: self }
    }
}

/// The field named in the messages about a policy's rule.
const RULE_FIELD: &str = "适用条件";

fn relabel(e: StoreError) -> StoreError {
    match e {
        StoreError::Invalid { message, .. } => StoreError::invalid(RULE_FIELD, message),
        other => other,
    }
}

fn units_where(condition: Condition) -> SelectStatement {
    Query::select().column(unit::Column::Id).from(unit::Entity).cond_where(condition).to_owned()
}

fn valid_on(day: NaiveDate) -> Condition {
    Condition::all()
        .add(policy::Column::ValidFrom.lte(day))
        .add(Condition::any().add(policy::Column::ValidUntil.is_null()).add(policy::Column::ValidUntil.gte(day)))
}

fn count(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}
