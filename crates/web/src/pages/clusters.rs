use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use qunlian_domain::auth::{Action, ClusterId};
use qunlian_store::registry::{Cluster, ClusterDetail};
use serde::Deserialize;

use super::{non_empty, parse_date, render};
use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
}

#[derive(Template)]
#[template(path = "clusters.html")]
struct ListPage {
    layout: Layout,
    clusters: Vec<Cluster>,
    q: String,
}

pub async fn list(State(state): State<AppState>, auth: Auth, Query(query): Query<ListQuery>) -> PageResult {
    let clusters = state.store.list_clusters(&auth.caller, non_empty(&query.q)).await?;
    render(&ListPage {
        layout: Layout::new(&auth, &state, "/clusters"),
        clusters,
        q: non_empty(&query.q).unwrap_or("").to_owned(),
    })
}

#[derive(Template)]
#[template(path = "cluster.html")]
struct DetailPage {
    layout: Layout,
    d: ClusterDetail,
    may_edit: bool,
    error: Option<String>,
}

pub async fn detail(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    let d = state.store.cluster(&auth.caller, ClusterId(id)).await?;
    render(&DetailPage {
        layout: Layout::new(&auth, &state, "/clusters"),
        d,
        may_edit: auth.caller.may(Action::WriteRegistry),
        error: None,
    })
}

#[derive(Deserialize)]
pub struct MemberForm {
    uscc: Option<String>,
    head: Option<String>,
    joined_on: Option<String>,
}

pub async fn add_member(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<MemberForm>,
) -> PageResult {
    let result: Result<(), WebError> = async {
        let uscc = qunlian_domain::Uscc::parse(non_empty(&f.uscc).unwrap_or(""))
            .map_err(|e| WebError::Invalid(e.to_string()))?;
        let e = state
            .store
            .enterprise_by_uscc(&auth.caller, uscc.as_str())
            .await
            .map_err(|_| WebError::Invalid(format!("统一社会信用代码：{uscc} 未登记，或不在您的权限范围内")))?;
        let joined = parse_date("加入日期", &f.joined_on)?.or(Some(state.store.today()));
        state.store.add_cluster_member(&auth.caller, ClusterId(id), e.id, non_empty(&f.head).is_some(), joined).await?;
        Ok(())
    }
    .await;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/clusters/{id}#members")).into_response()),
        Err(WebError::Invalid(msg)) => {
            let d = state.store.cluster(&auth.caller, ClusterId(id)).await?;
            let page =
                DetailPage { layout: Layout::new(&auth, &state, "/clusters"), d, may_edit: true, error: Some(msg) };
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, axum::response::Html(page.render()?)).into_response())
        }
        Err(e) => Err(e),
    }
}
