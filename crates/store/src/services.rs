//! Enterprise services (红色店小二 / 直通车): the holiday calendar as data, the service
//! catalogue, and requests with their working-day clock. A request's pauses, stages and
//! transfers are events; its clock is computed from them, never stored.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use qunlian_domain::auth::{Action, Caller, Scope, UnitId};
use qunlian_domain::calendar::{DayKind, SpecialDay, WorkCalendar, parse_year_file};
use qunlian_domain::registry::UnitKind;
use qunlian_domain::services::{Clock, Colour, Pause, TimeLimit, clock};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};
use serde::Serialize;

use crate::entity::{calendar_day, calendar_year, service_event, service_item, service_request, unit};
use crate::{Result, Store, StoreError};

/// Beijing time, as the offices read clocks.
pub fn local(t: DateTime<Utc>) -> NaiveDateTime {
    (t + Duration::hours(8)).naive_utc()
}

#[derive(Clone, Debug, Serialize)]
pub struct CalendarYear {
    pub year: i32,
    pub source: String,
    pub holidays: usize,
    pub workdays: usize,
    pub loaded_by: String,
    pub loaded_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ServiceItem {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub department_id: i64,
    pub department: String,
    pub materials: Vec<String>,
    pub limit: TimeLimit,
    pub limit_label: String,
    pub stages: Vec<String>,
    pub is_demo: bool,
}

#[derive(Clone, Debug)]
pub struct NewServiceItem {
    pub code: String,
    pub name: String,
    pub department_id: i64,
    pub materials: Vec<String>,
    pub limit: TimeLimit,
    pub stages: Vec<String>,
    pub is_demo: bool,
}

#[derive(Clone, Debug)]
pub struct NewServiceRequest {
    pub item_id: i64,
    pub unit: UnitId,
    pub title: String,
    pub detail: String,
    pub is_demo: bool,
}

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

#[derive(Clone, Debug, Serialize)]
pub struct ServiceEvent {
    pub at: NaiveDateTime,
    pub actor: String,
    pub kind: String,
    pub label: &'static str,
    pub stage: Option<String>,
    pub detail: String,
}

/// A stage with its start and finish (Beijing time) and the working days it took.
#[derive(Clone, Debug, Serialize)]
pub struct StageTimes {
    pub name: String,
    pub started: Option<NaiveDateTime>,
    pub finished: Option<NaiveDateTime>,
    pub working_days: Option<f64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ServiceRequest {
    pub id: i64,
    pub item_id: i64,
    pub item_name: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub department_id: i64,
    pub department: String,
    pub officer: Option<String>,
    pub title: String,
    pub detail: String,
    pub state: String,
    pub state_label: &'static str,
    pub limit: TimeLimit,
    pub limit_label: String,
    pub filed_at: NaiveDateTime,
    pub done_at: Option<NaiveDateTime>,
    pub result: Option<String>,
    pub clock: Clock,
    pub escalated: bool,
    pub rating: Option<i16>,
    pub is_demo: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct ServiceRequestDetail {
    pub request: ServiceRequest,
    pub stages: Vec<StageTimes>,
    pub events: Vec<ServiceEvent>,
    pub materials: Vec<String>,
}

fn state_label(s: &str) -> &'static str {
    match s {
        "open" => "办理中",
        "waiting" => "待补材料",
        "done" => "已办结",
        "rejected" => "不予办理",
        _ => "未知",
    }
}

fn event_label(kind: &str) -> &'static str {
    match kind {
        "filed" => "提交",
        "assigned" => "指派",
        "stage_started" => "环节开始",
        "stage_finished" => "环节完成",
        "paused" => "待补材料（计时暂停）",
        "resumed" => "材料补齐（恢复计时）",
        "transferred" => "转办",
        "comment" => "备注",
        "done" => "办结",
        "rejected" => "不予办理",
        "escalated" => "超期督办",
        "rated" => "满意度评价",
        _ => "记录",
    }
}

pub(crate) fn limit_of(unit: &str, n: i32) -> TimeLimit {
    let n = n.max(0) as u32;
    if unit == "working_hours" { TimeLimit::WorkingHours(n) } else { TimeLimit::WorkingDays(n) }
}

fn limit_columns(limit: TimeLimit) -> (&'static str, i32) {
    match limit {
        TimeLimit::WorkingDays(n) => ("working_days", n as i32),
        TimeLimit::WorkingHours(n) => ("working_hours", n as i32),
    }
}

impl Store {
    // ---------- calendar ----------

    /// The working-day calendar from the loaded years.
    pub async fn work_calendar(&self) -> Result<WorkCalendar> {
        let mut cal = WorkCalendar::new();
        let days = calendar_day::Entity::find().all(self.db()).await?;
        for y in calendar_year::Entity::find().all(self.db()).await? {
            let of_year: Vec<SpecialDay> = days
                .iter()
                .filter(|d| chrono::Datelike::year(&d.day) == y.year)
                .map(|d| SpecialDay {
                    date: d.day,
                    kind: if d.kind == "workday" { DayKind::Workday } else { DayKind::Holiday },
                    name: d.name.clone(),
                })
                .collect();
            cal.set_year(y.year, &of_year);
        }
        Ok(cal)
    }

    pub async fn calendar_years(&self) -> Result<Vec<CalendarYear>> {
        let days = calendar_day::Entity::find().all(self.db()).await?;
        Ok(calendar_year::Entity::find()
            .order_by_desc(calendar_year::Column::Year)
            .all(self.db())
            .await?
            .into_iter()
            .map(|y| {
                let of_year = days.iter().filter(|d| chrono::Datelike::year(&d.day) == y.year);
                let (holidays, workdays) =
                    of_year.fold((0, 0), |(h, w), d| if d.kind == "workday" { (h, w + 1) } else { (h + 1, w) });
                CalendarYear {
                    year: y.year,
                    source: y.source,
                    holidays,
                    workdays,
                    loaded_by: y.loaded_by,
                    loaded_at: y.loaded_at,
                }
            })
            .collect())
    }

    /// Loads (or replaces) one year from a calendar file; a file with any bad line loads
    /// nothing and every bad line is named.
    pub async fn load_calendar_year(&self, actor: &str, text: &str) -> Result<i32> {
        let (year, days) = parse_year_file(text).map_err(|errors| {
            StoreError::invalid("节假日文件", errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("；"))
        })?;
        let source: String = text
            .lines()
            .filter_map(|l| l.trim().strip_prefix('#'))
            .map(str::trim)
            .find(|l| l.starts_with("来源"))
            .unwrap_or("管理员导入")
            .to_owned();
        let txn = self.db().begin().await?;
        let start = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| StoreError::invalid("年份", year.to_string()))?;
        let end =
            NaiveDate::from_ymd_opt(year + 1, 1, 1).ok_or_else(|| StoreError::invalid("年份", year.to_string()))?;
        calendar_day::Entity::delete_many()
            .filter(calendar_day::Column::Day.gte(start))
            .filter(calendar_day::Column::Day.lt(end))
            .exec(&txn)
            .await?;
        calendar_year::Entity::delete_by_id(year).exec(&txn).await?;
        let rows: Vec<calendar_day::ActiveModel> = days
            .iter()
            .map(|d| calendar_day::ActiveModel {
                day: Set(d.date),
                kind: Set(d.kind.code().to_owned()),
                name: Set(d.name.clone()),
            })
            .collect();
        if !rows.is_empty() {
            calendar_day::Entity::insert_many(rows).exec_without_returning(&txn).await?;
        }
        calendar_year::ActiveModel {
            year: Set(year),
            source: Set(source.clone()),
            loaded_by: Set(actor.to_owned()),
            loaded_at: Set(self.now()),
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        // Finished requests that ran through this year count their time again.
        let (from, until) =
            (start.and_time(chrono::NaiveTime::MIN).and_utc(), end.and_time(chrono::NaiveTime::MIN).and_utc());
        service_request::Entity::update_many()
            .col_expr(service_request::Column::ElapsedMinutes, sea_orm::sea_query::Expr::value(Option::<i64>::None))
            .col_expr(service_request::Column::OnTime, sea_orm::sea_query::Expr::value(Option::<bool>::None))
            .filter(service_request::Column::DoneAt.gte(from))
            .filter(service_request::Column::FiledAt.lt(until))
            .exec(self.db())
            .await?;
        self.backfill_service_elapsed().await?;
        self.recount_stage_times(from, until).await?;
        self.audit(
            crate::audit::Actor { user_id: None, username: actor.to_owned(), ip: None },
            "calendar.load",
            "calendar",
            Some(year.to_string()),
            source,
        )
        .await?;
        Ok(year)
    }

    /// The shipped years (reference/calendar/), loaded once into an empty table.
    pub async fn load_shipped_calendars(&self) -> Result<()> {
        if calendar_year::Entity::find().one(self.db()).await?.is_some() {
            return Ok(());
        }
        for (_, text) in qunlian_domain::calendar::SHIPPED {
            self.load_calendar_year("系统", text).await?;
        }
        Ok(())
    }

    pub async fn import_calendar_year(&self, caller: &Caller, text: &str) -> Result<i32> {
        self.require(caller, Action::ManageServices)?;
        self.load_calendar_year(&caller.username, text).await
    }

    /// Working days in (from, to], as the API answers.
    pub async fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> Result<(u32, bool)> {
        let cal = self.work_calendar().await?;
        let known = (chrono::Datelike::year(&from)..=chrono::Datelike::year(&to)).all(|y| cal.knows(y));
        Ok((cal.count(from, to), known))
    }

    // ---------- catalogue ----------

    pub async fn service_items(&self, caller: &Caller) -> Result<Vec<ServiceItem>> {
        if !(caller.may(Action::ReadRegistry) || caller.may(Action::HandleServiceRequest)) {
            return Err(StoreError::Forbidden);
        }
        let items = service_item::Entity::find().order_by_asc(service_item::Column::Code).all(self.db()).await?;
        let depts = self.unit_names(items.iter().map(|i| i.department_id).collect()).await?;
        Ok(items.into_iter().map(|i| to_item(i, &depts)).collect())
    }

    /// Government departments, for the owner of an item and transfers.
    pub async fn departments(&self) -> Result<Vec<(i64, String)>> {
        Ok(unit::Entity::find()
            .select_only()
            .column(unit::Column::Id)
            .column(unit::Column::Name)
            .filter(unit::Column::Kind.eq(UnitKind::Government.code()))
            .order_by_asc(unit::Column::Name)
            .into_tuple()
            .all(self.db())
            .await?)
    }

    /// Adds an item, or updates the one with the same code (a catalogue import re-run
    /// changes nothing).
    pub async fn save_service_item(&self, caller: &Caller, new: NewServiceItem) -> Result<i64> {
        self.require(caller, Action::ManageServices)?;
        let code = qunlian_domain::text::compact(&new.code).to_uppercase();
        let name = qunlian_domain::text::normalize(&new.name);
        if code.is_empty() {
            return Err(StoreError::invalid("事项编码", "不能为空"));
        }
        if name.is_empty() {
            return Err(StoreError::invalid("事项名称", "不能为空"));
        }
        let dept = unit::Entity::find_by_id(new.department_id)
            .filter(unit::Column::Kind.eq(UnitKind::Government.code()))
            .one(self.db())
            .await?
            .ok_or_else(|| StoreError::invalid("责任部门", "不是已登记的政府部门"))?;
        let (limit_unit, limit_n) = limit_columns(new.limit);
        if limit_n <= 0 {
            return Err(StoreError::invalid("办结时限", "应大于 0"));
        }
        let existing = service_item::Entity::find().filter(service_item::Column::Code.eq(&code)).one(self.db()).await?;
        let materials = new.materials.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect::<Vec<_>>().join("\n");
        let stages = new.stages.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect::<Vec<_>>().join("→");
        let id = match existing {
            Some(e) => {
                let id = e.id;
                let mut m: service_item::ActiveModel = e.into();
                m.name = Set(name.clone());
                m.department_id = Set(dept.id);
                m.materials = Set(materials);
                m.limit_unit = Set(limit_unit.to_owned());
                m.limit_n = Set(limit_n);
                m.stages = Set(stages);
                m.update(self.db()).await?;
                id
            }
            None => {
                service_item::ActiveModel {
                    code: Set(code.clone()),
                    name: Set(name.clone()),
                    department_id: Set(dept.id),
                    materials: Set(materials),
                    limit_unit: Set(limit_unit.to_owned()),
                    limit_n: Set(limit_n),
                    stages: Set(stages),
                    is_demo: Set(new.is_demo),
                    created_at: Set(self.now()),
                    ..Default::default()
                }
                .insert(self.db())
                .await?
                .id
            }
        };
        self.audit(
            caller,
            "service.item.save",
            "service_item",
            Some(id.to_string()),
            format!("{code} {name}（{}）", dept.name),
        )
        .await?;
        Ok(id)
    }

    // ---------- requests ----------

    /// Requests the caller may see: its area's enterprises, or, for a department, what is
    /// routed to it now or was before a transfer.
    pub(crate) async fn request_scope(&self, caller: &Caller) -> Result<Condition> {
        Ok(match &caller.scope {
            Scope::Department(d) => {
                let handled = Query::select()
                    .column(service_event::Column::RequestId)
                    .from(service_event::Entity)
                    .and_where(service_event::Column::DepartmentId.eq(d.0))
                    .to_owned();
                Condition::any()
                    .add(service_request::Column::DepartmentId.eq(d.0))
                    .add(service_request::Column::Id.in_subquery(handled))
            }
            // The whole deployment: no subquery over every unit (a million of them would be
            // read for each report).
            Scope::All => Condition::all(),
            _ => {
                let units = self.unit_scope(caller).await?;
                Condition::all().add(service_request::Column::UnitId.in_subquery(
                    Query::select().column(unit::Column::Id).from(unit::Entity).cond_where(units).to_owned(),
                ))
            }
        })
    }

    pub async fn file_service_request(&self, caller: &Caller, new: NewServiceRequest) -> Result<i64> {
        self.file_request_at(caller, new, self.now()).await
    }

    /// Files a request as if at `at`. For the demo only, which shows requests of past weeks
    /// in every colour; everything else files at the store's clock.
    pub async fn demo_file_service_request_at(
        &self,
        caller: &Caller,
        new: NewServiceRequest,
        at: DateTime<Utc>,
    ) -> Result<i64> {
        self.file_request_at(caller, new, at).await
    }

    /// One step as if taken at `at`: for the demo only, as [`Store::demo_file_service_request_at`].
    pub async fn demo_service_step_at(
        &self,
        caller: &Caller,
        id: i64,
        step: RequestStep,
        at: DateTime<Utc>,
    ) -> Result<()> {
        self.step_at(caller, id, step, at).await
    }

    async fn file_request_at(&self, caller: &Caller, new: NewServiceRequest, now: DateTime<Utc>) -> Result<i64> {
        self.require(caller, Action::FileServiceRequest)?;
        let u = self.unit_in_scope(caller, new.unit).await?;
        let item = service_item::Entity::find_by_id(new.item_id)
            .one(self.db())
            .await?
            .ok_or_else(|| StoreError::invalid("服务事项", "请从目录中选择"))?;
        let title = qunlian_domain::text::normalize(&new.title);
        let title = if title.is_empty() { item.name.clone() } else { title };
        let txn = self.db().begin().await?;
        let saved = service_request::ActiveModel {
            item_id: Set(item.id),
            unit_id: Set(u.id),
            department_id: Set(item.department_id),
            officer: Set(None),
            title: Set(title.clone()),
            detail: Set(new.detail.trim().to_owned()),
            state: Set("open".to_owned()),
            limit_unit: Set(item.limit_unit.clone()),
            limit_n: Set(item.limit_n),
            filed_by: Set(caller.username.clone()),
            filed_at: Set(now),
            done_at: Set(None),
            result: Set(None),
            escalated_at: Set(None),
            rating: Set(None),
            rating_comment: Set(None),
            rated_at: Set(None),
            is_demo: Set(new.is_demo),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        event(
            &txn,
            saved.id,
            now,
            &caller.username,
            "filed",
            None,
            Some(item.department_id),
            format!("{}：{}", u.name, item.name),
        )
        .await?;
        txn.commit().await?;
        self.audit(
            caller,
            "service.request.file",
            "service_request",
            Some(saved.id.to_string()),
            format!("{}：{title}", u.name),
        )
        .await?;
        Ok(saved.id)
    }

    pub(crate) async fn request_row(&self, caller: &Caller, id: i64) -> Result<service_request::Model> {
        let cond = Condition::all().add(self.request_scope(caller).await?).add(service_request::Column::Id.eq(id));
        service_request::Entity::find().filter(cond).one(self.db()).await?.ok_or(StoreError::NotFound)
    }

    /// One step of handling. Only an officer of the department holding the request (or the
    /// district admin) may; a finished request takes no more steps.
    pub async fn service_step(&self, caller: &Caller, id: i64, step: RequestStep) -> Result<()> {
        self.step_at(caller, id, step, self.now()).await
    }

    async fn step_at(&self, caller: &Caller, id: i64, step: RequestStep, now: DateTime<Utc>) -> Result<()> {
        self.require(caller, Action::HandleServiceRequest)?;
        let row = self.request_row(caller, id).await?;
        if let Scope::Department(d) = &caller.scope
            && row.department_id != d.0
        {
            return Err(StoreError::invalid("工单", "已转办到其他部门，由现办理部门处理"));
        }
        if row.state == "done" || row.state == "rejected" {
            return Err(StoreError::invalid("工单", "已办结，不能再操作"));
        }
        let me = caller.username.clone();
        let dept = Some(row.department_id);
        let step_kind = match &step {
            RequestStep::Finish(_) => "done",
            RequestStep::Reject(_) => "rejected",
            _ => "",
        };
        // A finished stage's time is counted in the same transaction, on the calendar.
        let cal = match &step {
            RequestStep::FinishStage(_) => Some(self.work_calendar().await?),
            _ => None,
        };
        let txn = self.db().begin().await?;
        let mut m: service_request::ActiveModel = row.clone().into();
        let need = |s: &str, field: &'static str| {
            let t = s.trim().to_owned();
            if t.is_empty() { Err(StoreError::invalid(field, "不能为空")) } else { Ok(t) }
        };
        match step {
            RequestStep::Assign(name) => {
                let name = need(&name, "经办人")?;
                m.officer = Set(Some(name.clone()));
                event(&txn, id, now, &me, "assigned", None, dept, name).await?;
            }
            RequestStep::StartStage(stage) | RequestStep::FinishStage(stage) if stage.trim().is_empty() => {
                let _ = stage;
                return Err(StoreError::invalid("环节", "请选择环节"));
            }
            RequestStep::StartStage(stage) => {
                event(&txn, id, now, &me, "stage_started", Some(stage.trim().to_owned()), dept, String::new()).await?;
            }
            RequestStep::FinishStage(stage) => {
                event(&txn, id, now, &me, "stage_finished", Some(stage.trim().to_owned()), dept, String::new()).await?;
                if let Some(cal) = &cal {
                    crate::service_report::replace_stage_times(&txn, cal, &[id]).await?;
                }
            }
            RequestStep::Pause(reason) => {
                if row.state == "waiting" {
                    return Err(StoreError::invalid("工单", "已在等待企业补充材料"));
                }
                let reason = need(&reason, "需补充的材料")?;
                m.state = Set("waiting".to_owned());
                event(&txn, id, now, &me, "paused", None, dept, reason).await?;
            }
            RequestStep::Resume(note) => {
                if row.state != "waiting" {
                    return Err(StoreError::invalid("工单", "没有在等待补充材料"));
                }
                m.state = Set("open".to_owned());
                event(&txn, id, now, &me, "resumed", None, dept, note.trim().to_owned()).await?;
            }
            RequestStep::Transfer { department_id, reason } => {
                let reason = need(&reason, "转办原因")?;
                if department_id == row.department_id {
                    return Err(StoreError::invalid("转办部门", "与现办理部门相同"));
                }
                let to = unit::Entity::find_by_id(department_id)
                    .filter(unit::Column::Kind.eq(UnitKind::Government.code()))
                    .one(&txn)
                    .await?
                    .ok_or_else(|| StoreError::invalid("转办部门", "不是已登记的政府部门"))?;
                m.department_id = Set(to.id);
                m.officer = Set(None);
                event(&txn, id, now, &me, "transferred", None, Some(to.id), format!("转至{}：{reason}", to.name))
                    .await?;
            }
            RequestStep::Comment(text) => {
                let text = need(&text, "备注")?;
                event(&txn, id, now, &me, "comment", None, dept, text).await?;
            }
            RequestStep::Finish(result) => {
                let result = need(&result, "办理结果")?;
                if row.state == "waiting" {
                    event(&txn, id, now, &me, "resumed", None, dept, "办结时结束等待".into()).await?;
                }
                m.state = Set("done".to_owned());
                m.done_at = Set(Some(now));
                m.result = Set(Some(result.clone()));
                event(&txn, id, now, &me, "done", None, dept, result).await?;
            }
            RequestStep::Reject(reason) => {
                let reason = need(&reason, "不予办理的理由")?;
                m.state = Set("rejected".to_owned());
                m.done_at = Set(Some(now));
                m.result = Set(Some(reason.clone()));
                event(&txn, id, now, &me, "rejected", None, dept, reason).await?;
            }
        }
        m.update(&txn).await?;
        txn.commit().await?;
        if matches!(step_kind, "done" | "rejected") {
            self.fix_elapsed(&self.work_calendar().await?, id).await?;
        }
        self.audit(caller, "service.request.step", "service_request", Some(id.to_string()), row.title).await
    }

    /// Records a finished request's elapsed office minutes and whether it was on time, from
    /// its events and the calendar: the same clock the pages show, fixed once it stops.
    pub(crate) async fn fix_elapsed(&self, cal: &WorkCalendar, id: i64) -> Result<()> {
        let Some(row) = service_request::Entity::find_by_id(id).one(self.db()).await? else { return Ok(()) };
        let Some(done_at) = row.done_at else { return Ok(()) };
        let events = service_event::Entity::find()
            .filter(service_event::Column::RequestId.eq(id))
            .filter(service_event::Column::Kind.is_in(["paused", "resumed"]))
            .order_by_asc(service_event::Column::At)
            .order_by_asc(service_event::Column::Id)
            .all(self.db())
            .await?;
        let limit = limit_of(&row.limit_unit, row.limit_n);
        let c = clock(cal, limit, local(row.filed_at), &pauses_of(&events), Some(local(done_at)), local(done_at));
        let mut m: service_request::ActiveModel = row.clone().into();
        m.elapsed_minutes = Set(Some(c.elapsed_minutes));
        m.on_time = Set((row.state == "done").then_some(c.remaining_minutes >= 0));
        m.update(self.db()).await?;
        Ok(())
    }

    /// Fills the elapsed time of finished requests that lack it (after an upgrade, or after
    /// a calendar year changed); returns how many.
    pub async fn backfill_service_elapsed(&self) -> Result<usize> {
        let ids: Vec<i64> = service_request::Entity::find()
            .select_only()
            .column(service_request::Column::Id)
            .filter(service_request::Column::DoneAt.is_not_null())
            .filter(service_request::Column::ElapsedMinutes.is_null())
            .into_tuple()
            .all(self.db())
            .await?;
        // The calendar once for all of them, not once per request.
        let cal = self.work_calendar().await?;
        for id in &ids {
            self.fix_elapsed(&cal, *id).await?;
        }
        Ok(ids.len())
    }

    pub async fn service_request(&self, caller: &Caller, id: i64) -> Result<ServiceRequestDetail> {
        self.request_row(caller, id).await?;
        // A read that finds it overdue escalates it, and shows the escalation at once.
        self.escalate_overdue(Condition::all().add(service_request::Column::Id.eq(id))).await?;
        let row = self.request_row(caller, id).await?;
        let cal = self.work_calendar().await?;
        let events = service_event::Entity::find()
            .filter(service_event::Column::RequestId.eq(id))
            .order_by_asc(service_event::Column::At)
            .order_by_asc(service_event::Column::Id)
            .all(self.db())
            .await?;
        let item = service_item::Entity::find_by_id(row.item_id).one(self.db()).await?;
        let names = self.unit_names(vec![row.unit_id, row.department_id]).await?;
        let request = self.to_request(&cal, row, &events, item.as_ref(), &names);
        let stage_names: Vec<String> = item
            .as_ref()
            .map(|i| i.stages.split('→').filter(|s| !s.is_empty()).map(str::to_owned).collect())
            .unwrap_or_default();
        // Each stage from its last start to its finish, the pauses inside it not counted: the
        // same time the report averages.
        let spans = crate::service_report::stage_spans(&events);
        let pauses = pauses_of(&events);
        let stages = stage_names
            .iter()
            .map(|name| {
                let last_start = events
                    .iter()
                    .rev()
                    .find(|e| e.kind == "stage_started" && e.stage.as_deref() == Some(name))
                    .map(|e| e.at);
                match spans.get(name) {
                    // Not started again since it finished.
                    Some((from, to)) if last_start.is_none_or(|s| s <= *from) => StageTimes {
                        name: name.clone(),
                        started: Some(local(*from)),
                        finished: Some(local(*to)),
                        working_days: Some(
                            qunlian_domain::services::stage_minutes(&cal, local(*from), local(*to), &pauses) as f64
                                / 420.0,
                        ),
                    },
                    _ => StageTimes {
                        name: name.clone(),
                        started: last_start.map(local),
                        finished: None,
                        working_days: None,
                    },
                }
            })
            .collect();
        Ok(ServiceRequestDetail {
            stages,
            materials: item.map(|i| i.materials.lines().map(str::to_owned).collect()).unwrap_or_default(),
            events: events
                .into_iter()
                .map(|e| ServiceEvent {
                    at: local(e.at),
                    label: event_label(&e.kind),
                    kind: e.kind,
                    actor: e.actor,
                    stage: e.stage,
                    detail: e.detail,
                })
                .collect(),
            request,
        })
    }

    fn to_request(
        &self,
        cal: &WorkCalendar,
        row: service_request::Model,
        events: &[service_event::Model],
        item: Option<&service_item::Model>,
        names: &std::collections::HashMap<i64, String>,
    ) -> ServiceRequest {
        let limit = limit_of(&row.limit_unit, row.limit_n);
        let c = clock(cal, limit, local(row.filed_at), &pauses_of(events), row.done_at.map(local), local(self.now()));
        ServiceRequest {
            id: row.id,
            item_id: row.item_id,
            item_name: item.map(|i| i.name.clone()).unwrap_or_default(),
            unit_id: row.unit_id,
            unit_name: names.get(&row.unit_id).cloned().unwrap_or_default(),
            department_id: row.department_id,
            department: names.get(&row.department_id).cloned().unwrap_or_default(),
            officer: row.officer,
            title: row.title,
            detail: row.detail,
            state_label: state_label(&row.state),
            state: row.state,
            limit_label: limit.label(),
            limit,
            filed_at: local(row.filed_at),
            done_at: row.done_at.map(local),
            result: row.result,
            clock: c,
            escalated: row.escalated_at.is_some(),
            rating: row.rating,
            is_demo: row.is_demo,
        }
    }

    /// The requests the caller may see in one state (or all), newest first, with clocks.
    pub async fn service_requests(&self, caller: &Caller, state: Option<&str>) -> Result<Vec<ServiceRequest>> {
        let f = ServiceFilter { state: state.map(str::to_owned), ..ServiceFilter::default() };
        self.service_requests_filtered(caller, &f).await
    }
}

/// The spans a request waited on the enterprise, from its paused / resumed events in order.
pub(crate) fn pauses_of(events: &[service_event::Model]) -> Vec<Pause> {
    let mut pauses = Vec::new();
    let mut open: Option<NaiveDateTime> = None;
    for e in events {
        match e.kind.as_str() {
            "paused" => open = Some(local(e.at)),
            "resumed" => {
                if let Some(from) = open.take() {
                    pauses.push(Pause { from, to: Some(local(e.at)) });
                }
            }
            _ => {}
        }
    }
    if let Some(from) = open {
        pauses.push(Pause { from, to: None });
    }
    pauses
}

fn to_item(i: service_item::Model, depts: &std::collections::HashMap<i64, String>) -> ServiceItem {
    let limit = limit_of(&i.limit_unit, i.limit_n);
    ServiceItem {
        id: i.id,
        department: depts.get(&i.department_id).cloned().unwrap_or_default(),
        department_id: i.department_id,
        materials: i.materials.lines().map(str::to_owned).collect(),
        limit_label: limit.label(),
        limit,
        stages: i.stages.split('→').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
        code: i.code,
        name: i.name,
        is_demo: i.is_demo,
    }
}

#[allow(clippy::too_many_arguments)]
async fn event(
    db: &impl sea_orm::ConnectionTrait,
    request_id: i64,
    at: DateTime<Utc>,
    actor: &str,
    kind: &str,
    stage: Option<String>,
    department_id: Option<i64>,
    detail: String,
) -> Result<()> {
    service_event::ActiveModel {
        request_id: Set(request_id),
        at: Set(at),
        actor: Set(actor.to_owned()),
        kind: Set(kind.to_owned()),
        stage: Set(stage),
        department_id: Set(department_id),
        detail: Set(detail),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

// ---------- lists, escalation, ratings, reports, catalogue import ----------

/// What the request list is narrowed to; every figure of the report links to the list with
/// the filter that counts the same requests.
#[derive(Clone, Debug, Default)]
pub struct ServiceFilter {
    pub state: Option<String>,
    pub colour: Option<Colour>,
    pub department: Option<i64>,
    pub item: Option<i64>,
    /// 超期督办: requests escalated because they ran past their deadline.
    pub escalated: bool,
    /// Finished requests done within (`Some(true)`) or past (`Some(false)`) their limit.
    pub on_time: Option<bool>,
    pub rated: bool,
}

pub use qunlian_domain::services::CatalogueLine;

#[derive(Clone, Debug, Default, Serialize)]
pub struct CatalogueImport {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// (line, reason) of each row not saved.
    pub rejects: Vec<(usize, String)>,
}

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

/// One line of the report: a department (item None, its total) or one item of it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReportRow {
    pub department_id: i64,
    pub department: String,
    pub item_id: Option<i64>,
    pub item: String,
    pub count: usize,
    pub done: usize,
    pub on_time: usize,
    pub median_days: Option<f64>,
    pub p90_days: Option<f64>,
    pub rated: usize,
    pub rating_avg: Option<f64>,
}

impl ReportRow {
    pub fn on_time_rate(&self) -> Option<f64> {
        (self.done > 0).then(|| self.on_time as f64 * 100.0 / self.done as f64)
    }
}

/// How long one stage of an item took on average (the "58 days to the land certificate, 3
/// more to the permit" view).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StageLead {
    pub item_id: i64,
    pub item: String,
    pub stage: String,
    pub finished: usize,
    pub avg_days: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServiceReport {
    pub rows: Vec<ReportRow>,
    pub stages: Vec<StageLead>,
    pub total: ReportRow,
}

/// Short names departments are called by in catalogues, and the words of their full names.
const DEPARTMENT_ALIASES: [(&str, &str); 18] = [
    ("经委", "经济委员会"),
    ("科委", "科学技术委员会"),
    ("人社", "人力资源和社会保障"),
    ("市场监管", "市场监督管理"),
    ("规划资源", "规划和自然资源"),
    ("规土", "规划和自然资源"),
    ("建管", "建设和管理"),
    ("建委", "建设和管理"),
    ("消防", "消防救援"),
    ("发改", "发展和改革"),
    ("商务", "商务委员会"),
    ("金融办", "金融工作"),
    ("人才办", "人才工作"),
    ("知识产权", "知识产权"),
    ("行政服务中心", "行政服务中心"),
    ("生态环境", "生态环境"),
    ("税务", "税务局"),
    ("司法", "司法局"),
];

/// The department a catalogue names: the full name, or a name or alias found in exactly
/// one department's name.
pub fn resolve_department(text: &str, departments: &[(i64, String)]) -> std::result::Result<i64, String> {
    let t = qunlian_domain::text::compact(text);
    if let Some((id, _)) = departments.iter().find(|(_, n)| *n == t) {
        return Ok(*id);
    }
    let stripped = t.trim_start_matches("上海市").trim_start_matches("松江区").trim_start_matches('区');
    let mut words: Vec<String> = DEPARTMENT_ALIASES
        .iter()
        .filter(|(alias, _)| stripped.contains(alias))
        .map(|(_, full)| (*full).to_owned())
        .collect();
    if stripped.chars().count() >= 2 {
        words.push(stripped.to_owned());
    }
    for w in words.iter().filter(|w| !w.is_empty()) {
        let found: Vec<&(i64, String)> = departments.iter().filter(|(_, n)| n.contains(w.as_str())).collect();
        match found.len() {
            1 => return Ok(found[0].0),
            0 => continue,
            _ => {
                return Err(format!(
                    "责任部门“{text}”不明确，可能是：{}",
                    found.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>().join("、")
                ));
            }
        }
    }
    Err(format!("责任部门“{text}”不是已登记的政府部门"))
}

fn same_bytes(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl Store {
    /// The token of a request's rating link: a keyed digest of its id, never stored.
    pub fn rating_token(&self, id: i64) -> String {
        self.crypto().blind_index_parts(&[b"service-rating", id.to_string().as_bytes()])
    }

    async fn rated_row(&self, id: i64, token: &str) -> Result<service_request::Model> {
        if !same_bytes(&self.rating_token(id), token) {
            return Err(StoreError::NotFound);
        }
        service_request::Entity::find_by_id(id).one(self.db()).await?.ok_or(StoreError::NotFound)
    }

    /// What the rating link shows; a wrong token is "not found", as an unknown id is.
    pub async fn rating_view(&self, id: i64, token: &str) -> Result<RatingView> {
        let row = self.rated_row(id, token).await?;
        let names = self.unit_names(vec![row.unit_id]).await?;
        Ok(RatingView {
            id: row.id,
            enterprise: names.get(&row.unit_id).cloned().unwrap_or_default(),
            title: row.title,
            finished: row.state == "done",
            rating: row.rating,
            comment: row.rating_comment,
        })
    }

    /// The enterprise's rating by the signed link, once: a second one changes nothing.
    pub async fn rate_service(&self, id: i64, token: &str, rating: i16, comment: &str) -> Result<RateOutcome> {
        let row = self.rated_row(id, token).await?;
        if row.state != "done" {
            return Err(StoreError::invalid("评价", "事项尚未办结，办结后才能评价"));
        }
        if !(1..=5).contains(&rating) {
            return Err(StoreError::invalid("满意度", "请选择 1 到 5 星"));
        }
        let comment = comment.trim().chars().take(500).collect::<String>();
        let now = self.now();
        let txn = self.db().begin().await?;
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
        event(&txn, id, now, "企业（评价链接）", "rated", None, Some(row.department_id), detail.clone()).await?;
        txn.commit().await?;
        self.audit(
            crate::audit::Actor { user_id: None, username: "企业（评价链接）".into(), ip: None },
            "service.request.rate",
            "service_request",
            Some(id.to_string()),
            detail,
        )
        .await?;
        Ok(RateOutcome::Rated)
    }

    /// Records the escalation of a request found red: once, whoever's read finds it.
    async fn escalate(&self, r: &ServiceRequest) -> Result<bool> {
        let now = self.now();
        let txn = self.db().begin().await?;
        let done = service_request::Entity::update_many()
            .col_expr(service_request::Column::EscalatedAt, sea_orm::sea_query::Expr::value(now))
            .filter(service_request::Column::Id.eq(r.id))
            .filter(service_request::Column::EscalatedAt.is_null())
            .exec(&txn)
            .await?;
        if done.rows_affected == 0 {
            return Ok(false);
        }
        let detail = format!(
            "超过办结时限（{}，应于 {} 前办结），提请{}负责人和区级管理员督办",
            r.limit_label,
            r.clock.deadline.format("%Y-%m-%d %H:%M"),
            r.department
        );
        event(&txn, r.id, now, "系统", "escalated", None, Some(r.department_id), detail.clone()).await?;
        txn.commit().await?;
        self.audit(
            crate::audit::Actor::system(),
            "service.request.escalate",
            "service_request",
            Some(r.id.to_string()),
            format!("{}：{detail}", r.title),
        )
        .await?;
        Ok(true)
    }

    /// Requests with their clocks, pause events read in chunks (SQLite limits parameters).
    async fn with_clocks(&self, rows: Vec<service_request::Model>) -> Result<Vec<ServiceRequest>> {
        let mut events: std::collections::HashMap<i64, Vec<service_event::Model>> = std::collections::HashMap::new();
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        for chunk in ids.chunks(900) {
            for e in service_event::Entity::find()
                .filter(service_event::Column::RequestId.is_in(chunk.to_vec()))
                .filter(service_event::Column::Kind.is_in(["paused", "resumed"]))
                .order_by_asc(service_event::Column::At)
                .order_by_asc(service_event::Column::Id)
                .all(self.db())
                .await?
            {
                events.entry(e.request_id).or_default().push(e);
            }
        }
        let items: std::collections::HashMap<i64, service_item::Model> =
            service_item::Entity::find().all(self.db()).await?.into_iter().map(|i| (i.id, i)).collect();
        let mut unit_ids: Vec<i64> = rows.iter().flat_map(|r| [r.unit_id, r.department_id]).collect();
        unit_ids.sort_unstable();
        unit_ids.dedup();
        let mut names = std::collections::HashMap::new();
        for chunk in unit_ids.chunks(900) {
            names.extend(self.unit_names(chunk.to_vec()).await?);
        }
        let cal = self.work_calendar().await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let ev = events.remove(&r.id).unwrap_or_default();
                let item = items.get(&r.item_id);
                self.to_request(&cal, r, &ev, item, &names)
            })
            .collect())
    }

    /// Escalates every unfinished request in the caller's view that has run past its
    /// deadline and is not escalated yet: a read that finds it red records it.
    async fn escalate_overdue(&self, scope: Condition) -> Result<()> {
        let rows = service_request::Entity::find()
            .filter(scope)
            .filter(service_request::Column::State.is_in(["open", "waiting"]))
            .filter(service_request::Column::EscalatedAt.is_null())
            .all(self.db())
            .await?;
        if rows.is_empty() {
            return Ok(());
        }
        for r in self.with_clocks(rows).await? {
            if r.clock.colour == Colour::Red {
                self.escalate(&r).await?;
            }
        }
        Ok(())
    }

    /// The requests the caller may see that the filter selects, newest first, with clocks.
    /// Reading them escalates those found overdue.
    pub async fn service_requests_filtered(&self, caller: &Caller, f: &ServiceFilter) -> Result<Vec<ServiceRequest>> {
        if !(caller.may(Action::ReadRegistry) || caller.may(Action::HandleServiceRequest)) {
            return Err(StoreError::Forbidden);
        }
        let scope = self.request_scope(caller).await?;
        self.escalate_overdue(scope.clone()).await?;
        let mut cond = Condition::all().add(scope);
        if let Some(s) = f.state.as_deref().filter(|s| ["open", "waiting", "done", "rejected"].contains(s)) {
            cond = cond.add(service_request::Column::State.eq(s));
        }
        if f.on_time.is_some() {
            cond = cond.add(service_request::Column::State.eq("done"));
        }
        if let Some(d) = f.department {
            cond = cond.add(service_request::Column::DepartmentId.eq(d));
        }
        if let Some(i) = f.item {
            cond = cond.add(service_request::Column::ItemId.eq(i));
        }
        if f.escalated {
            cond = cond.add(service_request::Column::EscalatedAt.is_not_null());
            // A department's 超期督办 list: what it holds now (one transferred away is the
            // new department's to follow up).
            if let Scope::Department(d) = &caller.scope {
                cond = cond.add(service_request::Column::DepartmentId.eq(d.0));
            }
        }
        if f.rated {
            cond = cond.add(service_request::Column::Rating.is_not_null());
        }
        let rows = service_request::Entity::find()
            .filter(cond)
            .order_by_desc(service_request::Column::FiledAt)
            .order_by_desc(service_request::Column::Id)
            .all(self.db())
            .await?;
        Ok(self
            .with_clocks(rows)
            .await?
            .into_iter()
            .filter(|r| f.colour.is_none_or(|c| r.clock.colour == c))
            .filter(|r| f.on_time.is_none_or(|want| (r.clock.remaining_minutes >= 0) == want))
            .collect())
    }

    /// Enterprises the caller may file a request for (its own, for an enterprise contact),
    /// by name, at most `limit`.
    pub async fn service_enterprises(
        &self,
        caller: &Caller,
        q: Option<&str>,
        limit: u64,
    ) -> Result<Vec<(i64, String)>> {
        self.units_acting_for(caller, Action::FileServiceRequest, q, limit).await
    }

    /// Saves the good lines of a catalogue file in one transaction; lines whose department
    /// is unknown are named. An item is matched by its code, so a re-run changes nothing.
    pub async fn import_service_items(&self, caller: &Caller, lines: Vec<CatalogueLine>) -> Result<CatalogueImport> {
        self.require(caller, Action::ManageServices)?;
        let departments = self.departments().await?;
        let existing: std::collections::HashMap<String, service_item::Model> =
            service_item::Entity::find().all(self.db()).await?.into_iter().map(|i| (i.code.clone(), i)).collect();
        let mut out = CatalogueImport::default();
        let now = self.now();
        let txn = self.db().begin().await?;
        for l in lines {
            let department_id = match resolve_department(&l.department, &departments) {
                Ok(id) => id,
                Err(reason) => {
                    out.rejects.push((l.line, reason));
                    continue;
                }
            };
            let code = qunlian_domain::text::compact(&l.code).to_uppercase();
            let name = qunlian_domain::text::normalize(&l.name);
            let materials =
                l.materials.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect::<Vec<_>>().join("\n");
            let stages = l.stages.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect::<Vec<_>>().join("→");
            let (limit_unit, limit_n) = limit_columns(l.limit);
            match existing.get(&code) {
                Some(e)
                    if e.name == name
                        && e.department_id == department_id
                        && e.materials == materials
                        && e.limit_unit == limit_unit
                        && e.limit_n == limit_n
                        && e.stages == stages =>
                {
                    out.unchanged += 1;
                }
                Some(e) => {
                    let mut m: service_item::ActiveModel = e.clone().into();
                    m.name = Set(name);
                    m.department_id = Set(department_id);
                    m.materials = Set(materials);
                    m.limit_unit = Set(limit_unit.to_owned());
                    m.limit_n = Set(limit_n);
                    m.stages = Set(stages);
                    m.update(&txn).await?;
                    out.updated += 1;
                }
                None => {
                    service_item::ActiveModel {
                        code: Set(code),
                        name: Set(name),
                        department_id: Set(department_id),
                        materials: Set(materials),
                        limit_unit: Set(limit_unit.to_owned()),
                        limit_n: Set(limit_n),
                        stages: Set(stages),
                        is_demo: Set(false),
                        created_at: Set(now),
                        ..Default::default()
                    }
                    .insert(&txn)
                    .await?;
                    out.added += 1;
                }
            }
        }
        txn.commit().await?;
        if out.added + out.updated > 0 {
            self.audit(
                caller,
                "service.item.import",
                "service_item",
                None,
                format!(
                    "导入服务事项：新增 {}，更新 {}，未变 {}，有误 {}",
                    out.added,
                    out.updated,
                    out.unchanged,
                    out.rejects.len()
                ),
            )
            .await?;
        }
        Ok(out)
    }

    /// One catalogue item, for its edit form.
    pub async fn service_item(&self, caller: &Caller, id: i64) -> Result<ServiceItem> {
        if !(caller.may(Action::ReadRegistry) || caller.may(Action::HandleServiceRequest)) {
            return Err(StoreError::Forbidden);
        }
        let i = service_item::Entity::find_by_id(id).one(self.db()).await?.ok_or(StoreError::NotFound)?;
        let depts = self.unit_names(vec![i.department_id]).await?;
        Ok(to_item(i, &depts))
    }
}
