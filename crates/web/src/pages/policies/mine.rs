//! The enterprise's own list (免申即享), where opening a policy marks it read.

use askama::Template;
use axum::extract::{Path, State};
use qunlian_store::policies::MyPolicy;

use crate::auth::{Auth, Layout};
use crate::error::PageResult;
use crate::state::AppState;
use crate::support::render;

// ---------- the enterprise's own list ----------

#[derive(Template)]
#[template(path = "policies/my_policies.html")]
struct MyListPage {
    layout: Layout,
    items: Vec<MyPolicy>,
    unread: usize,
}

pub async fn my_list(State(state): State<AppState>, auth: Auth) -> PageResult {
    let items = state.store.policies().my_policies(&auth.caller).await?;
    let unread = items.iter().filter(|m| m.unread).count();
    render(&MyListPage { layout: Layout::new(&auth, &state, "/my/policies"), items, unread })
}

#[derive(Template)]
#[template(path = "policies/my_policy.html")]
struct MyPolicyPage {
    layout: Layout,
    m: MyPolicy,
}

pub async fn my_policy(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    let m = state.store.policies().open_my_policy(&auth.caller, id).await?;
    render(&MyPolicyPage { layout: Layout::new(&auth, &state, "/my/policies"), m })
}
