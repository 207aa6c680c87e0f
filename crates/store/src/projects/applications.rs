//! Applications: filed by a branch or a cluster committee, returned, ranked and forwarded by
//! the cluster committee, reviewed, decided, implemented and closed. Every step is checked
//! against the domain's state machine and the round's calendar, written with its history
//! row in one transaction, and audited.

use chrono::NaiveDateTime;
use qunlian_domain::auth::{Action, Caller, Role, Scope};
use qunlian_domain::projects::{ApplicantKind, ApplicationAction, ApplicationState, Decision, RoundPhase};
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use super::*;
use crate::audit::Change;
use crate::entity::{
    cluster, cluster_member, party_org, project_application, project_application_unit, project_carrier, project_event,
    project_round, project_sheet, project_target,
};
use crate::shared::local;

/// A carrier registered with the application.
#[derive(Clone, Debug)]
pub struct NewCarrier {
    pub kind: String,
    pub name: String,
    pub lead_name: String,
}

/// What an applicant fills in.
#[derive(Clone, Debug, Default)]
pub struct ApplicationInput {
    pub round_id: i64,
    pub org_id: i64,
    pub title: String,
    pub subject: String,
    pub direction: String,
    pub carrier_id: Option<i64>,
    pub new_carrier: Option<NewCarrier>,
    /// 揭榜挂帅.
    pub open_call: bool,
    pub summary: String,
    pub budget_yuan: Option<i64>,
    pub support_asked: String,
    pub lead_name: String,
    pub participants: String,
    /// The enterprises taking part besides the applying organisation's own (always included).
    pub units: Vec<i64>,
    /// Measurable goals: (metric as written, e.g. "发明专利（件）", target).
    pub targets: Vec<(String, f64)>,
    pub is_demo: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct ApplicationRow {
    pub id: i64,
    pub round_id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub cluster_id: Option<i64>,
    pub title: String,
    pub subject: String,
    pub direction: String,
    pub open_call: bool,
    pub state: ApplicationState,
    pub cluster_rank: Option<i32>,
    pub submitted_at: Option<NaiveDateTime>,
    pub is_demo: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct ApplicationEvent {
    pub at: NaiveDateTime,
    pub actor: String,
    pub action: String,
    pub from: ApplicationState,
    pub to: ApplicationState,
    pub note: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Application {
    pub row: ApplicationRow,
    /// The registered carrier (kind, name, lead) and its number.
    pub carrier: Option<(String, String, String)>,
    pub carrier_id: Option<i64>,
    pub summary: String,
    pub budget_yuan: Option<i64>,
    pub support_asked: String,
    pub lead_name: String,
    pub participants: String,
    pub units: Vec<(i64, String)>,
    pub targets: Vec<(String, f64)>,
    pub concept: bool,
    pub return_reason: Option<String>,
    pub decision_note: Option<String>,
    pub events: Vec<ApplicationEvent>,
}

/// The fields an applicant fills in, as a draft's creation and its edits write them.
fn editable(
    input: &ApplicationInput,
    cluster_id: Option<i64>,
    carrier: Option<i64>,
    now: chrono::DateTime<chrono::Utc>,
) -> project_application::ActiveModel {
    project_application::ActiveModel {
        cluster_id: Set(cluster_id),
        title: Set(input.title.trim().to_owned()),
        subject: Set(input.subject.clone()),
        direction: Set(input.direction.clone()),
        carrier_id: Set(carrier),
        open_call: Set(input.open_call),
        summary: Set(input.summary.trim().to_owned()),
        budget_yuan: Set(input.budget_yuan),
        support_asked: Set(input.support_asked.trim().to_owned()),
        lead_name: Set(input.lead_name.trim().to_owned()),
        participants: Set(input.participants.trim().to_owned()),
        updated_at: Set(now),
        ..Default::default()
    }
}

pub(super) fn row_of(m: &project_application::Model, org_name: String) -> ApplicationRow {
    ApplicationRow {
        id: m.id,
        round_id: m.round_id,
        org_id: m.org_id,
        org_name,
        cluster_id: m.cluster_id,
        title: m.title.clone(),
        subject: m.subject.clone(),
        direction: m.direction.clone(),
        open_call: m.open_call,
        state: m.state,
        cluster_rank: m.cluster_rank,
        submitted_at: m.submitted_at.map(local),
        is_demo: m.is_demo,
    }
}

impl Projects<'_> {
    /// What kind of applicant an organisation is: a cluster's committee, a joint branch,
    /// or an enterprise's own organisation.
    async fn applicant_kind(&self, org: &party_org::Model) -> Result<(ApplicantKind, Option<i64>)> {
        let committee_of: Option<i64> = cluster::Entity::find()
            .select_only()
            .column(cluster::Column::Id)
            .filter(cluster::Column::CommitteeOrgId.eq(org.id))
            .into_tuple()
            .one(self.store.db())
            .await?;
        Ok(match committee_of {
            Some(c) => (ApplicantKind::ClusterCommittee, Some(c)),
            None if org.form == qunlian_domain::registry::OrgForm::Joint => (ApplicantKind::JointBranch, None),
            None => (ApplicantKind::EnterpriseBranch, None),
        })
    }

    /// Checks an input against the round and the caller's scope; gives the organisation's
    /// cluster (whose committee recommends) and the units.
    async fn check_input(&self, caller: &Caller, input: &ApplicationInput) -> Result<(Round, Option<i64>, Vec<i64>)> {
        let round = self.round(caller, input.round_id).await?;
        let org = party_org::Entity::find()
            .filter(self.store.org_scope(caller).await?)
            .filter(party_org::Column::Id.eq(input.org_id))
            .one(self.store.db())
            .await?
            .ok_or_else(|| StoreError::invalid("申报组织", "不存在，或不在您的权限范围内"))?;
        let (kind, committee_cluster) = self.applicant_kind(&org).await?;
        if !round.eligible.contains(&kind) {
            let allowed: Vec<&str> = round.eligible.iter().map(|k| k.label()).collect();
            return Err(StoreError::invalid("申报组织", format!("本批次只接受{}申报", allowed.join("、"))));
        }
        text("项目名称", &input.title, MAX_TITLE, true)?;
        text("项目简介", &input.summary, MAX_TEXT, true)?;
        text("申请支持", &input.support_asked, MAX_TEXT, false)?;
        text("项目负责人", &input.lead_name, 40, true)?;
        text("参与党员", &input.participants, 1_000, false)?;
        if !round.subjects.contains(&input.subject) {
            return Err(StoreError::invalid("重点主体", format!("可选：{}", round.subjects.join("、"))));
        }
        if !round.directions.contains(&input.direction) {
            return Err(StoreError::invalid("创新方向", format!("可选：{}", round.directions.join("、"))));
        }
        if let Some(c) = &input.new_carrier {
            if !round.carrier_kinds.contains(&c.kind) {
                return Err(StoreError::invalid("工作载体", format!("可选：{}", round.carrier_kinds.join("、"))));
            }
            text("载体名称", &c.name, MAX_TITLE, true)?;
            text("载体负责人", &c.lead_name, 40, true)?;
        }
        if input.budget_yuan.is_some_and(|b| !(0..=100_000_000_000).contains(&b)) {
            return Err(StoreError::invalid("项目预算", "应在 0 至 1000 亿元之间"));
        }
        if input.targets.len() > 20 {
            return Err(StoreError::invalid("目标", "最多 20 项"));
        }
        for (metric, target) in &input.targets {
            text("目标", metric, 60, true)?;
            if !target.is_finite() || *target < 0.0 {
                return Err(StoreError::invalid("目标", format!("“{metric}”的目标值应为非负数")));
            }
        }
        // The applicant's own enterprise always takes part; the others are its partners.
        let mut units = input.units.clone();
        units.extend(org.unit_id);
        units.sort_unstable();
        units.dedup();
        if units.is_empty() || units.len() > 20 {
            return Err(StoreError::invalid("参与企业", "应有 1–20 家"));
        }
        self.check_partners(caller, &units).await?;
        let cluster_id = match committee_cluster {
            Some(c) => Some(c),
            None => {
                cluster_member::Entity::find()
                    .select_only()
                    .column(cluster_member::Column::ClusterId)
                    .filter(cluster_member::Column::UnitId.is_in(units.clone()))
                    .filter(cluster_member::Column::LeftOn.is_null())
                    .order_by_asc(cluster_member::Column::ClusterId)
                    .into_tuple()
                    .one(self.store.db())
                    .await?
            }
        };
        Ok((round, cluster_id, units))
    }

    /// A new draft.
    pub async fn create_application(&self, caller: &Caller, input: ApplicationInput) -> Result<i64> {
        self.store.require(caller, Action::ApplyProjects)?;
        let (round, cluster_id, units) = self.check_input(caller, &input).await?;
        if !round.phase.accepts_filing() {
            return Err(StoreError::invalid("申报批次", format!("{}，现在不能申报", round.phase.label())));
        }
        let now = self.store.now();
        let id = self
            .store
            .recorded(
                caller,
                async |txn| {
                    let id = project_application::Entity::insert(project_application::ActiveModel {
                        round_id: Set(input.round_id),
                        org_id: Set(input.org_id),
                        state: Set(ApplicationState::START),
                        concept: Set(round.concept_stage),
                        return_reason: Set(None),
                        cluster_rank: Set(None),
                        decision_note: Set(None),
                        created_by: Set(caller.username.clone()),
                        submitted_at: Set(None),
                        created_at: Set(now),
                        is_demo: Set(input.is_demo),
                        ..editable(&input, cluster_id, None, now)
                    })
                    .exec(txn)
                    .await?
                    .last_insert_id;
                    let carrier = self.write_parts(txn, id, &input, &units).await?;
                    if carrier.is_some() {
                        project_application::ActiveModel {
                            id: Set(id),
                            carrier_id: Set(carrier),
                            ..Default::default()
                        }
                        .update(txn)
                        .await?;
                    }
                    Ok(id)
                },
                |&id| Change::new("project.application.create", "project_application", id, input.title.trim()),
            )
            .await?;
        Ok(id)
    }

    /// Edits a draft (or the full application after an accepted concept).
    pub async fn update_application(&self, caller: &Caller, id: i64, input: ApplicationInput) -> Result<()> {
        self.store.require(caller, Action::ApplyProjects)?;
        let current = self.application_in_scope(caller, id).await?;
        if !current.state.is_editable() {
            return Err(StoreError::invalid("申报状态", format!("“{}”的申报不能修改", current.state.label())));
        }
        let input = ApplicationInput { round_id: current.round_id, org_id: current.org_id, ..input };
        let (_, cluster_id, units) = self.check_input(caller, &input).await?;
        self.store
            .recorded(
                caller,
                async |txn| {
                    let carrier = self.write_parts(txn, id, &input, &units).await?;
                    project_application::ActiveModel {
                        id: Set(id),
                        ..editable(&input, cluster_id, carrier, self.store.now())
                    }
                    .update(txn)
                    .await?;
                    Ok(())
                },
                |()| Change::new("project.application.update", "project_application", id, input.title.trim()),
            )
            .await
    }

    /// The applications of a round the caller may see, in the cluster's order, then by id.
    pub async fn applications(
        &self,
        caller: &Caller,
        round_id: i64,
        state: Option<ApplicationState>,
    ) -> Result<Vec<ApplicationRow>> {
        let mut cond = self.application_scope(caller).await?.add(project_application::Column::RoundId.eq(round_id));
        if let Some(s) = state {
            cond = cond.add(project_application::Column::State.eq(s));
        }
        let models = project_application::Entity::find()
            .filter(cond)
            .order_by_asc(project_application::Column::ClusterId)
            .order_by_asc(project_application::Column::ClusterRank)
            .order_by_asc(project_application::Column::Id)
            .all(self.store.db())
            .await?;
        let names = self.org_names(models.iter().map(|m| m.org_id).collect()).await?;
        Ok(models.iter().map(|m| row_of(m, names.get(&m.org_id).cloned().unwrap_or_default())).collect())
    }

    pub(super) async fn org_names(&self, ids: Vec<i64>) -> Result<std::collections::HashMap<i64, String>> {
        Ok(party_org::Entity::find()
            .select_only()
            .column(party_org::Column::Id)
            .column(party_org::Column::Name)
            .filter(party_org::Column::Id.is_in(ids))
            .into_tuple::<(i64, String)>()
            .all(self.store.db())
            .await?
            .into_iter()
            .collect())
    }

    /// One application with its parts and history, in the caller's scope.
    pub async fn application(&self, caller: &Caller, id: i64) -> Result<Application> {
        let m = self.application_in_scope(caller, id).await?;
        self.application_detail(m).await
    }

    pub(super) async fn application_detail(&self, m: project_application::Model) -> Result<Application> {
        let db = self.store.db();
        let names = self.org_names(vec![m.org_id]).await?;
        let units: Vec<i64> = project_application_unit::Entity::find()
            .select_only()
            .column(project_application_unit::Column::UnitId)
            .filter(project_application_unit::Column::ApplicationId.eq(m.id))
            .into_tuple()
            .all(db)
            .await?;
        let unit_names = self.store.unit_names(units.clone()).await?;
        let targets = project_target::Entity::find()
            .filter(project_target::Column::ApplicationId.eq(m.id))
            .order_by_asc(project_target::Column::Position)
            .all(db)
            .await?;
        let carrier = match m.carrier_id {
            Some(c) => project_carrier::Entity::find_by_id(c).one(db).await?.map(|c| (c.kind, c.name, c.lead_name)),
            None => None,
        };
        let events = project_event::Entity::find()
            .filter(project_event::Column::ApplicationId.eq(m.id))
            .order_by_asc(project_event::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(|e| ApplicationEvent {
                at: local(e.at),
                actor: e.actor,
                action: e.action,
                from: e.from_state,
                to: e.to_state,
                note: e.note,
            })
            .collect();
        Ok(Application {
            row: row_of(&m, names.get(&m.org_id).cloned().unwrap_or_default()),
            carrier,
            carrier_id: m.carrier_id,
            summary: m.summary,
            budget_yuan: m.budget_yuan,
            support_asked: m.support_asked,
            lead_name: m.lead_name,
            participants: m.participants,
            units: units.iter().map(|u| (*u, unit_names.get(u).cloned().unwrap_or_default())).collect(),
            targets: targets.into_iter().map(|t| (t.metric, t.target)).collect(),
            concept: m.concept,
            return_reason: m.return_reason,
            decision_note: m.decision_note,
            events,
        })
    }

    /// Whether a submitted sheet marked a veto item on the application.
    async fn vetoed(&self, id: i64) -> Result<bool> {
        Ok(project_sheet::Entity::find()
            .filter(project_sheet::Column::ApplicationId.eq(id))
            .filter(project_sheet::Column::SubmittedAt.is_not_null())
            .filter(project_sheet::Column::Vetoes.ne("[]"))
            .one(self.store.db())
            .await?
            .is_some())
    }

    /// Takes `action` on an application: who may, when, and whether the state allows it;
    /// `note` is the reason of a return or the officer's decision note; `rank` the
    /// cluster's rank of a forwarded application.
    pub async fn act(
        &self,
        caller: &Caller,
        id: i64,
        action: ApplicationAction,
        note: &str,
        rank: Option<i32>,
    ) -> Result<ApplicationState> {
        let note = text("说明", note, 1_000, false)?;
        let m = self.application_in_scope(caller, id).await?;
        let round = Round::from_model(
            project_round::Entity::find_by_id(m.round_id).one(self.store.db()).await?.ok_or(StoreError::NotFound)?,
            self.store.today(),
        )?;
        let phase_refused =
            |what: &str| StoreError::invalid("申报批次", format!("本批次{}，现在不能{what}", round.phase.label()));
        use ApplicationAction as A;
        match action {
            A::Submit => {
                self.store.require(caller, Action::ApplyProjects)?;
                if m.state == ApplicationState::ConceptAccepted && round.concept_stage {
                    return Err(StoreError::invalid(
                        "完整申报",
                        "概念评审尚未结束：区委组织部结束概念评审后，入围的申报再提交完整申报",
                    ));
                }
                let full_after_concept = m.state == ApplicationState::ConceptAccepted
                    && matches!(round.phase, RoundPhase::Filing | RoundPhase::Recommending | RoundPhase::Reviewing);
                if !round.phase.accepts_filing() && !full_after_concept {
                    return Err(phase_refused("提交申报"));
                }
            }
            A::Withdraw => self.store.require(caller, Action::ApplyProjects)?,
            A::Return | A::Recommend | A::NotRecommend => {
                self.store.require(caller, Action::RecommendProjects)?;
                let own_cluster = match (m.cluster_id, &caller.scope) {
                    (Some(c), Scope::Cluster(mine)) => caller.role == Role::ClusterSecretary && mine.0 == c,
                    (None, _) => caller.role == Role::DistrictAdmin,
                    _ => false,
                };
                if !own_cluster {
                    return Err(StoreError::invalid(
                        "集群推荐",
                        "由申报组织所在集群的党委推荐；不在集群的由区委组织部受理",
                    ));
                }
                if !round.phase.accepts_recommendation() {
                    return Err(phase_refused(action.verb()));
                }
                if action == A::Return && note.is_empty() {
                    return Err(StoreError::invalid("退回理由", "退回修改须写明理由"));
                }
                if action == A::Recommend && !rank.is_some_and(|r| (1..=1_000).contains(&r)) {
                    return Err(StoreError::invalid("推荐排序", "请填写本集群推荐的排序（1 为第一）"));
                }
            }
            A::StartReview => {
                self.store.require(caller, Action::ManageProjects)?;
                if !matches!(round.phase, RoundPhase::Recommending | RoundPhase::Reviewing) {
                    return Err(phase_refused("开始评审"));
                }
            }
            A::Decide(decision) => {
                self.store.require(caller, Action::ManageProjects)?;
                if !round.phase.accepts_decisions() {
                    return Err(phase_refused("评定"));
                }
                if matches!(decision, Decision::Award(_)) && self.vetoed(id).await? {
                    return Err(StoreError::invalid("评定", "评审中有否决项被标记，不能评为示范、优秀或入选"));
                }
            }
            A::StartImplementation | A::Close => self.store.require(caller, Action::ManageProjects)?,
        }
        let to =
            m.state.allowed(action, round.concept_stage).map_err(|e| StoreError::invalid("申报状态", e.to_string()))?;
        let now = self.store.now();
        let mut update = project_application::ActiveModel {
            id: Set(id),
            state: Set(to),
            updated_at: Set(now),
            ..Default::default()
        };
        match action {
            A::Submit => {
                update.submitted_at = Set(Some(now));
                update.return_reason = Set(None);
                update.concept = Set(round.concept_stage && m.state != ApplicationState::ConceptAccepted);
            }
            A::Return => update.return_reason = Set(Some(note.clone())),
            A::Recommend => update.cluster_rank = Set(rank),
            A::Decide(_) => update.decision_note = Set(Some(note.clone()).filter(|n| !n.is_empty())),
            _ => {}
        }
        let line = format!(
            "{}：{} → {}{}",
            action.verb(),
            m.state.label(),
            to.label(),
            if note.is_empty() { String::new() } else { format!("（{note}）") }
        );
        self.store
            .recorded(
                caller,
                async |txn| {
                    update.update(txn).await?;
                    project_event::Entity::insert(project_event::ActiveModel {
                        application_id: Set(id),
                        action: Set(action.verb().to_owned()),
                        from_state: Set(m.state),
                        to_state: Set(to),
                        note: Set(note.clone()),
                        actor: Set(caller.username.clone()),
                        at: Set(now),
                        ..Default::default()
                    })
                    .exec_without_returning(txn)
                    .await?;
                    Ok(())
                },
                |()| Change::new("project.application.state", "project_application", id, line),
            )
            .await?;
        Ok(to)
    }
}
