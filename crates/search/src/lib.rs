//! Chinese search and matching over listings (issue #4): a tantivy index whose title and
//! description are segmented by jieba with an industry vocabulary and a synonym table
//! ([`analysis`]), implementing the domain's [`SearchIndex`].
//!
//! The index is derived from the database: it keeps, per listing, everything ranking needs
//! (kind, category, industry, urgency, reach, owner's place, dates, audience keys), so
//! [`SearchIndex::candidates`] returns whole [`ListingDoc`]s without a database round trip,
//! and it records in tantivy's commit payload up to which change it has applied.
//!
//! Queries are pure disjunctions of BM25 term queries (words over title and description,
//! chain neighbours over the industry path), so tantivy can prune with Block-WAND; kind,
//! validity, visibility and the subject itself are checked on fast fields as documents are
//! collected ([`collect::FilteredTop`]), which keeps the pruning exact.

pub mod analysis;
mod collect;
pub mod eval;
mod query;
pub mod remedies;
pub mod semantic;
pub mod synthetic;

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use chrono::{Datelike, NaiveDate};
use qunlian_domain::matching::{
    Candidate, IndexChange, ListingCategory, ListingDoc, ListingKind, ListingVector, Place, Reach, SearchError,
    SearchIndex, Urgency, Visibility, chain_neighbours,
};
use qunlian_domain::{IndustryCode, RegionCode};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermSetQuery};
use tantivy::schema::{FAST, Field, INDEXED, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions, Value};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};

use crate::collect::FilteredTop;
use crate::query::weighted_words;
use crate::semantic::{Filter, Vectors};

/// Bumped when the schema or the analysis changes: an index written by another version is
/// emptied on open, and its `applied_up_to` reads 0 so the store re-applies every change.
const SCHEMA_VERSION: u32 = 2;
const TOKENIZER: &str = "qunlian_zh";
/// Memory the writer may buffer before flushing a segment, split among its threads.
const WRITER_BUDGET: usize = 128 * 1024 * 1024;

/// How much a word found in a title counts against one found in a description.
pub const TITLE_BOOST: f32 = 2.0;
/// A word of the subject's own title weighs this much more than one of its description.
pub const SUBJECT_TITLE_WEIGHT: f32 = 1.5;
/// Score a candidate gets for an industry that supplies or buys from the subject's: enough
/// to enter the pool with no shared word, less than a good textual match.
pub const CHAIN_SUPPLY_SCORE: f32 = 3.0;
/// Score for an industry of the subject's own 中类.
pub const CHAIN_SAME_SCORE: f32 = 1.5;
/// At most this many distinct words of a subject are considered.
pub const MAX_QUERY_WORDS: usize = 48;
/// Of those, at most this many (the rarest) are asked of the index.
pub const MAX_ASKED_WORDS: usize = 16;
/// A word held in a field by more than this share of all listings is not asked for in
/// that field…
pub const COMMON_SHARE: f64 = 0.05;
/// …unless it is held by no more than this many: a posting list this short costs nothing to
/// score, and a small index (a test, a new deployment) keeps every word.
pub const COMMON_MIN_LISTINGS: u64 = 500;
/// Query expansion by meaning (issue #16; docs/matching.md, “Query expansion from the
/// nearest by meaning”): the titles of the subject's this many nearest counterparts by
/// embedding (those the reader may see) lend their words to the lexical query…
pub const EXPANSION_NEIGHBOURS: usize = 5;
/// …each weighing this much against a word of the subject's description (1)…
pub const EXPANSION_WEIGHT: f32 = 0.25;
/// …at most this many of them (the rarest), asked after the subject's own words, which they
/// never displace.
pub const EXPANSION_WORDS: usize = 4;
/// A lent word is asked only where it narrows: held by no more than this share of the
/// listings (or by [`COMMON_MIN_LISTINGS`] at the most). A hint, not the subject's own word,
/// it is not worth scoring a long posting list for (at a million synthetic listings the
/// lent words at [`COMMON_SHARE`] made the lexical pool p95 19.5 → 33.1 ms).
pub const EXPANSION_SHARE: f64 = 0.005;
/// Lists the expansion's neighbour search reads at the least (the stage's own reads
/// [`semantic::PROBES`]): the lent words need near listings, not exactly the nearest, and this
/// search runs before the lexical query, not beside it. No effect below [`semantic::IVF_FROM`]
/// listings, where every search is exhaustive.
pub const EXPANSION_PROBES: usize = 2;
/// Every listing's industry path holds this many values (the code, its ancestors, then
/// padding), so its field length is the same everywhere and a chain term's BM25 score is
/// exactly the boost it is given: see [`TantivyIndex::chain_clause`].
const INDUSTRY_PATH_LEN: usize = 4;
const NO_INDUSTRY: &str = "-";

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    kind: Field,
    category: Field,
    title: Field,
    description: Field,
    industry: Field,
    industry_path: Field,
    urgency: Field,
    reach: Field,
    unit_id: Field,
    town: Field,
    clusters: Field,
    published_on: Field,
    valid_until: Field,
    audience: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default().set_tokenizer(TOKENIZER).set_index_option(IndexRecordOption::WithFreqs),
        )
        .set_stored();
    // Raw codes with frequencies: a TermScorer that reads frequencies is what Block-WAND needs.
    let path = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default().set_tokenizer("raw").set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        id: b.add_i64_field("id", INDEXED | STORED | FAST),
        kind: b.add_u64_field(collect::KIND, STORED | FAST),
        category: b.add_text_field("category", STORED),
        title: b.add_text_field("title", text.clone()),
        description: b.add_text_field("description", text),
        industry: b.add_text_field("industry", STORED),
        industry_path: b.add_text_field("industry_path", path),
        urgency: b.add_text_field("urgency", STORED),
        reach: b.add_text_field("reach", STORED),
        unit_id: b.add_i64_field("unit_id", STORED),
        town: b.add_text_field("town", STORED),
        clusters: b.add_i64_field("clusters", STORED),
        published_on: b.add_i64_field("published_on", STORED),
        valid_until: b.add_i64_field(collect::VALID_UNTIL, STORED | FAST),
        audience: b.add_u64_field(collect::AUDIENCE, FAST),
    };
    (b.build(), fields)
}

fn err(context: &str) -> impl Fn(tantivy::TantivyError) -> SearchError + '_ {
    move |e| SearchError(format!("{context}：{e}"))
}

pub(crate) fn day_number(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce())
}

fn date_of(n: i64) -> Option<NaiveDate> {
    i32::try_from(n).ok().and_then(NaiveDate::from_num_days_from_ce_opt)
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Payload {
    schema: u32,
    up_to: i64,
}

struct Inner {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    f: Fields,
    /// The semantic stage's vectors, in memory: applied with the text, read again from the
    /// database when an index is opened from disk (`SearchIndex::hold_vectors`).
    vectors: RwLock<Vectors>,
    /// Query expansion by meaning on (the default) or off (for comparing).
    expansion: AtomicBool,
    /// The weight of the problem → remedy table's lent words, as `f32` bits: the table's
    /// [`remedies::REMEDY_WEIGHT`] by default, 0 for off (for comparing).
    remedies: AtomicU32,
}

/// The tantivy index of listings. Cloning is cheap: clones share one index, one reader and
/// one writer, as the web server's handlers do.
#[derive(Clone)]
pub struct TantivyIndex {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for TantivyIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TantivyIndex").finish_non_exhaustive()
    }
}

impl TantivyIndex {
    /// Opens the index in `dir`, creating the folder and an empty index when missing. An
    /// index of another schema version is emptied (and reads as applied up to 0).
    pub fn open(dir: &Path) -> Result<TantivyIndex, SearchError> {
        std::fs::create_dir_all(dir).map_err(|e| SearchError(format!("不能创建索引目录 {}：{e}", dir.display())))?;
        let (schema, f) = schema();
        let exists = dir.join("meta.json").exists();
        let index = if exists {
            let index = Index::open_in_dir(dir).map_err(err("打开索引"))?;
            let current = index
                .load_metas()
                .ok()
                .and_then(|m| m.payload)
                .and_then(|p| serde_json::from_str::<Payload>(&p).ok())
                .is_some_and(|p| p.schema == SCHEMA_VERSION);
            if current && index.schema() == schema {
                index
            } else {
                tracing::warn!(dir = %dir.display(), "搜索索引版本不同，清空后重建");
                drop(index);
                for entry in std::fs::read_dir(dir).map_err(|e| SearchError(format!("读取索引目录：{e}")))? {
                    let path = entry.map_err(|e| SearchError(format!("读取索引目录：{e}")))?.path();
                    let removed =
                        if path.is_dir() { std::fs::remove_dir_all(&path) } else { std::fs::remove_file(&path) };
                    removed.map_err(|e| SearchError(format!("清空索引目录：{e}")))?;
                }
                Index::create_in_dir(dir, schema).map_err(err("创建索引"))?
            }
        } else {
            Index::create_in_dir(dir, schema).map_err(err("创建索引"))?
        };
        TantivyIndex::from_index(index, f)
    }

    /// Turns query expansion by meaning ([`EXPANSION_NEIGHBOURS`]) on or off for this index
    /// and its clones; on unless turned off (the evaluation compares the two).
    pub fn set_expansion(&self, on: bool) {
        self.inner.expansion.store(on, Ordering::Relaxed);
    }

    /// Weighs the problem → remedy table's lent words ([`remedies`]) for this index and its
    /// clones: 0 turns them off (for the evaluation and the benchmark; the product keeps
    /// [`remedies::REMEDY_WEIGHT`]).
    pub fn set_remedy_weight(&self, weight: f32) {
        self.inner.remedies.store(weight.to_bits(), Ordering::Relaxed);
    }

    /// An index in memory, for tests and the evaluation.
    pub fn in_memory() -> Result<TantivyIndex, SearchError> {
        let (schema, f) = schema();
        TantivyIndex::from_index(Index::create_in_ram(schema), f)
    }

    fn from_index(index: Index, f: Fields) -> Result<TantivyIndex, SearchError> {
        analysis::warm_up();
        remedies::warm_up();
        index.tokenizers().register(TOKENIZER, TextAnalyzer::from(analysis::ZhTokenizer));
        let threads = std::thread::available_parallelism().map(|n| n.get().clamp(1, 4)).unwrap_or(1);
        let writer = index.writer_with_num_threads(threads, WRITER_BUDGET).map_err(err("打开索引写入器"))?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into().map_err(err("打开索引"))?;
        Ok(TantivyIndex {
            inner: Arc::new(Inner {
                index,
                reader,
                writer: Mutex::new(writer),
                f,
                vectors: RwLock::default(),
                expansion: AtomicBool::new(true),
                remedies: AtomicU32::new(remedies::REMEDY_WEIGHT.to_bits()),
            }),
        })
    }

    fn document(&self, doc: &ListingDoc) -> TantivyDocument {
        let f = &self.inner.f;
        let mut d = TantivyDocument::default();
        d.add_i64(f.id, doc.id);
        d.add_u64(f.kind, collect::kind_number(doc.kind));
        d.add_text(f.category, doc.category.code());
        d.add_text(f.title, &doc.title);
        d.add_text(f.description, &doc.description);
        let path = doc.industry.map(IndustryCode::lineage).unwrap_or_default();
        if let Some(code) = doc.industry {
            d.add_text(f.industry, code.as_str());
        }
        for c in path.iter().copied().chain(std::iter::repeat(NO_INDUSTRY)).take(INDUSTRY_PATH_LEN) {
            d.add_text(f.industry_path, c);
        }
        d.add_text(f.urgency, doc.urgency.code());
        d.add_text(f.reach, doc.reach.code());
        d.add_i64(f.unit_id, doc.owner.unit_id);
        if let Some(town) = doc.owner.town {
            d.add_text(f.town, town.as_str());
        }
        for c in &doc.owner.clusters {
            d.add_i64(f.clusters, *c);
        }
        d.add_i64(f.published_on, day_number(doc.published_on));
        d.add_i64(f.valid_until, day_number(doc.valid_until));
        for key in doc.audience() {
            d.add_u64(f.audience, collect::key_hash(&key));
        }
        d
    }

    fn read_doc(&self, searcher: &Searcher, at: DocAddress) -> Result<ListingDoc, SearchError> {
        let f = &self.inner.f;
        let d: TantivyDocument = searcher.doc(at).map_err(err("读取索引文档"))?;
        let text = |field: Field| d.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
        let int = |field: Field| d.get_first(field).and_then(|v| v.as_i64());
        let bad = |what: &str| SearchError(format!("索引文档缺少或无法识别{what}，请重建索引（qunlian reindex）"));
        let date = |field: Field, what: &str| int(field).and_then(date_of).ok_or_else(|| bad(what));
        Ok(ListingDoc {
            id: int(f.id).ok_or_else(|| bad("编号"))?,
            kind: d
                .get_first(f.kind)
                .and_then(|v| v.as_u64())
                .and_then(collect::kind_of_number)
                .ok_or_else(|| bad("类型"))?,
            category: ListingCategory::from_code(&text(f.category)).map_err(|_| bad("类别"))?,
            title: text(f.title),
            description: text(f.description),
            industry: Some(text(f.industry)).filter(|s| !s.is_empty()).and_then(|s| IndustryCode::parse(&s).ok()),
            urgency: Urgency::from_code(&text(f.urgency)).map_err(|_| bad("紧急程度"))?,
            reach: Reach::from_code(&text(f.reach)).map_err(|_| bad("发布范围"))?,
            owner: Place {
                unit_id: int(f.unit_id).ok_or_else(|| bad("发布单位"))?,
                town: Some(text(f.town)).filter(|s| !s.is_empty()).and_then(|s| RegionCode::parse(&s).ok()),
                clusters: d.get_all(f.clusters).filter_map(|v| v.as_i64()).collect(),
            },
            published_on: date(f.published_on, "发布日期")?,
            valid_until: date(f.valid_until, "有效期")?,
        })
    }

    /// Runs `clauses` (a disjunction) keeping what `filter` admits, reads the top `limit`
    /// documents and the words each shares with `subject_words`. `chain_codes` are the
    /// industry codes whose score is taken back out of the text score (ranking adds its own
    /// chain weight).
    fn collect(
        &self,
        searcher: &Searcher,
        clauses: Vec<(Occur, Box<dyn Query>)>,
        filter: FilteredTop,
        subject_words: &[String],
        lent_words: &[String],
        chain_codes: &[(String, f32)],
    ) -> Result<Vec<Candidate>, SearchError> {
        if clauses.is_empty() {
            return Ok(Vec::new());
        }
        let query = BooleanQuery::new(clauses);
        let top = searcher.search(&query, &filter).map_err(err("检索"))?;
        let mut out = Vec::with_capacity(top.len());
        for (score, at) in top {
            let doc = self.read_doc(searcher, at)?;
            let chain: f32 = match doc.industry {
                Some(code) => {
                    let path = code.lineage();
                    chain_codes.iter().filter(|(c, _)| path.contains(&c.as_str())).map(|(_, s)| s).sum()
                }
                None => 0.0,
            };
            let held: HashSet<String> =
                analysis::words(&format!("{} {}", doc.title, doc.description)).into_iter().collect();
            let matched_terms = analysis::shared_words(subject_words, &held);
            // What is left of the score once the chain's share is taken out; float noise
            // of a pure chain neighbour reads as no text at all.
            let text = score - chain;
            let text_score = if text < 1e-3 { 0.0 } else { text };
            // No word of the subject a broker could be told of, but a word lent by the
            // nearest by meaning: found by meaning (ranked by the semantic stage).
            let by_meaning =
                text_score > 0.0 && matched_terms.is_empty() && lent_words.iter().any(|w| held.contains(w));
            out.push(Candidate { doc, text_score, matched_terms, by_meaning });
        }
        Ok(out)
    }
}

impl SearchIndex for TantivyIndex {
    fn apply(&self, changes: Vec<IndexChange>, up_to: i64) -> Result<(), SearchError> {
        let f = self.inner.f;
        let mut writer = self.inner.writer.lock().map_err(|_| SearchError("索引写入器不可用".to_owned()))?;
        let mut vectors = self.vectors_mut()?;
        for change in changes {
            match change {
                IndexChange::Upsert(doc, vector) => {
                    writer.delete_term(Term::from_field_i64(f.id, doc.id));
                    writer.add_document(self.document(&doc)).map_err(err("写入索引"))?;
                    match vector {
                        Some(v) => vectors.insert(&doc, &v),
                        None => vectors.remove(doc.id),
                    }
                }
                IndexChange::Remove(id) => {
                    writer.delete_term(Term::from_field_i64(f.id, id));
                    vectors.remove(id);
                }
            }
        }
        vectors.maintain();
        drop(vectors);
        commit(&mut writer, up_to)?;
        drop(writer);
        self.inner.reader.reload().map_err(err("刷新索引"))
    }

    fn applied_up_to(&self) -> Result<i64, SearchError> {
        let metas = self.inner.index.load_metas().map_err(err("读取索引状态"))?;
        Ok(metas
            .payload
            .and_then(|p| serde_json::from_str::<Payload>(&p).ok())
            .filter(|p| p.schema == SCHEMA_VERSION)
            .map_or(0, |p| p.up_to))
    }

    fn clear(&self) -> Result<(), SearchError> {
        let mut writer = self.inner.writer.lock().map_err(|_| SearchError("索引写入器不可用".to_owned()))?;
        writer.delete_all_documents().map_err(err("清空索引"))?;
        self.vectors_mut()?.clear();
        commit(&mut writer, 0)?;
        drop(writer);
        self.inner.reader.reload().map_err(err("刷新索引"))
    }

    fn candidates(
        &self,
        subject: &ListingDoc,
        visibility: &Visibility,
        today: NaiveDate,
        pool: usize,
    ) -> Result<Vec<Candidate>, SearchError> {
        let Some(filter) =
            FilteredTop::new(pool, Some(subject.kind.counterpart()), visibility, today, Some(subject.id))
        else {
            return Ok(Vec::new());
        };
        let searcher = self.inner.reader.searcher();
        let words = weighted_words(&subject.title, &subject.description);
        let mut asked = self.query_words(&searcher, &words, false)?;
        // Words lent by the nearest by meaning and by the need's remedies, after its own: a
        // word only they lend is no shared word (`collect` is given the subject's words), so
        // the reasons never name it.
        let lent = self.lent_words(&searcher, subject, &words, visibility, today)?;
        let lent_words: Vec<String> = lent.iter().map(|a| a.word.clone()).collect();
        asked.extend(lent);
        let mut clauses = self.word_clauses(&asked);
        let mut chain_codes: Vec<(String, f32)> = Vec::new();
        if let Some(own) = subject.industry {
            let group = own.group();
            if let Some(g) = group {
                chain_codes.push((g.to_owned(), CHAIN_SAME_SCORE));
            }
            for (code, _) in chain_neighbours(own) {
                if !chain_codes.iter().any(|(c, _)| c == code) {
                    chain_codes.push((code.to_owned(), CHAIN_SUPPLY_SCORE));
                }
            }
        }
        chain_codes.retain(|(code, _)| code.as_str() != NO_INDUSTRY);
        let mut used = Vec::with_capacity(chain_codes.len());
        for (code, score) in chain_codes {
            if let Some(q) = self.chain_clause(&searcher, &code, score)? {
                clauses.push((Occur::Should, q));
                used.push((code, score));
            }
        }
        let subject_words: Vec<String> = words.into_iter().map(|(w, _)| w).collect();
        self.collect(&searcher, clauses, filter, &subject_words, &lent_words, &used)
    }

    fn search(
        &self,
        text: &str,
        kind: Option<ListingKind>,
        visibility: &Visibility,
        today: NaiveDate,
        limit: usize,
    ) -> Result<Vec<Candidate>, SearchError> {
        let Some(filter) = FilteredTop::new(limit, kind, visibility, today, None) else {
            return Ok(Vec::new());
        };
        let searcher = self.inner.reader.searcher();
        let words = weighted_words(text, "");
        let clauses = self.word_clauses(&self.query_words(&searcher, &words, false)?);
        let subject_words: Vec<String> = words.into_iter().map(|(w, _)| w).collect();
        self.collect(&searcher, clauses, filter, &subject_words, &[], &[])
    }

    fn neighbours(
        &self,
        subject: &ListingDoc,
        vector: &ListingVector,
        visibility: &Visibility,
        today: NaiveDate,
        k: usize,
    ) -> Result<Vec<(ListingDoc, f32)>, SearchError> {
        let Some(filter) = Filter::counterparts_of(subject, visibility, today) else {
            return Ok(Vec::new());
        };
        let near = self.vectors()?.neighbours(vector, k, &filter);
        let searcher = self.inner.reader.searcher();
        let mut docs = self.docs_by_ids(&searcher, &near.iter().map(|&(id, _)| id).collect::<Vec<_>>())?;
        // A vector applied with its text is always found; a listing removed meanwhile is not.
        Ok(near.into_iter().filter_map(|(id, cosine)| docs.remove(&id).map(|doc| (doc, cosine))).collect())
    }

    fn similarities(&self, vector: &ListingVector, ids: &[i64]) -> Result<Vec<(i64, f32)>, SearchError> {
        let vectors = self.vectors()?;
        Ok(ids.iter().filter_map(|&id| vectors.similarity(vector, id).map(|s| (id, s))).collect())
    }

    fn hold_vectors(&self, items: Vec<(ListingDoc, ListingVector)>) -> Result<(), SearchError> {
        let mut vectors = self.vectors_mut()?;
        for (doc, v) in items {
            vectors.insert(&doc, &v);
        }
        vectors.maintain();
        Ok(())
    }

    fn vectors_len(&self) -> Result<u64, SearchError> {
        Ok(self.vectors()?.len() as u64)
    }

    fn remedies_answered(&self, need: &str, offers: &[&str]) -> Vec<Option<String>> {
        if f32::from_bits(self.inner.remedies.load(Ordering::Relaxed)) > 0.0 {
            remedies::answered(need, offers)
        } else {
            vec![None; offers.len()]
        }
    }

    fn len(&self) -> Result<u64, SearchError> {
        Ok(self.inner.reader.searcher().num_docs())
    }
}

impl TantivyIndex {
    fn vectors(&self) -> Result<std::sync::RwLockReadGuard<'_, Vectors>, SearchError> {
        self.inner.vectors.read().map_err(|_| SearchError("语义向量不可用".to_owned()))
    }

    fn vectors_mut(&self) -> Result<std::sync::RwLockWriteGuard<'_, Vectors>, SearchError> {
        self.inner.vectors.write().map_err(|_| SearchError("语义向量不可用".to_owned()))
    }

    /// Bytes the held vectors take.
    pub fn vector_bytes(&self) -> usize {
        self.vectors().map_or(0, |v| v.vector_bytes())
    }

    /// The listings indexed under `ids`, by id, in one query.
    fn docs_by_ids(&self, searcher: &Searcher, ids: &[i64]) -> Result<HashMap<i64, ListingDoc>, SearchError> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let q = TermSetQuery::new(ids.iter().map(|&id| Term::from_field_i64(self.inner.f.id, id)));
        let top = searcher.search(&q, &TopDocs::with_limit(ids.len()).order_by_score()).map_err(err("检索"))?;
        top.into_iter().map(|(_, at)| self.read_doc(searcher, at).map(|doc| (doc.id, doc))).collect()
    }
}

fn commit(writer: &mut IndexWriter, up_to: i64) -> Result<(), SearchError> {
    let payload = serde_json::to_string(&Payload { schema: SCHEMA_VERSION, up_to })
        .map_err(|e| SearchError(format!("索引状态：{e}")))?;
    let mut prepared = writer.prepare_commit().map_err(err("提交索引"))?;
    prepared.set_payload(&payload);
    prepared.commit().map_err(err("提交索引"))?;
    Ok(())
}
