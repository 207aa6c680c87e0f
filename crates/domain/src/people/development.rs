//! Developing new members (发展党员): five stages and twenty-five steps, as the 《中国共产党
//! 发展党员工作细则》 (2014) lays them out, kept as **versioned data** ([`PIPELINES`]), not as
//! columns: a record of a person's way through keeps the version and the dated steps, so a
//! later edition of the rules adds a table, and what was recorded under the old one still
//! reads. The time rules between steps (the year as 积极分子 before becoming 发展对象, the
//! year of probation) are checked before a step is recorded ([`Pipeline::check`]), with a
//! Chinese warning naming both steps and the earliest or latest date.

use chrono::{Months, NaiveDate};

use crate::codes::labelled_enum;

labelled_enum!(
    /// 发展党员的五个阶段.
    Stage: "发展阶段" {
        Applicant = "applicant", "入党申请人", ["申请人"];
        Activist = "activist", "入党积极分子", ["积极分子"];
        Candidate = "candidate", "发展对象";
        Probationary = "probationary", "预备党员", ["预备"];
        Full = "full", "正式党员", ["正式"];
    }
);

/// A time rule of a step, against an earlier step of the same person.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeRule {
    /// Not before `months` after step `after` (e.g. a year as 积极分子).
    NotBefore { after: u8, months: u32 },
    /// Not later than `months` after step `after` (e.g. the talk within a month).
    Within { after: u8, months: u32 },
}

/// One step: its number (1–25), the part of the rules it belongs to (1–5, [`PARTS`]), its
/// name, whether it is a filing (备案) with the higher committee, the stage a person reaches
/// once it is recorded, and its time rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    pub number: u8,
    pub part: u8,
    pub name: &'static str,
    pub filing: bool,
    pub reaches: Option<Stage>,
    pub rules: &'static [TimeRule],
}

/// The five parts of the rules, by number.
pub const PARTS: [&str; 5] = [
    "入党申请人的确定和培养教育",
    "入党积极分子的确定和培养教育",
    "发展对象的确定和考察",
    "预备党员的接收",
    "预备党员的教育考察和转正",
];

/// An edition of the steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pipeline {
    /// What a record keeps: "2014".
    pub version: &'static str,
    pub title: &'static str,
    pub steps: &'static [Step],
}

const fn step(
    number: u8,
    part: u8,
    name: &'static str,
    filing: bool,
    reaches: Option<Stage>,
    rules: &'static [TimeRule],
) -> Step {
    Step { number, part, name, filing, reaches, rules }
}

use Stage::*;
use TimeRule::*;

/// 《中国共产党发展党员工作细则》(2014): the twenty-five steps.
const STEPS_2014: [Step; 25] = [
    step(1, 1, "递交入党申请书", false, Some(Applicant), &[]),
    step(2, 1, "党组织派人谈话", false, None, &[Within { after: 1, months: 1 }]),
    step(3, 2, "推荐和确定入党积极分子", false, Some(Activist), &[]),
    step(4, 2, "报上级党委备案（积极分子）", true, None, &[]),
    step(5, 2, "指定培养联系人", false, None, &[]),
    step(6, 2, "培养教育考察", false, None, &[]),
    step(7, 3, "确定发展对象", false, Some(Candidate), &[NotBefore { after: 3, months: 12 }]),
    step(8, 3, "报上级党委备案（发展对象）", true, None, &[]),
    step(9, 3, "确定入党介绍人", false, None, &[]),
    step(10, 3, "进行政治审查", false, None, &[]),
    step(11, 3, "开展集中培训", false, None, &[]),
    step(12, 4, "支部委员会审查", false, None, &[]),
    step(13, 4, "上级党委预审", false, None, &[]),
    step(14, 4, "填写入党志愿书", false, None, &[]),
    step(15, 4, "支部大会讨论接收预备党员", false, None, &[]),
    step(16, 4, "上级党委派人谈话", false, None, &[]),
    step(17, 4, "上级党委审批", false, Some(Probationary), &[Within { after: 15, months: 3 }]),
    step(18, 4, "再上一级党委组织部门备案", true, None, &[]),
    step(19, 5, "编入党支部和党小组", false, None, &[]),
    step(20, 5, "入党宣誓", false, None, &[]),
    step(21, 5, "继续教育考察", false, None, &[]),
    step(22, 5, "提出转正申请", false, None, &[]),
    step(23, 5, "支部大会讨论转正", false, None, &[NotBefore { after: 15, months: 12 }]),
    step(24, 5, "上级党委审批转正", false, Some(Full), &[Within { after: 23, months: 3 }]),
    step(25, 5, "材料归档", false, None, &[]),
];

/// Every edition known, the current one last.
pub const PIPELINES: &[Pipeline] =
    &[Pipeline { version: "2014", title: "中国共产党发展党员工作细则（2014）", steps: &STEPS_2014 }];

/// The edition new records follow.
pub fn current() -> &'static Pipeline {
    &PIPELINES[PIPELINES.len() - 1]
}

/// The edition a record names, if known.
pub fn pipeline(version: &str) -> Option<&'static Pipeline> {
    PIPELINES.iter().find(|p| p.version == version)
}

fn add_months(d: NaiveDate, months: u32) -> NaiveDate {
    d.checked_add_months(Months::new(months)).unwrap_or(d)
}

impl Pipeline {
    pub fn step(&self, number: u8) -> Option<&'static Step> {
        self.steps.iter().find(|s| s.number == number)
    }

    /// Whether step `number` may be recorded on `on`, given the steps recorded so far
    /// (number, date): the steps before it done, not dated before the last of them, and its
    /// time rules kept. The refusal is a sentence to show beside the step.
    pub fn check(&self, done: &[(u8, NaiveDate)], number: u8, on: NaiveDate) -> Result<(), String> {
        let Some(step) = self.step(number) else {
            return Err(format!("发展步骤：第{number}步不在《{}》中", self.title));
        };
        let date_of = |n: u8| done.iter().filter(|(d, _)| *d == n).map(|(_, on)| *on).max();
        if date_of(number).is_some() {
            return Err(format!("第{number}步“{}”已记录，不能重复记录", step.name));
        }
        if let Some(missing) = self.steps.iter().take_while(|s| s.number < number).find(|s| date_of(s.number).is_none())
        {
            return Err(format!("第{number}步“{}”之前须先完成第{}步“{}”", step.name, missing.number, missing.name));
        }
        if let Some((last, at)) = done.iter().filter(|(n, _)| *n < number).max_by_key(|(_, on)| *on)
            && on < *at
        {
            let name = self.step(*last).map_or("", |s| s.name);
            return Err(format!("日期：{on} 早于第{last}步“{name}”的日期 {at}"));
        }
        for rule in step.rules {
            let (after, months, not_before) = match *rule {
                NotBefore { after, months } => (after, months, true),
                Within { after, months } => (after, months, false),
            };
            let Some(from) = date_of(after) else { continue };
            let limit = add_months(from, months);
            let name = self.step(after).map_or("", |s| s.name);
            if not_before && on < limit {
                return Err(format!(
                    "时间要求：第{number}步“{}”须在第{after}步“{name}”（{from}）满{}之后，最早 {limit}",
                    step.name,
                    span(months)
                ));
            }
            if !not_before && on > limit {
                return Err(format!(
                    "时间要求：第{number}步“{}”应在第{after}步“{name}”（{from}）后{}内完成，最迟 {limit}",
                    step.name,
                    span(months)
                ));
            }
        }
        Ok(())
    }

    /// The stage a person is in once these steps are done: the furthest one a recorded step
    /// reaches (before any step, 入党申请人).
    pub fn stage(&self, done: &[(u8, NaiveDate)]) -> Stage {
        done.iter().filter_map(|(n, _)| self.step(*n)?.reaches).max().unwrap_or(Stage::Applicant)
    }

    /// The next step to record, if any.
    pub fn next(&self, done: &[(u8, NaiveDate)]) -> Option<&'static Step> {
        self.steps.iter().find(|s| !done.iter().any(|(n, _)| *n == s.number))
    }

    /// When step `number` may be recorded, given the steps done: not before the last step
    /// nor before a `NotBefore` rule's date (`earliest`), and not after a `Within` rule's
    /// date (`latest`). What a list shows as “due next”.
    pub fn window(&self, done: &[(u8, NaiveDate)], number: u8) -> Window {
        let mut w = Window { earliest: done.iter().map(|(_, on)| *on).max(), latest: None };
        let Some(step) = self.step(number) else { return w };
        for rule in step.rules {
            let (after, months, not_before) = match *rule {
                NotBefore { after, months } => (after, months, true),
                Within { after, months } => (after, months, false),
            };
            let Some(from) = done.iter().filter(|(n, _)| *n == after).map(|(_, on)| *on).max() else { continue };
            let limit = add_months(from, months);
            if not_before {
                w.earliest = Some(w.earliest.map_or(limit, |e| e.max(limit)));
            } else {
                w.latest = Some(w.latest.map_or(limit, |l| l.min(limit)));
            }
        }
        w
    }
}

/// The dates between which a step may be recorded (either end open).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Window {
    pub earliest: Option<NaiveDate>,
    pub latest: Option<NaiveDate>,
}

/// "一年", "3个月".
fn span(months: u32) -> String {
    if months.is_multiple_of(12) { format!("{}年", months / 12) } else { format!("{months}个月") }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// Steps 1–6 done, 积极分子 since 2025-03-01.
    fn activist() -> Vec<(u8, NaiveDate)> {
        vec![
            (1, d("2025-01-10")),
            (2, d("2025-02-05")),
            (3, d("2025-03-01")),
            (4, d("2025-03-05")),
            (5, d("2025-03-05")),
            (6, d("2025-09-01")),
        ]
    }

    #[test]
    fn twenty_five_steps_in_five_stages_with_the_filings_explicit() {
        let p = current();
        assert_eq!(p.steps.len(), 25);
        assert!(p.steps.iter().enumerate().all(|(i, s)| usize::from(s.number) == i + 1));
        let filings: Vec<u8> = p.steps.iter().filter(|s| s.filing).map(|s| s.number).collect();
        assert_eq!(filings, vec![4, 8, 18]);
        for stage in Stage::ALL {
            assert_eq!(p.steps.iter().filter(|s| s.reaches == Some(stage)).count(), 1, "{stage:?}");
        }
        assert!(p.steps.windows(2).all(|w| w[0].part <= w[1].part) && p.steps[24].part as usize == PARTS.len());
        assert_eq!(pipeline("2014"), Some(p));
        assert_eq!(pipeline("1990"), None);
    }

    #[test]
    fn a_year_as_activist_before_becoming_a_candidate() {
        let p = current();
        let e = p.check(&activist(), 7, d("2026-02-28")).unwrap_err();
        assert!(e.contains("满1年之后，最早 2026-03-01"), "{e}");
        assert!(p.check(&activist(), 7, d("2026-03-01")).is_ok());
        assert_eq!(p.stage(&activist()), Stage::Activist);
        assert_eq!(p.next(&activist()).map(|s| s.number), Some(7));
        assert_eq!(p.window(&activist(), 7), Window { earliest: Some(d("2026-03-01")), latest: None });
        assert_eq!(p.window(&[(1, d("2025-01-10"))], 2).latest, Some(d("2025-02-10")));
    }

    #[test]
    fn the_talk_within_a_month_and_steps_in_order() {
        let p = current();
        let applied = [(1, d("2025-01-10"))];
        let e = p.check(&applied, 2, d("2025-02-11")).unwrap_err();
        assert!(e.contains("1个月内完成，最迟 2025-02-10"), "{e}");
        assert!(p.check(&applied, 2, d("2025-02-10")).is_ok());
        let e = p.check(&applied, 3, d("2025-03-01")).unwrap_err();
        assert!(e.contains("须先完成第2步"), "{e}");
        let e = p.check(&activist(), 7, d("2025-08-01")).unwrap_err();
        assert!(e.starts_with("日期：2025-08-01 早于第6步"), "{e}");
        assert!(p.check(&activist(), 6, d("2026-01-01")).unwrap_err().contains("已记录"));
        assert!(p.check(&activist(), 26, d("2026-01-01")).is_err());
    }

    #[test]
    fn a_year_of_probation_before_becoming_full() {
        let p = current();
        let mut done = activist();
        let dates = [
            "2026-03-01",
            "2026-03-05",
            "2026-03-10",
            "2026-04-01",
            "2026-05-10",
            "2026-05-20",
            "2026-05-25",
            "2026-06-01",
            "2026-06-10",
            "2026-06-20",
            "2026-07-15",
            "2026-07-20",
            "2026-07-01",
            "2026-07-01",
            "2026-07-01",
            "2027-05-20",
        ];
        for (i, on) in dates.iter().enumerate() {
            let n = 7 + i as u8;
            let on = d(on).max(done.iter().map(|(_, x)| *x).max().unwrap());
            p.check(&done, n, on).unwrap();
            done.push((n, on));
        }
        assert_eq!(p.stage(&done), Stage::Probationary, "a 预备党员 until the approval of step 24");
        let e = p.check(&done, 23, d("2027-06-09")).unwrap_err();
        assert!(e.contains("第15步") && e.contains("最早 2027-06-10"), "{e}");
        p.check(&done, 23, d("2027-06-10")).unwrap();
        done.push((23, d("2027-06-10")));
        assert!(p.check(&done, 24, d("2027-09-11")).unwrap_err().contains("最迟 2027-09-10"));
        done.push((24, d("2027-09-10")));
        assert_eq!(p.stage(&done), Stage::Full);
    }
}
