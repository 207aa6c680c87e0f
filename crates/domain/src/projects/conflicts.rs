//! Conflicts of interest, found from what the platform already records before a reviewer
//! sees an application: the same enterprise or corporate group, a seat on the applicant's
//! cluster committee, the reviewer's department handling a live service request or an
//! introduction for the applicant, a pairing — plus what the reviewer declares and what the
//! officer pins. A conflicted reviewer is not assigned and cannot open the application.

use std::collections::BTreeSet;

use crate::codes::labelled_enum;

labelled_enum!(
    /// Why a reviewer may not review an application.
    ConflictKind: "回避原因" {
        SameEnterprise = "same_enterprise", "同一企业";
        SameGroup = "same_group", "同一企业集团", ["同一集团"];
        ClusterCommittee = "cluster_committee", "申报方所在集群党委委员", ["集群党委委员"];
        ServiceRequest = "service_request", "所在部门正在为申报企业办理服务工单", ["在办工单"];
        Introduction = "introduction", "所在部门正在为申报企业撮合供需对接", ["在办对接"];
        Pairing = "pairing", "与申报方结对共建", ["结对"];
        Declared = "declared", "本人申明回避", ["申明回避"];
        Pinned = "pinned", "管理员指定回避", ["指定回避"];
    }
);

/// What the platform records about a reviewer, gathered by the store.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReviewerTies {
    /// The units the reviewer works for or is the contact of (a department, an enterprise).
    pub units: BTreeSet<i64>,
    /// Head enterprises (集团) of those units, by unit id.
    pub groups: BTreeSet<i64>,
    /// Clusters on whose Party committee the reviewer sits.
    pub committee_seats: BTreeSet<i64>,
    /// The reviewer's department, if a department's officer.
    pub department: Option<i64>,
}

/// What the platform records about an application's applicant side.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApplicantTies {
    /// The applying enterprises (and the unit of an applying joint branch or committee).
    pub units: BTreeSet<i64>,
    /// Their head enterprises, by unit id.
    pub groups: BTreeSet<i64>,
    /// Clusters the applicants belong to (and the applying committee's cluster).
    pub clusters: BTreeSet<i64>,
    /// Departments with a live (not finished) service request of an applicant.
    pub request_departments: BTreeSet<i64>,
    /// Departments brokering a live introduction involving an applicant.
    pub introduction_departments: BTreeSet<i64>,
    /// Units paired (结对共建) with an applicant.
    pub pairings: BTreeSet<i64>,
}

/// The officer's pin on one reviewer and application.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pin {
    /// A conflict the data does not show (the officer knows of it).
    Conflict,
    /// The officer clears the relationship-based conflicts found (e.g. a pairing long
    /// ended), with a reason kept in the audit. Never clears the same enterprise or group,
    /// nor what the reviewer declared.
    Clear,
}

fn meet(a: &BTreeSet<i64>, b: &BTreeSet<i64>) -> bool {
    a.intersection(b).next().is_some()
}

/// Every conflict between a reviewer and an application, in the order of [`ConflictKind`];
/// empty when the reviewer may review it.
pub fn conflicts(
    reviewer: &ReviewerTies,
    applicant: &ApplicantTies,
    declared: bool,
    pin: Option<Pin>,
) -> Vec<ConflictKind> {
    let in_department = |set: &BTreeSet<i64>| reviewer.department.is_some_and(|d| set.contains(&d));
    let mut all_units = reviewer.units.clone();
    all_units.extend(&reviewer.groups);
    let found = [
        (ConflictKind::SameEnterprise, meet(&reviewer.units, &applicant.units)),
        (
            ConflictKind::SameGroup,
            !meet(&reviewer.units, &applicant.units)
                && (meet(&reviewer.groups, &applicant.groups)
                    || meet(&reviewer.units, &applicant.groups)
                    || meet(&reviewer.groups, &applicant.units)),
        ),
        (ConflictKind::ClusterCommittee, meet(&reviewer.committee_seats, &applicant.clusters)),
        (ConflictKind::ServiceRequest, in_department(&applicant.request_departments)),
        (ConflictKind::Introduction, in_department(&applicant.introduction_departments)),
        (ConflictKind::Pairing, meet(&all_units, &applicant.pairings)),
        (ConflictKind::Declared, declared),
        (ConflictKind::Pinned, pin == Some(Pin::Conflict)),
    ];
    found
        .into_iter()
        .filter(|&(kind, hit)| hit && !(pin == Some(Pin::Clear) && kind.clearable()))
        .map(|(kind, _)| kind)
        .collect()
}

impl ConflictKind {
    /// An officer's pin may clear it (the relationships that can be stale or remote).
    pub fn clearable(self) -> bool {
        matches!(
            self,
            ConflictKind::ClusterCommittee
                | ConflictKind::ServiceRequest
                | ConflictKind::Introduction
                | ConflictKind::Pairing
        )
    }
}

#[cfg(test)]
mod tests {
    use super::ConflictKind as K;
    use super::*;

    fn set(ids: &[i64]) -> BTreeSet<i64> {
        ids.iter().copied().collect()
    }

    fn applicant() -> ApplicantTies {
        ApplicantTies {
            units: set(&[10]),
            groups: set(&[1]),
            clusters: set(&[7]),
            request_departments: set(&[100]),
            introduction_departments: set(&[101]),
            pairings: set(&[20]),
        }
    }

    #[test]
    fn each_relationship_is_found() {
        let a = applicant();
        let cases: [(ReviewerTies, K); 7] = [
            (ReviewerTies { units: set(&[10]), ..Default::default() }, K::SameEnterprise),
            (ReviewerTies { units: set(&[11]), groups: set(&[1]), ..Default::default() }, K::SameGroup),
            (ReviewerTies { units: set(&[1]), ..Default::default() }, K::SameGroup),
            (ReviewerTies { committee_seats: set(&[7]), ..Default::default() }, K::ClusterCommittee),
            (ReviewerTies { department: Some(100), ..Default::default() }, K::ServiceRequest),
            (ReviewerTies { department: Some(101), ..Default::default() }, K::Introduction),
            (ReviewerTies { units: set(&[20]), ..Default::default() }, K::Pairing),
        ];
        for (reviewer, want) in cases {
            assert_eq!(conflicts(&reviewer, &a, false, None), vec![want], "{reviewer:?}");
        }
        let stranger =
            ReviewerTies { units: set(&[99]), groups: set(&[98]), department: Some(102), ..Default::default() };
        assert!(conflicts(&stranger, &a, false, None).is_empty());
        assert_eq!(conflicts(&stranger, &a, true, None), vec![K::Declared]);
        assert_eq!(conflicts(&stranger, &a, false, Some(Pin::Conflict)), vec![K::Pinned]);
    }

    #[test]
    fn a_clearing_pin_never_clears_the_same_enterprise_or_a_declaration() {
        let a = applicant();
        let paired = ReviewerTies { units: set(&[20]), department: Some(100), ..Default::default() };
        assert_eq!(conflicts(&paired, &a, false, None), vec![K::ServiceRequest, K::Pairing]);
        assert!(conflicts(&paired, &a, false, Some(Pin::Clear)).is_empty());
        let same = ReviewerTies { units: set(&[10]), ..Default::default() };
        assert_eq!(conflicts(&same, &a, true, Some(Pin::Clear)), vec![K::SameEnterprise, K::Declared]);
    }
}
