//! A cluster committee's powers (赋权清单) and the log of their uses: the grant form for the
//! town or district admin, the use form for the cluster's secretary.

use askama::Template;
use axum::extract::{Path, State};
use qunlian_domain::auth::Action;
use qunlian_domain::bodies::{GrantFields, RawGrant, RawUse, UseFields};
use qunlian_store::bodies::{ClusterPowers, ClusterStructure, PowerScope};

use super::{ACTIVE, parsed};
use crate::auth::{Auth, Layout};
use crate::error::PageResult;
use crate::state::AppState;
use crate::support::forms::{Pairs, from_form};
use crate::support::{render_form, saved_or_again};

#[derive(Template)]
#[template(path = "bodies/cluster.html")]
struct ClusterPage {
    layout: Layout,
    powers: ClusterPowers,
    /// The committee's structure from the organisation tree ("1+8").
    structure: ClusterStructure,
    scopes: Vec<PowerScope>,
    may_grant: bool,
    may_log: bool,
    /// The forms' values: blank, or what was typed when one was refused.
    grant: RawGrant,
    used: RawUse,
    error: Option<String>,
}

async fn cluster_page(
    state: &AppState,
    auth: &Auth,
    id: i64,
    grant: RawGrant,
    used: RawUse,
    error: Option<String>,
) -> PageResult {
    let b = state.store.bodies();
    let powers = b.powers(&auth.caller, id).await?;
    let refused = error.is_some();
    let page = ClusterPage {
        layout: Layout::new(auth, state, ACTIVE),
        scopes: b.scopes(&auth.caller).await?,
        structure: b.cluster_structure(&auth.caller, id).await?,
        may_grant: b.may_grant(&auth.caller, id).await.is_ok(),
        may_log: b.may_log_use(&auth.caller, id).await.is_ok(),
        powers,
        grant,
        used,
        error,
    };
    render_form(&page, refused)
}

pub async fn page(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    auth.require(Action::ReadRegistry)?;
    let today = state.store.today().to_string();
    let used = RawUse { used_on: today.clone(), ..Default::default() };
    cluster_page(&state, &auth, id, RawGrant { granted_on: today, ..Default::default() }, used, None).await
}

fn raw_grant(f: &Pairs) -> RawGrant {
    from_form!(f, RawGrant { scope, granted_by, document_no, granted_on, content })
}

fn raw_use(f: &Pairs) -> RawUse {
    from_form!(f, RawUse { power, used_on, matter, concerned, outcome })
}

pub async fn grant(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, f: Pairs) -> PageResult {
    auth.require(Action::GrantPowers)?;
    state.store.bodies().may_grant(&auth.caller, id).await?;
    let raw = raw_grant(&f);
    let done = async {
        let f = parsed(GrantFields::parse(&raw))?;
        Ok(state.store.bodies().grant(&auth.caller, id, f, false).await?)
    }
    .await;
    let used = RawUse { used_on: state.store.today().to_string(), ..Default::default() };
    saved_or_again(done.map(|_| format!("/bodies/clusters/{id}#powers")), |m| {
        cluster_page(&state, &auth, id, raw, used, Some(m))
    })
    .await
}

pub async fn log_use(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, f: Pairs) -> PageResult {
    auth.require(Action::LogPowerUses)?;
    state.store.bodies().may_log_use(&auth.caller, id).await?;
    let raw = raw_use(&f);
    let done = async {
        let f = parsed(UseFields::parse(&raw))?;
        Ok(state.store.bodies().log_use(&auth.caller, id, f, false).await?)
    }
    .await;
    let grant = RawGrant { granted_on: state.store.today().to_string(), ..Default::default() };
    saved_or_again(done.map(|_| format!("/bodies/clusters/{id}#uses")), |m| {
        cluster_page(&state, &auth, id, grant, raw, Some(m))
    })
    .await
}
