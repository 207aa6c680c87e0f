//! `/api/v1/villages…` and `/api/v1/talent…`: 名誉村主任 with their actions and the tracker's
//! overdue list and per-village summary; talent apartments with their service points'
//! activities, and talent selections with the Party organisations' opinions. Filtered by the
//! token owner's scope exactly as the pages are (the store decides, docs/bodies.md); people's
//! names are masked (`mask_name`: 陈*华).

use qunlian_domain::auth::Action;
use qunlian_store::bodies::HeadAction;
use qunlian_store::shared::mask_name;

use super::*;

#[derive(Serialize, ToSchema)]
pub struct HeadJson {
    id: i64,
    /// The head's name, masked (陈*华)
    person: String,
    enterprise_id: i64,
    enterprise: String,
    /// Code: secretary | member | friend
    identity: String,
    identity_label: String,
    town: String,
    nominated_on: String,
    /// Code: nominated | qualified | rejected | appointed | ended
    state: String,
    state_label: String,
    village_id: Option<i64>,
    village: Option<String>,
    term_start: Option<String>,
    term_end: Option<String>,
    /// Code: enterprise | project | industry (企业帮村 / 项目富村 / 产业带村)
    pairing: Option<String>,
    is_demo: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ActionJson {
    id: i64,
    head_id: i64,
    /// Code: mandatory | chosen
    kind: String,
    title: String,
    due_on: String,
    evidence: String,
    done_on: Option<String>,
    /// Not done and its due day is past
    overdue: bool,
}

#[derive(Serialize, ToSchema)]
pub struct OverdueJson {
    action: ActionJson,
    /// The head's name, masked
    person: String,
    enterprise: String,
    village: String,
    town: String,
    days_late: i64,
}

#[derive(Serialize, ToSchema)]
pub struct VillageSummaryJson {
    village_id: i64,
    village: String,
    town: String,
    head_id: i64,
    /// The head's name, masked
    person: String,
    enterprise: String,
    pairing: Option<String>,
    mandatory: usize,
    mandatory_done: usize,
    chosen: usize,
    chosen_done: usize,
    overdue: usize,
}

#[derive(Serialize, ToSchema)]
pub struct TrackerJson {
    /// Actions of appointed heads not done past their due day, the longest late first
    overdue: Vec<OverdueJson>,
    /// Per village with an appointed head
    villages: Vec<VillageSummaryJson>,
}

fn date(d: chrono::NaiveDate) -> String {
    d.to_string()
}

fn action_json(a: HeadAction) -> ActionJson {
    ActionJson {
        id: a.id,
        head_id: a.head_id,
        kind: a.kind.code().to_owned(),
        title: a.title,
        due_on: date(a.due_on),
        evidence: a.evidence,
        done_on: a.done_on.map(date),
        overdue: a.overdue,
    }
}

fn reading(caller: &qunlian_domain::auth::Caller) -> Result<(), ApiError> {
    if caller.may(Action::ReadRegistry) { Ok(()) } else { Err(WebError::Forbidden.into()) }
}

/// The 名誉村主任 the token owner sees (a town its town's, an enterprise its own), by town and name.
#[utoipa::path(get, path = "/api/v1/villages/heads", responses((status = 200, body = Vec<HeadJson>)), security(("bearer" = [])))]
async fn heads(State(state): State<AppState>, ApiCaller(caller): ApiCaller) -> ApiResult<Vec<HeadJson>> {
    reading(&caller)?;
    let rows = state.store.bodies().heads(&caller).await?;
    Ok(Json(
        rows.into_iter()
            .map(|h| HeadJson {
                id: h.id,
                person: mask_name(&h.person),
                enterprise_id: h.enterprise_id,
                enterprise: h.enterprise,
                identity: h.identity.code().to_owned(),
                identity_label: h.identity.label().to_owned(),
                town: h.town,
                nominated_on: date(h.nominated_on),
                state: h.state.code().to_owned(),
                state_label: h.state.label().to_owned(),
                village_id: h.village_id,
                village: h.village,
                term_start: h.term_start.map(date),
                term_end: h.term_end.map(date),
                pairing: h.pairing.map(|p| p.code().to_owned()),
                is_demo: h.is_demo,
            })
            .collect(),
    ))
}

/// One head's actions (mandatory and chosen), by due day.
#[utoipa::path(get, path = "/api/v1/villages/heads/{id}/actions", params(("id" = i64, Path)), responses((status = 200, body = Vec<ActionJson>), (status = 404)), security(("bearer" = [])))]
async fn head_actions(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
) -> ApiResult<Vec<ActionJson>> {
    reading(&caller)?;
    let b = state.store.bodies();
    Ok(Json(b.head_actions(&caller, id).await?.into_iter().map(action_json).collect()))
}

/// The tracker: overdue actions and the per-village summary.
#[utoipa::path(get, path = "/api/v1/villages/overdue", responses((status = 200, body = TrackerJson)), security(("bearer" = [])))]
async fn tracker(State(state): State<AppState>, ApiCaller(caller): ApiCaller) -> ApiResult<TrackerJson> {
    reading(&caller)?;
    let b = state.store.bodies();
    let overdue = b
        .overdue_actions(&caller)
        .await?
        .into_iter()
        .map(|o| OverdueJson {
            person: mask_name(&o.person),
            enterprise: o.enterprise,
            village: o.village,
            town: o.town,
            days_late: o.days_late,
            action: action_json(o.action),
        })
        .collect();
    let villages = b
        .village_summary(&caller)
        .await?
        .into_iter()
        .map(|v| VillageSummaryJson {
            village_id: v.village_id,
            village: v.village,
            town: v.town,
            head_id: v.head_id,
            person: mask_name(&v.person),
            enterprise: v.enterprise,
            pairing: v.pairing.map(|p| p.code().to_owned()),
            mandatory: v.mandatory,
            mandatory_done: v.mandatory_done,
            chosen: v.chosen,
            chosen_done: v.chosen_done,
            overdue: v.overdue,
        })
        .collect();
    Ok(Json(TrackerJson { overdue, villages }))
}

#[derive(Serialize, ToSchema)]
pub struct ApartmentActivityJson {
    /// The activity's id in the activities capability (`/api/v1/activities`)
    id: i64,
    /// ActivityKind code
    kind: String,
    subject: String,
    held_on: String,
    place: String,
    headcount: i32,
}

#[derive(Serialize, ToSchema)]
pub struct ApartmentJson {
    id: i64,
    name: String,
    town: String,
    address: String,
    service_point: String,
    managing_org: String,
    /// The enterprises whose staff live there
    residents: Vec<String>,
    /// The latest activities held at the service point (empty for a token owner who does not read activities)
    activities: Vec<ApartmentActivityJson>,
    is_demo: bool,
}

/// The talent apartments the token owner sees, with their service points' activities.
#[utoipa::path(get, path = "/api/v1/talent/apartments", responses((status = 200, body = Vec<ApartmentJson>)), security(("bearer" = [])))]
async fn apartments(State(state): State<AppState>, ApiCaller(caller): ApiCaller) -> ApiResult<Vec<ApartmentJson>> {
    reading(&caller)?;
    let rows = state.store.bodies().apartments(&caller).await?;
    Ok(Json(
        rows.into_iter()
            .map(|a| ApartmentJson {
                id: a.id,
                name: a.name,
                town: a.town,
                address: a.address,
                service_point: a.service_point,
                managing_org: a.managing_org,
                residents: a.residents.into_iter().map(|(_, n)| n).collect(),
                activities: a
                    .activities
                    .into_iter()
                    .map(|v| ApartmentActivityJson {
                        id: v.id,
                        kind: v.kind.code().to_owned(),
                        subject: v.subject,
                        held_on: date(v.held_on),
                        place: v.place,
                        headcount: v.headcount,
                    })
                    .collect(),
                is_demo: a.is_demo,
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct OpinionJson {
    org: String,
    asked_on: String,
    opinion: String,
    /// Null while the organisation has not answered
    answered_on: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SelectionJson {
    id: i64,
    /// Code: leading | top_notch | innovator (领军人才 / 拔尖人才 / 双创英才)
    kind: String,
    kind_label: String,
    year: i32,
    /// The candidate's name, masked
    candidate: String,
    enterprise: String,
    town: String,
    /// Code: consulting | selected | not_selected
    state: String,
    state_label: String,
    decided_on: Option<String>,
    opinions: Vec<OpinionJson>,
    is_demo: bool,
}

/// The talent selections the token owner sees, with the opinions asked and given.
#[utoipa::path(get, path = "/api/v1/talent/selections", responses((status = 200, body = Vec<SelectionJson>)), security(("bearer" = [])))]
async fn selections(State(state): State<AppState>, ApiCaller(caller): ApiCaller) -> ApiResult<Vec<SelectionJson>> {
    reading(&caller)?;
    let rows = state.store.bodies().selections(&caller).await?;
    Ok(Json(
        rows.into_iter()
            .map(|s| SelectionJson {
                id: s.id,
                kind: s.kind.code().to_owned(),
                kind_label: s.kind.label().to_owned(),
                year: s.year,
                candidate: mask_name(&s.candidate),
                enterprise: s.enterprise,
                town: s.town,
                state: s.state.code().to_owned(),
                state_label: s.state.label().to_owned(),
                decided_on: s.decided_on.map(date),
                opinions: s
                    .opinions
                    .into_iter()
                    .map(|o| OpinionJson {
                        org: o.org,
                        asked_on: date(o.asked_on),
                        opinion: o.opinion,
                        answered_on: o.answered_on.map(date),
                    })
                    .collect(),
                is_demo: s.is_demo,
            })
            .collect(),
    ))
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/villages/heads", get(heads))
        .route("/villages/heads/{id}/actions", get(head_actions))
        .route("/villages/overdue", get(tracker))
        .route("/talent/apartments", get(apartments))
        .route("/talent/selections", get(selections))
}

#[derive(OpenApi)]
#[openapi(paths(heads, head_actions, tracker, apartments, selections))]
pub struct Doc;
