//! Introductions (牵线) as read: the list, figures and one introduction with its history.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use qunlian_domain::auth::{Action, Caller, ClusterId, Scope, UnitId};
use qunlian_domain::matching::IntroductionState;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use super::*;
use crate::entity::{cluster, introduction, introduction_event, introduction_followup, listing};
use crate::services::local;
use crate::{Result, StoreError};

/// An introduction as lists show it.
#[derive(Clone, Debug, Serialize)]
pub struct Introduction {
    pub id: i64,
    pub need_listing_id: i64,
    pub need_title: String,
    pub need_unit_id: i64,
    pub need_unit: String,
    pub offer_listing_id: i64,
    pub offer_title: String,
    pub offer_unit_id: i64,
    pub offer_unit: String,
    pub cluster_id: Option<i64>,
    pub cluster: Option<String>,
    pub broker: String,
    /// The department helping to broker it (协办部门).
    pub assisting_department_id: Option<i64>,
    pub assisting_department: Option<String>,
    pub state: IntroductionState,
    pub reason: Option<String>,
    pub deal_value_wan: Option<f64>,
    pub match_reasons: String,
    pub note: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub is_demo: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct IntroductionEvent {
    pub at: NaiveDateTime,
    pub actor: String,
    pub from: Option<IntroductionState>,
    pub to: IntroductionState,
    pub detail: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct FollowUp {
    pub on: NaiveDate,
    pub annual_sales_wan: Option<f64>,
    pub delivery_quantity: Option<f64>,
    pub delivery_note: String,
    pub note: String,
    pub recorded_by: String,
    pub recorded_at: NaiveDateTime,
}

#[derive(Clone, Debug, Serialize)]
pub struct IntroductionDetail {
    pub introduction: Introduction,
    pub events: Vec<IntroductionEvent>,
    pub followups: Vec<FollowUp>,
    /// States it may move to next.
    pub next: Vec<IntroductionState>,
}

#[derive(Clone, Debug, Default)]
pub struct IntroductionFilter {
    pub state: Option<IntroductionState>,
    pub cluster: Option<ClusterId>,
    pub unit: Option<UnitId>,
    /// Introductions of this listing, as need or as offer.
    pub listing: Option<i64>,
    /// Introductions made (牵线) on or after this day and before `made_before` (Beijing
    /// dates): a period of the results scorecard.
    pub made_from: Option<NaiveDate>,
    pub made_before: Option<NaiveDate>,
    /// Introductions of a town: either side's enterprise (need or offer) lies in it, so an
    /// introduction between two towns counts in both.
    pub town: Option<qunlian_domain::RegionCode>,
}

/// A cluster's brokering in figures, for its page.
#[derive(Clone, Debug, Default, Serialize)]
pub struct IntroductionFigures {
    pub total: u64,
    /// (state, label, count) in the order of the states.
    pub by_state: Vec<(IntroductionState, u64)>,
    pub won: u64,
    /// Sum of the deal values of 已成交, 万元.
    pub deal_value_wan: f64,
}

impl Matching<'_> {
    /// Introductions the caller may see: those of its units (either side), and for a cluster
    /// secretary also those recorded for its cluster.
    async fn introduction_scope(self, caller: &Caller) -> Result<Condition> {
        self.store.require(caller, Action::ReadListings)?;
        Ok(match &caller.scope {
            Scope::All => Condition::all(),
            _ => {
                let units = self.my_units(caller).await?;
                let mut any = Condition::any()
                    .add(introduction::Column::NeedUnitId.in_subquery(units.clone()))
                    .add(introduction::Column::OfferUnitId.in_subquery(units));
                if let Scope::Cluster(c) = &caller.scope {
                    any = any.add(introduction::Column::ClusterId.eq(c.0));
                }
                any
            }
        })
    }

    async fn to_introductions(self, rows: Vec<introduction::Model>) -> Result<Vec<Introduction>> {
        let listing_ids: Vec<i64> = rows.iter().flat_map(|r| [r.need_listing_id, r.offer_listing_id]).collect();
        let titles: HashMap<i64, String> = self
            .store
            .column_by_id::<listing::Entity, _>(listing::Column::Id, listing::Column::Title, listing_ids)
            .await?;
        // The enterprises and the helping departments (units too), named in one query.
        let unit_ids: Vec<i64> = rows
            .iter()
            .flat_map(|r| [Some(r.need_unit_id), Some(r.offer_unit_id), r.assisting_department_id])
            .flatten()
            .collect();
        let names = self.store.unit_names(unit_ids).await?;
        let cluster_ids: Vec<i64> = rows.iter().filter_map(|r| r.cluster_id).collect();
        let clusters: HashMap<i64, String> = self
            .store
            .column_by_id::<cluster::Entity, _>(cluster::Column::Id, cluster::Column::ShortName, cluster_ids)
            .await?;
        let get = |m: &HashMap<i64, String>, id: i64| m.get(&id).cloned().unwrap_or_default();
        Ok(rows
            .into_iter()
            .map(|r| Introduction {
                id: r.id,
                need_title: get(&titles, r.need_listing_id),
                offer_title: get(&titles, r.offer_listing_id),
                need_unit: get(&names, r.need_unit_id),
                offer_unit: get(&names, r.offer_unit_id),
                cluster: r.cluster_id.and_then(|c| clusters.get(&c).cloned()),
                need_listing_id: r.need_listing_id,
                need_unit_id: r.need_unit_id,
                offer_listing_id: r.offer_listing_id,
                offer_unit_id: r.offer_unit_id,
                cluster_id: r.cluster_id,
                broker: r.broker,
                assisting_department: r.assisting_department_id.and_then(|d| names.get(&d).cloned()),
                assisting_department_id: r.assisting_department_id,
                state: r.state,
                reason: r.reason,
                deal_value_wan: r.deal_value_wan,
                match_reasons: r.match_reasons,
                note: r.note,
                created_at: local(r.created_at),
                updated_at: local(r.updated_at),
                is_demo: r.is_demo,
            })
            .collect())
    }

    fn introduction_condition(self, filter: &IntroductionFilter) -> Condition {
        let mut cond = Condition::all();
        if let Some(s) = filter.state {
            cond = cond.add(introduction::Column::State.eq(s));
        }
        if let Some(c) = filter.cluster {
            cond = cond.add(introduction::Column::ClusterId.eq(c.0));
        }
        if let Some(t) = &filter.town {
            cond = cond.add(
                Condition::any()
                    .add(crate::scope::unit_in_region((introduction::Entity, introduction::Column::NeedUnitId), t))
                    .add(crate::scope::unit_in_region((introduction::Entity, introduction::Column::OfferUnitId), t)),
            );
        }
        if let Some(u) = filter.unit {
            cond = cond.add(
                Condition::any()
                    .add(introduction::Column::NeedUnitId.eq(u.0))
                    .add(introduction::Column::OfferUnitId.eq(u.0)),
            );
        }
        let start = |d: NaiveDate| qunlian_domain::clock::from_beijing(d.and_time(Default::default())).and_utc();
        if let Some(d) = filter.made_from {
            cond = cond.add(introduction::Column::CreatedAt.gte(start(d)));
        }
        if let Some(d) = filter.made_before {
            cond = cond.add(introduction::Column::CreatedAt.lt(start(d)));
        }
        if let Some(l) = filter.listing {
            cond = cond.add(
                Condition::any()
                    .add(introduction::Column::NeedListingId.eq(l))
                    .add(introduction::Column::OfferListingId.eq(l)),
            );
        }
        cond
    }

    /// Introductions the caller may see, the most recently changed first.
    pub async fn introductions(self, caller: &Caller, filter: &IntroductionFilter) -> Result<Vec<Introduction>> {
        let cond =
            Condition::all().add(self.introduction_scope(caller).await?).add(self.introduction_condition(filter));
        let rows = introduction::Entity::find()
            .filter(cond)
            .order_by_desc(introduction::Column::UpdatedAt)
            .order_by_desc(introduction::Column::Id)
            .limit(2000)
            .all(self.store.db())
            .await?;
        self.to_introductions(rows).await
    }

    /// Counts by state and the deal value of what the caller may see, narrowed by `filter`.
    pub async fn introduction_figures(
        self,
        caller: &Caller,
        filter: &IntroductionFilter,
    ) -> Result<IntroductionFigures> {
        let cond =
            Condition::all().add(self.introduction_scope(caller).await?).add(self.introduction_condition(filter));
        let rows: Vec<(IntroductionState, Option<f64>)> = introduction::Entity::find()
            .select_only()
            .column(introduction::Column::State)
            .column(introduction::Column::DealValueWan)
            .filter(cond)
            .into_tuple()
            .all(self.store.db())
            .await?;
        let mut f = IntroductionFigures {
            by_state: IntroductionState::ALL.iter().map(|s| (*s, 0)).collect(),
            ..Default::default()
        };
        for (s, value) in rows {
            f.total += 1;
            if let Some(slot) = f.by_state.iter_mut().find(|(x, _)| *x == s) {
                slot.1 += 1;
            }
            if s == IntroductionState::Won {
                f.won += 1;
                f.deal_value_wan += value.unwrap_or(0.0);
            }
        }
        Ok(f)
    }

    pub(super) async fn introduction_row(self, caller: &Caller, id: i64) -> Result<introduction::Model> {
        let cond = Condition::all().add(self.introduction_scope(caller).await?).add(introduction::Column::Id.eq(id));
        introduction::Entity::find().filter(cond).one(self.store.db()).await?.ok_or(StoreError::NotFound)
    }

    pub async fn introduction(self, caller: &Caller, id: i64) -> Result<IntroductionDetail> {
        let row = self.introduction_row(caller, id).await?;
        let state = row.state;
        let introduction = self.to_introductions(vec![row]).await?.pop().ok_or(StoreError::NotFound)?;
        let events = introduction_event::Entity::find()
            .filter(introduction_event::Column::IntroductionId.eq(id))
            .order_by_asc(introduction_event::Column::At)
            .order_by_asc(introduction_event::Column::Id)
            .all(self.store.db())
            .await?
            .into_iter()
            .map(|e| IntroductionEvent {
                at: local(e.at),
                actor: e.actor,
                from: e.from_state,
                to: e.to_state,
                detail: e.detail,
            })
            .collect();
        let followups = introduction_followup::Entity::find()
            .filter(introduction_followup::Column::IntroductionId.eq(id))
            .order_by_asc(introduction_followup::Column::OnDate)
            .order_by_asc(introduction_followup::Column::Id)
            .all(self.store.db())
            .await?
            .into_iter()
            .map(|f| FollowUp {
                on: f.on_date,
                annual_sales_wan: f.annual_sales_wan,
                delivery_quantity: f.delivery_quantity,
                delivery_note: f.delivery_note,
                note: f.note,
                recorded_by: f.recorded_by,
                recorded_at: local(f.recorded_at),
            })
            .collect();
        Ok(IntroductionDetail { introduction, events, followups, next: state.next().to_vec() })
    }

    /// Open introductions between these listings, by (need, offer), for lists that say
    /// whether a pair was already introduced.
    pub(super) async fn introductions_of_pairs(
        self,
        needs: &[i64],
    ) -> Result<HashMap<(i64, i64), (i64, IntroductionState)>> {
        let rows: Vec<(i64, i64, i64, IntroductionState)> = introduction::Entity::find()
            .select_only()
            .column(introduction::Column::Id)
            .column(introduction::Column::NeedListingId)
            .column(introduction::Column::OfferListingId)
            .column(introduction::Column::State)
            .filter(introduction::Column::NeedListingId.is_in(needs.to_vec()))
            .order_by_asc(introduction::Column::Id)
            .into_tuple()
            .all(self.store.db())
            .await?;
        Ok(rows.into_iter().map(|(id, n, o, s)| ((n, o), (id, s))).collect())
    }
}
