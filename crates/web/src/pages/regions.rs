use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use qunlian_domain::RegionCode;
use qunlian_domain::auth::{Action, Scope};
use qunlian_store::registry::{EnterpriseFilter, Park};
use serde::Deserialize;

use super::{non_empty, render};
use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;

pub struct TownRow {
    pub code: String,
    pub name: String,
    pub enterprises: u64,
}

#[derive(Template)]
#[template(path = "regions.html")]
struct RegionsPage {
    layout: Layout,
    district: String,
    towns: Vec<TownRow>,
    parks: Vec<Park>,
    may_create: bool,
}

pub async fn page(State(state): State<AppState>, auth: Auth) -> PageResult {
    auth.require(Action::ReadRegistry)?;
    let base = match &auth.caller.scope {
        Scope::Region(r) => *r,
        _ => state.config.district,
    };
    let towns_codes: Vec<RegionCode> =
        if base.level() == qunlian_domain::region::RegionLevel::Town { vec![base] } else { base.children().collect() };
    let mut towns = Vec::with_capacity(towns_codes.len());
    for t in towns_codes {
        let enterprises = state
            .store
            .count_enterprises(&auth.caller, &EnterpriseFilter { region: Some(t), ..Default::default() })
            .await?;
        towns.push(TownRow { code: t.to_string(), name: t.name().to_owned(), enterprises });
    }
    let parks = state.store.list_parks(&auth.caller).await?;
    render(&RegionsPage {
        layout: Layout::new(&auth, &state, "/regions"),
        district: base.full_name(),
        towns,
        parks,
        may_create: auth.caller.may(Action::Import),
    })
}

#[derive(Deserialize)]
pub struct ParkForm {
    name: Option<String>,
    town: Option<String>,
}

pub async fn create_park(State(state): State<AppState>, auth: Auth, Form(f): Form<ParkForm>) -> PageResult {
    let town =
        RegionCode::parse(non_empty(&f.town).unwrap_or("")).map_err(|e| WebError::Invalid(format!("所属街镇：{e}")))?;
    state.store.create_park(&auth.caller, non_empty(&f.name).unwrap_or(""), &town, None).await?;
    Ok(Redirect::to("/regions").into_response())
}
