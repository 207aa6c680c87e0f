//! The top documents of a query that pass the listing filters, collected so that tantivy's
//! Block-WAND still prunes: the filters are read from fast fields as each document arrives,
//! and the pruning threshold is the k-th best score among documents that passed. A document
//! below it could not enter the top k whatever the filters say, so nothing is lost. The bar
//! is carried from one segment to the next: a document no better than the k-th best of the
//! segments already read cannot enter either.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::sync::Mutex;

use chrono::NaiveDate;
use qunlian_domain::matching::{ListingKind, Visibility};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::Weight;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

pub(crate) const KIND: &str = "kind";
pub(crate) const VALID_UNTIL: &str = "valid_until";
pub(crate) const AUDIENCE: &str = "audience";
const ID: &str = "id";

pub(crate) fn kind_number(kind: ListingKind) -> u64 {
    match kind {
        ListingKind::Offer => 0,
        ListingKind::Need => 1,
    }
}

pub(crate) fn kind_of_number(n: u64) -> Option<ListingKind> {
    match n {
        0 => Some(ListingKind::Offer),
        1 => Some(ListingKind::Need),
        _ => None,
    }
}

/// FNV-1a, 64 bits: an audience key as a number for a fast field. Fixed here rather than
/// taken from the standard library, whose hasher may change between Rust versions while
/// the index on disk stays.
pub(crate) fn key_hash(key: &str) -> u64 {
    key.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// A reader's keys as sorted hashes: `None` when nothing can pass (a reader holding no
/// key), `Some(None)` when everything does.
pub(crate) fn key_hashes(visibility: &Visibility) -> Option<Option<Vec<u64>>> {
    match visibility {
        Visibility::Everything => Some(None),
        Visibility::Keys(keys) if keys.is_empty() => None,
        Visibility::Keys(keys) => {
            let mut hashes: Vec<u64> = keys.iter().map(|k| key_hash(k)).collect();
            hashes.sort_unstable();
            hashes.dedup();
            Some(Some(hashes))
        }
    }
}

/// The filters and how many documents to keep.
pub(crate) struct FilteredTop {
    limit: usize,
    kind: Option<u64>,
    /// Open on this day (days from the common era).
    today: i64,
    /// Sorted hashes of the reader's keys; `None` sees everything.
    keys: Option<Vec<u64>>,
    exclude: Option<i64>,
    /// The best scores kept so far over the segments already collected (at most `limit`).
    kept: Mutex<BinaryHeap<Reverse<Kept>>>,
}

impl FilteredTop {
    /// `None` when nothing can pass (a reader holding no key).
    pub(crate) fn new(
        limit: usize,
        kind: Option<ListingKind>,
        visibility: &Visibility,
        today: NaiveDate,
        exclude: Option<i64>,
    ) -> Option<FilteredTop> {
        let keys = key_hashes(visibility)?;
        Some(FilteredTop {
            limit: limit.max(1),
            kind: kind.map(kind_number),
            today: crate::day_number(today),
            keys,
            exclude,
            kept: Mutex::new(BinaryHeap::new()),
        })
    }

    /// The k-th best score of the segments collected so far, or the lowest score.
    fn bar(&self) -> Score {
        match self.kept.lock() {
            Ok(kept) if kept.len() >= self.limit => kept.peek().map_or(Score::MIN, |Reverse(w)| w.0),
            _ => Score::MIN,
        }
    }

    fn remember(&self, scores: impl Iterator<Item = Score>) {
        if let Ok(mut kept) = self.kept.lock() {
            for s in scores {
                // The document number does not matter here: only the scores make the bar.
                kept.push(Reverse(Kept(s, 0)));
                if kept.len() > self.limit {
                    kept.pop();
                }
            }
        }
    }
}

/// A score and document ordered so that the heap's top is the worst kept: lowest score,
/// then highest document (ties keep the earlier document, as tantivy's TopDocs does).
#[derive(PartialEq)]
struct Kept(Score, DocId);

impl Eq for Kept {}

impl Ord for Kept {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0).then_with(|| other.1.cmp(&self.1))
    }
}

impl PartialOrd for Kept {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

pub(crate) struct SegmentTop {
    limit: usize,
    segment: SegmentOrdinal,
    kind_wanted: Option<u64>,
    today: i64,
    keys: Option<Vec<u64>>,
    exclude: Option<i64>,
    kind: Column<u64>,
    valid_until: Column<i64>,
    audience: Column<u64>,
    id: Column<i64>,
    heap: BinaryHeap<Reverse<Kept>>,
    /// What earlier segments already require.
    floor: Score,
}

impl SegmentTop {
    fn admits(&self, doc: DocId) -> bool {
        if self.kind_wanted.is_some_and(|k| self.kind.first(doc) != Some(k)) {
            return false;
        }
        if self.valid_until.first(doc).is_none_or(|d| d < self.today) {
            return false;
        }
        if let Some(excluded) = self.exclude
            && self.id.first(doc) == Some(excluded)
        {
            return false;
        }
        match &self.keys {
            None => true,
            Some(keys) => self.audience.values_for_doc(doc).any(|h| keys.binary_search(&h).is_ok()),
        }
    }

    /// Keeps the document if it passes and is good enough; returns the score a document now
    /// has to beat.
    fn offer(&mut self, doc: DocId, score: Score) -> Score {
        if score > self.floor && self.admits(doc) {
            let full = self.heap.len() >= self.limit;
            if !full || self.heap.peek().is_some_and(|Reverse(worst)| Kept(score, doc) > *worst) {
                self.heap.push(Reverse(Kept(score, doc)));
                if self.heap.len() > self.limit {
                    self.heap.pop();
                }
            }
        }
        self.threshold()
    }

    fn threshold(&self) -> Score {
        let own = if self.heap.len() >= self.limit {
            self.heap.peek().map_or(Score::MIN, |Reverse(w)| w.0)
        } else {
            Score::MIN
        };
        own.max(self.floor)
    }
}

impl SegmentCollector for SegmentTop {
    type Fruit = Vec<(Score, DocAddress)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.offer(doc, score);
    }

    fn harvest(self) -> Self::Fruit {
        let segment = self.segment;
        self.heap.into_iter().map(|Reverse(Kept(score, doc))| (score, DocAddress::new(segment, doc))).collect()
    }
}

impl Collector for FilteredTop {
    type Fruit = Vec<(Score, DocAddress)>;
    type Child = SegmentTop;

    fn for_segment(&self, segment: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<SegmentTop> {
        let fast = reader.fast_fields();
        Ok(SegmentTop {
            limit: self.limit,
            segment,
            kind_wanted: self.kind,
            today: self.today,
            keys: self.keys.clone(),
            exclude: self.exclude,
            kind: fast.u64(KIND)?,
            valid_until: fast.i64(VALID_UNTIL)?,
            audience: fast.u64(AUDIENCE)?,
            id: fast.i64(ID)?,
            heap: BinaryHeap::with_capacity(self.limit + 1),
            floor: self.bar(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        let mut all: Vec<(Score, DocAddress)> = fruits.into_iter().flatten().collect();
        all.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        all.truncate(self.limit);
        Ok(all)
    }

    fn collect_segment(
        &self,
        weight: &dyn Weight,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Fruit> {
        let mut top = self.for_segment(segment, reader)?;
        let alive = reader.alive_bitset();
        weight.for_each_pruning(top.threshold(), reader, &mut |doc, score| {
            if alive.is_some_and(|a| a.is_deleted(doc)) {
                return top.threshold();
            }
            top.offer(doc, score)
        })?;
        let fruit = top.harvest();
        self.remember(fruit.iter().map(|(s, _)| *s));
        Ok(fruit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_heap_keeps_the_best_and_reports_the_bar() {
        let mut heap: BinaryHeap<Reverse<Kept>> = BinaryHeap::new();
        for (s, d) in [(1.0, 1), (3.0, 2), (2.0, 3), (3.0, 0)] {
            heap.push(Reverse(Kept(s, d)));
            if heap.len() > 2 {
                heap.pop();
            }
        }
        let mut kept: Vec<(Score, DocId)> = heap.into_iter().map(|Reverse(Kept(s, d))| (s, d)).collect();
        kept.sort_by_key(|k| k.1);
        assert_eq!(kept, vec![(3.0, 0), (3.0, 2)]);
        assert_ne!(key_hash("all"), key_hash("u:1"));
        assert_eq!(key_hash(""), 0xcbf2_9ce4_8422_2325);
    }
}
