//! The issue log of 问题协商: an issue raised by a member, given to an owner department,
//! answered (solved or declined) and, when answered too early, reopened. The states and
//! their transitions are the domain's ([`IssueState::next`]); here is who may take each step.

use chrono::NaiveDate;
use qunlian_domain::auth::{Action, Caller, Scope, UnitId};
use qunlian_domain::bodies::{IssueAction, IssueFields, IssueState};
use qunlian_domain::registry::UnitKind;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::Bodies;
use crate::audit::Change;
use crate::entity::{alliance_issue, alliance_member, unit};
use crate::{Result, StoreError};

/// What one step does, with what it needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IssueStep {
    /// Give the issue to a department (a government unit), with a due day.
    Assign {
        owner: i64,
        due_on: Option<NaiveDate>,
    },
    /// Solved: the answer and the day (today when not given).
    Resolve {
        answer: String,
        on: Option<NaiveDate>,
    },
    /// Not taken up, with the reason.
    Decline {
        answer: String,
    },
    Reopen,
}

impl IssueStep {
    pub fn action(&self) -> IssueAction {
        match self {
            IssueStep::Assign { .. } => IssueAction::Assign,
            IssueStep::Resolve { .. } => IssueAction::Resolve,
            IssueStep::Decline { .. } => IssueAction::Decline,
            IssueStep::Reopen => IssueAction::Reopen,
        }
    }
}

/// Whose issues a list shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OwnerFilter {
    #[default]
    Any,
    /// Not yet given to a department.
    Unassigned,
    Unit(i64),
}

/// Which issues a list shows: of these states (all when empty) and this owner.
#[derive(Clone, Debug, Default)]
pub struct IssueFilter {
    pub states: Vec<IssueState>,
    pub owner: OwnerFilter,
}

#[derive(Clone, Debug, Serialize)]
pub struct IssueRow {
    pub id: i64,
    pub title: String,
    pub detail: String,
    pub raised_by: String,
    pub raised_on: NaiveDate,
    pub owner_id: Option<i64>,
    pub owner: Option<String>,
    pub state: IssueState,
    pub due_on: Option<NaiveDate>,
    pub resolved_on: Option<NaiveDate>,
    pub answer: String,
    /// Calendar days from raised to solved, once solved.
    pub days: Option<i64>,
    /// Open and past its due day.
    pub overdue: bool,
    pub is_demo: bool,
}

impl Bodies<'_> {
    /// The alliance's issues that `filter` admits, the latest raised first.
    pub async fn issues(self, caller: &Caller, alliance_id: i64, filter: &IssueFilter) -> Result<Vec<IssueRow>> {
        self.alliance_in_scope(caller, alliance_id).await?;
        let mut cond = Condition::all().add(alliance_issue::Column::AllianceId.eq(alliance_id));
        if !filter.states.is_empty() {
            cond = cond.add(alliance_issue::Column::State.is_in(filter.states.iter().map(|s| s.code())));
        }
        cond = match filter.owner {
            OwnerFilter::Any => cond,
            OwnerFilter::Unassigned => cond.add(alliance_issue::Column::OwnerUnitId.is_null()),
            OwnerFilter::Unit(u) => cond.add(alliance_issue::Column::OwnerUnitId.eq(u)),
        };
        let rows = alliance_issue::Entity::find()
            .filter(cond)
            .order_by_desc(alliance_issue::Column::RaisedOn)
            .order_by_desc(alliance_issue::Column::Id)
            .all(self.store.db())
            .await?;
        let mut ids: Vec<i64> = rows.iter().map(|r| r.raised_by_unit_id).collect();
        ids.extend(rows.iter().filter_map(|r| r.owner_unit_id));
        let names = self.store.unit_names(ids).await?;
        let today = self.store.today();
        Ok(rows
            .into_iter()
            .map(|r| IssueRow {
                raised_by: names.get(&r.raised_by_unit_id).cloned().unwrap_or_default(),
                owner: r.owner_unit_id.map(|o| names.get(&o).cloned().unwrap_or_default()),
                days: r.resolved_on.filter(|_| r.state == IssueState::Resolved).map(|d| (d - r.raised_on).num_days()),
                overdue: r.state.is_open() && r.due_on.is_some_and(|d| d < today),
                id: r.id,
                title: r.title,
                detail: r.detail,
                raised_on: r.raised_on,
                owner_id: r.owner_unit_id,
                state: r.state,
                due_on: r.due_on,
                resolved_on: r.resolved_on,
                answer: r.answer,
                is_demo: r.is_demo,
            })
            .collect())
    }

    /// A department (government unit) to own issues, or the field's refusal.
    async fn department(self, id: i64) -> Result<unit::Model> {
        self.store
            .row_where::<unit::Entity>(id, unit::Column::Kind.eq(UnitKind::Government.code()))
            .await?
            .ok_or_else(|| StoreError::invalid("责任部门", "应为登记的政府部门，请从列表中选择"))
    }

    /// Records an issue raised by a member of the alliance; given to its owner department at
    /// once when one is named.
    pub async fn raise_issue(self, caller: &Caller, alliance_id: i64, f: IssueFields, demo: bool) -> Result<i64> {
        let a = self.may_run(caller, alliance_id).await?;
        let member = alliance_member::Entity::find()
            .filter(alliance_member::Column::AllianceId.eq(alliance_id))
            .filter(alliance_member::Column::UnitId.eq(f.raised_by))
            .one(self.store.db())
            .await?;
        if member.is_none() {
            return Err(StoreError::invalid("提出单位", "应为本联盟的成员单位，请从列表中选择"));
        }
        self.store
            .unit_in_scope(caller, UnitId(f.raised_by))
            .await
            .map_err(|_| StoreError::invalid("提出单位", "应为本联盟的成员单位，请从列表中选择"))?;
        let state = match f.owner {
            Some(o) => {
                self.department(o).await?;
                IssueState::START
                    .next(IssueAction::Assign)
                    .map_err(|e| StoreError::invalid("问题状态", e.to_string()))?
            }
            None => IssueState::START,
        };
        let row = alliance_issue::ActiveModel {
            alliance_id: Set(alliance_id),
            title: Set(f.title),
            detail: Set(f.detail),
            raised_by_unit_id: Set(f.raised_by),
            raised_on: Set(f.raised_on),
            owner_unit_id: Set(f.owner),
            state: Set(state),
            due_on: Set(f.due_on),
            resolved_on: Set(None),
            answer: Set(String::new()),
            ..Default::default()
        };
        self.store
            .insert_stamped(caller, row, demo, |i| {
                Change::new(
                    "alliance.issue",
                    "alliance_issue",
                    i.id,
                    format!("“{}”问题协商：{}（{}）", a.name, i.title, i.state.label()),
                )
            })
            .await
            .map(|saved| saved.id)
    }

    /// Takes one step on an issue: assigning and reopening are for those who run the
    /// alliance; answering also for the owner department's officers.
    pub async fn act_on_issue(
        self,
        caller: &Caller,
        alliance_id: i64,
        issue_id: i64,
        step: IssueStep,
    ) -> Result<IssueState> {
        let action = step.action();
        let answers = matches!(action, IssueAction::Resolve | IssueAction::Decline);
        let runs = caller.may(Action::RunAlliances);
        if !(runs || (answers && caller.may(Action::AnswerAllianceIssues))) {
            return Err(StoreError::Forbidden);
        }
        let a = self.alliance_in_scope(caller, alliance_id).await?;
        let issue = self
            .store
            .found_where::<alliance_issue::Entity>(issue_id, alliance_issue::Column::AllianceId.eq(alliance_id))
            .await?;
        if !runs {
            // An officer answers for its own department only.
            let own = matches!(caller.scope, Scope::Department(d) if Some(d.0) == issue.owner_unit_id);
            if !own {
                return Err(StoreError::Forbidden);
            }
        }
        let to = issue.state.next(action).map_err(|e| StoreError::invalid("问题状态", e.to_string()))?;
        let raised_on = issue.raised_on;
        let title = issue.title.clone();
        let mut row: alliance_issue::ActiveModel = issue.into();
        let detail = match step {
            IssueStep::Assign { owner, due_on } => {
                let d = self.department(owner).await?;
                if let Some(due) = due_on
                    && due < raised_on
                {
                    return Err(StoreError::invalid("办理时限", format!("不能早于提出日期（{raised_on}）")));
                }
                row.owner_unit_id = Set(Some(owner));
                if due_on.is_some() {
                    row.due_on = Set(due_on);
                }
                format!("交办“{}”", d.name)
            }
            IssueStep::Resolve { answer, on } => {
                let on = on.unwrap_or_else(|| self.store.today());
                if on < raised_on {
                    return Err(StoreError::invalid("办结日期", format!("不能早于提出日期（{raised_on}）")));
                }
                row.resolved_on = Set(Some(on));
                row.answer = Set(answer);
                format!("办结（{on}）")
            }
            IssueStep::Decline { answer } => {
                row.resolved_on = Set(None);
                row.answer = Set(answer);
                "不予受理".to_owned()
            }
            IssueStep::Reopen => {
                row.resolved_on = Set(None);
                "重新办理".to_owned()
            }
        };
        row.state = Set(to);
        let detail = format!("“{}”问题“{title}”：{detail}，现为“{}”", a.name, to.label());
        self.store.update_recorded(caller, row, "alliance.issue_step", ("alliance_issue", issue_id), detail).await?;
        Ok(to)
    }
}
