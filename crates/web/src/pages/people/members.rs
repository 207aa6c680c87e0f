//! The roster list (filtered, paged, masked), its .xlsx export (masked), a member's page and
//! the reveal of the ID number and phone with a reason.

use askama::Template;
use axum::extract::{Path, Query, State};
use qunlian_domain::auth::Action;
use qunlian_domain::people::{MemberCategory, RevealReason, Standing};
use qunlian_io::xlsx::Cell;
use qunlian_store::Page;
use qunlian_store::people::{Member, MemberFilter, Revealed};
use serde::Deserialize;

use super::ACTIVE;
use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::format::text;
use crate::support::forms::{Unread, coded, id_param, non_empty, query_string};
use crate::support::{render, render_form};

#[derive(Deserialize, Default, Clone)]
pub struct ListQuery {
    org: Option<String>,
    category: Option<String>,
    standing: Option<String>,
    q: Option<String>,
    page: Option<u64>,
}

impl ListQuery {
    fn filter(&self) -> Result<MemberFilter, WebError> {
        Ok(MemberFilter {
            org: id_param("党组织", &self.org)?,
            category: coded(&self.category, MemberCategory::parse)?,
            standing: coded(&self.standing, Standing::parse)?,
            q: non_empty(&self.q).map(str::to_owned),
        })
    }

    fn value(v: &Option<String>) -> &str {
        non_empty(v).unwrap_or("")
    }

    /// The filters as a query string, for the pager and the export link.
    fn query_string(&self) -> String {
        query_string(&[("org", &self.org), ("category", &self.category), ("standing", &self.standing), ("q", &self.q)])
    }
}

#[derive(Template)]
#[template(path = "people/members.html")]
struct ListPage {
    layout: Layout,
    query: ListQuery,
    orgs: Vec<(i64, String)>,
    categories: [MemberCategory; 9],
    standings: [Standing; 2],
    list: Page<Member>,
    may_write: bool,
}

impl ListPage {
    fn org_value(&self) -> &str {
        ListQuery::value(&self.query.org)
    }

    fn category_value(&self) -> &str {
        ListQuery::value(&self.query.category)
    }

    fn standing_value(&self) -> &str {
        ListQuery::value(&self.query.standing)
    }

    fn q_value(&self) -> &str {
        ListQuery::value(&self.query.q)
    }

    fn page_link(&self, page: u64) -> String {
        let q = self.query.query_string();
        if q.is_empty() { format!("?page={page}") } else { format!("?{q}&page={page}") }
    }

    fn export_link(&self) -> String {
        let q = self.query.query_string();
        if q.is_empty() { "/members/export.xlsx".to_owned() } else { format!("/members/export.xlsx?{q}") }
    }
}

/// 党员名册: the members of the caller's scope.
pub async fn list(State(state): State<AppState>, auth: Auth, Query(query): Query<ListQuery>) -> PageResult {
    auth.require(Action::ReadMembers)?;
    let filter = query.filter()?;
    let page = qunlian_store::PageRequest::new(query.page, Some(50));
    let people = state.store.people();
    render(&ListPage {
        layout: Layout::new(&auth, &state, ACTIVE),
        orgs: people.org_choices(&auth.caller).await?,
        list: people.members(&auth.caller, &filter, page).await?,
        categories: MemberCategory::ALL,
        standings: Standing::ALL,
        may_write: auth.caller.may(Action::WriteMembers),
        query,
    })
}

/// The list as .xlsx, the numbers masked as on the screen; audited by the store.
pub async fn export(State(state): State<AppState>, auth: Auth, Query(query): Query<ListQuery>) -> PageResult {
    auth.require(Action::ReadMembers)?;
    let members = state.store.people().export(&auth.caller, &query.filter()?).await?;
    let rows = members
        .into_iter()
        .map(|m| {
            vec![
                text(m.name),
                text(m.id_number.unwrap_or_default()),
                text(m.phone.unwrap_or_default()),
                text(m.gender.map(|g| g.label()).unwrap_or_default()),
                crate::support::format::date(m.birth_date),
                text(m.education.map(|e| e.label()).unwrap_or_default()),
                text(m.category.label()),
                crate::support::format::date(Some(m.joined_on)),
                text(m.standing.label()),
                text(m.org_name),
                text(m.work_unit_name.unwrap_or_default()),
            ]
        })
        .collect::<Vec<Vec<Cell>>>();
    let columns = [
        ("姓名", 10.0),
        ("身份证号码（脱敏）", 22.0),
        ("联系电话（脱敏）", 16.0),
        ("性别", 6.0),
        ("出生日期", 12.0),
        ("学历", 10.0),
        ("人员类别", 14.0),
        ("入党日期", 12.0),
        ("党员类别", 10.0),
        ("所属党组织", 30.0),
        ("工作单位", 30.0),
    ];
    let now = qunlian_domain::clock::beijing(state.store.now());
    let title =
        format!("党员名册（导出时间 {}，共 {} 人，身份证号码和电话已脱敏）", now.format("%Y-%m-%d %H:%M"), rows.len());
    let bytes = crate::support::xlsx::simple_xlsx("党员名册", title, &columns, rows).map_err(WebError::internal)?;
    Ok(crate::support::xlsx::xlsx_response(bytes, &format!("党员名册-{}.xlsx", now.format("%Y%m%d"))))
}

#[derive(Template)]
#[template(path = "people/member.html")]
struct DetailPage {
    layout: Layout,
    p: Member,
    may_write: bool,
    may_reveal: bool,
    revealed: Option<Revealed>,
    reason: String,
    error: Option<String>,
}

async fn detail_page(
    state: &AppState,
    auth: &Auth,
    id: i64,
    revealed: Option<Revealed>,
    reason: String,
    error: Option<String>,
) -> PageResult {
    auth.require(Action::ReadMembers)?;
    let page = DetailPage {
        layout: Layout::new(auth, state, ACTIVE),
        p: state.store.people().member(&auth.caller, id).await?,
        may_write: auth.caller.may(Action::WriteMembers),
        may_reveal: auth.caller.may(Action::RevealPersonal),
        revealed,
        reason,
        error,
    };
    render_form(&page, page.error.is_some())
}

pub async fn detail(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    detail_page(&state, &auth, id, None, String::new(), None).await
}

#[derive(Deserialize, Default)]
pub struct RevealForm {
    reason: Option<String>,
}

/// 查看完整信息: the page again with the numbers in full, once the reason is written.
pub async fn reveal(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, body: Unread) -> PageResult {
    auth.require(Action::ReadMembers)?;
    auth.require(Action::RevealPersonal)?;
    let f: RevealForm = body.form().await?;
    let typed = f.reason.unwrap_or_default();
    let reason = match RevealReason::parse(&typed) {
        Ok(r) => r,
        Err(e) => return detail_page(&state, &auth, id, None, typed, Some(e)).await,
    };
    let revealed = state.store.people().reveal(&auth.caller, id, &reason).await?;
    detail_page(&state, &auth, id, Some(revealed), typed, None).await
}
