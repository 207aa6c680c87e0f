//! `/api/v1/coverage`: the figures by category and town, and the enterprises behind them.

use super::registry::EnterpriseJson;
use super::*;

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
#[into_params(parameter_in = Query)]
pub struct CoverageParams {
    /// District or town code (GB/T 2260); a code in no table answers 404
    #[param(pattern = r"^([0-9]{6}|[0-9]{9})$")]
    region: Option<String>,
    /// Category id
    category: Option<i64>,
}

fn region_param(region: &Option<String>) -> Result<Option<qunlian_domain::RegionCode>, WebError> {
    params::region("region", region.as_deref())
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
        org_rate: crate::support::format::round2(n.org_rate()),
        work_rate: crate::support::format::round2(n.work_rate()),
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

/// A coverage status.
#[derive(Clone, Copy, Debug, serde::Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatusParam {
    OwnOrg,
    JointOrg,
    WorkOnly,
    Uncovered,
}

#[derive(serde::Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CoverageEnterpriseParams {
    /// District or town code (GB/T 2260); a code in no table answers 404
    #[param(pattern = r"^([0-9]{6}|[0-9]{9})$")]
    region: Option<String>,
    /// Category id
    category: Option<i64>,
    #[param(inline)]
    status: Option<StatusParam>,
    #[param(minimum = 1, maximum = 1000000)]
    page: Option<u64>,
    #[param(minimum = 1, maximum = 500)]
    per_page: Option<u64>,
}

/// The enterprises behind a figure of `/api/v1/coverage`: the same filters give the same count.
#[utoipa::path(get, path = "/api/v1/coverage/enterprises", params(CoverageEnterpriseParams), responses((status = 200, body = PageOf<EnterpriseJson>)), security(("bearer" = [])))]
async fn coverage_enterprises(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(p): Query<CoverageEnterpriseParams>,
) -> ApiResult<PageOf<EnterpriseJson>> {
    use qunlian_domain::coverage::CoverageStatus;
    let status = p.status.map(|s| match s {
        StatusParam::OwnOrg => CoverageStatus::OwnOrg,
        StatusParam::JointOrg => CoverageStatus::JointOrg,
        StatusParam::WorkOnly => CoverageStatus::WorkOnly,
        StatusParam::Uncovered => CoverageStatus::Uncovered,
    });
    let page = params::page_request(p.page, p.per_page)?;
    let filter = qunlian_store::registry::EnterpriseFilter {
        region: region_param(&p.region)?,
        category: p.category.map(qunlian_domain::auth::CategoryId),
        coverage: status,
        ..Default::default()
    };
    let page = state.store.registry().list_enterprises(&caller, &filter, Default::default(), false, page).await?;
    Ok(Json(PageOf::from(page)))
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/coverage", get(coverage)).route("/coverage/enterprises", get(coverage_enterprises))
}

#[derive(OpenApi)]
#[openapi(paths(coverage, coverage_enterprises))]
pub struct Doc;
