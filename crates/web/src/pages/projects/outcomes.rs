//! After the award: a project's yearly outcome reports (filed with evidence by the applicant,
//! checked by the 组织部 officer) against its targets, the support granted with links to
//! its records, the project's story; the overdue reports; the outcomes as .xlsx.

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use qunlian_domain::auth::Action;
use qunlian_domain::codes::Labelled;
use qunlian_domain::projects::{ApplicationState, RawOutcome, SupportKind, TargetCheck, parse_due};
use qunlian_store::policies::{PolicyFilter, Validity};
use qunlian_store::projects::{OutcomeReport, OverdueReport, Round, StoryLine, SupportRow};
use serde::Deserialize;

use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;

use super::refusal;
use crate::support::format::{date, text};
use crate::support::forms::{Choice, non_empty, parsed};
use crate::support::render_form;
use crate::support::upload::{ATTACHMENT_LIMIT, FORM_OVERHEAD};

const ACTIVE: &str = "/projects";
/// Evidence files in one report form.
const MAX_FILES: usize = 10;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/projects/applications/{id}/outcomes",
            get(page)
                .post(file)
                .layer(axum::extract::DefaultBodyLimit::max(MAX_FILES * ATTACHMENT_LIMIT + FORM_OVERHEAD)),
        )
        .route("/projects/applications/{id}/outcomes/files/{fid}", get(evidence))
        .route("/projects/applications/{id}/outcomes/{oid}/check", post(check))
        .route("/projects/applications/{id}/support", post(grant))
        .route("/projects/outcomes/overdue", get(overdue))
        .route("/projects/outcomes/due", post(set_due))
        .route("/projects/export/outcomes.xlsx", get(export))
}

fn number(v: Option<f64>) -> String {
    v.map(|v| if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v}") }).unwrap_or_else(|| "—".into())
}

/// A report as the page shows it.
pub struct ReportView {
    pub r: OutcomeReport,
    pub output: String,
    pub market_share: String,
    pub yield_rate: String,
    pub labour_saved: String,
    pub members: String,
}

impl From<OutcomeReport> for ReportView {
    fn from(r: OutcomeReport) -> ReportView {
        let f = &r.fields;
        ReportView {
            output: number(f.output),
            market_share: number(f.market_share),
            yield_rate: number(f.yield_rate),
            labour_saved: number(f.labour_saved.map(f64::from)),
            members: if f.members.is_empty() { "—".into() } else { f.members.join("、") },
            r,
        }
    }
}

pub struct CheckView {
    pub c: TargetCheck,
    pub achieved: String,
}

#[derive(Template)]
#[template(path = "projects/outcomes.html")]
struct OutcomesPage {
    layout: Layout,
    id: i64,
    title: String,
    state: ApplicationState,
    is_demo: bool,
    checks: Vec<CheckView>,
    reports: Vec<ReportView>,
    due: String,
    support: Vec<SupportRow>,
    story: Vec<StoryLine>,
    may_file: bool,
    may_manage: bool,
    may_support: bool,
    policies: Vec<Choice>,
    kinds: &'static [SupportKind],
    /// The report form's values: blank, or what was typed when it was refused.
    draft: RawOutcome,
    error: Option<String>,
}

pub async fn page(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    auth.require(Action::ReadProjects)?;
    outcomes_page(&state, &auth, id, RawOutcome::default(), None).await
}

/// The outcomes page, its report form blank or shown again (422) with what was typed and
/// why it was refused.
async fn outcomes_page(state: &AppState, auth: &Auth, id: i64, draft: RawOutcome, error: Option<String>) -> PageResult {
    let p = state.store.projects();
    let app = p.application(&auth.caller, id).await?;
    let outcomes = p.outcomes(&auth.caller, id).await?;
    let may_manage = auth.caller.may(Action::ManageProjects);
    let may_support = may_manage
        && (app.row.state.tier().is_some()
            || matches!(app.row.state, ApplicationState::Implementing | ApplicationState::Closed));
    let policies = if may_support {
        let valid = PolicyFilter { validity: Some(Validity::Valid), ..Default::default() };
        state
            .store
            .policies()
            .list(&auth.caller, &valid)
            .await?
            .into_iter()
            .map(|p| Choice { value: p.id.to_string(), label: p.title, selected: false })
            .collect()
    } else {
        Vec::new()
    };
    let refused = error.is_some();
    let page = OutcomesPage {
        layout: Layout::new(auth, state, ACTIVE),
        id,
        title: app.row.title.clone(),
        state: app.row.state,
        is_demo: app.row.is_demo,
        checks: outcomes.checks.into_iter().map(|c| CheckView { achieved: number(c.achieved), c }).collect(),
        reports: outcomes.reports.into_iter().map(ReportView::from).collect(),
        due: format!("次年 {} 月 {} 日", outcomes.due.0, outcomes.due.1),
        support: p.support(&auth.caller, id).await?,
        story: p.story(&auth.caller, id).await?,
        may_file: auth.caller.may(Action::ApplyProjects) && app.row.state == ApplicationState::Implementing,
        may_manage,
        may_support,
        policies,
        kinds: SupportKind::all(),
        draft,
        error,
    };
    render_form(&page, refused)
}

/// The report form: its text fields and up to [`MAX_FILES`] evidence files (`files`).
pub async fn file(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, mut form: Multipart) -> PageResult {
    auth.require(Action::ApplyProjects)?;
    let mut raw = RawOutcome::default();
    let mut files = Vec::new();
    let mut too_many = false;
    let refused = |_| WebError::Invalid("上传失败：表单没有完整传到服务器，请重新提交".into());
    while let Some(field) = form.next_field().await.map_err(refused)? {
        let name = field.name().unwrap_or("").to_owned();
        if name == "files" {
            let file_name = field.file_name().unwrap_or("佐证材料").chars().take(200).collect::<String>();
            let bytes = field.bytes().await.map_err(refused)?;
            if bytes.is_empty() {
                continue;
            }
            if files.len() < MAX_FILES {
                files.push((file_name, bytes.to_vec()));
            } else {
                too_many = true;
            }
            continue;
        }
        let value = field.text().await.map_err(refused)?;
        let slot = match name.as_str() {
            "year" => &mut raw.year,
            "patents" => &mut raw.patents,
            "output" => &mut raw.output,
            "market_share" => &mut raw.market_share,
            "yield_rate" => &mut raw.yield_rate,
            "labour_saved" => &mut raw.labour_saved,
            "members" => &mut raw.members,
            "note" => &mut raw.note,
            _ => continue,
        };
        *slot = value;
    }
    let done = if too_many {
        Err(WebError::Invalid(format!("佐证材料：一次最多上传 {MAX_FILES} 个文件")))
    } else {
        state.store.projects().file_outcome(&auth.caller, id, &raw, files, false).await.map_err(WebError::from)
    };
    match refusal(done)? {
        Ok(_) => Ok(Redirect::to(&format!("/projects/applications/{id}/outcomes#reports")).into_response()),
        Err(m) => outcomes_page(&state, &auth, id, raw, Some(m)).await,
    }
}

pub async fn evidence(State(state): State<AppState>, auth: Auth, Path((id, fid)): Path<(i64, i64)>) -> PageResult {
    auth.require(Action::ReadProjects)?;
    let (info, bytes) = state.store.projects().evidence(&auth.caller, id, fid).await?;
    Ok(crate::support::file_download(info.content_type, &info.file_name, bytes))
}

#[derive(Deserialize)]
pub struct CheckForm {
    verdict: Option<String>,
    note: Option<String>,
}

pub async fn check(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, oid)): Path<(i64, i64)>,
    Form(f): Form<CheckForm>,
) -> PageResult {
    auth.require(Action::ManageProjects)?;
    let accept = match non_empty(&f.verdict) {
        Some("accept") => true,
        Some("return") => false,
        _ => return Err(WebError::Invalid("核实结论：请选择核实或退回补充".into())),
    };
    state.store.projects().check_outcome(&auth.caller, oid, accept, f.note.as_deref().unwrap_or("")).await?;
    Ok(Redirect::to(&format!("/projects/applications/{id}/outcomes#reports")).into_response())
}

#[derive(Deserialize)]
pub struct SupportForm {
    kind: Option<String>,
    policy: Option<String>,
    request: Option<String>,
    description: Option<String>,
}

pub async fn grant(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<SupportForm>,
) -> PageResult {
    auth.require(Action::ManageProjects)?;
    let kind = parsed(SupportKind::parse(non_empty(&f.kind).unwrap_or("")))?;
    let record = match kind {
        SupportKind::Policy => crate::support::forms::id_param("政策", &f.policy)?,
        SupportKind::FastLane => crate::support::forms::id_param("服务工单", &f.request)?,
        SupportKind::PartyResource => None,
    };
    let description = f.description.as_deref().unwrap_or("");
    state.store.projects().grant_support(&auth.caller, id, kind, record, description, false).await?;
    Ok(Redirect::to(&format!("/projects/applications/{id}/outcomes#support")).into_response())
}

#[derive(Template)]
#[template(path = "projects/outcomes_overdue.html")]
struct OverduePage {
    layout: Layout,
    rows: Vec<OverdueReport>,
    rounds: Vec<Round>,
    /// A refused deadline ("due"), shown again as it was typed.
    refused: crate::support::forms::Refusal,
}

impl OverduePage {
    /// The rounds as options, the one a refused form chose selected.
    fn round_choices(&self) -> Vec<Choice> {
        Choice::list(self.rounds.iter().map(|r| (r.id, &r.name)), self.refused.typed("due", "round", ""))
    }
}

pub async fn overdue(State(state): State<AppState>, auth: Auth) -> PageResult {
    overdue_page(&state, &auth, Default::default()).await
}

/// The overdue reports and the deadline form; with a refused deadline, 422 and the form as
/// it was typed.
async fn overdue_page(state: &AppState, auth: &Auth, refused: crate::support::forms::Refusal) -> PageResult {
    auth.require(Action::ManageProjects)?;
    let p = state.store.projects();
    let was_refused = refused.is_some();
    let page = OverduePage {
        layout: Layout::new(auth, state, ACTIVE),
        rows: p.overdue_reports(&auth.caller).await?,
        rounds: p.rounds(&auth.caller).await?,
        refused,
    };
    render_form(&page, was_refused)
}

#[derive(Deserialize)]
pub struct DueForm {
    round: Option<String>,
    due: Option<String>,
}

/// A round's deadline for the next year's reports; a refusal is the overdue page again with
/// the reason and what was typed by the form.
pub async fn set_due(State(state): State<AppState>, auth: Auth, typed: crate::support::forms::Pairs) -> PageResult {
    auth.require(Action::ManageProjects)?;
    let saved = async {
        let f: DueForm = typed.parse()?;
        let round = crate::support::forms::id_param("申报批次", &f.round)?
            .ok_or_else(|| WebError::Invalid("申报批次：请选择批次".into()))?;
        let due = parse_due(f.due.as_deref().unwrap_or("")).map_err(WebError::Invalid)?;
        state.store.projects().set_report_due(&auth.caller, round, due).await?;
        Ok("/projects/outcomes/overdue".to_owned())
    }
    .await;
    let again = |msg| overdue_page(&state, &auth, crate::support::forms::Refusal::of("due", msg, typed));
    crate::support::saved_or_again(saved, again).await
}

pub async fn export(State(state): State<AppState>, auth: Auth) -> PageResult {
    auth.require(Action::ReadProjects)?;
    let rows = state.store.projects().outcome_export(&auth.caller).await?;
    let num = |v: Option<f64>| v.map(qunlian_io::xlsx::Cell::Num).unwrap_or(qunlian_io::xlsx::Cell::Empty);
    let cells = rows
        .into_iter()
        .map(|(a, r)| {
            let f = &r.fields;
            vec![
                text(a.title.clone()),
                text(a.org_name.clone()),
                qunlian_io::xlsx::Cell::Int(i64::from(f.year)),
                text(r.state.label()),
                qunlian_io::xlsx::Cell::Int(f.patents.len() as i64),
                text(
                    f.patents
                        .iter()
                        .map(|p| format!("{} {} {}", p.number, p.title, p.date))
                        .collect::<Vec<_>>()
                        .join("\n"),
                ),
                num(f.output),
                num(f.market_share),
                num(f.yield_rate),
                num(f.labour_saved.map(f64::from)),
                text(f.members.join("、")),
                text(r.files.iter().map(|x| x.file_name.clone()).collect::<Vec<_>>().join("、")),
                date(Some(r.filed_at.date())),
                text(r.check_note.clone().unwrap_or_default()),
            ]
        })
        .collect();
    let columns = [
        ("项目名称", 30.0),
        ("申报组织", 24.0),
        ("年度", 8.0),
        ("状态", 10.0),
        ("专利（件）", 10.0),
        ("专利清单", 40.0),
        ("产值（万元）", 12.0),
        ("市场占有率提升（%）", 12.0),
        ("良品率（%）", 10.0),
        ("节省人工（人）", 10.0),
        ("参与党员", 20.0),
        ("佐证材料", 24.0),
        ("报送日期", 12.0),
        ("核实意见", 20.0),
    ];
    // Audited as every list export is (send_list).
    crate::support::xlsx::send_list(&state, &auth, "深度融合项目成果", &columns, cells).await
}
