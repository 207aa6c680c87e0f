//! The semantic stage's port (issue #16, docs/decisions/0008-semantic-stage.md): an
//! [`Embedder`] turns a listing's text into a vector, and a [`ListingVector`] is that vector
//! as it is stored with the listing and held by the index — int8 with one scale per vector —
//! and the one ranking fused from the lexical candidates and the nearest by meaning.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::{Candidate, ListingDoc, Match, SearchError, SearchIndex, Visibility, rank};

/// Turns a listing's text into a vector whose dot product with another's (both of unit
/// length) says how close the two are in meaning, whatever words they use. Implemented in
/// `qunlian-embed`.
pub trait Embedder: Send + Sync {
    /// The model's id and version, stored beside each vector: a vector of another model is
    /// computed again at the next rebuild.
    fn model(&self) -> &str;
    /// The length of every vector.
    fn dim(&self) -> usize;
    /// The unit-length vector of `text` (all zeros for an empty text).
    fn embed(&self, text: &str) -> Vec<f32>;
}

/// A shared embedder (the bundled model is a `&'static`) is one too.
impl<E: Embedder + ?Sized> Embedder for &E {
    fn model(&self) -> &str {
        (**self).model()
    }
    fn dim(&self) -> usize {
        (**self).dim()
    }
    fn embed(&self, text: &str) -> Vec<f32> {
        (**self).embed(text)
    }
}

/// The text a listing is embedded from: its title and description.
pub fn embed_text(title: &str, description: &str) -> String {
    if description.trim().is_empty() { title.to_owned() } else { format!("{title}：{description}") }
}

/// FNV-1a (64 bits) of the embedded text, stored beside the vector: a vector whose text has
/// changed since (an edit by a path that did not embed) is computed again. Fixed here, not
/// the standard library's hasher, which may change between Rust versions.
pub fn text_hash(text: &str) -> i64 {
    let h = text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3));
    h as i64
}

/// A vector quantised to int8: `value[i] ≈ q[i] × scale`, the largest component at ±127.
/// Four times smaller than f32 (388 bytes for 384 dimensions with its scale), and its cosine
/// with another is an integer dot product; the error it adds to a cosine of unit vectors is
/// below 0.01 (tested), far below the differences ranking reads.
#[derive(Clone, Debug, PartialEq)]
pub struct ListingVector {
    pub scale: f32,
    pub q: Vec<i8>,
}

impl ListingVector {
    pub fn quantise(v: &[f32]) -> ListingVector {
        let max = v.iter().fold(0.0f32, |m, x| m.max(x.abs()));
        if max == 0.0 || !max.is_finite() {
            return ListingVector { scale: 0.0, q: vec![0; v.len()] };
        }
        let scale = max / 127.0;
        ListingVector { scale, q: v.iter().map(|x| (x / scale).round().clamp(-127.0, 127.0) as i8).collect() }
    }

    pub fn dim(&self) -> usize {
        self.q.len()
    }

    /// As stored: the scale (f32, little-endian), then one byte per component.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(4 + self.q.len());
        out.extend_from_slice(&self.scale.to_le_bytes());
        out.extend(self.q.iter().map(|&x| x as u8));
        out
    }

    /// Reads [`ListingVector::to_bytes`]; `None` when too short.
    pub fn from_bytes(bytes: &[u8]) -> Option<ListingVector> {
        let (head, rest) = bytes.split_first_chunk::<4>()?;
        let scale = f32::from_le_bytes(*head);
        scale.is_finite().then(|| ListingVector { scale, q: rest.iter().map(|&x| x as i8).collect() })
    }

    /// The cosine of two unit vectors (their dot product); 0 when the lengths differ.
    pub fn cosine(&self, other: &ListingVector) -> f32 {
        if self.q.len() != other.q.len() {
            return 0.0;
        }
        dot_i8(&self.q, &other.q) as f32 * self.scale * other.scale
    }
}

/// The integer dot product of two int8 vectors of the same length. Sixteen running sums of
/// i16 products (each fits: 127² < 2¹⁵) let the compiler use the baseline x86-64 vector
/// instructions; 1.7 times the plain sum's speed there (docs/benchmarks.md).
pub fn dot_i8(a: &[i8], b: &[i8]) -> i32 {
    let (ca, cb) = (a.chunks_exact(16), b.chunks_exact(16));
    let tail: i32 = ca.remainder().iter().zip(cb.remainder()).map(|(&x, &y)| i32::from(x) * i32::from(y)).sum();
    let mut acc = [0i32; 16];
    for (x, y) in ca.zip(cb) {
        for ((sum, &x), &y) in acc.iter_mut().zip(x).zip(y) {
            *sum += i32::from(i16::from(x) * i16::from(y));
        }
    }
    acc.iter().sum::<i32>() + tail
}

/// Weight of the cosine in the fused score, beside the ranking's own (text ≤ 1, chain 0.25,
/// distance ≤ 0.2…). Chosen on the tuning set only, from 1–48 (docs/matching.md).
pub const SEMANTIC_WEIGHT: f64 = 6.0;
/// Nearest neighbours joined to the lexical pool.
pub const NEIGHBOURS: usize = 20;

/// One ranking of the lexical pool and the semantic neighbours: each listing's score from
/// the domain's [`rank`] plus `weight` × its cosine with the subject (the product's weight is
/// [`SEMANTIC_WEIGHT`]; others are for comparing, `qunlian_search::eval`). A neighbour that
/// shares no word and no chain relation, which `rank` would drop, gets the ranking's other
/// parts (category, distance, urgency, freshness) and the cosine; its reasons then name no
/// shared word. So does a lexical candidate that holds no word of the subject — the index
/// found it by the words the nearest by meaning lent the query — with its text score
/// besides. Every listing among `neighbours`, and every such lexical one, with a positive
/// cosine gets “语义相近” (`reasons.semantic`, the cosine). `similarity` gives the cosine of a
/// listing with the subject.
pub fn fuse(
    subject: &ListingDoc,
    lexical: Vec<Candidate>,
    neighbours: Vec<(ListingDoc, f32)>,
    similarity: impl Fn(i64) -> Option<f32>,
    weight: f64,
    today: NaiveDate,
    top: usize,
) -> Vec<Match> {
    let pooled: HashSet<i64> = lexical.iter().map(|c| c.doc.id).collect();
    let mut near: HashMap<i64, f32> = neighbours.iter().map(|(d, s)| (d.id, *s)).collect();
    // A lexical candidate with no word of the subject was found by the words the nearest by
    // meaning lent the query (the index's query expansion): it is ranked with its text score
    // like the others, and its reason is its closeness in meaning, not a shared word.
    let mut lent: HashSet<i64> = HashSet::new();
    let lexical: Vec<Candidate> = lexical
        .into_iter()
        .map(|mut c| {
            if c.by_meaning {
                lent.insert(c.doc.id);
                c.matched_terms.push(String::new());
            }
            c
        })
        .collect();
    let mut all = rank(subject, lexical, today, usize::MAX);
    all.retain_mut(|m| {
        if !lent.contains(&m.listing_id) {
            return true;
        }
        m.reasons.matched_terms.retain(|t| !t.is_empty());
        match similarity(m.listing_id).filter(|&c| c > 0.0) {
            Some(cosine) => {
                near.entry(m.listing_id).or_insert(cosine);
                true
            }
            // No closeness to name and no chain relation: no reason a broker could give.
            None => m.reasons.chain.is_some(),
        }
    });
    for (doc, _) in neighbours.into_iter().filter(|(d, _)| !pooled.contains(&d.id)) {
        // `rank` keeps a candidate with a shared word or a chain relation; a placeholder
        // word lets it score the rest, and is taken out again.
        let alone = Candidate { doc, text_score: 0.0, matched_terms: vec![String::new()], by_meaning: false };
        all.extend(rank(subject, vec![alone], today, 1).into_iter().map(|mut m| {
            m.reasons.matched_terms.retain(|t| !t.is_empty());
            m
        }));
    }
    for m in &mut all {
        let cosine = near.get(&m.listing_id).copied().or_else(|| similarity(m.listing_id));
        m.score += weight * f64::from(cosine.unwrap_or(0.0).max(0.0));
        m.reasons.semantic =
            near.get(&m.listing_id).filter(|&&c| c > 0.0).map(|&c| (f64::from(c) * 1000.0).round() / 1000.0);
    }
    all.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.listing_id.cmp(&b.listing_id)));
    all.truncate(top);
    all
}

/// The product's matching with the semantic stage on: the lexical pool for `subject` (what
/// `lexical` returns: the store asks the index's candidates) and its [`NEIGHBOURS`] nearest
/// by `vector`, both asked with `reach` and kept only where `admit` says so (the store passes
/// the caller's own visibility), fused.
///
/// The two are asked at once, the neighbours on a thread of their own: neither needs the
/// other, and a query's time is then the longer of the two rather than their sum (at a
/// million listings the lexical pool p95 ~20 ms, the neighbours ~12 ms; docs/benchmarks.md).
#[allow(clippy::too_many_arguments)]
pub fn semantic_matches(
    index: &dyn SearchIndex,
    subject: &ListingDoc,
    vector: &ListingVector,
    lexical: impl FnOnce() -> Result<Vec<Candidate>, SearchError>,
    reach: &Visibility,
    admit: impl Fn(&ListingDoc) -> bool,
    today: NaiveDate,
    top: usize,
) -> Result<Vec<Match>, SearchError> {
    let (lexical, near) = std::thread::scope(|s| {
        let near = s.spawn(|| index.neighbours(subject, vector, reach, today, NEIGHBOURS));
        let lexical = lexical();
        let near = near.join().unwrap_or_else(|_| Err(SearchError("语义检索中断".to_owned())));
        (lexical, near)
    });
    let (mut lexical, mut near) = (lexical?, near?);
    lexical.retain(|c| admit(&c.doc));
    near.retain(|(d, _)| admit(d));
    let ids: Vec<i64> = lexical.iter().map(|c| c.doc.id).collect();
    let cosines: HashMap<i64, f32> = index.similarities(vector, &ids)?.into_iter().collect();
    Ok(fuse(subject, lexical, near, |id| cosines.get(&id).copied(), SEMANTIC_WEIGHT, today, top))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(v: &[f32]) -> Vec<f32> {
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.iter().map(|x| x / n).collect()
    }

    #[test]
    fn the_dot_product_is_the_plain_sum_at_every_length_and_at_the_extremes() {
        for len in [0, 1, 15, 16, 17, 33, 384, 385] {
            let a: Vec<i8> = (0..len).map(|i| ((i * 97 + 13) % 256) as u8 as i8).collect();
            let b: Vec<i8> = (0..len).map(|i| ((i * 31 + 200) % 256) as u8 as i8).collect();
            let plain: i32 = a.iter().zip(&b).map(|(&x, &y)| i32::from(x) * i32::from(y)).sum();
            assert_eq!(dot_i8(&a, &b), plain, "length {len}");
        }
        let low = vec![i8::MIN; 384];
        assert_eq!(dot_i8(&low, &low), 384 * 128 * 128, "-128 × -128 fits the i16 product");
    }

    #[test]
    fn quantised_cosine_is_close_to_the_exact_one_and_survives_storage() {
        let a = unit(&(0..384).map(|i| ((i * 37 % 101) as f32 - 50.0) / 7.0).collect::<Vec<_>>());
        let b = unit(&(0..384).map(|i| ((i * 53 % 97) as f32 - 40.0) / 9.0 + (i % 5) as f32).collect::<Vec<_>>());
        let exact: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        let (qa, qb) = (ListingVector::quantise(&a), ListingVector::quantise(&b));
        assert!((qa.cosine(&qb) - exact).abs() < 0.01, "{} vs {exact}", qa.cosine(&qb));
        assert!((qa.cosine(&qa) - 1.0).abs() < 0.01);
        let stored = ListingVector::from_bytes(&qa.to_bytes()).unwrap();
        assert_eq!(stored, qa);
        assert_eq!(stored.to_bytes().len(), 388);
        assert_eq!(ListingVector::from_bytes(&[1, 2]), None);
        assert_eq!(ListingVector::quantise(&[0.0; 4]).cosine(&qa), 0.0, "lengths differ");
    }

    /// A lexical candidate found only by the words the nearest by meaning lent the query
    /// keeps its text score, is said to be close in meaning and claims no shared word; one
    /// not close in meaning at all has no reason to give and is left out.
    #[test]
    fn a_candidate_found_by_lent_words_is_ranked_for_its_meaning() {
        use crate::RegionCode;
        use crate::matching::{ListingCategory, ListingKind, Place, Reach, Urgency};
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let doc = |id: i64, kind: ListingKind| ListingDoc {
            id,
            kind,
            category: ListingCategory::Equipment,
            title: String::new(),
            description: String::new(),
            industry: None,
            urgency: Urgency::Normal,
            reach: Reach::District,
            owner: Place { unit_id: id, town: Some(RegionCode::parse("310117001").unwrap()), clusters: vec![] },
            published_on: today,
            valid_until: today,
        };
        let need = doc(1, ListingKind::Need);
        let lent = |id| Candidate {
            doc: doc(id, ListingKind::Offer),
            text_score: 2.0,
            matched_terms: vec![],
            by_meaning: true,
        };
        let cosine = |id: i64| match id {
            2 => Some(0.7),
            _ => Some(0.0),
        };
        let fused = fuse(&need, vec![lent(2), lent(3)], vec![], cosine, SEMANTIC_WEIGHT, today, 10);
        assert_eq!(fused.iter().map(|m| m.listing_id).collect::<Vec<_>>(), [2], "3 is close in nothing");
        assert!(fused[0].reasons.matched_terms.is_empty(), "no shared word is claimed");
        assert_eq!(fused[0].reasons.semantic, Some(0.7));
        let alone =
            fuse(&need, vec![Candidate { text_score: 0.0, ..lent(2) }], vec![], cosine, SEMANTIC_WEIGHT, today, 10);
        assert!(fused[0].score > alone[0].score, "its text score counts");
        assert!(rank(&need, vec![lent(2)], today, 10).is_empty(), "words alone do not rank it");
    }

    #[test]
    fn the_text_and_its_hash() {
        assert_eq!(embed_text("油温机", " "), "油温机");
        assert_eq!(embed_text("油温机", "注塑模具控温"), "油温机：注塑模具控温");
        assert_ne!(text_hash("a"), text_hash("b"));
        assert_eq!(text_hash("油温机"), text_hash("油温机"));
    }
}
