//! Accounts: logging in and out, one's password, user accounts and the audit log.

pub mod audit;
pub mod login;
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
        .route("/users/{id}/unlock", post(users::unlock))
}
