//! Project work groups (项目工作组) and their temporary Party branches (临时党支部), as Baoshan
//! binds them: a 建设 / 科研 / 高转 / 招商 project whose work group comes from several units,
//! with a temporary branch of the Party members working on it. The members keep their
//! relation in their home organisations; the branch counts in coverage while it stands, and
//! its end is prompted from [`DUE_DAYS`] before the planned day. One parser per form
//! ([`WorkgroupFields::parse`], [`EndFields::parse`], [`ExtendFields::parse`]).

mod fields;

pub use fields::*;

use chrono::NaiveDate;

use crate::codes::labelled_enum;

/// The end of a temporary branch is prompted from this many days before its planned day.
pub const DUE_DAYS: i64 = 30;

labelled_enum!(
    /// 项目类型: what the project is.
    WorkgroupKind: "项目类型" {
        Construction = "construction", "建设", ["建设项目", "工程建设"];
        Research = "research", "科研", ["科研项目", "科技攻关"];
        Transfer = "transfer", "高转", ["高转项目", "高新技术成果转化", "成果转化"];
        Investment = "investment", "招商", ["招商项目", "招商引资"];
    }
);

labelled_enum!(
    /// Where a work group stands on a day, as the list filters it: computed, never stored.
    WorkgroupState: "状态" {
        Active = "active", "进行中";
        Due = "due", "即将到期", ["到期"];
        Ended = "ended", "已结束", ["结束", "撤销"];
    }
);

impl WorkgroupState {
    /// Ended once an end is recorded; due from [`DUE_DAYS`] before the planned end (and
    /// after it, while not ended); active otherwise.
    pub fn on(planned_end: NaiveDate, ended_on: Option<NaiveDate>, today: NaiveDate) -> WorkgroupState {
        if ended_on.is_some() {
            WorkgroupState::Ended
        } else if (planned_end - today).num_days() <= DUE_DAYS {
            WorkgroupState::Due
        } else {
            WorkgroupState::Active
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_state_follows_the_planned_and_actual_end() {
        let today = d("2026-12-04");
        assert_eq!(WorkgroupState::on(d("2027-01-04"), None, today), WorkgroupState::Active);
        assert_eq!(WorkgroupState::on(d("2027-01-03"), None, today), WorkgroupState::Due);
        assert_eq!(WorkgroupState::on(d("2026-11-01"), None, today), WorkgroupState::Due, "overdue stays prompted");
        assert_eq!(WorkgroupState::on(d("2027-06-01"), Some(d("2026-12-01")), today), WorkgroupState::Ended);
    }

    #[test]
    fn kinds_read_as_offices_write_them() {
        assert_eq!(WorkgroupKind::parse("招商引资").unwrap(), WorkgroupKind::Investment);
        assert_eq!(WorkgroupKind::parse("高转").unwrap(), WorkgroupKind::Transfer);
        assert!(WorkgroupKind::parse("党建").is_err());
    }
}
