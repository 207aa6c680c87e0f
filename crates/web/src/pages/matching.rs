//! Supply–demand matchmaking (要素对接 / 牵红线) in the browser: offers and needs with their
//! filters (emergency needs on top), publishing and editing them, a listing's ranked matches
//! with the reasons a broker can say aloud, free-text search, introductions (牵线) from
//! suggestion to deal with follow-ups, and the matching-meeting list (要素对接会) to print or
//! export.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect};
use chrono::NaiveDate;
use qunlian_domain::auth::{Action, ClusterId, Role, Scope, UnitId};
use qunlian_domain::codes::CodeError;
use qunlian_domain::matching::{
    IntroductionState, ListingCategory, ListingFields, ListingKind, RawListing, Reach, Urgency,
};
use qunlian_domain::text::compact;
use qunlian_io::xlsx::Cell;
use qunlian_store::matching::{
    Introduction, IntroductionDetail, IntroductionFigures, IntroductionFilter, Listing, ListingFilter, ListingMatch,
    MeetingList, NewFollowUp, NewIntroduction, SearchHit, format_number,
};
use serde::Deserialize;

use super::import::xlsx_response;
use super::lists::text;
use super::{non_empty, parse_date, render};
use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::export::simple_xlsx;
use crate::state::AppState;

/// Rows a list shows; the total above it counts them all.
const SHOWN: u64 = 300;
const ACTIVE: &str = "/listings";

fn may_read(auth: &Auth) -> Result<(), WebError> {
    auth.require(Action::ReadListings)
}

fn coded<T>(v: &Option<String>, parse: impl Fn(&str) -> Result<T, CodeError>) -> Result<Option<T>, WebError> {
    non_empty(v).map(|s| parse(s).map_err(|e| WebError::Invalid(e.to_string()))).transpose()
}

fn kind_param(v: &Option<String>) -> Result<Option<ListingKind>, WebError> {
    coded(v, ListingKind::parse)
}

fn category_param(v: &Option<String>) -> Result<Option<ListingCategory>, WebError> {
    coded(v, ListingCategory::parse)
}

fn urgency_param(v: &Option<String>) -> Result<Option<Urgency>, WebError> {
    coded(v, Urgency::parse)
}

fn id_param(field: &str, v: &Option<String>) -> Result<Option<i64>, WebError> {
    non_empty(v).map(|s| s.parse::<i64>().map_err(|_| WebError::Invalid(format!("{field}：“{s}”不是编号")))).transpose()
}

fn number_param(field: &str, v: &Option<String>) -> Result<Option<f64>, WebError> {
    non_empty(v)
        .map(|s| {
            let c = compact(s).replace([',', '，'], "");
            c.parse::<f64>()
                .ok()
                .filter(|n| n.is_finite() && *n >= 0.0)
                .ok_or_else(|| WebError::Invalid(format!("{field}：“{s}”应为不小于0的数")))
        })
        .transpose()
}

/// What the matchmaking pages' shared sub-navigation needs.
pub struct Nav {
    pub may_publish: bool,
    pub may_broker: bool,
}

impl Nav {
    fn of(auth: &Auth) -> Nav {
        Nav {
            may_publish: auth.caller.may(Action::PublishListings),
            may_broker: auth.caller.may(Action::BrokerIntroductions),
        }
    }
}

pub fn money(v: &f64) -> String {
    format_number(*v)
}

// ---------- the list ----------

#[derive(Deserialize, Default, Clone)]
pub struct ListQuery {
    kind: Option<String>,
    category: Option<String>,
    urgency: Option<String>,
    /// "mine": the enterprises the caller works for.
    scope: Option<String>,
    cluster: Option<String>,
    closed: Option<String>,
}

impl ListQuery {
    fn filter(&self) -> Result<ListingFilter, WebError> {
        Ok(ListingFilter {
            kind: kind_param(&self.kind)?,
            category: category_param(&self.category)?,
            urgency: urgency_param(&self.urgency)?,
            mine: non_empty(&self.scope) == Some("mine"),
            cluster: id_param("集群", &self.cluster)?.map(ClusterId),
            unit: None,
            include_closed: non_empty(&self.closed).is_some(),
        })
    }
    pub fn is(&self, field: &str, value: &str) -> bool {
        let v = match field {
            "kind" => &self.kind,
            "category" => &self.category,
            "urgency" => &self.urgency,
            "scope" => &self.scope,
            _ => &self.closed,
        };
        non_empty(v).unwrap_or("") == value
    }
    pub fn cluster_value(&self) -> &str {
        non_empty(&self.cluster).unwrap_or("")
    }
}

#[derive(Template)]
#[template(path = "listings.html")]
struct ListPage {
    layout: Layout,
    nav: Nav,
    query: ListQuery,
    rows: Vec<Listing>,
    total: u64,
    mine_label: &'static str,
    cluster_name: Option<String>,
    kinds: &'static [ListingKind],
    categories: &'static [ListingCategory],
    urgencies: &'static [Urgency],
}

fn mine_label(auth: &Auth) -> &'static str {
    match auth.caller.scope {
        Scope::Enterprise(_) => "本企业",
        Scope::Cluster(_) => "本集群成员",
        _ => "本辖区企业",
    }
}

pub async fn list(State(state): State<AppState>, auth: Auth, Query(q): Query<ListQuery>) -> PageResult {
    may_read(&auth)?;
    let filter = q.filter()?;
    let (rows, total) = state.store.matching().listings(&auth.caller, &filter, SHOWN).await?;
    let cluster_name = match filter.cluster {
        Some(c) => Some(state.store.registry().cluster(&auth.caller, c).await?.cluster.name),
        None => None,
    };
    render(&ListPage {
        layout: Layout::new(&auth, &state, ACTIVE),
        nav: Nav::of(&auth),
        mine_label: mine_label(&auth),
        query: q,
        rows,
        total,
        cluster_name,
        kinds: &ListingKind::ALL,
        categories: &ListingCategory::ALL,
        urgencies: &Urgency::ALL,
    })
}

// ---------- publishing and editing ----------

/// The form's fields as typed, so a refused form comes back as it was filled.
#[derive(Deserialize, Default, Clone)]
pub struct ListingForm {
    unit_id: Option<String>,
    kind: Option<String>,
    category: Option<String>,
    title: Option<String>,
    description: Option<String>,
    industry_code: Option<String>,
    quantity: Option<String>,
    quantity_unit: Option<String>,
    urgency: Option<String>,
    reach: Option<String>,
    valid_until: Option<String>,
}

impl ListingForm {
    fn of(l: &Listing) -> ListingForm {
        ListingForm {
            unit_id: Some(l.unit_id.to_string()),
            kind: Some(l.kind.code().to_owned()),
            category: Some(l.category.code().to_owned()),
            title: Some(l.title.clone()),
            description: Some(l.description.clone()),
            industry_code: l.industry_code.clone(),
            quantity: l.quantity.map(format_number),
            quantity_unit: l.quantity_unit.clone(),
            urgency: Some(l.urgency.code().to_owned()),
            reach: Some(l.reach.code().to_owned()),
            valid_until: Some(l.valid_until.to_string()),
        }
    }

    /// The parser the API and the import use, so the three accept the same values.
    fn fields(&self) -> Result<ListingFields, WebError> {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        ListingFields::parse(&RawListing {
            kind: text(&self.kind),
            category: text(&self.category),
            title: text(&self.title),
            description: text(&self.description),
            industry_code: text(&self.industry_code),
            quantity: text(&self.quantity),
            unit: text(&self.quantity_unit),
            urgency: text(&self.urgency),
            reach: text(&self.reach),
            valid_until: text(&self.valid_until),
        })
        .map_err(|e| WebError::Invalid(e.to_string()))
    }

    pub fn value<'a>(&'a self, field: &str) -> &'a str {
        let v = match field {
            "unit_id" => &self.unit_id,
            "kind" => &self.kind,
            "category" => &self.category,
            "title" => &self.title,
            "description" => &self.description,
            "industry_code" => &self.industry_code,
            "quantity" => &self.quantity,
            "quantity_unit" => &self.quantity_unit,
            "urgency" => &self.urgency,
            "reach" => &self.reach,
            _ => &self.valid_until,
        };
        v.as_deref().unwrap_or("")
    }
}

#[derive(Template)]
#[template(path = "listing_form.html")]
struct FormPage {
    layout: Layout,
    nav: Nav,
    /// The listing being edited; None when publishing.
    editing: Option<Listing>,
    units: Vec<(i64, String)>,
    q: String,
    f: ListingForm,
    error: Option<String>,
    kinds: &'static [ListingKind],
    categories: &'static [ListingCategory],
    urgencies: &'static [Urgency],
    reaches: &'static [Reach],
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    q: Option<String>,
    kind: Option<String>,
}

async fn form_page(
    state: &AppState,
    auth: &Auth,
    editing: Option<Listing>,
    q: Option<&str>,
    f: ListingForm,
    error: Option<String>,
) -> PageResult {
    let units = if editing.is_some() {
        Vec::new()
    } else {
        state.store.matching().publishable_units(&auth.caller, q, 300).await?
    };
    let page = FormPage {
        layout: Layout::new(auth, state, ACTIVE),
        nav: Nav::of(auth),
        editing,
        units,
        q: q.unwrap_or("").to_owned(),
        f,
        kinds: &ListingKind::ALL,
        categories: &ListingCategory::ALL,
        urgencies: &Urgency::ALL,
        reaches: &Reach::ALL,
        error: error.clone(),
    };
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, Html(page.render()?)).into_response())
}

pub async fn new_form(State(state): State<AppState>, auth: Auth, Query(q): Query<NewQuery>) -> PageResult {
    auth.require(Action::PublishListings)?;
    let default_until = state.store.today() + chrono::Duration::days(90);
    let f = ListingForm {
        kind: Some(non_empty(&q.kind).unwrap_or("need").to_owned()),
        valid_until: Some(default_until.to_string()),
        reach: Some(Reach::District.code().to_owned()),
        ..Default::default()
    };
    form_page(&state, &auth, None, non_empty(&q.q), f, None).await
}

/// A refused form is shown again as filled, with the reason; other errors are errors.
async fn refused(state: &AppState, auth: &Auth, editing: Option<Listing>, f: ListingForm, e: WebError) -> PageResult {
    match e {
        WebError::Invalid(message) => form_page(state, auth, editing, None, f, Some(message)).await,
        other => Err(other),
    }
}

pub async fn create(State(state): State<AppState>, auth: Auth, Form(f): Form<ListingForm>) -> PageResult {
    auth.require(Action::PublishListings)?;
    let unit = match (&auth.caller.scope, id_param("企业", &f.unit_id)) {
        (Scope::Enterprise(u), _) => Ok(*u),
        (_, Ok(Some(u))) => Ok(UnitId(u)),
        (_, Ok(None)) => Err(WebError::Invalid("企业：请选择".into())),
        (_, Err(e)) => Err(e),
    };
    let result = match (unit, f.fields()) {
        (Ok(unit), Ok(fields)) => {
            state.store.matching().publish(&auth.caller, unit, fields, false).await.map_err(WebError::from)
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    match result {
        Ok(id) => {
            state.sync_index().await;
            Ok(Redirect::to(&format!("/listings/{id}")).into_response())
        }
        Err(e) => refused(&state, &auth, None, f, e).await,
    }
}

pub async fn edit_form(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    let l = state.store.matching().listing_for_edit(&auth.caller, id).await?;
    let f = ListingForm::of(&l);
    form_page(&state, &auth, Some(l), None, f, None).await
}

pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<ListingForm>,
) -> PageResult {
    let l = state.store.matching().listing_for_edit(&auth.caller, id).await?;
    let result = match f.fields() {
        Ok(fields) => state.store.matching().update_listing(&auth.caller, id, fields).await.map_err(WebError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => {
            state.sync_index().await;
            Ok(Redirect::to(&format!("/listings/{id}")).into_response())
        }
        Err(e) => refused(&state, &auth, Some(l), f, e).await,
    }
}

pub async fn close(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    state.store.matching().set_listing_open(&auth.caller, id, false).await?;
    state.sync_index().await;
    Ok(Redirect::to(&format!("/listings/{id}")).into_response())
}

pub async fn reopen(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    state.store.matching().set_listing_open(&auth.caller, id, true).await?;
    state.sync_index().await;
    Ok(Redirect::to(&format!("/listings/{id}")).into_response())
}

// ---------- one listing and its matches ----------

#[derive(Template)]
#[template(path = "listing.html")]
struct DetailPage {
    layout: Layout,
    nav: Nav,
    l: Listing,
    may_edit: bool,
    matches: Vec<ListingMatch>,
    introductions: Vec<Introduction>,
}

impl DetailPage {
    /// The (need, offer) pair of this listing and a match.
    fn pair(&self, m: &ListingMatch) -> (i64, i64) {
        if self.l.kind == ListingKind::Need { (self.l.id, m.listing.id) } else { (m.listing.id, self.l.id) }
    }
}

pub async fn detail(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    may_read(&auth)?;
    let l = state.store.matching().listing(&auth.caller, id).await?;
    let matches = state.store.matching().matches(&auth.caller, state.index()?, id, 10).await?;
    let introductions = state
        .store
        .matching()
        .introductions(&auth.caller, &IntroductionFilter { listing: Some(id), ..Default::default() })
        .await?;
    render(&DetailPage {
        layout: Layout::new(&auth, &state, ACTIVE),
        nav: Nav::of(&auth),
        may_edit: state.store.matching().may_edit_listing(&auth.caller, &l).await?,
        l,
        matches,
        introductions,
    })
}

// ---------- search ----------

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    q: Option<String>,
    kind: Option<String>,
}

#[derive(Template)]
#[template(path = "listing_search.html")]
struct SearchPage {
    layout: Layout,
    nav: Nav,
    q: String,
    kind: String,
    hits: Vec<SearchHit>,
    searched: bool,
}

pub async fn search(State(state): State<AppState>, auth: Auth, Query(q): Query<SearchQuery>) -> PageResult {
    may_read(&auth)?;
    let kind = kind_param(&q.kind)?;
    let text = non_empty(&q.q).unwrap_or("").to_owned();
    let hits = if text.is_empty() {
        Vec::new()
    } else {
        state.store.matching().search(&auth.caller, state.index()?, &text, kind, 50).await?
    };
    render(&SearchPage {
        layout: Layout::new(&auth, &state, ACTIVE),
        nav: Nav::of(&auth),
        searched: !text.is_empty(),
        q: text,
        kind: kind.map(|k| k.code().to_owned()).unwrap_or_default(),
        hits,
    })
}

// ---------- introductions ----------

#[derive(Deserialize, Default, Clone)]
pub struct IntroQuery {
    state: Option<String>,
    cluster: Option<String>,
}

impl IntroQuery {
    fn filter(&self) -> Result<IntroductionFilter, WebError> {
        let state = coded(&self.state, IntroductionState::parse)?;
        Ok(IntroductionFilter {
            state, cluster: id_param("集群", &self.cluster)?.map(ClusterId), ..Default::default()
        })
    }
    pub fn state_is(&self, s: &str) -> bool {
        non_empty(&self.state).unwrap_or("") == s
    }
    pub fn cluster_value(&self) -> &str {
        non_empty(&self.cluster).unwrap_or("")
    }
}

#[derive(Template)]
#[template(path = "introductions.html")]
struct IntroListPage {
    layout: Layout,
    nav: Nav,
    query: IntroQuery,
    rows: Vec<Introduction>,
    figures: IntroductionFigures,
    cluster_name: Option<String>,
    states: &'static [IntroductionState],
}

pub async fn introductions(State(state): State<AppState>, auth: Auth, Query(q): Query<IntroQuery>) -> PageResult {
    may_read(&auth)?;
    let filter = q.filter()?;
    let rows = state.store.matching().introductions(&auth.caller, &filter).await?;
    let figures = state
        .store
        .matching()
        .introduction_figures(&auth.caller, &IntroductionFilter { state: None, ..filter.clone() })
        .await?;
    let cluster_name = match filter.cluster {
        Some(c) => Some(state.store.registry().cluster(&auth.caller, c).await?.cluster.name),
        None => None,
    };
    render(&IntroListPage {
        layout: Layout::new(&auth, &state, ACTIVE),
        nav: Nav::of(&auth),
        query: q,
        rows,
        figures,
        cluster_name,
        states: &IntroductionState::ALL,
    })
}

#[derive(Deserialize)]
pub struct NewIntroForm {
    need_listing: Option<String>,
    offer_listing: Option<String>,
    state: Option<String>,
    note: Option<String>,
}

pub async fn introduce(State(state): State<AppState>, auth: Auth, Form(f): Form<NewIntroForm>) -> PageResult {
    auth.require(Action::BrokerIntroductions)?;
    let need = id_param("需求", &f.need_listing)?.ok_or_else(|| WebError::Invalid("需求：请选择".into()))?;
    let offer = id_param("供给", &f.offer_listing)?.ok_or_else(|| WebError::Invalid("供给：请选择".into()))?;
    let to = match non_empty(&f.state) {
        None => IntroductionState::Introduced,
        Some(s) => IntroductionState::parse(s).map_err(|e| WebError::Invalid(e.to_string()))?,
    };
    let id = state
        .store
        .matching()
        .introduce(
            &auth.caller,
            NewIntroduction {
                need_listing: need,
                offer_listing: offer,
                state: to,
                note: non_empty(&f.note).unwrap_or("").to_owned(),
                is_demo: false,
            },
        )
        .await?;
    Ok(Redirect::to(&format!("/introductions/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "introduction.html")]
struct IntroPage {
    layout: Layout,
    nav: Nav,
    d: IntroductionDetail,
    i: Introduction,
    may_broker: bool,
    today: String,
}

pub async fn introduction(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    may_read(&auth)?;
    let d = state.store.matching().introduction(&auth.caller, id).await?;
    render(&IntroPage {
        layout: Layout::new(&auth, &state, ACTIVE),
        nav: Nav::of(&auth),
        may_broker: auth.caller.may(Action::BrokerIntroductions),
        i: d.introduction.clone(),
        d,
        today: state.store.today().to_string(),
    })
}

#[derive(Deserialize)]
pub struct StepForm {
    to: Option<String>,
    deal_value: Option<String>,
    reason: Option<String>,
    note: Option<String>,
}

pub async fn step(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<StepForm>,
) -> PageResult {
    auth.require(Action::BrokerIntroductions)?;
    let to = coded(&f.to, IntroductionState::parse)?.ok_or_else(|| WebError::Invalid("状态：请选择下一步".into()))?;
    let value = number_param("成交金额", &f.deal_value)?;
    state
        .store
        .matching()
        .introduction_step(&auth.caller, id, to, value, non_empty(&f.reason), non_empty(&f.note).unwrap_or(""))
        .await?;
    Ok(Redirect::to(&format!("/introductions/{id}")).into_response())
}

#[derive(Deserialize)]
pub struct FollowUpForm {
    on: Option<String>,
    annual_sales: Option<String>,
    delivery_quantity: Option<String>,
    delivery_note: Option<String>,
    note: Option<String>,
}

pub async fn followup(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<FollowUpForm>,
) -> PageResult {
    auth.require(Action::BrokerIntroductions)?;
    let new = NewFollowUp {
        on: parse_date("日期", &f.on)?,
        annual_sales_wan: number_param("年销售额", &f.annual_sales)?,
        delivery_quantity: number_param("交付数量", &f.delivery_quantity)?,
        delivery_note: non_empty(&f.delivery_note).unwrap_or("").to_owned(),
        note: non_empty(&f.note).unwrap_or("").to_owned(),
    };
    state.store.matching().add_followup(&auth.caller, id, new).await?;
    Ok(Redirect::to(&format!("/introductions/{id}#followups")).into_response())
}

// ---------- the matching meeting ----------

#[derive(Deserialize, Default)]
pub struct MeetingQuery {
    cluster: Option<String>,
    date: Option<String>,
}

/// Best counterparts per need on a meeting list.
const PER_NEED: usize = 3;

async fn meeting(
    state: &AppState,
    auth: &Auth,
    q: &MeetingQuery,
) -> Result<(NaiveDate, Option<MeetingList>), WebError> {
    may_read(auth)?;
    let date = parse_date("日期", &q.date)?.unwrap_or_else(|| state.store.today());
    let cluster = match (id_param("集群", &q.cluster)?, &auth.caller.scope) {
        (Some(c), _) => Some(ClusterId(c)),
        (None, Scope::Cluster(c)) => Some(*c),
        (None, _) => None,
    };
    let list = match cluster {
        Some(c) => Some(state.store.matching().meeting_list(&auth.caller, state.index()?, c, date, PER_NEED).await?),
        None => None,
    };
    Ok((date, list))
}

#[derive(Template)]
#[template(path = "meeting.html")]
struct MeetingPage {
    layout: Layout,
    nav: Nav,
    clusters: Vec<(i64, String)>,
    date: NaiveDate,
    list: Option<MeetingList>,
}

impl MeetingPage {
    fn selected(&self, id: &i64) -> bool {
        self.list.as_ref().is_some_and(|l| l.cluster_id == *id)
    }
}

pub async fn meeting_page(State(state): State<AppState>, auth: Auth, Query(q): Query<MeetingQuery>) -> PageResult {
    let (date, list) = meeting(&state, &auth, &q).await?;
    let clusters =
        state.store.registry().list_clusters(&auth.caller, None).await?.into_iter().map(|c| (c.id.0, c.name)).collect();
    render(&MeetingPage { layout: Layout::new(&auth, &state, ACTIVE), nav: Nav::of(&auth), clusters, date, list })
}

#[derive(Template)]
#[template(path = "meeting_print.html")]
struct MeetingPrint {
    list: MeetingList,
    printed: String,
    demo: bool,
}

pub async fn meeting_print(State(state): State<AppState>, auth: Auth, Query(q): Query<MeetingQuery>) -> PageResult {
    let (_, list) = meeting(&state, &auth, &q).await?;
    let list = list.ok_or_else(|| WebError::Invalid("集群：请选择".into()))?;
    let printed = (state.store.now() + chrono::Duration::hours(8)).format("%Y-%m-%d %H:%M").to_string();
    render(&MeetingPrint { list, printed, demo: state.config.demo })
}

pub async fn meeting_xlsx(State(state): State<AppState>, auth: Auth, Query(q): Query<MeetingQuery>) -> PageResult {
    let (_, list) = meeting(&state, &auth, &q).await?;
    let list = list.ok_or_else(|| WebError::Invalid("集群：请选择".into()))?;
    let rows = list
        .pairs
        .iter()
        .enumerate()
        .map(|(i, p)| {
            vec![
                Cell::Int(i as i64 + 1),
                text(p.need.unit_name.clone()),
                text(p.need.title.clone()),
                text(p.need.urgency.label()),
                text(p.offer.unit_name.clone()),
                text(p.offer.title.clone()),
                Cell::Num((p.score * 1000.0).round() / 1000.0),
                text(p.sentence.clone()),
                text(p.introduction.map(|(_, s)| s.label()).unwrap_or("")),
            ]
        })
        .collect();
    let columns = [
        ("序号", 6.0),
        ("需求企业", 30.0),
        ("需求", 30.0),
        ("紧急程度", 9.0),
        ("供给企业", 30.0),
        ("供给", 30.0),
        ("匹配度", 8.0),
        ("推荐理由", 50.0),
        ("牵线状态", 10.0),
    ];
    let count = list.pairs.len();
    let title = format!("{} 要素对接会清单（{}，{} 项需求，{} 对推荐）", list.cluster, list.date, list.needs, count);
    let bytes = simple_xlsx("要素对接会清单", title, &columns, rows).map_err(WebError::internal)?;
    state
        .store
        .audit()
        .record(
            &auth.caller,
            "export",
            "meeting_list",
            Some(list.cluster_id.to_string()),
            format!("导出“{}”{}要素对接会清单{count}对", list.cluster, list.date),
        )
        .await?;
    Ok(xlsx_response(bytes, &format!("要素对接会清单-{}.xlsx", list.date.format("%Y%m%d"))))
}

/// A cluster's introductions in figures, for its page; None for roles that do not read
/// listings.
pub async fn cluster_figures(state: &AppState, auth: &Auth, id: i64) -> Result<Option<IntroductionFigures>, WebError> {
    if !auth.caller.may(Action::ReadListings) {
        return Ok(None);
    }
    let filter = IntroductionFilter { cluster: Some(ClusterId(id)), ..Default::default() };
    Ok(Some(state.store.matching().introduction_figures(&auth.caller, &filter).await?))
}

/// Open emergency needs of the members, for the workbench of a cluster secretary (the
/// owners' clusters' secretaries are who must act); None for other roles.
pub async fn emergency_needs(state: &AppState, auth: &Auth) -> Result<Option<u64>, WebError> {
    if auth.caller.role != Role::ClusterSecretary {
        return Ok(None);
    }
    Ok(Some(state.store.matching().emergency_needs_count(&auth.caller).await?))
}
