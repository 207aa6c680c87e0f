//! Server-rendered pages, one folder per capability: one askama struct per page and per
//! partial, and a `routes()` per capability. A request from htmx (the `HX-Request` header)
//! gets the partial only. Helpers shared by pages live in `crate::support`; a page module
//! does not import another capability's helpers — what one capability shows of another
//! (the coverage box on the enterprise page, a cluster's brokering figures) is that
//! capability's own public function, re-exported from its `mod.rs`.

pub mod accounts;
pub mod activities;
pub mod bodies;
pub mod coverage;
pub mod home;
pub mod matching;
pub mod people;
pub mod policies;
pub mod projects;
pub mod registry;
pub mod results;
pub mod services;
pub mod workgroups;

use axum::Router;
use axum::routing::get;

use crate::state::AppState;

/// Every page, by capability.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::page))
        .merge(accounts::routes())
        .merge(registry::routes())
        .merge(coverage::routes())
        .merge(matching::routes())
        .merge(services::routes())
        .merge(policies::routes())
        .merge(projects::routes())
        .merge(bodies::routes())
        .merge(results::routes())
        .merge(people::routes())
        .merge(activities::routes())
        .merge(workgroups::routes())
}
