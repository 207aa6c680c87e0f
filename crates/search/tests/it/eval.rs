//! The matching evaluations: needs and their known good offers, worded differently, among
//! thousands of synthetic distractors, ranked as the product ranks them — with the
//! semantic stage off (the index's pool, then `rank`) and on (the pool joined to the
//! nearest neighbours by embedding, one fused ranking: `qunlian_search::semantic`).
//!
//! - The tuning set (reference/matching-eval/): prints recall@10 and MRR and fails below the
//!   floors docs/matching.md justifies, semantic stage on or off.
//! - Tuning set B (reference/matching-eval-tuning-b/): written blind, then tuned on; printed
//!   per kind of gap and fails below its floors with the semantic stage on (off, words alone
//!   miss what it was written to test).
//! - Tuning set C (reference/matching-eval-tuning-c/): written blind after B, read once
//!   untouched, then tuned on; printed per kind and fails below its floors with the stage on.
//! - Tuning set D (reference/matching-eval-tuning-d/): written blind after C, read once
//!   untouched, then tuned on; printed per kind and fails below its floors with the stage on.
//! - The independent set (reference/matching-eval-independent/): printed overall and per kind
//!   of gap, **never asserted** — it was written without reading the ranker and is not tuned
//!   on. Its test checks only that the set loads whole (60 needs, every need with an answer).
//!
//! 语义 off and the index's order are the pool without query expansion by meaning (the
//! product with the stage off holds no vectors); 语义 on is the pool with it, as served. The
//! problem → remedy table lends its words in both, as in the product.

use std::collections::HashMap;
use std::time::Instant;

use chrono::NaiveDate;
use qunlian_domain::matching::{IndexChange, ListingDoc, ListingVector, SearchIndex, Visibility, rank};
use qunlian_embed::StaticE5;
use qunlian_search::TantivyIndex;
use qunlian_search::eval::{self, EvalSet, Scores, Set};
use qunlian_search::semantic;
use qunlian_search::synthetic::{self, Options};

/// Floors set a little under what was measured (see docs/matching.md, “评测”).
const RECALL_AT_10_FLOOR: f64 = 0.95;
const MRR_FLOOR: f64 = 0.87;
/// Set B's floors, with the semantic stage on: measured 0.912 / 0.703 with the problem →
/// remedy table (0.894 / 0.686 before it, 0.881 / 0.663 before the query expansion by meaning;
/// docs/matching.md); each of its 80 needs is 0.0125 of recall@10, so two may drop out.
const B_RECALL_AT_10_FLOOR: f64 = 0.88;
const B_MRR_FLOOR: f64 = 0.68;
/// Set C's floors, with the semantic stage on: read untouched at 0.900 / 0.800, then 0.925 /
/// 0.845 with the wider tables and the temperature and code words (docs/matching.md, “A third
/// blind set”); two of its 80 needs may drop out.
const C_RECALL_AT_10_FLOOR: f64 = 0.90;
const C_MRR_FLOOR: f64 = 0.82;
/// Set D's floors, with the semantic stage on: read untouched at 0.950 / 0.856, the same after
/// the remedy table's third pass; two of its 80 needs may drop out.
const D_RECALL_AT_10_FLOOR: f64 = 0.92;
const D_MRR_FLOOR: f64 = 0.83;
/// Synthetic distractors beside the evaluation's offers.
const DISTRACTORS: usize = 5_000;
/// Candidates the index returns before ranking, as the store asks for.
const POOL: usize = 100;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
}

/// Scores of one way of ranking, overall and per kind of gap.
struct Figures {
    all: Scores,
    kinds: Vec<(String, Scores)>,
}

/// The figures of a set: the index's order, the embedding's alone, and after ranking with
/// the semantic stage off and on.
struct Report {
    off: Figures,
    on: Figures,
}

/// Ranks every need of `set` among its offers and the synthetic distractors, semantic stage
/// off and on; prints the figures (and the needs missed) and returns them.
fn evaluate(set: Set, eval: &EvalSet) -> Report {
    let EvalSet { needs, offers, relevant, kinds } = eval;
    let options = Options { seed: 2026, first_id: 100_000, offer_percent: 85, today: today() };
    let distractors: Vec<ListingDoc> = synthetic::listings(DISTRACTORS, &options).collect();

    // The product's path: every listing indexed with its int8 vector, as the store applies
    // them; neighbours and cosines asked of the index.
    let index = TantivyIndex::in_memory().unwrap();
    let all: Vec<ListingDoc> = needs.iter().chain(offers).chain(&distractors).cloned().collect();
    let embedder = StaticE5::bundled().unwrap();
    let (count, started) = (all.len(), Instant::now());
    let vectors: HashMap<i64, ListingVector> = all.iter().map(|d| (d.id, semantic::embed(embedder, d))).collect();
    let took = started.elapsed();
    index.apply(all.iter().map(|d| IndexChange::Upsert(d.clone(), vectors.get(&d.id).cloned())).collect(), 1).unwrap();
    println!(
        "{}：语义向量 {count} 条，用时 {:.0} ms（每条 {:.1} µs，含分词）",
        set.label(),
        took.as_secs_f64() * 1000.0,
        took.as_secs_f64() * 1e6 / count as f64
    );

    let titles: HashMap<i64, String> = offers.iter().chain(&distractors).map(|d| (d.id, d.title.clone())).collect();
    // Per need: the index's order, the embedding's, ranked (语义 off), fused (语义 on).
    let mut lists: [HashMap<i64, Vec<i64>>; 4] = Default::default();
    for need in needs {
        // Words and chain alone: the product with the semantic stage off holds no vectors,
        // so its index lends no words by meaning either.
        index.set_expansion(false);
        let found = index.candidates(need, &Visibility::Everything, today(), POOL).unwrap();
        index.set_expansion(true);
        let expanded = index.candidates(need, &Visibility::Everything, today(), POOL).unwrap();
        let vector = &vectors[&need.id];
        let near = index.neighbours(need, vector, &Visibility::Everything, today(), semantic::NEIGHBOURS).unwrap();
        let off: Vec<i64> = rank(need, found.clone(), today(), 10).iter().map(|m| m.listing_id).collect();
        let on: Vec<i64> = semantic::semantic_matches(
            &index,
            need,
            vector,
            || Ok(expanded),
            &Visibility::Everything,
            |_| true,
            today(),
            10,
        )
        .unwrap()
        .iter()
        .map(|m| m.listing_id)
        .collect();
        for (label, ranked) in [("语义 off", &off), ("语义 on", &on)] {
            if !ranked.iter().any(|id| relevant[&need.id].contains(id)) {
                let top: Vec<&str> = ranked.iter().take(3).map(|id| titles[id].as_str()).collect();
                println!("{} {label} 未命中 需求{} {}：前三为 {:?}", set.label(), need.id, need.title, top);
            }
        }
        lists[0].insert(need.id, found.iter().map(|c| c.doc.id).collect());
        lists[1].insert(need.id, near.iter().map(|(d, _)| d.id).collect());
        lists[2].insert(need.id, off);
        lists[3].insert(need.id, on);
    }
    let score_of = |ids: &[i64], lists: &HashMap<i64, Vec<i64>>| {
        let got: Vec<Vec<i64>> = ids.iter().map(|id| lists[id].clone()).collect();
        let want: Vec<Vec<i64>> = ids.iter().map(|id| relevant[id].clone()).collect();
        eval::score(&got, &want)
    };
    let ids: Vec<i64> = needs.iter().map(|n| n.id).collect();
    println!(
        "{}：{} 条需求，{} 条供给（含本集干扰项），{} 条合成干扰",
        set.label(),
        needs.len(),
        offers.len(),
        distractors.len()
    );
    let figures = |label: &str, lists: &HashMap<i64, Vec<i64>>| {
        let all = score_of(&ids, lists);
        println!("{} {label}：recall@10 {:.3} MRR {:.3}", set.label(), all.recall_at_10, all.mrr);
        let kinds = kinds
            .iter()
            .map(|(kind, ids)| {
                let s = score_of(ids, lists);
                println!(
                    "{}  {label} 类别 {kind}（{} 条）：recall@10 {:.3} MRR {:.3}",
                    set.label(),
                    ids.len(),
                    s.recall_at_10,
                    s.mrr
                );
                (kind.clone(), s)
            })
            .collect();
        Figures { all, kinds }
    };
    figures("仅文本（索引顺序）", &lists[0]);
    figures("仅语义（向量近邻）", &lists[1]);
    Report {
        off: figures("语义 off（排序后）", &lists[2]), on: figures("语义 on（融合排序）", &lists[3])
    }
}

#[test]
fn matching_finds_the_known_good_offers() {
    let set = eval::load_set(Set::Tuning, today(), 0).unwrap();
    assert!(set.needs.len() >= 60, "at least 60 needs");
    assert!(set.needs.iter().all(|n| set.relevant.contains_key(&n.id)), "every need has a good offer");
    let report = evaluate(Set::Tuning, &set);
    for (label, f) in [("语义 off", &report.off), ("语义 on", &report.on)] {
        assert!(
            f.all.recall_at_10 >= RECALL_AT_10_FLOOR,
            "{label}: recall@10 {:.3} below {RECALL_AT_10_FLOOR}",
            f.all.recall_at_10
        );
        assert!(f.all.mrr >= MRR_FLOOR, "{label}: MRR {:.3} below {MRR_FLOOR}", f.all.mrr);
    }
}

/// A blind tuning set (B, C, D) of `needs` needs and `offers` offers of its own: loaded
/// whole, every need in one of the kinds a–e, and its floors held with the semantic stage on.
fn holds_its_floors(which: Set, (needs, offers): (usize, usize), (recall_floor, mrr_floor): (f64, f64)) {
    let set = eval::load_set(which, today(), 0).unwrap();
    assert_eq!((set.needs.len(), set.offers.len()), (needs, offers), "the set loaded whole");
    assert!(set.needs.iter().all(|n| set.relevant.contains_key(&n.id)), "every need has a good offer");
    let report = evaluate(which, &set);
    assert_eq!(report.on.kinds.len(), 5, "every need in one of the kinds a–e");
    let on = report.on.all;
    assert!(on.recall_at_10 >= recall_floor, "语义 on: recall@10 {:.3} below {recall_floor}", on.recall_at_10);
    assert!(on.mrr >= mrr_floor, "语义 on: MRR {:.3} below {mrr_floor}", on.mrr);
}

/// Set B: 80 needs, 104 good offers and 251 distractors.
#[test]
fn matching_finds_tuning_set_bs_good_offers() {
    holds_its_floors(Set::TuningB, (80, 355), (B_RECALL_AT_10_FLOOR, B_MRR_FLOOR));
}

/// Set C, written blind after B: read once untouched (docs/matching.md gives those figures),
/// then tuned on. 80 needs, 113 good offers and 270 distractors.
#[test]
fn matching_finds_tuning_set_cs_good_offers() {
    holds_its_floors(Set::TuningC, (80, 383), (C_RECALL_AT_10_FLOOR, C_MRR_FLOOR));
}

/// Set D, written blind after C: read once untouched (docs/matching.md gives those figures),
/// then tuned on. 80 needs, 94 good offers and 270 distractors.
#[test]
fn matching_finds_tuning_set_ds_good_offers() {
    holds_its_floors(Set::TuningD, (80, 364), (D_RECALL_AT_10_FLOOR, D_MRR_FLOOR));
}

/// Reports the independent set; asserts only that it loaded whole (see the module comment).
#[test]
fn independent_set_is_scored_and_reported() {
    let set = eval::load_set(Set::Independent, today(), 0).unwrap();
    assert_eq!(set.needs.len(), 60, "60 needs");
    assert_eq!(set.offers.len(), 280, "80 good offers and 200 distractors");
    assert!(set.needs.iter().all(|n| set.relevant.contains_key(&n.id)), "every need has a good offer");
    let in_kinds: usize = set.kinds.iter().map(|(_, ids)| ids.len()).sum();
    assert_eq!((set.kinds.len(), in_kinds), (5, 60), "every need in one of the kinds a–e");
    let report = evaluate(Set::Independent, &set);
    assert_eq!((report.off.kinds.len(), report.on.kinds.len()), (5, 5));
}
