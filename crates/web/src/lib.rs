//! The web layer: router, authentication, scope, CSRF, server-rendered pages (askama +
//! htmx) and the JSON API. Business rules stay in the domain and store crates.

mod api;
mod api_matching;
mod assets;
mod auth;
mod error;
mod export;
mod pages;
mod state;

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

pub use api_matching::{MatchesJson, matches_json};
pub use error::WebError;
pub use export::enterprises_xlsx;
pub use state::{AppState, Config};

/// Uploads above this are refused before they reach a handler (an .xlsx of a million rows
/// is about 60 MB).
const MAX_BODY: usize = 200 * 1024 * 1024;

pub fn router(state: AppState) -> Router {
    let sessions = SessionManagerLayer::new(qunlian_store::accounts::DbSessionStore::new(state.store.clone()))
        .with_name("qunlian_session")
        .with_secure(state.config.secure_cookies)
        .with_same_site(SameSite::Strict)
        .with_http_only(true)
        .with_expiry(Expiry::OnInactivity(time::Duration::minutes(state.config.session_minutes)));

    let pages = Router::new()
        .route("/", get(pages::home::page))
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/password", get(auth::password_page).post(auth::change_password))
        .route("/enterprises", get(pages::enterprises::list))
        .route("/enterprises/export.xlsx", get(pages::enterprises::export))
        .route("/enterprises/new", get(pages::enterprises::new_form).post(pages::enterprises::create))
        .route("/enterprises/{id}", get(pages::enterprises::detail))
        .route("/enterprises/{id}/edit", get(pages::enterprises::edit_form).post(pages::enterprises::update))
        .route("/enterprises/{id}/reveal-phone", post(pages::enterprises::reveal_phone))
        .route("/orgs", get(pages::orgs::tree))
        .route("/orgs/new", get(pages::orgs::new_form).post(pages::orgs::create))
        .route("/orgs/{id}", get(pages::orgs::detail))
        .route("/orgs/{id}/rename", post(pages::orgs::rename))
        .route("/orgs/{id}/dissolve", post(pages::orgs::dissolve))
        .route("/orgs/{id}/merge", post(pages::orgs::merge))
        .route("/orgs/{id}/edit", post(pages::orgs::update))
        .route("/clusters", get(pages::clusters::list))
        .route("/clusters/export.xlsx", get(pages::lists::clusters))
        .route("/orgs/export.xlsx", get(pages::lists::orgs))
        .route("/alliances/export.xlsx", get(pages::lists::alliances))
        .route("/pairings/export.xlsx", get(pages::lists::pairings))
        .route("/clusters/{id}", get(pages::clusters::detail))
        .route("/clusters/new", get(pages::clusters::new_form).post(pages::clusters::create))
        .route("/clusters/{id}/members", post(pages::clusters::add_member))
        .route("/clusters/{id}/officers", post(pages::clusters::add_officer))
        .route("/clusters/{id}/edit", get(pages::clusters::edit_form).post(pages::clusters::update))
        .route("/clusters/{id}/members/{unit}/remove", post(pages::clusters::remove_member))
        .route("/clusters/{id}/regions", post(pages::clusters::add_region))
        .route("/coverage", get(pages::coverage::summary))
        .route("/coverage/categories", post(pages::coverage::create_category))
        .route("/coverage/categories/new", get(pages::coverage::new_category_form))
        .route("/coverage/categories/{id}", get(pages::coverage::category).post(pages::coverage::update_category))
        .route("/coverage/categories/{id}/delete", post(pages::coverage::delete_category))
        .route("/coverage/snapshots", get(pages::coverage::snapshots).post(pages::coverage::take_snapshot))
        .route("/coverage/assignments", get(pages::coverage::assignments).post(pages::coverage::create_assignment))
        .route("/coverage/assignments/export.xlsx", get(pages::coverage::assignments_xlsx))
        .route("/coverage/assignments/{id}/withdraw", post(pages::coverage::withdraw_assignment))
        .route("/enterprises/{id}/work-links", post(pages::coverage::add_work_link))
        .route("/enterprises/{id}/work-links/{link}/end", post(pages::coverage::end_work_link))
        .route("/regions", get(pages::regions::page))
        .route("/regions/parks", post(pages::regions::create_park))
        .route("/alliances", get(pages::others::alliances).post(pages::others::create_alliance))
        .route("/pairings", get(pages::others::pairings).post(pages::others::create_pairing))
        .route("/regions/parks/{id}", get(pages::regions::park).post(pages::regions::update_park))
        .route("/alliances/{id}", get(pages::others::alliance).post(pages::others::update_alliance))
        .route("/pairings/{id}", get(pages::others::pairing).post(pages::others::update_pairing))
        .route("/pairings/{id}/end", post(pages::others::end_pairing))
        .route("/import", get(pages::import::page))
        .route("/import/template.xlsx", get(pages::import::template))
        .route("/import/preview", post(pages::import::preview))
        .route("/import/confirm", post(pages::import::confirm))
        .route("/import/rejects/{token}", get(pages::import::rejects_xlsx))
        .route("/audit", get(pages::admin::audit))
        .route("/users", get(pages::admin::users).post(pages::admin::create_user))
        .route("/users/{id}/unlock", post(pages::admin::unlock))
        .route("/services", get(pages::services::list).post(pages::services::create))
        .route("/services/new", get(pages::services::new_form))
        .route("/services/{id}", get(pages::services::detail))
        .route("/services/{id}/step", post(pages::services::step))
        .route("/services/catalogue", get(pages::services::catalogue).post(pages::services::save_item))
        .route("/services/catalogue/import", post(pages::services::import_catalogue))
        .route("/services/calendar", get(pages::services::calendar).post(pages::services::upload_calendar))
        .route("/services/report", get(pages::services::report))
        .route("/services/report.xlsx", get(pages::services::report_xlsx))
        .route("/policies", get(pages::policies::list).post(pages::policies::create))
        .route("/policies/new", get(pages::policies::new_form))
        .route("/policies/push", get(pages::policies::push_form).post(pages::policies::push))
        .route("/policies/push/preview", post(pages::policies::push_preview))
        .route("/policies/pushes/{id}", get(pages::policies::push_detail))
        .route("/policies/{id}", get(pages::policies::detail).post(pages::policies::update))
        .route("/policies/{id}/enterprises", get(pages::policies::enterprises))
        .route("/listings", get(pages::matching::list).post(pages::matching::create))
        .route("/listings/new", get(pages::matching::new_form))
        .route("/listings/search", get(pages::matching::search))
        .route("/listings/{id}", get(pages::matching::detail))
        .route("/listings/{id}/edit", get(pages::matching::edit_form).post(pages::matching::update))
        .route("/listings/{id}/close", post(pages::matching::close))
        .route("/listings/{id}/reopen", post(pages::matching::reopen))
        .route("/introductions", get(pages::matching::introductions).post(pages::matching::introduce))
        .route("/introductions/{id}", get(pages::matching::introduction))
        .route("/introductions/{id}/step", post(pages::matching::step))
        .route("/introductions/{id}/followups", post(pages::matching::followup))
        .route("/meetings", get(pages::matching::meeting_page))
        .route("/meetings/print", get(pages::matching::meeting_print))
        .route("/meetings/export.xlsx", get(pages::matching::meeting_xlsx))
        .route("/my/policies", get(pages::policies::my_list))
        .route("/my/policies/{id}", get(pages::policies::my_policy))
        // The enterprise's rating link: no login, the signed token is the key.
        .route("/services/{id}/attachments", post(pages::services::add_attachment))
        .route("/services/{id}/attachments/{aid}", get(pages::services::attachment))
        .route("/rate/{id}/{token}", get(pages::services::rate_page).post(pages::services::rate))
        .layer(axum::middleware::from_fn(auth::csrf_guard))
        .layer(sessions);

    Router::new()
        .merge(pages)
        .nest("/api/v1", api::router())
        .route("/healthz", get(|| async { "ok" }))
        .route("/assets/{*path}", get(assets::serve))
        .fallback(error::not_found)
        .layer(RequestBodyLimitLayer::new(MAX_BODY))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves until Ctrl-C / SIGTERM. Sessions past their expiry are swept every ten minutes.
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let sweeper = qunlian_store::accounts::DbSessionStore::new(state.store.clone());
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(600)).await;
            if let Err(e) = sweeper.delete_expired().await {
                tracing::warn!(error = %e, "could not sweep expired sessions");
            }
        }
    });
    axum::serve(listener, router(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
