//! Project work groups and their temporary branches (项目工作组 与 临时党支部, issue #13): the
//! list filtered by kind and state, the form that creates one with its branch, and one work
//! group's page with its units, the branch's members (masked, each with the organisation
//! holding the relation), the branch's activities, the end prompt, the 撤销 / 延期 forms and
//! the forms for a member joining later (加入) or leaving (退出).
//! Who sees and keeps what is the store's (`store.workgroups()`).

pub mod detail;
pub mod list;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

const ACTIVE: &str = "/workgroups";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/workgroups", get(list::list).post(list::create))
        .route("/workgroups/new", get(list::new_form))
        .route("/workgroups/{id}", get(detail::detail))
        .route("/workgroups/{id}/end", post(detail::end))
        .route("/workgroups/{id}/extend", post(detail::extend))
        .route("/workgroups/{id}/members", post(detail::join))
        .route("/workgroups/{id}/members/leave", post(detail::leave))
}
