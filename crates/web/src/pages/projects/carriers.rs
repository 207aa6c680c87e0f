//! A carrier's page (“X” 工作载体): its kind, name, lead and organisation, and the projects it
//! carries that the caller may see.

use askama::Template;
use axum::extract::{Path, State};
use qunlian_store::projects::CarrierPage;

use super::*;
use crate::auth::Layout;
use crate::error::PageResult;
use crate::support::render;

#[derive(Template)]
#[template(path = "projects/carrier.html")]
struct Page {
    layout: Layout,
    c: CarrierPage,
}

pub async fn page(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    auth.require(Action::ReadProjects)?;
    let c = state.store.projects().carrier(&auth.caller, id).await?;
    render(&Page { layout: Layout::new(&auth, &state, ACTIVE), c })
}
