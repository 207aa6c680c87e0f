//! The grid the fusion and the pieces' weighting were chosen from (docs/matching.md, “A second
//! tuning set, and the fusion”): every weighting of the vectors × every way of fusing the
//! words' and the meaning's candidates, scored on the **two tuning sets only**, each among
//! the eval test's 5,000 synthetic listings. The independent set is not loaded here: it is
//! never tuned on.
//!
//! `cargo run -p qunlian-search --example fusion_grid` prints one line per setting:
//! `vector fusion  tuning r/m  B r/m  both r/m` (recall@10 / MRR; both weights the sets by
//! their needs), the served setting marked `*`.

use std::collections::HashMap;

use chrono::NaiveDate;
use qunlian_domain::matching::{IndexChange, ListingDoc, ListingVector, SearchIndex, Visibility};
use qunlian_embed::{SIF_A, StaticE5, Weighting};
use qunlian_search::TantivyIndex;
use qunlian_search::eval::{self, EvalSet, Fusion, Gathered, Scores, Set, top10};
use qunlian_search::semantic;
use qunlian_search::synthetic::{self, Options};

/// The most neighbours any setting reads.
const MOST_NEIGHBOURS: usize = 60;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).unwrap_or_default()
}

fn needs_of(set: &EvalSet, embedder: &StaticE5, weighting: Weighting) -> Result<Vec<Gathered>, String> {
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
    let vector_of = |d: &ListingDoc| vectors[&d.id].clone();
    set.needs
        .iter()
        .map(|need| {
            eval::gather(&index, need, &vector_of, &Visibility::Everything, today(), 100, MOST_NEIGHBOURS).map_err(err)
        })
        .collect()
}

fn main() -> Result<(), String> {
    let embedder = StaticE5::bundled().map_err(|e| e.to_string())?;
    let sets = [eval::load_set(Set::Tuning, today(), 0)?, eval::load_set(Set::TuningB, today(), 0)?];
    let weightings = [
        ("mean", Weighting::Mean),
        ("SIF 1e-5", Weighting::Sif(1e-5)),
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
    let served = Fusion::SERVED;
    for (name, weighting) in weightings {
        let needs: Vec<Vec<Gathered>> =
            sets.iter().map(|s| needs_of(s, embedder, weighting)).collect::<Result<_, _>>()?;
        let score = |set: &EvalSet, needs: &[Gathered], pick: &dyn Fn(&Gathered) -> Vec<i64>| -> Scores {
            let got: Vec<Vec<i64>> = needs.iter().map(pick).collect();
            let want: Vec<Vec<i64>> =
                needs.iter().map(|n| set.relevant.get(&n.need.id).cloned().unwrap_or_default()).collect();
            eval::score(&got, &want)
        };
        let line = |label: String, pick: &dyn Fn(&Gathered) -> Vec<i64>| {
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
        line(format!("  {name:<9} embedding alone"), &|n: &Gathered| n.meaning().take(10).collect());
        for &fusion in &fusions {
            let mark = if fusion == served && weighting == Weighting::Sif(SIF_A) { "*" } else { " " };
            line(format!("{mark} {name:<9} {fusion:?}"), &|n: &Gathered| top10(n, fusion));
        }
    }
    Ok(())
}
