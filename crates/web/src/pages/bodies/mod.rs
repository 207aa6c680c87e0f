//! Working bodies (issue #14): the powers of cluster committees (赋权清单) and their uses
//! (`powers.rs`); alliances at work — service list, meetings, decisions (`alliances.rs`) and
//! the issue log of 问题协商 with its figures (`issues.rs`). The rules are the domain's and
//! the store's (`store.bodies()`); these pages show them.
//!
//! Villages and their 名誉村主任 (`villages.rs`, `/bodies/villages`); talent apartments,
//! talent selections and secretary studios (`talent.rs`, `/bodies/talent`); a studio's page
//! with the projects and activities that name it (`studios.rs`, `/bodies/studios/{id}`). A
//! cluster's page shows its structure from the organisation tree ("1+8"); the index its
//! committees' form (实体型 / 活动型) and the district facts of the reports.
//!
//! Paths: everything under `/bodies`; a cluster's powers are `/bodies/clusters/{id}`, an
//! alliance's work `/bodies/alliances/{id}`.

pub mod alliances;
pub mod issues;
pub mod powers;
pub mod studios;
pub mod talent;
pub mod villages;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use qunlian_domain::auth::Action;
use qunlian_store::bodies::{AllianceLine, ClusterLine, PowerScope, RegionFact};

use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::forms::{Pairs, parsed};
use crate::support::{render_form, saved_or_again};

const ACTIVE: &str = "/bodies";
/// The navigation entries of the second slice's pages.
const VILLAGES: &str = "/bodies/villages";
const TALENT: &str = "/bodies/talent";

/// The pages of working bodies, with their paths.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/bodies", get(index))
        .route("/bodies/scopes", post(add_scope))
        .route("/bodies/clusters/{id}", get(powers::page))
        .route("/bodies/clusters/{id}/powers", post(powers::grant))
        .route("/bodies/clusters/{id}/uses", post(powers::log_use))
        .route("/bodies/alliances/{id}", get(alliances::page))
        .route("/bodies/alliances/{id}/services", post(alliances::add_service))
        .route("/bodies/alliances/{id}/meetings", post(alliances::record_meeting))
        .route("/bodies/alliances/{id}/meetings/{mid}/decisions", post(alliances::add_decision))
        .route("/bodies/alliances/{id}/decisions/{did}/done", post(alliances::finish_decision))
        .route("/bodies/alliances/{id}/issues", get(issues::list).post(issues::raise))
        .route("/bodies/alliances/{id}/issues/{iid}", post(issues::act))
        .route("/bodies/villages", get(villages::page).post(villages::add_village))
        .route("/bodies/villages/mandatory", post(villages::add_mandatory))
        .route("/bodies/villages/heads", post(villages::nominate))
        .route("/bodies/villages/heads/{id}", get(villages::head))
        .route("/bodies/villages/heads/{id}/checks", post(villages::record_check))
        .route("/bodies/villages/heads/{id}/step", post(villages::step))
        .route("/bodies/villages/heads/{id}/actions", post(villages::add_action))
        .route("/bodies/villages/heads/{id}/actions/{aid}/done", post(villages::complete))
        .route("/bodies/talent", get(talent::page))
        .route("/bodies/talent/apartments", post(talent::add_apartment))
        .route("/bodies/talent/apartments/{id}/residents", post(talent::add_resident))
        .route("/bodies/talent/selections", post(talent::open_selection))
        .route("/bodies/talent/selections/{id}/ask", post(talent::ask))
        .route("/bodies/talent/selections/{id}/opinions/{oid}", post(talent::answer))
        .route("/bodies/talent/selections/{id}/decide", post(talent::decide))
        .route("/bodies/talent/studios", post(talent::add_studio))
        .route("/bodies/studios/{id}", get(studios::page))
}

/// The town a form names (`town`), parsed.
fn town_of(f: &Pairs) -> Result<qunlian_domain::RegionCode, WebError> {
    qunlian_domain::RegionCode::parse(f.get("town")).map_err(|e| WebError::Invalid(format!("所属街镇：{e}")))
}

/// The fields of a form that changes an alliance's records, once the caller is found to
/// run that alliance (the role first, then the alliance in its scope).
async fn running(state: &AppState, auth: &Auth, id: i64, f: Pairs) -> Result<Pairs, WebError> {
    auth.require(Action::RunAlliances)?;
    state.store.bodies().may_run(&auth.caller, id).await?;
    Ok(f)
}

#[derive(Template)]
#[template(path = "bodies/index.html")]
struct IndexPage {
    layout: Layout,
    clusters: Vec<ClusterLine>,
    alliances: Vec<AllianceLine>,
    scopes: Vec<PowerScope>,
    /// The district facts of the reports, of the caller's regions.
    facts: Vec<RegionFact>,
    may_add_scope: bool,
    scope_name: String,
    error: Option<String>,
}

async fn index_page(state: &AppState, auth: &Auth, scope_name: String, error: Option<String>) -> PageResult {
    let b = state.store.bodies();
    let refused = error.is_some();
    let page = IndexPage {
        layout: Layout::new(auth, state, ACTIVE),
        clusters: b.clusters(&auth.caller).await?,
        alliances: b.alliances(&auth.caller).await?,
        scopes: b.scopes(&auth.caller).await?,
        facts: b.region_facts(&auth.caller).await?,
        may_add_scope: auth.caller.may(Action::GrantPowers),
        scope_name,
        error,
    };
    render_form(&page, refused)
}

/// The clusters and alliances the caller sees, and the list of scopes of power.
pub async fn index(State(state): State<AppState>, auth: Auth) -> PageResult {
    auth.require(Action::ReadRegistry)?;
    index_page(&state, &auth, String::new(), None).await
}

pub async fn add_scope(State(state): State<AppState>, auth: Auth, f: Pairs) -> PageResult {
    auth.require(Action::GrantPowers)?;
    let name = f.get("name").to_owned();
    let done = state.store.bodies().add_scope(&auth.caller, &name).await.map_err(WebError::from);
    saved_or_again(done.map(|_| "/bodies#scopes".to_owned()), |m| index_page(&state, &auth, name.clone(), Some(m)))
        .await
}

/// A median in days as a figure shows it: one decimal when it has one, "—" when there is none.
pub fn days_text(v: &Option<f64>) -> String {
    match v {
        None => "—".to_owned(),
        Some(x) if x.fract() == 0.0 => format!("{x:.0}"),
        Some(x) => format!("{x:.1}"),
    }
}

/// The `owner` of the list behind an owner's figure.
pub fn owner_param(o: &qunlian_store::bodies::OwnerFilter) -> String {
    match o {
        qunlian_store::bodies::OwnerFilter::Any => String::new(),
        qunlian_store::bodies::OwnerFilter::Unassigned => "none".to_owned(),
        qunlian_store::bodies::OwnerFilter::Unit(u) => u.to_string(),
    }
}
