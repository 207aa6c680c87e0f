//! An alliance issue's states (问题协商): 待交办 → 办理中 → 已解决, or 不予受理 when the
//! alliance cannot take it up; a solved or declined issue may be reopened (重新办理) and goes
//! back to its owner department. Each transition is typed; what does not apply is refused
//! with the state and the verb in the message.

use crate::codes::{labelled_enum, verb_enum};

labelled_enum!(
    /// Where an alliance issue stands.
    IssueState: "问题状态" {
        /// Raised, no owner department yet.
        Open = "open", "待交办", ["待办", "新提出"];
        /// An owner department works on it.
        Assigned = "assigned", "办理中", ["已交办", "办理"];
        Resolved = "resolved", "已解决", ["解决", "已办结", "办结"];
        Declined = "declined", "不予受理", ["不受理"];
    }
);

verb_enum!(
    /// What someone does to an issue.
    IssueAction for IssueState.actions {
        /// Give it to an owner department (or to another one while it is worked on).
        Assign = "assign", "交办";
        /// The owner department answers it and it is solved.
        Resolve = "resolve", "办结";
        /// The alliance does not take it up, with a reason.
        Decline = "decline", "不予受理";
        /// Solved or declined too early: back to the owner department.
        Reopen = "reopen", "重新办理";
    }
);

/// Why an action does not apply; the message is the user's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IssueStateError {
    #[error("问题状态为“{0}”，不能{1}")]
    Refused(IssueState, &'static str),
}

impl IssueState {
    pub const START: IssueState = IssueState::Open;

    /// Still waiting for an answer: counted among the open issues.
    pub fn is_open(self) -> bool {
        matches!(self, IssueState::Open | IssueState::Assigned)
    }

    /// The state `action` leads to, or why it may not be taken.
    pub fn next(self, action: IssueAction) -> Result<IssueState, IssueStateError> {
        use IssueAction as A;
        use IssueState as S;
        Ok(match (self, action) {
            (S::Open | S::Assigned, A::Assign) => S::Assigned,
            (S::Assigned, A::Resolve) => S::Resolved,
            (S::Open | S::Assigned, A::Decline) => S::Declined,
            (S::Resolved | S::Declined, A::Reopen) => S::Assigned,
            (s, a) => return Err(IssueStateError::Refused(s, a.verb())),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::IssueAction as A;
    use super::IssueState as S;
    use super::*;
    use crate::codes::check_transitions;

    #[test]
    fn every_transition_and_every_refusal() {
        let allowed = [
            (S::Open, A::Assign, S::Assigned),
            (S::Assigned, A::Assign, S::Assigned),
            (S::Assigned, A::Resolve, S::Resolved),
            (S::Open, A::Decline, S::Declined),
            (S::Assigned, A::Decline, S::Declined),
            (S::Resolved, A::Reopen, S::Assigned),
            (S::Declined, A::Reopen, S::Assigned),
        ];
        check_transitions(&S::ALL, &A::ALL, &allowed, S::next, |from, action, e| {
            assert_eq!(e, IssueStateError::Refused(from, action.verb()));
            assert!(e.to_string().contains(from.label()) && e.to_string().contains(action.verb()));
        });
        assert!(S::Open.is_open() && S::Assigned.is_open() && !S::Resolved.is_open() && !S::Declined.is_open());
        assert_eq!(S::Open.actions(), [A::Assign, A::Decline]);
        assert_eq!(A::from_code("resolve"), Some(A::Resolve));
        assert_eq!(A::from_code("close"), None);
    }
}
