//! The joint review: reviewers of the three departments, the automatic assignment the
//! officer adjusts (free of the conflicts of `conflicts.rs`), score sheets with the blind
//! rule, and the ranking.
//!
//! A reviewer reaches an application only through his assignments, and only while no
//! conflict stands: the check runs again each time he opens it, so a service request filed
//! yesterday by the applicant with his department blocks him today.

use std::collections::{BTreeMap, BTreeSet};

use qunlian_domain::auth::{Action, Caller, Role};
use qunlian_domain::projects::{
    self as rules, ApplicationState, Assignment, AssignmentInput, Criterion, Ranked, ReviewSide, ReviewerLoad,
    ScoreSheet, Shortfall, Slot,
};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use super::*;
use crate::audit::Change;
use crate::entity::{project_application, project_assignment, project_reviewer, project_sheet, unit, user};

#[derive(Clone, Debug, Serialize)]
pub struct ReviewerRow {
    pub id: i64,
    pub user_id: i64,
    pub display_name: String,
    pub side: ReviewSide,
    pub unit_id: Option<i64>,
    pub cap: i32,
    pub load: usize,
}

/// The automatic proposal as saved, and what it could not staff.
#[derive(Clone, Debug, Serialize)]
pub struct Proposal {
    pub assigned: usize,
    pub added: usize,
    #[serde(skip)]
    pub shortfalls: Vec<Shortfall>,
}

/// What a reviewer sees of an application he may review.
#[derive(Clone, Debug, Serialize)]
pub struct ReviewView {
    pub application: Application,
    pub side: ReviewSide,
    /// His department's criteria and the veto items.
    #[serde(skip)]
    pub criteria: Vec<Criterion>,
    #[serde(skip)]
    pub sheet: Option<ScoreSheet>,
    pub submitted: bool,
    /// The other sheets (department and shares, no names): only once his own is submitted.
    pub others: Vec<(ReviewSide, f64)>,
}

/// One line of the ranking page.
#[derive(Clone, Debug, Serialize)]
pub struct RankedRow {
    pub application_id: i64,
    pub title: String,
    pub org_name: String,
    pub state: ApplicationState,
    pub raw: f64,
    pub normalised: f64,
    pub spread: f64,
    pub disputed: bool,
    pub vetoed: bool,
    pub missing: Vec<ReviewSide>,
    pub sheets: usize,
}

fn sheet_from(m: &project_sheet::Model, side: ReviewSide) -> Result<ScoreSheet> {
    let read =
        |what: &str, s: &str| StoreError::invalid("评分表", format!("数据库中 project_sheets.{what} 无法读取：{s}"));
    Ok(ScoreSheet {
        application: m.application_id,
        reviewer: m.reviewer_id,
        side: Some(side),
        scores: serde_json::from_str(&m.scores).map_err(|e| read("scores", &e.to_string()))?,
        vetoes: serde_json::from_str(&m.vetoes).map_err(|e| read("vetoes", &e.to_string()))?,
        comments: serde_json::from_str(&m.comments).map_err(|e| read("comments", &e.to_string()))?,
    })
}

impl Projects<'_> {
    /// Appoints a user of the 评审专家 role as a reviewer of a round for one department.
    pub async fn add_reviewer(
        &self,
        caller: &Caller,
        round_id: i64,
        user_id: i64,
        side: ReviewSide,
        unit_id: Option<i64>,
    ) -> Result<i64> {
        self.store.require(caller, Action::ManageProjects)?;
        let round = self.round(caller, round_id).await?;
        let u = user::Entity::find_by_id(user_id).one(self.store.db()).await?.ok_or(StoreError::NotFound)?;
        if u.role != Role::Reviewer {
            return Err(StoreError::invalid("评审专家", format!("账号“{}”不是评审专家角色", u.username)));
        }
        if let Some(uid) = unit_id {
            unit::Entity::find_by_id(uid)
                .one(self.store.db())
                .await?
                .ok_or_else(|| StoreError::invalid("所在单位", "不存在"))?;
        }
        let exists = project_reviewer::Entity::find()
            .filter(project_reviewer::Column::RoundId.eq(round_id))
            .filter(project_reviewer::Column::UserId.eq(user_id))
            .one(self.store.db())
            .await?;
        if exists.is_some() {
            return Err(StoreError::invalid("评审专家", format!("“{}”已是本批次的评审专家", u.display_name)));
        }
        let row = project_reviewer::ActiveModel {
            round_id: Set(round_id),
            user_id: Set(user_id),
            side: Set(side),
            unit_id: Set(unit_id),
            cap: Set(i32::from(round.reviewer_cap)),
            created_at: Set(self.store.now()),
            ..Default::default()
        };
        let line = format!("{} {}", side.label(), u.display_name);
        let saved = self
            .store
            .insert_recorded(caller, row, |r| Change::new("project.reviewer.add", "project_reviewer", r.id, line))
            .await?;
        Ok(saved.id)
    }

    pub async fn reviewers(&self, caller: &Caller, round_id: i64) -> Result<Vec<ReviewerRow>> {
        self.store.require(caller, Action::ManageProjects)?;
        let rs = project_reviewer::Entity::find()
            .filter(project_reviewer::Column::RoundId.eq(round_id))
            .order_by_asc(project_reviewer::Column::Side)
            .order_by_asc(project_reviewer::Column::Id)
            .all(self.store.db())
            .await?;
        let names: BTreeMap<i64, String> = user::Entity::find()
            .select_only()
            .column(user::Column::Id)
            .column(user::Column::DisplayName)
            .filter(user::Column::Id.is_in(rs.iter().map(|r| r.user_id)))
            .into_tuple::<(i64, String)>()
            .all(self.store.db())
            .await?
            .into_iter()
            .collect();
        let loads = self.loads(rs.iter().map(|r| r.id).collect()).await?;
        Ok(rs
            .into_iter()
            .map(|r| ReviewerRow {
                id: r.id,
                user_id: r.user_id,
                display_name: names.get(&r.user_id).cloned().unwrap_or_default(),
                side: r.side,
                unit_id: r.unit_id,
                cap: r.cap,
                load: loads.get(&r.id).copied().unwrap_or(0),
            })
            .collect())
    }

    async fn loads(&self, reviewers: Vec<i64>) -> Result<BTreeMap<i64, usize>> {
        let rows: Vec<i64> = project_assignment::Entity::find()
            .select_only()
            .column(project_assignment::Column::ReviewerId)
            .filter(project_assignment::Column::ReviewerId.is_in(reviewers))
            .into_tuple()
            .all(self.store.db())
            .await?;
        let mut loads = BTreeMap::new();
        for r in rows {
            *loads.entry(r).or_default() += 1;
        }
        Ok(loads)
    }

    /// Proposes reviewers for every application under review and saves the proposal: the
    /// officer's own assignments are kept; what the quota cannot meet is returned.
    pub async fn assign_automatically(&self, caller: &Caller, round_id: i64) -> Result<Proposal> {
        self.store.require(caller, Action::ManageProjects)?;
        let round = self.round(caller, round_id).await?;
        let db = self.store.db();
        let apps = project_application::Entity::find()
            .filter(project_application::Column::RoundId.eq(round_id))
            .filter(project_application::Column::State.eq(ApplicationState::UnderReview))
            .all(db)
            .await?;
        let reviewers =
            project_reviewer::Entity::find().filter(project_reviewer::Column::RoundId.eq(round_id)).all(db).await?;
        let existing = project_assignment::Entity::find()
            .filter(project_assignment::Column::ApplicationId.is_in(apps.iter().map(|a| a.id)))
            .all(db)
            .await?;
        let mut conflicted = self.conflicted(&apps, &reviewers).await?;
        let slots: Vec<Slot> = apps
            .iter()
            .map(|a| Slot { application: a.id, blocked: conflicted.remove(&a.id).unwrap_or_default() })
            .collect();
        let fixed: Vec<Assignment> =
            existing.iter().map(|a| Assignment { application: a.application_id, reviewer: a.reviewer_id }).collect();
        let loads: Vec<ReviewerLoad> = reviewers
            .iter()
            .map(|r| ReviewerLoad { reviewer: r.id, side: r.side, cap: usize::try_from(r.cap).unwrap_or(0) })
            .collect();
        let quota: BTreeMap<ReviewSide, usize> =
            ReviewSide::ALL.into_iter().map(|s| (s, usize::from(round.quota_per_side))).collect();
        let (all, shortfalls) =
            rules::propose(&AssignmentInput { slots: &slots, reviewers: &loads, quota: &quota, fixed: &fixed });
        let had: BTreeSet<Assignment> = fixed.iter().copied().collect();
        let new: Vec<&Assignment> = all.iter().filter(|a| !had.contains(a)).collect();
        let now = self.store.now();
        let rows: Vec<project_assignment::ActiveModel> = new
            .iter()
            .map(|a| project_assignment::ActiveModel {
                application_id: Set(a.application),
                reviewer_id: Set(a.reviewer),
                automatic: Set(true),
                at: Set(now),
            })
            .collect();
        let detail = format!("新增 {} 条分配，{} 项缺额", new.len(), shortfalls.len());
        self.store
            .recorded(
                caller,
                async |txn| {
                    if !rows.is_empty() {
                        project_assignment::Entity::insert_many(rows).exec_without_returning(txn).await?;
                    }
                    Ok(())
                },
                |_| Change::new("project.assign.auto", "project_round", round_id, detail),
            )
            .await?;
        Ok(Proposal { assigned: all.len(), added: new.len(), shortfalls })
    }

    /// The officer assigns a reviewer by hand; refused when a conflict stands.
    pub async fn assign(&self, caller: &Caller, application_id: i64, reviewer_id: i64) -> Result<()> {
        self.store.require(caller, Action::ManageProjects)?;
        let app = self.application_model(application_id).await?;
        let r = self.reviewer_model(reviewer_id).await?;
        if r.round_id != app.round_id {
            return Err(StoreError::invalid("评审专家", "不是本批次的评审专家"));
        }
        let found = self.conflicts_between(&app, &r).await?;
        if !found.is_empty() {
            let why: Vec<&str> = found.iter().map(|k| k.label()).collect();
            return Err(StoreError::invalid("评审专家", format!("存在利益冲突：{}", why.join("、"))));
        }
        let row = project_assignment::ActiveModel {
            application_id: Set(application_id),
            reviewer_id: Set(reviewer_id),
            automatic: Set(false),
            at: Set(self.store.now()),
        };
        let keys = [project_assignment::Column::ApplicationId, project_assignment::Column::ReviewerId];
        let upsert = sea_orm::sea_query::OnConflict::columns(keys)
            .update_column(project_assignment::Column::Automatic)
            .to_owned();
        self.store
            .recorded(
                caller,
                async |txn| {
                    Ok(project_assignment::Entity::insert(row).on_conflict(upsert).exec_without_returning(txn).await?)
                },
                |_| {
                    Change::new(
                        "project.assign",
                        "project_application",
                        application_id,
                        format!("评审专家 {reviewer_id}"),
                    )
                },
            )
            .await?;
        Ok(())
    }

    /// The applications assigned to the calling reviewer, free of conflict, in review.
    pub async fn my_reviews(&self, caller: &Caller) -> Result<Vec<(ApplicationRow, bool)>> {
        let mine = self.my_appointments(caller).await?;
        let db = self.store.db();
        let mut out = Vec::new();
        for r in &mine {
            let ids: Vec<i64> = project_assignment::Entity::find()
                .select_only()
                .column(project_assignment::Column::ApplicationId)
                .filter(project_assignment::Column::ReviewerId.eq(r.id))
                .into_tuple()
                .all(db)
                .await?;
            let apps = project_application::Entity::find()
                .filter(project_application::Column::Id.is_in(ids))
                .filter(project_application::Column::State.eq(ApplicationState::UnderReview))
                .order_by_asc(project_application::Column::Id)
                .all(db)
                .await?;
            let names = self.org_names(apps.iter().map(|a| a.org_id).collect()).await?;
            let conflicted = self.conflicted(&apps, std::slice::from_ref(r)).await?;
            for app in apps {
                if conflicted.get(&app.id).is_some_and(|b| b.contains(&r.id)) {
                    continue;
                }
                let submitted = project_sheet::Entity::find_by_id((app.id, r.id))
                    .one(db)
                    .await?
                    .is_some_and(|s| s.submitted_at.is_some());
                out.push((
                    super::applications::row_of(&app, names.get(&app.org_id).cloned().unwrap_or_default()),
                    submitted,
                ));
            }
        }
        Ok(out)
    }

    /// How many sheets wait for the calling reviewer: his assignments to applications under
    /// review without a submitted sheet, in every round (the sidebar's figure; a cheap
    /// count, so those a conflict has blocked since count until the officer unassigns them,
    /// as the queue lists them). A caller who reviews nothing has none.
    pub async fn pending_count(&self, caller: &Caller) -> Result<usize> {
        let db = self.store.db();
        let mine: Vec<i64> = self.my_appointments(caller).await?.into_iter().map(|r| r.id).collect();
        if mine.is_empty() {
            return Ok(0);
        }
        let under_review = sea_orm::sea_query::Query::select()
            .column(project_application::Column::Id)
            .from(project_application::Entity)
            .and_where(project_application::Column::State.eq(ApplicationState::UnderReview))
            .to_owned();
        let assigned: BTreeSet<(i64, i64)> = project_assignment::Entity::find()
            .select_only()
            .column(project_assignment::Column::ApplicationId)
            .column(project_assignment::Column::ReviewerId)
            .filter(project_assignment::Column::ReviewerId.is_in(mine.clone()))
            .filter(project_assignment::Column::ApplicationId.in_subquery(under_review))
            .into_tuple()
            .all(db)
            .await?
            .into_iter()
            .collect();
        let submitted = self.submitted_sheets(project_sheet::Column::ReviewerId.is_in(mine)).await?;
        Ok(assigned.difference(&submitted).count())
    }

    /// The (application, reviewer) pairs of the submitted sheets that `cond` selects.
    pub(super) async fn submitted_sheets(&self, cond: sea_orm::sea_query::SimpleExpr) -> Result<BTreeSet<(i64, i64)>> {
        Ok(project_sheet::Entity::find()
            .select_only()
            .column(project_sheet::Column::ApplicationId)
            .column(project_sheet::Column::ReviewerId)
            .filter(cond)
            .filter(project_sheet::Column::SubmittedAt.is_not_null())
            .into_tuple()
            .all(self.store.db())
            .await?
            .into_iter()
            .collect())
    }

    /// The calling reviewer's assignment, checked for conflicts now.
    pub(super) async fn my_assignment(
        &self,
        caller: &Caller,
        application_id: i64,
    ) -> Result<(project_application::Model, project_reviewer::Model)> {
        let app = self.application_model(application_id).await?;
        let me = self.me_for(caller, &app).await?;
        project_assignment::Entity::find_by_id((application_id, me.id))
            .one(self.store.db())
            .await?
            .ok_or(StoreError::NotFound)?;
        let found = self.conflicts_between(&app, &me).await?;
        if !found.is_empty() {
            let why: Vec<&str> = found.iter().map(|k| k.label()).collect();
            return Err(StoreError::invalid(
                "利益冲突",
                format!("您与该申报存在利益冲突（{}），不能查看和评审", why.join("、")),
            ));
        }
        Ok((app, me))
    }

    /// Opens an application for review: only an assigned reviewer free of conflict; the
    /// others' sheets only after his own is submitted, without their names.
    pub async fn open_review(&self, caller: &Caller, application_id: i64) -> Result<ReviewView> {
        let (app, me) = self.my_assignment(caller, application_id).await?;
        let round = self.round(caller, app.round_id).await?;
        let db = self.store.db();
        let sheets =
            project_sheet::Entity::find().filter(project_sheet::Column::ApplicationId.eq(app.id)).all(db).await?;
        let sides: BTreeMap<i64, ReviewSide> = project_reviewer::Entity::find()
            .filter(project_reviewer::Column::Id.is_in(sheets.iter().map(|s| s.reviewer_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|r| (r.id, r.side))
            .collect();
        let own = sheets.iter().find(|s| s.reviewer_id == me.id);
        let submitted = own.is_some_and(|s| s.submitted_at.is_some());
        let mut others = Vec::new();
        if submitted {
            for s in sheets.iter().filter(|s| s.reviewer_id != me.id && s.submitted_at.is_some()) {
                if let Some(&side) = sides.get(&s.reviewer_id) {
                    let sheet = sheet_from(s, side)?;
                    others.push((side, round.rubric.sheet_fraction(&sheet)));
                }
            }
        }
        self.store
            .audit()
            .record(caller, "project.review.open", "project_application", Some(app.id.to_string()), "")
            .await?;
        Ok(ReviewView {
            criteria: round.rubric.criteria.iter().filter(|c| c.side == me.side).cloned().collect(),
            sheet: own.map(|s| sheet_from(s, me.side)).transpose()?,
            application: self.application_detail(app).await?,
            side: me.side,
            submitted,
            others,
        })
    }

    /// Saves (and with `submit`, submits) the calling reviewer's sheet. A change after
    /// submission is audited with the scores before and after.
    pub async fn save_sheet(
        &self,
        caller: &Caller,
        application_id: i64,
        sheet: ScoreSheet,
        submit: bool,
    ) -> Result<()> {
        let (app, me) = self.my_assignment(caller, application_id).await?;
        let round = self.round(caller, app.round_id).await?;
        if !round.phase.accepts_scores() {
            return Err(StoreError::invalid("评分", format!("本批次{}，现在不能评分", round.phase.label())));
        }
        if app.state != ApplicationState::UnderReview {
            return Err(StoreError::invalid("评分", format!("申报状态为“{}”，不能评分", app.state.label())));
        }
        let sheet = ScoreSheet { application: app.id, reviewer: me.id, side: Some(me.side), ..sheet };
        if submit {
            round.rubric.check_sheet(&sheet).map_err(|e| StoreError::invalid("评分表", e.0.to_string()))?;
        }
        let db = self.store.db();
        let before = project_sheet::Entity::find_by_id((app.id, me.id)).one(db).await?;
        let was_submitted = before.as_ref().and_then(|b| b.submitted_at);
        let now = self.store.now();
        let row = project_sheet::ActiveModel {
            application_id: Set(app.id),
            reviewer_id: Set(me.id),
            scores: Set(serde_json::to_string(&sheet.scores).unwrap_or_else(|_| "{}".into())),
            vetoes: Set(serde_json::to_string(&sheet.vetoes).unwrap_or_else(|_| "[]".into())),
            comments: Set(serde_json::to_string(&sheet.comments).unwrap_or_else(|_| "{}".into())),
            submitted_at: Set(if submit || was_submitted.is_some() { was_submitted.or(Some(now)) } else { None }),
            updated_at: Set(now),
        };
        if was_submitted.is_some() {
            round.rubric.check_sheet(&sheet).map_err(|e| StoreError::invalid("评分表", e.0.to_string()))?;
        }
        let upsert = sea_orm::sea_query::OnConflict::columns([
            project_sheet::Column::ApplicationId,
            project_sheet::Column::ReviewerId,
        ])
        .update_columns([
            project_sheet::Column::Scores,
            project_sheet::Column::Vetoes,
            project_sheet::Column::Comments,
            project_sheet::Column::SubmittedAt,
            project_sheet::Column::UpdatedAt,
        ])
        .to_owned();
        let scores = serde_json::to_string(&sheet.scores).unwrap_or_default();
        let (action, detail) = match (&before, was_submitted) {
            (Some(b), Some(_)) => ("project.sheet.change", format!("提交后修改：{} → {scores}", b.scores)),
            _ if submit => ("project.sheet.submit", scores),
            _ => ("project.sheet.save", scores),
        };
        self.store
            .recorded(
                caller,
                async |txn| {
                    Ok(project_sheet::Entity::insert(row).on_conflict(upsert).exec_without_returning(txn).await?)
                },
                |_| Change::new(action, "project_application", app.id, detail),
            )
            .await?;
        Ok(())
    }

    /// The ranking of a round's reviewed applications, for the officer.
    pub async fn ranking(&self, caller: &Caller, round_id: i64) -> Result<Vec<RankedRow>> {
        self.store.require(caller, Action::ManageProjects)?;
        let round = self.round(caller, round_id).await?;
        let db = self.store.db();
        let apps: BTreeMap<i64, project_application::Model> = project_application::Entity::find()
            .filter(project_application::Column::RoundId.eq(round_id))
            .all(db)
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
        let sides: BTreeMap<i64, ReviewSide> = project_reviewer::Entity::find()
            .filter(project_reviewer::Column::RoundId.eq(round_id))
            .all(db)
            .await?
            .into_iter()
            .map(|r| (r.id, r.side))
            .collect();
        let sheets = project_sheet::Entity::find()
            .filter(project_sheet::Column::ApplicationId.is_in(apps.keys().copied()))
            .filter(project_sheet::Column::SubmittedAt.is_not_null())
            .all(db)
            .await?
            .iter()
            .filter_map(|s| sides.get(&s.reviewer_id).map(|&side| sheet_from(s, side)))
            .collect::<Result<Vec<_>>>()?;
        let names = self.org_names(apps.values().map(|a| a.org_id).collect()).await?;
        Ok(rules::rank(&round.rubric, &sheets)
            .into_iter()
            .filter_map(|r: Ranked| {
                let app = apps.get(&r.application)?;
                Some(RankedRow {
                    application_id: r.application,
                    title: app.title.clone(),
                    org_name: names.get(&app.org_id).cloned().unwrap_or_default(),
                    state: app.state,
                    raw: r.raw,
                    normalised: r.normalised,
                    spread: r.spread,
                    disputed: r.disputed(),
                    vetoed: r.vetoed,
                    missing: r.missing.clone(),
                    sheets: r.sheets,
                })
            })
            .collect())
    }
}
