//! User accounts, as the three administrators (三员) see them: the system administrator
//! creates accounts (without a role), disables, enables and resets them; the security
//! administrator grants roles and scopes and unlocks. The store enforces each rule; these
//! pages offer only what the caller may do.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use qunlian_domain::RegionCode;
use qunlian_domain::auth::{Action, ClusterId, OrgId, Role, Scope, UnitId, UserId};
use qunlian_store::StoreError;
use qunlian_store::accounts::{NewUser, User, random_password, scope_text};
use serde::Deserialize;

use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::forms::non_empty;
use crate::support::render;

/// The choices of scope kind on the grant form.
const SCOPE_KINDS: [(&str, &str); 7] = [
    ("nothing", "无业务数据"),
    ("all", "全部"),
    ("region", "区域（行政区划代码）"),
    ("cluster", "集群（编号）"),
    ("party_org", "党组织（编号）"),
    ("enterprise", "企业（编号）"),
    ("department", "部门（编号）"),
];

#[derive(Template)]
#[template(path = "accounts/users.html")]
struct UsersPage {
    layout: Layout,
    users: Vec<User>,
    message: Option<String>,
    error: Option<String>,
    may_create: bool,
}

fn locked(u: &User) -> bool {
    u.locked_until.is_some_and(|t| t > chrono::Utc::now())
}

impl UsersPage {
    fn scope_label(&self, s: &Scope) -> String {
        scope_text(s)
    }
    fn locked(&self, u: &User) -> bool {
        locked(u)
    }
}

fn may_see_users(auth: &Auth) -> Result<(), WebError> {
    if auth.caller.may(Action::ManageUsers) || auth.caller.may(Action::ManageSecurity) {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

async fn users_page(state: &AppState, auth: &Auth, message: Option<String>, error: Option<String>) -> PageResult {
    may_see_users(auth)?;
    let users = state.store.accounts().list_users(&auth.caller).await?;
    render(&UsersPage {
        layout: Layout::new(auth, state, "/users"),
        users,
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
}

/// A new account, without a role, with a one-time password shown once.
pub async fn create_user(State(state): State<AppState>, auth: Auth, Form(f): Form<NewUserForm>) -> PageResult {
    auth.require(Action::ManageUsers)?;
    let Some(username) = non_empty(&f.username).map(str::to_owned) else {
        return users_page(&state, &auth, None, Some("用户名：不能为空".into())).await;
    };
    let password = random_password();
    let new = NewUser {
        display_name: non_empty(&f.display_name).unwrap_or(&username).to_owned(),
        username: username.clone(),
        password: password.clone(),
        role: Role::Pending,
        scope: Scope::Nothing,
        must_change_password: true,
    };
    match state.store.accounts().create_user(&auth.caller, new).await {
        Ok(_) => {
            let message = format!(
                "已创建用户 {username}，一次性密码：{password}（仅显示这一次；本人首次登录须修改，之后由安全保密管理员授予角色）"
            );
            users_page(&state, &auth, Some(message), None).await
        }
        Err(StoreError::Invalid { field, message }) => {
            users_page(&state, &auth, None, Some(format!("{field}：{message}"))).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "accounts/user.html")]
struct UserPage {
    layout: Layout,
    u: User,
    scope: String,
    locked: bool,
    scope_kinds: [(&'static str, &'static str); 7],
    scope_value: String,
    message: Option<String>,
    error: Option<String>,
    manages: bool,
    grants: bool,
    is_self: bool,
}

async fn user_page(
    state: &AppState,
    auth: &Auth,
    id: i64,
    message: Option<String>,
    error: Option<String>,
) -> PageResult {
    may_see_users(auth)?;
    let u = state.store.accounts().user(UserId(id)).await?.ok_or(WebError::NotFound)?;
    render(&UserPage {
        layout: Layout::new(auth, state, "/users"),
        scope: scope_text(&u.scope),
        scope_value: u.scope.value().unwrap_or_default(),
        locked: locked(&u),
        scope_kinds: SCOPE_KINDS,
        message,
        error,
        manages: auth.caller.may(Action::ManageUsers),
        grants: auth.caller.may(Action::ManageSecurity),
        is_self: u.id == auth.user.id,
        u,
    })
}

pub async fn user(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    user_page(&state, &auth, id, None, None).await
}

/// What a refused change shows on the account's page; other errors go up.
async fn outcome(state: &AppState, auth: &Auth, id: i64, done: Result<String, StoreError>) -> PageResult {
    match done {
        Ok(message) => user_page(state, auth, id, Some(message), None).await,
        Err(StoreError::Invalid { field, message }) => {
            let page = user_page(state, auth, id, None, Some(format!("{field}：{message}"))).await?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct GrantForm {
    role: Option<String>,
    scope_kind: Option<String>,
    scope_value: Option<String>,
}

fn parse_grant(f: &GrantForm) -> Result<(Role, Scope), StoreError> {
    let role = match non_empty(&f.role) {
        None => return Err(StoreError::invalid("角色", "请选择")),
        Some(r) => Role::parse(r).map_err(|e| StoreError::invalid("角色", e.to_string()))?,
    };
    let value = non_empty(&f.scope_value).unwrap_or("");
    let id = || value.parse::<i64>().map_err(|_| StoreError::invalid("范围值", format!("“{value}”应为编号")));
    let scope = match non_empty(&f.scope_kind).unwrap_or("nothing") {
        "nothing" => Scope::Nothing,
        "all" => Scope::All,
        "region" => Scope::Region(RegionCode::parse(value).map_err(|e| StoreError::invalid("范围值", e.to_string()))?),
        "cluster" => Scope::Cluster(ClusterId(id()?)),
        "party_org" => Scope::PartyOrg(OrgId(id()?)),
        "enterprise" => Scope::Enterprise(UnitId(id()?)),
        "department" => Scope::Department(UnitId(id()?)),
        other => return Err(StoreError::invalid("范围类型", format!("“{other}”不是可选的范围类型"))),
    };
    Ok((role, scope))
}

/// The security administrator gives an account a role and a scope.
pub async fn grant(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<GrantForm>,
) -> PageResult {
    auth.require(Action::ManageSecurity)?;
    let done = match parse_grant(&f) {
        Ok((role, scope)) => state
            .store
            .accounts()
            .grant(&auth.caller, UserId(id), role, scope)
            .await
            .map(|()| format!("已授予角色：{}（该账号已登录的会话与接口令牌均已失效）", role.label())),
        Err(e) => Err(e),
    };
    outcome(&state, &auth, id, done).await
}

/// The system administrator disables an account (ending its sessions and tokens).
pub async fn disable(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    auth.require(Action::ManageUsers)?;
    let done = state.store.accounts().set_disabled(&auth.caller, UserId(id), true).await;
    outcome(&state, &auth, id, done.map(|()| "账号已停用，其会话与接口令牌均已失效".to_owned())).await
}

pub async fn enable(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    auth.require(Action::ManageUsers)?;
    let done = state.store.accounts().set_disabled(&auth.caller, UserId(id), false).await;
    outcome(&state, &auth, id, done.map(|()| "账号已启用".to_owned())).await
}

/// The system administrator gives an account a one-time password, shown once; the role
/// goes back to the security administrator (see `Accounts::reset_password`).
pub async fn reset(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    auth.require(Action::ManageUsers)?;
    let done = state.store.accounts().reset_password(&auth.caller, UserId(id)).await.map(|password| {
        format!(
            "一次性密码：{password}（仅显示这一次；本人登录后须修改。原有业务角色已收回，需安全保密管理员重新授权）"
        )
    });
    outcome(&state, &auth, id, done).await
}

pub async fn unlock(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    auth.require(Action::ManageSecurity)?;
    state.store.accounts().unlock_user(&auth.caller, UserId(id)).await?;
    Ok(Redirect::to(&format!("/users/{id}")).into_response())
}
