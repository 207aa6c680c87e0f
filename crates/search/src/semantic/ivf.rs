//! An inverted-file index (IVF) over the held int8 vectors, so that the neighbour search at a
//! million listings reads a few percent of them instead of all (issue #16, ADR 0008).
//!
//! Centroids are trained by spherical k-means on an evenly spread sample of the vectors; each
//! vector sits in the list of its nearest centroid and its kind (offers and needs apart, since
//! a search always asks for one kind); a search ranks the centroids by their cosine with the
//! query and reads the nearest lists of the kind asked for first. The lists follow every insert,
//! replacement and removal; the centroids are trained again when the number of vectors has
//! doubled or halved since they were trained ([`Ivf::is_stale`]). Training reads the stored
//! vectors only: nothing is embedded again.

use qunlian_domain::matching::{ListingVector, dot_i8};

/// Below this many vectors the search stays exhaustive (about a millisecond at 50,000 on the
/// benchmark's machine), and the results are exactly the exhaustive ones.
pub const IVF_FROM: usize = 50_000;
/// Lists read at the least for one query; more are read while fewer than the `k` asked for
/// have passed the filters (a reader who sees a small part of the corridor).
pub const PROBES: usize = 8;
/// Sample rows per centroid for training, and the k-means rounds over them.
const SAMPLE_PER_LIST: usize = 64;
const ROUNDS: usize = 10;

/// How many lists for `n` vectors: √n / 8 within 8..=128 (125 lists of about 8,000 at a
/// million). Fewer, longer lists make training and assignment cheap (each vector is compared
/// with every centroid once) at the price of reading more vectors per probe; docs/benchmarks.md
/// has the figures this was chosen by.
pub fn lists_for(n: usize) -> usize {
    (((n as f64).sqrt() / 8.0).round() as usize).clamp(8, 128).min(n.max(1))
}

pub struct Ivf {
    dim: usize,
    /// The centroids, quantised as the vectors are: `nlist × dim` components and a scale each.
    centroids: Vec<i8>,
    centroid_scales: Vec<f32>,
    /// The rows (positions in the held vectors) of each list: centroid `c`'s rows of kind
    /// `k` (0 offers, 1 needs) are list `2c + k`.
    lists: Vec<Vec<u32>>,
    /// The list of each row.
    list_of: Vec<u32>,
    /// How many vectors the centroids were trained on.
    trained_on: usize,
}

impl Ivf {
    /// Trains the centroids on `flat` (`scales.len()` rows of `dim` components, of the kinds
    /// `kinds`) and puts every row in its list. Deterministic: the same vectors in the same
    /// order give the same index.
    pub fn train(flat: &[i8], scales: &[f32], kinds: &[usize], dim: usize) -> Ivf {
        let n = scales.len();
        let nlist = lists_for(n);
        let row = |r: usize| &flat[r * dim..(r + 1) * dim];
        let sample_n = (nlist * SAMPLE_PER_LIST).min(n);
        let sample: Vec<usize> = (0..sample_n).map(|i| i * n / sample_n).collect();
        let mut centres: Vec<Vec<f32>> = (0..nlist)
            .map(|c| dequantised(row(sample[c * sample_n / nlist]), scales[sample[c * sample_n / nlist]]))
            .collect();
        let mut ivf = Ivf {
            dim,
            centroids: Vec::new(),
            centroid_scales: Vec::new(),
            lists: vec![Vec::new(); 2 * nlist],
            list_of: Vec::with_capacity(n),
            trained_on: n,
        };
        ivf.set_centroids(&centres);
        for _ in 0..ROUNDS {
            let mut sums = vec![vec![0f32; dim]; nlist];
            for &r in &sample {
                let sum = &mut sums[ivf.nearest(row(r))];
                for (s, &x) in sum.iter_mut().zip(row(r)) {
                    *s += f32::from(x) * scales[r];
                }
            }
            for (centre, sum) in centres.iter_mut().zip(sums) {
                // A centroid that drew no sample row keeps its place.
                if let Some(unit) = unit(sum) {
                    *centre = unit;
                }
            }
            ivf.set_centroids(&centres);
        }
        for (r, &kind) in kinds.iter().enumerate().take(n) {
            let list = 2 * ivf.nearest(row(r)) + kind;
            ivf.lists[list].push(r as u32);
            ivf.list_of.push(list as u32);
        }
        ivf
    }

    /// Numbers the rows again list by list, so that each list's rows are consecutive (a probe
    /// then reads one stretch of memory per list instead of jumping through the array).
    /// Returns, for each new row, the row it was; the caller moves its vectors the same way
    /// (nothing, and no change, if the lists did not hold every row once).
    pub fn renumber(&mut self) -> Vec<u32> {
        let order: Vec<u32> = self.lists.iter().flatten().copied().collect();
        if order.len() != self.list_of.len() {
            return Vec::new();
        }
        let mut next = 0u32;
        for (l, list) in self.lists.iter_mut().enumerate() {
            for row in list.iter_mut() {
                *row = next;
                self.list_of[next as usize] = l as u32;
                next += 1;
            }
        }
        order
    }

    fn set_centroids(&mut self, centres: &[Vec<f32>]) {
        self.centroids.clear();
        self.centroid_scales.clear();
        for c in centres {
            let q = ListingVector::quantise(c);
            self.centroids.extend_from_slice(&q.q);
            self.centroid_scales.push(q.scale);
        }
    }

    /// The centroids' cosines with `v` up to `v`'s own (positive) scale.
    fn scores<'a>(&'a self, v: &'a [i8]) -> impl Iterator<Item = f32> + 'a {
        self.centroids.chunks_exact(self.dim).zip(&self.centroid_scales).map(move |(c, s)| dot_i8(v, c) as f32 * s)
    }

    fn nearest(&self, v: &[i8]) -> usize {
        let mut best = (0, f32::NEG_INFINITY);
        for (i, s) in self.scores(v).enumerate() {
            if s > best.1 {
                best = (i, s);
            }
        }
        best.0
    }

    /// The lists of rows of `kind`, nearest to `query` first.
    pub fn probe_order(&self, query: &[i8], kind: usize) -> Vec<&[u32]> {
        let mut order: Vec<(usize, f32)> = self.scores(query).enumerate().collect();
        order.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        order.into_iter().map(|(c, _)| self.lists[2 * c + kind].as_slice()).collect()
    }

    /// The lengths of the lists of rows of `kind` (the benchmark's view of their balance).
    pub fn lengths(&self, kind: usize) -> Vec<usize> {
        (0..self.list_count()).map(|c| self.lists[2 * c + kind].len()).collect()
    }

    /// A row of `kind` appended to the held vectors.
    pub fn push(&mut self, v: &[i8], kind: usize) {
        let list = 2 * self.nearest(v) + kind;
        self.lists[list].push(self.list_of.len() as u32);
        self.list_of.push(list as u32);
    }

    /// Row `row`'s vector was replaced by `v`, of `kind`.
    pub fn replace(&mut self, row: usize, v: &[i8], kind: usize) {
        self.take_out(row);
        let list = 2 * self.nearest(v) + kind;
        self.lists[list].push(row as u32);
        self.list_of[row] = list as u32;
    }

    /// Row `row` was removed and the last row moved into its place (as `swap_remove`).
    pub fn swap_remove(&mut self, row: usize) {
        self.take_out(row);
        let last = self.list_of.len() - 1;
        if row != last {
            let list = self.list_of[last] as usize;
            if let Some(at) = self.lists[list].iter().position(|&r| r as usize == last) {
                self.lists[list][at] = row as u32;
            }
        }
        self.list_of.swap_remove(row);
    }

    fn take_out(&mut self, row: usize) {
        let list = &mut self.lists[self.list_of[row] as usize];
        if let Some(at) = list.iter().position(|&r| r as usize == row) {
            list.swap_remove(at);
        }
    }

    /// Whether the centroids should be trained again for `n` vectors: their number has doubled
    /// or halved since training.
    pub fn is_stale(&self, n: usize) -> bool {
        n >= 2 * self.trained_on || 2 * n < self.trained_on
    }

    /// The number of centroids (each with a list per kind).
    pub fn list_count(&self) -> usize {
        self.centroid_scales.len()
    }

    /// Bytes the index adds to the vectors (centroids, lists, the row → list map).
    pub fn bytes(&self) -> usize {
        self.centroids.len() + 4 * self.centroid_scales.len() + 8 * self.list_of.len()
    }

    /// Each list's rows are consecutive and increasing (for the tests).
    pub fn is_contiguous(&self) -> bool {
        self.lists.iter().all(|list| list.windows(2).all(|w| w[1] == w[0] + 1))
    }

    /// Every row is in exactly the list it is recorded in (for the tests).
    pub fn is_consistent(&self, rows: usize) -> bool {
        let mut seen = vec![false; rows];
        for (l, list) in self.lists.iter().enumerate() {
            for &r in list {
                let r = r as usize;
                if r >= rows || seen[r] || self.list_of[r] as usize != l {
                    return false;
                }
                seen[r] = true;
            }
        }
        self.list_of.len() == rows && seen.into_iter().all(|s| s)
    }
}

fn dequantised(q: &[i8], scale: f32) -> Vec<f32> {
    q.iter().map(|&x| f32::from(x) * scale).collect()
}

/// `v` scaled to unit length; `None` for the zero vector.
fn unit(v: Vec<f32>) -> Option<Vec<f32>> {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    (norm > 0.0 && norm.is_finite()).then(|| v.into_iter().map(|x| x / norm).collect())
}
