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
    #[error("{0}")]
    Invalid(String),
    #[error("页面已过期，请刷新后重试")]
    Csrf,
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
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn into_json(self) -> Response {
        self.log();
        (self.status(), Json(serde_json::json!({ "error": self.to_string(), "status": self.status().as_u16() })))
            .into_response()
    }

    fn log(&self) {
        if let WebError::Internal(detail) = self {
            tracing::error!(%detail, "internal error");
        }
    }
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> WebError {
        match e {
            StoreError::NotFound => WebError::NotFound,
            StoreError::Forbidden => WebError::Forbidden,
            StoreError::Invalid { .. } => WebError::Invalid(e.to_string()),
            StoreError::Db(ref d) => WebError::Internal(d.to_string()),
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

pub async fn not_found() -> WebError {
    WebError::NotFound
}

pub type PageResult = Result<Response, WebError>;
