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
    /// 活动类型: code, label or alias, e.g. branch_committee, seminar, 座谈会 (the pattern,
    /// generated from the codes, lists them all)
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
    let bad =
        |name: &str, v: &str| WebError::Invalid(format!("参数 {name}：“{}”无法识别", qunlian_domain::limits::echo(v)));
    let filter = ActivityFilter {
        cluster: params::at_least("cluster", q.cluster, 0)?,
        // As documented: a town is 6 or 9 digits (empty is malformed), dates are dates.
        region: params::region("town", q.town.as_deref())?,
        organiser: match q.organiser.as_deref().filter(|s| !s.is_empty()) {
            // The canonical spelling only (`org:7`, not ` org:07` or `org:+7`), as the pattern.
            Some(o) => Some(Organiser::parse(o).filter(|p| p.value() == o).ok_or_else(|| bad("organiser", o))?),
            None => None,
        },
        kind: params::coded::<ActivityKind>("kind", q.kind.as_deref())?,
        from: q.from.as_deref().map(|v| params::date("from", v)).transpose()?,
        to: q.to.as_deref().map(|v| params::date("to", v)).transpose()?,
        unit: params::at_least("unit", q.unit, 1)?,
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
