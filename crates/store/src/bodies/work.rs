//! An alliance at work: its members as the caller sees them, its service list linked to
//! catalogue items, its meetings with attendance, and the decisions taken with their
//! follow-up (owner, due, done).

use chrono::NaiveDate;
use qunlian_domain::auth::{Action, Caller};
use qunlian_domain::bodies::{DecisionFields, MeetingFields, MeetingKind};
use qunlian_domain::registry::UnitKind;
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::Bodies;
use crate::audit::Change;
use crate::entity::{
    alliance, alliance_decision, alliance_meeting, alliance_meeting_unit, alliance_service, service_item,
};
use crate::{Result, StoreError};

/// A member of an alliance.
#[derive(Clone, Debug, Serialize)]
pub struct Member {
    pub id: i64,
    pub name: String,
    pub kind: UnitKind,
}

/// An entry of the service list; `item` and `department` when it is linked to the catalogue.
#[derive(Clone, Debug, Serialize)]
pub struct ServiceLine {
    pub id: i64,
    pub position: i32,
    pub name: String,
    pub item: Option<i64>,
    pub department: Option<String>,
    pub is_demo: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Decision {
    pub id: i64,
    pub meeting_id: i64,
    pub content: String,
    pub owner_id: i64,
    pub owner: String,
    pub due_on: Option<NaiveDate>,
    pub done_on: Option<NaiveDate>,
    pub done_note: String,
    /// Not done and past its due day.
    pub overdue: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Meeting {
    pub id: i64,
    pub kind: MeetingKind,
    pub held_on: NaiveDate,
    pub subject: String,
    pub summary: String,
    /// The members that came, by name.
    pub attendees: Vec<String>,
    pub decisions: Vec<Decision>,
    pub is_demo: bool,
}

/// An alliance as its working page shows it.
#[derive(Clone, Debug, Serialize)]
pub struct AllianceWork {
    pub id: i64,
    pub name: String,
    pub description: String,
    /// The members in the caller's scope.
    pub members: Vec<Member>,
    /// Members outside the caller's scope: counted, never named.
    pub hidden_members: usize,
    pub services: Vec<ServiceLine>,
    /// How many of the service list's entries are linked to catalogue items.
    pub linked: usize,
    pub meetings: Vec<Meeting>,
    pub is_demo: bool,
}

impl Bodies<'_> {
    /// The alliance's members in the caller's scope, by name, and the number of the others.
    async fn members(self, caller: &Caller, id: i64) -> Result<(Vec<Member>, usize)> {
        let (visible, all) = self.store.alliance_members_within(id, self.store.unit_scope(caller).await?).await?;
        let hidden = all as usize - visible.len();
        Ok((visible.into_iter().map(|u| Member { id: u.id, name: u.name, kind: u.kind }).collect(), hidden))
    }

    /// An alliance with its members, services, meetings and decisions.
    pub async fn alliance_work(self, caller: &Caller, id: i64) -> Result<AllianceWork> {
        let a = self.alliance_in_scope(caller, id).await?;
        let (members, hidden_members) = self.members(caller, id).await?;
        let services = self.services(id).await?;
        let today = self.store.today();
        let meetings = alliance_meeting::Entity::find()
            .filter(alliance_meeting::Column::AllianceId.eq(id))
            .order_by_desc(alliance_meeting::Column::HeldOn)
            .order_by_desc(alliance_meeting::Column::Id)
            .all(self.store.db())
            .await?;
        let meeting_ids: Vec<i64> = meetings.iter().map(|m| m.id).collect();
        let came = alliance_meeting_unit::Entity::find()
            .filter(alliance_meeting_unit::Column::MeetingId.is_in(meeting_ids))
            .all(self.store.db())
            .await?;
        let decisions = alliance_decision::Entity::find()
            .filter(alliance_decision::Column::AllianceId.eq(id))
            .order_by_asc(alliance_decision::Column::Id)
            .all(self.store.db())
            .await?;
        let mut unit_ids: Vec<i64> = came.iter().map(|c| c.unit_id).collect();
        unit_ids.extend(decisions.iter().map(|d| d.owner_unit_id));
        let names = self.store.unit_names(unit_ids).await?;
        let name = |id: i64| names.get(&id).cloned().unwrap_or_else(|| "（已删除的单位）".to_owned());
        let meetings = meetings
            .into_iter()
            .map(|m| Meeting {
                attendees: came.iter().filter(|c| c.meeting_id == m.id).map(|c| name(c.unit_id)).collect(),
                decisions: decisions
                    .iter()
                    .filter(|d| d.meeting_id == m.id)
                    .map(|d| Decision {
                        id: d.id,
                        meeting_id: d.meeting_id,
                        content: d.content.clone(),
                        owner_id: d.owner_unit_id,
                        owner: name(d.owner_unit_id),
                        due_on: d.due_on,
                        done_on: d.done_on,
                        done_note: d.done_note.clone(),
                        overdue: d.done_on.is_none() && d.due_on.is_some_and(|due| due < today),
                    })
                    .collect(),
                id: m.id,
                kind: m.kind,
                held_on: m.held_on,
                subject: m.subject,
                summary: m.summary,
                is_demo: m.is_demo,
            })
            .collect();
        Ok(AllianceWork {
            id: a.id,
            name: a.name,
            description: a.description,
            members,
            hidden_members,
            linked: services.iter().filter(|s| s.item.is_some()).count(),
            services,
            meetings,
            is_demo: a.is_demo,
        })
    }

    async fn services(self, id: i64) -> Result<Vec<ServiceLine>> {
        let rows = alliance_service::Entity::find()
            .filter(alliance_service::Column::AllianceId.eq(id))
            .order_by_asc(alliance_service::Column::Position)
            .order_by_asc(alliance_service::Column::Id)
            .all(self.store.db())
            .await?;
        let items = service_item::Entity::find()
            .filter(service_item::Column::Id.is_in(rows.iter().filter_map(|r| r.service_item_id)))
            .all(self.store.db())
            .await?;
        let depts = self.store.unit_names(items.iter().map(|i| i.department_id).collect()).await?;
        Ok(rows
            .into_iter()
            .map(|r| ServiceLine {
                department: r
                    .service_item_id
                    .and_then(|i| items.iter().find(|x| x.id == i))
                    .and_then(|i| depts.get(&i.department_id).cloned()),
                id: r.id,
                position: r.position,
                name: r.name,
                item: r.service_item_id,
                is_demo: r.is_demo,
            })
            .collect())
    }

    /// The alliance, when the caller may keep its records.
    pub async fn may_run(self, caller: &Caller, id: i64) -> Result<alliance::Model> {
        self.store.require(caller, Action::RunAlliances)?;
        self.alliance_in_scope(caller, id).await
    }

    /// Adds an entry to the service list: a catalogue item (its name unless another is
    /// given), or a service named in words that the catalogue does not hold.
    pub async fn add_service(self, caller: &Caller, id: i64, item: Option<i64>, name: &str, demo: bool) -> Result<i64> {
        let a = self.may_run(caller, id).await?;
        let linked = match item {
            Some(i) => Some(
                service_item::Entity::find_by_id(i)
                    .one(self.store.db())
                    .await?
                    .ok_or_else(|| StoreError::invalid("服务事项", "不在服务事项目录中，请从列表中选择"))?,
            ),
            None => None,
        };
        let name = match (name.trim(), &linked) {
            ("", Some(i)) => i.name.clone(),
            ("", None) => return Err(StoreError::invalid("服务名称", "请填写名称，或从服务事项目录中选择")),
            (n, _) => {
                if let Err(m) = qunlian_domain::limits::check("服务名称", n, qunlian_domain::limits::NAME_CHARS) {
                    return Err(StoreError::invalid("服务名称", m.trim_start_matches("服务名称：").to_owned()));
                }
                n.to_owned()
            }
        };
        if let Some(i) = &linked
            && alliance_service::Entity::find()
                .filter(alliance_service::Column::AllianceId.eq(id))
                .filter(alliance_service::Column::ServiceItemId.eq(i.id))
                .one(self.store.db())
                .await?
                .is_some()
        {
            return Err(StoreError::invalid("服务事项", format!("“{}”已在本联盟的服务清单中", i.name)));
        }
        let position = self.services(id).await?.iter().map(|s| s.position).max().unwrap_or(0) + 1;
        let row = alliance_service::ActiveModel {
            alliance_id: Set(id),
            position: Set(position),
            name: Set(name),
            service_item_id: Set(linked.map(|i| i.id)),
            ..Default::default()
        };
        self.store
            .insert_stamped(caller, row, demo, |s| {
                let how = if s.service_item_id.is_some() { "关联服务事项" } else { "未关联目录" };
                Change::new(
                    "alliance.service",
                    "alliance_service",
                    s.id,
                    format!("“{}”服务清单增加“{}”（{how}）", a.name, s.name),
                )
            })
            .await
            .map(|saved| saved.id)
    }

    /// Records a meeting with the members that came (each must be a member the caller sees).
    pub async fn record_meeting(self, caller: &Caller, id: i64, f: MeetingFields, demo: bool) -> Result<i64> {
        let a = self.may_run(caller, id).await?;
        let (members, _) = self.members(caller, id).await?;
        if let Some(stranger) = f.attendees.iter().find(|u| !members.iter().any(|m| m.id == **u)) {
            return Err(StoreError::invalid("参会成员", format!("编号 {stranger} 不是本联盟的成员单位")));
        }
        let came = f.attendees.len();
        let m = self
            .store
            .recorded(
                caller,
                async |txn| {
                    let m = alliance_meeting::ActiveModel {
                        alliance_id: Set(id),
                        kind: Set(f.kind),
                        held_on: Set(f.held_on),
                        subject: Set(f.subject),
                        summary: Set(f.summary),
                        recorded_by: Set(caller.username.clone()),
                        is_demo: Set(demo),
                        created_at: Set(self.store.now()),
                        ..Default::default()
                    }
                    .insert(txn)
                    .await?;
                    for &u in &f.attendees {
                        alliance_meeting_unit::ActiveModel {
                            meeting_id: Set(m.id),
                            unit_id: Set(u),
                            ..Default::default()
                        }
                        .insert(txn)
                        .await?;
                    }
                    Ok(m)
                },
                |m| {
                    let detail =
                        format!("“{}”{}（{}）：{}，{came}家成员参加", a.name, m.kind.label(), m.held_on, m.subject);
                    Change::new("alliance.meeting", "alliance_meeting", m.id, detail)
                },
            )
            .await?;
        Ok(m.id)
    }

    /// Records a decision of a meeting, followed up by a member of the alliance.
    pub async fn add_decision(
        self,
        caller: &Caller,
        id: i64,
        meeting_id: i64,
        f: DecisionFields,
        demo: bool,
    ) -> Result<i64> {
        let a = self.may_run(caller, id).await?;
        self.store
            .found_where::<alliance_meeting::Entity>(meeting_id, alliance_meeting::Column::AllianceId.eq(id))
            .await?;
        let (members, _) = self.members(caller, id).await?;
        if !members.iter().any(|m| m.id == f.owner_id) {
            return Err(StoreError::invalid("落实单位", "应为本联盟的成员单位，请从列表中选择"));
        }
        let row = alliance_decision::ActiveModel {
            alliance_id: Set(id),
            meeting_id: Set(meeting_id),
            content: Set(f.content),
            owner_unit_id: Set(f.owner_id),
            due_on: Set(f.due_on),
            done_on: Set(None),
            done_note: Set(String::new()),
            ..Default::default()
        };
        self.store
            .insert_stamped(caller, row, demo, |d| {
                Change::new(
                    "alliance.decision",
                    "alliance_decision",
                    d.id,
                    format!("“{}”会议决定：{}", a.name, d.content),
                )
            })
            .await
            .map(|saved| saved.id)
    }

    /// Marks a decision done on `on` with a note; a decision done already is refused.
    pub async fn finish_decision(
        self,
        caller: &Caller,
        id: i64,
        decision_id: i64,
        on: NaiveDate,
        note: &str,
    ) -> Result<()> {
        let a = self.may_run(caller, id).await?;
        let d = self
            .store
            .found_where::<alliance_decision::Entity>(decision_id, alliance_decision::Column::AllianceId.eq(id))
            .await?;
        if let Some(done) = d.done_on {
            return Err(StoreError::invalid("完成日期", format!("该决定已于 {done} 落实")));
        }
        if let Err(m) = qunlian_domain::limits::check("落实情况", note, qunlian_domain::limits::NOTE_CHARS) {
            return Err(StoreError::invalid("落实情况", m.trim_start_matches("落实情况：").to_owned()));
        }
        let content = d.content.clone();
        let mut row: alliance_decision::ActiveModel = d.into();
        row.done_on = Set(Some(on));
        row.done_note = Set(note.trim().to_owned());
        let detail = format!("“{}”会议决定已落实（{on}）：{content}", a.name);
        self.store
            .update_recorded(caller, row, "alliance.decision_done", ("alliance_decision", decision_id), detail)
            .await?;
        Ok(())
    }
}
