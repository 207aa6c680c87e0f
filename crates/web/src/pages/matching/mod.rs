//! Supply–demand matchmaking (要素对接 / 牵红线) in the browser: offers and needs, their
//! matches, introductions and the matching-meeting list. Helpers shared by these pages are
//! here; `emergency_needs` is what the workbench shows of it (a cluster's figures on its page are
//! `support::sections::cluster_figures`).

pub mod introductions;
pub mod listings;
pub mod meeting;

use axum::Router;
use axum::routing::{get, post};
use qunlian_domain::auth::{Action, Role};
use qunlian_domain::matching::{ListingCategory, ListingKind, Urgency};
use qunlian_domain::text::compact;

use crate::auth::Auth;
use crate::error::WebError;
use crate::state::AppState;
use crate::support::forms::id_param;
use crate::support::forms::{coded, non_empty};

/// Rows a list shows; the total above it counts them all.
const SHOWN: u64 = 300;
const ACTIVE: &str = "/listings";

fn may_read(auth: &Auth) -> Result<(), WebError> {
    auth.require(Action::ReadListings)
}

fn kind_param(v: &Option<String>) -> Result<Option<ListingKind>, WebError> {
    coded(v, ListingKind::parse)
}

fn category_param(v: &Option<String>) -> Result<Option<ListingCategory>, WebError> {
    coded(v, ListingCategory::parse)
}

fn urgency_param(v: &Option<String>) -> Result<Option<Urgency>, WebError> {
    coded(v, Urgency::parse)
}

fn number_param(field: &str, v: &Option<String>) -> Result<Option<f64>, WebError> {
    non_empty(v)
        .map(|s| {
            let c = compact(s).replace([',', '，'], "");
            c.parse::<f64>()
                .ok()
                .filter(|n| n.is_finite() && *n >= 0.0)
                .ok_or_else(|| WebError::Invalid(format!("{field}：“{s}”应为不小于0的数")))
        })
        .transpose()
}

/// What the matchmaking pages' shared sub-navigation needs.
pub struct Nav {
    pub may_publish: bool,
    pub may_broker: bool,
}

impl Nav {
    fn of(auth: &Auth) -> Nav {
        Nav {
            may_publish: auth.caller.may(Action::PublishListings),
            may_broker: auth.caller.may(Action::BrokerIntroductions),
        }
    }
}

/// Open emergency needs of the members, for the workbench of a cluster secretary (the
/// owners' clusters' secretaries are who must act); None for other roles.
pub async fn emergency_needs(state: &AppState, auth: &Auth) -> Result<Option<u64>, WebError> {
    if auth.caller.role != Role::ClusterSecretary {
        return Ok(None);
    }
    Ok(Some(state.store.matching().emergency_needs_count(&auth.caller).await?))
}

/// The pages of matching, with their paths.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/listings", get(listings::list).post(listings::create))
        .route("/listings/new", get(listings::new_form))
        .route("/listings/search", get(listings::search))
        .route("/listings/{id}", get(listings::detail))
        .route("/listings/{id}/edit", get(listings::edit_form).post(listings::update))
        .route("/listings/{id}/close", post(listings::close))
        .route("/listings/{id}/reopen", post(listings::reopen))
        .route("/introductions", get(introductions::introductions).post(introductions::introduce))
        .route("/introductions/{id}", get(introductions::introduction))
        .route("/introductions/{id}/step", post(introductions::step))
        .route("/introductions/{id}/department", post(introductions::department))
        .route("/introductions/{id}/followups", post(introductions::followup))
        .route("/meetings", get(meeting::meeting_page))
        .route("/meetings/print", get(meeting::meeting_print))
        .route("/meetings/export.xlsx", get(meeting::meeting_xlsx))
}
