//! Users: creation, login with lockout, passwords and unlocking.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use chrono::{DateTime, Utc};
use qunlian_domain::auth::{Action, Caller, Role, Scope, UserId};
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::*;
use crate::entity::user;
use crate::{Result, StoreError};

/// Failed logins in a row before an account is locked, and for how long.
pub const MAX_FAILED_LOGINS: i32 = 5;

pub const LOCKOUT_MINUTES: i64 = 15;

#[derive(Clone, Debug, Serialize)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope: Scope,
    pub failed_logins: i32,
    pub locked_until: Option<DateTime<Utc>>,
    pub must_change_password: bool,
    pub disabled: bool,
    pub last_login_at: Option<DateTime<Utc>>,
}

impl User {
    pub fn caller(&self, ip: Option<String>) -> Caller {
        Caller { user_id: self.id, username: self.username.clone(), role: self.role, scope: self.scope.clone(), ip }
    }
}

fn to_user(m: user::Model) -> User {
    // The role is typed in the column (an unknown one is an error on reading the row); a
    // stored scope that no longer parses gets no access rather than a guess.
    let role = m.role;
    let scope = Scope::from_parts(&m.scope_kind, m.scope_value.as_deref()).unwrap_or(Scope::Nothing);
    User {
        id: UserId(m.id),
        username: m.username,
        display_name: m.display_name,
        role,
        scope,
        failed_logins: m.failed_logins,
        locked_until: m.locked_until,
        must_change_password: m.must_change_password,
        disabled: m.disabled,
        last_login_at: m.last_login_at,
    }
}

#[derive(Clone, Debug)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub role: Role,
    pub scope: Scope,
    pub must_change_password: bool,
}

#[derive(Clone, Debug)]
pub enum LoginOutcome {
    Ok(User),
    BadCredentials,
    Locked { until: DateTime<Utc> },
    Disabled,
}

pub const MIN_PASSWORD_LEN: usize = 10;

pub fn check_password_strength(password: &str) -> Result<()> {
    let classes = [
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ]
    .into_iter()
    .filter(|x| *x)
    .count();
    if password.chars().count() < MIN_PASSWORD_LEN || classes < 3 {
        return Err(StoreError::invalid(
            "密码",
            format!("至少{MIN_PASSWORD_LEN}位，并包含大写字母、小写字母、数字、符号中的至少三类"),
        ));
    }
    Ok(())
}

async fn hash_password(password: String) -> Result<String> {
    // argon2id is deliberately slow; keep it off the async workers.
    tokio::task::spawn_blocking(move || Argon2::default().hash_password(password.as_bytes()).map(|h| h.to_string()))
        .await
        .map_err(|_| StoreError::invalid("密码", "无法计算密码摘要"))?
        .map_err(|_| StoreError::invalid("密码", "无法计算密码摘要"))
}

async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

pub fn random_password() -> String {
    // Unambiguous characters only: the password is read off a terminal and typed by hand.
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
    let bytes: [u8; 14] = rand::random();
    let body: String = bytes.iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect();
    format!("{}-{}-Q7", &body[..7], &body[7..])
}

/// A valid argon2id hash of a random string, used to equalise timing for unknown users.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Zr0H3Rn9mBd7D8S1c6YQ1tRk0Z5yE9C2mJ3p2w7v8xU";

impl Accounts<'_> {
    pub async fn user_count(self) -> Result<u64> {
        Ok(user::Entity::find().count(self.store.db()).await?)
    }

    /// Creates an account. `by` must hold the user-management role, except the command line
    /// (system caller), which bootstraps the first administrator and the demo.
    pub async fn create_user(self, by: &Caller, new: NewUser) -> Result<UserId> {
        if by.user_id.0 != 0 {
            self.store.require(by, Action::ManageUsers)?;
        }
        let username = new.username.trim().to_owned();
        if username.is_empty() || username.chars().count() > 64 {
            return Err(StoreError::invalid("用户名", "不能为空，且不超过64个字符"));
        }
        if !new.role.allowed_scope(&new.scope) {
            return Err(StoreError::invalid("权限范围", format!("{}不能配置此类范围", new.role.label())));
        }
        check_password_strength(&new.password)?;
        if user::Entity::find().filter(user::Column::Username.eq(&username)).one(self.store.db()).await?.is_some() {
            return Err(StoreError::invalid("用户名", format!("“{username}”已被使用")));
        }
        let hash = hash_password(new.password).await?;
        let model = user::ActiveModel {
            username: Set(username.clone()),
            display_name: Set(new.display_name),
            password_hash: Set(hash),
            role: Set(new.role),
            scope_kind: Set(new.scope.kind().to_owned()),
            scope_value: Set(new.scope.value()),
            failed_logins: Set(0),
            locked_until: Set(None),
            must_change_password: Set(new.must_change_password),
            disabled: Set(false),
            created_at: Set(self.store.now()),
            last_login_at: Set(None),
            ..Default::default()
        }
        .insert(self.store.db())
        .await?;
        self.store
            .audit()
            .record(
                by,
                "user.create",
                "user",
                Some(model.id.to_string()),
                format!("创建用户 {username}（{}）", new.role.label()),
            )
            .await?;
        Ok(UserId(model.id))
    }

    pub async fn user(self, id: UserId) -> Result<Option<User>> {
        Ok(user::Entity::find_by_id(id.0).one(self.store.db()).await?.map(to_user))
    }

    pub async fn user_by_name(self, username: &str) -> Result<Option<User>> {
        Ok(user::Entity::find().filter(user::Column::Username.eq(username)).one(self.store.db()).await?.map(to_user))
    }

    pub async fn list_users(self, caller: &Caller) -> Result<Vec<User>> {
        if !(caller.may(Action::ManageUsers) || caller.may(Action::ManageSecurity)) {
            return Err(StoreError::Forbidden);
        }
        Ok(user::Entity::find()
            .order_by_asc(user::Column::Username)
            .all(self.store.db())
            .await?
            .into_iter()
            .map(to_user)
            .collect())
    }

    /// Checks a password, counting failures towards the lockout. Every attempt is audited.
    pub async fn login(self, username: &str, password: &str, ip: Option<String>) -> Result<LoginOutcome> {
        let actor = crate::audit::Actor { user_id: None, username: username.to_owned(), ip: ip.clone() };
        let Some(row) = user::Entity::find().filter(user::Column::Username.eq(username)).one(self.store.db()).await?
        else {
            // Spend the same time as a real check so that timing does not reveal user names.
            let _ = verify_password(password.to_owned(), DUMMY_HASH.to_owned()).await;
            self.store.audit().record(actor, "login.failed", "user", None, "用户名不存在").await?;
            return Ok(LoginOutcome::BadCredentials);
        };
        let actor = crate::audit::Actor { user_id: Some(row.id), ..actor };
        let now = self.store.now();
        if row.disabled {
            self.store.audit().record(actor, "login.refused", "user", Some(row.id.to_string()), "账号已停用").await?;
            return Ok(LoginOutcome::Disabled);
        }
        if let Some(until) = row.locked_until.filter(|u| *u > now) {
            self.store.audit().record(actor, "login.refused", "user", Some(row.id.to_string()), "账号已锁定").await?;
            return Ok(LoginOutcome::Locked { until });
        }
        let ok = verify_password(password.to_owned(), row.password_hash.clone()).await;
        let id = row.id;
        let failed = row.failed_logins;
        let mut active: user::ActiveModel = row.into();
        if ok {
            active.failed_logins = Set(0);
            active.locked_until = Set(None);
            active.last_login_at = Set(Some(now));
            let model = active.update(self.store.db()).await?;
            self.store.audit().record(actor, "login", "user", Some(id.to_string()), "登录成功").await?;
            Ok(LoginOutcome::Ok(to_user(model)))
        } else {
            let failed = failed + 1;
            let lock = failed >= MAX_FAILED_LOGINS;
            active.failed_logins = Set(if lock { 0 } else { failed });
            let until = now + chrono::Duration::minutes(LOCKOUT_MINUTES);
            if lock {
                active.locked_until = Set(Some(until));
            }
            active.update(self.store.db()).await?;
            let detail = if lock {
                format!("密码错误，连续{MAX_FAILED_LOGINS}次，账号锁定{LOCKOUT_MINUTES}分钟")
            } else {
                format!("密码错误（第{failed}次）")
            };
            self.store.audit().record(actor, "login.failed", "user", Some(id.to_string()), detail).await?;
            Ok(if lock { LoginOutcome::Locked { until } } else { LoginOutcome::BadCredentials })
        }
    }

    pub async fn set_password(self, by: &Caller, id: UserId, password: &str) -> Result<()> {
        if by.user_id != id && by.user_id.0 != 0 {
            self.store.require(by, Action::ManageUsers)?;
        }
        check_password_strength(password)?;
        let row = user::Entity::find_by_id(id.0).one(self.store.db()).await?.ok_or(StoreError::NotFound)?;
        let mut active: user::ActiveModel = row.into();
        active.password_hash = Set(hash_password(password.to_owned()).await?);
        active.must_change_password = Set(by.user_id != id);
        active.update(self.store.db()).await?;
        self.store.audit().record(by, "user.password", "user", Some(id.to_string()), "修改密码").await
    }

    pub async fn unlock_user(self, by: &Caller, id: UserId) -> Result<()> {
        if !(by.may(Action::ManageUsers) || by.may(Action::ManageSecurity)) {
            return Err(StoreError::Forbidden);
        }
        let row = user::Entity::find_by_id(id.0).one(self.store.db()).await?.ok_or(StoreError::NotFound)?;
        let mut active: user::ActiveModel = row.into();
        active.locked_until = Set(None);
        active.failed_logins = Set(0);
        active.update(self.store.db()).await?;
        self.store.audit().record(by, "user.unlock", "user", Some(id.to_string()), "解除锁定").await
    }
}
