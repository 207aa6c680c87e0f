//! Accounts: logging in and out, one's password and API tokens, user accounts and the
//! audit log.

pub mod audit;
pub mod login;
pub mod tokens;
pub mod users;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

/// The pages of accounts, with their paths.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login::login_page).post(login::login))
        .route("/logout", post(login::logout))
        .route("/password", get(login::password_page).post(login::change_password))
        .route("/audit", get(audit::audit))
        .route("/users", get(users::users).post(users::create_user))
        .route("/users/{id}", get(users::user))
        .route("/users/{id}/grant", post(users::grant))
        .route("/users/{id}/disable", post(users::disable))
        .route("/users/{id}/enable", post(users::enable))
        .route("/users/{id}/reset", post(users::reset))
        .route("/users/{id}/unlock", post(users::unlock))
        .route("/tokens", get(tokens::tokens).post(tokens::create))
        .route("/tokens/{id}/revoke", post(tokens::revoke))
}
