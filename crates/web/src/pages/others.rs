use askama::Template;
use axum::extract::State;
use qunlian_store::registry::{Alliance, Pairing};

use super::render;
use crate::auth::{Auth, Layout};
use crate::error::PageResult;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "alliances.html")]
struct AlliancesPage {
    layout: Layout,
    alliances: Vec<Alliance>,
}

pub async fn alliances(State(state): State<AppState>, auth: Auth) -> PageResult {
    let alliances = state.store.list_alliances(&auth.caller).await?;
    render(&AlliancesPage { layout: Layout::new(&auth, &state, "/alliances"), alliances })
}

#[derive(Template)]
#[template(path = "pairings.html")]
struct PairingsPage {
    layout: Layout,
    pairings: Vec<Pairing>,
}

pub async fn pairings(State(state): State<AppState>, auth: Auth) -> PageResult {
    let pairings = state.store.list_pairings(&auth.caller).await?;
    render(&PairingsPage { layout: Layout::new(&auth, &state, "/pairings"), pairings })
}
