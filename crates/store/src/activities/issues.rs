//! An issue raised at an activity becomes, in one step, a need (要素需求, a listing of the
//! unit that raised it) or a service request (服务诉求) — linked back to the activity.

use qunlian_domain::activities::{IssueTarget, Raised, RaisedIssueFields};
use qunlian_domain::auth::{Action, Caller, UnitId};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::Activities;
use crate::audit::Change;
use crate::entity::{activity_issue, activity_unit};
use crate::services::NewServiceRequest;
use crate::{Result, StoreError};

/// What raising an issue made: the issue's id and the page of the need or request.
#[derive(Clone, Debug)]
pub struct RaisedResult {
    pub issue_id: i64,
    pub link: String,
}

impl Activities<'_> {
    /// Turns an issue raised by a unit that took part into a need or a service request,
    /// prefilled from the issue, and keeps the link. The need or request is checked and
    /// audited as its own capability does it (who may publish or file, for which unit).
    pub async fn raise_issue(
        self,
        caller: &Caller,
        activity_id: i64,
        f: RaisedIssueFields,
        demo: bool,
    ) -> Result<RaisedResult> {
        self.store.require(caller, Action::RecordActivities)?;
        let a = self.row_in_scope(caller, activity_id).await?;
        let took_part = activity_unit::Entity::find()
            .filter(activity_unit::Column::ActivityId.eq(a.id))
            .filter(activity_unit::Column::UnitId.eq(f.unit))
            .one(self.store.db())
            .await?;
        if took_part.is_none() {
            return Err(StoreError::invalid("提出单位", "应为参加本次活动的单位"));
        }
        let unit = UnitId(f.unit);
        let (target, listing_id, request_id) = match f.raised {
            Raised::Listing(mut listing) => {
                if listing.description.is_empty() {
                    listing.description = format!("在{}“{}”（{}）上提出", a.kind.label(), a.subject, a.held_on);
                }
                let id = self.store.matching().publish(caller, unit, listing, demo).await?;
                (IssueTarget::Listing, Some(id), None)
            }
            Raised::ServiceRequest { item } => {
                let detail = if f.description.is_empty() {
                    format!("在{}“{}”（{}）上提出", a.kind.label(), a.subject, a.held_on)
                } else {
                    f.description.clone()
                };
                let new = NewServiceRequest { item_id: item, unit, title: f.title.clone(), detail, is_demo: demo };
                let id = self.store.services().file_request(caller, new).await?;
                (IssueTarget::ServiceRequest, None, Some(id))
            }
        };
        let row = activity_issue::ActiveModel {
            activity_id: Set(a.id),
            unit_id: Set(f.unit),
            target: Set(target),
            title: Set(f.title.clone()),
            listing_id: Set(listing_id),
            service_request_id: Set(request_id),
            raised_by: Set(caller.username.clone()),
            is_demo: Set(demo),
            created_at: Set(self.store.now()),
            ..Default::default()
        };
        let detail = format!("活动“{}”（{}）上提出的“{}”转为{}", a.subject, a.held_on, f.title, target.label());
        let saved = self
            .store
            .insert_recorded(caller, row, |r| Change::new("activity.issue", "activity_issue", r.id, detail))
            .await?;
        let link = match (listing_id, request_id) {
            (Some(l), _) => format!("/listings/{l}"),
            (_, Some(r)) => format!("/services/{r}"),
            _ => format!("/activities/{}", a.id),
        };
        Ok(RaisedResult { issue_id: saved.id, link })
    }
}
