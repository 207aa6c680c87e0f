//! API tokens: issued to a user for itself, stored as digests, with an end of life, and
//! revocable; resolved back to their user only while valid and while the account may act.

use chrono::{DateTime, Utc};
use qunlian_domain::auth::{Action, Caller, UserId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use super::*;
use crate::audit::Change;
use crate::crypto::sm3_hex;
use crate::entity::{api_token, user};
use crate::{Result, StoreError};

/// A token's life when its maker does not say, and the longest it may ask for.
pub const TOKEN_DEFAULT_DAYS: i64 = 90;
pub const TOKEN_MAX_DAYS: i64 = 365;

/// A token just issued: the secret is shown once, with the day it stops working.
#[derive(Clone, Debug)]
pub struct IssuedToken {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// A token as its owner's list shows it (never the secret).
#[derive(Clone, Debug, Serialize)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked: bool,
}

impl TokenInfo {
    pub fn active(&self, now: DateTime<Utc>) -> bool {
        !self.revoked && self.expires_at > now
    }
}

/// Tokens issued before expiry existed (migration 11) end their default life after issue.
fn expiry(m: &api_token::Model) -> DateTime<Utc> {
    m.expires_at.unwrap_or(m.created_at + chrono::Duration::days(TOKEN_DEFAULT_DAYS))
}

impl Accounts<'_> {
    /// Issues a bearer token with the default lifetime; see [`Accounts::issue_token`].
    pub async fn create_token(self, by: &Caller, user: UserId, name: &str) -> Result<String> {
        Ok(self.issue_token(by, user, name, None).await?.token)
    }

    /// Issues a bearer token for the JSON API, only its SM3 digest stored. An account issues
    /// tokens for itself only (no administrator can make one that acts as somebody else);
    /// the command line may issue for any account.
    pub async fn issue_token(self, by: &Caller, user: UserId, name: &str, days: Option<i64>) -> Result<IssuedToken> {
        if by.user_id != user && !is_system(by) {
            return Err(StoreError::Forbidden);
        }
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 64 {
            return Err(StoreError::invalid("令牌名称", "不能为空，且不超过64个字符"));
        }
        let days = days.unwrap_or(TOKEN_DEFAULT_DAYS);
        if !(1..=TOKEN_MAX_DAYS).contains(&days) {
            return Err(StoreError::invalid("有效期", format!("应为 1 到 {TOKEN_MAX_DAYS} 天")));
        }
        self.user(user).await?.ok_or(StoreError::NotFound)?;
        let token = format!("qlt_{}", hex::encode(rand::random::<[u8; 24]>()));
        let now = self.store.now();
        let expires_at = now + chrono::Duration::days(days);
        let row = api_token::ActiveModel {
            user_id: Set(user.0),
            name: Set(name.to_owned()),
            token_hash: Set(sm3_hex(token.as_bytes())),
            created_at: Set(now),
            last_used_at: Set(None),
            revoked: Set(false),
            expires_at: Set(Some(expires_at)),
            ..Default::default()
        };
        let detail = format!("创建接口令牌“{name}”，有效期至 {}", expires_at.format("%Y-%m-%d"));
        self.store.insert_recorded(by, row, |_| Change::new("token.create", "user", user, detail)).await?;
        Ok(IssuedToken { token, expires_at })
    }

    /// The account behind a token, when the token is neither revoked nor expired and the
    /// account is enabled and not waiting for its one-time password to be changed.
    ///
    /// The token and its account come in one statement (a join), since every API call asks:
    /// under load each statement is a hand-over to a database thread and back
    /// (docs/benchmarks.md, “List API throughput”).
    pub async fn user_by_token(self, token: &str) -> Result<Option<User>> {
        let owner =
            api_token::Entity::belongs_to(user::Entity).from(api_token::Column::UserId).to(user::Column::Id).into();
        let Some((row, Some(account))) = api_token::Entity::find()
            .join(sea_orm::JoinType::InnerJoin, owner)
            .select_also(user::Entity)
            .filter(api_token::Column::TokenHash.eq(sm3_hex(token.as_bytes())))
            .filter(api_token::Column::Revoked.eq(false))
            .one(self.store.db())
            .await?
        else {
            return Ok(None);
        };
        let now = self.store.now();
        if expiry(&row) <= now {
            return Ok(None);
        }
        // Once a minute at most: a busy client must not turn every read into a write.
        if row.last_used_at.is_none_or(|t| now - t > chrono::Duration::minutes(1)) {
            api_token::Entity::update_many()
                .col_expr(api_token::Column::LastUsedAt, Expr::value(Some(now)))
                .filter(api_token::Column::Id.eq(row.id))
                .exec(self.store.db())
                .await?;
        }
        Ok(Some(to_user(account)).filter(|u| !u.disabled && !u.must_change_password))
    }

    /// One's own tokens, newest first.
    pub async fn tokens(self, caller: &Caller) -> Result<Vec<TokenInfo>> {
        Ok(api_token::Entity::find()
            .filter(api_token::Column::UserId.eq(caller.user_id.0))
            .order_by_desc(api_token::Column::Id)
            .all(self.store.db())
            .await?
            .into_iter()
            .map(|m| TokenInfo {
                id: m.id,
                expires_at: expiry(&m),
                name: m.name,
                created_at: m.created_at,
                last_used_at: m.last_used_at,
                revoked: m.revoked,
            })
            .collect())
    }

    /// Revokes a token: its owner, or the security administrator any account's.
    pub async fn revoke_token(self, by: &Caller, id: i64) -> Result<()> {
        let row = api_token::Entity::find_by_id(id).one(self.store.db()).await?.ok_or(StoreError::NotFound)?;
        if row.user_id != by.user_id.0 && !by.may(Action::ManageSecurity) {
            return Err(StoreError::NotFound);
        }
        let (user, name) = (row.user_id, row.name.clone());
        let mut active: api_token::ActiveModel = row.into();
        active.revoked = Set(true);
        self.store.update_recorded(by, active, "token.revoke", ("user", user), format!("吊销接口令牌“{name}”")).await?;
        Ok(())
    }

    /// Revokes every live token of an account on `conn` (the transaction of the change that
    /// ends them).
    pub(super) async fn revoke_tokens_of(self, conn: &impl sea_orm::ConnectionTrait, user: UserId) -> Result<u64> {
        let res = api_token::Entity::update_many()
            .col_expr(api_token::Column::Revoked, Expr::value(true))
            .filter(api_token::Column::UserId.eq(user.0))
            .filter(api_token::Column::Revoked.eq(false))
            .exec(conn)
            .await?;
        Ok(res.rows_affected)
    }
}
