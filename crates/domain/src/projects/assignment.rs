//! The automatic proposal of reviewers that the officer then adjusts: every application gets
//! its quota of reviewers from each of the three departments, no conflicted reviewer, nobody
//! above his load cap, the load spread evenly. Assignments the officer already made are kept
//! and counted. Where the quota cannot be met (too few reviewers without a conflict, or all
//! at their cap) the proposal says so per application and department instead of guessing.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::ReviewSide;

/// One application to staff, with the reviewers who may not review it (conflicts).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    pub application: i64,
    pub blocked: BTreeSet<i64>,
}

/// A reviewer of the round: department and load cap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReviewerLoad {
    pub reviewer: i64,
    pub side: ReviewSide,
    /// The most applications this reviewer takes in the round.
    pub cap: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Assignment {
    pub application: i64,
    pub reviewer: i64,
}

/// An application short of reviewers from one department.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shortfall {
    pub application: i64,
    pub side: ReviewSide,
    pub missing: usize,
}

pub struct AssignmentInput<'a> {
    pub slots: &'a [Slot],
    pub reviewers: &'a [ReviewerLoad],
    /// Reviewers wanted from each department per application (at least one each).
    pub quota: &'a BTreeMap<ReviewSide, usize>,
    /// What the officer already assigned: kept, and counted in loads and quotas.
    pub fixed: &'a [Assignment],
}

/// The proposal: the fixed assignments and the new ones, sorted, and what is missing.
pub fn propose(input: &AssignmentInput<'_>) -> (Vec<Assignment>, Vec<Shortfall>) {
    let side_of: HashMap<i64, ReviewSide> = input.reviewers.iter().map(|r| (r.reviewer, r.side)).collect();
    let mut load: HashMap<i64, usize> = HashMap::new();
    let mut on: HashMap<i64, BTreeSet<i64>> = HashMap::new();
    let mut chosen: BTreeSet<Assignment> = BTreeSet::new();
    for a in input.fixed {
        if chosen.insert(*a) {
            *load.entry(a.reviewer).or_default() += 1;
            on.entry(a.application).or_default().insert(a.reviewer);
        }
    }
    // Every (application, department) still short, the hardest to staff first: fewest
    // reviewers of that department free of conflict.
    let mut needs: Vec<(usize, i64, ReviewSide, usize)> = Vec::new();
    for slot in input.slots {
        for side in ReviewSide::ALL {
            let want = input.quota.get(&side).copied().unwrap_or(1).max(1);
            let have =
                on.get(&slot.application).map_or(0, |s| s.iter().filter(|r| side_of.get(r) == Some(&side)).count());
            if have < want {
                let free =
                    input.reviewers.iter().filter(|r| r.side == side && !slot.blocked.contains(&r.reviewer)).count();
                needs.push((free, slot.application, side, want - have));
            }
        }
    }
    needs.sort();
    let blocked: HashMap<i64, &BTreeSet<i64>> = input.slots.iter().map(|s| (s.application, &s.blocked)).collect();
    let mut shortfalls = Vec::new();
    for (_, application, side, mut missing) in needs {
        while missing > 0 {
            let taken = on.entry(application).or_default();
            let best = input
                .reviewers
                .iter()
                .filter(|r| {
                    r.side == side
                        && !taken.contains(&r.reviewer)
                        && !blocked.get(&application).is_some_and(|b| b.contains(&r.reviewer))
                        && load.get(&r.reviewer).copied().unwrap_or(0) < r.cap
                })
                .min_by_key(|r| (load.get(&r.reviewer).copied().unwrap_or(0), r.reviewer));
            let Some(r) = best else { break };
            taken.insert(r.reviewer);
            *load.entry(r.reviewer).or_default() += 1;
            chosen.insert(Assignment { application, reviewer: r.reviewer });
            missing -= 1;
        }
        if missing > 0 {
            shortfalls.push(Shortfall { application, side, missing });
        }
    }
    shortfalls.sort_by_key(|s| (s.application, s.side));
    (chosen.into_iter().collect(), shortfalls)
}

#[cfg(test)]
mod tests {
    use super::ReviewSide::*;
    use super::*;

    fn reviewers() -> Vec<ReviewerLoad> {
        let mut all = Vec::new();
        for (i, side) in ReviewSide::ALL.into_iter().enumerate() {
            for k in 0..3 {
                all.push(ReviewerLoad { reviewer: (i as i64 + 1) * 10 + k, side, cap: 4 });
            }
        }
        all
    }

    fn quota(n: usize) -> BTreeMap<ReviewSide, usize> {
        ReviewSide::ALL.into_iter().map(|s| (s, n)).collect()
    }

    #[test]
    fn every_application_gets_each_department_evenly_and_no_conflict() {
        let slots: Vec<Slot> = (1..=6)
            .map(|a| Slot { application: a, blocked: if a == 1 { [10, 11].into() } else { BTreeSet::new() } })
            .collect();
        let rs = reviewers();
        let q = quota(1);
        let (got, short) = propose(&AssignmentInput { slots: &slots, reviewers: &rs, quota: &q, fixed: &[] });
        assert!(short.is_empty(), "{short:?}");
        assert_eq!(got.len(), 18, "one per department for six applications");
        for slot in &slots {
            for side in ReviewSide::ALL {
                let n = got
                    .iter()
                    .filter(|a| a.application == slot.application)
                    .filter(|a| rs.iter().any(|r| r.reviewer == a.reviewer && r.side == side))
                    .count();
                assert_eq!(n, 1, "application {} department {side}", slot.application);
            }
        }
        assert!(
            got.contains(&Assignment { application: 1, reviewer: 12 }),
            "the only 组织部 reviewer free of conflict"
        );
        assert!(!got.iter().any(|a| a.application == 1 && [10, 11].contains(&a.reviewer)));
        let mut loads: HashMap<i64, usize> = HashMap::new();
        for a in &got {
            *loads.entry(a.reviewer).or_default() += 1;
        }
        assert!(loads.values().all(|&n| n == 2), "six per department over three reviewers: two each, {loads:?}");
    }

    #[test]
    fn caps_and_fixed_assignments_hold_and_shortfalls_are_named() {
        let mut rs = reviewers();
        for r in rs.iter_mut().filter(|r| r.side == Science) {
            r.cap = 1;
        }
        let slots: Vec<Slot> = (1..=5).map(|a| Slot { application: a, blocked: BTreeSet::new() }).collect();
        let fixed = [Assignment { application: 5, reviewer: 31 }];
        let q = quota(1);
        let (got, short) = propose(&AssignmentInput { slots: &slots, reviewers: &rs, quota: &q, fixed: &fixed });
        assert!(got.contains(&fixed[0]), "the officer's choice is kept");
        let science: Vec<_> = got.iter().filter(|a| a.reviewer / 10 == 3).collect();
        assert_eq!(science.len(), 3, "three 科委 reviewers with a cap of one each");
        assert_eq!(short.iter().map(|s| (s.side, s.missing)).collect::<Vec<_>>(), vec![(Science, 1), (Science, 1)]);
        assert!(short.iter().all(|s| s.application != 5));
    }

    #[test]
    fn a_quota_of_two_takes_two_distinct_reviewers() {
        let slots = [Slot { application: 1, blocked: BTreeSet::new() }];
        let rs = reviewers();
        let q: BTreeMap<ReviewSide, usize> = [(Organisation, 2), (Economy, 1), (Science, 1)].into();
        let (got, short) = propose(&AssignmentInput { slots: &slots, reviewers: &rs, quota: &q, fixed: &[] });
        assert!(short.is_empty());
        assert_eq!(got.iter().filter(|a| a.reviewer / 10 == 1).count(), 2);
        assert_eq!(got.len(), 4);
    }
}
