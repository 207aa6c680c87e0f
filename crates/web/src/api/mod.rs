//! `/api/v1`: bearer tokens per user, the same scopes as the pages (the store filters), and
//! an OpenAPI document at `/api/v1/openapi.json`. One module per capability, each with its
//! `routes()` and OpenAPI `Doc`; every handler answers `ApiResult`, whose error is
//! `{"code", "message"}` (`error.rs`), and takes its parameters through `extract.rs`.

pub mod activities;
pub mod bodies;
pub mod coverage;
pub mod doc;
pub mod error;
pub mod extract;
pub mod matching;
pub mod params;
pub mod people;
pub mod projects;
pub mod proposals;
pub mod registry;
pub mod results;
pub mod services;
pub mod villages;
pub mod workgroups;

use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::routing::get;
use qunlian_domain::auth::{Caller, ClusterId, OrgId};
use serde::Serialize;
use utoipa::{IntoParams, OpenApi, ToSchema};

use self::doc::BearerAuth;
use crate::error::WebError;
use crate::state::AppState;

pub use self::error::{ApiError, ApiResult};
pub use self::extract::{Json, Path, Query};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .merge(registry::routes())
        .merge(coverage::routes())
        .merge(services::routes())
        .merge(matching::routes())
        .merge(projects::routes())
        .merge(bodies::routes())
        .merge(villages::routes())
        .merge(people::routes())
        .merge(activities::routes())
        .merge(proposals::routes())
        .merge(results::routes())
        .merge(workgroups::routes())
        .fallback(|| async { WebError::NotFound.into_json() })
        .layer(axum::middleware::map_response(error::json_refusals))
}

/// The caller behind `Authorization: Bearer qlt_…`.
pub struct ApiCaller(pub(crate) Caller);

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or(ApiError(WebError::Unauthorized))?;
        let user = state.store.accounts().user_by_token(token.trim()).await?.ok_or(ApiError(WebError::Unauthorized))?;
        let ip = crate::auth::client_ip(parts, &state.config.trusted_proxies);
        Ok(ApiCaller(user.caller(ip)))
    }
}

#[derive(Serialize, ToSchema)]
pub struct PageOf<T: ToSchema> {
    items: Vec<T>,
    total: u64,
    page: u64,
    per_page: u64,
}

impl<T: ToSchema, S: Into<T>> From<qunlian_store::Page<S>> for PageOf<T> {
    fn from(page: qunlian_store::Page<S>) -> Self {
        PageOf {
            total: page.total,
            page: page.page,
            per_page: page.per_page,
            items: page.items.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "群链 qunlian API", description = "产业集群党建平台接口。所有接口以用户令牌（qunlian token create USER）鉴权，数据按令牌所属用户的权限范围过滤。"),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

/// The whole document: every capability's operations, each with the error body it may answer.
pub fn openapi_doc() -> utoipa::openapi::OpenApi {
    use utoipa::Modify;
    let mut doc = ApiDoc::openapi();
    doc.merge(registry::Doc::openapi());
    doc.merge(coverage::Doc::openapi());
    doc.merge(services::Doc::openapi());
    doc.merge(matching::Doc::openapi());
    doc.merge(projects::Doc::openapi());
    doc.merge(bodies::Doc::openapi());
    doc.merge(villages::Doc::openapi());
    doc.merge(people::Doc::openapi());
    doc.merge(activities::Doc::openapi());
    doc.merge(proposals::Doc::openapi());
    doc.merge(results::Doc::openapi());
    doc.merge(workgroups::Doc::openapi());
    doc::ErrorResponses.modify(&mut doc);
    doc::GeneratedPatterns.modify(&mut doc);
    doc
}

/// The document as served: a listing's `valid_until` may not be before today, which JSON
/// Schema cannot say of a date, so its pattern admits the years after this one (a date later
/// this year is accepted too, but not advertised).
async fn openapi(State(state): State<AppState>) -> Json<serde_json::Value> {
    let mut doc = serde_json::to_value(openapi_doc()).unwrap_or_default();
    let this_year = chrono::Datelike::year(&state.store.today());
    let years: Vec<String> = (this_year + 1..=2099).map(|y| y.to_string()).collect();
    if let Some(field) = doc.pointer_mut("/components/schemas/NewListingJson/properties/valid_until") {
        field["pattern"] = format!("^({})-{}$", years.join("|"), params::MONTH_DAY).into();
        if let Some(field) = field.as_object_mut() {
            field.remove("format");
        }
    }
    Json(doc)
}
