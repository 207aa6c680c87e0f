//! `/api/v1/proposals`: the registry changes enterprise contacts propose (issue #11, point
//! 10). A contact lists its enterprise's proposals and proposes with its token; a town or
//! district admin lists those of its scope (deciding stays on the pages, where the admin
//! sees what changes). The store decides who sees what (`registry/proposals.rs`); the body
//! goes through the same parser as the page's form (`ProposalFields::parse`).

use qunlian_domain::auth::Action;
use qunlian_domain::registry::{ProposalFields, ProposalKind, RawProposal, SrdiLevel};
use qunlian_store::registry::Proposal;
use serde::Deserialize;

use super::*;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProposalsParams {
    /// 1 = only those 待确认; 0 or left out = all (newest first, at most 500)
    #[param(inline)]
    pending: Option<params::Flag>,
}

#[derive(Serialize, ToSchema)]
pub struct ProposalJson {
    id: i64,
    /// rename_org | dissolve_org | merge_org | firm_flags
    kind: String,
    /// e.g. 党组织更名
    kind_label: String,
    /// pending | confirmed | returned
    state: String,
    /// 待确认 | 已确认 | 已退回
    state_label: String,
    unit_id: i64,
    enterprise: String,
    /// The organisation concerned; null for a firm's flags
    org_id: Option<i64>,
    /// The change in words, with the names of the day it was proposed
    summary: String,
    reason: String,
    /// The date it takes effect; null: the day it is confirmed
    on_date: Option<String>,
    proposer: String,
    created_at: String,
    decider: Option<String>,
    decided_at: Option<String>,
    return_reason: Option<String>,
}

fn time(t: chrono::DateTime<chrono::Utc>) -> String {
    qunlian_domain::clock::beijing(t).format("%Y-%m-%d %H:%M").to_string()
}

impl From<Proposal> for ProposalJson {
    fn from(p: Proposal) -> ProposalJson {
        ProposalJson {
            id: p.id,
            kind: p.kind.code().to_owned(),
            kind_label: p.kind.label().to_owned(),
            state: p.state.code().to_owned(),
            state_label: p.state.label().to_owned(),
            unit_id: p.unit_id,
            enterprise: p.unit_name,
            org_id: p.org_id,
            summary: p.summary,
            reason: p.reason,
            on_date: p.on_date.map(|d| d.format("%Y-%m-%d").to_string()),
            proposer: p.proposer,
            created_at: time(p.created_at),
            decider: p.decider,
            decided_at: p.decided_at.map(time),
            return_reason: p.return_reason,
        }
    }
}

/// The proposals the token's user may see: an enterprise contact its enterprise's; a town
/// or district admin those whose organisation or enterprise is in its scope.
#[utoipa::path(get, path = "/api/v1/proposals", params(ProposalsParams), responses((status = 200, body = Vec<ProposalJson>)), security(("bearer" = [])))]
async fn proposals(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(p): Query<ProposalsParams>,
) -> ApiResult<Vec<ProposalJson>> {
    if !caller.may(Action::ProposeRegistryChanges) && !caller.may(Action::ConfirmRegistryChanges) {
        return Err(ApiError(WebError::Forbidden));
    }
    let pending = params::Flag::get(p.pending).unwrap_or(false);
    let rows = state.store.registry().proposals(&caller, pending).await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct NewProposalJson {
    /// rename_org (needs org, new_name) | dissolve_org (org) | merge_org (org, into) | firm_flags (high_tech, srdi)
    #[schema(pattern = "^(rename_org|dissolve_org|merge_org|firm_flags)$")]
    kind: String,
    /// The organisation renamed, dissolved or merged: one covering the token's enterprise
    #[serde(default, deserialize_with = "optional_id")]
    #[schema(minimum = 1)]
    org: Option<i64>,
    /// The new name (rename_org), at most 200 characters
    #[schema(max_length = 200)]
    new_name: Option<String>,
    /// The organisation merged into (merge_org), also covering the enterprise
    #[serde(default, deserialize_with = "optional_id")]
    #[schema(minimum = 1)]
    into: Option<i64>,
    /// The date the change takes effect; left out: the day it is confirmed
    #[schema(value_type = Option<String>, format = Date)]
    on: Option<String>,
    /// 高新技术企业 (firm_flags)
    high_tech: Option<bool>,
    /// none | innovative | municipal | national (firm_flags)
    #[schema(pattern = "^(none|innovative|municipal|national)$")]
    srdi: Option<String>,
    /// Why, for the admin who confirms it: 1 to 500 characters, not blank
    #[schema(min_length = 1, max_length = 500, pattern = r"\S")]
    reason: String,
}

fn optional_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Option::<serde_json::Number>::deserialize(d)?
        .map(|n| params::json_integer(n).map_err(serde::de::Error::custom))
        .transpose()
}

/// An enterprise contact proposes a change for its enterprise or an organisation covering
/// it; nothing changes until a town or district admin confirms it. Answers the proposal,
/// 待确认.
#[utoipa::path(post, path = "/api/v1/proposals", request_body = NewProposalJson, responses((status = 200, body = ProposalJson), (status = 422)), security(("bearer" = [])))]
async fn propose(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    body: crate::support::forms::Unread,
) -> ApiResult<ProposalJson> {
    if !caller.may(Action::ProposeRegistryChanges) {
        return Err(ApiError(WebError::Forbidden));
    }
    let Json(b) = body.read::<Json<NewProposalJson>>().await?;
    let kind = ProposalKind::from_code(&b.kind).map_err(|_| {
        WebError::Invalid(format!("kind：“{}”不是变更类型的代码", qunlian_domain::limits::echo(&b.kind)))
    })?;
    let srdi = match b.srdi.as_deref() {
        Some(s) => SrdiLevel::from_code(s)
            .map_err(|_| {
                WebError::Invalid(format!("srdi：“{}”不是专精特新等级的代码", qunlian_domain::limits::echo(s)))
            })?
            .code(),
        None => "",
    };
    let id = |v: Option<i64>| v.map(|i| i.to_string()).unwrap_or_default();
    let raw = RawProposal {
        kind: kind.code().to_owned(),
        org: id(b.org),
        new_name: b.new_name.unwrap_or_default(),
        into: id(b.into),
        on: b.on.unwrap_or_default(),
        high_tech: b.high_tech.map(|h| if h { "是" } else { "否" }).unwrap_or("").to_owned(),
        srdi: srdi.to_owned(),
        reason: b.reason,
    };
    let fields = crate::support::forms::parsed(ProposalFields::parse(&raw))?;
    let registry = state.store.registry();
    let id = registry.propose(&caller, fields).await?;
    let made = registry.proposals(&caller, false).await?.into_iter().find(|p| p.id == id).ok_or(WebError::NotFound)?;
    Ok(Json(made.into()))
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/proposals", axum::routing::get(proposals).post(propose))
}

#[derive(OpenApi)]
#[openapi(paths(proposals, propose))]
pub struct Doc;
