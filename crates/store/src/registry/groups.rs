//! Corporate groups (企业集团): a unit's head enterprise, named by its USCC. The platform
//! records it so that the conflicts of interest of integration projects find a reviewer
//! and an applicant of the same group (docs/projects.md).

use qunlian_domain::Uscc;
use qunlian_domain::auth::{Action, Caller, UnitId};
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter};

use super::*;
use crate::audit::Change;
use crate::entity::unit;
use crate::{Result, StoreError};

impl Registry<'_> {
    /// Records (or with `None` clears) the head enterprise of a unit in the caller's scope,
    /// by the head's USCC; audited. A unit is not its own head, and a head has no head (a
    /// group is one level deep, as the reports name groups).
    pub async fn set_group_head(self, caller: &Caller, id: UnitId, head: Option<&Uscc>) -> Result<()> {
        self.store.require(caller, Action::WriteRegistry)?;
        let current = self.store.unit_in_scope(caller, id).await?;
        let head_row = match head {
            None => None,
            Some(uscc) => Some(
                unit::Entity::find()
                    .filter(unit::Column::Uscc.eq(uscc.as_str()))
                    .one(self.store.db())
                    .await?
                    .ok_or_else(|| StoreError::invalid("集团总部", format!("统一社会信用代码 {uscc} 未登记")))?,
            ),
        };
        if let Some(h) = &head_row {
            if h.id == current.id {
                return Err(StoreError::invalid("集团总部", "企业不能是自己的集团总部"));
            }
            if h.group_unit_id.is_some() {
                return Err(StoreError::invalid(
                    "集团总部",
                    format!("“{}”本身属于另一集团，请填写最上层的总部", h.name),
                ));
            }
        }
        let head_id = head_row.as_ref().map(|h| h.id);
        let row = unit::ActiveModel { id: Set(current.id), group_unit_id: Set(head_id), ..Default::default() };
        let line = format!(
            "{}：集团总部 {}",
            current.name,
            head_row.map(|h| format!("{}（{}）", h.name, h.uscc.unwrap_or_default())).unwrap_or("—".into())
        );
        // Not `update_recorded`: a group link leaves the unit's own `updated_at` as it was.
        self.store
            .recorded(caller, async |txn| Ok(row.update(txn).await?), |_| Change::new("unit.group", "unit", id, line))
            .await?;
        Ok(())
    }
}
