//! One error type for the web layer: pages render it as a Chinese HTML page, the API as
//! JSON. Details go to the log, never to the user.

use askama::Template;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use qunlian_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("请先登录")]
    Unauthorized,
    #[error("无权访问此页面或执行此操作")]
    Forbidden,
    #[error("记录不存在，或不在您的权限范围内")]
    NotFound,
    /// Not found, saying what was looked for (a region code in no table).
    #[error("{0}")]
    NotFoundWhat(String),
    #[error("{0}")]
    Invalid(String),
    #[error("页面已过期，请刷新后重试")]
    Csrf,
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("提交或上传的内容过大，超过了此处允许的大小（普通表单 2 MB）")]
    PayloadTooLarge,
    #[error("系统内部错误，请稍后重试；如反复出现请联系管理员")]
    Internal(String),
}

impl WebError {
    pub fn internal(e: impl std::fmt::Display) -> WebError {
        WebError::Internal(e.to_string())
    }

    fn status(&self) -> StatusCode {
        match self {
            WebError::Unauthorized => StatusCode::UNAUTHORIZED,
            WebError::Forbidden | WebError::Csrf => StatusCode::FORBIDDEN,
            WebError::NotFound | WebError::NotFoundWhat(_) => StatusCode::NOT_FOUND,
            WebError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Conflict(_) => StatusCode::CONFLICT,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable code an API client branches on; the message is for people and may change.
    pub fn code(&self) -> &'static str {
        match self {
            WebError::Unauthorized => "unauthorized",
            WebError::Forbidden => "forbidden",
            WebError::NotFound | WebError::NotFoundWhat(_) => "not_found",
            WebError::Invalid(_) => "invalid",
            WebError::Csrf => "csrf",
            WebError::Conflict(_) => "conflict",
            WebError::BadRequest(_) => "bad_request",
            WebError::PayloadTooLarge => "payload_too_large",
            WebError::Internal(_) => "internal",
        }
    }

    /// The API's error body: `{"code": "not_found", "message": "记录不存在…"}`.
    pub fn into_json(self) -> Response {
        self.log();
        let body = ErrorBody { code: self.code(), message: self.to_string() };
        (self.status(), Json(body)).into_response()
    }

    fn log(&self) {
        if let WebError::Internal(detail) = self {
            tracing::error!(%detail, "internal error");
        }
    }
}

/// The body of every API error. `code` is one of unauthorized, forbidden, not_found,
/// invalid, csrf, conflict, bad_request, payload_too_large, internal.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable, for programs: unauthorized | forbidden | not_found | invalid | csrf | conflict | bad_request | payload_too_large | internal
    #[schema(example = "not_found")]
    pub code: &'static str,
    /// For people, in Chinese; names the field or parameter at fault
    #[schema(example = "记录不存在，或不在您的权限范围内")]
    pub message: String,
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> WebError {
        match e {
            StoreError::NotFound => WebError::NotFound,
            StoreError::Forbidden => WebError::Forbidden,
            StoreError::Invalid { .. } | StoreError::Fields(_) => WebError::Invalid(e.to_string()),
            StoreError::Db(ref d) => WebError::Internal(d.to_string()),
            StoreError::UnknownCode { .. } => WebError::Internal(e.to_string()),
            StoreError::Sqlx(ref d) => WebError::Internal(d.to_string()),
            StoreError::Crypto(ref c) => WebError::Internal(c.to_string()),
        }
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> WebError {
        WebError::Internal(e.to_string())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    status: u16,
    message: String,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        self.log();
        if matches!(self, WebError::Unauthorized) {
            return axum::response::Redirect::to("/login").into_response();
        }
        let status = self.status();
        let page = ErrorPage { status: status.as_u16(), message: self.to_string() };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, self.to_string()).into_response(),
        }
    }
}

/// Answers the framework's own refusals on pages (a form over the 2 MB body limit, a body
/// that is no form: axum's English plain text) with the Chinese error page, as the API
/// answers them in its JSON (`api::error::json_refusals`).
pub async fn page_refusals(response: Response) -> Response {
    // Only axum's plain text: a page's own answers (HTML, a download) are left as they are.
    let plain = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/plain"));
    if !plain {
        return response;
    }
    match framework_refusal(&response, "text/html", "表单内容不完整或格式有误，请重新填写后提交") {
        Some(error) => {
            let status = response.status();
            let mut page = error.into_response();
            *page.status_mut() = status;
            page
        }
        None => response,
    }
}

/// The error behind a refusal the framework answered itself (an error status whose body is
/// not of the `own` content type), or None for any other response. `malformed` is the message
/// of a body or query that could not be read.
pub fn framework_refusal(response: &Response, own: &str, malformed: &str) -> Option<WebError> {
    let status = response.status();
    let is_own = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with(own));
    if is_own || !(status.is_client_error() || status.is_server_error()) {
        return None;
    }
    Some(match status.as_u16() {
        401 => WebError::Unauthorized,
        403 => WebError::Forbidden,
        404 => WebError::NotFound,
        413 => WebError::PayloadTooLarge,
        405 => WebError::BadRequest("不支持该请求方法".into()),
        s if s >= 500 => WebError::Internal(format!("status {status}")),
        _ => WebError::BadRequest(malformed.into()),
    })
}

pub async fn not_found() -> WebError {
    WebError::NotFound
}

pub type PageResult = Result<Response, WebError>;
