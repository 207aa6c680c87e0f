//! The change log the search index follows, rebuilds, matches and free-text search.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use chrono::NaiveDate;
use qunlian_domain::auth::Caller;
use qunlian_domain::industry::IndustryCode;
use qunlian_domain::matching::{
    IndexChange, ListingDoc, ListingKind, ListingStatus, Match, Place, Reasons, SearchIndex, Visibility, rank,
    semantic_matches,
};
use sea_orm::{ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use super::*;
use crate::entity::{listing, listing_change, unit};
use crate::services::local;
use crate::{Result, StoreError};

/// Candidates the index is asked for per match, before ranking keeps the best.
const POOL: usize = 100;

/// One sync at a time per process: two syncs racing could record a lower `applied_up_to`
/// after a higher one.
static SYNC: LazyLock<tokio::sync::Mutex<()>> = LazyLock::new(|| tokio::sync::Mutex::new(()));

pub(super) fn search_error(e: qunlian_domain::matching::SearchError) -> StoreError {
    StoreError::invalid("搜索索引", e.0)
}

/// A counterpart of a listing, with why it was recommended.
#[derive(Clone, Debug, Serialize)]
pub struct ListingMatch {
    pub listing: Listing,
    pub score: f64,
    pub reasons: Reasons,
    /// The reasons in one sentence, as the page shows them.
    pub sentence: String,
}

/// A free-text search result.
#[derive(Clone, Debug, Serialize)]
pub struct SearchHit {
    pub listing: Listing,
    pub matched_terms: Vec<String>,
}

impl Matching<'_> {
    pub(super) async fn docs(self, rows: Vec<listing::Model>) -> Result<Vec<(i64, Option<ListingDoc>)>> {
        let units: Vec<i64> = rows.iter().map(|r| r.unit_id).collect::<HashSet<_>>().into_iter().collect();
        let places = self.places(self.store.db(), &units).await?;
        let industries: HashMap<i64, Option<String>> =
            self.store.column_by_id::<unit::Entity, _>(unit::Column::Id, unit::Column::IndustryCode, units).await?;
        let today = self.store.today();
        Ok(rows
            .into_iter()
            .map(|r| {
                if r.status != ListingStatus::Open || r.valid_until < today {
                    return (r.id, None);
                }
                let industry = r
                    .industry_code
                    .clone()
                    .or_else(|| industries.get(&r.unit_id).cloned().flatten())
                    .and_then(|c| IndustryCode::parse(&c).ok());
                let owner = places.get(&r.unit_id).cloned().unwrap_or(Place {
                    unit_id: r.unit_id,
                    town: None,
                    clusters: Vec::new(),
                });
                let doc = ListingDoc {
                    id: r.id,
                    kind: r.kind,
                    category: r.category,
                    title: r.title,
                    description: r.description,
                    industry,
                    urgency: r.urgency,
                    reach: r.reach,
                    owner,
                    published_on: local(r.created_at).date(),
                    valid_until: r.valid_until,
                };
                (doc.id, Some(doc))
            })
            .collect())
    }

    /// The next batch of open, unexpired listings after id `after`, by id: what a rebuild
    /// indexes and a start holds the vectors of.
    pub(super) async fn open_rows_after(self, after: i64) -> Result<Vec<listing::Model>> {
        Ok(listing::Entity::find()
            .filter(listing::Column::Id.gt(after))
            .filter(listing::Column::Status.eq(ListingStatus::Open))
            .filter(listing::Column::ValidUntil.gte(self.store.today()))
            .order_by_asc(listing::Column::Id)
            .limit(BATCH)
            .all(self.store.db())
            .await?)
    }

    /// The last change recorded (0 when none).
    pub async fn listing_changes_max(self) -> Result<i64> {
        let max: Option<Option<i64>> = listing_change::Entity::find()
            .select_only()
            .column_as(listing_change::Column::Seq.max(), "m")
            .into_tuple()
            .one(self.store.db())
            .await?;
        Ok(max.flatten().unwrap_or(0))
    }

    /// Applies every change recorded after the index's `applied_up_to`: an open, unexpired
    /// listing is (re)indexed with its owner's place now, anything else removed. Returns the
    /// number of listings touched.
    pub async fn sync_index(self, index: &dyn SearchIndex) -> Result<usize> {
        let _one = SYNC.lock().await;
        let mut from = index.applied_up_to().map_err(search_error)?;
        let mut touched = 0;
        loop {
            let changes: Vec<(i64, i64)> = listing_change::Entity::find()
                .select_only()
                .column(listing_change::Column::Seq)
                .column(listing_change::Column::ListingId)
                .filter(listing_change::Column::Seq.gt(from))
                .order_by_asc(listing_change::Column::Seq)
                .limit(BATCH)
                .into_tuple()
                .all(self.store.db())
                .await?;
            let Some(&(up_to, _)) = changes.last() else { break };
            let ids: Vec<i64> = changes.iter().map(|c| c.1).collect::<HashSet<_>>().into_iter().collect();
            let rows =
                listing::Entity::find().filter(listing::Column::Id.is_in(ids.clone())).all(self.store.db()).await?;
            let found: HashSet<i64> = rows.iter().map(|r| r.id).collect();
            let docs = self.docs(rows).await?;
            let mut vectors =
                self.vectors_for(&docs.iter().filter_map(|(_, d)| d.as_ref()).collect::<Vec<_>>()).await?;
            let mut apply: Vec<IndexChange> = docs
                .into_iter()
                .map(|(id, doc)| match doc {
                    Some(d) => IndexChange::Upsert(d, vectors.remove(&id)),
                    None => IndexChange::Remove(id),
                })
                .collect();
            apply.extend(ids.iter().filter(|id| !found.contains(id)).map(|id| IndexChange::Remove(*id)));
            touched += ids.len();
            index.apply(apply, up_to).map_err(search_error)?;
            from = up_to;
        }
        Ok(touched)
    }

    /// Rebuilds the index from the database: empties it, adds every open, unexpired listing
    /// in batches, and records the last change seen before reading. Returns how many
    /// listings it holds.
    pub async fn reindex(self, index: &dyn SearchIndex) -> Result<u64> {
        let _one = SYNC.lock().await;
        // Read first: a change made while the rebuild reads is applied again by the next
        // sync, which is harmless; one recorded as applied but never read would be lost.
        let up_to = self.listing_changes_max().await?;
        index.clear().map_err(search_error)?;
        let count = self.add_open_listings(index, true).await?;
        index.apply(Vec::new(), up_to).map_err(search_error)?;
        Ok(count)
    }

    /// Every open, unexpired listing in batches, with its stored vector (only a missing or
    /// stale one is embedded): indexed with its text (`text`, a rebuild), or only its vector
    /// held (an index opened from disk keeps its text, not its vectors, which live in
    /// memory). Returns how many listings were indexed, or vectors held.
    pub(super) async fn add_open_listings(self, index: &dyn SearchIndex, text: bool) -> Result<u64> {
        let mut after = 0i64;
        let mut count = 0u64;
        loop {
            let rows = self.open_rows_after(after).await?;
            let Some(last) = rows.last().map(|r| r.id) else { break };
            after = last;
            let docs: Vec<ListingDoc> = self.docs(rows).await?.into_iter().filter_map(|(_, d)| d).collect();
            let mut vectors = self.vectors_for(&docs.iter().collect::<Vec<_>>()).await?;
            if text {
                let docs: Vec<IndexChange> = docs
                    .into_iter()
                    .map(|d| (vectors.remove(&d.id), d))
                    .map(|(v, d)| IndexChange::Upsert(d, v))
                    .collect();
                count += docs.len() as u64;
                // Intermediate batches record 0: a rebuild cut short is replayed from the start.
                index.apply(docs, 0).map_err(search_error)?;
            } else {
                let held: Vec<_> = docs.into_iter().filter_map(|d| vectors.remove(&d.id).map(|v| (d, v))).collect();
                count += held.len() as u64;
                index.hold_vectors(held).map_err(search_error)?;
            }
        }
        Ok(count)
    }

    /// At start: rebuilds the index when it is empty while listings exist, or when it has
    /// applied changes this database never recorded (another or a reset database); else,
    /// with the semantic stage on, holds the stored vectors again (they live in memory);
    /// then catches up. Returns whether it rebuilt.
    pub async fn prepare_index(self, index: &dyn SearchIndex) -> Result<bool> {
        let max = self.listing_changes_max().await?;
        let applied = index.applied_up_to().map_err(search_error)?;
        let empty = index.is_empty().map_err(search_error)?;
        let any_open = listing::Entity::find()
            .filter(listing::Column::Status.eq(ListingStatus::Open))
            .count(self.store.db())
            .await?
            > 0;
        let rebuild = applied > max || (empty && any_open && applied < max);
        if rebuild {
            self.reindex(index).await?;
        } else if self.store.embedder().is_some() && index.vectors_len().map_err(search_error)? == 0 {
            let _one = SYNC.lock().await;
            self.add_open_listings(index, false).await?;
        }
        self.sync_index(index).await?;
        Ok(rebuild)
    }

    /// Counterparts of a listing, best first, with their reasons: what the owner could be
    /// offered (the index is asked with the owner's own view) and the caller may see (issue
    /// #11: a town admin was shown other towns' cluster-only listings through a match).
    pub async fn matches(
        self,
        caller: &Caller,
        index: &dyn SearchIndex,
        id: i64,
        top: usize,
    ) -> Result<Vec<ListingMatch>> {
        let row = self.visible_row(caller, id).await?;
        let viewer = self.visibility(caller).await?;
        let today = self.store.today();
        let subject = {
            let mut row = row.clone();
            // A closed or expired subject still gets its matches shown.
            row.status = ListingStatus::Open;
            row.valid_until = row.valid_until.max(today);
            self.docs(vec![row]).await?.pop().and_then(|(_, d)| d).ok_or(StoreError::NotFound)?
        };
        self.ranked(index, &subject, &viewer, today, top).await
    }

    /// The best counterparts of `subject` that its owner can reach and `viewer` (the caller's
    /// visibility) admits: both by the index's audience keys before ranking, so the top is
    /// filled from what may be shown, and again in SQL against the listings as they are now.
    pub(super) async fn ranked(
        self,
        index: &dyn SearchIndex,
        subject: &ListingDoc,
        viewer: &Visibility,
        today: NaiveDate,
        top: usize,
    ) -> Result<Vec<ListingMatch>> {
        let reach = Visibility::Keys(subject.owner.viewer_keys());
        let pool = POOL.max(top * 3);
        let admit = |d: &ListingDoc| viewer.admits(&d.audience());
        let ranked = match self.vectors_for(&[subject]).await?.remove(&subject.id) {
            // 语义 on: the nearest by meaning, asked with the same reach and kept only where
            // the caller may see them, joined to the lexical pool in one ranking.
            Some(vector) => {
                let lexical = || index.candidates(subject, &reach, today, pool);
                semantic_matches(index, subject, &vector, lexical, &reach, admit, today, top).map_err(search_error)?
            }
            None => {
                let mut candidates = index.candidates(subject, &reach, today, pool).map_err(search_error)?;
                candidates.retain(|c| admit(&c.doc));
                rank(subject, candidates, today, top)
            }
        };
        let ids: Vec<i64> = ranked.iter().map(|m| m.listing_id).collect();
        let rows = listing::Entity::find()
            .filter(Condition::all().add(visibility_condition(viewer)).add(listing::Column::Id.is_in(ids)))
            .filter(listing::Column::Status.eq(ListingStatus::Open))
            .all(self.store.db())
            .await?;
        let mut by_id: HashMap<i64, Listing> = self.to_listings(rows).await?.into_iter().map(|l| (l.id, l)).collect();
        let shown: Vec<(Match, Listing)> =
            ranked.into_iter().filter_map(|m| by_id.remove(&m.listing_id).map(|l| (m, l))).collect();
        // A need's offers that name a remedy of its problem say so (“可解决：返潮”).
        let remedies = if subject.kind == ListingKind::Need {
            let texts: Vec<String> = shown.iter().map(|(_, l)| format!("{} {}", l.title, l.description)).collect();
            let offers: Vec<&str> = texts.iter().map(String::as_str).collect();
            index.remedies_answered(&format!("{} {}", subject.title, subject.description), &offers)
        } else {
            vec![None; shown.len()]
        };
        Ok(shown
            .into_iter()
            .zip(remedies)
            .map(|((m, listing), remedy_for)| {
                let reasons = Reasons { remedy_for, ..m.reasons };
                ListingMatch { listing, score: m.score, sentence: reasons.sentence(), reasons }
            })
            .collect())
    }

    /// Free-text search over the listings the caller may see.
    pub async fn search(
        self,
        caller: &Caller,
        index: &dyn SearchIndex,
        text: &str,
        kind: Option<ListingKind>,
        limit: usize,
    ) -> Result<Vec<SearchHit>> {
        let visibility = self.visibility(caller).await?;
        let Some(text) = crate::shared::search_text(Some(text))? else {
            return Ok(Vec::new());
        };
        let found = index.search(text, kind, &visibility, self.store.today(), limit).map_err(search_error)?;
        let ids: Vec<i64> = found.iter().map(|c| c.doc.id).collect();
        let rows = listing::Entity::find()
            .filter(Condition::all().add(visibility_condition(&visibility)).add(listing::Column::Id.is_in(ids)))
            .filter(listing::Column::Status.eq(ListingStatus::Open))
            .all(self.store.db())
            .await?;
        let mut by_id: HashMap<i64, Listing> = self.to_listings(rows).await?.into_iter().map(|l| (l.id, l)).collect();
        Ok(found
            .into_iter()
            .filter_map(|c| Some(SearchHit { listing: by_id.remove(&c.doc.id)?, matched_terms: c.matched_terms }))
            .collect())
    }
}
