//! Talent selections (领军人才, 拔尖人才, 双创英才): Songjiang asks the local Party
//! organisations' opinion in each. A candidate is entered with its enterprise; the town asks
//! organisations for their opinion, records each answer, and decides — refused while an
//! organisation asked has not answered ([`SelectionState::decide`]).
//!
//! Who: the town and district admins of the enterprise's town; others see the selections of
//! the enterprises in their scope.

use chrono::NaiveDate;
use qunlian_domain::auth::{Action, Caller};
use qunlian_domain::bodies::{SelectionFields, SelectionState, TalentKind};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::Bodies;
use crate::audit::Change;
use crate::entity::{party_org, talent_selection, talent_selection_opinion};
use crate::{Result, StoreError};

#[derive(Clone, Debug, Serialize)]
pub struct Selection {
    pub id: i64,
    pub kind: TalentKind,
    pub year: i32,
    pub candidate: String,
    pub enterprise: String,
    pub town: String,
    pub state: SelectionState,
    pub decision_note: String,
    pub decided_on: Option<NaiveDate>,
    pub opinions: Vec<Opinion>,
    pub is_demo: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Opinion {
    pub id: i64,
    pub org: String,
    pub asked_on: NaiveDate,
    pub opinion: String,
    pub answered_on: Option<NaiveDate>,
}

impl Bodies<'_> {
    async fn selection_scope(self, caller: &Caller) -> Result<Condition> {
        self.town_or_unit_scope(
            caller,
            talent_selection::Column::TownCode,
            Some(talent_selection::Column::EnterpriseUnitId),
        )
        .await
    }

    /// The selections the caller sees, latest first, with the opinions asked.
    pub async fn selections(self, caller: &Caller) -> Result<Vec<Selection>> {
        let rows = talent_selection::Entity::find()
            .filter(self.selection_scope(caller).await?)
            .order_by_desc(talent_selection::Column::Year)
            .order_by_desc(talent_selection::Column::Id)
            .all(self.store.db())
            .await?;
        let ids: Vec<i64> = rows.iter().map(|s| s.id).collect();
        let opinions = talent_selection_opinion::Entity::find()
            .filter(talent_selection_opinion::Column::SelectionId.is_in(ids))
            .order_by_asc(talent_selection_opinion::Column::Id)
            .all(self.store.db())
            .await?;
        let org_ids: Vec<i64> = opinions.iter().map(|o| o.party_org_id).collect();
        let orgs: std::collections::HashMap<i64, String> = party_org::Entity::find()
            .filter(party_org::Column::Id.is_in(org_ids))
            .all(self.store.db())
            .await?
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect();
        let firms = self.store.unit_names(rows.iter().map(|s| s.enterprise_unit_id).collect()).await?;
        Ok(rows
            .into_iter()
            .map(|s| Selection {
                opinions: opinions
                    .iter()
                    .filter(|o| o.selection_id == s.id)
                    .map(|o| Opinion {
                        id: o.id,
                        org: orgs.get(&o.party_org_id).cloned().unwrap_or_default(),
                        asked_on: o.asked_on,
                        opinion: o.opinion.clone(),
                        answered_on: o.answered_on,
                    })
                    .collect(),
                enterprise: firms.get(&s.enterprise_unit_id).cloned().unwrap_or_default(),
                town: crate::shared::town_name(&s.town_code),
                id: s.id,
                kind: s.kind,
                year: s.year,
                candidate: s.candidate,
                state: s.state,
                decision_note: s.decision_note,
                decided_on: s.decided_on,
                is_demo: s.is_demo,
            })
            .collect())
    }

    /// One selection the caller sees.
    pub async fn selection(self, caller: &Caller, id: i64) -> Result<Selection> {
        self.selections(caller).await?.into_iter().find(|s| s.id == id).ok_or(StoreError::NotFound)
    }

    async fn selection_to_run(self, caller: &Caller, id: i64) -> Result<talent_selection::Model> {
        self.store.require(caller, Action::RunTalent)?;
        let s = self.store.found_where::<talent_selection::Entity>(id, self.selection_scope(caller).await?).await?;
        Self::keeps(caller, &s.town_code)?;
        Ok(s)
    }

    /// Enters a candidate from an enterprise of the caller's area.
    pub async fn open_selection(self, caller: &Caller, f: SelectionFields, demo: bool) -> Result<i64> {
        self.store.require(caller, Action::RunTalent)?;
        let e = self.enterprise_in_scope(caller, f.enterprise_id, "所在企业", true).await?;
        let row = talent_selection::ActiveModel {
            town_code: Set(e.town_code.clone()),
            kind: Set(f.kind),
            year: Set(f.year),
            candidate: Set(f.candidate),
            enterprise_unit_id: Set(e.id),
            state: Set(SelectionState::Consulting),
            decision_note: Set(String::new()),
            decided_on: Set(None),
            ..Default::default()
        };
        self.store
            .insert_stamped(caller, row, demo, |s| {
                Change::new(
                    "talent_selection.open",
                    "talent_selection",
                    s.id,
                    format!("{}年{}候选人“{}”（{}）", s.year, s.kind.label(), s.candidate, e.name),
                )
            })
            .await
            .map(|saved| saved.id)
    }

    /// Asks a Party organisation (of the caller's scope) for its opinion, while consulting.
    pub async fn ask_opinion(
        self,
        caller: &Caller,
        selection_id: i64,
        org_id: i64,
        asked_on: NaiveDate,
    ) -> Result<i64> {
        let s = self.selection_to_run(caller, selection_id).await?;
        if s.state != SelectionState::Consulting {
            return Err(StoreError::invalid("征求意见", format!("评选状态为“{}”，不能再征求意见", s.state.label())));
        }
        let org = self
            .store
            .row_where::<party_org::Entity>(org_id, self.store.org_scope(caller).await?)
            .await?
            .ok_or_else(|| StoreError::invalid("征求意见的党组织", "不在您的管辖范围内，请从列表中选择"))?;
        let asked = talent_selection_opinion::Entity::find()
            .filter(talent_selection_opinion::Column::SelectionId.eq(s.id))
            .filter(talent_selection_opinion::Column::PartyOrgId.eq(org.id))
            .one(self.store.db())
            .await?;
        if asked.is_some() {
            return Err(StoreError::invalid("征求意见的党组织", format!("已征求“{}”的意见", org.name)));
        }
        let row = talent_selection_opinion::ActiveModel {
            selection_id: Set(s.id),
            party_org_id: Set(org.id),
            asked_on: Set(asked_on),
            opinion: Set(String::new()),
            answered_on: Set(None),
            ..Default::default()
        };
        self.store
            .insert_stamped(caller, row, s.is_demo, |o| {
                Change::new(
                    "talent_selection.ask",
                    "talent_selection",
                    o.selection_id,
                    format!("“{}”评选征求“{}”意见", s.candidate, org.name),
                )
            })
            .await
            .map(|saved| saved.id)
    }

    /// Records an organisation's answer, while the selection is consulting.
    pub async fn record_opinion(
        self,
        caller: &Caller,
        selection_id: i64,
        opinion_id: i64,
        opinion: String,
        answered_on: NaiveDate,
    ) -> Result<()> {
        let s = self.selection_to_run(caller, selection_id).await?;
        if s.state != SelectionState::Consulting {
            return Err(StoreError::invalid("党组织意见", format!("评选状态为“{}”，不能再记录意见", s.state.label())));
        }
        let o = self
            .store
            .found_where::<talent_selection_opinion::Entity>(
                opinion_id,
                talent_selection_opinion::Column::SelectionId.eq(s.id),
            )
            .await?;
        if answered_on < o.asked_on {
            return Err(StoreError::invalid("回复日期", format!("不能早于征求日期（{}）", o.asked_on)));
        }
        let mut row: talent_selection_opinion::ActiveModel = o.into();
        row.opinion = Set(opinion.clone());
        row.answered_on = Set(Some(answered_on));
        let detail = format!("“{}”评选收到党组织意见：{opinion}", s.candidate);
        self.store.update_recorded(caller, row, "talent_selection.opinion", ("talent_selection", s.id), detail).await?;
        Ok(())
    }

    /// Decides the selection: refused while an organisation asked has not answered.
    pub async fn decide_selection(
        self,
        caller: &Caller,
        selection_id: i64,
        selected: bool,
        note: String,
    ) -> Result<SelectionState> {
        let row = self.selection_to_run(caller, selection_id).await?;
        let shown = self.selection(caller, selection_id).await?;
        let missing: Vec<String> =
            shown.opinions.iter().filter(|o| o.answered_on.is_none()).map(|o| o.org.clone()).collect();
        let to = row
            .state
            .decide(selected, shown.opinions.len(), &missing)
            .map_err(|e| StoreError::invalid("评选决定", e.to_string()))?;
        let today = self.store.today();
        let mut active: talent_selection::ActiveModel = row.into();
        active.state = Set(to);
        active.decision_note = Set(note);
        active.decided_on = Set(Some(today));
        let detail = format!("“{}”{}年{}评选：{}", shown.candidate, shown.year, shown.kind.label(), to.label());
        self.store
            .update_recorded(caller, active, "talent_selection.decide", ("talent_selection", selection_id), detail)
            .await?;
        Ok(to)
    }
}
