//! The API's one result type: an error answers `{"code": "...", "message": "..."}` with the
//! status of its code, whatever raised it (the store, a parameter, the framework).

use axum::response::{IntoResponse, Response};

use crate::error::WebError;

/// An API error: the same messages as the pages, as JSON with a stable code.
#[derive(Debug)]
pub struct ApiError(pub WebError);

impl<E: Into<WebError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.into_json()
    }
}

pub type ApiResult<T> = Result<super::extract::Json<T>, ApiError>;

/// Answers the framework's own refusals outside the extractors (a body over the size limit,
/// a method a path does not take) in the API's JSON, not as plain text or an empty body.
pub async fn json_refusals(response: Response) -> Response {
    let Some(error) = crate::error::framework_refusal(&response, "application/json", "请求无法处理") else {
        return response;
    };
    let status = response.status();
    let mut json = error.into_json();
    *json.status_mut() = status;
    json
}
