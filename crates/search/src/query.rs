//! How a listing becomes a query: its weighted words, which of them are asked in which field,
//! the words lent by its nearest by meaning and by its problem's remedies, and the chain
//! clauses. `TantivyIndex::candidates` (lib.rs) puts them together.

use std::collections::HashSet;
use std::sync::atomic::Ordering;

use chrono::NaiveDate;
use qunlian_domain::matching::{ListingDoc, ListingKind, SearchError, Visibility};
use tantivy::fieldnorm::FieldNormReader;
use tantivy::query::{Bm25Weight, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use crate::semantic::Filter;
use crate::{
    COMMON_MIN_LISTINGS, COMMON_SHARE, EXPANSION_NEIGHBOURS, EXPANSION_PROBES, EXPANSION_SHARE, EXPANSION_WEIGHT,
    EXPANSION_WORDS, INDUSTRY_PATH_LEN, MAX_ASKED_WORDS, MAX_QUERY_WORDS, SUBJECT_TITLE_WEIGHT, TITLE_BOOST,
    TantivyIndex, analysis, err, remedies,
};

/// A word of the subject as asked of the index, and in which fields.
pub(crate) struct Asked {
    pub(crate) word: String,
    weight: f32,
    title: bool,
    description: bool,
    /// Listings holding it in the field where it is more frequent.
    df: u64,
}

/// The distinct words of a subject with their weights: words of the title weigh more.
pub(crate) fn weighted_words(title: &str, description: &str) -> Vec<(String, f32)> {
    let in_title: HashSet<String> = analysis::words(title).into_iter().collect();
    analysis::distinct_words(&format!("{title} {description}"))
        .into_iter()
        .take(MAX_QUERY_WORDS)
        .map(|w| {
            let weight = if in_title.contains(&w) { SUBJECT_TITLE_WEIGHT } else { 1.0 };
            (w, weight)
        })
        .collect()
}

impl TantivyIndex {
    /// The words lent to the subject's query after its own: those of its nearest by meaning
    /// ([`EXPANSION_WORDS`] at most), then, for a need, those of its problem's remedies
    /// ([`remedies::REMEDY_WORDS`] at most, at the index's remedy weight), each source
    /// skipping what the subject or the one before already holds, asked only where rare.
    pub(crate) fn lent_words(
        &self,
        searcher: &Searcher,
        subject: &ListingDoc,
        own: &[(String, f32)],
        visibility: &Visibility,
        today: NaiveDate,
    ) -> Result<Vec<Asked>, SearchError> {
        let mut lent = Vec::new();
        let by_meaning = self.expansion_words(searcher, subject, own, visibility, today)?;
        if !by_meaning.is_empty() {
            lent.extend(self.query_words(searcher, &by_meaning, true)?.into_iter().take(EXPANSION_WORDS));
        }
        let remedy_weight = f32::from_bits(self.inner.remedies.load(Ordering::Relaxed));
        if subject.kind == ListingKind::Need && remedy_weight > 0.0 {
            let held: Vec<String> =
                own.iter().map(|(w, _)| w.clone()).chain(lent.iter().map(|a| a.word.clone())).collect();
            let text = format!("{} {}", subject.title, subject.description);
            let words: Vec<(String, f32)> =
                remedies::lent_words(&text, &held).into_iter().map(|w| (w, remedy_weight)).collect();
            if !words.is_empty() {
                lent.extend(self.query_words(searcher, &words, true)?.into_iter().take(remedies::REMEDY_WORDS));
            }
        }
        Ok(lent)
    }

    /// The words that the subject's nearest counterparts by meaning lend to its lexical
    /// query: the words of their titles that the subject does not hold, each weighing
    /// [`EXPANSION_WEIGHT`]. None when expansion is off or the index holds no vector for the
    /// subject (not indexed, or the semantic stage off).
    fn expansion_words(
        &self,
        searcher: &Searcher,
        subject: &ListingDoc,
        own: &[(String, f32)],
        visibility: &Visibility,
        today: NaiveDate,
    ) -> Result<Vec<(String, f32)>, SearchError> {
        if !self.inner.expansion.load(Ordering::Relaxed) {
            return Ok(Vec::new());
        }
        let near = {
            let vectors = self.vectors()?;
            let (Some(vector), Some(filter)) =
                (vectors.vector(subject.id), Filter::counterparts_of(subject, visibility, today))
            else {
                return Ok(Vec::new());
            };
            vectors.neighbours_probing(&vector, EXPANSION_NEIGHBOURS, &filter, EXPANSION_PROBES)
        };
        let ids: Vec<i64> = near.iter().map(|&(id, _)| id).collect();
        let docs = self.docs_by_ids(searcher, &ids)?;
        let mut out: Vec<(String, f32)> = Vec::new();
        for doc in ids.iter().filter_map(|id| docs.get(id)) {
            for w in analysis::distinct_words(&doc.title) {
                if !own.iter().chain(&out).any(|(x, _)| *x == w) {
                    out.push((w, EXPANSION_WEIGHT));
                }
            }
        }
        Ok(out)
    }

    /// The words worth asking for, and in which fields. A word that a large share of all
    /// listings hold in a field
    /// (设备, 加工, 齐全 in descriptions where every other listing says 设备齐全，可来料加工)
    /// is not asked for in that field: it ranks nothing there and costs the most to score.
    /// It is still asked for in the other field, where it is rare (维修 in a title). Then the
    /// rarest first, at most [`MAX_ASKED_WORDS`]; if every word is common everywhere, the
    /// rarest few are asked for all the same (unless `lent`: words lent by the nearest by
    /// meaning are asked only where they are rare, by the stricter [`EXPANSION_SHARE`]).
    pub(crate) fn query_words(
        &self,
        searcher: &Searcher,
        words: &[(String, f32)],
        lent: bool,
    ) -> Result<Vec<Asked>, SearchError> {
        let f = &self.inner.f;
        let total = searcher.num_docs().max(1) as f64;
        let share = if lent { EXPANSION_SHARE } else { COMMON_SHARE };
        let rare = |df: u64| df <= COMMON_MIN_LISTINGS || df as f64 / total <= share;
        let mut rated = Vec::with_capacity(words.len());
        for (word, weight) in words {
            let df = |field: Field| searcher.doc_freq(&Term::from_field_text(field, word)).map_err(err("检索"));
            let (in_title, in_description) = (df(f.title)?, df(f.description)?);
            if in_title + in_description > 0 {
                rated.push(Asked {
                    word: word.clone(),
                    weight: *weight,
                    title: rare(in_title),
                    description: rare(in_description),
                    df: in_title.max(in_description),
                });
            }
        }
        rated.sort_by(|a, b| a.df.cmp(&b.df).then_with(|| b.weight.total_cmp(&a.weight)));
        if !lent && rated.iter().all(|a| !a.title && !a.description) {
            rated.truncate(3);
            for a in &mut rated {
                a.title = true;
                a.description = true;
            }
        }
        Ok(rated.into_iter().filter(|a| a.title || a.description).take(MAX_ASKED_WORDS).collect())
    }

    /// One SHOULD clause per word and field asked for: the title boosted, the description.
    pub(crate) fn word_clauses(&self, words: &[Asked]) -> Vec<(Occur, Box<dyn Query>)> {
        let f = &self.inner.f;
        let mut out: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for a in words {
            for (field, boost, asked) in [(f.title, TITLE_BOOST, a.title), (f.description, 1.0, a.description)] {
                if asked {
                    let q = TermQuery::new(Term::from_field_text(field, &a.word), IndexRecordOption::WithFreqs);
                    out.push((Occur::Should, Box::new(BoostQuery::new(Box::new(q), boost * a.weight))));
                }
            }
        }
        out
    }

    /// A chain neighbour's industry code as a term query scoring exactly `score` on every
    /// listing filed under it: all industry paths have the same length, so the term's BM25
    /// is the same for every document, and the boost divides it out.
    pub(crate) fn chain_clause(
        &self,
        searcher: &Searcher,
        code: &str,
        score: f32,
    ) -> Result<Option<Box<dyn Query>>, SearchError> {
        let term = Term::from_field_text(self.inner.f.industry_path, code);
        if searcher.doc_freq(&term).map_err(err("检索"))? == 0 {
            return Ok(None);
        }
        let base = Bm25Weight::for_terms(searcher, std::slice::from_ref(&term))
            .map_err(err("检索"))?
            .score(FieldNormReader::fieldnorm_to_id(INDUSTRY_PATH_LEN as u32), 1);
        if !(base.is_finite() && base > 0.0) {
            return Ok(None);
        }
        let q = TermQuery::new(term, IndexRecordOption::WithFreqs);
        Ok(Some(Box::new(BoostQuery::new(Box::new(q), score / base))))
    }
}
