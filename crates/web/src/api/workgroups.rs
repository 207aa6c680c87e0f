//! `/api/v1/workgroups`: the project work groups of the token owner's scope (项目工作组) with
//! their temporary branches, the latest started first, filtered by kind and state as the page.

use qunlian_domain::workgroups::{WorkgroupKind, WorkgroupState};
use qunlian_store::workgroups::{WorkgroupFilter, WorkgroupLine};

use super::*;

#[derive(serde::Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WorkgroupParams {
    /// 项目类型: code, label or alias, e.g. investment, 招商 (the pattern, generated from the
    /// codes, lists them all)
    kind: Option<String>,
    /// 状态: active (进行中), due (即将到期: planned end within 30 days or past), ended (已结束)
    state: Option<String>,
    #[param(minimum = 1, maximum = 1000000)]
    page: Option<u64>,
    #[param(minimum = 1, maximum = 500)]
    per_page: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct WorkgroupJson {
    id: i64,
    name: String,
    /// 项目类型 code
    kind: String,
    kind_label: String,
    town_code: String,
    town_name: String,
    cluster_id: Option<i64>,
    lead_unit_id: i64,
    lead_unit: String,
    units: u64,
    /// The temporary branch (a Party organisation of form 临时党组织)
    branch_org_id: i64,
    branch_name: String,
    /// Members taking part (临时参加), their relation kept in their home organisations
    members: u64,
    started_on: String,
    planned_end_on: String,
    ended_on: Option<String>,
    /// active | due | ended
    state: String,
    is_demo: bool,
}

impl From<WorkgroupLine> for WorkgroupJson {
    fn from(g: WorkgroupLine) -> Self {
        WorkgroupJson {
            id: g.id,
            name: g.name,
            kind: g.kind.code().to_owned(),
            kind_label: g.kind.label().to_owned(),
            town_code: g.town_code,
            town_name: g.town_name,
            cluster_id: g.cluster_id,
            lead_unit_id: g.lead_unit_id,
            lead_unit: g.lead_unit,
            units: g.units,
            branch_org_id: g.branch_org_id,
            branch_name: g.branch_name,
            members: g.members,
            started_on: g.started_on.to_string(),
            planned_end_on: g.planned_end_on.to_string(),
            ended_on: g.ended_on.map(|d| d.to_string()),
            state: g.state.code().to_owned(),
            is_demo: g.is_demo,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/workgroups", params(WorkgroupParams), responses((status = 200, body = PageOf<WorkgroupJson>), (status = 422)), security(("bearer" = [])))]
async fn workgroups(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(q): Query<WorkgroupParams>,
) -> ApiResult<PageOf<WorkgroupJson>> {
    let filter = WorkgroupFilter {
        kind: params::coded::<WorkgroupKind>("kind", q.kind.as_deref())?,
        state: params::coded::<WorkgroupState>("state", q.state.as_deref())?,
        parent_org: None,
    };
    let page = params::page_request(q.page, q.per_page)?;
    Ok(Json(PageOf::from(state.store.workgroups().list(&caller, &filter, page).await?)))
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/workgroups", get(workgroups))
}

#[derive(OpenApi)]
#[openapi(paths(workgroups))]
pub struct Doc;
