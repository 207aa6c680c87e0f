//! Integration project pages (深度融合项目). This branch holds the pages after the award
//! (outcomes, support, the story) and the figures; the workflow pages (rounds, applications,
//! recommendation, review, ranking) merge their routes here.

pub mod figures;
pub mod outcomes;

use axum::Router;

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().merge(outcomes::routes()).merge(figures::routes())
}
