//! The reviewer's pages (我的评审): the queue of applications assigned to him and free of
//! conflict, with those a conflict now blocks listed by number and reason only; the score
//! sheet of his department's criteria with their level descriptors, comments and veto
//! items; the others' scores (by department, never by name) once his own is submitted; and
//! declaring a conflict. Opening a conflicted application is refused by the store, and the
//! refusal is shown here in full.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect};
use qunlian_domain::projects::{ConflictKind, Criterion, ScoreSheet};
use qunlian_store::StoreError;
use qunlian_store::projects::{ApplicationRow, ReviewView};

use super::*;
use crate::auth::Layout;
use crate::error::PageResult;
use crate::support::forms::{Choice, Pairs};
use crate::support::render;

#[derive(Template)]
#[template(path = "projects/reviews.html")]
struct Queue {
    layout: Layout,
    pending: Vec<ApplicationRow>,
    done: Vec<ApplicationRow>,
    blocked: Vec<(i64, Vec<ConflictKind>)>,
}

pub async fn queue(State(state): State<AppState>, auth: Auth) -> PageResult {
    auth.require(Action::ReviewProjects)?;
    let p = state.store.projects();
    let (done, pending): (Vec<_>, Vec<_>) = p.my_reviews(&auth.caller).await?.into_iter().partition(|(_, d)| *d);
    render(&Queue {
        layout: Layout::new(&auth, &state, REVIEWS),
        pending: pending.into_iter().map(|(a, _)| a).collect(),
        done: done.into_iter().map(|(a, _)| a).collect(),
        blocked: p.my_blocked(&auth.caller).await?,
    })
}

/// One criterion of the sheet with what the reviewer entered.
pub struct Line {
    pub c: Criterion,
    /// The scores 0..=max, the entered one selected.
    pub choices: Vec<Choice>,
    pub vetoed: bool,
    pub comment: String,
}

#[derive(Template)]
#[template(path = "projects/review.html")]
struct SheetPage {
    layout: Layout,
    v: ReviewView,
    lines: Vec<Line>,
    others: Vec<(&'static str, String)>,
    targets: Vec<(String, String)>,
    files: Vec<qunlian_store::services::Attachment>,
}

#[derive(Template)]
#[template(path = "projects/review_refused.html")]
struct Refused {
    layout: Layout,
    id: i64,
    message: String,
}

pub async fn form(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    auth.require(Action::ReviewProjects)?;
    let v = match state.store.projects().open_review(&auth.caller, id).await {
        Ok(v) => v,
        // A conflict: the reviewer is told why, on a page of its own (403), not as a form error.
        Err(StoreError::Invalid { field: "利益冲突", message }) => {
            let page = Refused { layout: Layout::new(&auth, &state, REVIEWS), id, message };
            return Ok((StatusCode::FORBIDDEN, Html(page.render()?)).into_response());
        }
        Err(e) => return Err(e.into()),
    };
    let sheet = v.sheet.clone().unwrap_or_default();
    let lines = v
        .criteria
        .iter()
        .map(|c| Line {
            choices: Choice::list(
                (0..=c.max).map(|n| (n, n)),
                &sheet.scores.get(&c.key).map(u8::to_string).unwrap_or_default(),
            ),
            vetoed: sheet.vetoes.contains(&c.key),
            comment: sheet.comments.get(&c.key).cloned().unwrap_or_default(),
            c: c.clone(),
        })
        .collect();
    let others = v.others.iter().map(|(side, share)| (side.label(), format!("{:.1}%", share * 100.0))).collect();
    let targets = v.application.targets.iter().map(|(m, t)| (m.clone(), format!("{t}"))).collect();
    let files = state.store.projects().application_files(&auth.caller, id).await?;
    render(&SheetPage { layout: Layout::new(&auth, &state, REVIEWS), v, lines, others, targets, files })
}

/// Saves the sheet (`submit=1` submits it): scores `score_{key}`, comments `comment_{key}`,
/// veto items `veto_{key}`. The store checks it against the rubric.
pub async fn save(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, f: Pairs) -> PageResult {
    auth.require(Action::ReviewProjects)?;
    let mut sheet = ScoreSheet::default();
    for (key, v) in f.prefixed("score_") {
        let n = v.parse::<u8>().map_err(|_| WebError::Invalid(format!("评分：“{key}”的分数“{v}”不是整数")))?;
        sheet.scores.insert(key.to_owned(), n);
    }
    for (key, v) in f.prefixed("comment_") {
        sheet.comments.insert(key.to_owned(), v.to_owned());
    }
    for (key, _) in f.prefixed("veto_") {
        sheet.vetoes.insert(key.to_owned());
    }
    let submit = f.get("submit") == "1";
    state.store.projects().save_sheet(&auth.caller, id, sheet, submit).await?;
    Ok(Redirect::to(&format!("/projects/reviews/{id}")).into_response())
}

/// The reviewer declares a conflict (本人申明回避) with its reason; the application leaves
/// his queue.
pub async fn declare(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, f: Pairs) -> PageResult {
    auth.require(Action::ReviewProjects)?;
    state.store.projects().declare_conflict(&auth.caller, id, f.get("reason")).await?;
    Ok(Redirect::to(REVIEWS).into_response())
}
