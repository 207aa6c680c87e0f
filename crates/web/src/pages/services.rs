//! Enterprise services (红色店小二 / 直通车): the request list in four colours, filing a
//! request, handling it step by step, the catalogue with its import, the working-day
//! calendar, the report whose every figure opens the requests it counts, and the signed
//! rating link an enterprise opens without logging in.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, Uri, header};
use axum::response::{Html, IntoResponse, Redirect};
use qunlian_domain::auth::{Action, Scope, UnitId};
use qunlian_domain::services::{Colour, TimeLimit};
use qunlian_io::xlsx::Cell;
use qunlian_store::services::{
    CalendarYear, CatalogueImport, NewServiceItem, NewServiceRequest, RateOutcome, RatingView, ReportRow, RequestStep,
    ServiceFilter, ServiceItem, ServiceReport, ServiceRequest, ServiceRequestDetail,
};
use serde::Deserialize;
use tower_sessions::Session;

use super::lists::{send, text};
use super::{non_empty, render};
use crate::auth::{Auth, Layout, csrf_token};
use crate::error::{PageResult, WebError};
use crate::state::AppState;

/// Rows a list page shows; the total above it counts them all.
const SHOWN: usize = 500;

fn may_read(auth: &Auth) -> Result<(), WebError> {
    if auth.caller.may(Action::ReadRegistry) || auth.caller.may(Action::HandleServiceRequest) {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

fn colour_of(code: &str) -> Option<Colour> {
    [Colour::Green, Colour::Blue, Colour::Yellow, Colour::Red].into_iter().find(|c| c.code() == code)
}

fn days(minutes: i64) -> String {
    format!("{:.1}", minutes as f64 / 420.0)
}

/// How much time is left, in the unit of the limit.
pub fn remaining(r: &ServiceRequest) -> String {
    let m = r.clock.remaining_minutes;
    let (n, unit) = match r.limit {
        TimeLimit::WorkingHours(_) => (format!("{:.1}", m.abs() as f64 / 60.0), "个工作小时"),
        TimeLimit::WorkingDays(_) => (days(m.abs()), "个工作日"),
    };
    if m < 0 { format!("已超期 {n}{unit}") } else { format!("剩余 {n}{unit}") }
}

// ---------- the list ----------

#[derive(Deserialize, Default, Clone)]
pub struct ListQuery {
    state: Option<String>,
    colour: Option<String>,
    department: Option<String>,
    item: Option<String>,
    escalated: Option<String>,
    on_time: Option<String>,
    rated: Option<String>,
}

fn id_param(field: &str, v: &Option<String>) -> Result<Option<i64>, WebError> {
    non_empty(v).map(|s| s.parse::<i64>().map_err(|_| WebError::Invalid(format!("{field}：“{s}”不是编号")))).transpose()
}

impl ListQuery {
    fn filter(&self) -> Result<ServiceFilter, WebError> {
        let colour = match non_empty(&self.colour) {
            Some(c) => Some(
                colour_of(c).ok_or_else(|| WebError::Invalid(format!("颜色：“{c}”应为 green、blue、yellow 或 red")))?,
            ),
            None => None,
        };
        Ok(ServiceFilter {
            state: non_empty(&self.state).map(str::to_owned),
            colour,
            department: id_param("部门", &self.department)?,
            item: id_param("事项", &self.item)?,
            escalated: non_empty(&self.escalated).is_some(),
            on_time: non_empty(&self.on_time).map(|v| v == "1"),
            rated: non_empty(&self.rated).is_some(),
        })
    }
    pub fn state_is(&self, s: &str) -> bool {
        non_empty(&self.state).unwrap_or("") == s
    }
    pub fn colour_is(&self, s: &str) -> bool {
        non_empty(&self.colour).unwrap_or("") == s
    }
    pub fn is_escalated(&self) -> bool {
        non_empty(&self.escalated).is_some()
    }
    pub fn department_value(&self) -> &str {
        non_empty(&self.department).unwrap_or("")
    }
    pub fn item_value(&self) -> &str {
        non_empty(&self.item).unwrap_or("")
    }
    pub fn on_time_value(&self) -> &str {
        non_empty(&self.on_time).unwrap_or("")
    }
    pub fn rated_value(&self) -> &str {
        non_empty(&self.rated).unwrap_or("")
    }
}

#[derive(Template)]
#[template(path = "services.html")]
struct ListPage {
    layout: Layout,
    query: ListQuery,
    rows: Vec<ServiceRequest>,
    total: usize,
    counts: [(&'static str, &'static str, usize); 4],
    drill: Option<String>,
    may_file: bool,
    may_escalation: bool,
}

impl ListPage {
    fn remaining(&self, r: &ServiceRequest) -> String {
        remaining(r)
    }
}

pub async fn list(State(state): State<AppState>, auth: Auth, Query(q): Query<ListQuery>) -> PageResult {
    may_read(&auth)?;
    let filter = q.filter()?;
    let mut rows = state.store.services().requests_filtered(&auth.caller, &filter).await?;
    let total = rows.len();
    let count = |c: Colour| rows.iter().filter(|r| r.clock.colour == c).count();
    let counts = [Colour::Green, Colour::Blue, Colour::Yellow, Colour::Red].map(|c| (c.code(), c.label(), count(c)));
    // A drill-down from the report says what it is narrowed to.
    let mut drill = Vec::new();
    if let Some(r) = rows.first() {
        if filter.department.is_some() {
            drill.push(format!("部门：{}", r.department));
        }
        if filter.item.is_some() {
            drill.push(format!("事项：{}", r.item_name));
        }
    }
    match filter.on_time {
        Some(true) => drill.push("按时办结".into()),
        Some(false) => drill.push("超时办结".into()),
        None => {}
    }
    if filter.rated {
        drill.push("已评价".into());
    }
    rows.truncate(SHOWN);
    render(&ListPage {
        layout: Layout::new(&auth, &state, "/services"),
        query: q,
        rows,
        total,
        counts,
        drill: (!drill.is_empty()).then(|| drill.join("，")),
        may_file: auth.caller.may(Action::FileServiceRequest),
        may_escalation: auth.caller.may(Action::SuperviseOverdue),
    })
}

// ---------- filing ----------

#[derive(Template)]
#[template(path = "service_new.html")]
struct NewPage {
    may_file: bool,
    layout: Layout,
    items: Vec<ServiceItem>,
    enterprises: Vec<(i64, String)>,
    q: String,
    single: bool,
    item_param: String,
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    q: Option<String>,
    item: Option<String>,
}

pub async fn new_form(State(state): State<AppState>, auth: Auth, Query(q): Query<NewQuery>) -> PageResult {
    auth.require(Action::FileServiceRequest)?;
    let enterprises = state.store.services().enterprises(&auth.caller, non_empty(&q.q), 200).await?;
    render(&NewPage {
        may_file: true,
        layout: Layout::new(&auth, &state, "/services"),
        items: state.store.services().items(&auth.caller).await?,
        single: matches!(auth.caller.scope, Scope::Enterprise(_)),
        enterprises,
        q: non_empty(&q.q).unwrap_or("").to_owned(),
        item_param: non_empty(&q.item).unwrap_or("").to_owned(),
    })
}

#[derive(Deserialize)]
pub struct NewForm {
    item_id: Option<String>,
    unit_id: Option<String>,
    title: Option<String>,
    detail: Option<String>,
}

pub async fn create(State(state): State<AppState>, auth: Auth, Form(f): Form<NewForm>) -> PageResult {
    auth.require(Action::FileServiceRequest)?;
    let item_id =
        id_param("服务事项", &f.item_id)?.ok_or_else(|| WebError::Invalid("服务事项：请从目录中选择".into()))?;
    let unit = id_param("企业", &f.unit_id)?.ok_or_else(|| WebError::Invalid("企业：请选择".into()))?;
    let id = state
        .store
        .services()
        .file_request(
            &auth.caller,
            NewServiceRequest {
                item_id,
                unit: UnitId(unit),
                title: non_empty(&f.title).unwrap_or("").to_owned(),
                detail: non_empty(&f.detail).unwrap_or("").to_owned(),
                is_demo: false,
            },
        )
        .await?;
    Ok(Redirect::to(&format!("/services/{id}")).into_response())
}

// ---------- one request ----------

#[derive(Template)]
#[template(path = "service.html")]
struct DetailPage {
    may_file: bool,
    layout: Layout,
    d: ServiceRequestDetail,
    r: ServiceRequest,
    may_handle: bool,
    departments: Vec<(i64, String)>,
    rating_link: Option<String>,
    elapsed: String,
    remaining: String,
    attachments: Vec<qunlian_store::services::Attachment>,
    may_attach: bool,
}

/// Scheme and host of the links sent outside (the rating link): the configured public
/// address, else the one this page was requested at — its Host (or HTTP/2 authority), and
/// the scheme a proxy in front says (`X-Forwarded-Proto`), else https when cookies are
/// marked secure. Only host characters are taken from the request.
fn public_base(state: &AppState, headers: &HeaderMap, uri: &Uri) -> String {
    if let Some(url) = &state.config.public_url {
        return url.clone();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| uri.authority().map(|a| a.as_str()))
        .filter(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c)));
    let Some(host) = host else { return String::new() };
    let forwarded = headers.get("x-forwarded-proto").and_then(|p| p.to_str().ok());
    let scheme = match forwarded {
        Some(p @ ("http" | "https")) => p,
        _ if state.config.secure_cookies => "https",
        _ => "http",
    };
    format!("{scheme}://{host}")
}

pub async fn detail(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    headers: HeaderMap,
    uri: Uri,
) -> PageResult {
    may_read(&auth)?;
    let d = state.store.services().request(&auth.caller, id).await?;
    let r = &d.request;
    let holds = match &auth.caller.scope {
        Scope::Department(u) => u.0 == r.department_id,
        _ => true,
    };
    let open = r.state.is_running();
    let may_handle = auth.caller.may(Action::HandleServiceRequest) && holds && open;
    let departments = if may_handle {
        state.store.services().departments().await?.into_iter().filter(|(i, _)| *i != r.department_id).collect()
    } else {
        Vec::new()
    };
    let rating_link = r.state.is_done().then(|| {
        format!("{}/rate/{}/{}", public_base(&state, &headers, &uri), r.id, state.store.services().rating_token(r.id))
    });
    let attachments = state.store.services().attachments(&auth.caller, id).await?;
    let may_attach = auth.caller.may(Action::FileServiceRequest) || auth.caller.may(Action::HandleServiceRequest);
    render(&DetailPage {
        attachments,
        may_attach,
        may_file: auth.caller.may(Action::FileServiceRequest),
        layout: Layout::new(&auth, &state, "/services"),
        elapsed: days(r.clock.elapsed_minutes),
        remaining: remaining(r),
        may_handle,
        departments,
        rating_link,
        r: d.request.clone(),
        d,
    })
}

#[derive(Deserialize)]
pub struct StepForm {
    action: String,
    text: Option<String>,
    stage: Option<String>,
    department_id: Option<String>,
}

pub async fn step(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<StepForm>,
) -> PageResult {
    auth.require(Action::HandleServiceRequest)?;
    let text = non_empty(&f.text).unwrap_or("").to_owned();
    let stage = non_empty(&f.stage).unwrap_or("").to_owned();
    let step = match f.action.as_str() {
        "assign" => RequestStep::Assign(text),
        "start" => RequestStep::StartStage(stage),
        "finish_stage" => RequestStep::FinishStage(stage),
        "pause" => RequestStep::Pause(text),
        "resume" => RequestStep::Resume(text),
        "transfer" => RequestStep::Transfer {
            department_id: id_param("转办部门", &f.department_id)?
                .ok_or_else(|| WebError::Invalid("转办部门：请选择".into()))?,
            reason: text,
        },
        "comment" => RequestStep::Comment(text),
        "finish" => RequestStep::Finish(text),
        "reject" => RequestStep::Reject(text),
        other => return Err(WebError::Invalid(format!("未知的操作“{other}”"))),
    };
    state.store.services().step(&auth.caller, id, step).await?;
    Ok(Redirect::to(&format!("/services/{id}")).into_response())
}

/// Adds the uploaded file to the request; the page shows it in the list.
pub async fn add_attachment(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> PageResult {
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart.next_field().await.map_err(|e| WebError::Invalid(format!("上传失败：{e}")))?
    {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("附件").to_owned();
            let bytes = field.bytes().await.map_err(|e| WebError::Invalid(format!("上传失败：{e}")))?;
            file = Some((name, bytes.to_vec()));
        }
    }
    let (name, bytes) = file.ok_or_else(|| WebError::Invalid("附件：请选择文件".into()))?;
    state.store.services().add_attachment(&auth.caller, id, &name, bytes).await?;
    Ok(Redirect::to(&format!("/services/{id}#attachments")).into_response())
}

pub async fn attachment(State(state): State<AppState>, auth: Auth, Path((id, aid)): Path<(i64, i64)>) -> PageResult {
    may_read(&auth)?;
    let (info, bytes) = state.store.services().attachment(&auth.caller, id, aid).await?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, info.content_type),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"file\"; filename*=UTF-8''{}",
                    super::enterprises::percent(&info.file_name)
                ),
            ),
            (axum::http::header::HeaderName::from_static("x-content-type-options"), "nosniff".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

// ---------- catalogue ----------

pub struct DeptItems {
    pub department: String,
    pub items: Vec<ServiceItem>,
}

#[derive(Template)]
#[template(path = "services_catalogue.html")]
struct CataloguePage {
    may_file: bool,
    layout: Layout,
    groups: Vec<DeptItems>,
    count: usize,
    may_manage: bool,
    departments: Vec<(i64, String)>,
    edit: Option<ServiceItem>,
    import: Option<CatalogueImport>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct CatalogueQuery {
    edit: Option<String>,
}

async fn catalogue_page(
    state: &AppState,
    auth: &Auth,
    edit: Option<i64>,
    import: Option<CatalogueImport>,
    error: Option<String>,
) -> PageResult {
    may_read(auth)?;
    let items = state.store.services().items(&auth.caller).await?;
    let count = items.len();
    let mut groups: Vec<DeptItems> = Vec::new();
    let mut sorted = items;
    sorted.sort_by(|a, b| (&a.department, &a.code).cmp(&(&b.department, &b.code)));
    for i in sorted {
        match groups.last_mut() {
            Some(g) if g.department == i.department => g.items.push(i),
            _ => groups.push(DeptItems { department: i.department.clone(), items: vec![i] }),
        }
    }
    let may_manage = auth.caller.may(Action::ManageServices);
    let edit = match edit {
        Some(id) if may_manage => Some(state.store.services().item(&auth.caller, id).await?),
        _ => None,
    };
    render(&CataloguePage {
        may_file: auth.caller.may(Action::FileServiceRequest),
        layout: Layout::new(auth, state, "/services"),
        groups,
        count,
        departments: if may_manage { state.store.services().departments().await? } else { Vec::new() },
        may_manage,
        edit,
        import,
        error,
    })
}

pub async fn catalogue(State(state): State<AppState>, auth: Auth, Query(q): Query<CatalogueQuery>) -> PageResult {
    catalogue_page(&state, &auth, id_param("事项", &q.edit)?, None, None).await
}

#[derive(Deserialize)]
pub struct ItemForm {
    code: Option<String>,
    name: Option<String>,
    department_id: Option<String>,
    materials: Option<String>,
    limit: Option<String>,
    stages: Option<String>,
}

pub async fn save_item(State(state): State<AppState>, auth: Auth, Form(f): Form<ItemForm>) -> PageResult {
    auth.require(Action::ManageServices)?;
    let limit_text = non_empty(&f.limit).unwrap_or("");
    let limit = TimeLimit::parse(limit_text)
        .ok_or_else(|| WebError::Invalid(format!("办结时限：“{limit_text}”无法识别，应写作“5个工作日”或“4小时”")))?;
    let split = qunlian_io::services::split_list;
    state
        .store
        .services()
        .save_item(
            &auth.caller,
            NewServiceItem {
                code: non_empty(&f.code).unwrap_or("").to_owned(),
                name: non_empty(&f.name).unwrap_or("").to_owned(),
                department_id: id_param("责任部门", &f.department_id)?
                    .ok_or_else(|| WebError::Invalid("责任部门：请选择".into()))?,
                materials: split(non_empty(&f.materials).unwrap_or(""), &['、', ';', '；']),
                limit,
                stages: split(&non_empty(&f.stages).unwrap_or("").replace("->", "→"), &['→', '>', '＞']),
                is_demo: false,
            },
        )
        .await?;
    Ok(Redirect::to("/services/catalogue").into_response())
}

async fn upload(multipart: &mut Multipart) -> Result<Option<Vec<u8>>, WebError> {
    let mut file = None;
    while let Some(field) = multipart.next_field().await.map_err(|e| WebError::Invalid(format!("上传失败：{e}")))?
    {
        if field.name() == Some("file") {
            let bytes = field.bytes().await.map_err(|e| WebError::Invalid(format!("上传失败：{e}")))?;
            file = Some(bytes.to_vec());
        }
    }
    Ok(file.filter(|b| !b.is_empty()))
}

pub async fn import_catalogue(State(state): State<AppState>, auth: Auth, mut multipart: Multipart) -> PageResult {
    auth.require(Action::ManageServices)?;
    let Some(bytes) = upload(&mut multipart).await? else {
        return catalogue_page(&state, &auth, None, None, Some("请选择要导入的 .xlsx 或 .csv 文件".into())).await;
    };
    let parsed = tokio::task::spawn_blocking(move || qunlian_io::services::read_catalogue(bytes))
        .await
        .map_err(WebError::internal)?;
    let (rows, rejects) = match parsed {
        Ok(x) => x,
        Err(e) => return catalogue_page(&state, &auth, None, None, Some(e)).await,
    };
    let mut result = state.store.services().import_items(&auth.caller, rows).await?;
    result.rejects.extend(rejects.into_iter().map(|r| (r.line, r.reason)));
    result.rejects.sort();
    catalogue_page(&state, &auth, None, Some(result), None).await
}

// ---------- calendar ----------

#[derive(Template)]
#[template(path = "services_calendar.html")]
struct CalendarPage {
    may_file: bool,
    layout: Layout,
    years: Vec<CalendarYear>,
    may_manage: bool,
    error: Option<String>,
    loaded: Option<i32>,
}

impl CalendarPage {
    fn at(&self, y: &CalendarYear) -> String {
        (y.loaded_at + chrono::Duration::hours(8)).format("%Y-%m-%d %H:%M").to_string()
    }
}

async fn calendar_page(state: &AppState, auth: &Auth, error: Option<String>, loaded: Option<i32>) -> PageResult {
    may_read(auth)?;
    render(&CalendarPage {
        may_file: auth.caller.may(Action::FileServiceRequest),
        layout: Layout::new(auth, state, "/services"),
        years: state.store.services().calendar_years().await?,
        may_manage: auth.caller.may(Action::ManageServices),
        error,
        loaded,
    })
}

pub async fn calendar(State(state): State<AppState>, auth: Auth) -> PageResult {
    calendar_page(&state, &auth, None, None).await
}

pub async fn upload_calendar(State(state): State<AppState>, auth: Auth, mut multipart: Multipart) -> PageResult {
    auth.require(Action::ManageServices)?;
    let Some(bytes) = upload(&mut multipart).await? else {
        return calendar_page(&state, &auth, Some("请选择节假日安排文件（.csv）".into()), None).await;
    };
    let text = qunlian_io::table::decode_text(&bytes);
    match state.store.services().import_calendar_year(&auth.caller, &text).await {
        Ok(year) => calendar_page(&state, &auth, None, Some(year)).await,
        Err(qunlian_store::StoreError::Forbidden) => Err(WebError::Forbidden),
        Err(e @ qunlian_store::StoreError::Invalid { .. }) => {
            calendar_page(&state, &auth, Some(e.to_string()), None).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---------- report ----------

/// A report line with the query strings of its drill-downs.
pub struct ReportLine {
    pub row: ReportRow,
    pub base: String,
    pub is_total: bool,
}

impl ReportLine {
    pub fn link(&self, extra: &str) -> String {
        let q = [self.base.as_str(), extra].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join("&");
        if q.is_empty() { "/services".to_owned() } else { format!("/services?{q}") }
    }
    pub fn rate(&self) -> String {
        self.row.on_time_rate().map(|r| format!("{r:.1}%")).unwrap_or_else(|| "—".into())
    }
    pub fn median(&self) -> String {
        self.row.median_days.map(|d| format!("{d:.1}")).unwrap_or_else(|| "—".into())
    }
    pub fn p90(&self) -> String {
        self.row.p90_days.map(|d| format!("{d:.1}")).unwrap_or_else(|| "—".into())
    }
    pub fn rating(&self) -> String {
        self.row.rating_avg.map(|d| format!("{d:.2}")).unwrap_or_else(|| "—".into())
    }
}

fn lines(report: &ServiceReport) -> Vec<ReportLine> {
    report
        .rows
        .iter()
        .map(|r| {
            let base = match r.item_id {
                Some(i) => format!("department={}&item={i}", r.department_id),
                None => format!("department={}", r.department_id),
            };
            ReportLine { row: r.clone(), base, is_total: r.item_id.is_none() }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "services_report.html")]
struct ReportPage {
    may_file: bool,
    layout: Layout,
    lines: Vec<ReportLine>,
    total: ReportLine,
    report: ServiceReport,
    as_of: String,
}

pub async fn report(State(state): State<AppState>, auth: Auth) -> PageResult {
    may_read(&auth)?;
    let report = state.store.services().report(&auth.caller).await?;
    let as_of = (state.store.now() + chrono::Duration::hours(8)).format("%Y-%m-%d %H:%M").to_string();
    render(&ReportPage {
        may_file: auth.caller.may(Action::FileServiceRequest),
        layout: Layout::new(&auth, &state, "/services"),
        lines: lines(&report),
        total: ReportLine { row: report.total.clone(), base: String::new(), is_total: true },
        report,
        as_of,
    })
}

pub async fn report_xlsx(State(state): State<AppState>, auth: Auth) -> PageResult {
    may_read(&auth)?;
    let report = state.store.services().report(&auth.caller).await?;
    let num = |v: Option<f64>| v.map(Cell::Num).unwrap_or(Cell::Empty);
    let mut rows: Vec<Vec<Cell>> = report
        .rows
        .iter()
        .chain(std::iter::once(&report.total))
        .map(|r| {
            vec![
                text(r.department.clone()),
                text(if r.item_id.is_none() { "（部门合计）".to_owned() } else { r.item.clone() }),
                Cell::Int(r.count as i64),
                Cell::Int(r.done as i64),
                Cell::Int(r.on_time as i64),
                num(r.on_time_rate().map(|x| (x * 10.0).round() / 10.0)),
                num(r.median_days),
                num(r.p90_days),
                Cell::Int(r.rated as i64),
                num(r.rating_avg.map(|x| (x * 100.0).round() / 100.0)),
            ]
        })
        .collect();
    for s in &report.stages {
        rows.push(vec![
            text("环节用时"),
            text(format!("{}：{}", s.item, s.stage)),
            Cell::Int(s.finished as i64),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Num(s.avg_days),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
        ]);
    }
    let columns = [
        ("部门", 30.0),
        ("服务事项", 36.0),
        ("工单数", 8.0),
        ("已办结", 8.0),
        ("按时办结", 10.0),
        ("按时办结率%", 12.0),
        ("办理用时中位数（工作日）", 16.0),
        ("办理用时P90（工作日）", 16.0),
        ("评价数", 8.0),
        ("满意度均分", 10.0),
    ];
    send(&state, &auth, "企业服务统计", &columns, rows).await
}

// ---------- the signed rating link (no login) ----------

#[derive(Template)]
#[template(path = "rate.html")]
struct RatePage {
    csrf: String,
    view: RatingView,
    path: String,
    message: Option<String>,
    error: Option<String>,
    demo: bool,
}

pub async fn rate_page(
    State(state): State<AppState>,
    session: Session,
    Path((id, token)): Path<(i64, String)>,
) -> PageResult {
    let view = state.store.services().rating_view(id, &token).await?;
    let csrf = csrf_token(&session).await?;
    Ok(Html(
        RatePage {
            csrf,
            path: format!("/rate/{id}/{token}"),
            view,
            message: None,
            error: None,
            demo: state.config.demo,
        }
        .render()?,
    )
    .into_response())
}

#[derive(Deserialize)]
pub struct RateForm {
    rating: Option<String>,
    comment: Option<String>,
}

pub async fn rate(
    State(state): State<AppState>,
    session: Session,
    Path((id, token)): Path<(i64, String)>,
    Form(f): Form<RateForm>,
) -> PageResult {
    // A wrong token is refused before the form is looked at.
    state.store.services().rating_view(id, &token).await?;
    let rating: Option<i16> = non_empty(&f.rating).and_then(|r| r.parse().ok());
    let (message, error) = match rating {
        None => (None, Some("请选择满意度（1 到 5 星）".to_owned())),
        Some(r) => match state.store.services().rate(id, &token, r, non_empty(&f.comment).unwrap_or("")).await {
            Ok(RateOutcome::Rated) => (Some("感谢您的评价！".to_owned()), None),
            Ok(RateOutcome::AlreadyRated) => (None, Some("该事项已经评价过，每个事项只能评价一次".to_owned())),
            Err(e @ qunlian_store::StoreError::Invalid { .. }) => (None, Some(e.to_string())),
            Err(e) => return Err(e.into()),
        },
    };
    let view = state.store.services().rating_view(id, &token).await?;
    let csrf = csrf_token(&session).await?;
    Ok(Html(
        RatePage { csrf, path: format!("/rate/{id}/{token}"), view, message, error, demo: state.config.demo }
            .render()?,
    )
    .into_response())
}
