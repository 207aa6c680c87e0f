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

mod ivf;

use ivf::Ivf;
pub use ivf::{IVF_FROM, PROBES, lists_for};

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

/// Listings' int8 vectors in one flat array with what filtering needs. Up to
/// [`IVF_FROM`] vectors they are searched exhaustively (an integer dot product per listing that
/// passes the filters); from there through an inverted-file index ([`ivf`]) that reads the
/// lists nearest the query.
pub struct Vectors {
    dim: usize,
    meta: Vec<Meta>,
    scales: Vec<f32>,
    flat: Vec<i8>,
    by_id: HashMap<i64, usize>,
    /// From how many vectors the inverted file is used.
    ivf_from: usize,
    ivf: Option<Ivf>,
    /// Rows added, replaced or moved since the lists were last laid out contiguously.
    moved: usize,
}

impl Default for Vectors {
    fn default() -> Vectors {
        Vectors::with_ivf_from(IVF_FROM)
    }
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

    /// Vectors that use the inverted file from `n` held (tests and the benchmark compare it
    /// with the exhaustive search; [`IVF_FROM`] otherwise).
    pub fn with_ivf_from(n: usize) -> Vectors {
        Vectors {
            dim: 0,
            meta: Vec::new(),
            scales: Vec::new(),
            flat: Vec::new(),
            by_id: HashMap::new(),
            ivf_from: n.max(1),
            ivf: None,
            moved: 0,
        }
    }

    /// Trains the inverted file when it is due: the vectors have reached [`IVF_FROM`], or
    /// their number has doubled or halved since it was trained; dropped below [`IVF_FROM`].
    /// Otherwise lays the lists out again once an eighth of the rows have been added,
    /// replaced or moved since (no training: the rows keep their lists). Called after each
    /// batch of changes, not per vector.
    pub fn maintain(&mut self) {
        let n = self.len();
        let due = match &self.ivf {
            None => n >= self.ivf_from,
            Some(ivf) => n < self.ivf_from || ivf.is_stale(n),
        };
        if due {
            let kinds: Vec<usize> = self.meta.iter().map(|m| m.kind as usize).collect();
            self.ivf = (n >= self.ivf_from).then(|| Ivf::train(&self.flat, &self.scales, &kinds, self.dim));
            self.lay_out_by_list();
        } else if self.ivf.is_some() && self.moved * 8 > n {
            self.lay_out_by_list();
        }
    }

    /// Moves the rows so that each inverted list's vectors lie one after another: a probe reads
    /// a few contiguous stretches (what the hardware prefetches) instead of rows scattered
    /// through the array. Rows added later join the end until the next training. The move
    /// holds a second copy of the vectors while it runs.
    fn lay_out_by_list(&mut self) {
        self.moved = 0;
        let Some(ivf) = &mut self.ivf else { return };
        let order = ivf.renumber();
        if order.len() != self.meta.len() {
            return;
        }
        let dim = self.dim;
        let mut flat = Vec::with_capacity(self.flat.len());
        let mut scales = Vec::with_capacity(self.scales.len());
        let mut old: Vec<Option<Meta>> = std::mem::take(&mut self.meta).into_iter().map(Some).collect();
        self.meta.reserve(order.len());
        for &row in &order {
            let row = row as usize;
            flat.extend_from_slice(&self.flat[row * dim..(row + 1) * dim]);
            scales.push(self.scales[row]);
            if let Some(m) = old[row].take() {
                self.by_id.insert(m.id, self.meta.len());
                self.meta.push(m);
            }
        }
        self.flat = flat;
        self.scales = scales;
    }

    /// The number of inverted lists (0: exhaustive).
    pub fn list_count(&self) -> usize {
        self.ivf.as_ref().map_or(0, Ivf::list_count)
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
        let kind = kind_number(doc.kind);
        let meta =
            Meta { id: doc.id, kind, valid_until: day_number(doc.valid_until), unit_id: doc.owner.unit_id, audience };
        self.moved += 1;
        match self.by_id.get(&doc.id) {
            Some(&i) => {
                self.flat[i * self.dim..(i + 1) * self.dim].copy_from_slice(&vector.q);
                self.scales[i] = vector.scale;
                self.meta[i] = meta;
                if let Some(ivf) = &mut self.ivf {
                    ivf.replace(i, &vector.q, kind as usize);
                }
            }
            None => {
                self.by_id.insert(doc.id, self.meta.len());
                self.meta.push(meta);
                self.scales.push(vector.scale);
                self.flat.extend_from_slice(&vector.q);
                if let Some(ivf) = &mut self.ivf {
                    ivf.push(&vector.q, kind as usize);
                }
            }
        }
    }

    /// Forgets a listing's vector (the last one moves into its place).
    pub fn remove(&mut self, id: i64) {
        let Some(i) = self.by_id.remove(&id) else { return };
        self.moved += 1;
        let last = self.meta.len() - 1;
        if i != last {
            let (head, tail) = self.flat.split_at_mut(last * self.dim);
            head[i * self.dim..(i + 1) * self.dim].copy_from_slice(&tail[..self.dim]);
            self.by_id.insert(self.meta[last].id, i);
        }
        self.meta.swap_remove(i);
        self.scales.swap_remove(i);
        self.flat.truncate(last * self.dim);
        if let Some(ivf) = &mut self.ivf {
            ivf.swap_remove(i);
        }
    }

    pub fn clear(&mut self) {
        *self = Vectors::with_ivf_from(self.ivf_from);
    }

    /// Whether the inverted lists hold every vector exactly once (for the tests).
    pub fn lists_are_consistent(&self) -> bool {
        self.ivf.as_ref().is_none_or(|ivf| ivf.is_consistent(self.len()))
    }

    /// Whether each inverted list's rows are consecutive, as they are right after training
    /// (for the tests).
    pub fn lists_are_contiguous(&self) -> bool {
        self.ivf.as_ref().is_none_or(Ivf::is_contiguous)
    }

    pub fn len(&self) -> usize {
        self.meta.len()
    }

    pub fn is_empty(&self) -> bool {
        self.meta.is_empty()
    }

    /// Bytes the vectors take (the int8 components and their scales, and the inverted file).
    pub fn vector_bytes(&self) -> usize {
        self.flat.len() + self.scales.len() * 4 + self.ivf.as_ref().map_or(0, Ivf::bytes)
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
    /// id), with their cosines. Through the inverted file when there is one: the [`PROBES`]
    /// lists nearest the query, and further lists while fewer than `k` have passed the filters.
    pub fn neighbours(&self, query: &ListingVector, k: usize, filter: &Filter) -> Vec<(i64, f32)> {
        self.neighbours_probing(query, k, filter, PROBES)
    }

    /// [`Vectors::neighbours`] reading at the least `probes` lists (the benchmark's sweep).
    pub fn neighbours_probing(
        &self,
        query: &ListingVector,
        k: usize,
        filter: &Filter,
        probes: usize,
    ) -> Vec<(i64, f32)> {
        if k == 0 || query.dim() != self.dim {
            return Vec::new();
        }
        let mut top = Nearest::new(self, query, k, filter);
        match &self.ivf {
            Some(ivf) => {
                let kind = kind_number(filter.kind) as usize;
                for (read, list) in ivf.probe_order(&query.q, kind).into_iter().enumerate() {
                    if read >= probes && top.is_full() {
                        break;
                    }
                    list.iter().for_each(|&row| top.offer(row as usize));
                }
            }
            None => (0..self.meta.len()).for_each(|row| top.offer(row)),
        }
        top.into_sorted()
    }

    /// The lengths of the inverted lists of `kind` (empty when exhaustive), and how many rows
    /// the first `probes` lists nearest `query` hold: what a search reads at the least (the
    /// benchmark's measure that does not depend on the machine's load).
    pub fn probe_rows(&self, query: &ListingVector, kind: ListingKind, probes: usize) -> (Vec<usize>, usize) {
        let Some(ivf) = &self.ivf else { return (Vec::new(), self.len()) };
        let kind = kind_number(kind) as usize;
        let read = ivf.probe_order(&query.q, kind).iter().take(probes).map(|l| l.len()).sum();
        (ivf.lengths(kind), read)
    }

    /// The `k` nearest by the exhaustive search whatever the size (what the inverted file is
    /// measured against).
    pub fn neighbours_exhaustive(&self, query: &ListingVector, k: usize, filter: &Filter) -> Vec<(i64, f32)> {
        if k == 0 || query.dim() != self.dim {
            return Vec::new();
        }
        let mut top = Nearest::new(self, query, k, filter);
        (0..self.meta.len()).for_each(|row| top.offer(row));
        top.into_sorted()
    }
}

/// The `k` nearest rows seen so far that pass the filter.
struct Nearest<'a> {
    vectors: &'a Vectors,
    query: &'a ListingVector,
    filter: &'a Filter,
    kind: u64,
    today: i64,
    k: usize,
    /// The worst kept on top: lowest cosine, then highest id.
    heap: BinaryHeap<Reverse<(Ordered, Reverse<i64>)>>,
}

impl<'a> Nearest<'a> {
    fn new(vectors: &'a Vectors, query: &'a ListingVector, k: usize, filter: &'a Filter) -> Nearest<'a> {
        Nearest {
            vectors,
            query,
            filter,
            kind: kind_number(filter.kind),
            today: day_number(filter.today),
            k,
            heap: BinaryHeap::with_capacity(k + 1),
        }
    }

    /// Keeps `row` if it passes the filter and is nearer than the worst kept. The cosine comes
    /// first: once `k` are kept, most rows fall short of the worst of them, and their metadata
    /// (kind, dates, audience keys on the heap) is then never read.
    fn offer(&mut self, row: usize) {
        let dim = self.vectors.dim;
        let cos = dot_i8(&self.query.q, &self.vectors.flat[row * dim..(row + 1) * dim]) as f32
            * self.query.scale
            * self.vectors.scales[row];
        if self.heap.len() >= self.k && self.heap.peek().is_some_and(|Reverse((Ordered(worst), _))| cos < *worst) {
            return;
        }
        let (m, f) = (&self.vectors.meta[row], self.filter);
        if m.kind != self.kind
            || m.valid_until < self.today
            || m.id == f.exclude_id
            || m.unit_id == f.exclude_unit
            || f.keys.as_ref().is_some_and(|keys| !m.audience.iter().any(|a| keys.binary_search(a).is_ok()))
        {
            return;
        }
        self.heap.push(Reverse((Ordered(cos), Reverse(m.id))));
        if self.heap.len() > self.k {
            self.heap.pop();
        }
    }

    fn is_full(&self) -> bool {
        self.heap.len() >= self.k
    }

    fn into_sorted(self) -> Vec<(i64, f32)> {
        let mut out: Vec<(i64, f32)> =
            self.heap.into_iter().map(|Reverse((Ordered(c), Reverse(id)))| (id, c)).collect();
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
