//! The semantic stage of matching (issue #16): listings' vectors from the domain's
//! [`Embedder`], their nearest counterparts by cosine, and one ranking fused from the
//! lexical pool and those neighbours. Figures and the choice of weights: docs/matching.md
//! (“语义阶段”) and docs/decisions/0008-semantic-stage.md.
//!
//! This first half keeps the vectors in memory beside the listings they were computed from;
//! storing them with the listings and asking the store for the neighbours is the second
//! half (see the ADR).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use qunlian_domain::matching::{Candidate, Embedder, ListingDoc, Match, rank};

/// Weight of the cosine in the fused score, beside the ranking's own (text ≤ 1, chain 0.25,
/// distance ≤ 0.2…). Chosen on the tuning set only, from 1–48 (docs/matching.md).
pub const WEIGHT: f64 = 6.0;
/// Nearest neighbours joined to the lexical pool.
pub const NEIGHBOURS: usize = 20;

/// The text a listing is embedded from: its title and description.
pub fn listing_text(doc: &ListingDoc) -> String {
    if doc.description.trim().is_empty() { doc.title.clone() } else { format!("{}：{}", doc.title, doc.description) }
}

/// Listings with their vectors, searched exhaustively (a dot product per listing).
pub struct Vectors {
    dim: usize,
    docs: Vec<ListingDoc>,
    flat: Vec<f32>,
    by_id: HashMap<i64, usize>,
}

impl Vectors {
    pub fn new(dim: usize) -> Vectors {
        Vectors { dim, docs: Vec::new(), flat: Vec::new(), by_id: HashMap::new() }
    }

    /// Embeds and adds listings (a listing already held is replaced).
    pub fn add(&mut self, embedder: &dyn Embedder, docs: impl IntoIterator<Item = ListingDoc>) {
        for doc in docs {
            let v = embedder.embed(&listing_text(&doc));
            self.insert(doc, &v);
        }
    }

    /// Adds a listing with a vector computed before (of length `dim`, else ignored).
    pub fn insert(&mut self, doc: ListingDoc, vector: &[f32]) {
        if vector.len() != self.dim {
            return;
        }
        match self.by_id.get(&doc.id) {
            Some(&i) => {
                self.flat[i * self.dim..(i + 1) * self.dim].copy_from_slice(vector);
                self.docs[i] = doc;
            }
            None => {
                self.by_id.insert(doc.id, self.docs.len());
                self.docs.push(doc);
                self.flat.extend_from_slice(vector);
            }
        }
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// The vector held for a listing.
    pub fn vector(&self, id: i64) -> Option<&[f32]> {
        self.by_id.get(&id).map(|&i| &self.flat[i * self.dim..(i + 1) * self.dim])
    }

    /// Cosine of two held listings (vectors are unit length).
    pub fn similarity(&self, a: i64, b: i64) -> Option<f32> {
        Some(dot(self.vector(a)?, self.vector(b)?))
    }

    /// The `k` listings nearest to `subject` that `accept` admits, nearest first.
    pub fn neighbours(&self, subject: i64, k: usize, accept: impl Fn(&ListingDoc) -> bool) -> Vec<(&ListingDoc, f32)> {
        let Some(q) = self.vector(subject) else { return Vec::new() };
        let mut found: Vec<(usize, f32)> = self
            .docs
            .iter()
            .enumerate()
            .filter(|(_, d)| d.id != subject && accept(d))
            .map(|(i, _)| (i, dot(q, &self.flat[i * self.dim..(i + 1) * self.dim])))
            .collect();
        found.sort_by(|a, b| b.1.total_cmp(&a.1).then(self.docs[a.0].id.cmp(&self.docs[b.0].id)));
        found.truncate(k);
        found.into_iter().map(|(i, s)| (&self.docs[i], s)).collect()
    }
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// One ranking of the lexical pool and the semantic neighbours: each listing's score from
/// the domain's [`rank`] plus [`WEIGHT`] × its cosine with the subject. A neighbour that
/// shares no word and no chain relation, which `rank` would drop, gets the ranking's other
/// parts (category, distance, urgency, freshness) and the cosine; its reasons then name no
/// shared word. `similarity` gives the cosine of a listing with the subject.
pub fn fuse(
    subject: &ListingDoc,
    lexical: Vec<Candidate>,
    neighbours: Vec<ListingDoc>,
    similarity: impl Fn(i64) -> Option<f32>,
    today: NaiveDate,
    top: usize,
) -> Vec<Match> {
    let pooled: HashSet<i64> = lexical.iter().map(|c| c.doc.id).collect();
    let mut all = rank(subject, lexical, today, usize::MAX);
    for doc in neighbours.into_iter().filter(|d| !pooled.contains(&d.id)) {
        // `rank` keeps a candidate with a shared word or a chain relation; a placeholder
        // word lets it score the rest, and is taken out again.
        let alone = Candidate { doc, text_score: 0.0, matched_terms: vec![String::new()] };
        all.extend(rank(subject, vec![alone], today, 1).into_iter().map(|mut m| {
            m.reasons.matched_terms.retain(|t| !t.is_empty());
            m
        }));
    }
    for m in &mut all {
        m.score += WEIGHT * f64::from(similarity(m.listing_id).unwrap_or(0.0).max(0.0));
    }
    all.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.listing_id.cmp(&b.listing_id)));
    all.truncate(top);
    all
}
