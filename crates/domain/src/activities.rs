//! Activities (组织生活和集群活动, issue #13): who organised one (a Party organisation, a
//! cluster committee or an alliance), its type from the list below, date, place, the units
//! taking part, attendance (a headcount or named members), minutes, and the issues raised at
//! it. A branchless enterprise that takes part is work-covered (工作覆盖) for a year from the
//! activity's day ([`WORK_COVERAGE_DAYS`]), with no other entry.
//!
//! The 三会一课 kinds carry their due interval ([`ActivityKind::due`], from 《中国共产党支部
//! 工作条例（试行）》第十九条): 支部委员会 and 党小组会 monthly, 支部党员大会 and 党课
//! quarterly. A branch without one in the current period is an exception on its list, never
//! a score.

mod fields;

pub use fields::*;

use chrono::{Datelike, NaiveDate};

use crate::codes::labelled_enum;

/// How long taking part in an activity counts as work coverage: a year from its day.
pub const WORK_COVERAGE_DAYS: i64 = 365;

labelled_enum!(
    /// 活动类型: the four kinds of 三会一课 first, then the cluster's own activities.
    ActivityKind: "活动类型" {
        /// 支部党员大会: quarterly.
        BranchAssembly = "branch_assembly", "支部党员大会", ["党员大会", "支部大会"];
        /// 支部委员会: monthly.
        BranchCommittee = "branch_committee", "支部委员会", ["支委会", "支部委员会会议"];
        /// 党小组会: monthly.
        GroupMeeting = "group_meeting", "党小组会", ["小组会", "党小组会议"];
        /// 党课: quarterly.
        PartyLecture = "party_lecture", "党课", ["上党课", "专题党课"];
        ThemeDay = "theme_day", "主题党日", ["主题党日活动"];
        PartyHistory = "party_history", "党史学习教育", ["党史学习", "党史教育"];
        Seminar = "seminar", "座谈会/研讨", ["座谈会", "研讨会", "座谈", "研讨"];
        Salon = "salon", "沙龙", ["主题沙龙"];
        Training = "training", "培训", ["培训班", "讲座"];
        MutualVisit = "mutual_visit", "互访交流", ["互访", "交流"];
        SkillContest = "skill_contest", "技能竞赛", ["劳动竞赛", "技能比武"];
        Matching = "matching", "要素对接会", ["对接会", "供需对接会"];
        Innovation = "innovation", "双创活动", ["双创", "创新创业活动"];
    }
);

/// How often a 三会一课 kind is due.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Due {
    Monthly,
    Quarterly,
}

impl Due {
    pub fn label(self) -> &'static str {
        match self {
            Due::Monthly => "每月",
            Due::Quarterly => "每季度",
        }
    }

    /// The period containing `day`: its first day and the first day after it.
    pub fn period(self, day: NaiveDate) -> (NaiveDate, NaiveDate) {
        let months = match self {
            Due::Monthly => 1,
            Due::Quarterly => 3,
        };
        let first_month = (day.month0() / months) * months + 1;
        let from = NaiveDate::from_ymd_opt(day.year(), first_month, 1).unwrap_or(day);
        let until = from.checked_add_months(chrono::Months::new(months)).unwrap_or(day);
        (from, until)
    }

    /// The period as a page names it: 2026年12月, 2026年第四季度.
    pub fn period_name(self, day: NaiveDate) -> String {
        match self {
            Due::Monthly => format!("{}年{}月", day.year(), day.month()),
            Due::Quarterly => {
                let q = ["一", "二", "三", "四"][day.month0() as usize / 3];
                format!("{}年第{q}季度", day.year())
            }
        }
    }
}

impl ActivityKind {
    /// The four kinds of 三会一课.
    pub const THREE_AND_ONE: [ActivityKind; 4] = [
        ActivityKind::BranchAssembly,
        ActivityKind::BranchCommittee,
        ActivityKind::GroupMeeting,
        ActivityKind::PartyLecture,
    ];

    /// The group a select shows the kind under.
    pub fn group(self) -> &'static str {
        if self.due().is_some() { "三会一课" } else { "其他活动" }
    }

    /// How often a 三会一课 kind is due; None for the others.
    pub fn due(self) -> Option<Due> {
        match self {
            ActivityKind::BranchCommittee | ActivityKind::GroupMeeting => Some(Due::Monthly),
            ActivityKind::BranchAssembly | ActivityKind::PartyLecture => Some(Due::Quarterly),
            _ => None,
        }
    }
}

labelled_enum!(
    /// Who organised an activity.
    OrganiserKind: "组织方类型" {
        Org = "org", "党组织", ["支部", "党支部"];
        Cluster = "cluster", "集群党委", ["集群"];
        Alliance = "alliance", "联盟", ["党建联盟"];
        /// A talent apartment's Party service point (人才公寓党建服务站, issue #14).
        Apartment = "apartment", "人才公寓党建服务点", ["人才公寓", "党建服务点"];
    }
);

labelled_enum!(
    /// What an issue raised at an activity became.
    IssueTarget: "转为" {
        Listing = "listing", "要素需求", ["需求", "对接需求"];
        ServiceRequest = "service_request", "服务诉求", ["工单", "诉求"];
    }
);

/// The last day (exclusive) an activity held on `held_on` gives work coverage.
pub fn covers_until(held_on: NaiveDate) -> NaiveDate {
    held_on + chrono::Duration::days(WORK_COVERAGE_DAYS)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn periods_are_calendar_months_and_quarters() {
        assert_eq!(Due::Monthly.period(d("2026-12-04")), (d("2026-12-01"), d("2027-01-01")));
        assert_eq!(Due::Quarterly.period(d("2026-12-04")), (d("2026-10-01"), d("2027-01-01")));
        assert_eq!(Due::Quarterly.period(d("2026-02-28")), (d("2026-01-01"), d("2026-04-01")));
        assert_eq!(Due::Quarterly.period_name(d("2026-05-01")), "2026年第二季度");
        assert_eq!(Due::Monthly.period_name(d("2026-05-01")), "2026年5月");
    }

    #[test]
    fn only_the_three_meetings_and_one_lecture_are_due() {
        let due: Vec<_> = ActivityKind::ALL.into_iter().filter(|k| k.due().is_some()).collect();
        assert_eq!(due, ActivityKind::THREE_AND_ONE.to_vec());
        assert_eq!(ActivityKind::BranchCommittee.due(), Some(Due::Monthly));
        assert_eq!(ActivityKind::PartyLecture.due(), Some(Due::Quarterly));
        assert_eq!(ActivityKind::parse("支委会"), Ok(ActivityKind::BranchCommittee));
        assert_eq!(ActivityKind::parse("对接会"), Ok(ActivityKind::Matching));
        assert!(ActivityKind::parse("打卡").unwrap_err().to_string().contains("活动类型"));
    }

    #[test]
    fn coverage_lasts_a_year() {
        assert_eq!(covers_until(d("2026-01-10")), d("2027-01-10"));
    }
}
