//! `/api/v1/alliances/{id}/issues`: an alliance's issue log (问题协商) and its figures,
//! filtered by the token owner's scope exactly as the pages are (docs/bodies.md).

use super::*;

#[derive(serde::Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IssuesParams {
    /// open (待交办 and 办理中) | resolved | declined | assigned; all when left out
    #[param(pattern = r"^(open|assigned|resolved|declined)?$")]
    state: Option<String>,
    /// An owner department's unit id, or `none` for issues not yet given to one
    #[param(pattern = r"^([0-9]{1,18}|none)?$")]
    owner: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct IssueJson {
    id: i64,
    title: String,
    detail: String,
    raised_by: String,
    raised_on: String,
    owner_id: Option<i64>,
    owner: Option<String>,
    /// Code: open | assigned | resolved | declined
    state: String,
    /// Label, e.g. 办理中
    state_label: String,
    due_on: Option<String>,
    resolved_on: Option<String>,
    answer: String,
    /// Calendar days from raised to solved, once solved
    days: Option<i64>,
    overdue: bool,
}

#[derive(Serialize, ToSchema)]
pub struct OwnerOpenJson {
    /// The department's unit id; null for 未交办
    owner_id: Option<i64>,
    name: String,
    count: usize,
}

#[derive(Serialize, ToSchema)]
pub struct IssueFiguresJson {
    resolved: usize,
    /// Median calendar days from raised to solved
    median_days: Option<f64>,
    /// Median working days (services calendar)
    median_working_days: Option<f64>,
    open: usize,
    open_by_owner: Vec<OwnerOpenJson>,
}

#[derive(Serialize, ToSchema)]
pub struct IssuesJson {
    alliance_id: i64,
    figures: IssueFiguresJson,
    items: Vec<IssueJson>,
}

/// The issues of an alliance the token owner sees, the latest raised first, with the figures.
#[utoipa::path(get, path = "/api/v1/alliances/{id}/issues", params(("id" = i64, Path), IssuesParams), responses((status = 200, body = IssuesJson), (status = 404), (status = 422)), security(("bearer" = [])))]
async fn issues(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
    Query(p): Query<IssuesParams>,
) -> ApiResult<IssuesJson> {
    use qunlian_domain::auth::Action;
    use qunlian_domain::bodies::IssueState;
    use qunlian_store::bodies::{IssueFilter, OwnerFilter};
    if !caller.may(Action::ReadRegistry) {
        return Err(WebError::Forbidden.into());
    }
    // Exactly as the patterns write them: no trimming, digits only.
    let states = match p.state.as_deref().unwrap_or("") {
        "" => vec![],
        "open" => vec![IssueState::Open, IssueState::Assigned],
        s => vec![IssueState::from_code(s).map_err(|_| {
            WebError::Invalid(format!(
                "参数 state：“{}”不是问题状态的代码，应为 open、assigned、resolved、declined 之一",
                qunlian_domain::limits::echo(s)
            ))
        })?],
    };
    let owner = match p.owner.as_deref().unwrap_or("") {
        "" => OwnerFilter::Any,
        "none" => OwnerFilter::Unassigned,
        s => OwnerFilter::Unit(
            s.parse().ok().filter(|_| s.len() <= 18 && s.bytes().all(|b| b.is_ascii_digit())).ok_or_else(|| {
                WebError::Invalid(format!("参数 owner：“{}”不是单位编号", qunlian_domain::limits::echo(s)))
            })?,
        ),
    };
    let b = state.store.bodies();
    let f = b.issue_figures(&caller, id).await?;
    let date = |d: chrono::NaiveDate| d.to_string();
    let items = b
        .issues(&caller, id, &IssueFilter { states, owner })
        .await?
        .into_iter()
        .map(|r| IssueJson {
            id: r.id,
            title: r.title,
            detail: r.detail,
            raised_by: r.raised_by,
            raised_on: date(r.raised_on),
            owner_id: r.owner_id,
            owner: r.owner,
            state: r.state.code().to_owned(),
            state_label: r.state.label().to_owned(),
            due_on: r.due_on.map(date),
            resolved_on: r.resolved_on.map(date),
            answer: r.answer,
            days: r.days,
            overdue: r.overdue,
        })
        .collect();
    Ok(Json(IssuesJson {
        alliance_id: id,
        figures: IssueFiguresJson {
            resolved: f.resolved,
            median_days: f.median_days,
            median_working_days: f.median_working_days,
            open: f.open,
            open_by_owner: f
                .open_by_owner
                .into_iter()
                .map(|o| OwnerOpenJson {
                    owner_id: match o.owner {
                        OwnerFilter::Unit(u) => Some(u),
                        _ => None,
                    },
                    name: o.name,
                    count: o.count,
                })
                .collect(),
        },
        items,
    }))
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/alliances/{id}/issues", get(issues))
}

#[derive(OpenApi)]
#[openapi(paths(issues))]
pub struct Doc;
