//! Clusters and alliances as working bodies (issue #14, first slice).
//!
//! - **赋权清单**: the powers a town or the district grants a cluster committee (by which
//!   organisation, document, date, and a scope from a list kept as data — 人才服务, 建议咨询,
//!   监督评价 to begin with), and a log of each use of a power with its outcome.
//! - **Alliances that work**: the alliance's service list (linked to catalogue items), its
//!   meetings (联席会议, 联建会议) with attendance, decisions with their follow-up, and the
//!   issue log of 问题协商 with its states ([`IssueState::next`]) and figures.
//!
//! Here live the rules only: the coded sets, the issue's states and their transitions, the
//! parsers of each form, and the median the figures use. The store keeps the records and
//! decides who may; docs/bodies.md tells who does what.

mod fields;
mod issues;
mod village_fields;
mod villages;

pub use fields::{
    DecisionFields, GrantFields, IssueFields, MeetingFields, RawDecision, RawGrant, RawIssue, RawMeeting, RawUse,
    UseFields, parse_answer, parse_scope_name,
};
pub use issues::{IssueAction, IssueState, IssueStateError};
pub use village_fields::{
    ApartmentFields, AppointmentFields, CheckFields, CompletionFields, HeadActionFields, MandatoryFields,
    NominationFields, RawApartment, RawAppointment, RawCheck, RawCompletion, RawHeadAction, RawMandatory,
    RawNomination, RawSelection, RawStudio, SelectionFields, StudioFields, parse_name, parse_opinion,
};
pub use villages::{
    ActionKind, Checker, FIVE_HAVES, HeadIdentity, HeadState, HeadStateError, HeadStep, PairingMode, SelectionError,
    SelectionState, TalentKind, qualify,
};

use crate::codes::labelled_enum;

/// The scopes of power the list starts with (the 新桥 list's three); an administrator adds more.
pub const DEFAULT_SCOPES: [&str; 3] = ["人才服务", "建议咨询", "监督评价"];

labelled_enum!(
    /// The kinds of an alliance's meeting.
    MeetingKind: "会议类型" {
        /// 联席会议: the member departments and units meet on problems and policies.
        Joint = "joint", "联席会议", ["联席"];
        /// 联建会议: the members plan joint Party-building work.
        CoBuild = "co_build", "联建会议", ["联建", "共建会议"];
    }
);

labelled_enum!(
    /// What names a secretary studio (书记工作室) as its carrier.
    StudioTarget: "关联类型" {
        Project = "project", "深度融合项目", ["项目", "融合项目"];
        Activity = "activity", "活动", ["组织生活", "集群活动"];
    }
);

/// The "1+8" of a cluster committee read from the organisation tree: the organisations
/// directly under the committee that belong to a head enterprise (龙头企业), and the others
/// (member branches). None when nothing is placed under the committee.
pub fn structure_formula(heads: usize, members: usize) -> Option<String> {
    match (heads, members) {
        (0, 0) => None,
        (0, m) => Some(m.to_string()),
        (h, 0) => Some(h.to_string()),
        (h, m) => Some(format!("{h}+{m}")),
    }
}

/// The median of `values`: the middle one, or the mean of the two middle ones; None when
/// there is none.
pub fn median(values: &[i64]) -> Option<f64> {
    let mut v = values.to_vec();
    v.sort_unstable();
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2] as f64),
        _ => Some((v[n / 2 - 1] + v[n / 2]) as f64 / 2.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[7]), Some(7.0));
        assert_eq!(median(&[9, 1, 4]), Some(4.0));
        assert_eq!(median(&[10, 2, 4, 3]), Some(3.5));
    }

    #[test]
    fn meeting_kinds_read_as_offices_write_them() {
        assert_eq!(MeetingKind::parse("联席"), Ok(MeetingKind::Joint));
        assert_eq!(MeetingKind::parse("联建会议"), Ok(MeetingKind::CoBuild));
        assert!(MeetingKind::parse("座谈会").unwrap_err().to_string().contains("会议类型"));
    }
}
