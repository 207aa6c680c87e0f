//! The signed rating link an enterprise opens without logging in, and the slip a town or
//! district admin prints to send it. A logged-in user other than the requesting enterprise's
//! contact is refused by the link (issue #11: the officer being rated could rate himself).

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse};
use qunlian_store::services::{RateOutcome, RatingView};
use serde::Deserialize;
use tower_sessions::Session;

use crate::auth::{Auth, csrf_token};
use crate::error::{PageResult, WebError};
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

/// The link opened by someone logged in must be the enterprise's contact's; anonymous, the
/// token decides.
async fn may_rate(state: &AppState, auth: &Result<Auth, WebError>, id: i64, token: &str) -> Result<(), WebError> {
    let caller = auth.as_ref().ok().map(|a| &a.caller);
    Ok(state.store.services().may_rate_as(caller, id, token).await?)
}

pub async fn rate_page(
    State(state): State<AppState>,
    session: Session,
    auth: Result<Auth, WebError>,
    Path((id, token)): Path<(i64, String)>,
) -> PageResult {
    may_rate(&state, &auth, id, &token).await?;
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
    auth: Result<Auth, WebError>,
    Path((id, token)): Path<(i64, String)>,
    Form(f): Form<RateForm>,
) -> PageResult {
    // A wrong token, or an officer holding the right one, is refused before the form is read.
    may_rate(&state, &auth, id, &token).await?;
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

// ---------- the printed slip ----------

#[derive(Template)]
#[template(path = "services/rating_slip.html")]
struct SlipPage {
    view: RatingView,
    link: String,
    printed: String,
    demo: bool,
}

/// The rating link on paper, for a town or district admin to send to the enterprise; the
/// printing is audited by the store.
pub async fn rating_slip(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    base: super::requests::PublicBase,
) -> PageResult {
    // Printed by an area admin for sending, or by the enterprise's contact; an officer
    // (who would be rating himself) never gets the slip, whichever request is asked for.
    use qunlian_domain::auth::Role;
    if !matches!(auth.caller.role, Role::DistrictAdmin | Role::TownAdmin | Role::EnterpriseContact) {
        return Err(WebError::Forbidden);
    }
    let token = state.store.services().rating_link_for(&auth.caller, id).await?;
    let view = state.store.services().rating_view(id, &token).await?;
    let link = base.rating_url(id, &token);
    let printed = crate::support::format::minutes(state.store.now());
    Ok(Html(SlipPage { view, link, printed, demo: state.config.demo }.render()?).into_response())
}
