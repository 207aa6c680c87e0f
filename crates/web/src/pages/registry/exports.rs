//! The smaller registry lists as .xlsx: the same scope as the page, and audited.

use axum::extract::State;
use qunlian_domain::auth::Action;
use qunlian_io::xlsx::Cell;

use crate::auth::Auth;
use crate::error::PageResult;
use crate::state::AppState;
use crate::support::format::{date, text};
use crate::support::xlsx::send_list;

pub async fn clusters(State(state): State<AppState>, auth: Auth) -> PageResult {
    auth.require(Action::ReadRegistry)?;
    let rows = state
        .store
        .registry()
        .list_clusters(&auth.caller, None)
        .await?
        .into_iter()
        .map(|c| {
            vec![
                text(c.name),
                text(c.industry_focus),
                text(c.heads.join("、")),
                text(c.structure.unwrap_or_default()),
                Cell::Int(c.members as i64),
                text(c.town_name),
                date(c.established_on),
            ]
        })
        .collect();
    let columns = [
        ("集群党组织", 36.0),
        ("产业方向", 24.0),
        ("龙头企业", 30.0),
        ("结构", 8.0),
        ("成员单位", 10.0),
        ("所在街镇", 12.0),
        ("成立日期", 12.0),
    ];
    send_list(&state, &auth, "产业集群", &columns, rows).await
}

pub async fn orgs(State(state): State<AppState>, auth: Auth) -> PageResult {
    auth.require(Action::ReadRegistry)?;
    let rows = state
        .store
        .registry()
        .org_tree(&auth.caller, None, true)
        .await?
        .into_iter()
        .map(|o| {
            vec![
                text(format!("{}{}", "　".repeat(o.depth), o.name)),
                text(o.kind),
                text(o.form),
                text(o.town_name.unwrap_or_default()),
                text(o.secretary_name.unwrap_or_default()),
                o.members_count.map(|n| Cell::Int(i64::from(n))).unwrap_or(Cell::Empty),
                text(match (o.members_count, o.members_hand_typed) {
                    (None, _) => "",
                    (Some(_), true) => "手填",
                    (Some(_), false) => "党员名册",
                }),
                date(o.established_on),
                date(o.dissolved_on),
            ]
        })
        .collect();
    let columns = [
        ("党组织", 40.0),
        ("类别", 8.0),
        ("组建方式", 12.0),
        ("街镇", 12.0),
        ("书记", 10.0),
        ("党员数", 8.0),
        ("党员数来源", 10.0),
        ("成立日期", 12.0),
        ("撤销日期", 12.0),
    ];
    send_list(&state, &auth, "党组织", &columns, rows).await
}

pub async fn alliances(State(state): State<AppState>, auth: Auth) -> PageResult {
    auth.require(Action::ReadRegistry)?;
    let rows = state
        .store
        .registry()
        .list_alliances(&auth.caller)
        .await?
        .into_iter()
        .map(|a| {
            vec![
                text(a.name),
                date(a.established_on),
                Cell::Int(a.members.len() as i64),
                text(a.members.into_iter().map(|m| m.1).collect::<Vec<_>>().join("、")),
                text(a.description),
            ]
        })
        .collect();
    let columns = [("党建联盟", 30.0), ("成立日期", 12.0), ("成员数", 8.0), ("成员单位", 60.0), ("简介", 40.0)];
    send_list(&state, &auth, "党建联盟", &columns, rows).await
}

pub async fn pairings(State(state): State<AppState>, auth: Auth) -> PageResult {
    auth.require(Action::ReadRegistry)?;
    let rows = state
        .store
        .registry()
        .list_pairings(&auth.caller)
        .await?
        .into_iter()
        .map(|p| vec![text(p.kind), text(p.a.1), text(p.b), date(p.started_on), date(p.ended_on), text(p.content)])
        .collect();
    let columns =
        [("类型", 12.0), ("一方", 30.0), ("另一方", 30.0), ("开始日期", 12.0), ("结束日期", 12.0), ("共建内容", 50.0)];
    send_list(&state, &auth, "结对共建", &columns, rows).await
}
