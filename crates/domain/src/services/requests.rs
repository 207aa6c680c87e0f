//! A service request's states and what moves it between them: 办理中 ⇄ 待补材料 (the clock
//! stops while waiting on the enterprise), then 已办结 or 不予办理, after which nothing moves
//! it but the enterprise's rating of a finished one. A transfer to another department keeps
//! the state (the clock goes with the request). Each action leaves an event of its kind.

use crate::codes::labelled_enum;

labelled_enum!(
    /// Where a request stands.
    RequestState: "工单状态" {
        Open = "open", "办理中", ["在办", "受理", "处理中"];
        /// 待补材料: waiting on the enterprise; the clock stands still.
        Waiting = "waiting", "待补材料", ["等待补材料", "补材料", "暂停"];
        Done = "done", "已办结", ["办结", "完成"];
        Rejected = "rejected", "不予办理", ["不予受理", "驳回", "退回"];
    }
);

labelled_enum!(
    /// What a request's history records.
    EventKind: "记录类型" {
        Filed = "filed", "提交";
        Assigned = "assigned", "指派";
        StageStarted = "stage_started", "环节开始";
        StageFinished = "stage_finished", "环节完成";
        Paused = "paused", "待补材料（计时暂停）";
        Resumed = "resumed", "材料补齐（恢复计时）";
        Transferred = "transferred", "转办";
        Comment = "comment", "备注";
        Done = "done", "办结";
        Rejected = "rejected", "不予办理";
        Escalated = "escalated", "超期督办";
        Rated = "rated", "满意度评价";
    }
);

/// What an officer (or the system, or the enterprise) does to a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RequestAction {
    Assign,
    StartStage,
    FinishStage,
    Pause,
    Resume,
    Transfer,
    Comment,
    Finish,
    Reject,
    /// 超期督办, by the system when a running request passes its deadline.
    Escalate,
    /// The enterprise's rating, once the request is done.
    Rate,
}

impl RequestAction {
    /// The event the action leaves in the request's history.
    pub fn event(self) -> EventKind {
        match self {
            RequestAction::Assign => EventKind::Assigned,
            RequestAction::StartStage => EventKind::StageStarted,
            RequestAction::FinishStage => EventKind::StageFinished,
            RequestAction::Pause => EventKind::Paused,
            RequestAction::Resume => EventKind::Resumed,
            RequestAction::Transfer => EventKind::Transferred,
            RequestAction::Comment => EventKind::Comment,
            RequestAction::Finish => EventKind::Done,
            RequestAction::Reject => EventKind::Rejected,
            RequestAction::Escalate => EventKind::Escalated,
            RequestAction::Rate => EventKind::Rated,
        }
    }
}

/// Why an action does not apply to a request in its state; the message is the user's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error("工单：已办结，不能再操作")]
    Finished,
    #[error("工单：已在等待企业补充材料")]
    AlreadyWaiting,
    #[error("工单：没有在等待补充材料")]
    NotWaiting,
    #[error("评价：事项尚未办结，办结后才能评价")]
    NotDone,
}

impl RequestState {
    /// The state of a new request.
    pub const START: RequestState = RequestState::Open;

    /// Being handled: its clock runs or is paused, and it shows time left.
    pub fn is_running(self) -> bool {
        matches!(self, RequestState::Open | RequestState::Waiting)
    }

    /// Closed, one way or the other; the clock is fixed.
    pub fn is_finished(self) -> bool {
        !self.is_running()
    }

    pub fn is_waiting(self) -> bool {
        self == RequestState::Waiting
    }

    pub fn is_done(self) -> bool {
        self == RequestState::Done
    }

    /// The state `action` leads to from this one, or why it may not be taken.
    pub fn allowed(self, action: RequestAction) -> Result<RequestState, RequestError> {
        use RequestAction::*;
        use RequestState::*;
        match (self, action) {
            (Done, Rate) => Ok(Done),
            (Open | Waiting | Rejected, Rate) => Err(RequestError::NotDone),
            (Done | Rejected, _) => Err(RequestError::Finished),
            (Waiting, Pause) => Err(RequestError::AlreadyWaiting),
            (Open, Resume) => Err(RequestError::NotWaiting),
            (_, Pause) => Ok(Waiting),
            (_, Resume) => Ok(Open),
            (_, Finish) => Ok(Done),
            (_, Reject) => Ok(Rejected),
            (s, Assign | StartStage | FinishStage | Transfer | Comment | Escalate) => Ok(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RequestAction::*;
    use super::RequestState::*;
    use super::*;

    #[test]
    fn a_request_waits_resumes_and_closes_once() {
        assert_eq!(RequestState::START.allowed(Pause), Ok(Waiting));
        assert_eq!(Waiting.allowed(Pause), Err(RequestError::AlreadyWaiting));
        assert_eq!(Open.allowed(Resume), Err(RequestError::NotWaiting));
        assert_eq!(Waiting.allowed(Resume), Ok(Open));
        assert_eq!(Waiting.allowed(Finish), Ok(Done), "finishing ends the wait");
        assert_eq!(Waiting.allowed(Transfer), Ok(Waiting), "a transfer keeps the state");
        assert_eq!(Open.allowed(Reject), Ok(Rejected));
        for a in [Assign, StartStage, FinishStage, Pause, Resume, Transfer, Comment, Finish, Reject, Escalate] {
            assert_eq!(Done.allowed(a), Err(RequestError::Finished));
            assert_eq!(Rejected.allowed(a), Err(RequestError::Finished));
        }
        assert_eq!(Done.allowed(Rate), Ok(Done));
        assert_eq!(Open.allowed(Rate), Err(RequestError::NotDone));
        assert!(Open.is_running() && Waiting.is_running() && Done.is_finished() && Rejected.is_finished());
        assert_eq!(Finish.event().code(), "done");
        assert_eq!(Transfer.event(), EventKind::Transferred);
        assert_eq!(Done.allowed(Finish).unwrap_err().to_string(), "工单：已办结，不能再操作");
    }
}
