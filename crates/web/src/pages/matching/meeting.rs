//! The matching-meeting list (要素对接会) of a cluster: on screen, to print, as .xlsx.

use askama::Template;
use axum::extract::{Query, State};
use chrono::NaiveDate;
use qunlian_domain::auth::{ClusterId, Scope};
use qunlian_io::xlsx::Cell;
use qunlian_store::matching::MeetingList;
use serde::Deserialize;

use super::*;
use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::format::text;
use crate::support::forms::parse_date;
use crate::support::render;
use crate::support::xlsx::simple_xlsx;
use crate::support::xlsx::xlsx_response;

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
#[template(path = "matching/meeting.html")]
struct MeetingPage {
    layout: Layout,
    nav: Nav,
    clusters: Vec<(i64, String)>,
    date: NaiveDate,
    list: Option<MeetingList>,
}

impl MeetingPage {
    /// The cluster whose list is shown, as the select's value ("" for none).
    fn cluster(&self) -> String {
        self.list.as_ref().map(|l| l.cluster_id.to_string()).unwrap_or_default()
    }
}

pub async fn meeting_page(State(state): State<AppState>, auth: Auth, Query(q): Query<MeetingQuery>) -> PageResult {
    let (date, list) = meeting(&state, &auth, &q).await?;
    let clusters =
        state.store.registry().list_clusters(&auth.caller, None).await?.into_iter().map(|c| (c.id.0, c.name)).collect();
    render(&MeetingPage { layout: Layout::new(&auth, &state, ACTIVE), nav: Nav::of(&auth), clusters, date, list })
}

#[derive(Template)]
#[template(path = "matching/meeting_print.html")]
struct MeetingPrint {
    list: MeetingList,
    printed: String,
    demo: bool,
}

pub async fn meeting_print(State(state): State<AppState>, auth: Auth, Query(q): Query<MeetingQuery>) -> PageResult {
    let (_, list) = meeting(&state, &auth, &q).await?;
    let list = list.ok_or_else(|| WebError::Invalid("集群：请选择".into()))?;
    let printed = crate::support::format::minutes(state.store.now());
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
