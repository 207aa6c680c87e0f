//! The three administrators' pages: audit log (auditor), users (system administrator).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use qunlian_domain::RegionCode;
use qunlian_domain::auth::{Action, ClusterId, OrgId, Role, Scope, UnitId, UserId};
use qunlian_store::accounts::{NewUser, User, random_password};
use qunlian_store::audit::{AuditEntry, AuditFilter};
use qunlian_store::{Page, PageRequest};
use serde::Deserialize;

use super::{non_empty, parse_date, render};
use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    q: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<u64>,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    layout: Layout,
    page: Page<AuditEntry>,
    q: String,
    from: String,
    to: String,
}

impl AuditPage {
    fn local(&self, e: &AuditEntry) -> String {
        (e.at + chrono::Duration::hours(8)).format("%Y-%m-%d %H:%M:%S").to_string()
    }
}

pub async fn audit(State(state): State<AppState>, auth: Auth, Query(q): Query<AuditQuery>) -> PageResult {
    auth.require(Action::ReadAudit)?;
    let filter = AuditFilter {
        q: non_empty(&q.q).map(str::to_owned),
        action: non_empty(&q.action).map(str::to_owned),
        from: parse_date("开始日期", &q.from)?,
        to: parse_date("结束日期", &q.to)?,
    };
    let page = state.store.audit().search(&auth.caller, &filter, PageRequest::new(q.page, Some(100))).await?;
    render(&AuditPage {
        layout: Layout::new(&auth, &state, "/audit"),
        page,
        q: non_empty(&q.q).unwrap_or("").to_owned(),
        from: non_empty(&q.from).unwrap_or("").to_owned(),
        to: non_empty(&q.to).unwrap_or("").to_owned(),
    })
}

pub struct RoleOption {
    pub code: &'static str,
    pub label: &'static str,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    layout: Layout,
    users: Vec<User>,
    roles: Vec<RoleOption>,
    message: Option<String>,
    error: Option<String>,
    may_create: bool,
}

impl UsersPage {
    fn scope_label(&self, s: &Scope) -> String {
        match s {
            Scope::All => "全部".into(),
            Scope::Nothing => "无业务数据".into(),
            Scope::Region(r) => r.full_name(),
            Scope::Cluster(c) => format!("集群 #{c}"),
            Scope::PartyOrg(o) => format!("党组织 #{o}"),
            Scope::Enterprise(u) => format!("企业 #{u}"),
            Scope::Department(u) => format!("部门 #{u}"),
        }
    }
    fn locked(&self, u: &User) -> bool {
        u.locked_until.is_some_and(|t| t > chrono::Utc::now())
    }
}

async fn users_page(state: &AppState, auth: &Auth, message: Option<String>, error: Option<String>) -> PageResult {
    let users = state.store.accounts().list_users(&auth.caller).await?;
    let roles = Role::ALL.into_iter().map(|r| RoleOption { code: r.code(), label: r.label() }).collect();
    render(&UsersPage {
        layout: Layout::new(auth, state, "/users"),
        users,
        roles,
        message,
        error,
        may_create: auth.caller.may(Action::ManageUsers),
    })
}

pub async fn users(State(state): State<AppState>, auth: Auth) -> PageResult {
    users_page(&state, &auth, None, None).await
}

#[derive(Deserialize)]
pub struct NewUserForm {
    username: Option<String>,
    display_name: Option<String>,
    role: Option<String>,
    scope_kind: Option<String>,
    scope_value: Option<String>,
}

pub async fn create_user(State(state): State<AppState>, auth: Auth, Form(f): Form<NewUserForm>) -> PageResult {
    auth.require(Action::ManageUsers)?;
    let built: Result<NewUser, String> = (|| {
        let role = match non_empty(&f.role) {
            None => return Err("角色：请选择".to_owned()),
            Some(r) => Role::parse(r).map_err(|e| e.to_string())?,
        };
        let value = non_empty(&f.scope_value).unwrap_or("");
        let id = || value.parse::<i64>().map_err(|_| format!("范围：“{value}”应为编号"));
        let scope = match f.scope_kind.as_deref().unwrap_or("nothing") {
            "all" => Scope::All,
            "region" => Scope::Region(RegionCode::parse(value).map_err(|e| format!("范围：{e}"))?),
            "cluster" => Scope::Cluster(ClusterId(id()?)),
            "party_org" => Scope::PartyOrg(OrgId(id()?)),
            "enterprise" => Scope::Enterprise(UnitId(id()?)),
            "department" => Scope::Department(UnitId(id()?)),
            _ => Scope::Nothing,
        };
        let username = non_empty(&f.username).ok_or("用户名：不能为空")?.to_owned();
        Ok(NewUser {
            display_name: non_empty(&f.display_name).unwrap_or(&username).to_owned(),
            username,
            password: random_password(),
            role,
            scope,
            must_change_password: true,
        })
    })();
    let new = match built {
        Ok(n) => n,
        Err(e) => return users_page(&state, &auth, None, Some(e)).await,
    };
    let password = new.password.clone();
    let name = new.username.clone();
    match state.store.accounts().create_user(&auth.caller, new).await {
        Ok(_) => {
            users_page(
                &state,
                &auth,
                Some(format!("已创建用户 {name}，初始密码：{password}（仅显示这一次，首次登录须修改）")),
                None,
            )
            .await
        }
        Err(qunlian_store::StoreError::Invalid { field, message }) => {
            users_page(&state, &auth, None, Some(format!("{field}：{message}"))).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn unlock(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    state.store.accounts().unlock_user(&auth.caller, UserId(id)).await.map_err(WebError::from)?;
    Ok(Redirect::to("/users").into_response())
}
