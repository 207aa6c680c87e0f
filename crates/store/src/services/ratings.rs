//! The enterprise's rating of a finished request through its signed link. The link is the
//! enterprise's: its contact finds it on the request's page, and a town or district admin may
//! print it on a slip to send; the officers being rated never see it, and a logged-in user who
//! is not the requesting enterprise's contact is refused by it (issue #11, point 11).

use qunlian_domain::auth::{Caller, Role, Scope};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;

use super::*;
use crate::audit::Change;
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

/// Why a caller may hold a rating link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RatingHolder {
    /// The requesting enterprise's contact: the link is shown on the request's page.
    Enterprise,
    /// A town or district admin: the link is printed on a slip to send to the enterprise.
    Printer,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RateOutcome {
    Rated,
    AlreadyRated,
}

impl Services<'_> {
    /// The token of a request's rating link: a keyed digest of its id, never stored. (The
    /// label changed when the link stopped being shown to officers, so the links they were
    /// shown before no longer open.)
    pub fn rating_token(self, id: i64) -> String {
        self.store.crypto().blind_index_parts(&[b"service-rating-enterprise", id.to_string().as_bytes()])
    }

    /// Who may hold a request's rating link: the contact of the enterprise that filed it, and
    /// a town or district admin (to print it for sending) when the request is in his scope.
    pub async fn rating_link_holder(self, caller: &Caller, id: i64) -> Result<RatingHolder> {
        let row = self.request_row(caller, id).await?;
        let holder = match (&caller.role, &caller.scope) {
            (Role::EnterpriseContact, Scope::Enterprise(u)) if u.0 == row.unit_id => RatingHolder::Enterprise,
            (Role::TownAdmin | Role::DistrictAdmin, Scope::Region(_)) => RatingHolder::Printer,
            _ => return Err(StoreError::Forbidden),
        };
        if !row.state.is_done() {
            return Err(StoreError::invalid("评价", "事项尚未办结，办结后才有评价链接"));
        }
        Ok(holder)
    }

    /// The token for the caller's own use ([`rating_link_holder`](Self::rating_link_holder)),
    /// a printing recorded in the audit log.
    pub async fn rating_link_for(self, caller: &Caller, id: i64) -> Result<String> {
        if self.rating_link_holder(caller, id).await? == RatingHolder::Printer {
            self.store
                .audit()
                .record(
                    caller,
                    "service.request.rating_slip",
                    "service_request",
                    Some(id.to_string()),
                    "打印评价通知单",
                )
                .await?;
        }
        Ok(self.rating_token(id))
    }

    /// A logged-in user opening a rating link must be the requesting enterprise's contact:
    /// an officer, even holding the address, is refused. Without a login, the token decides.
    pub async fn may_rate_as(self, caller: Option<&Caller>, id: i64, token: &str) -> Result<()> {
        let row = self.rated_row(id, token).await?;
        match caller {
            None => Ok(()),
            Some(Caller { role: Role::EnterpriseContact, scope: Scope::Enterprise(u), .. }) if u.0 == row.unit_id => {
                Ok(())
            }
            Some(_) => Err(StoreError::Forbidden),
        }
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
        qunlian_domain::free_text::rating_comment(comment)?;
        let comment = comment.trim().to_owned();
        let now = self.store.now();
        let detail = if comment.is_empty() { format!("{rating} 星") } else { format!("{rating} 星：{comment}") };
        let rater = "企业（评价链接）";
        self.store
            .recorded_if(
                crate::audit::Actor { user_id: None, username: rater.into(), ip: None },
                async |txn| {
                    let done = service_request::Entity::update_many()
                        .col_expr(service_request::Column::Rating, sea_orm::sea_query::Expr::value(rating))
                        .col_expr(service_request::Column::RatingComment, sea_orm::sea_query::Expr::value(comment))
                        .col_expr(service_request::Column::RatedAt, sea_orm::sea_query::Expr::value(now))
                        .filter(service_request::Column::Id.eq(id))
                        .filter(service_request::Column::Rating.is_null())
                        .exec(txn)
                        .await?;
                    if done.rows_affected == 0 {
                        return Ok(RateOutcome::AlreadyRated);
                    }
                    event(txn, id, now, rater, EventKind::Rated, None, Some(row.department_id), detail.clone()).await?;
                    Ok(RateOutcome::Rated)
                },
                |outcome| {
                    (*outcome == RateOutcome::Rated)
                        .then(|| Change::new("service.request.rate", "service_request", id, detail.clone()))
                },
            )
            .await
    }
}
