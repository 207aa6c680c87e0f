//! An application's states and what moves it: 草稿 → 已申报 → 集群推荐 → 评审中 → 示范 /
//! 优秀 / 入选 / 未入选 → 实施中 → 结项 (or 未获推荐 when the cluster does not forward
//! it, 已撤回 when the applicant withdraws it before the review). A two-stage round first reviews a concept: an
//! accepted concept (概念入围) goes back to its applicant for the full application, which,
//! filed, returns to the officer as recommended (the cluster forwarded the concept).

use crate::codes::labelled_enum;

labelled_enum!(
    /// Where an application stands.
    ApplicationState: "申报状态" {
        Draft = "draft", "草稿";
        Submitted = "submitted", "已申报", ["申报"];
        Recommended = "recommended", "集群推荐", ["已推荐", "推荐"];
        /// The cluster committee did not forward it; it never reaches the review.
        NotRecommended = "not_recommended", "未获推荐", ["不予推荐"];
        UnderReview = "under_review", "评审中", ["评审"];
        /// Two-stage rounds: the concept passed; the full application is due.
        ConceptAccepted = "concept_accepted", "概念入围", ["入围"];
        Demonstration = "demonstration", "示范", ["示范项目"];
        Excellent = "excellent", "优秀", ["优秀项目"];
        Selected = "selected", "入选";
        NotSelected = "not_selected", "未入选", ["落选"];
        Implementing = "implementing", "实施中", ["实施"];
        Closed = "closed", "结项", ["已结项"];
        Withdrawn = "withdrawn", "已撤回", ["撤回"];
    }
);

labelled_enum!(
    /// The tier a review awards; the support granted follows it.
    Tier: "评定等次" {
        Demonstration = "demonstration", "示范", ["示范项目"];
        Excellent = "excellent", "优秀", ["优秀项目"];
        Selected = "selected", "入选";
    }
);

/// What the officer decides on a reviewed application.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Decision {
    Award(Tier),
    /// 未入选.
    Decline,
    /// Two-stage rounds, concept stage: invite the full application.
    AcceptConcept,
}

/// What someone does to an application.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ApplicationAction {
    /// The applicant files it (or files the full application after an accepted concept).
    Submit,
    /// The cluster committee (or the officer, for an applicant in no cluster) returns it
    /// to the applicant for changes, with a reason.
    Return,
    /// The cluster committee forwards it in its ranked batch.
    Recommend,
    /// The cluster committee does not forward it.
    NotRecommend,
    /// The officer opens the review.
    StartReview,
    /// The officer decides (again, while the round's 公示 and objections run).
    Decide(Decision),
    StartImplementation,
    Close,
    /// The applicant withdraws it before the review.
    Withdraw,
}

/// Why an action does not apply; the message is the user's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StateError {
    #[error("申报状态为“{0}”，不能{1}")]
    Refused(ApplicationState, &'static str),
    #[error("概念评审只能决定入围或未入选")]
    ConceptDecision,
    #[error("完整申报的评审不能决定“概念入围”")]
    NotConceptStage,
}

impl ApplicationAction {
    /// The verb, for messages and the history.
    pub fn verb(self) -> &'static str {
        match self {
            ApplicationAction::Submit => "提交申报",
            ApplicationAction::Return => "退回修改",
            ApplicationAction::Recommend => "推荐",
            ApplicationAction::NotRecommend => "不予推荐",
            ApplicationAction::StartReview => "开始评审",
            ApplicationAction::Decide(_) => "评定",
            ApplicationAction::StartImplementation => "开始实施",
            ApplicationAction::Close => "结项",
            ApplicationAction::Withdraw => "撤回",
        }
    }
}

impl ApplicationState {
    pub const START: ApplicationState = ApplicationState::Draft;

    /// The tier awarded, once decided.
    pub fn tier(self) -> Option<Tier> {
        match self {
            ApplicationState::Demonstration => Some(Tier::Demonstration),
            ApplicationState::Excellent => Some(Tier::Excellent),
            ApplicationState::Selected => Some(Tier::Selected),
            _ => None,
        }
    }

    /// The applicant may still edit it.
    pub fn is_editable(self) -> bool {
        matches!(self, ApplicationState::Draft | ApplicationState::ConceptAccepted)
    }

    /// Reviewers may open and score it.
    pub fn is_in_review(self) -> bool {
        self == ApplicationState::UnderReview
    }

    /// Decided: a tier, or declined at review.
    pub fn is_decided(self) -> bool {
        self.tier().is_some() || self == ApplicationState::NotSelected
    }

    /// The state `action` leads to, or why it may not be taken. `concept_stage` says whether
    /// the review running is a two-stage round's concept review.
    pub fn allowed(self, action: ApplicationAction, concept_stage: bool) -> Result<ApplicationState, StateError> {
        use ApplicationAction as A;
        use ApplicationState as S;
        let to = match (self, action) {
            (S::Draft, A::Submit) => S::Submitted,
            // The full application after an accepted concept: its cluster forwarded the
            // concept already (its rank stands), so it goes back to the officer's review.
            (S::ConceptAccepted, A::Submit) => S::Recommended,
            (S::Submitted, A::Return) => S::Draft,
            (S::Submitted, A::Recommend) => S::Recommended,
            (S::Submitted, A::NotRecommend) => S::NotRecommended,
            (S::Recommended, A::StartReview) => S::UnderReview,
            // Decided ones may be decided again while the 公示 and objections run: the
            // store checks the round's calendar; every change is audited.
            (S::UnderReview | S::Demonstration | S::Excellent | S::Selected | S::NotSelected, A::Decide(d)) => {
                match (d, concept_stage) {
                    (Decision::AcceptConcept, true) => S::ConceptAccepted,
                    (Decision::AcceptConcept, false) => return Err(StateError::NotConceptStage),
                    (Decision::Award(_), true) => return Err(StateError::ConceptDecision),
                    (Decision::Award(Tier::Demonstration), false) => S::Demonstration,
                    (Decision::Award(Tier::Excellent), false) => S::Excellent,
                    (Decision::Award(Tier::Selected), false) => S::Selected,
                    (Decision::Decline, _) => S::NotSelected,
                }
            }
            (S::Demonstration | S::Excellent | S::Selected, A::StartImplementation) => S::Implementing,
            (S::Implementing, A::Close) => S::Closed,
            (S::Draft | S::Submitted | S::ConceptAccepted, A::Withdraw) => S::Withdrawn,
            (s, a) => return Err(StateError::Refused(s, a.verb())),
        };
        Ok(to)
    }
}

#[cfg(test)]
mod tests {
    use super::ApplicationAction as A;
    use super::ApplicationState as S;
    use super::*;

    #[test]
    fn the_path_of_an_awarded_project() {
        let mut s = S::START;
        for (action, want) in [
            (A::Submit, S::Submitted),
            (A::Recommend, S::Recommended),
            (A::StartReview, S::UnderReview),
            (A::Decide(Decision::Award(Tier::Excellent)), S::Excellent),
            (A::Decide(Decision::Award(Tier::Demonstration)), S::Demonstration),
            (A::StartImplementation, S::Implementing),
            (A::Close, S::Closed),
        ] {
            s = s.allowed(action, false).unwrap();
            assert_eq!(s, want, "after {}", action.verb());
        }
        assert_eq!(s.tier(), None);
    }

    #[test]
    fn a_returned_application_is_edited_and_filed_again() {
        let s = S::Submitted.allowed(A::Return, false).unwrap();
        assert!(s.is_editable());
        assert_eq!(s.allowed(A::Submit, false), Ok(S::Submitted));
    }

    #[test]
    fn a_two_stage_round_invites_the_full_application() {
        assert_eq!(S::UnderReview.allowed(A::Decide(Decision::AcceptConcept), true), Ok(S::ConceptAccepted));
        assert_eq!(
            S::UnderReview.allowed(A::Decide(Decision::Award(Tier::Selected)), true),
            Err(StateError::ConceptDecision)
        );
        assert_eq!(S::UnderReview.allowed(A::Decide(Decision::AcceptConcept), false), Err(StateError::NotConceptStage));
        assert_eq!(S::ConceptAccepted.allowed(A::Submit, false), Ok(S::Recommended));
        assert_eq!(
            S::ConceptAccepted.allowed(A::Recommend, false),
            Err(StateError::Refused(S::ConceptAccepted, "推荐"))
        );
    }

    #[test]
    fn refusals_name_the_state_and_the_action() {
        for (from, action) in [
            (S::Draft, A::Recommend),
            (S::Draft, A::StartReview),
            (S::Submitted, A::StartReview),
            (S::Recommended, A::Withdraw),
            (S::UnderReview, A::Close),
            (S::NotSelected, A::StartImplementation),
            (S::NotRecommended, A::Decide(Decision::Award(Tier::Selected))),
            (S::Implementing, A::Decide(Decision::Decline)),
            (S::Closed, A::Submit),
            (S::Withdrawn, A::Submit),
        ] {
            let e = from.allowed(action, false).unwrap_err();
            assert_eq!(e, StateError::Refused(from, action.verb()));
            assert!(e.to_string().contains(from.label()) && e.to_string().contains(action.verb()), "{e}");
        }
    }

    #[test]
    fn only_awarded_tiers_go_on_to_implementation() {
        for t in Tier::ALL {
            let s = S::UnderReview.allowed(A::Decide(Decision::Award(t)), false).unwrap();
            assert_eq!(s.tier(), Some(t));
            assert_eq!(s.allowed(A::StartImplementation, false), Ok(S::Implementing));
        }
        assert!(S::NotSelected.allowed(A::StartImplementation, false).is_err());
    }
}
