//! The signed rating link an enterprise opens without logging in.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse};
use qunlian_store::services::{RateOutcome, RatingView};
use serde::Deserialize;
use tower_sessions::Session;

use crate::auth::csrf_token;
use crate::error::PageResult;
use crate::state::AppState;
use crate::support::forms::non_empty;

// ---------- the signed rating link (no login) ----------

#[derive(Template)]
#[template(path = "services/rate.html")]
struct RatePage {
    csrf: String,
    view: RatingView,
    path: String,
    message: Option<String>,
    error: Option<String>,
    demo: bool,
}

pub async fn rate_page(
    State(state): State<AppState>,
    session: Session,
    Path((id, token)): Path<(i64, String)>,
) -> PageResult {
    let view = state.store.services().rating_view(id, &token).await?;
    let csrf = csrf_token(&session).await?;
    Ok(Html(
        RatePage {
            csrf,
            path: format!("/rate/{id}/{token}"),
            view,
            message: None,
            error: None,
            demo: state.config.demo,
        }
        .render()?,
    )
    .into_response())
}

#[derive(Deserialize)]
pub struct RateForm {
    rating: Option<String>,
    comment: Option<String>,
}

pub async fn rate(
    State(state): State<AppState>,
    session: Session,
    Path((id, token)): Path<(i64, String)>,
    Form(f): Form<RateForm>,
) -> PageResult {
    // A wrong token is refused before the form is looked at.
    state.store.services().rating_view(id, &token).await?;
    let rating: Option<i16> = non_empty(&f.rating).and_then(|r| r.parse().ok());
    let (message, error) = match rating {
        None => (None, Some("请选择满意度（1 到 5 星）".to_owned())),
        Some(r) => match state.store.services().rate(id, &token, r, non_empty(&f.comment).unwrap_or("")).await {
            Ok(RateOutcome::Rated) => (Some("感谢您的评价！".to_owned()), None),
            Ok(RateOutcome::AlreadyRated) => (None, Some("该事项已经评价过，每个事项只能评价一次".to_owned())),
            Err(e @ qunlian_store::StoreError::Invalid { .. }) => (None, Some(e.to_string())),
            Err(e) => return Err(e.into()),
        },
    };
    let view = state.store.services().rating_view(id, &token).await?;
    let csrf = csrf_token(&session).await?;
    Ok(Html(
        RatePage { csrf, path: format!("/rate/{id}/{token}"), view, message, error, demo: state.config.demo }
            .render()?,
    )
    .into_response())
}
