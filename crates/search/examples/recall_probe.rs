//! Ways of building a listing's vector, of fusing and of asking the index, compared on the
//! **two tuning sets only** (issue #16's kinds of gap a–e), each set among the eval test's
//! 5,000 synthetic listings (`5k`) and alone without clusters (`bin`: as
//! `scripts/eval-binary.sh` puts it in a database; it reproduces that script's figures for
//! set B). The independent set is not loaded here: it is never tuned on.
//!
//! `cargo run -p qunlian-search --example recall_probe [variant…]` prints the served setting
//! and each variant: per set and condition recall@10 / MRR overall and per kind. A variant is
//! `key:value` pairs joined by commas: `noexp` (the index's query expansion by meaning off), `noremedy` (the problem → remedy
//! table off), `remedy:0.5` (its words' weight),
//! `title:1.5` (the title's pieces weighted against the description's), `centre` (the
//! vocabulary's mean taken out, `amount:`, `pieces:` the commonest pieces it is taken over,
//! `pmean` weighted by probability), `remove:3` (its principal directions projected out),
//! `industry:0.3` (the industry class's name embedded too), `max:0.3` (max-pooled pieces
//! added), `a:1e-4` (SIF's a), `w:8` (the cosine's weight), `z:0.5` (the cosine
//! standardised over the need's candidates). `DIAG=1` prints set B's good offers not ranked
//! first, with their places.

use std::collections::HashMap;

use chrono::NaiveDate;
use qunlian_domain::matching::{IndexChange, ListingDoc, ListingVector, SearchIndex, Visibility};
use qunlian_embed::{SIF_A, StaticE5, Weighting};
use qunlian_search::TantivyIndex;
use qunlian_search::eval::{self, EvalSet, Fusion, Gathered, Set, top10};
use qunlian_search::synthetic::{self, Options};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).unwrap_or_default()
}

/// How a vector is built.
#[derive(Clone, Debug)]
struct Variant {
    name: String,
    /// Weight of the title's pieces against the description's.
    title: f32,
    /// Subtract the vocabulary's mean (× the total weight).
    centre: bool,
    /// Which mean: 0 the plain mean of the commonest `pieces`, 1 weighted by probability.
    pmean: bool,
    pieces: usize,
    /// How much of the mean is subtracted.
    amount: f32,
    /// Principal directions of the vocabulary projected out.
    remove: usize,
    /// Weight of the industry class's name appended (0: not).
    industry: f32,
    a: f32,
    fusion: Fusion,
    /// The index's query expansion by meaning.
    expansion: bool,
    /// The problem → remedy table's lent words' weight (0: off).
    remedies: f32,
    /// Weight of the max-pooled (weighted) pieces added to the normalised sum.
    max: f32,
}

struct Common {
    mean: Vec<f32>,
    pmean: Vec<f32>,
    dirs: Vec<Vec<f32>>,
}

fn vector(e: &StaticE5, c: &Common, v: &Variant, d: &ListingDoc) -> Vec<f32> {
    let mut acc = vec![0.0f32; 384];
    let w = Weighting::Sif(v.a);
    let mut total = 0.0;
    if v.title == 1.0 {
        total += e.sum_into(&qunlian_search::semantic::listing_text(d), w, 1.0, &mut acc);
    } else {
        total += e.sum_into(&d.title, w, v.title, &mut acc);
        if !d.description.trim().is_empty() {
            total += e.sum_into(&format!("：{}", d.description), w, 1.0, &mut acc);
        }
    }
    if v.industry > 0.0
        && let Some(code) = d.industry
    {
        total += e.sum_into(code.name(), w, v.industry, &mut acc);
    }
    if v.centre {
        let mean = if v.pmean { &c.pmean } else { &c.mean };
        acc.iter_mut().zip(mean).for_each(|(x, m)| *x -= v.amount * total * m);
    }
    for dir in c.dirs.iter().take(v.remove) {
        let p: f32 = acc.iter().zip(dir).map(|(a, b)| a * b).sum();
        acc.iter_mut().zip(dir).for_each(|(a, b)| *a -= p * b);
    }
    let norm = acc.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        acc.iter_mut().for_each(|x| *x /= norm);
    }
    if v.max > 0.0 {
        let mut hi = vec![f32::NEG_INFINITY; 384];
        let mut lo = vec![f32::INFINITY; 384];
        for id in e.tokenize(&qunlian_search::semantic::listing_text(d)) {
            let p = e.probability(id);
            let w = v.a / (v.a + p);
            for ((h, l), x) in hi.iter_mut().zip(lo.iter_mut()).zip(e.row(id)) {
                *h = h.max(w * x);
                *l = l.min(w * x);
            }
        }
        // The component of largest magnitude, with its sign.
        let mut m: Vec<f32> = hi
            .iter()
            .zip(&lo)
            .map(|(&h, &l)| if h.is_finite() { if h.abs() >= l.abs() { h } else { l } } else { 0.0 })
            .collect();
        let n = m.iter().map(|x| x * x).sum::<f32>().sqrt();
        if n > 0.0 {
            m.iter_mut().for_each(|x| *x /= n);
        }
        acc.iter_mut().zip(&m).for_each(|(a, x)| *a += v.max * x);
        let norm = acc.iter().map(|x| x * x).sum::<f32>().sqrt();
        if norm > 0.0 {
            acc.iter_mut().for_each(|x| *x /= norm);
        }
    }
    acc
}

fn gather_set(
    set: &EvalSet,
    alone: bool,
    expansion: bool,
    remedies: f32,
    vec_of: &dyn Fn(&ListingDoc) -> Vec<f32>,
) -> Result<Vec<Gathered>, String> {
    let err = |e: qunlian_domain::matching::SearchError| e.to_string();
    let options = Options { seed: 2026, first_id: 100_000, offer_percent: 85, today: today() };
    let distractors: Vec<ListingDoc> = if alone { Vec::new() } else { synthetic::listings(5_000, &options).collect() };
    let mut all: Vec<ListingDoc> = set.needs.iter().chain(&set.offers).chain(&distractors).cloned().collect();
    if alone {
        for d in &mut all {
            d.owner.clusters.clear();
        }
    }
    let vectors: HashMap<i64, ListingVector> =
        all.iter().map(|d| (d.id, ListingVector::quantise(&vec_of(d)))).collect();
    let index = TantivyIndex::in_memory().map_err(err)?;
    index.set_expansion(expansion);
    index.set_remedy_weight(remedies);
    index
        .apply(all.iter().map(|d| IndexChange::Upsert(d.clone(), vectors.get(&d.id).cloned())).collect(), 1)
        .map_err(err)?;
    let by_id: HashMap<i64, &ListingDoc> = all.iter().map(|d| (d.id, d)).collect();
    let vector_of = |d: &ListingDoc| vectors[&d.id].clone();
    set.needs
        .iter()
        .map(|need| {
            let need = by_id[&need.id];
            eval::gather(&index, need, &vector_of, &Visibility::Everything, today(), 100, 20).map_err(err)
        })
        .collect()
}

fn main() -> Result<(), String> {
    let e = StaticE5::bundled().map_err(|x| x.to_string())?;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let base = Variant {
        name: "served".into(),
        title: 1.0,
        centre: false,
        remove: 0,
        industry: 0.0,
        a: SIF_A,
        pmean: false,
        pieces: 30_000,
        amount: 1.0,
        fusion: Fusion::SERVED,
        max: 0.0,
        expansion: true,
        remedies: qunlian_search::remedies::REMEDY_WEIGHT,
    };
    let mut variants = vec![base.clone()];
    for a in &args {
        // name=key:value,key:value
        let mut v = Variant { name: a.clone(), ..base.clone() };
        for kv in a.split(',') {
            let (k, x) = kv.split_once(':').unwrap_or((kv, "1"));
            match k {
                "title" => v.title = x.parse().map_err(|_| a.clone())?,
                "centre" => v.centre = true,
                "pmean" => v.pmean = true,
                "amount" => v.amount = x.parse().map_err(|_| a.clone())?,
                "pieces" => v.pieces = x.parse().map_err(|_| a.clone())?,
                "remove" => v.remove = x.parse().map_err(|_| a.clone())?,
                "industry" => v.industry = x.parse().map_err(|_| a.clone())?,
                "z" => v.fusion = Fusion::Standardised { w: x.parse().map_err(|_| a.clone())?, k: 20 },
                "w" => v.fusion = Fusion::Additive { w: x.parse().map_err(|_| a.clone())?, k: 20 },
                "noexp" => v.expansion = false,
                "noremedy" => v.remedies = 0.0,
                "remedy" => v.remedies = x.parse().map_err(|_| a.clone())?,
                "max" => v.max = x.parse().map_err(|_| a.clone())?,
                "a" => v.a = x.parse().map_err(|_| a.clone())?,
                _ => return Err(format!("unknown {k}")),
            }
        }
        variants.push(v);
    }
    let most = variants.iter().map(|v| v.remove).max().unwrap_or(0);
    let pieces = variants.iter().find(|v| v.centre).map_or(30_000, |v| v.pieces);
    let common = if most > 0 || variants.iter().any(|v| v.centre) {
        let ids = e.commonest(pieces);
        let rows: Vec<Vec<f32>> = ids.iter().map(|&id| e.row(id)).collect();
        let (mean, dirs) = qunlian_embed::principal(&rows, most);
        let mut pmean = vec![0.0f32; 384];
        let mut total = 0.0;
        for (&id, r) in ids.iter().zip(&rows) {
            let p = e.probability(id);
            total += p;
            pmean.iter_mut().zip(r).for_each(|(m, x)| *m += p * x);
        }
        pmean.iter_mut().for_each(|m| *m /= total);
        Common { mean, pmean, dirs }
    } else {
        Common { mean: vec![0.0; 384], pmean: vec![0.0; 384], dirs: Vec::new() }
    };
    let sets = [
        (Set::Tuning, eval::load_set(Set::Tuning, today(), 0)?),
        (Set::TuningB, eval::load_set(Set::TuningB, today(), 0)?),
        (Set::TuningC, eval::load_set(Set::TuningC, today(), 0)?),
        (Set::TuningD, eval::load_set(Set::TuningD, today(), 0)?),
    ];
    for v in &variants {
        for alone in [false, true] {
            for (label, set) in &sets {
                let g = gather_set(set, alone, v.expansion, v.remedies, &|d| vector(e, &common, v, d))?;
                let lists: HashMap<i64, Vec<i64>> = g.iter().map(|n| (n.need.id, top10(n, v.fusion))).collect();
                let score = |ids: &[i64]| {
                    let got: Vec<Vec<i64>> = ids.iter().map(|id| lists[id].clone()).collect();
                    let want: Vec<Vec<i64>> = ids.iter().map(|id| set.relevant[id].clone()).collect();
                    eval::score(&got, &want)
                };
                if std::env::var("DIAG").is_ok() && *label != Set::Tuning {
                    let titles: HashMap<i64, &str> = set.offers.iter().map(|d| (d.id, d.title.as_str())).collect();
                    let kind_of =
                        |id: i64| set.kinds.iter().find(|(_, ids)| ids.contains(&id)).map_or("?", |k| k.0.as_str());
                    for n in &g {
                        let got = &lists[&n.need.id];
                        for good in &set.relevant[&n.need.id] {
                            let fused = got.iter().position(|x| x == good);
                            if fused == Some(0) {
                                continue;
                            }
                            let (w, m, c) = n.place_of(*good);
                            let first = got.first().map_or("-", |x| titles.get(x).copied().unwrap_or("(synthetic)"));
                            println!(
                                "  {:?} {} {} {} need {} 「{}」 good 「{}」 fused {:?} words {:?} meaning {:?} cos {:?} | first 「{}」",
                                label,
                                if alone { "bin" } else { "5k" },
                                kind_of(n.need.id),
                                n.need.id,
                                n.need.id,
                                n.need.title,
                                titles[good],
                                fused,
                                w,
                                m,
                                c.map(|c| (c * 1000.0).round() / 1000.0),
                                first
                            );
                        }
                    }
                }
                let ids: Vec<i64> = set.needs.iter().map(|n| n.id).collect();
                let s = score(&ids);
                let mut line = format!(
                    "{:<28} {:<6} {:<4} all {:.3}/{:.3}",
                    v.name,
                    match label {
                        Set::Tuning => "A",
                        Set::TuningB => "B",
                        Set::TuningC => "C",
                        _ => "D",
                    },
                    if alone { "bin" } else { "5k" },
                    s.recall_at_10,
                    s.mrr
                );
                for (kind, ids) in &set.kinds {
                    let s = score(ids);
                    line += &format!("  {kind} {:.3}/{:.3}", s.recall_at_10, s.mrr);
                }
                println!("{line}");
            }
        }
    }
    Ok(())
}
