//! The matching-meeting list (要素对接会) of a cluster.

use std::collections::HashMap;

use chrono::NaiveDate;
use qunlian_domain::auth::{Action, Caller, ClusterId};
use qunlian_domain::matching::{IntroductionState, ListingDoc, ListingKind, ListingStatus, Reasons, SearchIndex};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use super::*;
use crate::entity::{cluster, listing};
use crate::{Result, StoreError};

/// One pair of the meeting list.
#[derive(Clone, Debug, Serialize)]
pub struct MeetingPair {
    pub need: Listing,
    pub offer: Listing,
    pub score: f64,
    pub reasons: Reasons,
    pub sentence: String,
    /// An introduction already recorded for the pair: its id and state.
    pub introduction: Option<(i64, IntroductionState)>,
}

#[derive(Clone, Debug, Serialize)]
pub struct MeetingList {
    pub cluster_id: i64,
    pub cluster: String,
    pub date: NaiveDate,
    /// Open needs of the members on that date.
    pub needs: usize,
    pub pairs: Vec<MeetingPair>,
}

impl Matching<'_> {
    /// The batch list of a matching meeting: for each open need of the cluster's members on
    /// `date`, its best `per_need` counterparts reachable from it (by the offers' reach),
    /// then every pair ranked — emergency needs first, then by score. Needs and offers alike
    /// are only those the caller may see.
    pub async fn meeting_list(
        self,
        caller: &Caller,
        index: &dyn SearchIndex,
        cluster_id: ClusterId,
        date: NaiveDate,
        per_need: usize,
    ) -> Result<MeetingList> {
        self.store.require(caller, Action::ReadListings)?;
        let cond =
            Condition::all().add(self.store.cluster_scope(caller).await?).add(cluster::Column::Id.eq(cluster_id.0));
        let c = cluster::Entity::find().filter(cond).one(self.store.db()).await?.ok_or(StoreError::NotFound)?;
        let viewer = self.visibility(caller).await?;
        let needs = listing::Entity::find()
            .filter(visibility_condition(&viewer))
            .filter(listing::Column::UnitId.in_subquery(crate::scope::cluster_units(c.id)))
            .filter(listing::Column::Kind.eq(ListingKind::Need.code()))
            .filter(listing::Column::Status.eq(ListingStatus::Open))
            .filter(listing::Column::ValidUntil.gte(date))
            .order_by_asc(listing::Column::Id)
            .limit(2000)
            .all(self.store.db())
            .await?;
        let need_ids: Vec<i64> = needs.iter().map(|n| n.id).collect();
        let docs = self.docs_on(needs, date).await?;
        let need_rows: HashMap<i64, Listing> = self
            .to_listings(
                listing::Entity::find()
                    .filter(listing::Column::Id.is_in(need_ids.clone()))
                    .all(self.store.db())
                    .await?,
            )
            .await?
            .into_iter()
            .map(|l| (l.id, l))
            .collect();
        let introduced = self.introductions_of_pairs(&need_ids).await?;
        let mut pairs = Vec::new();
        for doc in &docs {
            let Some(need) = need_rows.get(&doc.id) else { continue };
            for m in self.ranked(index, doc, &viewer, date, per_need).await? {
                pairs.push(MeetingPair {
                    introduction: introduced.get(&(need.id, m.listing.id)).copied(),
                    need: need.clone(),
                    offer: m.listing,
                    score: m.score,
                    reasons: m.reasons,
                    sentence: m.sentence,
                });
            }
        }
        pairs.sort_by(|a, b| {
            b.need
                .is_emergency_need()
                .cmp(&a.need.is_emergency_need())
                .then(b.score.total_cmp(&a.score))
                .then(a.need.id.cmp(&b.need.id))
                .then(a.offer.id.cmp(&b.offer.id))
        });
        Ok(MeetingList { cluster_id: c.id, cluster: c.name, date, needs: docs.len(), pairs })
    }

    /// Docs of listings as on `date` (the meeting's day), whatever today is.
    async fn docs_on(self, rows: Vec<listing::Model>, date: NaiveDate) -> Result<Vec<ListingDoc>> {
        let today = self.store.today();
        let rows = rows
            .into_iter()
            .map(|mut r| {
                // docs() drops what is expired today; the meeting decides by its own date.
                r.valid_until = r.valid_until.max(today);
                r
            })
            .collect();
        let mut docs: Vec<ListingDoc> = self.docs(rows).await?.into_iter().filter_map(|(_, d)| d).collect();
        for d in &mut docs {
            d.valid_until = d.valid_until.max(date);
        }
        Ok(docs)
    }
}
