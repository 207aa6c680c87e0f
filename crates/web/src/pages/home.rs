use askama::Template;
use axum::extract::State;
use qunlian_store::registry::RegistryFigures;

use crate::auth::{Auth, Layout};
use crate::error::PageResult;
use crate::state::AppState;
use crate::support::render;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    f: RegistryFigures,
    as_of: String,
    backend: &'static str,
    /// For an enterprise contact: policies pushed to its enterprise and not yet opened.
    unread_policies: Option<u64>,
    /// For those who handle requests (officers, department heads, the district admin):
    /// requests past their deadline, each escalated by the read that counts it (超期督办).
    overdue_requests: Option<usize>,
    /// Those escalated to (department heads, the district admin) are sent to their 超期督办
    /// list; officers to the red requests they can see.
    supervises: bool,
    /// For a cluster secretary: its members' open emergency needs (应急), on top of the page.
    emergency_needs: Option<u64>,
    /// What waits in the integration projects for this role (to recommend, to open for review).
    projects: Option<super::projects::Workbench>,
    /// For a town or district admin: proposals of enterprise contacts waiting for it (待确认的变更).
    pending_proposals: u64,
    /// For those who keep work groups: temporary branches due to end (到期提醒).
    prompts: Vec<qunlian_store::workgroups::EndPrompt>,
}

pub async fn page(State(state): State<AppState>, auth: Auth) -> PageResult {
    auth.require(qunlian_domain::auth::Action::ReadRegistry)?;
    let f = state.store.registry().figures(&auth.caller).await?;
    let as_of = qunlian_domain::clock::beijing(state.store.now()).format("%Y年%m月%d日 %H:%M").to_string();
    let unread_policies = if auth.caller.role == qunlian_domain::auth::Role::EnterpriseContact {
        Some(state.store.policies().my_unread_policies(&auth.caller).await?)
    } else {
        None
    };
    let supervises = auth.caller.may(qunlian_domain::auth::Action::SuperviseOverdue);
    let overdue_requests = if auth.caller.may(qunlian_domain::auth::Action::HandleServiceRequest) {
        let red = qunlian_store::services::ServiceFilter {
            colour: Some(qunlian_domain::services::Colour::Red),
            escalated: supervises,
            ..Default::default()
        };
        Some(state.store.services().requests_filtered(&auth.caller, &red).await?.len())
    } else {
        None
    };
    let emergency_needs = super::matching::emergency_needs(&state, &auth).await?;
    let projects = super::projects::workbench(&state, &auth).await?;
    let pending_proposals = state.store.registry().pending_proposals(&auth.caller).await?;
    let prompts = state.store.workgroups().prompts(&auth.caller, None).await?;
    render(&HomePage {
        prompts,
        projects,
        pending_proposals,
        emergency_needs,
        overdue_requests,
        supervises,
        layout: Layout::new(&auth, &state, "/"),
        f,
        as_of,
        backend: state.store.backend_name(),
        unread_policies,
    })
}
