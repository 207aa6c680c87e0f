//! Policy pages (惠企政策): the library with its filters, a policy with its matching
//! enterprises, the push in three steps (choose → preview → confirm), a push's receipts, and
//! the enterprise's own list (免申即享) where opening a policy marks it read.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use chrono::{NaiveDate, Utc};
use qunlian_domain::RegionCode;
use qunlian_domain::auth::{Action, ClusterId, Role, Scope};
use qunlian_domain::policies::{PolicyFields, RawPolicy};
use qunlian_domain::rules::VOCABULARY;
use qunlian_store::policies::{
    EligibleEnterprise, MyPolicy, NewPolicy, Policy, PolicyFilter, PushDetail, PushPreview, PushSummary, PushTarget,
    Recipient, Validity,
};
use qunlian_store::{Page, PageRequest};
use serde::Deserialize;

use super::{non_empty, render};
use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;

const ACTIVE: &str = "/policies";

/// Whether the caller reads push records (everyone who reads the registry but enterprises).
fn reads_pushes(auth: &Auth) -> bool {
    auth.caller.may(Action::ReadRegistry) && auth.caller.role != Role::EnterpriseContact
}

/// The department a service officer or department head is confined to; None for the
/// district admin.
fn own_department(auth: &Auth) -> Option<i64> {
    match &auth.caller.scope {
        Scope::Department(d) => Some(d.0),
        _ => None,
    }
}

fn may_edit(auth: &Auth, p: &Policy) -> bool {
    auth.caller.may(Action::ManagePolicies) && own_department(auth).is_none_or(|d| d == p.department_id)
}

pub struct SelectOption {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

async fn department_options(
    state: &AppState,
    auth: &Auth,
    selected: Option<i64>,
) -> Result<Vec<SelectOption>, WebError> {
    let own = own_department(auth);
    Ok(state
        .store
        .services()
        .departments()
        .await?
        .into_iter()
        .filter(|(id, _)| own.is_none_or(|d| d == *id))
        .map(|(id, name)| SelectOption { value: id.to_string(), label: name, selected: selected == Some(id) })
        .collect())
}

// ---------- library ----------

#[derive(Deserialize, Default)]
pub struct ListQuery {
    validity: Option<String>,
    department: Option<String>,
    q: Option<String>,
}

pub struct Row {
    pub policy: Policy,
    pub validity: Validity,
}

#[derive(Template)]
#[template(path = "policies.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<Row>,
    departments: Vec<SelectOption>,
    validity: String,
    q: String,
    pushes: Vec<PushSummary>,
    may_manage: bool,
    may_push: bool,
    reads_pushes: bool,
    today: NaiveDate,
}

pub async fn list(State(state): State<AppState>, auth: Auth, Query(q): Query<ListQuery>) -> PageResult {
    auth.require(Action::ReadRegistry)?;
    let validity = match non_empty(&q.validity) {
        None => Some(Validity::Valid),
        Some("all") => None,
        Some(v) => Some(Validity::parse(v).map_err(|e| WebError::Invalid(e.to_string()))?),
    };
    let department = non_empty(&q.department).and_then(|d| d.parse().ok());
    let filter = PolicyFilter { validity, department, q: non_empty(&q.q).map(str::to_owned) };
    let today = state.store.today();
    let rows = state
        .store
        .policies()
        .list(&auth.caller, &filter)
        .await?
        .into_iter()
        .map(|p| Row { validity: p.validity_on(today), policy: p })
        .collect();
    let pushes = if reads_pushes(&auth) {
        state.store.policies().policy_pushes(&auth.caller).await?.into_iter().take(20).collect()
    } else {
        Vec::new()
    };
    let departments = state
        .store
        .services()
        .departments()
        .await?
        .into_iter()
        .map(|(id, name)| SelectOption { value: id.to_string(), label: name, selected: department == Some(id) })
        .collect();
    render(&ListPage {
        layout: Layout::new(&auth, &state, ACTIVE),
        rows,
        departments,
        validity: validity.map_or("all", |v| v.code()).to_owned(),
        q: non_empty(&q.q).unwrap_or("").to_owned(),
        pushes,
        may_manage: auth.caller.may(Action::ManagePolicies),
        may_push: auth.caller.may(Action::PushPolicies),
        reads_pushes: reads_pushes(&auth),
        today,
    })
}

// ---------- one policy ----------

#[derive(Deserialize)]
pub struct PolicyForm {
    title: Option<String>,
    department: Option<String>,
    doc_number: Option<String>,
    valid_from: Option<String>,
    valid_until: Option<String>,
    content: Option<String>,
    rule: Option<String>,
}

impl PolicyForm {
    /// Checked by the domain's policy parser (every problem at once); the store then checks
    /// the department and resolves the rule's categories.
    fn to_new(&self) -> Result<NewPolicy, WebError> {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let f = PolicyFields::parse(&RawPolicy {
            title: text(&self.title),
            department: text(&self.department),
            doc_number: text(&self.doc_number),
            valid_from: text(&self.valid_from),
            valid_until: text(&self.valid_until),
            content: text(&self.content),
            rule: text(&self.rule),
        })
        .map_err(|e| WebError::Invalid(e.to_string()))?;
        Ok(NewPolicy {
            title: f.title,
            department_id: f.department_id,
            doc_number: f.doc_number,
            valid_from: f.valid_from,
            valid_until: f.valid_until,
            content: f.content,
            rule: f.rule.to_string(),
            is_demo: false,
        })
    }
}

#[derive(Template)]
#[template(path = "policy_form.html")]
struct FormPage {
    layout: Layout,
    departments: Vec<SelectOption>,
    vocabulary: &'static str,
    today: NaiveDate,
}

pub async fn new_form(State(state): State<AppState>, auth: Auth) -> PageResult {
    auth.require(Action::ManagePolicies)?;
    render(&FormPage {
        layout: Layout::new(&auth, &state, ACTIVE),
        departments: department_options(&state, &auth, own_department(&auth)).await?,
        vocabulary: VOCABULARY,
        today: state.store.today(),
    })
}

pub async fn create(State(state): State<AppState>, auth: Auth, Form(f): Form<PolicyForm>) -> PageResult {
    auth.require(Action::ManagePolicies)?;
    let id = state.store.policies().save(&auth.caller, None, f.to_new()?).await?;
    Ok(Redirect::to(&format!("/policies/{id}")).into_response())
}

pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<PolicyForm>,
) -> PageResult {
    auth.require(Action::ManagePolicies)?;
    let id = state.store.policies().save(&auth.caller, Some(id), f.to_new()?).await?;
    Ok(Redirect::to(&format!("/policies/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "policy.html")]
struct DetailPage {
    layout: Layout,
    p: Policy,
    validity: Validity,
    matching: u64,
    may_edit: bool,
    may_push: bool,
    departments: Vec<SelectOption>,
    vocabulary: &'static str,
}

pub async fn detail(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    if auth.caller.role == Role::EnterpriseContact {
        return Ok(Redirect::to(&format!("/my/policies/{id}")).into_response());
    }
    auth.require(Action::ReadRegistry)?;
    let p = state.store.policies().policy(&auth.caller, id).await?;
    let matching = state.store.policies().match_count(&auth.caller, id).await?;
    let may_edit = may_edit(&auth, &p);
    let departments =
        if may_edit { department_options(&state, &auth, Some(p.department_id)).await? } else { Vec::new() };
    render(&DetailPage {
        layout: Layout::new(&auth, &state, ACTIVE),
        validity: p.validity_on(state.store.today()),
        p,
        matching,
        may_edit,
        may_push: auth.caller.may(Action::PushPolicies),
        departments,
        vocabulary: VOCABULARY,
    })
}

#[derive(Deserialize, Default)]
pub struct PageQuery {
    page: Option<u64>,
    read: Option<String>,
}

#[derive(Template)]
#[template(path = "policy_enterprises.html")]
struct EnterprisesPage {
    layout: Layout,
    p: Policy,
    list: Page<EligibleEnterprise>,
}

pub async fn enterprises(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<PageQuery>,
) -> PageResult {
    auth.require(Action::ReadRegistry)?;
    if auth.caller.role == Role::EnterpriseContact {
        return Err(WebError::Forbidden);
    }
    let p = state.store.policies().policy(&auth.caller, id).await?;
    let list = state.store.policies().enterprises(&auth.caller, id, PageRequest::new(q.page, Some(100))).await?;
    render(&EnterprisesPage { layout: Layout::new(&auth, &state, ACTIVE), p, list })
}

// ---------- push ----------

/// The push form's fields. Several `policy` fields come in one request, which a struct
/// cannot take, so the pairs are read as they are.
struct PushForm {
    policies: Vec<i64>,
    target: String,
    title: String,
}

impl PushForm {
    fn from_pairs(pairs: Vec<(String, String)>) -> PushForm {
        let mut f = PushForm { policies: Vec::new(), target: "own".into(), title: String::new() };
        for (k, v) in pairs {
            match k.as_str() {
                "policy" => f.policies.extend(v.trim().parse::<i64>().ok()),
                "target" => f.target = v,
                "title" => f.title = v,
                _ => {}
            }
        }
        f
    }

    fn target(&self) -> Result<PushTarget, WebError> {
        PushTarget::from_code(&self.target).map_err(|e| WebError::Invalid(e.to_string()))
    }
}

pub struct Choice {
    pub policy: Policy,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "policy_push.html")]
struct PushPage {
    layout: Layout,
    choices: Vec<Choice>,
    targets: Vec<SelectOption>,
    title: String,
    preview: Option<PushPreview>,
    chosen: Vec<i64>,
    target: String,
}

async fn target_options(state: &AppState, auth: &Auth, selected: &str) -> Result<Vec<SelectOption>, WebError> {
    let own = match &auth.caller.scope {
        Scope::All => "全部企业".to_owned(),
        Scope::Region(r) => format!("{}（本辖区全部）", r.name()),
        Scope::Cluster(_) => "本集群全部成员企业".to_owned(),
        _ => "本人权限范围".to_owned(),
    };
    let mut out = vec![SelectOption { value: "own".into(), label: own, selected: selected == "own" }];
    let towns: Vec<RegionCode> = match &auth.caller.scope {
        Scope::Region(r) if r.level() == qunlian_domain::region::RegionLevel::Town => Vec::new(),
        Scope::Region(r) => r.children().collect(),
        Scope::All => state.config.district.children().collect(),
        _ => Vec::new(),
    };
    for t in towns {
        let value = PushTarget::Town(t).code();
        out.push(SelectOption { selected: selected == value, label: format!("街镇：{}", t.name()), value });
    }
    for c in state.store.registry().list_clusters(&auth.caller, None).await? {
        let value = PushTarget::Cluster(ClusterId(c.id.0)).code();
        out.push(SelectOption { selected: selected == value, label: format!("集群：{}", c.name), value });
    }
    Ok(out)
}

async fn push_page(
    state: &AppState,
    auth: &Auth,
    form: PushForm,
    preview: Option<PushPreview>,
) -> Result<PushPage, WebError> {
    let valid = state
        .store
        .policies()
        .list(&auth.caller, &PolicyFilter { validity: Some(Validity::Valid), ..Default::default() })
        .await?;
    Ok(PushPage {
        layout: Layout::new(auth, state, ACTIVE),
        choices: valid.into_iter().map(|p| Choice { checked: form.policies.contains(&p.id), policy: p }).collect(),
        targets: target_options(state, auth, &form.target).await?,
        title: form.title,
        preview,
        chosen: form.policies,
        target: form.target,
    })
}

/// Step 1: choose policies (`?policy=ID` preselects) and a scope.
pub async fn push_form(
    State(state): State<AppState>,
    auth: Auth,
    Query(pairs): Query<Vec<(String, String)>>,
) -> PageResult {
    auth.require(Action::PushPolicies)?;
    render(&push_page(&state, &auth, PushForm::from_pairs(pairs), None).await?)
}

/// Step 2: how many enterprises each policy would reach; nothing is sent yet.
pub async fn push_preview(
    State(state): State<AppState>,
    auth: Auth,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    auth.require(Action::PushPolicies)?;
    let form = PushForm::from_pairs(pairs);
    let preview = state.store.policies().preview_push(&auth.caller, &form.policies, &form.target()?).await?;
    render(&push_page(&state, &auth, form, Some(preview)).await?)
}

/// Step 3: send.
pub async fn push(State(state): State<AppState>, auth: Auth, Form(pairs): Form<Vec<(String, String)>>) -> PageResult {
    auth.require(Action::PushPolicies)?;
    let form = PushForm::from_pairs(pairs);
    let id =
        state.store.policies().push_policies(&auth.caller, &form.title, &form.policies, &form.target()?, false).await?;
    Ok(Redirect::to(&format!("/policies/pushes/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "policy_push_detail.html")]
struct PushDetailPage {
    layout: Layout,
    d: PushDetail,
    list: Page<Recipient>,
    read: String,
}

fn read_filter(read: &Option<String>) -> Option<bool> {
    match non_empty(read) {
        Some("1") => Some(true),
        Some("0") => Some(false),
        _ => None,
    }
}

pub async fn push_detail(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<PageQuery>,
) -> PageResult {
    let d = state.store.policies().policy_push(&auth.caller, id).await?;
    let read = read_filter(&q.read);
    let list =
        state.store.policies().push_recipients(&auth.caller, id, read, PageRequest::new(q.page, Some(100))).await?;
    render(&PushDetailPage {
        layout: Layout::new(&auth, &state, ACTIVE),
        d,
        list,
        read: read.map_or("", |r| if r { "1" } else { "0" }).to_owned(),
    })
}

// ---------- the enterprise's own list ----------

#[derive(Template)]
#[template(path = "my_policies.html")]
struct MyListPage {
    layout: Layout,
    items: Vec<MyPolicy>,
    unread: usize,
}

pub async fn my_list(State(state): State<AppState>, auth: Auth) -> PageResult {
    let items = state.store.policies().my_policies(&auth.caller).await?;
    let unread = items.iter().filter(|m| m.unread).count();
    render(&MyListPage { layout: Layout::new(&auth, &state, "/my/policies"), items, unread })
}

#[derive(Template)]
#[template(path = "my_policy.html")]
struct MyPolicyPage {
    layout: Layout,
    m: MyPolicy,
}

pub async fn my_policy(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    let m = state.store.policies().open_my_policy(&auth.caller, id).await?;
    render(&MyPolicyPage { layout: Layout::new(&auth, &state, "/my/policies"), m })
}

/// Beijing time for display.
pub fn cst(t: &chrono::DateTime<Utc>) -> String {
    (*t + chrono::Duration::hours(8)).format("%Y-%m-%d %H:%M").to_string()
}

/// Pages that show times: `{{ self.at(t) }}` in Beijing time.
macro_rules! shows_times {
    ($($page:ty),*) => {$(
        impl $page {
            fn at(&self, t: &chrono::DateTime<Utc>) -> String {
                cst(t)
            }
        }
    )*};
}
shows_times!(ListPage, PushDetailPage, MyListPage, MyPolicyPage);
