//! Service requests: filing, one request with its events and clock.

use chrono::{DateTime, NaiveDateTime, Utc};
use qunlian_domain::auth::{Action, Caller, Scope, UnitId};
use qunlian_domain::calendar::WorkCalendar;
use qunlian_domain::services::{Clock, EventKind, RequestState, TimeLimit, clock};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::*;
use crate::audit::Change;
use crate::entity::{service_event, service_item, service_request, unit};
use crate::{Result, StoreError};

#[derive(Clone, Debug)]
pub struct NewServiceRequest {
    pub item_id: i64,
    pub unit: UnitId,
    pub title: String,
    pub detail: String,
    pub is_demo: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct ServiceEvent {
    pub at: NaiveDateTime,
    pub actor: String,
    pub kind: EventKind,
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
    pub state: RequestState,
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

pub use qunlian_domain::services::CatalogueLine;

impl Services<'_> {
    /// Requests the caller may see: its area's enterprises, or, for a department, what is
    /// routed to it now or was before a transfer.
    pub(crate) async fn request_scope(self, caller: &Caller) -> Result<Condition> {
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
                let units = self.store.unit_scope(caller).await?;
                Condition::all().add(service_request::Column::UnitId.in_subquery(
                    Query::select().column(unit::Column::Id).from(unit::Entity).cond_where(units).to_owned(),
                ))
            }
        })
    }

    pub async fn file_request(self, caller: &Caller, new: NewServiceRequest) -> Result<i64> {
        self.file_request_at(caller, new, self.store.now()).await
    }

    /// Files a request as if at `at`. For the demo only, which shows requests of past weeks
    /// in every colour; everything else files at the store's clock.
    pub async fn demo_file_request_at(self, caller: &Caller, new: NewServiceRequest, at: DateTime<Utc>) -> Result<i64> {
        self.file_request_at(caller, new, at).await
    }

    async fn file_request_at(self, caller: &Caller, new: NewServiceRequest, now: DateTime<Utc>) -> Result<i64> {
        self.store.require(caller, Action::FileServiceRequest)?;
        let u = self.store.unit_in_scope(caller, new.unit).await?;
        let item = service_item::Entity::find_by_id(new.item_id)
            .one(self.store.db())
            .await?
            .ok_or_else(|| StoreError::invalid("服务事项", "请从目录中选择"))?;
        qunlian_domain::free_text::service_request(&new.title, &new.detail)?;
        let title = qunlian_domain::text::normalize(&new.title);
        let title = if title.is_empty() { item.name.clone() } else { title };
        let filed = format!("{}：{}", u.name, item.name);
        let row = service_request::ActiveModel {
            item_id: Set(item.id),
            unit_id: Set(u.id),
            department_id: Set(item.department_id),
            officer: Set(None),
            title: Set(title.clone()),
            detail: Set(new.detail.trim().to_owned()),
            state: Set(RequestState::START),
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
        };
        let saved = self
            .store
            .insert_recorded_with(
                caller,
                row,
                async |txn, saved| {
                    let dept = Some(item.department_id);
                    event(txn, saved.id, now, &caller.username, EventKind::Filed, None, dept, filed).await
                },
                |saved| {
                    let detail = format!("{}：{title}", u.name);
                    Change::new("service.request.file", "service_request", saved.id, detail)
                },
            )
            .await?;
        Ok(saved.id)
    }

    pub(crate) async fn request_row(self, caller: &Caller, id: i64) -> Result<service_request::Model> {
        let cond = Condition::all().add(self.request_scope(caller).await?).add(service_request::Column::Id.eq(id));
        service_request::Entity::find().filter(cond).one(self.store.db()).await?.ok_or(StoreError::NotFound)
    }

    pub async fn request(self, caller: &Caller, id: i64) -> Result<ServiceRequestDetail> {
        self.request_row(caller, id).await?;
        // A read that finds it overdue escalates it, and shows the escalation at once.
        self.escalate_overdue(Condition::all().add(service_request::Column::Id.eq(id))).await?;
        let row = self.request_row(caller, id).await?;
        let cal = self.work_calendar().await?;
        let events = service_event::Entity::find()
            .filter(service_event::Column::RequestId.eq(id))
            .order_by_asc(service_event::Column::At)
            .order_by_asc(service_event::Column::Id)
            .all(self.store.db())
            .await?;
        let item = service_item::Entity::find_by_id(row.item_id).one(self.store.db()).await?;
        let names = self.store.unit_names(vec![row.unit_id, row.department_id]).await?;
        let request = self.to_request(&cal, row, &events, item.as_ref(), &names);
        let stage_names: Vec<String> = item
            .as_ref()
            .map(|i| i.stages.split('→').filter(|s| !s.is_empty()).map(str::to_owned).collect())
            .unwrap_or_default();
        // Each stage from its last start to its finish, the pauses inside it not counted: the
        // same time the report averages.
        let spans = crate::services::stage_spans(&events);
        let pauses = pauses_of(&events);
        let stages = stage_names
            .iter()
            .map(|name| {
                let last_start = events
                    .iter()
                    .rev()
                    .find(|e| e.kind == EventKind::StageStarted && e.stage.as_deref() == Some(name))
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
                    label: e.kind.label(),
                    kind: e.kind,
                    actor: e.actor,
                    stage: e.stage,
                    detail: e.detail,
                })
                .collect(),
            request,
        })
    }

    pub(super) fn to_request(
        self,
        cal: &WorkCalendar,
        row: service_request::Model,
        events: &[service_event::Model],
        item: Option<&service_item::Model>,
        names: &std::collections::HashMap<i64, String>,
    ) -> ServiceRequest {
        let limit = limit_of(&row.limit_unit, row.limit_n);
        let c =
            clock(cal, limit, local(row.filed_at), &pauses_of(events), row.done_at.map(local), local(self.store.now()));
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
            state_label: row.state.label(),
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
}
