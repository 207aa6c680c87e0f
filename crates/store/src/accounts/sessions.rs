//! Web sessions kept in the database for tower-sessions.

use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

use crate::Store;
use crate::entity::session;

#[derive(Clone, Debug)]
pub struct DbSessionStore {
    store: Store,
}

impl DbSessionStore {
    pub fn new(store: Store) -> Self {
        DbSessionStore { store }
    }

    /// How many sessions are stored (anonymous visits must add none).
    pub async fn count(&self) -> crate::Result<u64> {
        use sea_orm::PaginatorTrait;
        Ok(session::Entity::find().count(self.store.db()).await?)
    }

    /// Removes sessions past their expiry; run periodically by the server.
    pub async fn delete_expired(&self) -> crate::Result<u64> {
        let now = self.store.now().timestamp();
        let res =
            session::Entity::delete_many().filter(session::Column::ExpiresAt.lt(now)).exec(self.store.db()).await?;
        Ok(res.rows_affected)
    }
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

#[async_trait::async_trait]
impl SessionStore for DbSessionStore {
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data = serde_json::to_string(&record.data).map_err(|e| session_store::Error::Encode(e.to_string()))?;
        session::Entity::insert(session::ActiveModel {
            id: Set(record.id.to_string()),
            data: Set(data),
            expires_at: Set(record.expiry_date.unix_timestamp()),
        })
        .on_conflict(
            OnConflict::column(session::Column::Id)
                .update_columns([session::Column::Data, session::Column::ExpiresAt])
                .to_owned(),
        )
        .exec_without_returning(self.store.db())
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let row = session::Entity::find_by_id(id.to_string()).one(self.store.db()).await.map_err(backend)?;
        let Some(row) = row else { return Ok(None) };
        if row.expires_at < self.store.now().timestamp() {
            return Ok(None);
        }
        let data = serde_json::from_str(&row.data).map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let expiry_date = time::OffsetDateTime::from_unix_timestamp(row.expires_at)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record { id: *id, data, expiry_date }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        session::Entity::delete_by_id(id.to_string()).exec(self.store.db()).await.map_err(backend)?;
        Ok(())
    }
}
