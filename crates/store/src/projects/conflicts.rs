//! Conflicts of interest between reviewers and applications, found from what the platform
//! records (the same enterprise or group, a committee seat, a live service request or
//! introduction with the reviewer's department, a pairing) plus the reviewer's declarations
//! and the officer's pins. The rule is the domain's (`qunlian_domain::projects::conflicts`);
//! here the facts are gathered.

use std::collections::{BTreeMap, BTreeSet};

use qunlian_domain::auth::{Action, Caller};
use qunlian_domain::matching::IntroductionState;
use qunlian_domain::projects::{self as rules, ApplicantTies, ConflictKind, Pin, ReviewerTies};
use qunlian_domain::registry::UnitKind;
use qunlian_domain::services::RequestState;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect};

use super::*;
use crate::audit::Change;
use crate::entity::{
    cluster_member, cluster_officer, introduction, pairing, project_application, project_application_unit,
    project_assignment, project_conflict, project_reviewer, service_request, unit, user,
};

fn set_of(ids: impl IntoIterator<Item = i64>) -> BTreeSet<i64> {
    ids.into_iter().collect()
}

impl Projects<'_> {
    /// What the platform records about a reviewer.
    async fn reviewer_ties(&self, r: &project_reviewer::Model) -> Result<ReviewerTies> {
        let db = self.store.db();
        let u = user::Entity::find_by_id(r.user_id).one(db).await?.ok_or(StoreError::NotFound)?;
        let mut units: BTreeSet<i64> = r.unit_id.into_iter().collect();
        // An account scoped to a department or an enterprise works for it.
        if matches!(u.scope_kind.as_str(), "department" | "enterprise") {
            units.extend(u.scope_value.as_deref().and_then(|v| v.parse::<i64>().ok()));
        }
        let unit_rows = unit::Entity::find().filter(unit::Column::Id.is_in(units.clone())).all(db).await?;
        let groups = set_of(unit_rows.iter().filter_map(|m| m.group_unit_id));
        let department = unit_rows.iter().find(|m| m.kind == UnitKind::Government).map(|m| m.id);
        // A seat on a cluster committee: an officer of that name seconded from his unit.
        let committee_seats = set_of(
            cluster_officer::Entity::find()
                .select_only()
                .column(cluster_officer::Column::ClusterId)
                .filter(cluster_officer::Column::Name.eq(u.display_name.clone()))
                .filter(cluster_officer::Column::SecondedFrom.is_in(units.clone()))
                .into_tuple::<i64>()
                .all(db)
                .await?,
        );
        Ok(ReviewerTies { units, groups, committee_seats, department })
    }

    /// What the platform records about an application's applicants.
    async fn applicant_ties(&self, app: &project_application::Model) -> Result<ApplicantTies> {
        let db = self.store.db();
        let mut units: BTreeSet<i64> = set_of(
            project_application_unit::Entity::find()
                .select_only()
                .column(project_application_unit::Column::UnitId)
                .filter(project_application_unit::Column::ApplicationId.eq(app.id))
                .into_tuple::<i64>()
                .all(db)
                .await?,
        );
        if let Some(org) = crate::entity::party_org::Entity::find_by_id(app.org_id).one(db).await? {
            units.extend(org.unit_id);
        }
        let ids: Vec<i64> = units.iter().copied().collect();
        let groups = set_of(
            unit::Entity::find()
                .select_only()
                .column(unit::Column::GroupUnitId)
                .filter(unit::Column::Id.is_in(ids.clone()))
                .filter(unit::Column::GroupUnitId.is_not_null())
                .into_tuple::<i64>()
                .all(db)
                .await?,
        );
        let mut clusters = set_of(
            cluster_member::Entity::find()
                .select_only()
                .column(cluster_member::Column::ClusterId)
                .filter(cluster_member::Column::UnitId.is_in(ids.clone()))
                .filter(cluster_member::Column::LeftOn.is_null())
                .into_tuple::<i64>()
                .all(db)
                .await?,
        );
        clusters.extend(app.cluster_id);
        let request_departments = set_of(
            service_request::Entity::find()
                .select_only()
                .column(service_request::Column::DepartmentId)
                .filter(service_request::Column::UnitId.is_in(ids.clone()))
                .filter(service_request::Column::State.is_in([RequestState::Open, RequestState::Waiting]))
                .into_tuple::<i64>()
                .all(db)
                .await?,
        );
        let brokers: Vec<(Option<i64>, Option<i64>)> = introduction::Entity::find()
            .select_only()
            .column(introduction::Column::BrokerUserId)
            .column(introduction::Column::AssistingDepartmentId)
            .filter(
                Condition::any()
                    .add(introduction::Column::NeedUnitId.is_in(ids.clone()))
                    .add(introduction::Column::OfferUnitId.is_in(ids.clone())),
            )
            .filter(introduction::Column::State.is_not_in([IntroductionState::Won, IntroductionState::Lost]))
            .into_tuple()
            .all(db)
            .await?;
        // The department brokering: the broker's own when his account belongs to one, and the
        // department named as helping (协办部门).
        let mut introduction_departments = set_of(brokers.iter().filter_map(|(_, d)| *d));
        introduction_departments.extend(
            user::Entity::find()
                .filter(user::Column::Id.is_in(brokers.iter().filter_map(|(u, _)| *u)))
                .filter(user::Column::ScopeKind.eq("department"))
                .all(db)
                .await?
                .into_iter()
                .filter_map(|u| u.scope_value.and_then(|v| v.parse::<i64>().ok())),
        );
        let today = self.store.today();
        let live = Condition::any().add(pairing::Column::EndedOn.is_null()).add(pairing::Column::EndedOn.gte(today));
        let pairs = pairing::Entity::find()
            .filter(live)
            .filter(
                Condition::any()
                    .add(pairing::Column::AUnitId.is_in(ids.clone()))
                    .add(pairing::Column::BUnitId.is_in(ids.clone())),
            )
            .all(db)
            .await?;
        let pairings = set_of(
            pairs.iter().flat_map(|p| [Some(p.a_unit_id), p.b_unit_id]).flatten().filter(|u| !units.contains(u)),
        );
        Ok(ApplicantTies { units, groups, clusters, request_departments, introduction_departments, pairings })
    }

    /// The declaration and the officer's pin recorded for each (application, reviewer) pair
    /// among `apps`, in one query.
    async fn marks(&self, apps: &[i64]) -> Result<BTreeMap<(i64, i64), (bool, Option<Pin>)>> {
        let rows: Vec<(i64, i64, String)> = project_conflict::Entity::find()
            .select_only()
            .column(project_conflict::Column::ApplicationId)
            .column(project_conflict::Column::ReviewerId)
            .column(project_conflict::Column::Kind)
            .filter(project_conflict::Column::ApplicationId.is_in(apps.iter().copied()))
            .into_tuple()
            .all(self.store.db())
            .await?;
        let mut marks: BTreeMap<(i64, i64), (bool, Option<Pin>)> = BTreeMap::new();
        for (app, reviewer, kind) in rows {
            let mark = marks.entry((app, reviewer)).or_default();
            match kind.as_str() {
                "declared" => mark.0 = true,
                // A pinned conflict outweighs a clearing pin (only one is kept, but be sure).
                "pin_conflict" => mark.1 = Some(Pin::Conflict),
                "pin_clear" if mark.1.is_none() => mark.1 = Some(Pin::Clear),
                _ => {}
            }
        }
        Ok(marks)
    }

    /// Every conflict between a reviewer and an application, found now.
    pub(super) async fn conflicts_between(
        &self,
        app: &project_application::Model,
        reviewer: &project_reviewer::Model,
    ) -> Result<Vec<ConflictKind>> {
        let (declared, pin) = self.marks(&[app.id]).await?.remove(&(app.id, reviewer.id)).unwrap_or_default();
        Ok(rules::conflicts(&self.reviewer_ties(reviewer).await?, &self.applicant_ties(app).await?, declared, pin))
    }

    /// For each application, the reviewers with a conflict: each party's ties gathered once,
    /// the marks in one query (the automatic assignment asks this of a whole round).
    pub(super) async fn conflicted(
        &self,
        apps: &[project_application::Model],
        reviewers: &[project_reviewer::Model],
    ) -> Result<BTreeMap<i64, BTreeSet<i64>>> {
        let mut out: BTreeMap<i64, BTreeSet<i64>> = apps.iter().map(|a| (a.id, BTreeSet::new())).collect();
        for ((app, reviewer), _) in self.conflict_kinds(apps, reviewers).await? {
            out.entry(app).or_default().insert(reviewer);
        }
        Ok(out)
    }

    /// Every conflicted (application, reviewer) pair among `apps` and `reviewers`, with
    /// what conflicts them.
    pub(super) async fn conflict_kinds(
        &self,
        apps: &[project_application::Model],
        reviewers: &[project_reviewer::Model],
    ) -> Result<BTreeMap<(i64, i64), Vec<ConflictKind>>> {
        let marks = self.marks(&apps.iter().map(|a| a.id).collect::<Vec<_>>()).await?;
        let mut reviewer_ties = Vec::with_capacity(reviewers.len());
        for r in reviewers {
            reviewer_ties.push((r.id, self.reviewer_ties(r).await?));
        }
        let mut out = BTreeMap::new();
        for app in apps {
            let ties = self.applicant_ties(app).await?;
            for (id, rt) in &reviewer_ties {
                let (declared, pin) = marks.get(&(app.id, *id)).copied().unwrap_or_default();
                let found = rules::conflicts(rt, &ties, declared, pin);
                if !found.is_empty() {
                    out.insert((app.id, *id), found);
                }
            }
        }
        Ok(out)
    }

    pub(super) async fn reviewer_model(&self, id: i64) -> Result<project_reviewer::Model> {
        project_reviewer::Entity::find_by_id(id).one(self.store.db()).await?.ok_or(StoreError::NotFound)
    }

    pub(super) async fn application_model(&self, id: i64) -> Result<project_application::Model> {
        project_application::Entity::find_by_id(id).one(self.store.db()).await?.ok_or(StoreError::NotFound)
    }

    /// The conflicts the officer sees for one reviewer and application.
    pub async fn conflicts(&self, caller: &Caller, application_id: i64, reviewer_id: i64) -> Result<Vec<ConflictKind>> {
        self.store.require(caller, Action::ManageProjects)?;
        let app = self.application_model(application_id).await?;
        self.conflicts_between(&app, &self.reviewer_model(reviewer_id).await?).await
    }

    /// The caller as a reviewer of the application's round.
    pub(super) async fn me_for(
        &self,
        caller: &Caller,
        app: &project_application::Model,
    ) -> Result<project_reviewer::Model> {
        self.store.require(caller, Action::ReviewProjects)?;
        project_reviewer::Entity::find()
            .filter(project_reviewer::Column::RoundId.eq(app.round_id))
            .filter(project_reviewer::Column::UserId.eq(caller.user_id.0))
            .one(self.store.db())
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// The caller's reviewer appointments, in every round.
    pub(super) async fn my_appointments(&self, caller: &Caller) -> Result<Vec<project_reviewer::Model>> {
        self.store.require(caller, Action::ReviewProjects)?;
        Ok(project_reviewer::Entity::find()
            .filter(project_reviewer::Column::UserId.eq(caller.user_id.0))
            .all(self.store.db())
            .await?)
    }

    /// Records a reviewer's conflict with an application — in place of one of the same kind,
    /// or of the kind it `replaces` — and with `unassign` takes the reviewer off it, with the
    /// audit line, in one transaction.
    async fn mark(
        &self,
        (application_id, reviewer_id): (i64, i64),
        kind: &str,
        replaces: Option<&str>,
        unassign: bool,
        reason: &str,
        by: &Caller,
    ) -> Result<()> {
        let reason = text("理由", reason, 500, true)?;
        let row = project_conflict::ActiveModel {
            application_id: Set(application_id),
            reviewer_id: Set(reviewer_id),
            kind: Set(kind.to_owned()),
            reason: Set(reason.clone()),
            by_user: Set(by.username.clone()),
            at: Set(self.store.now()),
        };
        let line = format!("{kind} 评审专家 {reviewer_id}：{reason}");
        let kinds: Vec<&str> = std::iter::once(kind).chain(replaces).collect();
        self.store
            .recorded(
                by,
                async |txn| {
                    project_conflict::Entity::delete_many()
                        .filter(project_conflict::Column::ApplicationId.eq(application_id))
                        .filter(project_conflict::Column::ReviewerId.eq(reviewer_id))
                        .filter(project_conflict::Column::Kind.is_in(kinds))
                        .exec(txn)
                        .await?;
                    project_conflict::Entity::insert(row).exec_without_returning(txn).await?;
                    if unassign {
                        project_assignment::Entity::delete_many()
                            .filter(project_assignment::Column::ApplicationId.eq(application_id))
                            .filter(project_assignment::Column::ReviewerId.eq(reviewer_id))
                            .exec(txn)
                            .await?;
                    }
                    Ok(())
                },
                |()| Change::new("project.conflict", "project_application", application_id, line),
            )
            .await
    }

    /// A reviewer declares a conflict (本人申明回避); his assignment to it is removed.
    pub async fn declare_conflict(&self, caller: &Caller, application_id: i64, reason: &str) -> Result<()> {
        let app = self.application_model(application_id).await?;
        let me = self.me_for(caller, &app).await?;
        self.mark((application_id, me.id), "declared", None, true, reason, caller).await
    }

    /// The officer pins a conflict, or clears the relationship ones, with a reason.
    pub async fn pin(
        &self,
        caller: &Caller,
        application_id: i64,
        reviewer_id: i64,
        pin: Pin,
        reason: &str,
    ) -> Result<()> {
        self.store.require(caller, Action::ManageProjects)?;
        self.application_model(application_id).await?;
        self.reviewer_model(reviewer_id).await?;
        let (kind, other) = match pin {
            Pin::Conflict => ("pin_conflict", "pin_clear"),
            Pin::Clear => ("pin_clear", "pin_conflict"),
        };
        self.mark((application_id, reviewer_id), kind, Some(other), pin == Pin::Conflict, reason, caller).await
    }
}
