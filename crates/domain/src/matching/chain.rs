//! The industry chain: who supplies whom, between GB/T 4754 codes (`reference/industry_chain.csv`).

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use super::ChainRelation;
use crate::industry::IndustryCode;

struct Chain {
    /// supplier code → customer codes, as written in the file (any level).
    supplies: HashMap<&'static str, Vec<&'static str>>,
}

static CHAIN: LazyLock<Chain> = LazyLock::new(|| {
    let text: &'static str = include_str!("../../../../reference/industry_chain.csv");
    let mut supplies: HashMap<&'static str, Vec<&'static str>> = HashMap::new();
    for line in text.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let mut cols = line.split(',');
        let (Some(s), Some(c)) = (cols.next(), cols.next()) else { continue };
        supplies.entry(s.trim()).or_default().push(c.trim());
    }
    Chain { supplies }
});

/// Where `other`'s industry sits relative to `own`'s: `Upstream` when `other` supplies
/// `own` (per `reference/industry_chain.csv`), `Downstream` when `own` supplies `other`,
/// `Same` in the same 中类. Divisions and sections are too broad to call "same".
pub fn chain_relation(own: IndustryCode, other: IndustryCode) -> Option<ChainRelation> {
    if let (Some(a), Some(b)) = (own.group(), other.group())
        && a == b
    {
        return Some(ChainRelation::Same);
    }
    let supplies = |from: IndustryCode, to: IndustryCode| {
        let to_lineage = to.lineage();
        from.lineage()
            .iter()
            .filter_map(|f| CHAIN.supplies.get(f))
            .any(|customers| customers.iter().any(|c| to_lineage.contains(c)))
    };
    if supplies(other, own) {
        Some(ChainRelation::Upstream)
    } else if supplies(own, other) {
        Some(ChainRelation::Downstream)
    } else {
        None
    }
}

/// Codes (as written in the chain file, any level) whose enterprises are `own`'s chain
/// neighbours: a search index can boost listings filed under them.
pub fn chain_neighbours(own: IndustryCode) -> Vec<(&'static str, ChainRelation)> {
    let own_lineage = own.lineage();
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for (supplier, customers) in CHAIN.supplies.iter() {
        if own_lineage.contains(supplier) {
            for c in customers {
                if seen.insert((*c, ChainRelation::Downstream)) {
                    out.push((*c, ChainRelation::Downstream));
                }
            }
        }
        if customers.iter().any(|c| own_lineage.contains(c)) && seen.insert((*supplier, ChainRelation::Upstream)) {
            out.push((*supplier, ChainRelation::Upstream));
        }
    }
    out.sort();
    out
}

/// Every code the chain file names, so a test can check each is a real GB/T 4754 code.
pub fn chain_codes() -> Vec<&'static str> {
    let mut all: Vec<&'static str> =
        CHAIN.supplies.iter().flat_map(|(s, cs)| std::iter::once(*s).chain(cs.iter().copied())).collect();
    all.sort_unstable();
    all.dedup();
    all
}
