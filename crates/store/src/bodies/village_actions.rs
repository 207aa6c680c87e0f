//! A 名誉村主任's actions: the town's mandatory ones (made due at the appointment) and the
//! ones the head chose, each with its due day, evidence and completion; the overdue list and
//! the per-village summary the tracker (the town's 综合工作党委, on the town's account) reads.

use chrono::NaiveDate;
use qunlian_domain::auth::{Action, Caller, Scope};
use qunlian_domain::bodies::{ActionKind, CompletionFields, HeadActionFields, HeadState, PairingMode};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::Bodies;
use crate::audit::Change;
use crate::entity::{village_head, village_head_action};
use crate::{Result, StoreError};

/// An action of a head.
#[derive(Clone, Debug, Serialize)]
pub struct HeadAction {
    pub id: i64,
    pub head_id: i64,
    pub kind: ActionKind,
    pub title: String,
    pub due_on: NaiveDate,
    pub evidence: String,
    pub done_on: Option<NaiveDate>,
    /// Not done and its due day is past.
    pub overdue: bool,
    pub is_demo: bool,
}

/// An overdue action on the tracker's list, with whose it is.
#[derive(Clone, Debug, Serialize)]
pub struct OverdueAction {
    pub action: HeadAction,
    pub person: String,
    pub enterprise: String,
    pub village: String,
    pub town: String,
    /// Days past the due day.
    pub days_late: i64,
}

/// One village's line in the tracker's summary: its appointed head and the actions counted.
#[derive(Clone, Debug, Serialize)]
pub struct VillageSummary {
    pub village_id: i64,
    pub village: String,
    pub town: String,
    pub head_id: i64,
    pub person: String,
    pub enterprise: String,
    pub pairing: Option<PairingMode>,
    pub mandatory: usize,
    pub mandatory_done: usize,
    pub chosen: usize,
    pub chosen_done: usize,
    pub overdue: usize,
}

fn action_of(a: village_head_action::Model, today: NaiveDate) -> HeadAction {
    HeadAction {
        overdue: a.done_on.is_none() && a.due_on < today,
        id: a.id,
        head_id: a.head_id,
        kind: a.kind,
        title: a.title,
        due_on: a.due_on,
        evidence: a.evidence,
        done_on: a.done_on,
        is_demo: a.is_demo,
    }
}

impl Bodies<'_> {
    /// A head's actions, mandatory first, each by due day.
    pub async fn head_actions(self, caller: &Caller, head_id: i64) -> Result<Vec<HeadAction>> {
        let h = self.head_row(caller, head_id).await?;
        self.actions_of(vec![h.id], true).await
    }

    /// The actions of these heads (read through a scope already), by due day, the mandatory
    /// ones first when `mandatory_first`.
    async fn actions_of(self, heads: Vec<i64>, mandatory_first: bool) -> Result<Vec<HeadAction>> {
        let mut query = village_head_action::Entity::find().filter(village_head_action::Column::HeadId.is_in(heads));
        if mandatory_first {
            query = query.order_by_desc(village_head_action::Column::Kind);
        }
        let today = self.store.today();
        Ok(query
            .order_by_asc(village_head_action::Column::DueOn)
            .order_by_asc(village_head_action::Column::Id)
            .all(self.store.db())
            .await?
            .into_iter()
            .map(|a| action_of(a, today))
            .collect())
    }

    /// Whether the caller may report on this head's actions: those who run its town, or the
    /// contact of its enterprise.
    pub async fn may_report(self, caller: &Caller, head_id: i64) -> Result<village_head::Model> {
        self.store.require(caller, Action::ReportVillageActions)?;
        let h = self.head_row(caller, head_id).await?;
        let own = matches!(caller.scope, Scope::Enterprise(u) if u.0 == h.enterprise_unit_id);
        if own || (caller.may(Action::RunVillages) && Self::area_holds(caller, &h.town_code)) {
            Ok(h)
        } else {
            Err(StoreError::Forbidden)
        }
    }

    /// Adds an action the head chose, while appointed.
    pub async fn add_chosen_action(
        self,
        caller: &Caller,
        head_id: i64,
        f: HeadActionFields,
        demo: bool,
    ) -> Result<i64> {
        let h = self.may_report(caller, head_id).await?;
        if h.state != HeadState::Appointed {
            return Err(StoreError::invalid("自选动作", format!("名誉村主任状态为“{}”，不能增加", h.state.label())));
        }
        let row = village_head_action::ActiveModel {
            head_id: Set(h.id),
            kind: Set(ActionKind::Chosen),
            mandatory_id: Set(None),
            title: Set(f.title),
            due_on: Set(f.due_on),
            evidence: Set(String::new()),
            done_on: Set(None),
            ..Default::default()
        };
        self.store
            .insert_stamped(caller, row, demo, |a| {
                Change::new(
                    "village_head.action",
                    "village_head_action",
                    a.id,
                    format!("名誉村主任“{}”自选动作“{}”（{}前）", h.person_name, a.title, a.due_on),
                )
            })
            .await
            .map(|saved| saved.id)
    }

    /// Records an action as done, with its evidence and the day (not before the term began).
    pub async fn complete_action(self, caller: &Caller, action_id: i64, f: CompletionFields) -> Result<()> {
        let a = village_head_action::Entity::find_by_id(action_id)
            .one(self.store.db())
            .await?
            .ok_or(StoreError::NotFound)?;
        let h = self.may_report(caller, a.head_id).await?;
        if let Some(start) = h.term_start
            && f.done_on < start
        {
            return Err(StoreError::invalid("完成日期", format!("不能早于任期开始（{start}）")));
        }
        if f.done_on > self.store.today() {
            return Err(StoreError::invalid("完成日期", "不能晚于今天"));
        }
        let title = a.title.clone();
        let mut row: village_head_action::ActiveModel = a.into();
        row.evidence = Set(f.evidence);
        row.done_on = Set(Some(f.done_on));
        let detail = format!("名誉村主任“{}”完成“{title}”（{}）", h.person_name, f.done_on);
        self.store
            .update_recorded(caller, row, "village_head.action_done", ("village_head_action", action_id), detail)
            .await?;
        Ok(())
    }

    /// The appointed heads the caller sees with all their actions.
    async fn appointed_with_actions(self, caller: &Caller) -> Result<Vec<(super::Head, Vec<HeadAction>)>> {
        let scope = self
            .town_or_unit_scope(caller, village_head::Column::TownCode, Some(village_head::Column::EnterpriseUnitId))
            .await?;
        let rows = village_head::Entity::find()
            .filter(scope)
            .filter(village_head::Column::State.eq(HeadState::Appointed.code()))
            .order_by_asc(village_head::Column::TownCode)
            .order_by_asc(village_head::Column::Id)
            .all(self.store.db())
            .await?;
        let ids: Vec<i64> = rows.iter().map(|h| h.id).collect();
        let heads = self.heads_named(rows).await?;
        let actions = self.actions_of(ids, false).await?;
        Ok(heads
            .into_iter()
            .map(|h| {
                let mine = actions.iter().filter(|a| a.head_id == h.id).cloned().collect();
                (h, mine)
            })
            .collect())
    }

    /// The overdue actions of the appointed heads the caller sees, the longest late first.
    pub async fn overdue_actions(self, caller: &Caller) -> Result<Vec<OverdueAction>> {
        let today = self.store.today();
        let mut out = Vec::new();
        for (h, actions) in self.appointed_with_actions(caller).await? {
            for a in actions.into_iter().filter(|a| a.overdue) {
                out.push(OverdueAction {
                    days_late: (today - a.due_on).num_days(),
                    action: a,
                    person: h.person.clone(),
                    enterprise: h.enterprise.clone(),
                    village: h.village.clone().unwrap_or_default(),
                    town: h.town.clone(),
                });
            }
        }
        out.sort_by(|a, b| b.days_late.cmp(&a.days_late).then(a.action.id.cmp(&b.action.id)));
        Ok(out)
    }

    /// Per village with an appointed head: its actions counted.
    pub async fn village_summary(self, caller: &Caller) -> Result<Vec<VillageSummary>> {
        let mut out: Vec<VillageSummary> = self
            .appointed_with_actions(caller)
            .await?
            .into_iter()
            .map(|(h, actions)| {
                let count = |kind: ActionKind, done: bool| {
                    actions.iter().filter(|a| a.kind == kind && (!done || a.done_on.is_some())).count()
                };
                VillageSummary {
                    village_id: h.village_id.unwrap_or_default(),
                    village: h.village.clone().unwrap_or_default(),
                    town: h.town.clone(),
                    head_id: h.id,
                    person: h.person.clone(),
                    enterprise: h.enterprise.clone(),
                    pairing: h.pairing,
                    mandatory: count(ActionKind::Mandatory, false),
                    mandatory_done: count(ActionKind::Mandatory, true),
                    chosen: count(ActionKind::Chosen, false),
                    chosen_done: count(ActionKind::Chosen, true),
                    overdue: actions.iter().filter(|a| a.overdue).count(),
                }
            })
            .collect();
        out.sort_by(|a, b| (&a.town, &a.village).cmp(&(&b.town, &b.village)));
        Ok(out)
    }
}
