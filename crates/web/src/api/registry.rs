//! `/api/v1` for the registry: enterprises, clusters, Party organisations.

use super::*;

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

/// Sort orders of the enterprise list.
#[derive(Clone, Copy, Debug, serde::Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortParam {
    Name,
    Employees,
    Town,
    Updated,
}

/// At least this 专精特新 level.
#[derive(Clone, Copy, Debug, serde::Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SrdiParam {
    Innovative,
    Municipal,
    National,
}

/// Filters of the enterprise list; the same names as the page's query string, checked as
/// the document says.
#[derive(serde::Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EnterpriseParams {
    /// Part of the name, or the start of the USCC
    #[param(max_length = 200)]
    q: Option<String>,
    /// District or town code (GB/T 2260), e.g. 310117 or 310117109
    #[param(pattern = r"^([0-9]{6}|[0-9]{9})$")]
    town: Option<String>,
    /// Cluster id
    cluster: Option<i64>,
    /// GB/T 4754 code prefix, e.g. 39 or C39
    #[param(pattern = r"^[A-T]?[0-9]{0,4}$")]
    industry: Option<String>,
    /// 1 = high-tech only, 0 = not high-tech
    #[param(inline)]
    high_tech: Option<params::Flag>,
    /// 1 = above designated size only
    #[param(inline)]
    above_scale: Option<params::Flag>,
    /// At least this 专精特新 level
    #[param(inline)]
    srdi: Option<SrdiParam>,
    #[param(inline)]
    listed: Option<params::Flag>,
    #[param(inline)]
    key_project: Option<params::Flag>,
    /// 1 = covered by a Party organisation, 0 = not covered
    #[param(inline)]
    has_org: Option<params::Flag>,
    #[param(inline)]
    sort: Option<SortParam>,
    /// 1 = descending
    #[param(inline)]
    desc: Option<params::Flag>,
    #[param(minimum = 1, maximum = 1000000)]
    page: Option<u64>,
    #[param(minimum = 1, maximum = 500)]
    per_page: Option<u64>,
}

impl EnterpriseParams {
    fn filter(&self) -> Result<qunlian_store::registry::EnterpriseFilter, WebError> {
        use qunlian_domain::registry::SrdiLevel;
        params::text("q", self.q.as_deref(), qunlian_domain::limits::SEARCH_CHARS)?;
        let industry = self.industry.as_deref().filter(|s| !s.is_empty());
        if industry.is_some_and(|i| {
            let digits = i.strip_prefix(|c: char| c.is_ascii_uppercase() && c <= 'T').unwrap_or(i);
            digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit())
        }) {
            return Err(WebError::Invalid("industry：应为 GB/T 4754 行业代码的开头，如 39 或 C39".into()));
        }
        Ok(qunlian_store::registry::EnterpriseFilter {
            q: self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(str::to_owned),
            region: params::region("town", self.town.as_deref())?,
            cluster: self.cluster.map(ClusterId),
            // The stored code has no section letter: C39 and 39 are the same prefix.
            industry: industry.map(|i| i.trim_start_matches(|c: char| c.is_ascii_uppercase()).to_owned()),
            high_tech: params::Flag::get(self.high_tech),
            above_scale: params::Flag::get(self.above_scale),
            srdi_at_least: self.srdi.map(|s| match s {
                SrdiParam::Innovative => SrdiLevel::Innovative,
                SrdiParam::Municipal => SrdiLevel::Municipal,
                SrdiParam::National => SrdiLevel::National,
            }),
            listed: params::Flag::get(self.listed),
            key_project: params::Flag::get(self.key_project),
            has_org: params::Flag::get(self.has_org),
            ..Default::default()
        })
    }
}

#[utoipa::path(get, path = "/api/v1/enterprises", params(EnterpriseParams), responses((status = 200, body = PageOf<EnterpriseJson>)), security(("bearer" = [])))]
async fn enterprises(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(query): Query<EnterpriseParams>,
) -> ApiResult<PageOf<EnterpriseJson>> {
    use qunlian_store::registry::EnterpriseSort;
    let filter = query.filter()?;
    let page = params::page_request(query.page, query.per_page)?;
    let sort = match query.sort.unwrap_or(SortParam::Name) {
        SortParam::Name => EnterpriseSort::Name,
        SortParam::Employees => EnterpriseSort::Employees,
        SortParam::Town => EnterpriseSort::Town,
        SortParam::Updated => EnterpriseSort::Updated,
    };
    let desc = params::Flag::get(query.desc).unwrap_or(false);
    let page = state.store.registry().list_enterprises(&caller, &filter, sort, desc, page).await?;
    Ok(Json(PageOf::from(page)))
}

#[derive(serde::Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
struct UsccPath {
    /// 统一社会信用代码; one whose check character is wrong answers 404
    #[param(pattern = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")]
    uscc: String,
}

#[utoipa::path(get, path = "/api/v1/enterprises/{uscc}", params(UsccPath), responses((status = 200, body = EnterpriseJson), (status = 404)), security(("bearer" = [])))]
async fn enterprise(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(UsccPath { uscc }): Path<UsccPath>,
) -> ApiResult<EnterpriseJson> {
    let uscc = params::uscc("uscc", &uscc)?;
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

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/enterprises", get(enterprises))
        .route("/enterprises/{uscc}", get(enterprise))
        .route("/clusters", get(clusters))
        .route("/clusters/{id}", get(cluster))
        .route("/party-orgs", get(party_orgs))
        .route("/party-orgs/{id}", get(party_org))
}

#[derive(OpenApi)]
#[openapi(paths(enterprises, enterprise, clusters, cluster, party_orgs, party_org))]
pub struct Doc;
