//! The 工作简报 page: a period and a scope (the district, a town, a cluster: the district and
//! a town only for a caller who reaches all of it, as the figures API and the 大屏) →
//! the briefing as Word (.docx) or PDF, generated from the scorecards
//! (`store.results().briefing`), written by `qunlian_io::briefing`, and audited.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use qunlian_domain::RegionCode;
use qunlian_domain::auth::Action;
use qunlian_domain::briefing::BriefingScope;
use qunlian_domain::results::Period;
use qunlian_io::briefing::{BriefingError, ChineseFont};
use qunlian_store::results::FigureScope;
use serde::Deserialize;

use super::{ACTIVE, period_choices, period_param};
use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::format::url_encode;
use crate::support::forms::{Choice, non_empty};
use crate::support::render;
use crate::support::towns::town_options;

#[derive(Deserialize, Default)]
pub struct BriefingQuery {
    period: Option<String>,
    scope: Option<String>,
    format: Option<String>,
}

#[derive(Template)]
#[template(path = "results/briefing.html")]
struct BriefingPage {
    layout: Layout,
    period: Period,
    periods: Vec<Period>,
    scopes: Vec<Choice>,
    /// The Chinese message when this server has no Chinese font, shown before anyone tries.
    font_missing: Option<String>,
}

pub async fn page(State(state): State<AppState>, auth: Auth, Query(q): Query<BriefingQuery>) -> PageResult {
    auth.require(Action::ReadResults)?;
    let period = period_param(&state, &q.period)?;
    // The district and the towns the caller reaches in full (the rule of the figures API and
    // the 大屏), then its clusters; the caller's own scope chosen unless another is asked for.
    let mut scopes = Vec::new();
    if FigureScope::District.reached_by(&auth.caller) {
        scopes
            .push(Choice { value: "district".into(), label: "全区（区内全部集群）".into(), selected: false });
    }
    for t in town_options(&state, &auth, None) {
        let reached = RegionCode::parse(&t.value).is_ok_and(|r| FigureScope::Town(r).reached_by(&auth.caller));
        if reached {
            scopes.push(Choice { value: format!("town:{}", t.value), label: t.label, selected: false });
        }
    }
    for c in state.store.registry().list_clusters(&auth.caller, None).await? {
        scopes.push(Choice { value: format!("cluster:{}", c.id), label: c.name, selected: false });
    }
    let selected = non_empty(&q.scope).map(str::to_owned).or_else(|| own_scope(&auth));
    for s in &mut scopes {
        s.selected = Some(&s.value) == selected.as_ref();
    }
    render(&BriefingPage {
        layout: Layout::new(&auth, &state, ACTIVE),
        period,
        periods: period_choices(state.store.today()),
        scopes,
        font_missing: ChineseFont::system().err().map(|e| e.to_string()),
    })
}

/// The caller's own scope as a briefing's: the district, its town or its cluster; none for
/// a branch or an enterprise, which choose a cluster.
fn own_scope(auth: &Auth) -> Option<String> {
    FigureScope::of_caller(&auth.caller).map(|s| s.code())
}

/// The briefing as a download: `format=docx` (the default) or `pdf`.
pub async fn file(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<BriefingQuery>,
) -> Result<Response, WebError> {
    auth.require(Action::ReadResults)?;
    let period = period_param(&state, &q.period)?;
    let scope = match non_empty(&q.scope).map(str::to_owned).or_else(|| own_scope(&auth)) {
        Some(s) => BriefingScope::parse(&s).map_err(WebError::Invalid)?,
        None => return Err(WebError::Invalid("范围：请选择一个产业集群".into())),
    };
    let pdf = match non_empty(&q.format).unwrap_or("docx") {
        "docx" => false,
        "pdf" => true,
        other => return Err(WebError::Invalid(format!("格式：“{other}”不是可下载的格式（应为 docx 或 pdf）"))),
    };
    let data = state.store.results().briefing(&auth.caller, &scope, period).await?;
    let font = ChineseFont::system().map_err(|e| WebError::Conflict(e.to_string()))?;
    let document = data.document.clone();
    let bytes = tokio::task::spawn_blocking(move || {
        if pdf { qunlian_io::briefing::pdf(&document, &font) } else { qunlian_io::briefing::docx(&document, &font) }
    })
    .await
    .map_err(WebError::internal)?
    .map_err(|e| match e {
        BriefingError::NoChineseFont => WebError::Conflict(e.to_string()),
        e => WebError::internal(e),
    })?;
    let (ext, mime) = if pdf {
        ("pdf", "application/pdf")
    } else {
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    };
    state.store.results().record_briefing(&auth.caller, &data, &ext.to_uppercase()).await?;
    let name = format!("工作简报-{}-{}.{ext}", data.scope_label, period.label());
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"briefing.{ext}\"; filename*=UTF-8''{}", url_encode(&name)),
            ),
        ],
        bytes,
    )
        .into_response())
}
