//! Transfers of a member's relation (组织关系转接): the sending organisation issues, the
//! receiving one accepts or returns it with a reason.

use crate::codes::labelled_enum;

labelled_enum!(
    /// 待接收 → 已接收 / 已退回.
    TransferState: "转接状态" {
        Issued = "issued", "待接收", ["已发出"];
        Accepted = "accepted", "已接收", ["接收"];
        Returned = "returned", "已退回", ["退回"];
    }
);

impl TransferState {
    /// States reachable from this one: only the receiving side decides, once.
    pub fn next(self) -> &'static [TransferState] {
        use TransferState::*;
        match self {
            Issued => &[Accepted, Returned],
            Accepted | Returned => &[],
        }
    }

    /// Checks a decision: a state reachable from this one.
    pub fn check(self, to: TransferState) -> Result<(), String> {
        if self.next().contains(&to) {
            Ok(())
        } else {
            Err(format!("转接状态：“{}”的转接不能改为“{}”", self.label(), to.label()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::TransferState::*;

    #[test]
    fn decided_once_by_the_receiving_side() {
        assert!(Issued.check(Accepted).is_ok() && Issued.check(Returned).is_ok());
        assert!(Accepted.next().is_empty() && Returned.next().is_empty());
        assert_eq!(Accepted.check(Returned).unwrap_err(), "转接状态：“已接收”的转接不能改为“已退回”");
        assert!(Issued.check(Issued).is_err());
    }
}
