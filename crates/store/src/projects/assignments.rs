//! The officer's assignment board: who reviews what, the conflicts standing between each
//! reviewer and application with their reasons, and taking an assignment back; the
//! reviewer's own assignments that a conflict now blocks. The proposal itself and a manual
//! assignment are `review.rs`'s.

use std::collections::BTreeMap;

use qunlian_domain::auth::{Action, Caller, Role};
use qunlian_domain::projects::{ApplicationState, ConflictKind};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::*;
use crate::audit::Change;
use crate::entity::{project_application, project_assignment, project_reviewer, project_sheet, user};

/// One reviewer on one application of the board.
#[derive(Clone, Debug, Serialize)]
pub struct Assigned {
    pub reviewer_id: i64,
    pub automatic: bool,
    pub submitted: bool,
}

/// One application of the board: its reviewers and the conflicts found now.
#[derive(Clone, Debug, Serialize)]
pub struct BoardRow {
    pub application: ApplicationRow,
    pub assigned: Vec<Assigned>,
    pub conflicts: Vec<(i64, Vec<ConflictKind>)>,
}

/// A user of the 评审专家 role, to be appointed to a round.
#[derive(Clone, Debug, Serialize)]
pub struct ReviewerAccount {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
}

impl Projects<'_> {
    /// The applications under review of a round (and those decided, without conflicts),
    /// each with its reviewers and conflicts; the officer only.
    pub async fn board(&self, caller: &Caller, round_id: i64) -> Result<Vec<BoardRow>> {
        self.store.require(caller, Action::ManageProjects)?;
        self.round(caller, round_id).await?;
        let db = self.store.db();
        let apps = project_application::Entity::find()
            .filter(project_application::Column::RoundId.eq(round_id))
            .order_by_asc(project_application::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .filter(|a| a.state.is_in_review() || a.state.is_decided())
            .collect::<Vec<_>>();
        let reviewers =
            project_reviewer::Entity::find().filter(project_reviewer::Column::RoundId.eq(round_id)).all(db).await?;
        let open: Vec<project_application::Model> =
            apps.iter().filter(|a| a.state == ApplicationState::UnderReview).cloned().collect();
        let kinds = self.conflict_kinds(&open, &reviewers).await?;
        let assignments = project_assignment::Entity::find()
            .filter(project_assignment::Column::ApplicationId.is_in(apps.iter().map(|a| a.id)))
            .order_by_asc(project_assignment::Column::ReviewerId)
            .all(db)
            .await?;
        let submitted =
            self.submitted_sheets(project_sheet::Column::ApplicationId.is_in(apps.iter().map(|a| a.id))).await?;
        let mut by_app: BTreeMap<i64, Vec<Assigned>> = BTreeMap::new();
        for a in assignments {
            by_app.entry(a.application_id).or_default().push(Assigned {
                reviewer_id: a.reviewer_id,
                automatic: a.automatic,
                submitted: submitted.contains(&(a.application_id, a.reviewer_id)),
            });
        }
        let names = self.org_names(apps.iter().map(|a| a.org_id).collect()).await?;
        Ok(apps
            .iter()
            .map(|a| BoardRow {
                application: super::applications::row_of(a, names.get(&a.org_id).cloned().unwrap_or_default()),
                assigned: by_app.remove(&a.id).unwrap_or_default(),
                conflicts: kinds
                    .iter()
                    .filter(|((app, _), _)| *app == a.id)
                    .map(|((_, reviewer), k)| (*reviewer, k.clone()))
                    .collect(),
            })
            .collect())
    }

    /// The officer takes an assignment back; refused once the reviewer has submitted his
    /// sheet (it counts in the ranking).
    pub async fn unassign(&self, caller: &Caller, application_id: i64, reviewer_id: i64) -> Result<()> {
        self.store.require(caller, Action::ManageProjects)?;
        let db = self.store.db();
        project_assignment::Entity::find_by_id((application_id, reviewer_id))
            .one(db)
            .await?
            .ok_or(StoreError::NotFound)?;
        let sheet = project_sheet::Entity::find_by_id((application_id, reviewer_id)).one(db).await?;
        if sheet.is_some_and(|s| s.submitted_at.is_some()) {
            return Err(StoreError::invalid("评审专家", "该专家已提交评分，不能取消分配"));
        }
        self.store
            .recorded(
                caller,
                async |txn| {
                    Ok(project_assignment::Entity::delete_by_id((application_id, reviewer_id)).exec(txn).await?)
                },
                |_| {
                    Change::new(
                        "project.unassign",
                        "project_application",
                        application_id,
                        format!("评审专家 {reviewer_id}"),
                    )
                },
            )
            .await?;
        Ok(())
    }

    /// The accounts of the 评审专家 role, to appoint to a round; the officer only.
    pub async fn reviewer_accounts(&self, caller: &Caller) -> Result<Vec<ReviewerAccount>> {
        self.store.require(caller, Action::ManageProjects)?;
        Ok(user::Entity::find()
            .filter(user::Column::Role.eq(Role::Reviewer))
            .filter(user::Column::Disabled.eq(false))
            .order_by_asc(user::Column::Username)
            .all(self.store.db())
            .await?
            .into_iter()
            .map(|u| ReviewerAccount { user_id: u.id, username: u.username, display_name: u.display_name })
            .collect())
    }

    /// The calling reviewer's assignments under review that a conflict now blocks: the
    /// application's number and why (never its content).
    pub async fn my_blocked(&self, caller: &Caller) -> Result<Vec<(i64, Vec<ConflictKind>)>> {
        let mine = self.my_appointments(caller).await?;
        let db = self.store.db();
        let mut out = Vec::new();
        for r in &mine {
            let apps = project_application::Entity::find()
                .filter(
                    project_application::Column::Id.in_subquery(
                        sea_orm::sea_query::Query::select()
                            .column(project_assignment::Column::ApplicationId)
                            .from(project_assignment::Entity)
                            .and_where(project_assignment::Column::ReviewerId.eq(r.id))
                            .to_owned(),
                    ),
                )
                .filter(project_application::Column::State.eq(ApplicationState::UnderReview))
                .order_by_asc(project_application::Column::Id)
                .all(db)
                .await?;
            for ((app, _), kinds) in self.conflict_kinds(&apps, std::slice::from_ref(r)).await? {
                out.push((app, kinds));
            }
        }
        Ok(out)
    }
}
