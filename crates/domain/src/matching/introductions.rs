//! Introductions (牵线): their states and the rules of each step.

use crate::codes::labelled_enum;

labelled_enum!(
    /// 建议 → 已牵线 → 洽谈中 → 已成交 / 未成交.
    IntroductionState: "状态" {
        Suggested = "suggested", "建议", ["待牵线"];
        Introduced = "introduced", "已牵线", ["牵线"];
        Negotiating = "negotiating", "洽谈中", ["洽谈"];
        Won = "won", "已成交", ["成交"];
        Lost = "lost", "未成交", ["失败"];
    }
);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IntroductionError {
    #[error("状态：不能从“{}”改为“{}”", .0.label(), .1.label())]
    Transition(IntroductionState, IntroductionState),
    #[error("未成交原因：改为“未成交”时必须填写原因")]
    ReasonRequired,
    #[error("成交金额：改为“已成交”时必须填写成交金额（万元），且不能为负数")]
    DealValueRequired,
}

impl IntroductionState {
    /// A deal: follow-ups (sales, delivery) may be recorded.
    pub fn is_won(self) -> bool {
        self == IntroductionState::Won
    }

    pub fn is_final(self) -> bool {
        matches!(self, IntroductionState::Won | IntroductionState::Lost)
    }

    /// States reachable from this one. A deal may close straight after the introduction
    /// (no recorded negotiation), and a suggestion may be dropped.
    pub fn next(self) -> &'static [IntroductionState] {
        use IntroductionState::*;
        match self {
            Suggested => &[Introduced, Lost],
            Introduced => &[Negotiating, Won, Lost],
            Negotiating => &[Won, Lost],
            Won | Lost => &[],
        }
    }

    /// Checks a change of state with what it needs: a reason for 未成交, a value in 万元
    /// for 已成交.
    pub fn check(
        self,
        to: IntroductionState,
        deal_value_wan: Option<f64>,
        reason: Option<&str>,
    ) -> Result<(), IntroductionError> {
        if !self.next().contains(&to) {
            return Err(IntroductionError::Transition(self, to));
        }
        match to {
            IntroductionState::Won if !deal_value_wan.is_some_and(|v| v.is_finite() && v >= 0.0) => {
                Err(IntroductionError::DealValueRequired)
            }
            IntroductionState::Lost if reason.is_none_or(|r| r.trim().is_empty()) => {
                Err(IntroductionError::ReasonRequired)
            }
            _ => Ok(()),
        }
    }
}
