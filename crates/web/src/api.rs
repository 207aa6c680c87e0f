//! `/api/v1`: bearer tokens per user, the same scopes as the pages (the store filters), and
//! an OpenAPI document at `/api/v1/openapi.json`.

use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::routing::get;
use axum::{Json, Router};
use qunlian_domain::auth::{Caller, ClusterId, OrgId};
use qunlian_store::PageRequest;
use serde::Serialize;
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::error::WebError;
use crate::pages::enterprises::ListQuery;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/enterprises", get(enterprises))
        .route("/enterprises/{uscc}", get(enterprise))
        .route("/clusters", get(clusters))
        .route("/clusters/{id}", get(cluster))
        .route("/party-orgs", get(party_orgs))
        .route("/party-orgs/{id}", get(party_org))
        .route("/coverage", get(coverage))
        .route("/coverage/enterprises", get(coverage_enterprises))
        .route("/calendar/working-days", get(working_days))
        .route("/service-requests", axum::routing::post(file_service_request))
        .route("/service-requests/{id}", get(service_request))
        .merge(crate::api_matching::router())
        .fallback(|| async { WebError::NotFound.into_json() })
}

/// An API error: the same messages as the pages, as JSON.
pub struct ApiError(WebError);

impl<E: Into<WebError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl axum::response::IntoResponse for ApiError {
    fn into_response(self) -> axum::response::Response {
        self.0.into_json()
    }
}

type ApiResult<T> = Result<Json<T>, ApiError>;

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
        let ip =
            parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip().to_string());
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

#[derive(Serialize, ToSchema)]
pub struct EnterpriseJson {
    id: i64,
    name: String,
    uscc: Option<String>,
    town_code: String,
    town_name: String,
    industry_code: Option<String>,
    industry_name: Option<String>,
    employees: Option<i32>,
    high_tech: bool,
    above_scale: bool,
    /// none | innovative | municipal | national
    srdi: String,
    listed: bool,
    key_project: bool,
    founded_on: Option<String>,
    /// Masked (138****5678); the API never returns personal data in full.
    contact_phone: Option<String>,
    is_demo: bool,
}

impl From<qunlian_store::registry::Enterprise> for EnterpriseJson {
    fn from(e: qunlian_store::registry::Enterprise) -> Self {
        EnterpriseJson {
            id: e.id.0,
            name: e.name,
            uscc: e.uscc,
            town_code: e.town_code,
            town_name: e.town_name,
            industry_code: e.industry_code,
            industry_name: e.industry_name,
            employees: e.employees,
            high_tech: e.high_tech,
            above_scale: e.above_scale,
            srdi: serde_json::to_value(e.srdi).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(),
            listed: e.listed,
            key_project: e.key_project,
            founded_on: e.founded_on.map(|d| d.to_string()),
            contact_phone: e.contact_phone,
            is_demo: e.is_demo,
        }
    }
}

/// Filters of the enterprise list; the same names as the page's query string.
#[derive(IntoParams)]
#[allow(dead_code)]
struct EnterpriseParams {
    /// Part of the name, or the start of the USCC
    q: Option<String>,
    /// District or town code (GB/T 2260), e.g. 310117 or 310117109
    town: Option<String>,
    /// Cluster id
    cluster: Option<i64>,
    /// GB/T 4754 code prefix, e.g. 39
    industry: Option<String>,
    /// 1 = high-tech only
    high_tech: Option<String>,
    /// 1 = above designated size only
    above_scale: Option<String>,
    /// innovative | municipal | national: at least this 专精特新 level
    srdi: Option<String>,
    listed: Option<String>,
    key_project: Option<String>,
    /// 1 = covered by a Party organisation
    has_org: Option<String>,
    /// name | employees | town | updated
    sort: Option<String>,
    desc: Option<String>,
    page: Option<u64>,
    /// at most 500
    per_page: Option<u64>,
}

#[utoipa::path(get, path = "/api/v1/enterprises", params(EnterpriseParams), responses((status = 200, body = PageOf<EnterpriseJson>)), security(("bearer" = [])))]
async fn enterprises(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(query): Query<ListQuery>,
) -> ApiResult<PageOf<EnterpriseJson>> {
    let filter = query.filter()?;
    let sort = query.sort.as_deref().and_then(qunlian_store::registry::EnterpriseSort::from_code).unwrap_or_default();
    let desc = query.desc.as_deref() == Some("1");
    let page = state
        .store
        .registry()
        .list_enterprises(&caller, &filter, sort, desc, PageRequest::new(query.page, query.per_page))
        .await?;
    Ok(Json(PageOf::from(page)))
}

#[utoipa::path(get, path = "/api/v1/enterprises/{uscc}", params(("uscc" = String, Path, description = "统一社会信用代码")), responses((status = 200, body = EnterpriseJson), (status = 404)), security(("bearer" = [])))]
async fn enterprise(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(uscc): Path<String>,
) -> ApiResult<EnterpriseJson> {
    let uscc = qunlian_domain::Uscc::parse(&uscc).map_err(|e| WebError::Invalid(e.to_string()))?;
    Ok(Json(state.store.registry().enterprise_by_uscc(&caller, uscc.as_str()).await?.into()))
}

#[derive(Serialize, ToSchema)]
pub struct ClusterJson {
    id: i64,
    name: String,
    industry_focus: String,
    town_name: String,
    structure: Option<String>,
    heads: Vec<String>,
    members: u64,
    is_demo: bool,
}

impl From<qunlian_store::registry::Cluster> for ClusterJson {
    fn from(c: qunlian_store::registry::Cluster) -> Self {
        ClusterJson {
            id: c.id.0,
            name: c.name,
            industry_focus: c.industry_focus,
            town_name: c.town_name,
            structure: c.structure,
            heads: c.heads,
            members: c.members,
            is_demo: c.is_demo,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ClusterDetailJson {
    #[serde(flatten)]
    cluster: ClusterJson,
    description: String,
    /// Member enterprises: id, name, role (龙头企业 / 成员单位)
    member_list: Vec<(i64, String, String)>,
    /// Region codes and full names with members (may cross provinces)
    regions: Vec<(String, String)>,
}

#[utoipa::path(get, path = "/api/v1/clusters", responses((status = 200, body = Vec<ClusterJson>)), security(("bearer" = [])))]
async fn clusters(State(state): State<AppState>, ApiCaller(caller): ApiCaller) -> ApiResult<Vec<ClusterJson>> {
    Ok(Json(state.store.registry().list_clusters(&caller, None).await?.into_iter().map(Into::into).collect()))
}

#[utoipa::path(get, path = "/api/v1/clusters/{id}", params(("id" = i64, Path)), responses((status = 200, body = ClusterDetailJson), (status = 404)), security(("bearer" = [])))]
async fn cluster(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
) -> ApiResult<ClusterDetailJson> {
    let d = state.store.registry().cluster(&caller, ClusterId(id)).await?;
    Ok(Json(ClusterDetailJson {
        member_list: d.members.into_iter().map(|m| (m.unit_id, m.name, m.role.to_owned())).collect(),
        regions: d.regions,
        description: d.description,
        cluster: d.cluster.into(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct PartyOrgJson {
    id: i64,
    name: String,
    kind: String,
    form: String,
    parent_id: Option<i64>,
    established_on: Option<String>,
    dissolved_on: Option<String>,
    is_demo: bool,
}

impl From<qunlian_store::registry::PartyOrg> for PartyOrgJson {
    fn from(o: qunlian_store::registry::PartyOrg) -> Self {
        PartyOrgJson {
            id: o.id.0,
            name: o.name,
            kind: o.kind.to_owned(),
            form: o.form.to_owned(),
            parent_id: o.parent_id,
            established_on: o.established_on.map(|d| d.to_string()),
            dissolved_on: o.dissolved_on.map(|d| d.to_string()),
            is_demo: o.is_demo,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PartyOrgDetailJson {
    #[serde(flatten)]
    org: PartyOrgJson,
    /// Units covered: id and name
    units: Vec<(i64, String)>,
    /// History: date, kind label, detail
    events: Vec<(String, String, String)>,
}

#[utoipa::path(get, path = "/api/v1/party-orgs", responses((status = 200, body = Vec<PartyOrgJson>)), security(("bearer" = [])))]
async fn party_orgs(State(state): State<AppState>, ApiCaller(caller): ApiCaller) -> ApiResult<Vec<PartyOrgJson>> {
    Ok(Json(state.store.registry().org_tree(&caller, None, true).await?.into_iter().map(Into::into).collect()))
}

#[utoipa::path(get, path = "/api/v1/party-orgs/{id}", params(("id" = i64, Path)), responses((status = 200, body = PartyOrgDetailJson), (status = 404)), security(("bearer" = [])))]
async fn party_org(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
) -> ApiResult<PartyOrgDetailJson> {
    let d = state.store.registry().party_org(&caller, OrgId(id)).await?;
    Ok(Json(PartyOrgDetailJson {
        units: d.units,
        events: d.events.into_iter().map(|e| (e.on_date.to_string(), e.kind_label.to_owned(), e.detail)).collect(),
        org: d.org.into(),
    }))
}

/// One category over a region (`region_code` null: everything in the caller's scope) or in
/// one town.
#[derive(Serialize, ToSchema)]
pub struct CoverageJson {
    category_id: i64,
    category: String,
    rule: String,
    region_code: Option<String>,
    region_name: String,
    total: u64,
    own_org: u64,
    joint_org: u64,
    work_only: u64,
    uncovered: u64,
    /// Organisational coverage (own + joint) in percent
    org_rate: f64,
    /// Work coverage (own + joint + work only) in percent
    work_rate: f64,
    /// Target organisational coverage in percent
    target: f64,
    deadline: Option<String>,
    /// Enterprises still to organise to reach the target
    gap: u64,
    as_of: String,
}

#[derive(serde::Deserialize, IntoParams)]
pub struct CoverageParams {
    /// District or town code (GB/T 2260)
    region: Option<String>,
    /// Category id
    category: Option<i64>,
}

fn region_param(region: &Option<String>) -> Result<Option<qunlian_domain::RegionCode>, WebError> {
    crate::pages::non_empty(region)
        .map(|r| qunlian_domain::RegionCode::parse(r).map_err(|e| WebError::Invalid(format!("region：{e}"))))
        .transpose()
}

/// Per category: the total over the region asked, then one row per town.
#[utoipa::path(get, path = "/api/v1/coverage", params(CoverageParams), responses((status = 200, body = Vec<CoverageJson>)), security(("bearer" = [])))]
async fn coverage(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(p): Query<CoverageParams>,
) -> ApiResult<Vec<CoverageJson>> {
    use qunlian_domain::coverage::Counts;
    let region = region_param(&p.region)?;
    let q =
        qunlian_store::coverage::CoverageQuery { region, category: p.category.map(qunlian_domain::auth::CategoryId) };
    let sum = state.store.coverage().summary(&caller, &q).await?;
    let as_of = sum.as_of.to_string();
    let json = |c: &qunlian_store::coverage::Category, code: Option<String>, name: String, n: Counts| CoverageJson {
        category_id: c.id.0,
        category: c.name.clone(),
        rule: c.rule.clone(),
        region_code: code,
        region_name: name,
        total: n.total,
        own_org: n.own_org,
        joint_org: n.joint_org,
        work_only: n.work_only,
        uncovered: n.uncovered,
        org_rate: (n.org_rate() * 100.0).round() / 100.0,
        work_rate: (n.work_rate() * 100.0).round() / 100.0,
        target: c.target_pct,
        deadline: c.deadline.map(|d| d.to_string()),
        gap: n.gap(c.target_pct),
        as_of: as_of.clone(),
    };
    let mut out = Vec::new();
    for c in &sum.categories {
        let name = region.map(|r| r.full_name()).unwrap_or_else(|| "权限范围内全部".to_owned());
        out.push(json(c, region.map(|r| r.to_string()), name, sum.total_of(c.id)));
        for cell in sum.cells.iter().filter(|x| x.category_id == c.id) {
            out.push(json(c, Some(cell.town_code.clone()), cell.town_name.clone(), cell.counts));
        }
    }
    Ok(Json(out))
}

#[derive(serde::Deserialize, IntoParams)]
pub struct CoverageEnterpriseParams {
    /// District or town code (GB/T 2260)
    region: Option<String>,
    /// Category id
    category: Option<i64>,
    /// own_org | joint_org | work_only | uncovered
    status: Option<String>,
    page: Option<u64>,
    /// at most 500
    per_page: Option<u64>,
}

/// The enterprises behind a figure of `/api/v1/coverage`: the same filters give the same count.
#[utoipa::path(get, path = "/api/v1/coverage/enterprises", params(CoverageEnterpriseParams), responses((status = 200, body = PageOf<EnterpriseJson>)), security(("bearer" = [])))]
async fn coverage_enterprises(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(p): Query<CoverageEnterpriseParams>,
) -> ApiResult<PageOf<EnterpriseJson>> {
    let status = match crate::pages::non_empty(&p.status) {
        Some(s) => Some(qunlian_domain::coverage::CoverageStatus::from_code(s).map_err(|_| {
            WebError::Invalid(format!("status：不认识“{s}”，可用 own_org、joint_org、work_only、uncovered"))
        })?),
        None => None,
    };
    let filter = qunlian_store::registry::EnterpriseFilter {
        region: region_param(&p.region)?,
        category: p.category.map(qunlian_domain::auth::CategoryId),
        coverage: status,
        ..Default::default()
    };
    let page = state
        .store
        .registry()
        .list_enterprises(&caller, &filter, Default::default(), false, PageRequest::new(p.page, p.per_page))
        .await?;
    Ok(Json(PageOf::from(page)))
}

#[derive(serde::Deserialize, IntoParams)]
pub struct WorkingDaysParams {
    /// First day, not counted (the day a request is accepted), e.g. 2026-02-12
    from: String,
    /// Last day, counted, e.g. 2026-02-24
    to: String,
}

#[derive(Serialize, ToSchema)]
pub struct WorkingDaysJson {
    from: String,
    to: String,
    /// Working days after `from` up to and including `to`
    working_days: u32,
    /// false when a year in the range has no holiday schedule loaded (weekends only)
    calendar_known: bool,
}

fn date_param(field: &str, v: &str) -> Result<chrono::NaiveDate, WebError> {
    chrono::NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d")
        .map_err(|_| WebError::Invalid(format!("{field}：“{v}”不是日期，应为 2026-11-22 的格式")))
}

/// Chinese working days between two dates: weekends and statutory holidays off, make-up
/// working weekends (调休) on.
#[utoipa::path(get, path = "/api/v1/calendar/working-days", params(WorkingDaysParams), responses((status = 200, body = WorkingDaysJson)), security(("bearer" = [])))]
async fn working_days(
    State(state): State<AppState>,
    ApiCaller(_caller): ApiCaller,
    Query(p): Query<WorkingDaysParams>,
) -> ApiResult<WorkingDaysJson> {
    let from = date_param("from", &p.from)?;
    let to = date_param("to", &p.to)?;
    let (n, known) = state.store.services().working_days_between(from, to).await?;
    Ok(Json(WorkingDaysJson { from: from.to_string(), to: to.to_string(), working_days: n, calendar_known: known }))
}

#[derive(serde::Deserialize, ToSchema)]
pub struct NewServiceRequestJson {
    /// Catalogue item id
    item_id: i64,
    /// The enterprise's 统一社会信用代码
    uscc: String,
    title: Option<String>,
    detail: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ServiceRequestJson {
    id: i64,
    item: String,
    enterprise: String,
    department: String,
    officer: Option<String>,
    title: String,
    /// open | waiting (待补材料, clock paused) | done | rejected
    state: String,
    /// e.g. 5个工作日
    time_limit: String,
    filed_at: String,
    /// When the limit runs out if nothing more pauses it (Beijing time)
    deadline: String,
    elapsed_working_days: f64,
    /// green (done) | blue (on track) | yellow (due soon) | red (overdue)
    colour: String,
    paused: bool,
    done_at: Option<String>,
    result: Option<String>,
    /// Stages in order, with their times (the "58 days + 3 days" view)
    stages: Vec<StageJson>,
}

#[derive(Serialize, ToSchema)]
pub struct StageJson {
    name: String,
    started: Option<String>,
    finished: Option<String>,
    /// Working days from start to finish
    working_days: Option<f64>,
}

fn fmt_time(t: chrono::NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

/// Files a request for an enterprise in the token owner's scope; it is routed to the
/// department owning the item.
#[utoipa::path(post, path = "/api/v1/service-requests", request_body = NewServiceRequestJson, responses((status = 200, body = ServiceRequestJson), (status = 422)), security(("bearer" = [])))]
async fn file_service_request(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Json(body): Json<NewServiceRequestJson>,
) -> ApiResult<ServiceRequestJson> {
    let uscc = qunlian_domain::Uscc::parse(&body.uscc).map_err(|e| WebError::Invalid(format!("uscc：{e}")))?;
    let e = state.store.registry().enterprise_by_uscc(&caller, uscc.as_str()).await?;
    let id = state
        .store
        .services()
        .file_request(
            &caller,
            qunlian_store::services::NewServiceRequest {
                item_id: body.item_id,
                unit: e.id,
                title: body.title.unwrap_or_default(),
                detail: body.detail.unwrap_or_default(),
                is_demo: false,
            },
        )
        .await?;
    service_request_json(&state, &caller, id).await
}

#[utoipa::path(get, path = "/api/v1/service-requests/{id}", params(("id" = i64, Path)), responses((status = 200, body = ServiceRequestJson), (status = 404)), security(("bearer" = [])))]
async fn service_request(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
) -> ApiResult<ServiceRequestJson> {
    service_request_json(&state, &caller, id).await
}

async fn service_request_json(state: &AppState, caller: &Caller, id: i64) -> ApiResult<ServiceRequestJson> {
    let d = state.store.services().request(caller, id).await?;
    let r = d.request;
    Ok(Json(ServiceRequestJson {
        id: r.id,
        item: r.item_name,
        enterprise: r.unit_name,
        department: r.department,
        officer: r.officer,
        title: r.title,
        state: r.state.code().to_owned(),
        time_limit: r.limit_label,
        filed_at: fmt_time(r.filed_at),
        deadline: fmt_time(r.clock.deadline),
        elapsed_working_days: r.clock.elapsed_working_days(),
        colour: r.clock.colour.code().to_owned(),
        paused: r.clock.paused,
        done_at: r.done_at.map(fmt_time),
        result: r.result,
        stages: d
            .stages
            .into_iter()
            .map(|s| StageJson {
                name: s.name,
                started: s.started.map(fmt_time),
                finished: s.finished.map(fmt_time),
                working_days: s.working_days,
            })
            .collect(),
    }))
}

#[derive(OpenApi)]
#[openapi(
    info(title = "群链 qunlian API", description = "产业集群党建平台接口。所有接口以用户令牌（qunlian token create USER）鉴权，数据按令牌所属用户的权限范围过滤。"),
    paths(enterprises, enterprise, clusters, cluster, party_orgs, party_org, coverage, coverage_enterprises, working_days, file_service_request, service_request),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    let mut doc = ApiDoc::openapi();
    doc.merge(<crate::api_matching::MatchingDoc as OpenApi>::openapi());
    Json(doc)
}
