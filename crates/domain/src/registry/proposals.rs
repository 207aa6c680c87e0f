//! Changes an enterprise contact proposes to the registry and a town or district admin
//! confirms (issue #11, point 10): renaming, dissolving or merging a Party organisation that
//! covers the contact's enterprise, and the enterprise's 高新 / 专精特新 flags, which drive
//! 免申即享 eligibility. The contact never makes these changes itself.

use chrono::NaiveDate;

use super::SrdiLevel;
use crate::codes::{labelled_enum, parse_bool};
use crate::fields::{FieldErrors, date_field};
use crate::limits::NAME_CHARS;

labelled_enum!(
    /// What a proposal changes.
    ProposalKind: "变更类型" {
        RenameOrg = "rename_org", "党组织更名", ["更名"];
        DissolveOrg = "dissolve_org", "党组织撤销", ["撤销"];
        MergeOrg = "merge_org", "党组织合并", ["合并", "并入"];
        FirmFlags = "firm_flags", "企业资质（高新/专精特新）", ["企业资质", "高新", "专精特新"];
    }
);

labelled_enum!(
    /// Where a proposal stands: 待确认 until an admin confirms it (the change is then made)
    /// or returns it with a reason.
    ProposalState: "状态" {
        Pending = "pending", "待确认";
        Confirmed = "confirmed", "已确认";
        Returned = "returned", "已退回";
    }
);

/// What an admin does with a proposal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProposalDecision {
    Confirm,
    Return,
}

impl ProposalState {
    /// The state a decision leads to, or why it cannot be taken: only a pending proposal is
    /// decided, once.
    pub fn next(self, decision: ProposalDecision) -> Result<ProposalState, String> {
        match (self, decision) {
            (ProposalState::Pending, ProposalDecision::Confirm) => Ok(ProposalState::Confirmed),
            (ProposalState::Pending, ProposalDecision::Return) => Ok(ProposalState::Returned),
            (done, _) => Err(format!("状态：该变更已{}，不能再处理", done.label().trim_start_matches('已'))),
        }
    }
}

/// Characters of a proposal's reason and of an admin's reason for returning it.
pub const REASON_CHARS: usize = 500;

/// A proposal as the form (or a test) sends it: every value as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RawProposal {
    pub kind: String,
    /// The organisation renamed, dissolved or merged (its id).
    pub org: String,
    pub new_name: String,
    /// The organisation merged into (its id).
    pub into: String,
    /// The date the change takes effect; empty is today.
    pub on: String,
    pub high_tech: String,
    pub srdi: String,
    pub reason: String,
}

/// The change proposed, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProposedChange {
    RenameOrg { org: i64, new_name: String },
    DissolveOrg { org: i64 },
    MergeOrg { org: i64, into: i64 },
    FirmFlags { high_tech: bool, srdi: SrdiLevel },
}

impl ProposedChange {
    pub fn kind(&self) -> ProposalKind {
        match self {
            ProposedChange::RenameOrg { .. } => ProposalKind::RenameOrg,
            ProposedChange::DissolveOrg { .. } => ProposalKind::DissolveOrg,
            ProposedChange::MergeOrg { .. } => ProposalKind::MergeOrg,
            ProposedChange::FirmFlags { .. } => ProposalKind::FirmFlags,
        }
    }

    /// The organisation the change is about, if any.
    pub fn org(&self) -> Option<i64> {
        match self {
            ProposedChange::RenameOrg { org, .. }
            | ProposedChange::DissolveOrg { org }
            | ProposedChange::MergeOrg { org, .. } => Some(*org),
            ProposedChange::FirmFlags { .. } => None,
        }
    }
}

/// A checked proposal: the change, its date (None: the day it is confirmed) and the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProposalFields {
    pub change: ProposedChange,
    pub on: Option<NaiveDate>,
    pub reason: String,
}

fn id_field(errors: &mut FieldErrors, key: &'static str, label: &str, s: &str) -> Option<i64> {
    match s.trim().parse::<i64>() {
        Ok(id) if id > 0 => Some(id),
        _ => {
            errors.push(key, format!("{label}：请从列表中选择"));
            None
        }
    }
}

/// Checks a reason (required, at most [`REASON_CHARS`]) under `key`.
pub fn reason_field(errors: &mut FieldErrors, key: &'static str, label: &str, s: &str) -> Option<String> {
    let s = s.trim();
    if s.is_empty() {
        errors.push(key, format!("{label}：请填写"));
        return None;
    }
    let before = errors.len();
    errors.limit(key, label, s, REASON_CHARS);
    (errors.len() == before).then(|| s.to_owned())
}

impl ProposalFields {
    pub fn parse(raw: &RawProposal) -> Result<ProposalFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let kind = errors.take("kind", ProposalKind::parse(&raw.kind));
        let on = errors.take("on", date_field("生效日期", &raw.on)).flatten();
        let reason = reason_field(&mut errors, "reason", "变更理由", &raw.reason);
        let change = match kind {
            None => None,
            Some(ProposalKind::RenameOrg) => {
                let org = id_field(&mut errors, "org", "党组织", &raw.org);
                let name = raw.new_name.trim();
                if name.is_empty() {
                    errors.push("new_name", "新名称：请填写");
                } else {
                    errors.limit("new_name", "新名称", name, NAME_CHARS);
                }
                org.map(|org| ProposedChange::RenameOrg { org, new_name: name.to_owned() })
            }
            Some(ProposalKind::DissolveOrg) => {
                id_field(&mut errors, "org", "党组织", &raw.org).map(|org| ProposedChange::DissolveOrg { org })
            }
            Some(ProposalKind::MergeOrg) => {
                let org = id_field(&mut errors, "org", "党组织", &raw.org);
                let into = id_field(&mut errors, "into", "并入组织", &raw.into);
                if org.is_some() && org == into {
                    errors.push("into", "并入组织：不能并入自身");
                }
                org.zip(into).map(|(org, into)| ProposedChange::MergeOrg { org, into })
            }
            Some(ProposalKind::FirmFlags) => {
                let high_tech = errors.take("high_tech", parse_bool("高新技术企业", &raw.high_tech));
                let srdi = errors.take("srdi", SrdiLevel::parse(&raw.srdi));
                high_tech.zip(srdi).map(|(high_tech, srdi)| ProposedChange::FirmFlags { high_tech, srdi })
            }
        };
        match (change, reason) {
            (Some(change), Some(reason)) if errors.is_empty() => Ok(ProposalFields { change, on, reason }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn raw(kind: &str) -> RawProposal {
        RawProposal { kind: kind.into(), org: "7".into(), reason: "企业更名".into(), ..Default::default() }
    }

    #[test]
    fn each_kind_is_checked_and_errors_name_the_field() {
        let ok =
            ProposalFields::parse(&RawProposal { new_name: " 新名称党支部 ".into(), ..raw("rename_org") }).unwrap();
        assert_eq!(ok.change, ProposedChange::RenameOrg { org: 7, new_name: "新名称党支部".into() });
        let e = ProposalFields::parse(&RawProposal { reason: String::new(), ..raw("更名") }).unwrap_err();
        assert_eq!(e.keys(), vec!["reason", "new_name"]);
        assert!(e.messages().iter().any(|m| m.starts_with("变更理由")), "{e:?}");
        let e = ProposalFields::parse(&RawProposal { into: "7".into(), ..raw("merge_org") }).unwrap_err();
        assert_eq!(e.get("into"), Some("并入组织：不能并入自身"));
        let long = "理".repeat(REASON_CHARS + 1);
        let e = ProposalFields::parse(&RawProposal { reason: long, ..raw("dissolve_org") }).unwrap_err();
        assert!(e.get("reason").unwrap().contains("500"), "{e:?}");
        let flags =
            ProposalFields::parse(&RawProposal {
                high_tech: "是".into(), srdi: "小巨人".into(), ..raw("firm_flags")
            })
            .unwrap();
        assert_eq!(flags.change, ProposedChange::FirmFlags { high_tech: true, srdi: SrdiLevel::National });
        assert!(ProposalFields::parse(&raw("nothing")).unwrap_err().get("kind").is_some());
    }

    #[test]
    fn a_proposal_is_decided_once() {
        use ProposalDecision::*;
        assert_eq!(ProposalState::Pending.next(Confirm), Ok(ProposalState::Confirmed));
        assert_eq!(ProposalState::Pending.next(Return), Ok(ProposalState::Returned));
        for done in [ProposalState::Confirmed, ProposalState::Returned] {
            for d in [Confirm, Return] {
                assert!(done.next(d).unwrap_err().contains("不能再处理"));
            }
        }
    }
}
