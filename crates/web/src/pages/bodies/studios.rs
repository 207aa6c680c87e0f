//! A secretary studio's page: the studio and the integration projects and activities that name
//! it, each a read-only link to its own page (only those the caller may see; the others
//! counted). Projects and activities name a studio on their own forms.

use askama::Template;
use axum::extract::{Path, State};
use qunlian_domain::auth::Action;
use qunlian_store::bodies::StudioPage;

use super::TALENT;
use crate::auth::{Auth, Layout};
use crate::error::PageResult;
use crate::state::AppState;
use crate::support::render;

#[derive(Template)]
#[template(path = "bodies/studio.html")]
struct Page {
    layout: Layout,
    p: StudioPage,
}

pub async fn page(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    auth.require(Action::ReadRegistry)?;
    let p = state.store.bodies().studio(&auth.caller, id).await?;
    render(&Page { layout: Layout::new(&auth, &state, TALENT), p })
}
