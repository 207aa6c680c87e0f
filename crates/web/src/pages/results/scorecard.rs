//! A cluster's scorecard for a period, its clusters' index, the records behind a figure that
//! has no list page of its own (members with their coverage, organisations, introductions
//! and requests of the period), and the scorecard as .xlsx.

use askama::Template;
use axum::extract::{Path, Query, State};
use qunlian_domain::auth::{Action, ClusterId, UnitId};
use qunlian_domain::results::Period;
use qunlian_io::xlsx::Cell;
use qunlian_store::registry::Cluster;
use qunlian_store::results::{FigureScope, Scorecard, introduction_filter, service_filter};
use serde::Deserialize;

use super::{ACTIVE, drill_href, period_choices, period_param};
use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::render;
use crate::support::xlsx::send_list;

#[derive(Deserialize, Default)]
pub struct PeriodQuery {
    period: Option<String>,
    of: Option<String>,
}

#[derive(Template)]
#[template(path = "results/index.html")]
struct IndexPage {
    layout: Layout,
    clusters: Vec<Cluster>,
    period: Period,
    periods: Vec<Period>,
    may_import: bool,
}

pub async fn index(State(state): State<AppState>, auth: Auth, Query(q): Query<PeriodQuery>) -> PageResult {
    auth.require(Action::ReadResults)?;
    let period = period_param(&state, &q.period)?;
    let clusters = state.store.registry().list_clusters(&auth.caller, None).await?;
    render(&IndexPage {
        layout: Layout::new(&auth, &state, ACTIVE),
        clusters,
        period,
        periods: period_choices(state.store.today()),
        may_import: auth.caller.may(Action::RecordFigures),
    })
}

#[derive(Template)]
#[template(path = "results/scorecard.html")]
struct ScorecardPage {
    layout: Layout,
    card: Scorecard,
    periods: Vec<Period>,
}

impl ScorecardPage {
    fn href(&self, f: &qunlian_store::results::ScoreFigure) -> String {
        drill_href(FigureScope::Cluster(self.card.cluster_id), self.card.period, &f.drill)
    }
}

/// The scorecard a page or its export shows.
async fn load(state: &AppState, auth: &Auth, id: i64, q: &PeriodQuery) -> Result<Scorecard, WebError> {
    auth.require(Action::ReadResults)?;
    let period = period_param(state, &q.period)?;
    Ok(state.store.results().scorecard(&auth.caller, ClusterId(id), period).await?)
}

pub async fn page(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<PeriodQuery>,
) -> PageResult {
    let card = load(&state, &auth, id, &q).await?;
    render(&ScorecardPage {
        layout: Layout::new(&auth, &state, ACTIVE),
        card,
        periods: period_choices(state.store.today()),
    })
}

/// One record of a list behind a figure: its link, its name, then its cells.
pub struct Record {
    pub href: String,
    pub title: String,
    pub cells: Vec<String>,
}

#[derive(Template)]
#[template(path = "results/records.html")]
struct RecordsPage {
    layout: Layout,
    cluster_id: i64,
    cluster_name: String,
    period: Period,
    what: &'static str,
    headers: Vec<&'static str>,
    records: Vec<Record>,
}

pub async fn records(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<PeriodQuery>,
) -> PageResult {
    auth.require(Action::ReadResults)?;
    let period = period_param(&state, &q.period)?;
    let cluster = ClusterId(id);
    let detail = state.store.registry().cluster(&auth.caller, cluster).await?;
    let of = q.of.as_deref().unwrap_or("members");
    let when = |t: chrono::NaiveDateTime| t.format("%Y-%m-%d %H:%M").to_string();
    let (what, headers, records): (&'static str, Vec<&'static str>, Vec<Record>) = match of {
        "members" => {
            let coverage = state.store.coverage();
            let mut out = Vec::new();
            for m in &detail.members {
                let status = coverage.status(&auth.caller, UnitId(m.unit_id)).await?;
                out.push(Record {
                    href: format!("/enterprises/{}", m.unit_id),
                    title: m.name.clone(),
                    cells: vec![m.role.to_owned(), m.town_name.clone(), status.label().to_owned()],
                });
            }
            ("成员企业及其组织覆盖（当前）", vec!["企业", "身份", "街镇", "覆盖状态"], out)
        }
        "orgs" => {
            let orgs = state.store.results().cluster_orgs(&auth.caller, cluster).await?;
            let out = orgs
                .into_iter()
                .map(|(id, name)| Record { href: format!("/orgs/{id}"), title: name, cells: vec![] })
                .collect();
            ("成员企业的党组织（当前）", vec!["党组织"], out)
        }
        "introductions" | "deals" => {
            let won = of == "deals";
            let list =
                state.store.matching().introductions(&auth.caller, &introduction_filter(cluster, period, won)).await?;
            let out = list
                .into_iter()
                .map(|i| Record {
                    href: format!("/introductions/{}", i.id),
                    title: format!("{} ← {}", i.need_title, i.offer_title),
                    cells: vec![
                        format!("{} ← {}", i.need_unit, i.offer_unit),
                        i.state.label().to_owned(),
                        i.deal_value_wan.map(|v| format!("{v}万元")).unwrap_or_else(|| "—".into()),
                        when(i.created_at),
                    ],
                })
                .collect();
            (
                if won { "本期牵线并已成交的对接" } else { "本期牵线对接" },
                vec!["需求 ← 供给", "企业", "状态", "成交金额", "牵线时间"],
                out,
            )
        }
        "requests" => {
            let list = state.store.services().requests_filtered(&auth.caller, &service_filter(cluster, period)).await?;
            let out = list
                .into_iter()
                .map(|r| Record {
                    href: format!("/services/{}", r.id),
                    title: if r.title.is_empty() { r.item_name.clone() } else { r.title.clone() },
                    cells: vec![r.unit_name, r.department, r.state_label.to_owned(), when(r.filed_at)],
                })
                .collect();
            ("本期成员企业提出的服务诉求", vec!["诉求", "企业", "部门", "状态", "提出时间"], out)
        }
        "party_members" | "new_party_members" => {
            let joined_in = (of == "new_party_members").then_some(period);
            let list = state.store.results().cluster_party_members(&auth.caller, cluster, joined_in).await?;
            let out = list
                .into_iter()
                .map(|m| Record {
                    href: format!("/members/{}", m.id),
                    title: m.name,
                    cells: vec![m.org_name, m.standing.label().to_owned(), m.joined_on.to_string()],
                })
                .collect();
            (
                if joined_in.is_some() {
                    "本期新发展党员（入党日期在本期内）"
                } else {
                    "成员企业党组织的党员（当前）"
                },
                vec!["姓名", "所属党组织", "党员类别", "入党日期"],
                out,
            )
        }
        other => {
            return Err(WebError::Invalid(format!(
                "列表：“{}”无法识别，应为 members、orgs、party_members、new_party_members、introductions、deals 或 requests",
                qunlian_domain::limits::echo(other)
            )));
        }
    };
    render(&RecordsPage {
        layout: Layout::new(&auth, &state, ACTIVE),
        cluster_id: id,
        cluster_name: detail.cluster.name,
        period,
        what,
        headers,
        records,
    })
}

pub async fn export(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<PeriodQuery>,
) -> PageResult {
    let card = load(&state, &auth, id, &q).await?;
    let mut rows = Vec::new();
    for s in &card.sections {
        for f in &s.figures {
            rows.push(vec![
                Cell::Text(s.title.to_owned()),
                Cell::Text(f.label.clone()),
                Cell::Text(f.current.text()),
                Cell::Text(f.previous.map(|p| p.text()).unwrap_or_else(|| "—".into())),
                Cell::Text(f.change.clone()),
                Cell::Text(f.why_no_change.clone().unwrap_or_default()),
                Cell::Text(f.as_of.clone()),
                Cell::Text(f.note.clone().unwrap_or_default()),
            ]);
        }
    }
    // The sheet's name too: Excel allows 31 characters.
    let name: String = card.cluster_name.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(20).collect();
    let what = format!("{name}{}成效", card.period.label());
    let columns = [
        ("方面", 12.0),
        ("指标", 16.0),
        ("本期", 16.0),
        ("上年同期", 16.0),
        ("变化", 12.0),
        ("说明", 24.0),
        ("数据时间", 22.0),
        ("备注", 40.0),
    ];
    send_list(&state, &auth, &what, &columns, rows).await
}
