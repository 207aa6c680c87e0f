//! Offers and needs: the list with its filters (emergency needs on top), publishing and
//! editing, one listing with its ranked matches and their reasons, and free-text search.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use qunlian_domain::auth::{Action, ClusterId, Scope, UnitId};
use qunlian_domain::matching::{ListingCategory, ListingFields, ListingKind, RawListing, Reach, Urgency};
use qunlian_store::matching::{
    Introduction, IntroductionFilter, Listing, ListingFilter, ListingMatch, SearchHit, format_number,
};
use serde::Deserialize;

use super::*;
use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::forms::{non_empty, parsed};
use crate::support::render;
use crate::support::render_form;

// ---------- the list ----------

#[derive(Deserialize, Default, Clone)]
pub struct ListQuery {
    kind: Option<String>,
    category: Option<String>,
    urgency: Option<String>,
    /// "mine": the enterprises the caller works for.
    scope: Option<String>,
    cluster: Option<String>,
    closed: Option<String>,
}

impl ListQuery {
    fn filter(&self) -> Result<ListingFilter, WebError> {
        Ok(ListingFilter {
            kind: kind_param(&self.kind)?,
            category: category_param(&self.category)?,
            urgency: urgency_param(&self.urgency)?,
            mine: non_empty(&self.scope) == Some("mine"),
            cluster: id_param("集群", &self.cluster)?.map(ClusterId),
            unit: None,
            include_closed: non_empty(&self.closed).is_some(),
        })
    }
    pub fn is(&self, field: &str, value: &str) -> bool {
        let v = match field {
            "kind" => &self.kind,
            "category" => &self.category,
            "urgency" => &self.urgency,
            "scope" => &self.scope,
            _ => &self.closed,
        };
        non_empty(v).unwrap_or("") == value
    }
    pub fn cluster_value(&self) -> &str {
        non_empty(&self.cluster).unwrap_or("")
    }
}

#[derive(Template)]
#[template(path = "matching/listings.html")]
struct ListPage {
    layout: Layout,
    nav: Nav,
    query: ListQuery,
    rows: Vec<Listing>,
    total: u64,
    mine_label: &'static str,
    cluster_name: Option<String>,
    kinds: &'static [ListingKind],
    categories: &'static [ListingCategory],
    urgencies: &'static [Urgency],
}

fn mine_label(auth: &Auth) -> &'static str {
    match auth.caller.scope {
        Scope::Enterprise(_) => "本企业",
        Scope::Cluster(_) => "本集群成员",
        _ => "本辖区企业",
    }
}

pub async fn list(State(state): State<AppState>, auth: Auth, Query(q): Query<ListQuery>) -> PageResult {
    may_read(&auth)?;
    let filter = q.filter()?;
    let (rows, total) = state.store.matching().listings(&auth.caller, &filter, SHOWN).await?;
    let cluster_name = match filter.cluster {
        Some(c) => Some(state.store.registry().cluster(&auth.caller, c).await?.cluster.name),
        None => None,
    };
    render(&ListPage {
        layout: Layout::new(&auth, &state, ACTIVE),
        nav: Nav::of(&auth),
        mine_label: mine_label(&auth),
        query: q,
        rows,
        total,
        cluster_name,
        kinds: &ListingKind::ALL,
        categories: &ListingCategory::ALL,
        urgencies: &Urgency::ALL,
    })
}

// ---------- publishing and editing ----------

/// The form's fields as typed, so a refused form comes back as it was filled.
#[derive(Deserialize, Default, Clone)]
pub struct ListingForm {
    unit_id: Option<String>,
    kind: Option<String>,
    category: Option<String>,
    title: Option<String>,
    description: Option<String>,
    industry_code: Option<String>,
    quantity: Option<String>,
    quantity_unit: Option<String>,
    urgency: Option<String>,
    reach: Option<String>,
    valid_until: Option<String>,
}

impl ListingForm {
    fn of(l: &Listing) -> ListingForm {
        ListingForm {
            unit_id: Some(l.unit_id.to_string()),
            kind: Some(l.kind.code().to_owned()),
            category: Some(l.category.code().to_owned()),
            title: Some(l.title.clone()),
            description: Some(l.description.clone()),
            industry_code: l.industry_code.clone(),
            quantity: l.quantity.map(format_number),
            quantity_unit: l.quantity_unit.clone(),
            urgency: Some(l.urgency.code().to_owned()),
            reach: Some(l.reach.code().to_owned()),
            valid_until: Some(l.valid_until.to_string()),
        }
    }

    /// The parser the API and the import use, so the three accept the same values.
    fn fields(&self) -> Result<ListingFields, WebError> {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        parsed(ListingFields::parse(&RawListing {
            kind: text(&self.kind),
            category: text(&self.category),
            title: text(&self.title),
            description: text(&self.description),
            industry_code: text(&self.industry_code),
            quantity: text(&self.quantity),
            unit: text(&self.quantity_unit),
            urgency: text(&self.urgency),
            reach: text(&self.reach),
            valid_until: text(&self.valid_until),
        }))
    }

    pub fn value<'a>(&'a self, field: &str) -> &'a str {
        let v = match field {
            "unit_id" => &self.unit_id,
            "kind" => &self.kind,
            "category" => &self.category,
            "title" => &self.title,
            "description" => &self.description,
            "industry_code" => &self.industry_code,
            "quantity" => &self.quantity,
            "quantity_unit" => &self.quantity_unit,
            "urgency" => &self.urgency,
            "reach" => &self.reach,
            _ => &self.valid_until,
        };
        v.as_deref().unwrap_or("")
    }
}

#[derive(Template)]
#[template(path = "matching/listing_form.html")]
struct FormPage {
    layout: Layout,
    nav: Nav,
    /// The listing being edited; None when publishing.
    editing: Option<Listing>,
    units: Vec<(i64, String)>,
    q: String,
    f: ListingForm,
    error: Option<String>,
    kinds: &'static [ListingKind],
    categories: &'static [ListingCategory],
    urgencies: &'static [Urgency],
    reaches: &'static [Reach],
}

impl FormPage {
    /// A single enterprise is chosen already; among several the contact picks one.
    fn unit_blank(&self) -> &'static str {
        if self.units.len() == 1 { "" } else { "请选择" }
    }
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    q: Option<String>,
    kind: Option<String>,
}

async fn form_page(
    state: &AppState,
    auth: &Auth,
    editing: Option<Listing>,
    q: Option<&str>,
    f: ListingForm,
    error: Option<String>,
) -> PageResult {
    let units = if editing.is_some() {
        Vec::new()
    } else {
        state.store.matching().publishable_units(&auth.caller, q, 300).await?
    };
    let page = FormPage {
        layout: Layout::new(auth, state, ACTIVE),
        nav: Nav::of(auth),
        editing,
        units,
        q: q.unwrap_or("").to_owned(),
        f,
        kinds: &ListingKind::ALL,
        categories: &ListingCategory::ALL,
        urgencies: &Urgency::ALL,
        reaches: &Reach::ALL,
        error: error.clone(),
    };
    render_form(&page, page.error.is_some())
}

pub async fn new_form(State(state): State<AppState>, auth: Auth, Query(q): Query<NewQuery>) -> PageResult {
    auth.require(Action::PublishListings)?;
    let default_until = state.store.today() + chrono::Duration::days(90);
    let f = ListingForm {
        kind: Some(non_empty(&q.kind).unwrap_or("need").to_owned()),
        valid_until: Some(default_until.to_string()),
        reach: Some(Reach::District.code().to_owned()),
        ..Default::default()
    };
    form_page(&state, &auth, None, non_empty(&q.q), f, None).await
}

/// A refused form is shown again as filled, with the reason; other errors are errors.
async fn refused(state: &AppState, auth: &Auth, editing: Option<Listing>, f: ListingForm, e: WebError) -> PageResult {
    match e {
        WebError::Invalid(message) => form_page(state, auth, editing, None, f, Some(message)).await,
        other => Err(other),
    }
}

pub async fn create(State(state): State<AppState>, auth: Auth, Form(f): Form<ListingForm>) -> PageResult {
    auth.require(Action::PublishListings)?;
    let unit = match (&auth.caller.scope, id_param("企业", &f.unit_id)) {
        (Scope::Enterprise(u), _) => Ok(*u),
        (_, Ok(Some(u))) => Ok(UnitId(u)),
        (_, Ok(None)) => Err(WebError::Invalid("企业：请选择".into())),
        (_, Err(e)) => Err(e),
    };
    let result = match (unit, f.fields()) {
        (Ok(unit), Ok(fields)) => {
            state.store.matching().publish(&auth.caller, unit, fields, false).await.map_err(WebError::from)
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    match result {
        Ok(id) => {
            state.sync_index().await;
            Ok(Redirect::to(&format!("/listings/{id}")).into_response())
        }
        Err(e) => refused(&state, &auth, None, f, e).await,
    }
}

pub async fn edit_form(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    let l = state.store.matching().listing_for_edit(&auth.caller, id).await?;
    let f = ListingForm::of(&l);
    form_page(&state, &auth, Some(l), None, f, None).await
}

pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<ListingForm>,
) -> PageResult {
    let l = state.store.matching().listing_for_edit(&auth.caller, id).await?;
    let result = match f.fields() {
        Ok(fields) => state.store.matching().update_listing(&auth.caller, id, fields).await.map_err(WebError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => {
            state.sync_index().await;
            Ok(Redirect::to(&format!("/listings/{id}")).into_response())
        }
        Err(e) => refused(&state, &auth, Some(l), f, e).await,
    }
}

pub async fn close(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    state.store.matching().set_listing_open(&auth.caller, id, false).await?;
    state.sync_index().await;
    Ok(Redirect::to(&format!("/listings/{id}")).into_response())
}

pub async fn reopen(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    state.store.matching().set_listing_open(&auth.caller, id, true).await?;
    state.sync_index().await;
    Ok(Redirect::to(&format!("/listings/{id}")).into_response())
}

// ---------- one listing and its matches ----------

#[derive(Template)]
#[template(path = "matching/listing.html")]
struct DetailPage {
    layout: Layout,
    nav: Nav,
    l: Listing,
    may_edit: bool,
    matches: Vec<ListingMatch>,
    introductions: Vec<Introduction>,
}

impl DetailPage {
    /// The (need, offer) pair of this listing and a match.
    fn pair(&self, m: &ListingMatch) -> (i64, i64) {
        if self.l.kind == ListingKind::Need { (self.l.id, m.listing.id) } else { (m.listing.id, self.l.id) }
    }
}

pub async fn detail(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    may_read(&auth)?;
    let l = state.store.matching().listing(&auth.caller, id).await?;
    let matches = state.store.matching().matches(&auth.caller, state.index()?, id, 10).await?;
    let introductions = state
        .store
        .matching()
        .introductions(&auth.caller, &IntroductionFilter { listing: Some(id), ..Default::default() })
        .await?;
    render(&DetailPage {
        layout: Layout::new(&auth, &state, ACTIVE),
        nav: Nav::of(&auth),
        may_edit: state.store.matching().may_edit_listing(&auth.caller, &l).await?,
        l,
        matches,
        introductions,
    })
}

// ---------- search ----------

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    q: Option<String>,
    kind: Option<String>,
}

#[derive(Template)]
#[template(path = "matching/listing_search.html")]
struct SearchPage {
    layout: Layout,
    nav: Nav,
    q: String,
    kind: String,
    hits: Vec<SearchHit>,
    searched: bool,
}

pub async fn search(State(state): State<AppState>, auth: Auth, Query(q): Query<SearchQuery>) -> PageResult {
    may_read(&auth)?;
    let kind = kind_param(&q.kind)?;
    let text = non_empty(&q.q).unwrap_or("").to_owned();
    let hits = if text.is_empty() {
        Vec::new()
    } else {
        state.store.matching().search(&auth.caller, state.index()?, &text, kind, 50).await?
    };
    render(&SearchPage {
        layout: Layout::new(&auth, &state, ACTIVE),
        nav: Nav::of(&auth),
        searched: !text.is_empty(),
        q: text,
        kind: kind.map(|k| k.code().to_owned()).unwrap_or_default(),
        hits,
    })
}
