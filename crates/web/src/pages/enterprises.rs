use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect};
use qunlian_domain::RegionCode;
use qunlian_domain::auth::{Action, ClusterId, Scope, UnitId};
use qunlian_domain::registry::{EnterpriseFields, EnterpriseInput, RawEnterprise, SrdiLevel, UnitKind};
use qunlian_store::registry::{Enterprise, EnterpriseFilter, EnterpriseSort, UnitLinks};
use qunlian_store::{Page, PageRequest};
use serde::Deserialize;

use super::{is_htmx, non_empty, render};
use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;

#[derive(Clone, Debug, Default, Deserialize)]
pub struct ListQuery {
    pub q: Option<String>,
    pub town: Option<String>,
    pub cluster: Option<i64>,
    /// A park (its sub-parks included).
    pub park: Option<i64>,
    /// 单位类型: enterprise (the default), cooperative, school …
    pub kind: Option<String>,
    pub industry: Option<String>,
    pub high_tech: Option<String>,
    pub above_scale: Option<String>,
    pub srdi: Option<String>,
    pub listed: Option<String>,
    pub key_project: Option<String>,
    pub has_org: Option<String>,
    /// Coverage drill-downs: a key-enterprise category, a status, organised or not.
    pub category: Option<i64>,
    pub coverage: Option<String>,
    pub org_covered: Option<String>,
    pub sort: Option<String>,
    pub desc: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

fn flag(v: &Option<String>) -> Option<bool> {
    match non_empty(v) {
        Some("1" | "true" | "on" | "是") => Some(true),
        Some("0" | "false" | "否") => Some(false),
        _ => None,
    }
}

impl ListQuery {
    pub fn filter(&self) -> Result<EnterpriseFilter, WebError> {
        let region = match non_empty(&self.town) {
            Some(code) => Some(RegionCode::parse(code).map_err(|e| WebError::Invalid(format!("街镇：{e}")))?),
            None => None,
        };
        let srdi = match non_empty(&self.srdi) {
            Some("innovative") => Some(SrdiLevel::Innovative),
            Some("municipal") => Some(SrdiLevel::Municipal),
            Some("national") => Some(SrdiLevel::National),
            _ => None,
        };
        Ok(EnterpriseFilter {
            q: non_empty(&self.q).map(str::to_owned),
            region,
            cluster: self.cluster.map(ClusterId),
            park: self.park,
            kind: Some(self.unit_kind()?),
            industry: non_empty(&self.industry).map(str::to_owned),
            high_tech: flag(&self.high_tech),
            above_scale: flag(&self.above_scale),
            srdi_at_least: srdi,
            listed: flag(&self.listed),
            key_project: flag(&self.key_project),
            has_org: flag(&self.has_org),
            category: self.category.map(qunlian_domain::auth::CategoryId),
            coverage: match non_empty(&self.coverage) {
                Some(code) => Some(
                    qunlian_domain::coverage::CoverageStatus::parse(code)
                        .map_err(|e| WebError::Invalid(e.to_string()))?,
                ),
                None => None,
            },
            org_covered: flag(&self.org_covered),
            ..Default::default()
        })
    }

    /// The kind of unit listed; enterprises unless another kind is chosen.
    pub fn unit_kind(&self) -> Result<UnitKind, WebError> {
        match non_empty(&self.kind) {
            None => Ok(UnitKind::Enterprise),
            Some(code) => UnitKind::parse(code).map_err(|e| WebError::Invalid(e.to_string())),
        }
    }

    fn sort(&self) -> (EnterpriseSort, bool) {
        (
            self.sort.as_deref().and_then(EnterpriseSort::from_code).unwrap_or_default(),
            flag(&self.desc).unwrap_or(false),
        )
    }

    /// The query string of this filter with one parameter replaced: for pager and sort links.
    pub fn with(&self, key: &str, value: &str) -> String {
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut push = |k: &str, v: &Option<String>| {
            if let Some(v) = non_empty(v) {
                pairs.push((k.to_owned(), v.to_owned()));
            }
        };
        push("q", &self.q);
        push("town", &self.town);
        push("cluster", &self.cluster.map(|c| c.to_string()));
        push("park", &self.park.map(|p| p.to_string()));
        push("kind", &self.kind);
        push("industry", &self.industry);
        push("high_tech", &self.high_tech);
        push("above_scale", &self.above_scale);
        push("srdi", &self.srdi);
        push("listed", &self.listed);
        push("key_project", &self.key_project);
        push("has_org", &self.has_org);
        push("category", &self.category.map(|c| c.to_string()));
        push("coverage", &self.coverage);
        push("org_covered", &self.org_covered);
        push("sort", &self.sort);
        push("desc", &self.desc);
        push("per_page", &self.per_page.map(|p| p.to_string()));
        pairs.retain(|(k, _)| k != key);
        if !value.is_empty() {
            pairs.push((key.to_owned(), value.to_owned()));
        }
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    }

    fn checked(v: &Option<String>) -> bool {
        flag(v) == Some(true)
    }
}

pub struct TownOption {
    pub code: String,
    pub name: String,
    pub selected: bool,
}

/// The towns a filter offers: those of the caller's region, or of the deployment's district.
pub fn town_options(state: &AppState, auth: &Auth, selected: Option<&str>) -> Vec<TownOption> {
    let parent = match &auth.caller.scope {
        Scope::Region(r) if r.level() == qunlian_domain::region::RegionLevel::Town => {
            return vec![TownOption { code: r.to_string(), name: r.name().to_owned(), selected: true }];
        }
        Scope::Region(r) => *r,
        _ => state.config.district,
    };
    parent
        .children()
        .map(|t| TownOption {
            selected: selected == Some(t.to_string().as_str()),
            code: t.to_string(),
            name: t.name().to_owned(),
        })
        .collect()
}

/// Keeps a record's own town among the choices when it lies outside the towns offered (a
/// park or unit registered in a neighbouring district): saving must not move it silently.
pub fn keep_town(towns: &mut Vec<TownOption>, code: &str) {
    if towns.iter().any(|t| t.code == code) {
        return;
    }
    if let Ok(region) = RegionCode::parse(code) {
        for t in towns.iter_mut() {
            t.selected = false;
        }
        towns.insert(0, TownOption { code: code.to_owned(), name: region.full_name(), selected: true });
    }
}

#[derive(Template)]
#[template(path = "enterprises.html")]
struct ListPage {
    layout: Layout,
    query: ListQuery,
    towns: Vec<TownOption>,
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
#[template(path = "_enterprise_rows.html")]
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
    let (sort, desc) = query.sort();
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
    let (sort, desc) = query.sort();
    let all = state.store.registry().all_enterprises(&auth.caller, &filter, sort, desc).await?;
    let now = state.store.now() + chrono::Duration::hours(8);
    let count = all.len();
    let heading = list_heading(query.unit_kind()?);
    let title = format!("{heading}（导出时间 {}，共 {count} 家；联系电话不导出）", now.format("%Y-%m-%d %H:%M"));
    let bytes = crate::export::enterprises_xlsx(all, Some(title)).map_err(WebError::internal)?;
    state
        .store
        .audit()
        .record(&auth.caller, "unit.export", "unit", None, format!("导出{heading}{count}家（不含联系电话）"))
        .await?;
    Ok(super::import::xlsx_response(bytes, &format!("{heading}-{}.xlsx", now.format("%Y%m%d"))))
}

pub fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "enterprise.html")]
struct DetailPage {
    layout: Layout,
    e: Enterprise,
    links: UnitLinks,
    may_edit: bool,
    may_reveal: bool,
    revealed: Option<String>,
    coverage: super::coverage::EnterpriseCoverage,
    /// Organisations whose activities the enterprise's members may join (work coverage).
    orgs: Vec<(i64, String)>,
    park: Option<(i64, String)>,
}

/// The park a unit is in, when the caller may see it.
async fn park_of(state: &AppState, auth: &Auth, e: &Enterprise) -> Option<(i64, String)> {
    let id = e.park_id?;
    state.store.registry().park(&auth.caller, id).await.ok().map(|d| (d.park.id, d.park.name))
}

async fn detail_page(state: &AppState, auth: &Auth, id: UnitId, revealed: Option<String>) -> PageResult {
    let e = state.store.registry().enterprise(&auth.caller, id).await?;
    let links = state.store.registry().unit_links(&auth.caller, id).await?;
    let coverage = super::coverage::enterprise_coverage(state, auth, id).await?;
    let orgs = if coverage.may_assign && !coverage.status.is_org() {
        state
            .store
            .registry()
            .org_tree(&auth.caller, None, false)
            .await?
            .into_iter()
            .map(|o| (o.id.0, o.name))
            .collect()
    } else {
        Vec::new()
    };
    let park = park_of(state, auth, &e).await;
    render(&DetailPage {
        layout: Layout::new(auth, state, "/enterprises"),
        e,
        links,
        may_edit: auth.caller.may(Action::WriteRegistry),
        may_reveal: revealed.is_some() || auth.caller.may(Action::RevealPersonal),
        revealed,
        park,
        coverage,
        orgs,
    })
}

pub async fn detail(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    detail_page(&state, &auth, UnitId(id), None).await
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
    detail_page(&state, &auth, UnitId(id), Some(text)).await
}

fn askama_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct EnterpriseForm {
    /// 单位类型; enterprise when not given.
    pub kind: Option<String>,
    pub name: Option<String>,
    pub uscc: Option<String>,
    pub town: Option<String>,
    pub park: Option<String>,
    pub industry: Option<String>,
    pub employees: Option<String>,
    pub high_tech: Option<String>,
    pub above_scale: Option<String>,
    pub srdi: Option<String>,
    pub listed: Option<String>,
    pub key_project: Option<String>,
    pub founded_on: Option<String>,
    pub address: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
}

impl EnterpriseForm {
    fn from_enterprise(e: &Enterprise) -> EnterpriseForm {
        let b = |v: bool| v.then(|| "1".to_owned());
        EnterpriseForm {
            kind: Some(e.kind.clone()),
            name: Some(e.name.clone()),
            uscc: e.uscc.clone(),
            town: Some(e.town_code.clone()),
            park: None,
            industry: e.industry_code.clone(),
            employees: e.employees.map(|n| n.to_string()),
            high_tech: b(e.high_tech),
            above_scale: b(e.above_scale),
            srdi: Some(
                match e.srdi {
                    SrdiLevel::None => "none",
                    SrdiLevel::Innovative => "innovative",
                    SrdiLevel::Municipal => "municipal",
                    SrdiLevel::National => "national",
                }
                .to_owned(),
            ),
            listed: b(e.listed),
            key_project: b(e.key_project),
            founded_on: e.founded_on.map(|d| d.format("%Y-%m-%d").to_string()),
            address: e.address.clone(),
            contact_name: e.contact_name.clone(),
            contact_phone: None,
        }
    }

    fn kind(&self) -> Result<UnitKind, String> {
        match non_empty(&self.kind) {
            None => Ok(UnitKind::Enterprise),
            Some(code) => UnitKind::parse(code).map_err(|e| e.to_string()),
        }
    }

    /// Parses every field with the parser the register import uses (so "1,200人", 是/否,
    /// an industry by name are accepted here as there), collecting every problem so the user
    /// fixes them in one go.
    fn parse(&self, district: &RegionCode) -> Result<(EnterpriseInput, UnitKind), Vec<String>> {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let raw = RawEnterprise {
            kind: text(&self.kind),
            name: text(&self.name),
            uscc: text(&self.uscc),
            town: text(&self.town),
            park: text(&self.park),
            industry: text(&self.industry),
            employees: text(&self.employees),
            high_tech: text(&self.high_tech),
            above_scale: text(&self.above_scale),
            srdi: text(&self.srdi),
            listed: text(&self.listed),
            key_project: text(&self.key_project),
            founded_on: text(&self.founded_on),
            address: text(&self.address),
            contact_name: text(&self.contact_name),
            contact_phone: text(&self.contact_phone),
        };
        EnterpriseFields::parse(&raw, district).map(|f| (f.input, f.kind)).map_err(|e| e.messages())
    }
}

#[derive(Template)]
#[template(path = "enterprise_form.html")]
struct FormPage {
    layout: Layout,
    form: EnterpriseForm,
    towns: Vec<TownOption>,
    errors: Vec<String>,
    action: String,
    editing: bool,
}

impl FormPage {
    fn checked(&self, v: &Option<String>) -> bool {
        ListQuery::checked(v)
    }
    fn srdi_is(&self, code: &str) -> bool {
        self.form.srdi.as_deref().unwrap_or("none") == code
    }
    fn kinds(&self) -> [UnitKind; 7] {
        UnitKind::ALL
    }
    fn kind_is(&self, kind: &UnitKind) -> bool {
        self.form.kind().unwrap_or(UnitKind::Enterprise) == *kind
    }
    /// 企业 for enterprises, 单位 for the other kinds, in headings and labels.
    fn noun(&self) -> &'static str {
        if self.form.kind().unwrap_or(UnitKind::Enterprise) == UnitKind::Enterprise { "企业" } else { "单位" }
    }
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    kind: Option<String>,
}

pub async fn new_form(State(state): State<AppState>, auth: Auth, Query(q): Query<NewQuery>) -> PageResult {
    auth.require(Action::Import)?;
    let towns = town_options(&state, &auth, None);
    render(&FormPage {
        layout: Layout::new(&auth, &state, "/enterprises"),
        form: EnterpriseForm { kind: q.kind, ..Default::default() },
        towns,
        errors: vec![],
        action: "/enterprises/new".into(),
        editing: false,
    })
}

pub async fn create(State(state): State<AppState>, auth: Auth, Form(form): Form<EnterpriseForm>) -> PageResult {
    auth.require(Action::Import)?;
    let errors = match form.parse(&state.config.district) {
        Ok((input, kind)) => match state.store.registry().create_unit(&auth.caller, input, kind, false).await {
            Ok(id) => return Ok(Redirect::to(&format!("/enterprises/{id}")).into_response()),
            Err(qunlian_store::StoreError::Invalid { field, message }) => vec![format!("{field}：{message}")],
            Err(e) => return Err(e.into()),
        },
        Err(errors) => errors,
    };
    let towns = town_options(&state, &auth, non_empty(&form.town));
    let page = FormPage {
        layout: Layout::new(&auth, &state, "/enterprises"),
        form,
        towns,
        errors,
        action: "/enterprises/new".into(),
        editing: false,
    };
    Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, axum::response::Html(page.render()?)).into_response())
}

pub async fn edit_form(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    auth.require(Action::WriteRegistry)?;
    let e = state.store.registry().enterprise(&auth.caller, UnitId(id)).await?;
    let mut form = EnterpriseForm::from_enterprise(&e);
    // The park goes by name on the form; an empty field would take the unit out of its park.
    form.park = park_of(&state, &auth, &e).await.map(|p| p.1);
    let mut towns = town_options(&state, &auth, Some(&e.town_code));
    keep_town(&mut towns, &e.town_code);
    render(&FormPage {
        layout: Layout::new(&auth, &state, "/enterprises"),
        form,
        towns,
        errors: vec![],
        action: format!("/enterprises/{id}/edit"),
        editing: true,
    })
}

pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(form): Form<EnterpriseForm>,
) -> PageResult {
    auth.require(Action::WriteRegistry)?;
    let errors = match form.parse(&state.config.district) {
        Ok((input, kind)) => {
            match state.store.registry().update_unit(&auth.caller, UnitId(id), input, Some(kind)).await {
                Ok(()) => return Ok(Redirect::to(&format!("/enterprises/{id}")).into_response()),
                Err(qunlian_store::StoreError::Invalid { field, message }) => vec![format!("{field}：{message}")],
                Err(e) => return Err(e.into()),
            }
        }
        Err(errors) => errors,
    };
    let mut towns = town_options(&state, &auth, non_empty(&form.town));
    if let Some(code) = non_empty(&form.town) {
        keep_town(&mut towns, code);
    }
    let page = FormPage {
        layout: Layout::new(&auth, &state, "/enterprises"),
        form,
        towns,
        errors,
        action: format!("/enterprises/{id}/edit"),
        editing: true,
    };
    Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, axum::response::Html(page.render()?)).into_response())
}
