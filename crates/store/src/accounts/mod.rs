mod admin;
mod sessions;
mod tokens;
mod users;

pub use admin::scope_text;
pub use sessions::*;
pub use tokens::*;
pub use users::*;

use crate::Store;

/// The accounts capability over the shared store: `store.accounts()`.
#[derive(Clone, Copy)]
pub struct Accounts<'a> {
    store: &'a Store,
}

impl Store {
    pub fn accounts(&self) -> Accounts<'_> {
        Accounts { store: self }
    }
}
