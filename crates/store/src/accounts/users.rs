//! Users: creation, login with lockout, and one's own password. What the three
//! administrators do to other accounts is in `admin.rs`.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use chrono::{DateTime, Utc};
use qunlian_domain::auth::{Action, Caller, Role, Scope, UserId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::*;
use crate::audit::Change;
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
    /// Copied into a session at login; a session carrying another number has ended.
    pub session_epoch: i32,
}

impl User {
    pub fn caller(&self, ip: Option<String>) -> Caller {
        Caller { user_id: self.id, username: self.username.clone(), role: self.role, scope: self.scope.clone(), ip }
    }
}

pub(super) fn to_user(m: user::Model) -> User {
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
        session_epoch: m.session_epoch,
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

impl LoginOutcome {
    /// What the login page says when the login failed. The same sentence whether the name
    /// exists, the password is wrong, or the account is locked or disabled, so that the page
    /// tells an attacker nothing about the account (the audit log keeps the reason).
    pub const REFUSED: &'static str =
        "用户名或密码错误，或账号已锁定、停用。连续输错 5 次将锁定 15 分钟；如需解锁请联系安全保密管理员";
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

/// Argon2 runs on threads of its own, one per core, that live as long as the process.
/// Each hash takes 19 MB (its memory cost). Unbounded on tokio's blocking pool, 64 clients
/// logging in at once held dozens of them and the server's RSS grew from 77 MB to 2.5 GB in
/// 15 s; bounded by a semaphore but still on the blocking pool, each of the pool's threads
/// that ever hashed kept its 19 MB in its own allocator arena, and a login run still grew
/// the server from 265 MB to 814 MB (docs/benchmarks.md). With two threads of their own, two
/// such buffers at the most. The cores are busy either way, so the queue costs no throughput.
type Argon2Job = Box<dyn FnOnce() + Send>;

static ARGON2_THREADS: std::sync::LazyLock<std::sync::mpsc::Sender<Argon2Job>> = std::sync::LazyLock::new(|| {
    let (jobs, queue) = std::sync::mpsc::channel::<Argon2Job>();
    let queue = std::sync::Arc::new(std::sync::Mutex::new(queue));
    for n in 0..std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2) {
        let queue = queue.clone();
        let spawned = std::thread::Builder::new().name(format!("argon2-{n}")).spawn(move || {
            loop {
                // The lock is held only while waiting for the next job, not while it runs.
                let next = match queue.lock() {
                    Ok(q) => q.recv(),
                    Err(_) => return,
                };
                let Ok(job) = next else { return };
                job();
            }
        });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "could not start an Argon2 thread");
        }
    }
    jobs
});

/// Runs `work` (an Argon2 computation) on the Argon2 threads, in turn.
async fn argon2<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let (done, result) = tokio::sync::oneshot::channel();
    let job: Argon2Job = Box::new(move || {
        // A panic stays in this job: the thread goes on with the next one.
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
        let _ = done.send(outcome.ok());
    });
    ARGON2_THREADS.send(job).ok()?;
    result.await.ok().flatten()
}

pub(super) async fn hash_password(password: String) -> Result<String> {
    // argon2id is deliberately slow; keep it off the async workers.
    argon2(move || Argon2::default().hash_password(password.as_bytes()).map(|h| h.to_string()))
        .await
        .ok_or_else(|| StoreError::invalid("密码", "无法计算密码摘要"))?
        .map_err(|_| StoreError::invalid("密码", "无法计算密码摘要"))
}

async fn verify_password(password: String, hash: String) -> bool {
    argon2(move || {
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
    /// (system caller), which bootstraps the first administrator and the demo. The system
    /// administrator creates accounts without a role ([`Role::Pending`]): roles and scopes are
    /// the security administrator's to grant (三员分立, `grant` in admin.rs).
    pub async fn create_user(self, by: &Caller, new: NewUser) -> Result<UserId> {
        if !is_system(by) {
            self.store.require(by, Action::ManageUsers)?;
            if new.role != Role::Pending || new.scope != Scope::Nothing {
                return Err(StoreError::Forbidden);
            }
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
        let row = user::ActiveModel {
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
        };
        let detail = format!("创建用户 {username}（{}）", new.role.label());
        let model = self.store.insert_recorded(by, row, |m| Change::new("user.create", "user", m.id, detail)).await?;
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
    ///
    /// Failures are counted by one `UPDATE … SET failed_logins = failed_logins + 1` that also
    /// sets the lock when the new count reaches the limit, so parallel attempts cannot each
    /// read the same count and undercount; a right password is let in only by an update
    /// whose condition is that the account is not locked at that moment. The count goes back
    /// to zero on a successful login or an unlock, not when a lock ends: the first failure
    /// after a lock locks again.
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
        let id = row.id;
        // Checked before anything else is told, for every outcome alike (equal timing).
        let ok = verify_password(password.to_owned(), row.password_hash.clone()).await;
        let now = self.store.now();
        if row.disabled {
            self.store.audit().record(actor, "login.refused", "user", Some(id.to_string()), "账号已停用").await?;
            return Ok(LoginOutcome::Disabled);
        }
        if let Some(until) = row.locked_until.filter(|u| *u > now) {
            self.store.audit().record(actor, "login.refused", "user", Some(id.to_string()), "账号已锁定").await?;
            return Ok(LoginOutcome::Locked { until });
        }
        let not_locked =
            Expr::col(user::Column::LockedUntil).is_null().or(Expr::col(user::Column::LockedUntil).lte(now));
        // The counters and their line in one transaction: a login the log cannot record
        // changes nothing.
        if ok {
            let reset = user::Entity::update_many()
                .col_expr(user::Column::FailedLogins, Expr::value(0))
                .col_expr(user::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
                .col_expr(user::Column::LastLoginAt, Expr::value(Some(now)))
                .filter(user::Column::Id.eq(id))
                .filter(user::Column::Disabled.eq(false))
                .filter(not_locked);
            let (reset, row) = self
                .store
                .recorded(
                    actor,
                    async |txn| {
                        let res = reset.exec(txn).await?;
                        let row = user::Entity::find_by_id(id).one(txn).await?.ok_or(StoreError::NotFound)?;
                        Ok((res.rows_affected > 0, row))
                    },
                    |(reset, _)| match reset {
                        // Locked (or disabled) between the check above and this update.
                        false => Change::new("login.refused", "user", id, "账号已锁定"),
                        true => Change::new("login", "user", id, "登录成功"),
                    },
                )
                .await?;
            return Ok(match reset {
                false => LoginOutcome::Locked { until: row.locked_until.unwrap_or(now) },
                true => LoginOutcome::Ok(to_user(row)),
            });
        }
        let until = now + chrono::Duration::minutes(LOCKOUT_MINUTES);
        let reaches_limit = Expr::col(user::Column::FailedLogins).add(1).gte(MAX_FAILED_LOGINS);
        let count = user::Entity::update_many()
            .col_expr(user::Column::FailedLogins, Expr::col(user::Column::FailedLogins).add(1))
            .col_expr(
                user::Column::LockedUntil,
                Expr::case(reaches_limit, Expr::value(Some(until)))
                    .finally(Expr::col(user::Column::LockedUntil))
                    .into(),
            )
            .filter(user::Column::Id.eq(id));
        let row = self
            .store
            .recorded(
                actor,
                async |txn| {
                    count.exec(txn).await?;
                    user::Entity::find_by_id(id).one(txn).await?.ok_or(StoreError::NotFound)
                },
                |row| {
                    let detail = match row.locked_until.filter(|u| *u > now) {
                        Some(_) => format!(
                            "密码错误（第{}次），连续{MAX_FAILED_LOGINS}次，账号锁定{LOCKOUT_MINUTES}分钟",
                            row.failed_logins
                        ),
                        None => format!("密码错误（第{}次）", row.failed_logins),
                    };
                    Change::new("login.failed", "user", id, detail)
                },
            )
            .await?;
        let locked = row.locked_until.filter(|u| *u > now);
        Ok(match locked {
            Some(until) => LoginOutcome::Locked { until },
            None => LoginOutcome::BadCredentials,
        })
    }

    /// Sets a password: one's own (the current one already checked by the caller), or any
    /// account's from the command line (the machine's operator), which then has to change
    /// it at its next login. Either way the account's other sessions and its API tokens end;
    /// the new session number is returned for the session that made the change.
    pub async fn set_password(self, by: &Caller, id: UserId, password: &str) -> Result<i32> {
        if by.user_id != id && !is_system(by) {
            return Err(StoreError::Forbidden);
        }
        check_password_strength(password)?;
        let row = user::Entity::find_by_id(id.0).one(self.store.db()).await?.ok_or(StoreError::NotFound)?;
        let mut active: user::ActiveModel = row.into();
        active.password_hash = Set(hash_password(password.to_owned()).await?);
        active.must_change_password = Set(by.user_id != id);
        self.store
            .recorded(
                by,
                async |txn| {
                    active.update(txn).await?;
                    self.end_sessions(txn, id).await
                },
                |_| Change::new("user.password", "user", id, "修改密码（其他会话与接口令牌已失效）"),
            )
            .await
    }

    /// Ends every session and API token of an account on `conn` (the transaction of the
    /// change that ends them): its session number goes up (a session carrying the old one
    /// is refused) and its tokens are revoked. Returns the new number.
    pub(super) async fn end_sessions(self, conn: &impl sea_orm::ConnectionTrait, id: UserId) -> Result<i32> {
        user::Entity::update_many()
            .col_expr(user::Column::SessionEpoch, Expr::col(user::Column::SessionEpoch).add(1))
            .filter(user::Column::Id.eq(id.0))
            .exec(conn)
            .await?;
        self.revoke_tokens_of(conn, id).await?;
        let row = user::Entity::find_by_id(id.0).one(conn).await?.ok_or(StoreError::NotFound)?;
        Ok(row.session_epoch)
    }
}

/// The command line and first start act as the system (user id 0), above the three roles.
pub(super) fn is_system(by: &Caller) -> bool {
    by.user_id.0 == 0
}
