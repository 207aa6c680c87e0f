//! `/api/v1` for services: working days, and filing and reading service requests.

use super::*;

#[derive(serde::Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WorkingDaysParams {
    /// First day, not counted (the day a request is accepted), e.g. 2026-02-12; 1900–2099
    #[param(
        pattern = r"^(19|20)[0-9]{2}-((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)$"
    )]
    from: String,
    /// Last day, counted, e.g. 2026-02-24; 1900–2099
    #[param(
        pattern = r"^(19|20)[0-9]{2}-((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)$"
    )]
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

/// A date of 1900–2099 (the span a working-day count walks stays bounded).
fn date_param(field: &str, v: &str) -> Result<chrono::NaiveDate, WebError> {
    let d = super::params::date(field, v)?;
    if !(1900..=2099).contains(&chrono::Datelike::year(&d)) {
        return Err(WebError::Invalid(format!("{field}：应在 1900 年到 2099 年之间")));
    }
    Ok(d)
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
    #[serde(deserialize_with = "super::params::json_integer")]
    item_id: i64,
    /// The enterprise's 统一社会信用代码; one whose check character is wrong answers 404
    #[schema(pattern = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")]
    uscc: String,
    #[schema(max_length = 200)]
    title: Option<String>,
    #[schema(max_length = 5000)]
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
    body: crate::support::forms::Unread,
) -> ApiResult<ServiceRequestJson> {
    if !caller.may(qunlian_domain::auth::Action::FileServiceRequest) {
        return Err(ApiError(WebError::Forbidden));
    }
    let Json(body) = body.read::<Json<NewServiceRequestJson>>().await?;
    let uscc = super::params::uscc("uscc", &body.uscc)?;
    super::params::text("title", body.title.as_deref(), 200)?;
    super::params::text("detail", body.detail.as_deref(), 5000)?;
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
        .await
        .map_err(|err| match err {
            // An item id in no catalogue is a record that is missing, as an unknown USCC is.
            qunlian_store::StoreError::Invalid { field: "服务事项", .. } => {
                WebError::NotFoundWhat("item_id：服务目录中没有这个事项".into())
            }
            other => other.into(),
        })?;
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

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/calendar/working-days", get(working_days))
        .route("/service-requests", axum::routing::post(file_service_request))
        .route("/service-requests/{id}", get(service_request))
}

#[derive(OpenApi)]
#[openapi(paths(working_days, file_service_request, service_request))]
pub struct Doc;
