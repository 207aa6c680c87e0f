//! The steps of a request (assign, stage, pause, transfer, finish…) and its elapsed time.

use chrono::{DateTime, Utc};
use qunlian_domain::auth::{Action, Caller, Scope};
use qunlian_domain::calendar::WorkCalendar;
use qunlian_domain::registry::UnitKind;
use qunlian_domain::services::{EventKind, RequestAction, RequestError, clock};
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::*;
use crate::audit::Change;
use crate::entity::{service_event, service_request, unit};
use crate::{Result, StoreError};

/// What an officer does to a request.
#[derive(Clone, Debug)]
pub enum RequestStep {
    Assign(String),
    StartStage(String),
    FinishStage(String),
    /// 待补材料: waiting on the enterprise; the clock stops.
    Pause(String),
    Resume(String),
    /// To another department; the elapsed time goes with it.
    Transfer {
        department_id: i64,
        reason: String,
    },
    Comment(String),
    Finish(String),
    Reject(String),
}

impl RequestStep {
    /// The step's free text under the label of its form, if it has any (a stage is chosen
    /// from the item's list, not typed).
    fn text(&self) -> Option<(&'static str, &str)> {
        match self {
            RequestStep::Assign(t) => Some(("经办人", t)),
            RequestStep::StartStage(_) | RequestStep::FinishStage(_) => None,
            RequestStep::Pause(t) => Some(("待补材料", t)),
            RequestStep::Resume(t) => Some(("材料已补齐", t)),
            RequestStep::Transfer { reason, .. } => Some(("转办原因", reason)),
            RequestStep::Comment(t) => Some(("备注", t)),
            RequestStep::Finish(t) => Some(("办理结果", t)),
            RequestStep::Reject(t) => Some(("不予办理的理由", t)),
        }
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn event(
    db: &impl sea_orm::ConnectionTrait,
    request_id: i64,
    at: DateTime<Utc>,
    actor: &str,
    kind: EventKind,
    stage: Option<String>,
    department_id: Option<i64>,
    detail: String,
) -> Result<()> {
    service_event::ActiveModel {
        request_id: Set(request_id),
        at: Set(at),
        actor: Set(actor.to_owned()),
        kind: Set(kind),
        stage: Set(stage),
        department_id: Set(department_id),
        detail: Set(detail),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

impl Services<'_> {
    /// One step as if taken at `at`: for the demo only, as [`Services::demo_file_request_at`].
    pub async fn demo_step_at(self, caller: &Caller, id: i64, step: RequestStep, at: DateTime<Utc>) -> Result<()> {
        self.step_at(caller, id, step, at).await
    }

    /// One step of handling. Only an officer of the department holding the request (or the
    /// district admin) may; a finished request takes no more steps.
    pub async fn step(self, caller: &Caller, id: i64, step: RequestStep) -> Result<()> {
        self.step_at(caller, id, step, self.store.now()).await
    }

    async fn step_at(self, caller: &Caller, id: i64, step: RequestStep, now: DateTime<Utc>) -> Result<()> {
        self.store.require(caller, Action::HandleServiceRequest)?;
        let row = self.request_row(caller, id).await?;
        if let Scope::Department(d) = &caller.scope
            && row.department_id != d.0
        {
            return Err(StoreError::invalid("工单", "已转办到其他部门，由现办理部门处理"));
        }
        // The domain says whether the step applies to the request's state, and to which state
        // it leads; the checks below are about the step's own facts.
        if let Some((label, text)) = step.text() {
            qunlian_domain::free_text::service_step(label, text)?;
        }
        let to = row.state.allowed(step.action()).map_err(refused)?;
        let me = caller.username.clone();
        let dept = Some(row.department_id);
        // A finished stage's time is counted in the same transaction, on the calendar.
        let cal = match &step {
            RequestStep::FinishStage(_) => Some(self.work_calendar().await?),
            _ => None,
        };
        let title = row.title.clone();
        self.store
            .recorded(
                caller,
                async |txn| {
                    let mut m: service_request::ActiveModel = row.clone().into();
                    let need = |s: &str, field: &'static str| {
                        let t = s.trim().to_owned();
                        if t.is_empty() { Err(StoreError::invalid(field, "不能为空")) } else { Ok(t) }
                    };
                    match step {
                        RequestStep::Assign(name) => {
                            let name = need(&name, "经办人")?;
                            m.officer = Set(Some(name.clone()));
                            event(txn, id, now, &me, EventKind::Assigned, None, dept, name).await?;
                        }
                        RequestStep::StartStage(stage) | RequestStep::FinishStage(stage) if stage.trim().is_empty() => {
                            let _ = stage;
                            return Err(StoreError::invalid("环节", "请选择环节"));
                        }
                        RequestStep::StartStage(stage) => {
                            event(
                                txn,
                                id,
                                now,
                                &me,
                                EventKind::StageStarted,
                                Some(stage.trim().to_owned()),
                                dept,
                                String::new(),
                            )
                            .await?;
                        }
                        RequestStep::FinishStage(stage) => {
                            event(
                                txn,
                                id,
                                now,
                                &me,
                                EventKind::StageFinished,
                                Some(stage.trim().to_owned()),
                                dept,
                                String::new(),
                            )
                            .await?;
                            if let Some(cal) = &cal {
                                crate::services::replace_stage_times(txn, cal, &[id]).await?;
                            }
                        }
                        RequestStep::Pause(reason) => {
                            let reason = need(&reason, "需补充的材料")?;
                            event(txn, id, now, &me, EventKind::Paused, None, dept, reason).await?;
                        }
                        RequestStep::Resume(note) => {
                            event(txn, id, now, &me, EventKind::Resumed, None, dept, note.trim().to_owned()).await?;
                        }
                        RequestStep::Transfer { department_id, reason } => {
                            let reason = need(&reason, "转办原因")?;
                            if department_id == row.department_id {
                                return Err(StoreError::invalid("转办部门", "与现办理部门相同"));
                            }
                            let to = unit::Entity::find_by_id(department_id)
                                .filter(unit::Column::Kind.eq(UnitKind::Government.code()))
                                .one(txn)
                                .await?
                                .ok_or_else(|| StoreError::invalid("转办部门", "不是已登记的政府部门"))?;
                            m.department_id = Set(to.id);
                            m.officer = Set(None);
                            event(
                                txn,
                                id,
                                now,
                                &me,
                                EventKind::Transferred,
                                None,
                                Some(to.id),
                                format!("转至{}：{reason}", to.name),
                            )
                            .await?;
                        }
                        RequestStep::Comment(text) => {
                            let text = need(&text, "备注")?;
                            event(txn, id, now, &me, EventKind::Comment, None, dept, text).await?;
                        }
                        RequestStep::Finish(result) => {
                            let result = need(&result, "办理结果")?;
                            if row.state.is_waiting() {
                                event(txn, id, now, &me, EventKind::Resumed, None, dept, "办结时结束等待".into())
                                    .await?;
                            }
                            m.done_at = Set(Some(now));
                            m.result = Set(Some(result.clone()));
                            event(txn, id, now, &me, EventKind::Done, None, dept, result).await?;
                        }
                        RequestStep::Reject(reason) => {
                            let reason = need(&reason, "不予办理的理由")?;
                            m.done_at = Set(Some(now));
                            m.result = Set(Some(reason.clone()));
                            event(txn, id, now, &me, EventKind::Rejected, None, dept, reason).await?;
                        }
                    }
                    m.state = Set(to);
                    m.update(txn).await?;
                    Ok(())
                },
                |_| Change::new("service.request.step", "service_request", id, title),
            )
            .await?;
        if to.is_finished() {
            self.fix_elapsed(&self.work_calendar().await?, id).await?;
        }
        Ok(())
    }

    /// Records a finished request's elapsed office minutes and whether it was on time, from
    /// its events and the calendar: the same clock the pages show, fixed once it stops.
    pub(crate) async fn fix_elapsed(self, cal: &WorkCalendar, id: i64) -> Result<()> {
        let Some(row) = service_request::Entity::find_by_id(id).one(self.store.db()).await? else { return Ok(()) };
        let Some(done_at) = row.done_at else { return Ok(()) };
        let events = service_event::Entity::find()
            .filter(service_event::Column::RequestId.eq(id))
            .filter(service_event::Column::Kind.is_in(["paused", "resumed"]))
            .order_by_asc(service_event::Column::At)
            .order_by_asc(service_event::Column::Id)
            .all(self.store.db())
            .await?;
        let limit = limit_of(&row.limit_unit, row.limit_n);
        let c = clock(cal, limit, local(row.filed_at), &pauses_of(&events), Some(local(done_at)), local(done_at));
        let mut m: service_request::ActiveModel = row.clone().into();
        m.elapsed_minutes = Set(Some(c.elapsed_minutes));
        m.on_time = Set(row.state.is_done().then_some(c.remaining_minutes >= 0));
        m.update(self.store.db()).await?;
        Ok(())
    }

    /// Fills the elapsed time of finished requests that lack it (after an upgrade, or after
    /// a calendar year changed); returns how many.
    pub async fn backfill_elapsed(self) -> Result<usize> {
        let ids: Vec<i64> = service_request::Entity::find()
            .select_only()
            .column(service_request::Column::Id)
            .filter(service_request::Column::DoneAt.is_not_null())
            .filter(service_request::Column::ElapsedMinutes.is_null())
            .into_tuple()
            .all(self.store.db())
            .await?;
        // The calendar once for all of them, not once per request.
        let cal = self.work_calendar().await?;
        for id in &ids {
            self.fix_elapsed(&cal, *id).await?;
        }
        Ok(ids.len())
    }
}

/// A step the request's state does not allow, as the user reads it.
fn refused(e: RequestError) -> StoreError {
    match e {
        RequestError::Finished => StoreError::invalid("工单", "已办结，不能再操作"),
        RequestError::AlreadyWaiting => StoreError::invalid("工单", "已在等待企业补充材料"),
        RequestError::NotWaiting => StoreError::invalid("工单", "没有在等待补充材料"),
        RequestError::NotDone => StoreError::invalid("评价", "事项尚未办结，办结后才能评价"),
    }
}

impl RequestStep {
    /// The domain's name for the step.
    pub fn action(&self) -> RequestAction {
        match self {
            RequestStep::Assign(_) => RequestAction::Assign,
            RequestStep::StartStage(_) => RequestAction::StartStage,
            RequestStep::FinishStage(_) => RequestAction::FinishStage,
            RequestStep::Pause(_) => RequestAction::Pause,
            RequestStep::Resume(_) => RequestAction::Resume,
            RequestStep::Transfer { .. } => RequestAction::Transfer,
            RequestStep::Comment(_) => RequestAction::Comment,
            RequestStep::Finish(_) => RequestAction::Finish,
            RequestStep::Reject(_) => RequestAction::Reject,
        }
    }
}
