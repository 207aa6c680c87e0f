//! The web layer: router, authentication, scope, CSRF, server-rendered pages (askama +
//! htmx) and the JSON API. Business rules stay in the domain and store crates.

mod api;
mod assets;
mod auth;
mod error;
mod export;
mod pages;
mod state;
mod support;

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

pub use api::matching::{MatchesJson, matches_json};
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

    let pages = pages::routes()
        .layer(axum::middleware::from_fn(support::forms::strip_unsavable))
        .layer(axum::middleware::from_fn(auth::csrf_guard))
        .layer(axum::middleware::from_fn(auth::require_password_change))
        .layer(sessions)
        .layer(axum::middleware::map_response(error::page_refusals));

    Router::new()
        .merge(pages)
        .nest("/api/v1", api::router())
        .route("/healthz", get(|| async { "ok" }))
        .route("/assets/{*path}", get(assets::serve))
        .fallback(error::not_found)
        .layer(RequestBodyLimitLayer::new(MAX_BODY))
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::security_headers))
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
