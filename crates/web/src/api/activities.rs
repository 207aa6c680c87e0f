//! `/api/v1/activities`: the activities of the token owner's scope (those of the
//! organisations, clusters and alliances it sees, and for an area those held there), the
//! latest first, with the filters of the page.

use qunlian_domain::activities::{ActivityKind, Organiser};
use qunlian_store::activities::{ActivityFilter, ActivityLine};

use super::*;

#[derive(serde::Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivityParams {
    /// Cluster id; 0 for activities counted for no cluster
    #[param(minimum = 0)]
    cluster: Option<i64>,
    /// A town or district code (9 or 6 digits)
    #[param(pattern = r"^([0-9]{6}|[0-9]{9})$")]
    town: Option<String>,
    /// org:ID | cluster:ID | alliance:ID
    #[param(pattern = r"^((org|cluster|alliance):[1-9][0-9]{0,17})?$")]
    organiser: Option<String>,
    /// 活动类型 code, e.g. branch_committee, seminar, matching
    #[param(pattern = r"^[a-z_]+$")]
    kind: Option<String>,
    /// From this day on (YYYY-MM-DD)
    #[param(format = Date)]
    from: Option<String>,
    /// Up to this day, included (YYYY-MM-DD)
    #[param(format = Date)]
    to: Option<String>,
    /// Those a unit took part in
    #[param(minimum = 1)]
    unit: Option<i64>,
    #[param(minimum = 1, maximum = 1000000)]
    page: Option<u64>,
    #[param(minimum = 1, maximum = 500)]
    per_page: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct ActivityJson {
    id: i64,
    held_on: String,
    /// 活动类型 code
    kind: String,
    kind_label: String,
    subject: String,
    place: String,
    organiser: String,
    /// Units taking part
    units: usize,
    /// Participant count (参与人次)
    headcount: i32,
    is_demo: bool,
}

impl From<ActivityLine> for ActivityJson {
    fn from(a: ActivityLine) -> Self {
        ActivityJson {
            id: a.id,
            held_on: a.held_on.to_string(),
            kind: a.kind.code().to_owned(),
            kind_label: a.kind.label().to_owned(),
            subject: a.subject,
            place: a.place,
            organiser: a.organiser,
            units: a.units,
            headcount: a.headcount,
            is_demo: a.is_demo,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/activities", params(ActivityParams), responses((status = 200, body = PageOf<ActivityJson>), (status = 422)), security(("bearer" = [])))]
async fn activities(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(q): Query<ActivityParams>,
) -> ApiResult<PageOf<ActivityJson>> {
    let bad = |name: &str, v: &str| WebError::Invalid(format!("参数 {name}：“{v}”无法识别"));
    let filter = ActivityFilter {
        cluster: q.cluster,
        region: params::region("town", q.town.as_deref().filter(|s| !s.is_empty()))?,
        organiser: match q.organiser.as_deref().filter(|s| !s.is_empty()) {
            Some(o) => Some(Organiser::parse(o).ok_or_else(|| bad("organiser", o))?),
            None => None,
        },
        kind: match q.kind.as_deref().filter(|s| !s.is_empty()) {
            Some(k) => Some(ActivityKind::from_code(k).map_err(|e| WebError::Invalid(format!("参数 kind：{e}")))?),
            None => None,
        },
        from: q.from.as_deref().filter(|s| !s.is_empty()).map(|v| params::date("from", v)).transpose()?,
        to: q.to.as_deref().filter(|s| !s.is_empty()).map(|v| params::date("to", v)).transpose()?,
        unit: q.unit,
    };
    let page = params::page_request(q.page, q.per_page)?;
    Ok(Json(PageOf::from(state.store.activities().list(&caller, &filter, page).await?)))
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/activities", get(activities))
}

#[derive(OpenApi)]
#[openapi(paths(activities))]
pub struct Doc;
