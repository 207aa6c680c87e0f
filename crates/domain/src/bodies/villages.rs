//! 名誉村主任 (honorary village heads) and talent selections: the coded sets and the states.
//!
//! A head is nominated from a 两新 organisation (person, enterprise, identity), checked
//! against the 五有 standard by the town's 综合工作党委 and the chamber of commerce, and
//! appointed to a village for a term with a pairing mode; the term ends. Its states
//! ([`HeadState::next`]): 已提名 → 审核通过 (or 未通过) → 已聘任 → 已离任.
//!
//! A talent selection (领军人才, 拔尖人才, 双创英才) asks the local Party organisations'
//! opinion before it is decided ([`SelectionState::decide`]: refused while an asked opinion
//! is missing).

use crate::codes::{labelled_enum, verb_enum};

/// The 五有 standard of 朱泾镇 (2019), the checklist's items as the migration seeds them.
pub const FIVE_HAVES: [&str; 5] =
    ["政治上有关怀", "社会上有影响", "事业上有成就", "对“三农”工作有热情", "参政议政有能力"];

labelled_enum!(
    /// Who the nominated person is in the 两新 organisation.
    HeadIdentity: "身份" {
        Secretary = "secretary", "党组织书记", ["书记", "党支部书记", "支部书记"];
        Member = "member", "党员", ["普通党员"];
        Friend = "friend", "党建之友", ["优秀党建之友"];
    }
);

labelled_enum!(
    /// How the enterprise and the village are paired (村企联姻).
    PairingMode: "结对方式" {
        EnterpriseHelps = "enterprise", "企业帮村", ["企业", "帮村"];
        ProjectEnriches = "project", "项目富村", ["项目", "富村"];
        IndustryLeads = "industry", "产业带村", ["产业", "带村"];
    }
);

labelled_enum!(
    /// Who recorded a line of the 五有 checklist: the town's 综合工作党委 or the chamber.
    Checker: "审核方" {
        Committee = "committee", "综合工作党委", ["镇综合工作党委", "综合党委"];
        Chamber = "chamber", "镇商会", ["商会"];
    }
);

labelled_enum!(
    /// A head's action: one of the town's mandatory actions (规定动作) or one the head chose.
    ActionKind: "动作类型" {
        Mandatory = "mandatory", "规定动作", ["规定"];
        Chosen = "chosen", "自选动作", ["自选"];
    }
);

labelled_enum!(
    /// Where a 名誉村主任 stands.
    HeadState: "名誉村主任状态" {
        Nominated = "nominated", "已提名", ["提名"];
        Qualified = "qualified", "审核通过", ["通过"];
        Rejected = "rejected", "未通过", ["不通过"];
        Appointed = "appointed", "已聘任", ["聘任"];
        Ended = "ended", "已离任", ["离任", "期满"];
    }
);

verb_enum!(
    /// What the town does to a nomination.
    HeadStep for HeadState.steps {
        /// Every item of the 五有 checklist passed by both checkers.
        Qualify = "qualify", "审核通过";
        /// The checklist is not met.
        Reject = "reject", "审核不通过";
        /// Appointed to a village for a term with a pairing mode.
        Appoint = "appoint", "聘任";
        /// The term is over or the head leaves.
        End = "end", "离任";
    }
);

/// Why a step does not apply; the message is the user's.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HeadStateError {
    #[error("名誉村主任状态为“{0}”，不能{1}")]
    Refused(HeadState, &'static str),
    #[error("“五有”审核未完成，不能审核通过：{0}")]
    Unchecked(String),
}

impl HeadState {
    pub const START: HeadState = HeadState::Nominated;

    /// The state `step` leads to, or why it may not be taken.
    pub fn next(self, step: HeadStep) -> Result<HeadState, HeadStateError> {
        use HeadState as S;
        use HeadStep as A;
        Ok(match (self, step) {
            (S::Nominated, A::Qualify) => S::Qualified,
            (S::Nominated | S::Qualified, A::Reject) => S::Rejected,
            (S::Qualified, A::Appoint) => S::Appointed,
            (S::Appointed, A::End) => S::Ended,
            (s, a) => return Err(HeadStateError::Refused(s, a.verb())),
        })
    }
}

/// Qualifying needs every item passed by every checker: `passed` holds the (item, checker)
/// pairs recorded as met. The message names what is still missing.
pub fn qualify(
    state: HeadState,
    items: &[(i64, String)],
    passed: &[(i64, Checker)],
) -> Result<HeadState, HeadStateError> {
    let next = state.next(HeadStep::Qualify)?;
    let mut missing = Vec::new();
    for checker in Checker::ALL {
        for (id, name) in items {
            if !passed.contains(&(*id, checker)) {
                missing.push(format!("{}：{}", checker.label(), name));
            }
        }
    }
    if missing.is_empty() { Ok(next) } else { Err(HeadStateError::Unchecked(missing.join("、"))) }
}

labelled_enum!(
    /// The talent selections in which the local Party organisations' opinion is asked.
    TalentKind: "人才评选类别" {
        Leading = "leading", "领军人才", ["领军", "领军型人才"];
        TopNotch = "top_notch", "拔尖人才", ["拔尖", "拔尖型人才"];
        Innovator = "innovator", "双创英才", ["双创人才"];
    }
);

labelled_enum!(
    /// Where a talent selection stands.
    SelectionState: "评选状态" {
        Consulting = "consulting", "征求意见中", ["征求意见"];
        Selected = "selected", "入选", ["已入选"];
        NotSelected = "not_selected", "未入选", ["落选"];
    }
);

/// Why a selection may not be decided.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SelectionError {
    #[error("评选状态为“{0}”，不能再作决定")]
    Decided(SelectionState),
    #[error("尚未征求属地党组织意见，不能作出决定")]
    NotAsked,
    #[error("尚未收到以下党组织的意见，不能作出决定：{0}")]
    Missing(String),
}

impl SelectionState {
    /// The decision: only while consulting, after at least one organisation was asked, and
    /// only when every organisation asked has answered (`missing` names those that have not).
    pub fn decide(self, selected: bool, asked: usize, missing: &[String]) -> Result<SelectionState, SelectionError> {
        if self != SelectionState::Consulting {
            return Err(SelectionError::Decided(self));
        }
        if asked == 0 {
            return Err(SelectionError::NotAsked);
        }
        if !missing.is_empty() {
            return Err(SelectionError::Missing(missing.join("、")));
        }
        Ok(if selected { SelectionState::Selected } else { SelectionState::NotSelected })
    }
}

#[cfg(test)]
mod tests {
    use super::HeadState as S;
    use super::HeadStep as A;
    use super::*;
    use crate::codes::check_transitions;

    #[test]
    fn every_head_transition_and_refusal() {
        let allowed = [
            (S::Nominated, A::Qualify, S::Qualified),
            (S::Nominated, A::Reject, S::Rejected),
            (S::Qualified, A::Reject, S::Rejected),
            (S::Qualified, A::Appoint, S::Appointed),
            (S::Appointed, A::End, S::Ended),
        ];
        check_transitions(&S::ALL, &A::ALL, &allowed, S::next, |from, step, e| {
            let e = e.to_string();
            assert!(e.contains(from.label()) && e.contains(step.verb()), "{e}");
        });
        assert_eq!(S::Nominated.steps(), [A::Qualify, A::Reject]);
        assert_eq!(A::from_code("appoint"), Some(A::Appoint));
    }

    #[test]
    fn qualifying_needs_both_checkers_on_every_item() {
        let items = vec![(1, "政治上有关怀".to_owned()), (2, "社会上有影响".to_owned())];
        let mut passed = vec![(1, Checker::Committee), (2, Checker::Committee), (1, Checker::Chamber)];
        let e = qualify(S::Nominated, &items, &passed).unwrap_err().to_string();
        assert!(e.contains("镇商会：社会上有影响") && !e.contains("综合工作党委"), "{e}");
        passed.push((2, Checker::Chamber));
        assert_eq!(qualify(S::Nominated, &items, &passed), Ok(S::Qualified));
        assert!(qualify(S::Appointed, &items, &passed).is_err());
    }

    #[test]
    fn a_selection_waits_for_every_opinion() {
        let c = SelectionState::Consulting;
        assert_eq!(c.decide(true, 0, &[]), Err(SelectionError::NotAsked));
        let e = c.decide(true, 2, &["岳阳街道综合党委".to_owned()]).unwrap_err().to_string();
        assert!(e.contains("尚未收到") && e.contains("岳阳街道综合党委"));
        assert_eq!(c.decide(false, 2, &[]), Ok(SelectionState::NotSelected));
        assert!(SelectionState::Selected.decide(true, 1, &[]).is_err());
        assert_eq!(FIVE_HAVES.len(), 5);
    }
}
