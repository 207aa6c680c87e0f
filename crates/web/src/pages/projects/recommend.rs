//! The cluster's recommendation (集群推荐): the cluster secretary ranks the submitted
//! applications of its cluster and forwards the batch; those not forwarded are marked 未获推荐
//! or left for later. The district admin does the same for applicants in no cluster.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use qunlian_domain::projects::{ApplicationAction as A, ApplicationState as S};
use qunlian_store::projects::{ApplicationRow, Round};

use super::*;
use crate::auth::Layout;
use crate::error::PageResult;
use crate::support::forms::Pairs;
use crate::support::render_form;

#[derive(Template)]
#[template(path = "projects/recommend.html")]
struct Page {
    layout: Layout,
    nav: RoundNav,
    r: Round,
    pending: Vec<ApplicationRow>,
    done: Vec<ApplicationRow>,
    error: Option<String>,
}

async fn show(state: &AppState, auth: &Auth, id: i64, error: Option<String>) -> PageResult {
    let p = state.store.projects();
    let r = p.round(&auth.caller, id).await?;
    let rows = p.applications(&auth.caller, id, None).await?;
    let (pending, done): (Vec<_>, Vec<_>) = rows
        .into_iter()
        .filter(|a| matches!(a.state, S::Submitted | S::Recommended | S::NotRecommended))
        .partition(|a| a.state == S::Submitted);
    let refused = error.is_some();
    let page = Page {
        layout: Layout::new(auth, state, ACTIVE),
        nav: RoundNav::new(auth, &r, "recommend"),
        r,
        pending,
        done,
        error,
    };
    render_form(&page, refused)
}

pub async fn page(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    auth.require(Action::RecommendProjects)?;
    show(&state, &auth, id, None).await
}

/// Forwards the batch: every application marked 推荐 with its rank (1 first), those marked
/// 不予推荐 with the note; stops at the first refusal and says which application it was.
pub async fn forward(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, f: Pairs) -> PageResult {
    auth.require(Action::RecommendProjects)?;
    let mut steps: Vec<(i64, A, Option<i32>)> = Vec::new();
    for (app, choice) in f.prefixed("choice_") {
        let Ok(app) = app.parse::<i64>() else { continue };
        match choice {
            "recommend" => {
                let rank = f.get(&format!("rank_{app}"));
                let n = rank
                    .parse::<i32>()
                    .map_err(|_| WebError::Invalid(format!("推荐排序：申报 {app} 的排序“{rank}”应为 1 起的整数")));
                match n {
                    Ok(n) => steps.push((app, A::Recommend, Some(n))),
                    Err(WebError::Invalid(m)) => return show(&state, &auth, id, Some(m)).await,
                    Err(e) => return Err(e),
                }
            }
            "not_recommend" => steps.push((app, A::NotRecommend, None)),
            _ => {}
        }
    }
    if steps.is_empty() {
        return show(&state, &auth, id, Some("推荐：请至少为一项申报选择“推荐”或“不予推荐”".into())).await;
    }
    steps.sort_by_key(|(_, _, rank)| rank.unwrap_or(i32::MAX));
    let note = f.get("note");
    for (app, action, rank) in steps {
        if let Err(e) = state.store.projects().act(&auth.caller, app, action, note, rank).await {
            return match WebError::from(e) {
                WebError::Invalid(m) => show(&state, &auth, id, Some(format!("申报 {app}：{m}"))).await,
                other => Err(other),
            };
        }
    }
    Ok(Redirect::to(&format!("/projects/rounds/{id}/recommend")).into_response())
}
