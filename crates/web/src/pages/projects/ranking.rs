//! The ranking the officer decides on (排名与评定): per application the raw weighted mean,
//! the normalised score, the spread with its disagreement flag, veto marks and missing
//! departments; the decision of a tier (示范 / 优秀 / 入选 / 未入选, or 概念入围 in a concept
//! review), audited by the store; and the .xlsx exports of applications and of scores.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use qunlian_domain::projects::{ApplicationAction as A, Decision, Tier};
use qunlian_store::projects::{RankedRow, Round};

use super::*;
use crate::auth::Layout;
use crate::error::PageResult;
use crate::support::format::text;
use crate::support::forms::Pairs;
use crate::support::xlsx::send_list;
use qunlian_io::xlsx::Cell;

#[derive(Template)]
#[template(path = "projects/ranking.html")]
struct Page {
    layout: Layout,
    nav: RoundNav,
    r: Round,
    rows: Vec<RankedRow>,
    decisions: Vec<(&'static str, &'static str)>,
    threshold: f64,
    error: Option<String>,
}

/// The decisions offered: the tiers and 未入选, or in a concept review 概念入围 and 未入选.
fn decisions(r: &Round) -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<(&'static str, &'static str)> = if r.concept_stage {
        vec![("concept", "概念入围")]
    } else {
        Tier::ALL.iter().map(|t| (t.code(), t.label())).collect()
    };
    out.push(("decline", "未入选"));
    out
}

pub async fn page(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    auth.require(Action::ManageProjects)?;
    show(&state, &auth, id, None).await
}

/// The ranking, with a refusal of the end of the concept stage when there is one (422).
async fn show(state: &AppState, auth: &Auth, id: i64, error: Option<String>) -> PageResult {
    let p = state.store.projects();
    let r = p.round(&auth.caller, id).await?;
    let rows = p.ranking(&auth.caller, id).await?;
    let refused = error.is_some();
    crate::support::render_form(
        &Page {
            layout: Layout::new(auth, state, ACTIVE),
            nav: RoundNav::new(auth, &r, "ranking"),
            decisions: decisions(&r),
            threshold: qunlian_domain::projects::DISAGREEMENT_POINTS,
            r,
            rows,
            error,
        },
        refused,
    )
}

/// Ends a two-stage round's concept review: the accepted concepts are invited to the full
/// application, the others closed with the reason typed.
pub async fn end_concept(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, f: Pairs) -> PageResult {
    auth.require(Action::ManageProjects)?;
    let saved = async {
        state.store.projects().end_concept_stage(&auth.caller, id, f.get("reason")).await?;
        Ok(format!("/projects/rounds/{id}/ranking"))
    }
    .await;
    crate::support::saved_or_again(saved, |m| show(&state, &auth, id, Some(m))).await
}

/// The officer's decision on one application; back to the ranking of its round.
pub async fn decide(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, f: Pairs) -> PageResult {
    auth.require(Action::ManageProjects)?;
    let decision = match f.get("decision") {
        "concept" => Decision::AcceptConcept,
        "decline" => Decision::Decline,
        code => Decision::Award(
            Tier::from_code(code).map_err(|_| WebError::Invalid(format!("评定等次：“{code}”不是可选的等次")))?,
        ),
    };
    let p = state.store.projects();
    p.act(&auth.caller, id, A::Decide(decision), f.get("note"), None).await?;
    let round = p.application(&auth.caller, id).await?.row.round_id;
    Ok(Redirect::to(&format!("/projects/rounds/{round}/ranking")).into_response())
}

/// The round's applications in the caller's scope, as one sheet.
pub async fn export_applications(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    auth.require(Action::ReadProjects)?;
    let p = state.store.projects();
    let r = p.round(&auth.caller, id).await?;
    let rows = p
        .applications(&auth.caller, id, None)
        .await?
        .into_iter()
        .map(|a| {
            vec![
                Cell::Int(a.id),
                text(a.title),
                text(a.org_name),
                text(a.subject),
                text(a.direction),
                text(if a.open_call { "是" } else { "否" }),
                text(a.state.label()),
                a.cluster_rank.map_or(Cell::Empty, |n| Cell::Int(i64::from(n))),
                a.submitted_at.map_or(Cell::Empty, |t| text(t.format("%Y-%m-%d %H:%M").to_string())),
            ]
        })
        .collect();
    let columns = [
        ("编号", 8.0),
        ("项目名称", 36.0),
        ("申报组织", 30.0),
        ("重点主体", 24.0),
        ("创新方向", 12.0),
        ("揭榜挂帅", 8.0),
        ("状态", 10.0),
        ("集群推荐排序", 10.0),
        ("提交时间", 18.0),
    ];
    send_list(&state, &auth, &format!("{}申报", r.name), &columns, rows).await
}

/// The ranking with raw and normalised scores, as one sheet; the officer only.
pub async fn export_scores(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    auth.require(Action::ManageProjects)?;
    let p = state.store.projects();
    let r = p.round(&auth.caller, id).await?;
    let round2 = crate::support::format::round2;
    let rows = p
        .ranking(&auth.caller, id)
        .await?
        .into_iter()
        .enumerate()
        .map(|(i, x)| {
            vec![
                Cell::Int(i as i64 + 1),
                Cell::Int(x.application_id),
                text(x.title),
                text(x.org_name),
                text(x.state.label()),
                Cell::Num(round2(x.raw)),
                Cell::Num(round2(x.normalised)),
                Cell::Num(round2(x.spread)),
                text(if x.disputed { "是" } else { "" }),
                text(if x.vetoed { "是" } else { "" }),
                Cell::Int(x.sheets as i64),
                text(x.missing.iter().map(|s| s.label()).collect::<Vec<_>>().join("、")),
            ]
        })
        .collect();
    let columns = [
        ("名次", 6.0),
        ("编号", 8.0),
        ("项目名称", 36.0),
        ("申报组织", 30.0),
        ("状态", 10.0),
        ("原始得分", 10.0),
        ("标准化得分", 10.0),
        ("分差", 8.0),
        ("评分分歧", 8.0),
        ("一票否决", 8.0),
        ("评分表数", 8.0),
        ("缺少评分的部门", 18.0),
    ];
    send_list(&state, &auth, &format!("{}评分", r.name), &columns, rows).await
}
