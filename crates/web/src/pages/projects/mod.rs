//! Integration-project pages ("3+6+X" 深度融合项目): rounds and their calendar, applications
//! filed by a branch and ranked by its cluster, the officer's assignment of reviewers with
//! the conflicts found, the reviewer's blind score sheet, and the ranking the officer
//! decides on. The rules are the domain's and the store's (`store.projects()`); these pages
//! show them. Helpers shared by these pages are here.
//!
//! Paths: everything under `/projects`; an application is `/projects/applications/{id}`
//! (its outcome reports and the figures are the pages of `outcomes.rs` and `figures.rs`).

pub mod applications;
pub mod assignment;
pub mod carriers;
pub mod figures;
pub mod files;
pub mod outcomes;
pub mod ranking;
pub mod recommend;
pub mod review;
pub mod rounds;
pub mod rubric;

use axum::Router;
use axum::routing::{get, post};
use qunlian_domain::auth::{Action, Role};
use qunlian_store::projects::Round;

use crate::auth::Auth;
use crate::error::WebError;
use crate::state::AppState;

const ACTIVE: &str = "/projects";
const REVIEWS: &str = "/projects/reviews";

/// Who may read the projects section: the roles that read applications, the officer, and
/// reviewers (their queue and the rounds' lists).
fn reads(auth: &Auth) -> bool {
    auth.caller.may(Action::ReadProjects) || auth.caller.may(Action::ReviewProjects)
}

/// A form's outcome: what the store made, or the refusal's message to show the form again
/// with (422); any other error stays an error.
fn refusal<T>(done: Result<T, WebError>) -> Result<Result<T, String>, WebError> {
    match done {
        Ok(t) => Ok(Ok(t)),
        Err(WebError::Invalid(m)) => Ok(Err(m)),
        Err(e) => Err(e),
    }
}

/// The links of a round's pages the caller may open, for the round's sub-navigation.
pub struct RoundNav {
    pub id: i64,
    pub manage: bool,
    pub recommend: bool,
    pub current: &'static str,
}

impl RoundNav {
    fn new(auth: &Auth, r: &Round, current: &'static str) -> RoundNav {
        RoundNav {
            id: r.id,
            manage: auth.caller.may(Action::ManageProjects),
            recommend: auth.caller.role == Role::ClusterSecretary,
            current,
        }
    }
}

/// The reviewer's queue count and, for the other roles, what waits for them in open
/// rounds: the workbench's projects line.
pub struct Workbench {
    pub text: String,
    pub href: String,
}

/// What the caller's workbench says of projects: the reviewer's pending sheets, the cluster
/// secretary's applications to recommend, the officer's recommended ones to open for review.
pub async fn workbench(state: &AppState, auth: &Auth) -> Result<Option<Workbench>, WebError> {
    use qunlian_domain::projects::ApplicationState as S;
    let p = state.store.projects();
    if auth.caller.may(Action::ReviewProjects) {
        let pending = p.my_reviews(&auth.caller).await?.iter().filter(|(_, done)| !done).count();
        return Ok(Some(Workbench { text: format!("{pending} 项申报待您评分"), href: REVIEWS.into() }));
    }
    let waiting = match auth.caller.role {
        Role::ClusterSecretary => (S::Submitted, "项申报待本集群推荐", "recommend"),
        Role::DistrictAdmin => (S::Recommended, "项集群推荐的申报待开始评审", "assignment"),
        _ => return Ok(None),
    };
    for r in p.rounds(&auth.caller).await? {
        if r.phase.accepts_recommendation() || r.phase.accepts_scores() {
            let n = p.applications(&auth.caller, r.id, Some(waiting.0)).await?.len();
            if n > 0 {
                return Ok(Some(Workbench {
                    text: format!("{}：{n} {}", r.name, waiting.1),
                    href: format!("/projects/rounds/{}/{}", r.id, waiting.2),
                }));
            }
        }
    }
    Ok(None)
}

/// The pages of integration projects, with their paths.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/projects", get(rounds::index))
        .route("/projects/rounds", post(rounds::create))
        .route("/projects/rounds/new", get(rounds::new_form))
        .route("/projects/rounds/{id}", get(rounds::round))
        .route("/projects/rounds/{id}/edit", get(rounds::edit_form).post(rounds::update))
        .route("/projects/rounds/{id}/rubric", get(rubric::form).post(rubric::save))
        .route("/projects/rounds/{id}/end-concept", post(ranking::end_concept))
        .route("/projects/carriers/{id}", get(carriers::page))
        .route(
            "/projects/applications/{id}/files",
            post(files::upload).layer(axum::extract::DefaultBodyLimit::max(files::UPLOAD_LIMIT)),
        )
        .route("/projects/applications/{id}/files/{fid}", get(files::download))
        .route("/projects/applications/{id}/files/{fid}/remove", post(files::remove))
        .route("/projects/rounds/{id}/apply", get(applications::new_form).post(applications::create))
        .route("/projects/applications/{id}", get(applications::detail))
        .route("/projects/applications/{id}/edit", get(applications::edit_form).post(applications::update))
        .route("/projects/applications/{id}/act", post(applications::act))
        .route("/projects/applications/{id}/decide", post(ranking::decide))
        .route("/projects/rounds/{id}/recommend", get(recommend::page).post(recommend::forward))
        .route("/projects/rounds/{id}/start-review", post(assignment::start_review))
        .route("/projects/rounds/{id}/assignment", get(assignment::board))
        .route("/projects/rounds/{id}/reviewers", post(assignment::add_reviewer))
        .route("/projects/rounds/{id}/assign-auto", post(assignment::assign_auto))
        .route("/projects/rounds/{id}/assign", post(assignment::assign))
        .route("/projects/rounds/{id}/pin", post(assignment::pin))
        .route("/projects/rounds/{id}/ranking", get(ranking::page))
        .route("/projects/rounds/{id}/export/applications.xlsx", get(ranking::export_applications))
        .route("/projects/rounds/{id}/export/scores.xlsx", get(ranking::export_scores))
        .route("/projects/reviews", get(review::queue))
        .route("/projects/reviews/{id}", get(review::form).post(review::save))
        .route("/projects/reviews/{id}/conflict", post(review::declare))
        .merge(outcomes::routes())
        .merge(figures::routes())
}
