//! Coverage monitoring (组织覆盖 / 工作覆盖): how an enterprise's status follows from the
//! records about it, and the rates, gaps and deadlines the organisation department reports.
//! The status is never typed in; `docs/coverage.md` explains each rule with its reason.

use chrono::NaiveDate;
use serde::Serialize;

use crate::codes::labelled_enum;

use crate::registry::OrgForm;

/// Songjiang's eight key-enterprise categories (“八个百分之百”), as names and rules: the
/// demo district's defaults and the benchmark's workload.
pub const SONGJIANG_CATEGORIES: [(&str, &str); 8] = [
    ("高新技术企业", "高新技术企业"),
    ("规模以上企业", "规上企业"),
    ("百人以上企业", "从业人数>=100"),
    ("专精特新企业", "专精特新"),
    ("上市企业", "上市企业"),
    ("重点项目企业", "重点项目企业"),
    ("产业集群成员企业", "集群成员"),
    ("“6+X”战略性新兴产业企业", "(行业=C39 或 行业=I65 或 行业=C27 或 行业=C38) 且 (高新技术企业 或 规上企业)"),
];

labelled_enum!(
    /// An enterprise's coverage, strongest first.
    CoverageStatus: "覆盖状态" {
        /// 独立建立: a Party organisation of its own.
        OwnOrg = "own_org", "独立建立", ["单独建立", "独建"];
        /// 联合建立: covered by a joint branch (or a temporary project branch) with neighbours.
        JointOrg = "joint_org", "联合建立", ["联建"];
        /// 工作覆盖: no organisation, but an instructor is assigned or its members take part in a
        /// neighbour's branch (or an activity-type committee's) activities.
        WorkOnly = "work_only", "仅工作覆盖", ["工作覆盖"];
        /// 未覆盖.
        Uncovered = "uncovered", "未覆盖", ["无"];
    }
);

labelled_enum!(
    /// How an enterprise without an organisation is covered by work (工作覆盖).
    WorkLinkKind: "覆盖方式" {
        /// 党建工作指导员 assigned to the enterprise.
        Instructor = "instructor", "选派党建工作指导员", ["指导员", "党建工作指导员"];
        /// Its members take part in a neighbour branch's activities.
        Activities = "activities", "党员参加邻近党组织活动", ["参加活动", "邻近党组织活动"];
    }
);

labelled_enum!(
    /// Where an entry of a responsibility list (责任清单) stands: open until the enterprise is
    /// covered or a user withdraws it.
    AssignmentState: "办理状态" {
        Open = "open", "办理中", ["在办", "办理"];
        Closed = "closed", "已办结", ["办结", "已完成"];
    }
);

impl CoverageStatus {
    /// The number stored in the derived tables.
    pub fn db(self) -> i16 {
        match self {
            CoverageStatus::OwnOrg => 1,
            CoverageStatus::JointOrg => 2,
            CoverageStatus::WorkOnly => 3,
            CoverageStatus::Uncovered => 0,
        }
    }

    pub fn from_db(n: i16) -> CoverageStatus {
        match n {
            1 => CoverageStatus::OwnOrg,
            2 => CoverageStatus::JointOrg,
            3 => CoverageStatus::WorkOnly,
            _ => CoverageStatus::Uncovered,
        }
    }

    /// Counted in the organisational coverage rate (有形覆盖).
    pub fn is_org(self) -> bool {
        matches!(self, CoverageStatus::OwnOrg | CoverageStatus::JointOrg)
    }

    /// Counted in the work coverage rate: organisation or work.
    pub fn is_work(self) -> bool {
        self != CoverageStatus::Uncovered
    }

    /// The status from what covers an enterprise on a day: the forms of the organisations
    /// linked to it that are active that day, and whether a work link (instructor or
    /// activities) is active that day.
    pub fn derive(active_org_forms: impl IntoIterator<Item = OrgForm>, work_link: bool) -> CoverageStatus {
        let mut best = if work_link { CoverageStatus::WorkOnly } else { CoverageStatus::Uncovered };
        for form in active_org_forms {
            let status = match form {
                OrgForm::Independent => CoverageStatus::OwnOrg,
                OrgForm::Joint | OrgForm::Temporary => CoverageStatus::JointOrg,
                // An activity-type committee gathers members of units without organisations
                // for activities; it does not organise them (the seeds count it separately).
                OrgForm::Activity => CoverageStatus::WorkOnly,
            };
            best = best.min(status);
        }
        best
    }
}

/// Whether a record dated by `from` / `until` is in force on `day` (`until` is the first day
/// it no longer is, as a dissolution date is).
pub fn active_on(from: Option<NaiveDate>, until: Option<NaiveDate>, day: NaiveDate) -> bool {
    from.is_none_or(|f| f <= day) && until.is_none_or(|u| u > day)
}

/// The counts of one cell of the summary (a category, maybe a town).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub total: u64,
    pub own_org: u64,
    pub joint_org: u64,
    pub work_only: u64,
    pub uncovered: u64,
}

impl Counts {
    pub fn add(&mut self, status: CoverageStatus, n: u64) {
        self.total += n;
        match status {
            CoverageStatus::OwnOrg => self.own_org += n,
            CoverageStatus::JointOrg => self.joint_org += n,
            CoverageStatus::WorkOnly => self.work_only += n,
            CoverageStatus::Uncovered => self.uncovered += n,
        }
    }

    pub fn merge(&mut self, other: &Counts) {
        self.total += other.total;
        self.own_org += other.own_org;
        self.joint_org += other.joint_org;
        self.work_only += other.work_only;
        self.uncovered += other.uncovered;
    }

    pub fn of(&self, status: CoverageStatus) -> u64 {
        match status {
            CoverageStatus::OwnOrg => self.own_org,
            CoverageStatus::JointOrg => self.joint_org,
            CoverageStatus::WorkOnly => self.work_only,
            CoverageStatus::Uncovered => self.uncovered,
        }
    }

    pub fn org_covered(&self) -> u64 {
        self.own_org + self.joint_org
    }

    pub fn work_covered(&self) -> u64 {
        self.total - self.uncovered
    }

    /// Organisational coverage in percent; an empty category counts as fully covered.
    pub fn org_rate(&self) -> f64 {
        rate(self.org_covered(), self.total)
    }

    pub fn work_rate(&self) -> f64 {
        rate(self.work_covered(), self.total)
    }

    /// How many more enterprises need an organisation to reach `target_pct`.
    pub fn gap(&self, target_pct: f64) -> u64 {
        let needed = (self.total as f64 * target_pct / 100.0 - 1e-9).ceil().max(0.0) as u64;
        needed.saturating_sub(self.org_covered())
    }
}

fn rate(part: u64, total: u64) -> f64 {
    if total == 0 { 100.0 } else { part as f64 * 100.0 / total as f64 }
}

/// Days from `today` to `deadline`, negative once it has passed.
pub fn days_left(today: NaiveDate, deadline: NaiveDate) -> i64 {
    (deadline - today).num_days()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn songjiangs_categories_are_valid_rules() {
        for (name, rule) in SONGJIANG_CATEGORIES {
            assert!(crate::rules::Rule::parse(rule).is_ok(), "{name}: {rule}");
        }
    }

    #[test]
    fn the_strongest_link_decides() {
        use OrgForm::*;
        assert_eq!(CoverageStatus::derive([], false), CoverageStatus::Uncovered);
        assert_eq!(CoverageStatus::derive([], true), CoverageStatus::WorkOnly);
        assert_eq!(CoverageStatus::derive([Activity], false), CoverageStatus::WorkOnly);
        assert_eq!(CoverageStatus::derive([Joint], true), CoverageStatus::JointOrg);
        assert_eq!(CoverageStatus::derive([Temporary], false), CoverageStatus::JointOrg);
        assert_eq!(CoverageStatus::derive([Joint, Independent], false), CoverageStatus::OwnOrg);
        for s in CoverageStatus::ALL {
            assert_eq!(CoverageStatus::from_db(s.db()), s);
            assert_eq!(CoverageStatus::from_code(s.code()), Ok(s));
        }
    }

    #[test]
    fn a_dissolution_ends_coverage_on_its_day() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert!(active_on(Some(d("2026-01-01")), Some(d("2026-10-15")), d("2026-10-14")));
        assert!(!active_on(Some(d("2026-01-01")), Some(d("2026-10-15")), d("2026-10-15")));
        assert!(!active_on(Some(d("2026-12-01")), None, d("2026-11-23")));
        assert!(active_on(None, None, d("2026-11-23")));
    }

    #[test]
    fn rates_and_gaps() {
        let mut c = Counts::default();
        c.add(CoverageStatus::OwnOrg, 6);
        c.add(CoverageStatus::JointOrg, 1);
        c.add(CoverageStatus::WorkOnly, 2);
        c.add(CoverageStatus::Uncovered, 1);
        assert_eq!(c.total, 10);
        assert!((c.org_rate() - 70.0).abs() < 1e-9);
        assert!((c.work_rate() - 90.0).abs() < 1e-9);
        assert_eq!(c.gap(100.0), 3);
        assert_eq!(c.gap(70.0), 0);
        assert_eq!(c.gap(75.0), 1, "7.5 enterprises round up to 8");
        assert_eq!(Counts::default().org_rate(), 100.0);
    }
}
