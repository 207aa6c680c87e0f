//! Policy pages (惠企政策). Helpers shared by these pages are here.

pub mod library;
pub mod mine;
pub mod push;

use axum::Router;
use axum::routing::{get, post};
use qunlian_domain::auth::{Action, Role, Scope};
use qunlian_store::policies::Policy;

use crate::auth::Auth;
use crate::error::WebError;
use crate::state::AppState;
use crate::support::forms::Choice;

const ACTIVE: &str = "/policies";

/// Whether the caller reads push records (everyone who reads the registry but enterprises).
fn reads_pushes(auth: &Auth) -> bool {
    auth.caller.may(Action::ReadRegistry) && auth.caller.role != Role::EnterpriseContact
}

/// The department a service officer or department head is confined to; None for the
/// district admin.
fn own_department(auth: &Auth) -> Option<i64> {
    match &auth.caller.scope {
        Scope::Department(d) => Some(d.0),
        _ => None,
    }
}

fn may_edit(auth: &Auth, p: &Policy) -> bool {
    auth.caller.may(Action::ManagePolicies) && own_department(auth).is_none_or(|d| d == p.department_id)
}

async fn department_options(state: &AppState, auth: &Auth, selected: Option<i64>) -> Result<Vec<Choice>, WebError> {
    let own = own_department(auth);
    Ok(state
        .store
        .services()
        .departments()
        .await?
        .into_iter()
        .filter(|(id, _)| own.is_none_or(|d| d == *id))
        .map(|(id, name)| Choice { value: id.to_string(), label: name, selected: selected == Some(id) })
        .collect())
}

/// The pages of policies, with their paths.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/policies", get(library::list).post(library::create))
        .route("/policies/new", get(library::new_form))
        .route("/policies/push", get(push::push_form).post(push::push))
        .route("/policies/push/preview", post(push::push_preview))
        .route("/policies/pushes/{id}", get(push::push_detail))
        .route("/policies/{id}", get(library::detail).post(library::update))
        .route("/policies/{id}/enterprises", get(library::enterprises))
        .route("/my/policies", get(mine::my_list))
        .route("/my/policies/{id}", get(mine::my_policy))
}
