//! Pairings between units: lists, edits and endings.

use chrono::NaiveDate;
use qunlian_domain::auth::{Action, Caller, UnitId};
use qunlian_domain::registry::PairingKind;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::*;
use crate::audit::Change;
use crate::entity::{pairing, unit};
use crate::{Result, StoreError};

#[derive(Clone, Debug, Serialize)]
pub struct Pairing {
    pub id: i64,
    pub kind: &'static str,
    pub a: (i64, String),
    pub b: String,
    pub b_unit_id: Option<i64>,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    pub content: String,
    pub is_demo: bool,
}

impl Registry<'_> {
    /// Pairings whose registered side(s) the caller can see.
    pub async fn list_pairings(self, caller: &Caller) -> Result<Vec<Pairing>> {
        self.store.require(caller, Action::ReadRegistry)?;
        let scope = self.store.unit_scope(caller).await?;
        let visible = Query::select().column(unit::Column::Id).from(unit::Entity).cond_where(scope).to_owned();
        let rows = pairing::Entity::find()
            .filter(
                Condition::any()
                    .add(pairing::Column::AUnitId.in_subquery(visible.clone()))
                    .add(pairing::Column::BUnitId.in_subquery(visible)),
            )
            .order_by_asc(pairing::Column::Id)
            .all(self.store.db())
            .await?;
        let mut out = Vec::new();
        for p in rows {
            out.push(self.to_pairing(p).await?);
        }
        Ok(out)
    }

    async fn to_pairing(self, p: pairing::Model) -> Result<Pairing> {
        let a_name =
            unit::Entity::find_by_id(p.a_unit_id).one(self.store.db()).await?.map(|u| u.name).unwrap_or_default();
        let b = match p.b_unit_id {
            Some(b) => unit::Entity::find_by_id(b).one(self.store.db()).await?.map(|u| u.name).unwrap_or_default(),
            None => p.b_name.clone().unwrap_or_default(),
        };
        Ok(Pairing {
            id: p.id,
            kind: p.kind.label(),
            a: (p.a_unit_id, a_name),
            b,
            b_unit_id: p.b_unit_id,
            started_on: p.started_on,
            ended_on: p.ended_on,
            content: p.content,
            is_demo: p.is_demo,
        })
    }

    /// A pairing is the caller's when either registered side is.
    async fn pairing_in_scope(self, caller: &Caller, id: i64) -> Result<pairing::Model> {
        self.store.require(caller, Action::ReadRegistry)?;
        let scope = self.store.unit_scope(caller).await?;
        let visible = Query::select().column(unit::Column::Id).from(unit::Entity).cond_where(scope).to_owned();
        pairing::Entity::find_by_id(id)
            .filter(
                Condition::any()
                    .add(pairing::Column::AUnitId.in_subquery(visible.clone()))
                    .add(pairing::Column::BUnitId.in_subquery(visible)),
            )
            .one(self.store.db())
            .await?
            .ok_or(StoreError::NotFound)
    }

    pub async fn pairing(self, caller: &Caller, id: i64) -> Result<Pairing> {
        let p = self.pairing_in_scope(caller, id).await?;
        self.to_pairing(p).await
    }

    /// Changes what a pairing does and when; either side may.
    pub async fn update_pairing(
        self,
        caller: &Caller,
        id: i64,
        content: &str,
        started_on: Option<NaiveDate>,
        ended_on: Option<NaiveDate>,
    ) -> Result<()> {
        self.store.require(caller, Action::WriteRegistry)?;
        let current = self.pairing_in_scope(caller, id).await?;
        if let (Some(s), Some(e)) = (started_on, ended_on)
            && e < s
        {
            return Err(StoreError::invalid("结束日期", "不能早于开始日期"));
        }
        let label = current.kind.label();
        let mut a: pairing::ActiveModel = current.into();
        a.content = Set(content.trim().to_owned());
        a.started_on = Set(started_on);
        a.ended_on = Set(ended_on);
        let dates = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_else(|| "—".into());
        let line = format!("修改{label}：{} 至 {}", dates(started_on), dates(ended_on));
        self.store.update_recorded(caller, a, "pairing.update", ("pairing", id), line).await?;
        Ok(())
    }

    /// Ends a pairing on a date; the record stays, with both dates.
    pub async fn end_pairing(self, caller: &Caller, id: i64, on: NaiveDate) -> Result<()> {
        self.store.require(caller, Action::WriteRegistry)?;
        let current = self.pairing_in_scope(caller, id).await?;
        if let Some(ended) = current.ended_on {
            return Err(StoreError::invalid("结束日期", format!("该结对已于{}结束", ended.format("%Y-%m-%d"))));
        }
        if current.started_on.is_some_and(|s| on < s) {
            return Err(StoreError::invalid("结束日期", "不能早于开始日期"));
        }
        let label = current.kind.label();
        let mut a: pairing::ActiveModel = current.into();
        a.ended_on = Set(Some(on));
        let line = format!("{label}于{}结束", on.format("%Y-%m-%d"));
        self.store.update_recorded(caller, a, "pairing.end", ("pairing", id), line).await?;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn create_pairing(
        self,
        caller: &Caller,
        kind: PairingKind,
        a: UnitId,
        b: Option<UnitId>,
        b_name: Option<&str>,
        started_on: Option<NaiveDate>,
        content: &str,
        demo: bool,
    ) -> Result<i64> {
        self.store.require(caller, Action::WriteRegistry)?;
        self.store.unit_in_scope(caller, a).await?;
        if b.is_none() && b_name.map(str::trim).unwrap_or("").is_empty() {
            return Err(StoreError::invalid("结对对象", "请选择单位或填写名称"));
        }
        let row = pairing::ActiveModel {
            kind: Set(kind),
            a_unit_id: Set(a.0),
            b_unit_id: Set(b.map(|b| b.0)),
            b_name: Set(b_name.map(|s| s.trim().to_owned())),
            started_on: Set(started_on),
            ended_on: Set(None),
            content: Set(content.to_owned()),
            is_demo: Set(demo),
            ..Default::default()
        };
        let p = self
            .store
            .insert_recorded(caller, row, |p| {
                Change::new("pairing.create", "pairing", p.id, format!("新增{}", kind.label()))
            })
            .await?;
        Ok(p.id)
    }
}
