//! Rounds (申报批次): opened by the district organisation department with their lists, the
//! applicant kinds they admit, their calendar, quotas and rubric.

use qunlian_domain::auth::{Action, Caller};
use qunlian_domain::projects::{ApplicantKind, RoundDates, RoundPhase, Rubric};
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::*;
use crate::audit::Change;
use crate::entity::{project_application, project_concept_sheet, project_event, project_round, project_sheet};

#[derive(Clone, Debug)]
pub struct NewRound {
    pub year: i32,
    pub name: String,
    pub two_stage: bool,
    pub dates: RoundDates,
    pub subjects: Vec<String>,
    pub directions: Vec<String>,
    pub carrier_kinds: Vec<String>,
    pub eligible: Vec<ApplicantKind>,
    /// Reviewers from each department per application (1–5), and each reviewer's cap.
    pub quota_per_side: u8,
    pub reviewer_cap: u16,
    pub rubric: Rubric,
    pub is_demo: bool,
}

impl NewRound {
    /// A one-stage round open to every kind of applicant, with the reports' "3+6+X" lists,
    /// the default rubric, one reviewer per department and a cap of 20: what a round is
    /// unless the officer changes it (the demo and the benchmark use it as it is).
    pub fn standard(year: i32, name: &str, dates: RoundDates) -> NewRound {
        use qunlian_domain::projects::{DEFAULT_CARRIERS, DEFAULT_DIRECTIONS, DEFAULT_SUBJECTS, default_rubric};
        let list = |l: &[&str]| l.iter().map(|s| s.to_string()).collect();
        NewRound {
            year,
            name: name.to_owned(),
            two_stage: false,
            dates,
            subjects: list(&DEFAULT_SUBJECTS),
            directions: list(&DEFAULT_DIRECTIONS),
            carrier_kinds: list(&DEFAULT_CARRIERS),
            eligible: vec![
                ApplicantKind::EnterpriseBranch,
                ApplicantKind::JointBranch,
                ApplicantKind::ClusterCommittee,
            ],
            quota_per_side: 1,
            reviewer_cap: 20,
            rubric: default_rubric(),
            is_demo: false,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Round {
    pub id: i64,
    pub year: i32,
    pub name: String,
    pub two_stage: bool,
    pub concept_stage: bool,
    #[serde(skip)]
    pub dates: RoundDates,
    pub phase: RoundPhase,
    pub subjects: Vec<String>,
    pub directions: Vec<String>,
    pub carrier_kinds: Vec<String>,
    pub eligible: Vec<ApplicantKind>,
    pub quota_per_side: u8,
    pub reviewer_cap: u16,
    #[serde(skip)]
    pub rubric: Rubric,
    pub is_demo: bool,
}

fn json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".to_owned())
}

fn from_json<T: serde::de::DeserializeOwned>(column: &str, s: &str) -> Result<T> {
    serde_json::from_str(s)
        .map_err(|e| StoreError::invalid("申报批次", format!("数据库中 project_rounds.{column} 无法读取：{e}")))
}

impl Round {
    pub(super) fn from_model(m: project_round::Model, today: chrono::NaiveDate) -> Result<Round> {
        let dates = RoundDates {
            filing_opens: m.filing_opens,
            filing_closes: m.filing_closes,
            recommend_closes: m.recommend_closes,
            review_closes: m.review_closes,
            publicity_closes: m.publicity_closes,
            objections_close: m.objections_close,
        };
        let eligible: Vec<String> = from_json("eligible_kinds", &m.eligible_kinds)?;
        Ok(Round {
            id: m.id,
            year: m.year,
            name: m.name,
            two_stage: m.two_stage,
            concept_stage: m.concept_stage,
            phase: dates.phase(today),
            dates,
            subjects: from_json("subjects", &m.subjects)?,
            directions: from_json("directions", &m.directions)?,
            carrier_kinds: from_json("carrier_kinds", &m.carrier_kinds)?,
            eligible: eligible
                .iter()
                .map(|c| ApplicantKind::from_code(c).map_err(|e| StoreError::invalid("申报主体", e.to_string())))
                .collect::<Result<_>>()?,
            quota_per_side: u8::try_from(m.quota_per_side).unwrap_or(1),
            reviewer_cap: u16::try_from(m.reviewer_cap).unwrap_or(1),
            rubric: from_json("rubric", &m.rubric)?,
            is_demo: m.is_demo,
        })
    }
}

impl Projects<'_> {
    /// Refuses a round a review cannot use, naming the field; gives the trimmed name.
    fn check_round(new: &NewRound) -> Result<String> {
        let name = text("批次名称", &new.name, MAX_TITLE, true)?;
        if !(2000..=2100).contains(&new.year) {
            return Err(StoreError::invalid("年度", "应为 2000–2100 年"));
        }
        new.dates.check().map_err(|e| StoreError::invalid("时间安排", e.to_string()))?;
        new.rubric.check().map_err(|e| StoreError::invalid("评分细则", e.to_string()))?;
        for (field, list) in
            [("重点主体", &new.subjects), ("创新方向", &new.directions), ("工作载体", &new.carrier_kinds)]
        {
            qunlian_domain::projects::parse_list(field, &list.join("\n"))
                .map_err(|e| StoreError::invalid(field, e.message))?;
        }
        if new.eligible.is_empty() {
            return Err(StoreError::invalid("申报主体", "至少选择一类"));
        }
        if !(1..=5).contains(&new.quota_per_side) || new.reviewer_cap == 0 {
            return Err(StoreError::invalid("评审安排", "每个部门每项 1–5 名评审专家，每人上限至少 1 项"));
        }
        Ok(name)
    }

    /// The columns of a round as the officer sets them, for its creation and its edits.
    fn round_columns(new: &NewRound, name: String) -> project_round::ActiveModel {
        let eligible: Vec<&str> = new.eligible.iter().map(|k| k.code()).collect();
        project_round::ActiveModel {
            year: Set(new.year),
            name: Set(name),
            two_stage: Set(new.two_stage),
            filing_opens: Set(new.dates.filing_opens),
            filing_closes: Set(new.dates.filing_closes),
            recommend_closes: Set(new.dates.recommend_closes),
            review_closes: Set(new.dates.review_closes),
            publicity_closes: Set(new.dates.publicity_closes),
            objections_close: Set(new.dates.objections_close),
            subjects: Set(json(&new.subjects)),
            directions: Set(json(&new.directions)),
            carrier_kinds: Set(json(&new.carrier_kinds)),
            eligible_kinds: Set(json(&eligible)),
            quota_per_side: Set(i32::from(new.quota_per_side)),
            reviewer_cap: Set(i32::from(new.reviewer_cap)),
            rubric: Set(json(&new.rubric)),
            ..Default::default()
        }
    }

    /// Opens a round; the 组织部 officer only.
    pub async fn create_round(&self, caller: &Caller, new: NewRound) -> Result<i64> {
        self.store.require(caller, Action::ManageProjects)?;
        let name = Self::check_round(&new)?;
        let m = project_round::ActiveModel {
            concept_stage: Set(new.two_stage),
            created_by: Set(caller.username.clone()),
            created_at: Set(self.store.now()),
            is_demo: Set(new.is_demo),
            ..Self::round_columns(&new, name.clone())
        };
        let line = format!("{} {name}", new.year);
        let saved = self
            .store
            .insert_recorded(caller, m, |r| Change::new("project.round.create", "project_round", r.id, line))
            .await?;
        Ok(saved.id)
    }

    /// Edits a round: its lists, calendar (moving the dates moves the phase), eligibility,
    /// quotas and rubric. Turning a round two-stage, or back, is refused once it has
    /// applications (their concept flags were set by it).
    pub async fn update_round(&self, caller: &Caller, id: i64, new: NewRound) -> Result<()> {
        self.store.require(caller, Action::ManageProjects)?;
        let name = Self::check_round(&new)?;
        let db = self.store.db();
        let m = project_round::Entity::find_by_id(id).one(db).await?.ok_or(StoreError::NotFound)?;
        if m.two_stage != new.two_stage {
            let filed = crate::entity::project_application::Entity::find()
                .filter(crate::entity::project_application::Column::RoundId.eq(id))
                .one(db)
                .await?;
            if filed.is_some() {
                return Err(StoreError::invalid("两阶段评审", "本批次已有申报，不能再改变是否分两阶段"));
            }
        }
        let concept_stage = if m.two_stage == new.two_stage { m.concept_stage } else { new.two_stage };
        let row = project_round::ActiveModel {
            id: Set(id),
            concept_stage: Set(concept_stage),
            ..Self::round_columns(&new, name.clone())
        };
        let line = format!("{} {name}", new.year);
        self.store.update_recorded(caller, row, "project.round.update", ("project_round", id), line).await?;
        Ok(())
    }

    /// Every round, the latest first; any role that reads projects (the lists are public
    /// within the platform), reviewers too.
    pub async fn rounds(&self, caller: &Caller) -> Result<Vec<Round>> {
        if !caller.may(Action::ReadProjects) && !caller.may(Action::ReviewProjects) {
            return Err(StoreError::Forbidden);
        }
        let today = self.store.today();
        project_round::Entity::find()
            .order_by_desc(project_round::Column::Year)
            .order_by_desc(project_round::Column::Id)
            .all(self.store.db())
            .await?
            .into_iter()
            .map(|m| Round::from_model(m, today))
            .collect()
    }

    pub async fn round(&self, caller: &Caller, id: i64) -> Result<Round> {
        if !caller.may(Action::ReadProjects) && !caller.may(Action::ReviewProjects) {
            return Err(StoreError::Forbidden);
        }
        let m = project_round::Entity::find_by_id(id).one(self.store.db()).await?.ok_or(StoreError::NotFound)?;
        Round::from_model(m, self.store.today())
    }

    /// The 组织部 officer's rubric for a round: criteria with their weights (the scored ones
    /// summing to 100), level descriptors, owning department and veto flag. Refused once a
    /// score sheet exists in the round (a full review after a concept one starts with none).
    /// Audited with the criteria before and after.
    pub async fn set_rubric(&self, caller: &Caller, id: i64, rubric: Rubric) -> Result<()> {
        self.store.require(caller, Action::ManageProjects)?;
        let db = self.store.db();
        let m = project_round::Entity::find_by_id(id).one(db).await?.ok_or(StoreError::NotFound)?;
        rubric.check().map_err(|e| StoreError::invalid("评分细则", e.0.messages().join("；")))?;
        let scored = project_sheet::Entity::find()
            .filter(
                project_sheet::Column::ApplicationId.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(project_application::Column::Id)
                        .from(project_application::Entity)
                        .and_where(project_application::Column::RoundId.eq(id))
                        .to_owned(),
                ),
            )
            .one(db)
            .await?;
        if scored.is_some() {
            return Err(StoreError::invalid("评分细则", "本批次已有评审专家填写评分表，评分细则不能再修改"));
        }
        let summary = |r: &Rubric| {
            r.criteria
                .iter()
                .map(|c| {
                    format!("{}（{} {}{}）", c.name, c.side.label(), c.weight, if c.veto { " 否决项" } else { "" })
                })
                .collect::<Vec<_>>()
                .join("、")
        };
        let before: Rubric = from_json("rubric", &m.rubric)?;
        let row = project_round::ActiveModel { id: Set(id), rubric: Set(json(&rubric)), ..Default::default() };
        let line = format!("{}：{} → {}", m.name, summary(&before), summary(&rubric));
        self.store.update_recorded(caller, row, "project.round.rubric", ("project_round", id), line).await?;
        Ok(())
    }

    /// Ends a two-stage round's concept review: the concepts the officer accepted (概念入围)
    /// are invited to the full application; those still under review are closed as 未入选
    /// with `reason`, each with its history row. The concept review's score sheets move to
    /// `project_concept_sheets`, so the full review starts with empty sheets (the
    /// assignments stay). Refused outside the concept stage, before the review has run, with
    /// no concept accepted, or without a reason when some are closed.
    pub async fn end_concept_stage(&self, caller: &Caller, id: i64, reason: &str) -> Result<ConceptStageEnd> {
        use qunlian_domain::projects::{ApplicationAction, ApplicationState, Decision};
        self.store.require(caller, Action::ManageProjects)?;
        let reason = text("未入围理由", reason, 1_000, false)?;
        let db = self.store.db();
        let m = project_round::Entity::find_by_id(id).one(db).await?.ok_or(StoreError::NotFound)?;
        if !m.concept_stage {
            return Err(StoreError::invalid("概念评审", "本批次不在概念评审阶段"));
        }
        let round = Round::from_model(m.clone(), self.store.today())?;
        if !round.phase.accepts_decisions() {
            return Err(StoreError::invalid(
                "概念评审",
                format!("本批次{}，评审开始后才能结束概念评审", round.phase.label()),
            ));
        }
        let apps = project_application::Entity::find()
            .filter(project_application::Column::RoundId.eq(id))
            .filter(
                project_application::Column::State
                    .is_in([ApplicationState::ConceptAccepted, ApplicationState::UnderReview]),
            )
            .order_by_asc(project_application::Column::Id)
            .all(db)
            .await?;
        let (invited, closing): (Vec<_>, Vec<_>) =
            apps.into_iter().partition(|a| a.state == ApplicationState::ConceptAccepted);
        if invited.is_empty() {
            return Err(StoreError::invalid("概念评审", "还没有决定入围的概念申报：请先在排名页评定“概念入围”"));
        }
        if !closing.is_empty() && reason.is_empty() {
            return Err(StoreError::invalid("未入围理由", "评审中的概念申报将作未入选处理，须写明理由"));
        }
        let action = ApplicationAction::Decide(Decision::Decline);
        let now = self.store.now();
        let done = self
            .store
            .recorded(
                caller,
                async |txn| {
                    for a in &closing {
                        let to = a
                            .state
                            .allowed(action, true)
                            .map_err(|e| StoreError::invalid("申报状态", e.to_string()))?;
                        project_application::ActiveModel {
                            id: Set(a.id),
                            state: Set(to),
                            decision_note: Set(Some(reason.clone())),
                            updated_at: Set(now),
                            ..Default::default()
                        }
                        .update(txn)
                        .await?;
                        project_event::Entity::insert(project_event::ActiveModel {
                            application_id: Set(a.id),
                            action: Set("结束概念评审".to_owned()),
                            from_state: Set(a.state),
                            to_state: Set(to),
                            note: Set(reason.clone()),
                            actor: Set(caller.username.clone()),
                            at: Set(now),
                            ..Default::default()
                        })
                        .exec_without_returning(txn)
                        .await?;
                    }
                    let app_ids = sea_orm::sea_query::Query::select()
                        .column(project_application::Column::Id)
                        .from(project_application::Entity)
                        .and_where(project_application::Column::RoundId.eq(id))
                        .to_owned();
                    let sheets = project_sheet::Entity::find()
                        .filter(project_sheet::Column::ApplicationId.in_subquery(app_ids.clone()))
                        .all(txn)
                        .await?;
                    let moved = sheets.len();
                    if !sheets.is_empty() {
                        project_concept_sheet::Entity::insert_many(sheets.into_iter().map(|s| {
                            project_concept_sheet::ActiveModel {
                                application_id: Set(s.application_id),
                                reviewer_id: Set(s.reviewer_id),
                                scores: Set(s.scores),
                                vetoes: Set(s.vetoes),
                                comments: Set(s.comments),
                                submitted_at: Set(s.submitted_at),
                                updated_at: Set(s.updated_at),
                            }
                        }))
                        .exec_without_returning(txn)
                        .await?;
                        project_sheet::Entity::delete_many()
                            .filter(project_sheet::Column::ApplicationId.in_subquery(app_ids))
                            .exec(txn)
                            .await?;
                    }
                    project_round::Entity::update(project_round::ActiveModel {
                        id: Set(id),
                        concept_stage: Set(false),
                        ..Default::default()
                    })
                    .exec(txn)
                    .await?;
                    Ok(ConceptStageEnd { invited: invited.len(), closed: closing.len(), sheets_kept: moved })
                },
                |done| {
                    let detail = format!(
                        "{}：{} 项入围、邀请完整申报，{} 项未入选{}，概念评审评分表 {} 份另存",
                        m.name,
                        done.invited,
                        done.closed,
                        if reason.is_empty() { String::new() } else { format!("（{reason}）") },
                        done.sheets_kept
                    );
                    Change::new("project.round.full_stage", "project_round", id, detail)
                },
            )
            .await?;
        Ok(done)
    }
}

/// What ending a concept review did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ConceptStageEnd {
    /// Concepts invited to the full application.
    pub invited: usize,
    /// Concepts closed as 未入选.
    pub closed: usize,
    /// Score sheets of the concept review moved aside.
    pub sheets_kept: usize,
}
