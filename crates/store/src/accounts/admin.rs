//! What the three administrators (三员) do to other accounts.
//!
//! - The system administrator (`ManageUsers`) creates accounts without a role, disables and
//!   re-enables them, and resets passwords. A reset takes back any role but its own
//!   (the account becomes [`Role::Pending`]), so a one-time password it has seen never opens
//!   a business account or another administrator's.
//! - The security administrator (`ManageSecurity`) grants roles and scopes and unlocks; it
//!   never sets a password, and grants no business role to an account whose one-time
//!   password is still pending (its owner logs in and changes it first).
//! - The audit administrator reads the audit log (`audit.rs`), everyone's entries alike.
//!
//! Nobody does any of this to his own account. A role or scope change and a disable end the
//! account's sessions and API tokens.

use qunlian_domain::auth::{Action, Caller, Role, Scope, UserId};
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, EntityTrait};

use super::*;
use crate::audit::Change;
use crate::entity::user;
use crate::{Result, StoreError};

impl Accounts<'_> {
    async fn target(self, by: &Caller, id: UserId) -> Result<user::Model> {
        if by.user_id == id {
            return Err(StoreError::invalid("用户", "不能对自己的账号执行此操作"));
        }
        user::Entity::find_by_id(id.0).one(self.store.db()).await?.ok_or(StoreError::NotFound)
    }

    /// Saves an administrator's change to an account — ending its sessions and tokens when
    /// `ends_sessions` — with its audit line, in one transaction.
    async fn changed(
        self,
        by: &Caller,
        id: UserId,
        row: user::ActiveModel,
        ends_sessions: bool,
        change: Change,
    ) -> Result<()> {
        self.store
            .recorded(
                by,
                async |txn| {
                    row.update(txn).await?;
                    if ends_sessions {
                        self.end_sessions(txn, id).await?;
                    }
                    Ok(())
                },
                |_| change,
            )
            .await
    }

    /// Gives an account a role and a scope (the security administrator).
    pub async fn grant(self, by: &Caller, id: UserId, role: Role, scope: Scope) -> Result<()> {
        if !is_system(by) {
            self.store.require(by, Action::ManageSecurity)?;
        }
        let row = self.target(by, id).await?;
        if !role.allowed_scope(&scope) {
            return Err(StoreError::invalid("数据范围", format!("{}不能配置此类范围", role.label())));
        }
        if row.must_change_password && role != Role::Pending {
            return Err(StoreError::invalid("角色", "该账号的一次性密码尚未修改：请待本人登录并修改密码后再授权"));
        }
        let before = to_user(row.clone());
        let mut active: user::ActiveModel = row.into();
        active.role = Set(role);
        active.scope_kind = Set(scope.kind().to_owned());
        active.scope_value = Set(scope.value());
        let detail = format!(
            "授权 {}：{}（{}）→ {}（{}）",
            before.username,
            before.role.label(),
            scope_text(&before.scope),
            role.label(),
            scope_text(&scope)
        );
        self.changed(by, id, active, true, Change::new("user.grant", "user", id, detail)).await
    }

    /// Disables an account (no login; its sessions and tokens end) or enables it again.
    pub async fn set_disabled(self, by: &Caller, id: UserId, disabled: bool) -> Result<()> {
        if !is_system(by) {
            self.store.require(by, Action::ManageUsers)?;
        }
        let row = self.target(by, id).await?;
        let name = row.username.clone();
        let mut active: user::ActiveModel = row.into();
        active.disabled = Set(disabled);
        let (action, detail) = if disabled {
            ("user.disable", format!("停用账号 {name}（会话与接口令牌已失效）"))
        } else {
            ("user.enable", format!("启用账号 {name}"))
        };
        self.changed(by, id, active, disabled, Change::new(action, "user", id, detail)).await
    }

    /// Gives an account a new one-time password (the system administrator), returned to be
    /// shown once. The lock is lifted, sessions and tokens end, and any role but the system
    /// administrator's own is taken back for the security administrator to grant again.
    pub async fn reset_password(self, by: &Caller, id: UserId) -> Result<String> {
        if !is_system(by) {
            self.store.require(by, Action::ManageUsers)?;
        }
        let row = self.target(by, id).await?;
        let before = to_user(row.clone());
        let password = random_password();
        let mut active: user::ActiveModel = row.into();
        active.password_hash = Set(hash_password(password.clone()).await?);
        active.must_change_password = Set(true);
        active.failed_logins = Set(0);
        active.locked_until = Set(None);
        let keeps_role = is_system(by) || matches!(before.role, Role::Pending | Role::SystemAdmin);
        if !keeps_role {
            active.role = Set(Role::Pending);
            active.scope_kind = Set(Scope::Nothing.kind().to_owned());
            active.scope_value = Set(None);
        }
        let detail = if keeps_role {
            format!("重置 {} 的密码", before.username)
        } else {
            format!(
                "重置 {} 的密码；原角色 {}（{}）已收回，待安全保密管理员重新授权",
                before.username,
                before.role.label(),
                scope_text(&before.scope)
            )
        };
        self.changed(by, id, active, true, Change::new("user.reset", "user", id, detail)).await?;
        Ok(password)
    }

    /// Lifts a lockout (the security administrator).
    pub async fn unlock_user(self, by: &Caller, id: UserId) -> Result<()> {
        if !is_system(by) {
            self.store.require(by, Action::ManageSecurity)?;
        }
        let row = self.target(by, id).await?;
        let mut active: user::ActiveModel = row.into();
        active.locked_until = Set(None);
        active.failed_logins = Set(0);
        self.store.update_recorded(by, active, "user.unlock", ("user", id.0), "解除锁定".to_owned()).await?;
        Ok(())
    }
}

/// A scope as the audit log names it.
pub fn scope_text(s: &Scope) -> String {
    match s.value() {
        Some(v) => format!("{} {v}", scope_kind_label(s)),
        None => scope_kind_label(s).to_owned(),
    }
}

fn scope_kind_label(s: &Scope) -> &'static str {
    match s {
        Scope::All => "全部",
        Scope::Nothing => "无业务数据",
        Scope::Region(_) => "区域",
        Scope::Cluster(_) => "集群",
        Scope::PartyOrg(_) => "党组织",
        Scope::Enterprise(_) => "企业",
        Scope::Department(_) => "部门",
    }
}
