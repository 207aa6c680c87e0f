//! The unit list (企业名录 and the other kinds) with its filters, export and pages, and one
//! unit's page.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use qunlian_domain::auth::{Action, UnitId};
use qunlian_domain::registry::UnitKind;
use qunlian_store::registry::{Enterprise, EnterpriseFilter, UnitLinks};
use qunlian_store::{Page, PageRequest};

use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::enterprise_query::ListQuery;
use crate::support::forms::Choice;
use crate::support::forms::{Refusal, non_empty};
use crate::support::towns::town_options;
use crate::support::{is_htmx, render, render_form};

#[derive(Template)]
#[template(path = "registry/enterprises.html")]
struct ListPage {
    layout: Layout,
    query: ListQuery,
    towns: Vec<Choice>,
    rows: EnterpriseRows,
    may_create: bool,
    drill: Option<String>,
    kind: UnitKind,
}

impl ListPage {
    fn kinds(&self) -> [UnitKind; 7] {
        UnitKind::ALL
    }
    /// 企业名录, or 单位名录（学校） when another kind of unit is listed.
    fn heading(&self) -> String {
        list_heading(self.kind)
    }
}

fn list_heading(kind: UnitKind) -> String {
    if kind == UnitKind::Enterprise { "企业名录".to_owned() } else { format!("单位名录（{}）", kind.label()) }
}

#[derive(Template)]
#[template(path = "registry/_enterprise_rows.html")]
struct EnterpriseRows {
    page: Page<Enterprise>,
    query: ListQuery,
    sort: &'static str,
    desc: bool,
    pages: Vec<u64>,
}

impl EnterpriseRows {
    fn name_header(&self) -> &'static str {
        if self.query.unit_kind().unwrap_or(UnitKind::Enterprise) == UnitKind::Enterprise {
            "企业名称"
        } else {
            "单位名称"
        }
    }
    fn sort_link(&self, key: &str) -> String {
        let desc = if self.sort == key && !self.desc { "1" } else { "" };
        let q = ListQuery { desc: Some(desc.to_owned()), page: None, ..self.query.clone() };
        format!("/enterprises?{}", q.with("sort", key))
    }
    fn arrow(&self, key: &str) -> &'static str {
        match (self.sort == key, self.desc) {
            (true, false) => " ▲",
            (true, true) => " ▼",
            _ => "",
        }
    }
    fn page_link(&self, p: &u64) -> String {
        format!("/enterprises?{}", self.query.with("page", &p.to_string()))
    }
}

/// Page numbers to offer: the first, the last, and a window around the current one.
fn page_window(current: u64, last: u64) -> Vec<u64> {
    let mut v: Vec<u64> =
        [1, last].into_iter().chain(current.saturating_sub(3).max(1)..=(current + 3).min(last)).collect();
    v.sort_unstable();
    v.dedup();
    v
}

pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Query(query): Query<ListQuery>,
) -> PageResult {
    auth.require(Action::ReadRegistry)?;
    let filter = query.filter()?;
    let (sort, desc) = query.sort()?;
    let page = state
        .store
        .registry()
        .list_enterprises(&auth.caller, &filter, sort, desc, PageRequest::new(query.page, query.per_page))
        .await?;
    let pages = page_window(page.page, page.pages());
    let rows = EnterpriseRows { page, query: query.clone(), sort: sort.code(), desc, pages };
    if is_htmx(&headers) {
        return render(&rows);
    }
    let towns = town_options(&state, &auth, non_empty(&query.town));
    let may_create = auth.caller.may(Action::Import);
    let drill = drill_label(&state, &auth, &filter).await?;
    let kind = query.unit_kind()?;
    render(&ListPage {
        layout: Layout::new(&auth, &state, "/enterprises"),
        query,
        towns,
        rows,
        may_create,
        drill,
        kind,
    })
}

/// "重点企业类别：高新技术企业 · 未覆盖" above a list opened from a coverage figure.
async fn drill_label(state: &AppState, auth: &Auth, filter: &EnterpriseFilter) -> Result<Option<String>, WebError> {
    let mut parts = Vec::new();
    if let Some(id) = filter.category {
        parts.push(format!("重点企业类别：{}", state.store.coverage().category(&auth.caller, id).await?.name));
    }
    if let Some(status) = filter.coverage {
        parts.push(status.label().to_owned());
    }
    match filter.org_covered {
        Some(true) => parts.push("已建立党组织".to_owned()),
        Some(false) => parts.push("尚未建立党组织".to_owned()),
        None => {}
    }
    Ok((!parts.is_empty()).then(|| parts.join(" · ")))
}

/// The filtered list as .xlsx, phones masked; the export itself is audited.
pub async fn export(State(state): State<AppState>, auth: Auth, Query(query): Query<ListQuery>) -> PageResult {
    auth.require(Action::ReadRegistry)?;
    let filter = query.filter()?;
    let (sort, desc) = query.sort()?;
    let all = state.store.registry().all_enterprises(&auth.caller, &filter, sort, desc).await?;
    let now = qunlian_domain::clock::beijing(state.store.now());
    let count = all.len();
    let heading = list_heading(query.unit_kind()?);
    let title = format!("{heading}（导出时间 {}，共 {count} 家；联系电话不导出）", now.format("%Y-%m-%d %H:%M"));
    let bytes = crate::export::enterprises_xlsx(all, Some(title)).map_err(WebError::internal)?;
    state
        .store
        .audit()
        .record(&auth.caller, "unit.export", "unit", None, format!("导出{heading}{count}家（不含联系电话）"))
        .await?;
    Ok(crate::support::xlsx::xlsx_response(bytes, &format!("{heading}-{}.xlsx", now.format("%Y%m%d"))))
}

#[derive(Template)]
#[template(path = "registry/enterprise.html")]
struct DetailPage {
    layout: Layout,
    e: Enterprise,
    links: UnitLinks,
    may_edit: bool,
    /// An enterprise contact proposes its 高新 / 专精特新 flags (提出变更).
    may_propose: bool,
    may_reveal: bool,
    revealed: Option<String>,
    coverage: crate::support::sections::EnterpriseCoverage,
    /// Organisations whose activities the enterprise's members may join (work coverage).
    orgs: Vec<(i64, String)>,
    park: Option<(i64, String)>,
    /// A refused coverage form ("assign" or "work_link"), shown again by its form.
    refused: Refusal,
}

impl DetailPage {
    /// A refusal whose form the page does not show (the enterprise was covered, or put on the
    /// responsibility list, meanwhile): above the coverage section.
    fn refusal_at_top(&self) -> Option<&str> {
        let shown = self.coverage.may_assign && !self.coverage.status.is_org();
        let assign_shown = shown && !self.coverage.has_open_assignment();
        match (self.refused.error("assign"), self.refused.error("work_link")) {
            (Some(e), _) if !assign_shown => Some(e),
            (_, Some(e)) if !shown => Some(e),
            _ => None,
        }
    }
}

/// The park a unit is in, when the caller may see it.
pub(super) async fn park_of(state: &AppState, auth: &Auth, e: &Enterprise) -> Option<(i64, String)> {
    let id = e.park_id?;
    state.store.registry().park(&auth.caller, id).await.ok().map(|d| (d.park.id, d.park.name))
}

/// The enterprise's page; with a refused coverage form, 422 and the form as it was typed.
pub(crate) async fn detail_page(
    state: &AppState,
    auth: &Auth,
    id: UnitId,
    revealed: Option<String>,
    refused: Refusal,
) -> PageResult {
    let e = state.store.registry().enterprise(&auth.caller, id).await?;
    let links = state.store.registry().unit_links(&auth.caller, id).await?;
    let coverage = crate::support::sections::enterprise_coverage(state, auth, id).await?;
    let orgs = if coverage.may_assign && !coverage.status.is_org() {
        crate::support::sections::org_names(state, auth).await?
    } else {
        Vec::new()
    };
    let park = park_of(state, auth, &e).await;
    let was_refused = refused.is_some();
    let page = DetailPage {
        layout: Layout::new(auth, state, "/enterprises"),
        e,
        links,
        may_edit: auth.caller.may(Action::WriteRegistry),
        may_propose: auth.caller.may(Action::ProposeRegistryChanges),
        may_reveal: revealed.is_some() || auth.caller.may(Action::RevealPersonal),
        revealed,
        park,
        coverage,
        orgs,
        refused,
    };
    render_form(&page, was_refused)
}

pub async fn detail(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    detail_page(&state, &auth, UnitId(id), None, Refusal::default()).await
}

pub async fn reveal_phone(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> PageResult {
    let phone = state.store.registry().reveal_contact_phone(&auth.caller, UnitId(id)).await?;
    let text = phone.unwrap_or_else(|| "（未登记）".to_owned());
    if is_htmx(&headers) {
        return Ok(
            axum::response::Html(format!("<span id=\"contact-phone\">{}</span>", askama_escape(&text))).into_response()
        );
    }
    detail_page(&state, &auth, UnitId(id), Some(text), Refusal::default()).await
}

fn askama_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
