//! The enterprise's rating of a finished request through its signed link.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};
use serde::Serialize;

use super::*;
use crate::entity::service_request;
use crate::{Result, StoreError};

/// What the signed rating link shows: the request's title and enterprise, nothing more.
#[derive(Clone, Debug, Serialize)]
pub struct RatingView {
    pub id: i64,
    pub title: String,
    pub enterprise: String,
    pub finished: bool,
    pub rating: Option<i16>,
    pub comment: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RateOutcome {
    Rated,
    AlreadyRated,
}

impl Services<'_> {
    /// The token of a request's rating link: a keyed digest of its id, never stored.
    pub fn rating_token(self, id: i64) -> String {
        self.store.crypto().blind_index_parts(&[b"service-rating", id.to_string().as_bytes()])
    }

    async fn rated_row(self, id: i64, token: &str) -> Result<service_request::Model> {
        if !same_bytes(&self.rating_token(id), token) {
            return Err(StoreError::NotFound);
        }
        service_request::Entity::find_by_id(id).one(self.store.db()).await?.ok_or(StoreError::NotFound)
    }

    /// What the rating link shows; a wrong token is "not found", as an unknown id is.
    pub async fn rating_view(self, id: i64, token: &str) -> Result<RatingView> {
        let row = self.rated_row(id, token).await?;
        let names = self.store.unit_names(vec![row.unit_id]).await?;
        Ok(RatingView {
            id: row.id,
            enterprise: names.get(&row.unit_id).cloned().unwrap_or_default(),
            title: row.title,
            finished: row.state.is_done(),
            rating: row.rating,
            comment: row.rating_comment,
        })
    }

    /// The enterprise's rating by the signed link, once: a second one changes nothing.
    pub async fn rate(self, id: i64, token: &str, rating: i16, comment: &str) -> Result<RateOutcome> {
        let row = self.rated_row(id, token).await?;
        if row.state.allowed(qunlian_domain::services::RequestAction::Rate).is_err() {
            return Err(StoreError::invalid("评价", "事项尚未办结，办结后才能评价"));
        }
        if !(1..=5).contains(&rating) {
            return Err(StoreError::invalid("满意度", "请选择 1 到 5 星"));
        }
        let comment = comment.trim().chars().take(500).collect::<String>();
        let now = self.store.now();
        let txn = self.store.db().begin().await?;
        let done = service_request::Entity::update_many()
            .col_expr(service_request::Column::Rating, sea_orm::sea_query::Expr::value(rating))
            .col_expr(service_request::Column::RatingComment, sea_orm::sea_query::Expr::value(comment.clone()))
            .col_expr(service_request::Column::RatedAt, sea_orm::sea_query::Expr::value(now))
            .filter(service_request::Column::Id.eq(id))
            .filter(service_request::Column::Rating.is_null())
            .exec(&txn)
            .await?;
        if done.rows_affected == 0 {
            return Ok(RateOutcome::AlreadyRated);
        }
        let detail = if comment.is_empty() { format!("{rating} 星") } else { format!("{rating} 星：{comment}") };
        event(&txn, id, now, "企业（评价链接）", EventKind::Rated, None, Some(row.department_id), detail.clone())
            .await?;
        txn.commit().await?;
        self.store
            .audit()
            .record(
                crate::audit::Actor { user_id: None, username: "企业（评价链接）".into(), ip: None },
                "service.request.rate",
                "service_request",
                Some(id.to_string()),
                detail,
            )
            .await?;
        Ok(RateOutcome::Rated)
    }
}
