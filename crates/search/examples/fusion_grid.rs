//! The grid the fusion and the pieces' weighting were chosen from (docs/matching.md, “A second
//! tuning set, and the fusion”): every weighting of the vectors × every way of fusing the
//! words' and the meaning's candidates, scored on the **two tuning sets only**, each among
//! the eval test's 5,000 synthetic listings. The independent set is not loaded here: it is
//! never tuned on.
//!
//! `cargo run -p qunlian-search --example fusion_grid` prints one line per setting:
//! `vector fusion  tuning r/m  B r/m  both r/m` (recall@10 / MRR; both weights the sets by
//! their needs), the served setting marked `*`.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use qunlian_domain::matching::{Candidate, IndexChange, ListingDoc, ListingVector, SearchIndex, Visibility, rank};
use qunlian_embed::{SIF_A, StaticE5, Weighting};
use qunlian_search::TantivyIndex;
use qunlian_search::eval::{self, EvalSet, Scores, Set};
use qunlian_search::semantic;
use qunlian_search::synthetic::{self, Options};

/// The most neighbours any setting reads.
const MOST_NEIGHBOURS: usize = 60;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).unwrap_or_default()
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Fusion {
    /// `rank`'s score + w × cosine, the first `k` neighbours (the fusion until 2026-12-05).
    Additive { w: f64, k: usize },
    /// `s_words / (c + place) + s_meaning / (c + place)`, the first `k` neighbours whose
    /// cosine is at least `min`.
    Reciprocal { c: f64, k: usize, meaning: f64, min: f32 },
}

/// What one need's candidates look like, computed once per weighting of the vectors.
struct Need {
    id: i64,
    /// The pool after `rank`, best first, with `rank`'s score.
    words: Vec<(i64, f64)>,
    /// The neighbours, nearest first: id, cosine, `rank`'s other parts for one with no word.
    meaning: Vec<(i64, f32, f64)>,
    /// Cosines of the pool's listings.
    cosines: HashMap<i64, f32>,
}

fn top10(n: &Need, fusion: Fusion) -> Vec<i64> {
    let mut all: Vec<(i64, f64)> = match fusion {
        Fusion::Additive { w, k } => {
            let near: HashMap<i64, f32> = n.meaning.iter().take(k).map(|x| (x.0, x.1)).collect();
            let pooled: HashSet<i64> = n.words.iter().map(|x| x.0).collect();
            let extra = n.meaning.iter().take(k).filter(|x| !pooled.contains(&x.0)).map(|x| (x.0, x.2));
            n.words
                .iter()
                .copied()
                .chain(extra)
                .map(|(id, score)| {
                    let cosine = near.get(&id).or_else(|| n.cosines.get(&id)).copied().unwrap_or(0.0);
                    (id, score + w * f64::from(cosine.max(0.0)))
                })
                .collect()
        }
        Fusion::Reciprocal { c, k, meaning, min } => {
            let mut score: HashMap<i64, f64> = HashMap::new();
            for (place, x) in n.words.iter().enumerate() {
                *score.entry(x.0).or_default() += 1.0 / (c + place as f64 + 1.0);
            }
            for (place, x) in n.meaning.iter().filter(|x| x.1 > 0.0 && x.1 >= min).take(k).enumerate() {
                *score.entry(x.0).or_default() += meaning / (c + place as f64 + 1.0);
            }
            score.into_iter().collect()
        }
    };
    all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    all.into_iter().take(10).map(|x| x.0).collect()
}

fn needs_of(set: &EvalSet, embedder: &StaticE5, weighting: Weighting) -> Result<Vec<Need>, String> {
    let err = |e: qunlian_domain::matching::SearchError| e.to_string();
    let options = Options { seed: 2026, first_id: 100_000, offer_percent: 85, today: today() };
    let distractors: Vec<ListingDoc> = synthetic::listings(5_000, &options).collect();
    let all: Vec<ListingDoc> = set.needs.iter().chain(&set.offers).chain(&distractors).cloned().collect();
    let vectors: HashMap<i64, ListingVector> = all
        .iter()
        .map(|d| (d.id, ListingVector::quantise(&embedder.embed_with(&semantic::listing_text(d), weighting))))
        .collect();
    let index = TantivyIndex::in_memory().map_err(err)?;
    index
        .apply(all.iter().map(|d| IndexChange::Upsert(d.clone(), vectors.get(&d.id).cloned())).collect(), 1)
        .map_err(err)?;
    let mut needs = Vec::with_capacity(set.needs.len());
    for need in &set.needs {
        let vector = &vectors[&need.id];
        let pool = index.candidates(need, &Visibility::Everything, today(), 100).map_err(err)?;
        let near = index.neighbours(need, vector, &Visibility::Everything, today(), MOST_NEIGHBOURS).map_err(err)?;
        let cosines = pool.iter().map(|c| (c.doc.id, vector.cosine(&vectors[&c.doc.id]))).collect();
        let meaning = near
            .into_iter()
            .map(|(doc, cosine)| {
                let id = doc.id;
                let alone = Candidate { doc, text_score: 0.0, matched_terms: vec![String::new()] };
                (id, cosine, rank(need, vec![alone], today(), 1).first().map_or(0.0, |m| m.score))
            })
            .collect();
        let words = rank(need, pool, today(), usize::MAX).into_iter().map(|m| (m.listing_id, m.score)).collect();
        needs.push(Need { id: need.id, words, meaning, cosines });
    }
    Ok(needs)
}

fn main() -> Result<(), String> {
    let embedder = StaticE5::bundled().map_err(|e| e.to_string())?;
    let sets = [eval::load_set(Set::Tuning, today(), 0)?, eval::load_set(Set::TuningB, today(), 0)?];
    let weightings = [
        ("mean", Weighting::Mean),
        ("SIF 3e-5", Weighting::Sif(3e-5)),
        ("SIF 1e-4", Weighting::Sif(1e-4)),
        ("SIF 3e-4", Weighting::Sif(3e-4)),
        ("SIF 1e-3", Weighting::Sif(1e-3)),
        ("SIF 1e-2", Weighting::Sif(1e-2)),
    ];
    let mut fusions = Vec::new();
    for w in [0.0, 2.0, 4.0, 6.0, 8.0, 12.0, 24.0] {
        fusions.extend([20, 40].map(|k| Fusion::Additive { w, k }));
    }
    for c in [5.0, 10.0, 20.0, 40.0, 60.0] {
        for k in [20, 40, 60] {
            for min in [0.0, 0.6, 0.65, 0.7] {
                fusions.extend([0.5, 1.0, 1.5].map(|meaning| Fusion::Reciprocal { c, k, meaning, min }));
            }
        }
    }
    let served = Fusion::Reciprocal {
        c: semantic::RANK_OFFSET,
        k: semantic::NEIGHBOURS,
        meaning: 1.0,
        min: semantic::MIN_COSINE,
    };
    for (name, weighting) in weightings {
        let needs: Vec<Vec<Need>> = sets.iter().map(|s| needs_of(s, embedder, weighting)).collect::<Result<_, _>>()?;
        let score = |set: &EvalSet, needs: &[Need], pick: &dyn Fn(&Need) -> Vec<i64>| -> Scores {
            let got: Vec<Vec<i64>> = needs.iter().map(pick).collect();
            let want: Vec<Vec<i64>> =
                needs.iter().map(|n| set.relevant.get(&n.id).cloned().unwrap_or_default()).collect();
            eval::score(&got, &want)
        };
        let line = |label: String, pick: &dyn Fn(&Need) -> Vec<i64>| {
            let s: Vec<(Scores, usize)> =
                sets.iter().zip(&needs).map(|(set, n)| (score(set, n, pick), n.len())).collect();
            let total: usize = s.iter().map(|x| x.1).sum();
            let both = |f: fn(&Scores) -> f64| s.iter().map(|(x, n)| f(x) * *n as f64).sum::<f64>() / total as f64;
            println!(
                "{label}  tuning {:.3} / {:.3}  B {:.3} / {:.3}  both {:.3} / {:.3}",
                s[0].0.recall_at_10,
                s[0].0.mrr,
                s[1].0.recall_at_10,
                s[1].0.mrr,
                both(|x| x.recall_at_10),
                both(|x| x.mrr)
            );
        };
        line(format!("  {name:<9} embedding alone"), &|n: &Need| n.meaning.iter().take(10).map(|x| x.0).collect());
        for &fusion in &fusions {
            let mark = if fusion == served && weighting == Weighting::Sif(SIF_A) { "*" } else { " " };
            line(format!("{mark} {name:<9} {fusion:?}"), &|n: &Need| top10(n, fusion));
        }
    }
    Ok(())
}
