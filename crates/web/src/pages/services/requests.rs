//! Service requests: the list in four colours, filing one, handling it step by step, and
//! its attachments.

use askama::Template;
use axum::Form;
use axum::extract::{FromRequestParts, Multipart, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Uri, header};
use axum::response::{IntoResponse, Redirect};
use qunlian_domain::auth::{Action, Scope, UnitId};
use qunlian_domain::services::{Colour, RequestState};
use qunlian_store::services::{
    NewServiceRequest, RatingHolder, RequestStep, ServiceFilter, ServiceItem, ServiceRequest, ServiceRequestDetail,
};
use serde::Deserialize;

use super::*;
use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::forms::{Choice, TownDays, coded, non_empty, required_id};
use crate::support::render;

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
    /// Requests of the enterprises of the town (a town's headline figure), filed on those days.
    #[serde(flatten)]
    within: TownDays,
}

impl ListQuery {
    fn filter(&self) -> Result<ServiceFilter, WebError> {
        let colour = match non_empty(&self.colour) {
            Some(c) => Some(
                colour_of(c).ok_or_else(|| WebError::Invalid(format!("颜色：“{c}”应为 green、blue、yellow 或 red")))?,
            ),
            None => None,
        };
        let (filed_from, filed_before) = self.within.range()?;
        Ok(ServiceFilter {
            state: coded(&self.state, RequestState::from_code)?,
            colour,
            department: id_param("部门", &self.department)?,
            item: id_param("事项", &self.item)?,
            escalated: non_empty(&self.escalated).is_some(),
            on_time: non_empty(&self.on_time).map(|v| v == "1"),
            rated: non_empty(&self.rated).is_some(),
            town: self.within.town_code()?,
            filed_from,
            filed_before,
            ..ServiceFilter::default()
        })
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
#[template(path = "services/requests.html")]
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
    drill.extend(q.within.words());
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
#[template(path = "services/request_form.html")]
struct NewPage {
    may_file: bool,
    layout: Layout,
    items: Vec<ServiceItem>,
    enterprises: Vec<(i64, String)>,
    q: String,
    single: bool,
    item_param: String,
    /// What a refused form had typed, shown again with why it was refused.
    unit_param: String,
    title: String,
    detail: String,
    error: Option<String>,
}

impl NewPage {
    /// Each item with its department and time limit, the one asked for in the link chosen.
    fn item_choices(&self) -> Vec<Choice> {
        let items = self.items.iter().map(|i| (i.id, format!("{} · {}（{}）", i.department, i.name, i.limit_label)));
        Choice::list(items, &self.item_param)
    }

    /// An enterprise's contact files for their own enterprise; others pick one.
    fn unit_blank(&self) -> &'static str {
        if self.single { "" } else { "请选择" }
    }
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    q: Option<String>,
    item: Option<String>,
}

pub async fn new_form(State(state): State<AppState>, auth: Auth, Query(q): Query<NewQuery>) -> PageResult {
    auth.require(Action::FileServiceRequest)?;
    let typed = NewForm { item_id: q.item, unit_id: None, title: None, detail: None };
    new_page(&state, &auth, non_empty(&q.q).unwrap_or(""), &typed, None).await
}

/// The form, empty or as a refused one was typed (422, the reason above it).
async fn new_page(state: &AppState, auth: &Auth, q: &str, typed: &NewForm, error: Option<String>) -> PageResult {
    let enterprises = state.store.services().enterprises(&auth.caller, Some(q).filter(|q| !q.is_empty()), 200).await?;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let refused = error.is_some();
    let page = NewPage {
        may_file: true,
        layout: Layout::new(auth, state, "/services"),
        items: state.store.services().items(&auth.caller).await?,
        single: matches!(auth.caller.scope, Scope::Enterprise(_)),
        enterprises,
        q: q.to_owned(),
        item_param: non_empty(&typed.item_id).unwrap_or("").to_owned(),
        unit_param: non_empty(&typed.unit_id).unwrap_or("").to_owned(),
        title: text(&typed.title),
        detail: text(&typed.detail),
        error,
    };
    crate::support::render_form(&page, refused)
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
    let saved = async {
        let item_id =
            id_param("服务事项", &f.item_id)?.ok_or_else(|| WebError::Invalid("服务事项：请从目录中选择".into()))?;
        let unit = required_id("企业", &f.unit_id)?;
        let new = NewServiceRequest {
            item_id,
            unit: UnitId(unit),
            title: non_empty(&f.title).unwrap_or("").to_owned(),
            detail: non_empty(&f.detail).unwrap_or("").to_owned(),
            is_demo: false,
        };
        let id = state.store.services().file_request(&auth.caller, new).await?;
        Ok(format!("/services/{id}"))
    }
    .await;
    crate::support::saved_or_again(saved, |msg| new_page(&state, &auth, "", &f, Some(msg))).await
}

// ---------- one request ----------

#[derive(Template)]
#[template(path = "services/request.html")]
struct DetailPage {
    may_file: bool,
    layout: Layout,
    d: ServiceRequestDetail,
    r: ServiceRequest,
    may_handle: bool,
    departments: Vec<(i64, String)>,
    /// The rating link, for the requesting enterprise's contact only.
    rating_link: Option<String>,
    /// A town or district admin may print the link on a slip for the enterprise.
    may_print_rating: bool,
    elapsed: String,
    remaining: String,
    attachments: Vec<qunlian_store::services::Attachment>,
    may_attach: bool,
    /// A refused step: which action, what was typed, and why (shown by that action's form).
    refused: Option<RefusedStep>,
}

struct RefusedStep {
    action: String,
    text: String,
    error: String,
}

impl DetailPage {
    /// Why the step of one of these actions (space-separated) was refused, if it was.
    fn refusal(&self, actions: &str) -> Option<&str> {
        self.refused.as_ref().filter(|r| actions.split(' ').any(|a| a == r.action)).map(|r| r.error.as_str())
    }

    /// A refusal no form on the page would show: the request is no longer open to this
    /// user, or the action is none of the forms'.
    fn refusal_at_top(&self) -> Option<&str> {
        const FORMS: [&str; 9] =
            ["assign", "start", "finish_stage", "pause", "resume", "transfer", "comment", "finish", "reject"];
        let r = self.refused.as_ref()?;
        (!self.may_handle || !FORMS.contains(&r.action.as_str())).then_some(r.error.as_str())
    }

    /// What a refused step of this action had typed, to type it again; else `default`.
    fn typed<'a>(&'a self, action: &str, default: &'a str) -> &'a str {
        self.refused.as_ref().filter(|r| r.action == action).map_or(default, |r| r.text.as_str())
    }

    /// The request's stages, the first chosen while it is not finished.
    fn stage_choices(&self) -> Vec<Choice> {
        let first = self.d.stages.first().filter(|s| s.finished.is_none()).map_or("", |s| s.name.as_str());
        Choice::list(self.d.stages.iter().map(|s| (&s.name, &s.name)), first)
    }
}

/// Scheme and host of the links sent outside (the rating link): the configured public
/// address, else the one this page was requested at — its Host (or HTTP/2 authority), and
/// the scheme a proxy in front says (`X-Forwarded-Proto`), else https when cookies are
/// marked secure. Only host characters are taken from the request.
pub struct PublicBase(String);

impl FromRequestParts<AppState> for PublicBase {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(PublicBase(public_base(state, &parts.headers, &parts.uri)))
    }
}

impl PublicBase {
    /// The full address of a request's rating link, to open or to print.
    pub(super) fn rating_url(&self, id: i64, token: &str) -> String {
        format!("{}/rate/{id}/{token}", self.0)
    }
}

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

pub async fn detail(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, base: PublicBase) -> PageResult {
    detail_page(&state, &auth, id, &base, None).await
}

/// The request's page; with a refused step, 422 and the reason by that step's form.
async fn detail_page(
    state: &AppState,
    auth: &Auth,
    id: i64,
    base: &PublicBase,
    refused: Option<RefusedStep>,
) -> PageResult {
    may_read(auth)?;
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
    // The link is the enterprise's: never shown to the officers being rated (issue #11).
    let holder = match r.state.is_done() {
        true => state.store.services().rating_link_holder(&auth.caller, r.id).await.ok(),
        false => None,
    };
    let rating_link = (holder == Some(RatingHolder::Enterprise))
        .then(|| base.rating_url(r.id, &state.store.services().rating_token(r.id)));
    let may_print_rating = holder == Some(RatingHolder::Printer);
    let attachments = state.store.services().attachments(&auth.caller, id).await?;
    let may_attach = auth.caller.may(Action::FileServiceRequest) || auth.caller.may(Action::HandleServiceRequest);
    let was_refused = refused.is_some();
    let page = DetailPage {
        attachments,
        may_attach,
        refused,
        may_file: auth.caller.may(Action::FileServiceRequest),
        layout: Layout::new(auth, state, "/services"),
        elapsed: days(r.clock.elapsed_minutes),
        remaining: remaining(r),
        may_handle,
        departments,
        rating_link,
        may_print_rating,
        r: d.request.clone(),
        d,
    };
    crate::support::render_form(&page, was_refused)
}

#[derive(Deserialize)]
pub struct StepForm {
    action: String,
    text: Option<String>,
    stage: Option<String>,
    department_id: Option<String>,
}

/// One step of a request (assign, a stage, pause, resume, transfer, note, finish, reject); a
/// refused one is the request's page again with the reason and the text by its form.
pub async fn step(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    base: PublicBase,
    body: crate::support::forms::Unread,
) -> PageResult {
    auth.require(Action::HandleServiceRequest)?;
    let f: StepForm = body.form().await?;
    let text = non_empty(&f.text).unwrap_or("").to_owned();
    let saved = async {
        let stage = non_empty(&f.stage).unwrap_or("").to_owned();
        let step = match f.action.as_str() {
            "assign" => RequestStep::Assign(text.clone()),
            "start" => RequestStep::StartStage(stage),
            "finish_stage" => RequestStep::FinishStage(stage),
            "pause" => RequestStep::Pause(text.clone()),
            "resume" => RequestStep::Resume(text.clone()),
            "transfer" => RequestStep::Transfer {
                department_id: required_id("转办部门", &f.department_id)?,
                reason: text.clone(),
            },
            "comment" => RequestStep::Comment(text.clone()),
            "finish" => RequestStep::Finish(text.clone()),
            "reject" => RequestStep::Reject(text.clone()),
            other => {
                let shown = qunlian_domain::limits::echo(other);
                return Err(WebError::Invalid(format!("未知的操作“{shown}”")));
            }
        };
        state.store.services().step(&auth.caller, id, step).await?;
        Ok(format!("/services/{id}"))
    }
    .await;
    crate::support::saved_or_again(saved, |error| {
        let refused = RefusedStep { action: f.action.clone(), text, error };
        detail_page(&state, &auth, id, &base, Some(refused))
    })
    .await
}

/// Adds the uploaded file to the request; the page shows it in the list.
pub async fn add_attachment(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> PageResult {
    let file = crate::support::upload::read_upload(&mut multipart, crate::support::upload::ATTACHMENT_LIMIT).await?;
    let (name, bytes) = file.ok_or_else(|| WebError::Invalid("附件：请选择文件".into()))?;
    state.store.services().add_attachment(&auth.caller, id, &name, bytes).await?;
    Ok(Redirect::to(&format!("/services/{id}#attachments")).into_response())
}

pub async fn attachment(State(state): State<AppState>, auth: Auth, Path((id, aid)): Path<(i64, i64)>) -> PageResult {
    may_read(&auth)?;
    let (info, bytes) = state.store.services().attachment(&auth.caller, id, aid).await?;
    Ok(crate::support::file_download(info.content_type, &info.file_name, bytes))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// A state the list does not know is refused; before, the filter was quietly dropped and
    /// every request listed.
    #[test]
    fn an_unknown_state_is_refused() {
        let q = |state: &str| ListQuery { state: Some(state.to_owned()), ..ListQuery::default() };
        assert_eq!(q("waiting").filter().unwrap().state, Some(RequestState::Waiting));
        assert!(q("lost").filter().unwrap_err().to_string().contains("工单状态"));
    }
}
