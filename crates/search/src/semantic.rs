//! The semantic stage of matching (issue #16) in the index: listings' vectors (int8, as the
//! store keeps them with the listings) and their nearest counterparts by cosine, filtered as
//! the lexical candidates are.
//! Figures and the choice of weights: docs/matching.md (“语义阶段”) and
//! docs/decisions/0008-semantic-stage.md.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use chrono::NaiveDate;
use qunlian_domain::matching::{Embedder, ListingDoc, ListingKind, ListingVector, Visibility, dot_i8, embed_text};

use crate::collect::{key_hash, key_hashes, kind_number};
use crate::day_number;

/// The ranking's side (the weight, the number of neighbours, the fusion) is the domain's:
/// `qunlian_domain::matching::{fuse, semantic_matches}`, re-exported here.
pub use qunlian_domain::matching::{NEIGHBOURS, SEMANTIC_WEIGHT as WEIGHT, fuse, semantic_matches};

/// The text a listing is embedded from: its title and description.
pub fn listing_text(doc: &ListingDoc) -> String {
    embed_text(&doc.title, &doc.description)
}

/// The vector of a listing, as the store computes it when the listing is saved.
pub fn embed(embedder: &dyn Embedder, doc: &ListingDoc) -> ListingVector {
    ListingVector::quantise(&embedder.embed(&listing_text(doc)))
}

/// What the neighbour search filters on, held beside each vector.
struct Meta {
    id: i64,
    kind: u64,
    valid_until: i64,
    unit_id: i64,
    /// Sorted hashes of the listing's audience keys.
    audience: Vec<u64>,
}

/// Listings' int8 vectors in one flat array with what filtering needs, searched
/// exhaustively (an integer dot product per listing that passes the filters).
#[derive(Default)]
pub struct Vectors {
    dim: usize,
    meta: Vec<Meta>,
    scales: Vec<f32>,
    flat: Vec<i8>,
    by_id: HashMap<i64, usize>,
}

/// Which listings a neighbour search admits.
pub struct Filter {
    pub kind: ListingKind,
    pub today: NaiveDate,
    /// Sorted key hashes of the reader; `None` sees everything.
    keys: Option<Vec<u64>>,
    pub exclude_id: i64,
    pub exclude_unit: i64,
}

impl Filter {
    /// The counterparts of `subject` open on `today` that `visibility` admits, not the
    /// subject nor its own enterprise's; `None` when nothing can pass.
    pub fn counterparts_of(subject: &ListingDoc, visibility: &Visibility, today: NaiveDate) -> Option<Filter> {
        Some(Filter {
            kind: subject.kind.counterpart(),
            today,
            keys: key_hashes(visibility)?,
            exclude_id: subject.id,
            exclude_unit: subject.owner.unit_id,
        })
    }
}

impl Vectors {
    pub fn new() -> Vectors {
        Vectors::default()
    }

    /// Holds `doc`'s vector (replacing one held). The first vector sets the length; one of
    /// another length is not held.
    pub fn insert(&mut self, doc: &ListingDoc, vector: &ListingVector) {
        if self.meta.is_empty() {
            self.dim = vector.dim();
        }
        if vector.dim() != self.dim || self.dim == 0 {
            self.remove(doc.id);
            return;
        }
        let mut audience: Vec<u64> = doc.audience().iter().map(|k| key_hash(k)).collect();
        audience.sort_unstable();
        let meta = Meta {
            id: doc.id,
            kind: kind_number(doc.kind),
            valid_until: day_number(doc.valid_until),
            unit_id: doc.owner.unit_id,
            audience,
        };
        match self.by_id.get(&doc.id) {
            Some(&i) => {
                self.flat[i * self.dim..(i + 1) * self.dim].copy_from_slice(&vector.q);
                self.scales[i] = vector.scale;
                self.meta[i] = meta;
            }
            None => {
                self.by_id.insert(doc.id, self.meta.len());
                self.meta.push(meta);
                self.scales.push(vector.scale);
                self.flat.extend_from_slice(&vector.q);
            }
        }
    }

    /// Forgets a listing's vector (the last one moves into its place).
    pub fn remove(&mut self, id: i64) {
        let Some(i) = self.by_id.remove(&id) else { return };
        let last = self.meta.len() - 1;
        if i != last {
            let (head, tail) = self.flat.split_at_mut(last * self.dim);
            head[i * self.dim..(i + 1) * self.dim].copy_from_slice(&tail[..self.dim]);
            self.by_id.insert(self.meta[last].id, i);
        }
        self.meta.swap_remove(i);
        self.scales.swap_remove(i);
        self.flat.truncate(last * self.dim);
    }

    pub fn clear(&mut self) {
        *self = Vectors::default();
    }

    pub fn len(&self) -> usize {
        self.meta.len()
    }

    pub fn is_empty(&self) -> bool {
        self.meta.is_empty()
    }

    /// Bytes the vectors take (the int8 components and their scales).
    pub fn vector_bytes(&self) -> usize {
        self.flat.len() + self.scales.len() * 4
    }

    /// The vector held for a listing.
    pub fn vector(&self, id: i64) -> Option<ListingVector> {
        let &i = self.by_id.get(&id)?;
        Some(ListingVector { scale: self.scales[i], q: self.flat[i * self.dim..(i + 1) * self.dim].to_vec() })
    }

    /// The cosine of `query` with a held listing.
    pub fn similarity(&self, query: &ListingVector, id: i64) -> Option<f32> {
        let &i = self.by_id.get(&id)?;
        if query.dim() != self.dim {
            return None;
        }
        Some(dot_i8(&query.q, &self.flat[i * self.dim..(i + 1) * self.dim]) as f32 * query.scale * self.scales[i])
    }

    /// The `k` held listings nearest to `query` that `filter` admits, nearest first (ties by
    /// id), with their cosines.
    pub fn neighbours(&self, query: &ListingVector, k: usize, filter: &Filter) -> Vec<(i64, f32)> {
        if k == 0 || query.dim() != self.dim {
            return Vec::new();
        }
        let (kind, today) = (kind_number(filter.kind), day_number(filter.today));
        // The worst kept on top: lowest cosine, then highest id.
        let mut heap: BinaryHeap<Reverse<(Ordered, Reverse<i64>)>> = BinaryHeap::with_capacity(k + 1);
        for (i, m) in self.meta.iter().enumerate() {
            if m.kind != kind
                || m.valid_until < today
                || m.id == filter.exclude_id
                || m.unit_id == filter.exclude_unit
                || filter.keys.as_ref().is_some_and(|keys| !m.audience.iter().any(|a| keys.binary_search(a).is_ok()))
            {
                continue;
            }
            let cos =
                dot_i8(&query.q, &self.flat[i * self.dim..(i + 1) * self.dim]) as f32 * query.scale * self.scales[i];
            heap.push(Reverse((Ordered(cos), Reverse(m.id))));
            if heap.len() > k {
                heap.pop();
            }
        }
        let mut out: Vec<(i64, f32)> = heap.into_iter().map(|Reverse((Ordered(c), Reverse(id)))| (id, c)).collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        out
    }
}

/// An f32 ordered by `total_cmp`, for the heap.
#[derive(Clone, Copy, PartialEq)]
struct Ordered(f32);

impl Eq for Ordered {}

impl PartialOrd for Ordered {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ordered {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}
