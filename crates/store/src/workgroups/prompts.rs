//! The end prompts (到期提醒): a temporary branch whose planned end is within
//! [`DUE_DAYS`](qunlian_domain::workgroups::DUE_DAYS) or past, not ended, is shown to those
//! who keep it on the work group's page, on the parent organisation's page and on their home
//! page, with the two answers 撤销 and 延期. A prompt, not a check: nothing is counted
//! against anyone, and no answer is required by a day.

use chrono::NaiveDate;
use qunlian_domain::auth::{Action, Caller};
use qunlian_domain::workgroups::WorkgroupState;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use super::Workgroups;
use crate::Result;
use crate::entity::workgroup;

/// One prompt: which work group, its branch, the planned end.
#[derive(Clone, Debug, Serialize)]
pub struct EndPrompt {
    pub workgroup_id: i64,
    pub workgroup: String,
    pub branch_org_id: i64,
    pub branch_name: String,
    pub planned_end_on: NaiveDate,
    /// The planned end is already past.
    pub overdue: bool,
}

impl EndPrompt {
    /// “临时党支部计划于…结束，请确认撤销或延期”.
    pub fn message(&self) -> String {
        let when = if self.overdue { "原计划于" } else { "计划于" };
        format!("{}{when}{}结束，请确认撤销或延期", self.branch_name, self.planned_end_on.format("%Y年%-m月%-d日"))
    }
}

/// At most this many prompts on one page.
const PROMPTS: u64 = 50;

impl Workgroups<'_> {
    /// The prompts for the caller (only for those who keep work groups): every due branch
    /// of its scope, or those standing under `parent_org`, the earliest planned end first.
    pub async fn prompts(self, caller: &Caller, parent_org: Option<i64>) -> Result<Vec<EndPrompt>> {
        if !caller.may(Action::RestructureRegistry) {
            return Ok(Vec::new());
        }
        let mut cond = self.scope(caller).await?.add(Self::state_condition(WorkgroupState::Due, self.store.today()));
        if let Some(o) = parent_org {
            cond = cond.add(workgroup::Column::ParentOrgId.eq(o));
        }
        let rows = workgroup::Entity::find()
            .filter(cond)
            .order_by_asc(workgroup::Column::PlannedEndOn)
            .order_by_asc(workgroup::Column::Id)
            .limit(PROMPTS)
            .all(self.store.db())
            .await?;
        Ok(self
            .lines(rows)
            .await?
            .into_iter()
            .map(|l| EndPrompt {
                workgroup_id: l.id,
                workgroup: l.name,
                branch_org_id: l.branch_org_id,
                branch_name: l.branch_name,
                planned_end_on: l.planned_end_on,
                overdue: l.overdue,
            })
            .collect())
    }

    /// The prompt of one work group, when it is due and the caller keeps it.
    pub async fn prompt_of(self, caller: &Caller, id: i64) -> Result<Option<EndPrompt>> {
        let r = self.row(caller, id).await?;
        Ok(self.prompts(caller, Some(r.parent_org_id)).await?.into_iter().find(|p| p.workgroup_id == id))
    }
}
