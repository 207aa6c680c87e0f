//! The push in three steps (choose → preview → confirm), and a push's receipts.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use qunlian_domain::RegionCode;
use qunlian_domain::auth::{Action, ClusterId, Scope};
use qunlian_store::policies::{Policy, PolicyFilter, PushDetail, PushPreview, PushTarget, Recipient, Validity};
use qunlian_store::{Page, PageRequest};

use super::library::PageQuery;
use super::*;
use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::forms::{non_empty, parsed};
use crate::support::{render, render_refused};

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
        parsed(PushTarget::from_code(&self.target))
    }
}

/// A policy offered for the push, ticked or not.
pub struct PolicyChoice {
    pub policy: Policy,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "policies/push.html")]
struct PushPage {
    layout: Layout,
    choices: Vec<PolicyChoice>,
    targets: Vec<Choice>,
    title: String,
    preview: Option<PushPreview>,
    chosen: Vec<i64>,
    target: String,
    /// Why the preview or the push was refused (422, the choices as they were made).
    error: Option<String>,
}

async fn target_options(state: &AppState, auth: &Auth, selected: &str) -> Result<Vec<Choice>, WebError> {
    let own = match &auth.caller.scope {
        Scope::All => "全部企业".to_owned(),
        Scope::Region(r) => format!("{}（本辖区全部）", r.name()),
        Scope::Cluster(_) => "本集群全部成员企业".to_owned(),
        _ => "本人权限范围".to_owned(),
    };
    let mut out = vec![Choice { value: "own".into(), label: own, selected: selected == "own" }];
    let towns: Vec<RegionCode> = match &auth.caller.scope {
        Scope::Region(r) if r.level() == qunlian_domain::region::RegionLevel::Town => Vec::new(),
        Scope::Region(r) => r.children().collect(),
        Scope::All => state.config.district.children().collect(),
        _ => Vec::new(),
    };
    for t in towns {
        let value = PushTarget::Town(t).code();
        out.push(Choice { selected: selected == value, label: format!("街镇：{}", t.name()), value });
    }
    for c in state.store.registry().list_clusters(&auth.caller, None).await? {
        let value = PushTarget::Cluster(ClusterId(c.id.0)).code();
        out.push(Choice { selected: selected == value, label: format!("集群：{}", c.name), value });
    }
    Ok(out)
}

async fn push_page(
    state: &AppState,
    auth: &Auth,
    form: PushForm,
    preview: Option<PushPreview>,
    error: Option<String>,
) -> Result<PushPage, WebError> {
    let valid = state
        .store
        .policies()
        .list(&auth.caller, &PolicyFilter { validity: Some(Validity::Valid), ..Default::default() })
        .await?;
    Ok(PushPage {
        layout: Layout::new(auth, state, ACTIVE),
        choices: valid
            .into_iter()
            .map(|p| PolicyChoice { checked: form.policies.contains(&p.id), policy: p })
            .collect(),
        targets: target_options(state, auth, &form.target).await?,
        title: form.title,
        preview,
        chosen: form.policies,
        target: form.target,
        error,
    })
}

/// Step 1: choose policies (`?policy=ID` preselects) and a scope.
pub async fn push_form(
    State(state): State<AppState>,
    auth: Auth,
    Query(pairs): Query<Vec<(String, String)>>,
) -> PageResult {
    auth.require(Action::PushPolicies)?;
    render(&push_page(&state, &auth, PushForm::from_pairs(pairs), None, None).await?)
}

/// Step 2: how many enterprises each policy would reach; nothing is sent yet.
pub async fn push_preview(
    State(state): State<AppState>,
    auth: Auth,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    auth.require(Action::PushPolicies)?;
    let form = PushForm::from_pairs(pairs);
    let preview =
        async { Ok(state.store.policies().preview_push(&auth.caller, &form.policies, &form.target()?).await?) };
    match preview.await {
        Ok(preview) => render(&push_page(&state, &auth, form, Some(preview), None).await?),
        Err(e) => refused(&state, &auth, form, e).await,
    }
}

/// The push form again with why the preview or the push was refused, the choices kept; any
/// other error as it is.
async fn refused(state: &AppState, auth: &Auth, form: PushForm, e: WebError) -> PageResult {
    match e {
        WebError::Invalid(msg) => render_refused(&push_page(state, auth, form, None, Some(msg)).await?),
        e => Err(e),
    }
}

/// Step 3: send.
pub async fn push(State(state): State<AppState>, auth: Auth, Form(pairs): Form<Vec<(String, String)>>) -> PageResult {
    auth.require(Action::PushPolicies)?;
    let form = PushForm::from_pairs(pairs);
    let sent = async {
        let target = form.target()?;
        Ok(state.store.policies().push_policies(&auth.caller, &form.title, &form.policies, &target, false).await?)
    };
    match sent.await {
        Ok(id) => Ok(Redirect::to(&format!("/policies/pushes/{id}")).into_response()),
        Err(e) => refused(&state, &auth, form, e).await,
    }
}

#[derive(Template)]
#[template(path = "policies/push_detail.html")]
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
