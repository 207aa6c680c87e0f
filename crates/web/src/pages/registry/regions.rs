use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use qunlian_domain::RegionCode;
use qunlian_domain::auth::{Action, Scope};
use qunlian_store::registry::{EnterpriseFilter, Park, ParkDetail};
use serde::Deserialize;

use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::forms::{Choice, Refusal, non_empty};
use crate::support::towns::{keep_town, town_options};
use crate::support::{render_form, saved_or_again};

pub struct TownRow {
    pub code: String,
    pub name: String,
    pub enterprises: u64,
}

#[derive(Template)]
#[template(path = "registry/regions.html")]
struct RegionsPage {
    layout: Layout,
    district: String,
    towns: Vec<TownRow>,
    parks: Vec<Park>,
    may_create: bool,
    /// A refused new park ("park"), shown again as it was typed.
    refused: Refusal,
}

impl RegionsPage {
    fn town_choices(&self) -> Vec<Choice> {
        Choice::list(self.towns.iter().map(|t| (&t.code, &t.name)), self.refused.typed("park", "town", ""))
    }

    /// The name of a park's parent, when the caller sees it.
    fn parent_name(&self, parent: &Option<i64>) -> &str {
        parent.and_then(|id| self.parks.iter().find(|p| p.id == id)).map(|p| p.name.as_str()).unwrap_or("")
    }
}

pub async fn page(State(state): State<AppState>, auth: Auth) -> PageResult {
    regions_page(&state, &auth, Refusal::default()).await
}

/// The regions and parks; with a refused new park, 422 and the form as it was typed.
async fn regions_page(state: &AppState, auth: &Auth, refused: Refusal) -> PageResult {
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
            .registry()
            .count_enterprises(&auth.caller, &EnterpriseFilter { region: Some(t), ..Default::default() })
            .await?;
        towns.push(TownRow { code: t.to_string(), name: t.name().to_owned(), enterprises });
    }
    let parks = state.store.registry().list_parks(&auth.caller).await?;
    let was_refused = refused.is_some();
    let page = RegionsPage {
        layout: Layout::new(auth, state, "/regions"),
        district: base.full_name(),
        towns,
        parks,
        may_create: auth.caller.may(Action::Import),
        refused,
    };
    render_form(&page, was_refused)
}

#[derive(Deserialize)]
pub struct ParkForm {
    name: Option<String>,
    town: Option<String>,
}

pub async fn create_park(State(state): State<AppState>, auth: Auth, body: crate::support::forms::Unread) -> PageResult {
    auth.require(Action::Import)?;
    let typed = body.pairs().await?;
    let saved = async {
        let f: ParkForm = typed.parse()?;
        let town = RegionCode::parse(non_empty(&f.town).unwrap_or(""))
            .map_err(|e| WebError::Invalid(format!("所属街镇：{e}")))?;
        state.store.registry().create_park(&auth.caller, non_empty(&f.name).unwrap_or(""), &town, None).await?;
        Ok("/regions".to_owned())
    }
    .await;
    saved_or_again(saved, |msg| regions_page(&state, &auth, Refusal::of("park", msg, typed))).await
}

#[derive(Template)]
#[template(path = "registry/park.html")]
struct ParkPage {
    layout: Layout,
    d: ParkDetail,
    may_edit: bool,
    towns: Vec<crate::support::forms::Choice>,
    /// Parks it may be put under: every park the caller sees but itself.
    parents: Vec<(i64, String)>,
    error: Option<String>,
}

async fn park_page(state: &AppState, auth: &Auth, id: i64, error: Option<String>) -> PageResult {
    let d = state.store.registry().park(&auth.caller, id).await?;
    let may_edit = auth.caller.may(Action::Import);
    let (towns, parents) = if may_edit {
        let mut towns = town_options(state, auth, Some(&d.park.town_code));
        keep_town(&mut towns, &d.park.town_code);
        let parents = state
            .store
            .registry()
            .list_parks(&auth.caller)
            .await?
            .into_iter()
            .filter(|p| p.id != id)
            .map(|p| (p.id, p.name))
            .collect();
        (towns, parents)
    } else {
        (Vec::new(), Vec::new())
    };
    let page = ParkPage { layout: Layout::new(auth, state, "/regions"), d, may_edit, towns, parents, error };
    render_form(&page, page.error.is_some())
}

pub async fn park(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    park_page(&state, &auth, id, None).await
}

#[derive(Deserialize)]
pub struct ParkEditForm {
    name: Option<String>,
    town: Option<String>,
    parent: Option<String>,
}

pub async fn update_park(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<ParkEditForm>,
) -> PageResult {
    auth.require(Action::Import)?;
    let result: Result<(), WebError> = async {
        let town = RegionCode::parse(non_empty(&f.town).unwrap_or(""))
            .map_err(|_| WebError::Invalid("所属街镇：请选择街镇".into()))?;
        let parent = match non_empty(&f.parent) {
            None => None,
            Some(p) => Some(p.parse::<i64>().map_err(|_| WebError::Invalid("上级园区：请从列表中选择".into()))?),
        };
        Ok(state
            .store
            .registry()
            .update_park(&auth.caller, id, non_empty(&f.name).unwrap_or(""), &town, parent)
            .await?)
    }
    .await;
    saved_or_again(result.map(|()| format!("/regions/parks/{id}")), |msg| park_page(&state, &auth, id, Some(msg))).await
}
