//! Helpers shared by every page and the API, so that no page module reaches into another
//! for them: rendering, form fields and choices, cell and time formatting, towns and .xlsx
//! responses.

pub mod enterprise_query;
pub mod format;
pub mod forms;
pub mod sections;
pub mod towns;
pub mod upload;
pub mod xlsx;

use askama::Template;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use crate::error::WebError;

/// A request from htmx wants the partial only (a history restore wants the whole page).
pub fn is_htmx(headers: &HeaderMap) -> bool {
    headers.contains_key("hx-request") && !headers.contains_key("hx-history-restore-request")
}

pub fn render(t: &impl Template) -> Result<Response, WebError> {
    Ok(Html(t.render()?).into_response())
}

/// A form shown again with why it was refused: 422, so scripts and tests see the refusal.
pub fn render_refused(t: &impl Template) -> Result<Response, WebError> {
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(t.render()?)).into_response())
}

/// A page with a form: [`render_refused`] when it shows a refusal, [`render`] otherwise.
pub fn render_form(t: &impl Template, refused: bool) -> Result<Response, WebError> {
    if refused { render_refused(t) } else { render(t) }
}

/// The answer to a form's POST: to the address `saved` gives when the change was saved; the
/// page again with the reason (`again`) when what was typed was refused; any other error as
/// it is.
pub async fn saved_or_again<F: Future<Output = Result<Response, WebError>>>(
    saved: Result<String, WebError>,
    again: impl FnOnce(String) -> F,
) -> Result<Response, WebError> {
    match saved {
        Ok(to) => Ok(axum::response::Redirect::to(&to).into_response()),
        Err(WebError::Invalid(msg)) => again(msg).await,
        Err(e) => Err(e),
    }
}

/// A stored file as a download under its own name (encoded per RFC 5987), never sniffed
/// into something the browser would run.
pub fn file_download(content_type: String, file_name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (axum::http::header::CONTENT_TYPE, content_type),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"file\"; filename*=UTF-8''{}", format::url_encode(file_name)),
            ),
            (axum::http::header::HeaderName::from_static("x-content-type-options"), "nosniff".to_owned()),
        ],
        bytes,
    )
        .into_response()
}
