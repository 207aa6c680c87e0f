use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use qunlian_domain::auth::{Action, ClusterId, Scope, UnitId};
use qunlian_domain::registry::{OfficerRole, OrgForm, OrgKind, UnitKind};
use qunlian_store::registry::{Cluster, ClusterDetail, ClusterEdit};
use qunlian_store::registry::{EnterpriseFilter, EnterpriseSort, NewCluster, NewOfficer, NewOrg};
use serde::Deserialize;

use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::forms::{coded, non_empty, parse_date, parsed};
use crate::support::render;
use crate::support::towns::town_options;
use crate::support::{render_refused, saved_or_again};

#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
}

#[derive(Template)]
#[template(path = "registry/clusters.html")]
struct ListPage {
    layout: Layout,
    clusters: Vec<Cluster>,
    q: String,
    may_create: bool,
}

pub async fn list(State(state): State<AppState>, auth: Auth, Query(query): Query<ListQuery>) -> PageResult {
    let clusters = state.store.registry().list_clusters(&auth.caller, non_empty(&query.q)).await?;
    render(&ListPage {
        layout: Layout::new(&auth, &state, "/clusters"),
        clusters,
        q: non_empty(&query.q).unwrap_or("").to_owned(),
        may_create: auth.caller.may(Action::Import),
    })
}

#[derive(Template)]
#[template(path = "registry/cluster.html")]
struct DetailPage {
    layout: Layout,
    d: ClusterDetail,
    may_edit: bool,
    error: Option<String>,
    departments: Vec<(i64, String)>,
    today: String,
    /// Its introductions and their deal value (要素对接), for those who read listings.
    brokering: Option<qunlian_store::matching::IntroductionFigures>,
    powers: Option<qunlian_store::bodies::ClusterPowers>,
}

/// Government departments that second part-time deputy secretaries (兼职副书记).
async fn departments(state: &AppState, auth: &Auth) -> Result<Vec<(i64, String)>, WebError> {
    let filter = EnterpriseFilter { kind: Some(UnitKind::Government), ..Default::default() };
    Ok(state
        .store
        .registry()
        .all_enterprises(&auth.caller, &filter, EnterpriseSort::Name, false)
        .await?
        .into_iter()
        .map(|d| (d.id.0, d.name))
        .collect())
}

pub async fn detail(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    let d = state.store.registry().cluster(&auth.caller, ClusterId(id)).await?;
    let departments = departments(&state, &auth).await?;
    render(&DetailPage {
        layout: Layout::new(&auth, &state, "/clusters"),
        d,
        may_edit: may_manage(&auth),
        error: None,
        departments,
        today: state.store.today().format("%Y-%m-%d").to_string(),
        brokering: crate::support::sections::cluster_figures(&state, &auth, id).await?,
        powers: crate::support::sections::cluster_section(&state, &auth, id).await?,
    })
}

/// Clusters are run by area administrators and their own secretaries; the store decides
/// for each cluster, this only decides which forms to offer.
fn may_manage(auth: &Auth) -> bool {
    auth.caller.may(Action::WriteRegistry)
        && matches!(auth.caller.scope, Scope::All | Scope::Region(_) | Scope::Cluster(_))
}

#[derive(Deserialize)]
pub struct MemberForm {
    uscc: Option<String>,
    head: Option<String>,
    joined_on: Option<String>,
}

pub async fn add_member(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<MemberForm>,
) -> PageResult {
    cluster_form(&state, &auth, id, "members", async || {
        let uscc = parsed(qunlian_domain::Uscc::parse(non_empty(&f.uscc).unwrap_or("")))?;
        let e = state
            .store
            .registry()
            .enterprise_by_uscc(&auth.caller, uscc.as_str())
            .await
            .map_err(|_| WebError::Invalid(format!("统一社会信用代码：{uscc} 未登记，或不在您的权限范围内")))?;
        let joined = parse_date("加入日期", &f.joined_on)?.or(Some(state.store.today()));
        state
            .store
            .registry()
            .add_cluster_member(&auth.caller, ClusterId(id), e.id, non_empty(&f.head).is_some(), joined)
            .await?;
        Ok(())
    })
    .await
}

/// A form of the cluster's page, for those who may edit the cluster (asked first, so that
/// one who may not is refused as such and not shown the form again): `work` does what was
/// typed; then back to the page's section `anchor`, or the page again with the refusal.
async fn cluster_form(
    state: &AppState,
    auth: &Auth,
    id: i64,
    anchor: &str,
    work: impl AsyncFnOnce() -> Result<(), WebError>,
) -> PageResult {
    state.store.registry().cluster_for_write(&auth.caller, ClusterId(id)).await?;
    let done = work().await;
    saved_or_again(done.map(|()| format!("/clusters/{id}#{anchor}")), |msg| detail_with_error(state, auth, id, msg))
        .await
}

async fn detail_with_error(state: &AppState, auth: &Auth, id: i64, msg: String) -> PageResult {
    let d = state.store.registry().cluster(&auth.caller, ClusterId(id)).await?;
    let departments = departments(state, auth).await?;
    let page = DetailPage {
        layout: Layout::new(auth, state, "/clusters"),
        d,
        may_edit: true,
        error: Some(msg),
        departments,
        today: state.store.today().format("%Y-%m-%d").to_string(),
        brokering: crate::support::sections::cluster_figures(state, auth, id).await?,
        powers: crate::support::sections::cluster_section(state, auth, id).await?,
    };
    render_refused(&page)
}

#[derive(Deserialize)]
pub struct OfficerForm {
    name: Option<String>,
    role: Option<String>,
    title: Option<String>,
    seconded_from: Option<String>,
    phone: Option<String>,
}

pub async fn add_officer(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<OfficerForm>,
) -> PageResult {
    cluster_form(&state, &auth, id, "officers", async || {
        let phone = non_empty(&f.phone).map(|p| parsed(qunlian_domain::Phone::parse(p))).transpose()?;
        let role = match non_empty(&f.role) {
            Some(r) => parsed(OfficerRole::parse(r))?,
            None => return Err(WebError::Invalid("职务：请选择".into())),
        };
        let officer = NewOfficer {
            name: non_empty(&f.name).unwrap_or("").to_owned(),
            role,
            title: non_empty(&f.title).unwrap_or("").to_owned(),
            seconded_from: non_empty(&f.seconded_from).and_then(|s| s.parse().ok()).map(UnitId),
            phone,
            since: Some(state.store.today()),
        };
        Ok(state.store.registry().add_cluster_officer(&auth.caller, ClusterId(id), officer).await?)
    })
    .await
}

#[derive(Template)]
#[template(path = "registry/cluster_form.html")]
struct NewPage {
    layout: Layout,
    towns: Vec<crate::support::forms::Choice>,
    error: Option<String>,
}

pub async fn new_form(State(state): State<AppState>, auth: Auth) -> PageResult {
    auth.require(Action::Import)?;
    let towns = town_options(&state, &auth, None);
    render(&NewPage { layout: Layout::new(&auth, &state, "/clusters"), towns, error: None })
}

#[derive(Deserialize)]
pub struct NewClusterForm {
    name: Option<String>,
    short_name: Option<String>,
    industry_focus: Option<String>,
    industry_codes: Option<String>,
    town: Option<String>,
    structure: Option<String>,
    established_on: Option<String>,
    description: Option<String>,
    committee_kind: Option<String>,
}

pub async fn create(State(state): State<AppState>, auth: Auth, Form(f): Form<NewClusterForm>) -> PageResult {
    auth.require(Action::Import)?;
    let result: Result<ClusterId, WebError> = async {
        let name = non_empty(&f.name).ok_or_else(|| WebError::Invalid("集群党组织名称：不能为空".into()))?.to_owned();
        let town = qunlian_domain::RegionCode::parse(non_empty(&f.town).unwrap_or(""))
            .map_err(|_| WebError::Invalid("所在街镇：请选择".into()))?;
        let mut codes = Vec::new();
        for c in non_empty(&f.industry_codes).unwrap_or("").split([',', '，', ' ', '、']).filter(|c| !c.is_empty()) {
            let code = parsed(qunlian_domain::IndustryCode::parse(c))?;
            codes.push(code.as_str().to_owned());
        }
        let established_on = parse_date("成立日期", &f.established_on)?.unwrap_or_else(|| state.store.today());
        // The cluster's Party committee is set up with it (活动型), unless it already exists.
        let committee_kind = coded(&f.committee_kind, OrgKind::parse)?;
        let committee = match committee_kind {
            Some(kind) => Some(
                state
                    .store
                    .registry()
                    .create_org(
                        &auth.caller,
                        NewOrg {
                            name: name.clone(),
                            kind,
                            form: OrgForm::Activity,
                            parent: None,
                            units: Vec::new(),
                            town_code: Some(town.to_string()),
                            secretary_name: None,
                            members_count: None,
                            established_on,
                            is_demo: false,
                        },
                    )
                    .await?,
            ),
            None => None,
        };
        Ok(state
            .store
            .registry()
            .create_cluster(
                &auth.caller,
                NewCluster {
                    short_name: non_empty(&f.short_name).unwrap_or("").to_owned(),
                    name,
                    industry_focus: non_empty(&f.industry_focus).unwrap_or("").to_owned(),
                    industry_codes: codes,
                    town,
                    structure: non_empty(&f.structure).map(str::to_owned),
                    committee,
                    description: non_empty(&f.description).unwrap_or("").to_owned(),
                    established_on: Some(established_on),
                    is_demo: false,
                },
            )
            .await?)
    }
    .await;
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/clusters/{id}")).into_response()),
        Err(WebError::Invalid(msg)) => {
            let towns = town_options(&state, &auth, non_empty(&f.town));
            let page = NewPage { layout: Layout::new(&auth, &state, "/clusters"), towns, error: Some(msg) };
            render_refused(&page)
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct RemoveMemberForm {
    left_on: Option<String>,
}

/// A member leaves: the membership keeps its dates and moves to the cluster's history.
pub async fn remove_member(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, unit)): Path<(i64, i64)>,
    Form(f): Form<RemoveMemberForm>,
) -> PageResult {
    cluster_form(&state, &auth, id, "members", async || {
        let on = parse_date("退出日期", &f.left_on)?.unwrap_or_else(|| state.store.today());
        Ok(state.store.registry().remove_cluster_member(&auth.caller, ClusterId(id), UnitId(unit), on).await?)
    })
    .await
}

#[derive(Deserialize)]
pub struct RegionForm {
    region: Option<String>,
}

/// A region the cluster reaches into, by its code: a province, city, district or town,
/// in Shanghai or across the border (毗邻党建).
pub async fn add_region(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<RegionForm>,
) -> PageResult {
    cluster_form(&state, &auth, id, "regions", async || {
        let region = qunlian_domain::RegionCode::parse(non_empty(&f.region).unwrap_or(""))
            .map_err(|e| WebError::Invalid(format!("成员区域：{e}")))?;
        Ok(state.store.registry().add_cluster_region(&auth.caller, ClusterId(id), &region).await?)
    })
    .await
}

#[derive(Template)]
#[template(path = "registry/cluster_edit.html")]
struct EditPage {
    layout: Layout,
    id: i64,
    form: EditClusterForm,
    /// The organisations that may be the cluster's committee: the caller's, and the current one.
    committees: Vec<(i64, String)>,
    error: Option<String>,
}

async fn committees(
    state: &AppState,
    auth: &Auth,
    current: Option<(i64, String)>,
) -> Result<Vec<(i64, String)>, WebError> {
    let mut out = crate::support::sections::org_names(state, auth).await?;
    if let Some(c) = current
        && !out.iter().any(|o| o.0 == c.0)
    {
        out.insert(0, c);
    }
    Ok(out)
}

#[derive(Deserialize, Default)]
pub struct EditClusterForm {
    name: Option<String>,
    short_name: Option<String>,
    industry_focus: Option<String>,
    industry_codes: Option<String>,
    structure: Option<String>,
    committee: Option<String>,
    established_on: Option<String>,
    description: Option<String>,
}

impl EditClusterForm {
    fn from_detail(d: &ClusterDetail) -> EditClusterForm {
        EditClusterForm {
            name: Some(d.cluster.name.clone()),
            short_name: Some(d.cluster.short_name.clone()),
            industry_focus: Some(d.cluster.industry_focus.clone()),
            industry_codes: Some(d.industry_codes.iter().map(|c| c.0.as_str()).collect::<Vec<_>>().join(", ")),
            structure: d.cluster.structure.clone(),
            committee: d.committee.as_ref().map(|c| c.0.to_string()),
            established_on: d.cluster.established_on.map(|x| x.format("%Y-%m-%d").to_string()),
            description: Some(d.description.clone()),
        }
    }

    fn parse(&self) -> Result<ClusterEdit, WebError> {
        let name = non_empty(&self.name).ok_or_else(|| WebError::Invalid("集群名称：不能为空".into()))?.to_owned();
        let mut codes = Vec::new();
        for c in non_empty(&self.industry_codes).unwrap_or("").split([',', '，', ' ', '、']).filter(|c| !c.is_empty())
        {
            let code =
                qunlian_domain::IndustryCode::parse(c).map_err(|e| WebError::Invalid(format!("行业代码：{e}")))?;
            codes.push(code.as_str().to_owned());
        }
        Ok(ClusterEdit {
            name,
            short_name: non_empty(&self.short_name).unwrap_or("").to_owned(),
            industry_focus: non_empty(&self.industry_focus).unwrap_or("").to_owned(),
            industry_codes: codes,
            structure: non_empty(&self.structure).map(str::to_owned),
            committee: match non_empty(&self.committee) {
                None => None,
                Some(c) => Some(qunlian_domain::auth::OrgId(
                    c.parse().map_err(|_| WebError::Invalid("集群党组织：请从列表中选择".into()))?,
                )),
            },
            description: non_empty(&self.description).unwrap_or("").to_owned(),
            established_on: parse_date("成立日期", &self.established_on)?,
        })
    }
}

pub async fn edit_form(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    let d = state.store.registry().cluster_for_edit(&auth.caller, ClusterId(id)).await?;
    let committees = committees(&state, &auth, d.committee.clone()).await?;
    render(&EditPage {
        layout: Layout::new(&auth, &state, "/clusters"),
        id,
        form: EditClusterForm::from_detail(&d),
        committees,
        error: None,
    })
}

pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<EditClusterForm>,
) -> PageResult {
    let d = state.store.registry().cluster_for_edit(&auth.caller, ClusterId(id)).await?;
    let result: Result<(), WebError> = async {
        let edit = f.parse()?;
        Ok(state.store.registry().update_cluster(&auth.caller, ClusterId(id), edit).await?)
    }
    .await;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/clusters/{id}")).into_response()),
        Err(WebError::Invalid(msg)) => {
            // The form as typed, with the reason; nothing was saved.
            let committees = committees(&state, &auth, d.committee.clone()).await?;
            let page =
                EditPage { layout: Layout::new(&auth, &state, "/clusters"), id, form: f, committees, error: Some(msg) };
            render_refused(&page)
        }
        Err(e) => Err(e),
    }
}
