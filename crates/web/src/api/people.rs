//! `/api/v1/members`: the member records of the token owner's scope (a branch its own, a
//! cluster secretary its cluster's, a town or district admin its area's), the ID number and
//! phone always masked, in the list and for one member (`/api/v1/members/{id}`: one outside
//! the scope answers 404, as one that does not exist). There is no reveal through the API.

use qunlian_domain::codes::Labelled;
use qunlian_domain::people::{MemberCategory, Standing};
use qunlian_store::people::{Member, MemberFilter};

use super::*;

#[derive(serde::Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MemberParams {
    /// Part of the name
    #[param(max_length = 200)]
    q: Option<String>,
    /// Party organisation id: its members and its sub-organisations'
    #[param(minimum = 1)]
    org: Option<i64>,
    /// 人员类别 code
    #[param(
        pattern = r"^(industrial_worker|young_farmer|high_knowledge|professional|manager|official|student|retired|other)?$"
    )]
    category: Option<String>,
    /// full (正式党员) | probationary (预备党员)
    #[param(pattern = r"^(full|probationary)?$")]
    standing: Option<String>,
    #[param(minimum = 1, maximum = 1000000)]
    page: Option<u64>,
    #[param(minimum = 1, maximum = 500)]
    per_page: Option<u64>,
}

fn code<T: Labelled>(name: &str, v: Option<&str>) -> Result<Option<T>, WebError> {
    v.filter(|s| !s.is_empty())
        .map(|s| T::from_code(s).map_err(|e| WebError::Invalid(format!("参数 {name}：{e}"))))
        .transpose()
}

#[derive(Serialize, ToSchema)]
pub struct MemberJson {
    id: i64,
    name: String,
    /// Masked: 310117********123X
    id_number: Option<String>,
    /// Masked: 138****5678
    phone: Option<String>,
    /// male | female
    gender: Option<String>,
    birth_date: Option<String>,
    /// postgraduate | bachelor | college | secondary | junior
    education: Option<String>,
    category: String,
    category_label: String,
    joined_on: String,
    /// full | probationary
    standing: String,
    standing_label: String,
    org_id: i64,
    org: String,
    work_unit: Option<String>,
    is_demo: bool,
}

impl From<Member> for MemberJson {
    fn from(m: Member) -> Self {
        MemberJson {
            id: m.id,
            name: m.name,
            id_number: m.id_number,
            phone: m.phone,
            gender: m.gender.map(|g| g.code().to_owned()),
            birth_date: m.birth_date.map(|d| d.to_string()),
            education: m.education.map(|e| e.code().to_owned()),
            category: m.category.code().to_owned(),
            category_label: m.category.label().to_owned(),
            joined_on: m.joined_on.to_string(),
            standing: m.standing.code().to_owned(),
            standing_label: m.standing.label().to_owned(),
            org_id: m.org_id,
            org: m.org_name,
            work_unit: m.work_unit_name,
            is_demo: m.is_demo,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/members", params(MemberParams), responses((status = 200, body = PageOf<MemberJson>)), security(("bearer" = [])))]
async fn members(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(query): Query<MemberParams>,
) -> ApiResult<PageOf<MemberJson>> {
    params::text("q", query.q.as_deref(), qunlian_domain::limits::SEARCH_CHARS)?;
    let filter = MemberFilter {
        q: query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(str::to_owned),
        org: params::at_least("org", query.org, 1)?,
        category: code::<MemberCategory>("category", query.category.as_deref())?,
        standing: code::<Standing>("standing", query.standing.as_deref())?,
    };
    let page = params::page_request(query.page, query.per_page)?;
    Ok(Json(PageOf::from(state.store.people().members(&caller, &filter, page).await?)))
}

#[utoipa::path(get, path = "/api/v1/members/{id}", params(("id" = i64, Path)), responses((status = 200, body = MemberJson), (status = 404)), security(("bearer" = [])))]
async fn member(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
) -> ApiResult<MemberJson> {
    Ok(Json(state.store.people().member(&caller, id).await?.into()))
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/members", get(members)).route("/members/{id}", get(member))
}

#[derive(OpenApi)]
#[openapi(paths(members, member))]
pub struct Doc;
