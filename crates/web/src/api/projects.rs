//! `/api/v1/projects`: the applications of a round of integration projects and one
//! application with its goals and history, filtered by the token owner's scope exactly as
//! the pages are (a branch its own, a cluster secretary its cluster's, the district all).
//! Reviewers' names and scores are never part of these answers.

use super::*;

#[derive(serde::Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProjectsParams {
    /// Round id; the latest round when left out
    round: Option<i64>,
    /// Only applications in this state: draft | submitted | recommended | not_recommended | under_review | concept_accepted | demonstration | excellent | selected | not_selected | implementing | closed | withdrawn
    #[param(
        pattern = r"^(draft|submitted|recommended|not_recommended|under_review|concept_accepted|demonstration|excellent|selected|not_selected|implementing|closed|withdrawn)$"
    )]
    state: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RoundJson {
    id: i64,
    year: i32,
    name: String,
    /// not_open | filing | recommending | reviewing | publicity | objections | finished
    phase: String,
    two_stage: bool,
    subjects: Vec<String>,
    directions: Vec<String>,
    carrier_kinds: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ApplicationSummaryJson {
    id: i64,
    round_id: i64,
    title: String,
    org_id: i64,
    org: String,
    subject: String,
    direction: String,
    /// 揭榜挂帅
    open_call: bool,
    /// Code, e.g. under_review
    state: String,
    /// Label, e.g. 评审中
    state_label: String,
    /// The cluster committee's rank of the recommended application
    cluster_rank: Option<i32>,
    submitted_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ProjectsJson {
    /// The round listed; null when there is none
    round: Option<RoundJson>,
    items: Vec<ApplicationSummaryJson>,
}

#[derive(Serialize, ToSchema)]
pub struct TargetJson {
    metric: String,
    target: f64,
}

#[derive(Serialize, ToSchema)]
pub struct EventJson {
    at: String,
    action: String,
    from: String,
    to: String,
    note: String,
}

#[derive(Serialize, ToSchema)]
pub struct ApplicationJson {
    #[serde(flatten)]
    summary: ApplicationSummaryJson,
    units: Vec<String>,
    /// Carrier name, kind and lead
    carrier: Option<CarrierJson>,
    lead_name: String,
    participants: String,
    summary_text: String,
    budget_yuan: Option<i64>,
    support_asked: String,
    targets: Vec<TargetJson>,
    return_reason: Option<String>,
    decision_note: Option<String>,
    history: Vec<EventJson>,
}

#[derive(Serialize, ToSchema)]
pub struct CarrierJson {
    kind: String,
    name: String,
    lead: String,
}

fn summary_json(a: qunlian_store::projects::ApplicationRow) -> ApplicationSummaryJson {
    ApplicationSummaryJson {
        id: a.id,
        round_id: a.round_id,
        title: a.title,
        org_id: a.org_id,
        org: a.org_name,
        subject: a.subject,
        direction: a.direction,
        open_call: a.open_call,
        state: a.state.code().to_owned(),
        state_label: a.state.label().to_owned(),
        cluster_rank: a.cluster_rank,
        submitted_at: a.submitted_at.map(|t| t.format("%Y-%m-%d %H:%M").to_string()),
    }
}

/// The applications of a round the token owner may see, in the cluster's order.
#[utoipa::path(get, path = "/api/v1/projects", params(ProjectsParams), responses((status = 200, body = ProjectsJson), (status = 422)), security(("bearer" = [])))]
async fn projects(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(p): Query<ProjectsParams>,
) -> ApiResult<ProjectsJson> {
    use qunlian_domain::auth::Action;
    use qunlian_domain::projects::ApplicationState;
    if !caller.may(Action::ReadProjects) {
        return Err(WebError::Forbidden.into());
    }
    let filter = p
        .state
        .as_deref()
        .map(|s| {
            ApplicationState::from_code(s)
                .map_err(|_| WebError::Invalid(format!("参数 state：“{s}”不是申报状态的代码")))
        })
        .transpose()?;
    let store = state.store.projects();
    let round = match p.round {
        Some(id) => Some(store.round(&caller, id).await?),
        None => store.rounds(&caller).await?.into_iter().next(),
    };
    let Some(round) = round else { return Ok(Json(ProjectsJson { round: None, items: Vec::new() })) };
    let items = store.applications(&caller, round.id, filter).await?.into_iter().map(summary_json).collect();
    Ok(Json(ProjectsJson {
        round: Some(RoundJson {
            id: round.id,
            year: round.year,
            name: round.name,
            phase: round.phase.code().to_owned(),
            two_stage: round.two_stage,
            subjects: round.subjects,
            directions: round.directions,
            carrier_kinds: round.carrier_kinds,
        }),
        items,
    }))
}

/// One application in the token owner's scope, with what its applicant entered and its history.
#[utoipa::path(get, path = "/api/v1/projects/{id}", params(("id" = i64, Path)), responses((status = 200, body = ApplicationJson), (status = 404)), security(("bearer" = [])))]
async fn project(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
) -> ApiResult<ApplicationJson> {
    let a = state.store.projects().application(&caller, id).await?;
    Ok(Json(ApplicationJson {
        summary: summary_json(a.row),
        units: a.units.into_iter().map(|(_, n)| n).collect(),
        carrier: a.carrier.map(|(kind, name, lead)| CarrierJson { kind, name, lead }),
        lead_name: a.lead_name,
        participants: a.participants,
        summary_text: a.summary,
        budget_yuan: a.budget_yuan,
        support_asked: a.support_asked,
        targets: a.targets.into_iter().map(|(metric, target)| TargetJson { metric, target }).collect(),
        return_reason: a.return_reason,
        decision_note: a.decision_note,
        history: a
            .events
            .into_iter()
            .map(|e| EventJson {
                at: e.at.format("%Y-%m-%d %H:%M").to_string(),
                action: e.action,
                from: e.from.code().to_owned(),
                to: e.to.code().to_owned(),
                note: e.note,
            })
            .collect(),
    }))
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/projects", get(projects)).route("/projects/{id}", get(project))
}

#[derive(OpenApi)]
#[openapi(paths(projects, project))]
pub struct Doc;
