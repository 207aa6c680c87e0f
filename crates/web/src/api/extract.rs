//! Axum's `Query`, `Json` and `Path`, refusing in the API's JSON error with a Chinese message
//! that names the parameter at fault (axum's own answer is English text such as "Failed to
//! deserialize query string").

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::error::ApiError;
use crate::error::WebError;

/// Query-string parameters.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de).map(Query).map_err(|e| refusal("参数", e))
    }
}

/// A JSON request body (`Content-Type: application/json`).
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/json"));
        if !is_json {
            return Err(ApiError(WebError::BadRequest("请求体应为 JSON（Content-Type: application/json）".into())));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError(WebError::PayloadTooLarge)
            } else {
                ApiError(WebError::BadRequest("无法读取请求体".into()))
            }
        })?;
        if let Some(path) = serde_json::from_slice::<serde_json::Value>(&bytes).ok().and_then(|v| unsavable_at(&v)) {
            return Err(ApiError(WebError::Invalid(format!(
                "字段 {path}：含有不可见的控制字符（如 NUL），请删除后重新提交"
            ))));
        }
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        match serde_path_to_error::deserialize(&mut de) {
            Ok(v) => Ok(Json(v)),
            Err(e) if e.inner().is_syntax() || e.inner().is_eof() => Err(ApiError(WebError::BadRequest(format!(
                "请求体不是有效的 JSON（第 {} 行第 {} 列）",
                e.inner().line(),
                e.inner().column()
            )))),
            Err(e) => Err(refusal("字段", e)),
        }
    }
}

/// The path (`title`, `items[0].name`) of the first string of a JSON body that holds a
/// character no text field keeps (`limits::unsavable`: NUL, which PostgreSQL refuses in text,
/// and the other control characters but tab and line breaks, U+FFFE, U+FFFF), or of a key.
fn unsavable_at(v: &serde_json::Value) -> Option<String> {
    use qunlian_domain::limits::unsavable;
    match v {
        serde_json::Value::String(s) if s.chars().any(unsavable) => Some(String::new()),
        serde_json::Value::Array(items) => {
            items.iter().enumerate().find_map(|(i, item)| unsavable_at(item).map(|p| format!("[{i}]{}", dotted(&p))))
        }
        serde_json::Value::Object(fields) => fields.iter().find_map(|(k, item)| {
            if k.chars().any(unsavable) {
                return Some(k.chars().filter(|c| !unsavable(*c)).collect());
            }
            unsavable_at(item).map(|p| format!("{k}{}", dotted(&p)))
        }),
        _ => None,
    }
}

/// A path's continuation after a name: `.name` or `[0]`.
fn dotted(rest: &str) -> String {
    if rest.is_empty() || rest.starts_with('[') { rest.to_owned() } else { format!(".{rest}") }
}

/// Parameters in the path (`/listings/{id}`).
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        use axum::extract::path::ErrorKind;
        use axum::extract::rejection::PathRejection;
        // For a lone parameter (`Path<i64>`) axum does not say which one failed; the route does.
        let names: Vec<String> = axum::extract::RawPathParams::from_request_parts(parts, state)
            .await
            .map(|raw| raw.iter().map(|(k, _)| k.to_owned()).collect())
            .unwrap_or_default();
        let lone = if names.len() == 1 { format!(" {}", names[0]) } else { String::new() };
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Path(v)),
            Err(PathRejection::FailedToDeserializePathParams(e)) => {
                let message = match e.kind() {
                    ErrorKind::ParseErrorAtKey { key, value, expected_type } => {
                        format!("路径参数 {key}：“{value}”不是{}", type_name(expected_type))
                    }
                    ErrorKind::ParseErrorAtIndex { value, expected_type, .. }
                    | ErrorKind::ParseError { value, expected_type } => {
                        format!("路径参数{lone}：“{value}”不是{}", type_name(expected_type))
                    }
                    ErrorKind::InvalidUtf8InPathParam { key } => format!("路径参数 {key} 不是有效的 UTF-8"),
                    _ => "路径参数无法识别".to_owned(),
                };
                // "/listings/abc" is a malformed request, not a record that is missing.
                Err(ApiError(WebError::Invalid(message)))
            }
            Err(_) => Err(ApiError(WebError::NotFound)),
        }
    }
}

fn type_name(rust: &str) -> &'static str {
    match rust {
        "i64" | "i32" | "u64" | "u32" | "usize" | "i16" | "u16" | "u8" | "i8" => "整数",
        "f64" | "f32" => "数字",
        "bool" => "true 或 false",
        _ => "有效的值",
    }
}

/// "参数 top：“abc”无法识别（应为整数）" from serde's error at a path.
fn refusal<E: std::fmt::Display>(what: &str, e: serde_path_to_error::Error<E>) -> ApiError {
    let path = e.path().to_string();
    let inner = e.inner().to_string();
    // serde says "missing field `from`" with the path of the enclosing struct.
    if let Some(field) = inner.strip_prefix("missing field `").and_then(|r| r.split('`').next()) {
        let name = if path == "." { field.to_owned() } else { format!("{path}.{field}") };
        return ApiError(WebError::Invalid(format!("{what} {name}：不能为空")));
    }
    // serde's "unknown variant `x`, expected one of `a`, `b`" (or "expected `a` or `b`").
    if let Some(rest) = inner.strip_prefix("unknown variant `").and_then(|r| r.split_once("`, expected ")) {
        let values: Vec<&str> = rest.1.split('`').skip(1).step_by(2).collect();
        let name = if path == "." { String::new() } else { format!(" {path}") };
        return ApiError(WebError::Invalid(format!(
            "{what}{name}：“{}”无法识别，应为 {} 之一",
            rest.0,
            values.join("、")
        )));
    }
    // A message of our own (the API's parameter types say what they expect in Chinese). Not
    // serde's English, which quotes the value sent: "invalid type: string \"１２\", expected f64".
    if !inner.is_ascii() && !inner.starts_with(|c: char| c.is_ascii()) {
        let own = inner.split(" at line ").next().unwrap_or(&inner);
        let name = if path == "." { String::new() } else { format!(" {path}") };
        return ApiError(WebError::Invalid(format!("{what}{name}：{own}")));
    }
    let expected = if inner.contains("invalid digit")
        || inner.contains("expected i64")
        || inner.contains("expected u64")
        || inner.contains("expected usize")
        || inner.contains("expected i32")
        || inner.contains("expected u32")
    {
        "应为整数"
    } else if inner.contains("float") || inner.contains("expected f64") || inner.contains("expected a JSON number") {
        "应为数字"
    } else if inner.contains("expected a string") || inner.contains("expected a borrowed string") {
        "应为文字"
    } else if inner.contains("expected a boolean") || inner.contains("provided string was not `true` or `false`") {
        "应为 true 或 false"
    } else if inner.contains("expected a sequence") {
        "应为列表"
    } else {
        "格式不对"
    };
    let name = if path == "." { String::new() } else { format!(" {path}") };
    ApiError(WebError::Invalid(format!("{what}{name}：无法识别（{expected}）")))
}

impl<T: serde::Serialize> axum::response::IntoResponse for Json<T> {
    fn into_response(self) -> axum::response::Response {
        axum::Json(self.0).into_response()
    }
}
