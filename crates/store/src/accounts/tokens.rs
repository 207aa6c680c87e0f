//! API tokens: issued to a user, stored as digests, resolved back to their user.

use qunlian_domain::auth::{Action, Caller, UserId};
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter};

use super::*;
use crate::crypto::sm3_hex;
use crate::entity::api_token;
use crate::{Result, StoreError};

impl Accounts<'_> {
    /// Issues a bearer token for the JSON API; only its SM3 digest is stored.
    pub async fn create_token(self, by: &Caller, user: UserId, name: &str) -> Result<String> {
        if by.user_id != user && by.user_id.0 != 0 {
            self.store.require(by, Action::ManageUsers)?;
        }
        self.user(user).await?.ok_or(StoreError::NotFound)?;
        let token = format!("qlt_{}", hex::encode(rand::random::<[u8; 24]>()));
        api_token::ActiveModel {
            user_id: Set(user.0),
            name: Set(name.to_owned()),
            token_hash: Set(sm3_hex(token.as_bytes())),
            created_at: Set(self.store.now()),
            last_used_at: Set(None),
            revoked: Set(false),
            ..Default::default()
        }
        .insert(self.store.db())
        .await?;
        self.store
            .audit()
            .record(by, "token.create", "user", Some(user.to_string()), format!("创建接口令牌“{name}”"))
            .await?;
        Ok(token)
    }

    pub async fn user_by_token(self, token: &str) -> Result<Option<User>> {
        let Some(row) = api_token::Entity::find()
            .filter(api_token::Column::TokenHash.eq(sm3_hex(token.as_bytes())))
            .filter(api_token::Column::Revoked.eq(false))
            .one(self.store.db())
            .await?
        else {
            return Ok(None);
        };
        let user_id = row.user_id;
        // "Last used" to the minute: writing it on every call made each API read a write,
        // and on SQLite every request queued for the one write lock (docs/benchmarks.md).
        let now = self.store.now();
        if row.last_used_at.is_none_or(|at| now - at >= chrono::Duration::minutes(1)) {
            let mut active: api_token::ActiveModel = row.into();
            active.last_used_at = Set(Some(now));
            active.update(self.store.db()).await?;
        }
        Ok(self.user(UserId(user_id)).await?.filter(|u| !u.disabled))
    }
}
