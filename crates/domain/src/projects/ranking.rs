//! The ranking the officer decides on: for every application the raw weighted mean of its
//! sheets, a per-reviewer normalised score, the spread that flags disagreement, and veto
//! marks. The officer decides the tiers; the ranking informs, it does not decide.
//!
//! **Normalisation.** Reviewers differ in how hard they score: a lenient 科委 reviewer lifts
//! every application he happens to get. Each sheet's share (0–1 of its department's
//! criteria) is turned into a z-score over the sheets of the same reviewer in the round, then
//! mapped back onto the scale with the mean and spread of all that department's sheets in
//! the round. This only means something when the reviewer has scored enough applications
//! ([`MIN_SHEETS_TO_NORMALISE`]): a z-score over two sheets says nothing about the reviewer,
//! only about those two applications, so below it the raw share is used. A reviewer whose
//! sheets are all equal gives no ordering: his sheets map to the department's mean.

use std::collections::{BTreeMap, HashMap};

use super::ReviewSide;
use super::rubric::{Rubric, ScoreSheet};

/// Sheets a reviewer must have submitted in the round before his are normalised.
pub const MIN_SHEETS_TO_NORMALISE: usize = 5;
/// A spread of this many points (of 100) within one department flags disagreement.
pub const DISAGREEMENT_POINTS: f64 = 20.0;

/// One sheet's share, raw and normalised (0–1 of its department's criteria).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SheetTotal {
    pub application: i64,
    pub reviewer: i64,
    pub side: ReviewSide,
    pub raw: f64,
    pub normalised: f64,
}

/// An application's line in the ranking; points out of 100.
#[derive(Clone, Debug, PartialEq)]
pub struct Ranked {
    pub application: i64,
    pub raw: f64,
    pub normalised: f64,
    /// The largest (max − min) among one department's sheets, in points of 100.
    pub spread: f64,
    /// Departments with no submitted sheet yet (the totals weigh the others up).
    pub missing: Vec<ReviewSide>,
    /// A veto item was marked on one of its sheets.
    pub vetoed: bool,
    pub sheets: usize,
}

impl Ranked {
    pub fn disputed(&self) -> bool {
        self.spread >= DISAGREEMENT_POINTS
    }
}

fn mean_sd(values: &[f64]) -> (f64, f64) {
    let n = values.len().max(1) as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    (mean, var.sqrt())
}

/// Every sheet's raw and normalised share.
pub fn sheet_totals(rubric: &Rubric, sheets: &[ScoreSheet]) -> Vec<SheetTotal> {
    let raw: Vec<(&ScoreSheet, ReviewSide, f64)> =
        sheets.iter().filter_map(|s| s.side.map(|side| (s, side, rubric.sheet_fraction(s)))).collect();
    let mut by_reviewer: HashMap<i64, Vec<f64>> = HashMap::new();
    let mut by_side: HashMap<ReviewSide, Vec<f64>> = HashMap::new();
    for &(s, side, f) in &raw {
        by_reviewer.entry(s.reviewer).or_default().push(f);
        by_side.entry(side).or_default().push(f);
    }
    let reviewer_stats: HashMap<i64, (usize, f64, f64)> =
        by_reviewer.iter().map(|(&r, v)| (r, (v.len(), mean_sd(v).0, mean_sd(v).1))).collect();
    let side_stats: HashMap<ReviewSide, (f64, f64)> = by_side.iter().map(|(&s, v)| (s, mean_sd(v))).collect();
    raw.into_iter()
        .map(|(s, side, f)| {
            let (n, mean, sd) = reviewer_stats[&s.reviewer];
            let (side_mean, side_sd) = side_stats[&side];
            let normalised = if n < MIN_SHEETS_TO_NORMALISE {
                f
            } else if sd == 0.0 {
                side_mean
            } else {
                (side_mean + (f - mean) / sd * side_sd).clamp(0.0, 1.0)
            };
            SheetTotal { application: s.application, reviewer: s.reviewer, side, raw: f, normalised }
        })
        .collect()
}

/// The ranking: best normalised total first (then raw, then the older application), vetoed
/// ones last.
pub fn rank(rubric: &Rubric, sheets: &[ScoreSheet]) -> Vec<Ranked> {
    let totals = sheet_totals(rubric, sheets);
    let mut per_app: BTreeMap<i64, Vec<&SheetTotal>> = BTreeMap::new();
    for t in &totals {
        per_app.entry(t.application).or_default().push(t);
    }
    let vetoed: std::collections::BTreeSet<i64> =
        sheets.iter().filter(|s| !s.vetoes.is_empty()).map(|s| s.application).collect();
    let mut ranked: Vec<Ranked> = per_app
        .into_iter()
        .map(|(application, ts)| {
            let (mut raw, mut normalised, mut weight, mut spread) = (0.0, 0.0, 0.0, 0.0_f64);
            let mut missing = Vec::new();
            for side in ReviewSide::ALL {
                let mine: Vec<&&SheetTotal> = ts.iter().filter(|t| t.side == side).collect();
                if mine.is_empty() {
                    missing.push(side);
                    continue;
                }
                let w = rubric.side_weight(side);
                let raws: Vec<f64> = mine.iter().map(|t| t.raw).collect();
                let norms: Vec<f64> = mine.iter().map(|t| t.normalised).collect();
                raw += w * mean_sd(&raws).0;
                normalised += w * mean_sd(&norms).0;
                weight += w;
                let (lo, hi) = raws.iter().fold((f64::MAX, f64::MIN), |(lo, hi), &v| (lo.min(v), hi.max(v)));
                spread = spread.max((hi - lo) * 100.0);
            }
            let scale = if weight > 0.0 { 100.0 / weight } else { 0.0 };
            Ranked {
                application,
                raw: raw * scale,
                normalised: normalised * scale,
                spread,
                missing,
                vetoed: vetoed.contains(&application),
                sheets: ts.len(),
            }
        })
        .collect();
    ranked.sort_by(|a, b| {
        a.vetoed
            .cmp(&b.vetoed)
            .then(b.normalised.total_cmp(&a.normalised))
            .then(b.raw.total_cmp(&a.raw))
            .then(a.application.cmp(&b.application))
    });
    ranked
}

#[cfg(test)]
mod tests {
    use super::super::rubric::tests::rubric;
    use super::*;

    fn sheet(application: i64, reviewer: i64, side: ReviewSide, key: &str, score: u8) -> ScoreSheet {
        let mut s = ScoreSheet { application, reviewer, side: Some(side), ..Default::default() };
        s.scores.insert(key.into(), score);
        s
    }

    /// Five applications; 组织部 and 经委 give every one 5 of 10; a harsh 科委 reviewer gives
    /// 2..6 and a lenient one 6..10 to the same five.
    fn round() -> Vec<ScoreSheet> {
        let mut all = Vec::new();
        for a in 1..=5_i64 {
            all.push(sheet(a, 1, ReviewSide::Organisation, "o", 5));
            all.push(sheet(a, 2, ReviewSide::Economy, "e", 5));
            all.push(sheet(a, 3, ReviewSide::Science, "s", (a + 1) as u8));
            all.push(sheet(a, 4, ReviewSide::Science, "s", (a + 5) as u8));
        }
        all
    }

    /// Worked by hand (docs/projects.md shows the same case):
    /// raw = 40·0.5 + 30·0.5 + 30·mean(科委) = 35 + 30·{0.4, 0.5, 0.6, 0.7, 0.8}
    ///     = 47, 50, 53, 56, 59.
    /// Each 科委 reviewer: mean 0.4 (0.8), sd √0.02 = 0.141421; z = −√2, −√2/2, 0, √2/2, √2.
    /// All ten 科委 sheets: mean 0.6, sd √0.06 = 0.244949; normalised share
    /// 0.6 + z·0.244949 = 0.253590, 0.426795, 0.6, 0.773205, 0.946410 for both reviewers;
    /// 组织部 and 经委 gave equal sheets (sd 0) and map to their means, 0.5.
    /// normalised = 35 + 30·share = 42.6077, 47.8038, 53.0000, 58.1962, 63.3923.
    #[test]
    fn normalisation_equals_the_hand_computed_case() {
        let ranked = rank(&rubric(), &round());
        let got: Vec<(i64, f64, f64)> = ranked.iter().map(|r| (r.application, r.raw, r.normalised)).collect();
        let want = [(5, 59.0, 63.3923), (4, 56.0, 58.1962), (3, 53.0, 53.0), (2, 50.0, 47.8038), (1, 47.0, 42.6077)];
        for ((app, raw, norm), (wa, wr, wn)) in got.into_iter().zip(want) {
            assert_eq!(app, wa);
            assert!((raw - wr).abs() < 1e-9, "application {app} raw {raw}");
            assert!((norm - wn).abs() < 1e-4, "application {app} normalised {norm}");
        }
        assert!(ranked.iter().all(|r| (r.spread - 40.0).abs() < 1e-9 && r.disputed() && r.missing.is_empty()));
    }

    #[test]
    fn few_sheets_are_not_normalised_and_a_veto_goes_last() {
        let mut sheets: Vec<ScoreSheet> = round().into_iter().filter(|s| s.application <= 2).collect();
        let ranked = rank(&rubric(), &sheets);
        assert!(ranked.iter().all(|r| (r.raw - r.normalised).abs() < 1e-9), "two sheets each: raw kept");
        sheets[0].vetoes.insert("v".into());
        let ranked = rank(&rubric(), &sheets);
        assert_eq!(ranked.last().map(|r| (r.application, r.vetoed)), Some((1, true)));
    }

    #[test]
    fn a_missing_department_is_named_and_the_others_weighed_up() {
        let sheets = vec![sheet(9, 1, ReviewSide::Organisation, "o", 10), sheet(9, 2, ReviewSide::Economy, "e", 0)];
        let r = &rank(&rubric(), &sheets)[0];
        assert_eq!(r.missing, vec![ReviewSide::Science]);
        assert!((r.raw - 40.0 / 70.0 * 100.0).abs() < 1e-9, "{}", r.raw);
    }
}
