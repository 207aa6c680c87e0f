//! An alliance issue's states (问题协商): 待交办 → 办理中 → 已解决, or 不予受理 when the
//! alliance cannot take it up; a solved or declined issue may be reopened (重新办理) and goes
//! back to its owner department. Each transition is typed; what does not apply is refused
//! with the state and the verb in the message.

use crate::codes::labelled_enum;

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

/// What someone does to an issue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IssueAction {
    /// Give it to an owner department (or to another one while it is worked on).
    Assign,
    /// The owner department answers it and it is solved.
    Resolve,
    /// The alliance does not take it up, with a reason.
    Decline,
    /// Solved or declined too early: back to the owner department.
    Reopen,
}

/// Why an action does not apply; the message is the user's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IssueStateError {
    #[error("问题状态为“{0}”，不能{1}")]
    Refused(IssueState, &'static str),
}

impl IssueAction {
    pub const ALL: [IssueAction; 4] =
        [IssueAction::Assign, IssueAction::Resolve, IssueAction::Decline, IssueAction::Reopen];

    /// The verb, for messages, buttons and the audit line.
    pub fn verb(self) -> &'static str {
        match self {
            IssueAction::Assign => "交办",
            IssueAction::Resolve => "办结",
            IssueAction::Decline => "不予受理",
            IssueAction::Reopen => "重新办理",
        }
    }

    /// The code a form sends.
    pub fn code(self) -> &'static str {
        match self {
            IssueAction::Assign => "assign",
            IssueAction::Resolve => "resolve",
            IssueAction::Decline => "decline",
            IssueAction::Reopen => "reopen",
        }
    }

    pub fn from_code(s: &str) -> Option<IssueAction> {
        IssueAction::ALL.into_iter().find(|a| a.code() == s.trim())
    }
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

    /// The actions that apply now, for the buttons a page offers.
    pub fn actions(self) -> Vec<IssueAction> {
        IssueAction::ALL.into_iter().filter(|a| self.next(*a).is_ok()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::IssueAction as A;
    use super::IssueState as S;
    use super::*;

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
        for from in S::ALL {
            for action in A::ALL {
                match allowed.iter().find(|(f, a, _)| *f == from && *a == action) {
                    Some((_, _, to)) => assert_eq!(from.next(action), Ok(*to)),
                    None => {
                        let e = from.next(action).unwrap_err();
                        assert_eq!(e, IssueStateError::Refused(from, action.verb()));
                        assert!(e.to_string().contains(from.label()) && e.to_string().contains(action.verb()));
                    }
                }
            }
        }
        assert!(S::Open.is_open() && S::Assigned.is_open() && !S::Resolved.is_open() && !S::Declined.is_open());
        assert_eq!(S::Open.actions(), [A::Assign, A::Decline]);
        assert_eq!(A::from_code("resolve"), Some(A::Resolve));
        assert_eq!(A::from_code("close"), None);
    }
}
