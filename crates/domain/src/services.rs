//! Enterprise services (红色店小二 / 直通车): time limits in Chinese working days or
//! working hours, the clock that pauses while a request waits on the enterprise (待补材料),
//! and the four colours every request shows.
//!
//! Working hours are 09:00–12:00 and 13:00–17:00 on working days (seven hours), the
//! office hours of Shanghai's district service centres; a limit of 4 hours started at
//! 16:00 ends at 12:00 the next working day.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use serde::Serialize;

use crate::calendar::WorkCalendar;
use crate::codes::labelled_enum;

mod requests;
pub use requests::{EventKind, RequestAction, RequestError, RequestState};

/// A 办结时限 as the catalogue states it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "unit", content = "n", rename_all = "snake_case")]
pub enum TimeLimit {
    WorkingDays(u32),
    WorkingHours(u32),
}

impl TimeLimit {
    /// "5个工作日", "4小时", "5 工作日", "4h" …
    pub fn parse(s: &str) -> Option<TimeLimit> {
        let t = crate::text::compact(s);
        let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
        let n: u32 = digits.parse().ok()?;
        let rest = &t[digits.len()..];
        match rest {
            "" | "个工作日" | "工作日" | "天" | "日" | "d" => Some(TimeLimit::WorkingDays(n)),
            "小时" | "个工作小时" | "工作小时" | "h" => Some(TimeLimit::WorkingHours(n)),
            _ => None,
        }
    }

    pub fn label(self) -> String {
        match self {
            TimeLimit::WorkingDays(n) => format!("{n}个工作日"),
            TimeLimit::WorkingHours(n) => format!("{n}个工作小时"),
        }
    }

    fn minutes(self) -> i64 {
        match self {
            TimeLimit::WorkingDays(n) => i64::from(n) * DAY_MINUTES,
            TimeLimit::WorkingHours(n) => i64::from(n) * 60,
        }
    }
}

/// Office hours of a working day, as minute ranges from midnight.
const OFFICE: [(i64, i64); 2] = [(9 * 60, 12 * 60), (13 * 60, 17 * 60)];
const DAY_MINUTES: i64 = 7 * 60;

fn minute_of_day(t: NaiveDateTime) -> i64 {
    i64::from(t.hour()) * 60 + i64::from(t.minute())
}

fn at_minute(day: NaiveDate, minute: i64) -> NaiveDateTime {
    day.and_time(NaiveTime::MIN) + Duration::minutes(minute)
}

/// Working minutes of office hours between two instants (0 when `to <= from`).
pub fn working_minutes(cal: &WorkCalendar, from: NaiveDateTime, to: NaiveDateTime) -> i64 {
    if to <= from {
        return 0;
    }
    let (d0, d1) = (from.date(), to.date());
    let within = |day: NaiveDate, lo: i64, hi: i64| -> i64 {
        if !cal.is_working_day(day) {
            return 0;
        }
        OFFICE.iter().map(|(a, b)| (hi.min(*b) - lo.max(*a)).max(0)).sum()
    };
    if d0 == d1 {
        return within(d0, minute_of_day(from), minute_of_day(to));
    }
    // First day from `from`, whole working days between, last day up to `to`.
    let whole = i64::from(cal.count(d0, d1 - Duration::days(1)));
    within(d0, minute_of_day(from), 24 * 60) + whole * DAY_MINUTES + within(d1, 0, minute_of_day(to))
}

/// The instant at which `minutes` of office time have passed since `from`.
pub fn add_working_minutes(cal: &WorkCalendar, from: NaiveDateTime, minutes: i64) -> NaiveDateTime {
    let mut left = minutes.max(0);
    let mut day = from.date();
    let mut cursor = minute_of_day(from);
    loop {
        if cal.is_working_day(day) {
            for (a, b) in OFFICE {
                let start = cursor.max(a);
                if start >= b {
                    continue;
                }
                let span = b - start;
                if left <= span {
                    return at_minute(day, start + left);
                }
                left -= span;
            }
        }
        day += Duration::days(1);
        cursor = 0;
    }
}

/// A line of a service catalogue file, as io reads it and the store saves it; the
/// department is named as people write it (经委, 区市场监管局, or the full name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogueLine {
    pub line: usize,
    pub code: String,
    pub name: String,
    pub department: String,
    pub materials: Vec<String>,
    pub limit: TimeLimit,
    pub stages: Vec<String>,
}

/// A span during which the clock stood still (待补材料); `to` None while still waiting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pause {
    pub from: NaiveDateTime,
    pub to: Option<NaiveDateTime>,
}

labelled_enum!(
    /// The four colours of a request.
    Colour: "颜色" {
        /// 已办结.
        Green = "green", "已办结";
        /// 正常办理.
        Blue = "blue", "正常";
        /// 临期: two working days (48 hours for limits in hours) or less left — or, for limits
        /// so short that they would start yellow, half the limit or less.
        Yellow = "yellow", "临期";
        /// 超期: past the deadline; escalates to the department head and the district admin.
        Red = "red", "超期";
    }
);

/// Office minutes of a stage from `from` to `to`, the pauses (待补材料) that fall inside it
/// not counted: a stage's lead time is the office's time, as the request's clock is. A
/// pause still open counts as lasting to `to`.
pub fn stage_minutes(cal: &WorkCalendar, from: NaiveDateTime, to: NaiveDateTime, pauses: &[Pause]) -> i64 {
    let paused: i64 =
        pauses.iter().map(|p| working_minutes(cal, p.from.max(from), p.to.map_or(to, |t| t.min(to)))).sum();
    (working_minutes(cal, from, to) - paused).max(0)
}

/// The clock of one request: where it stands at `now`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Clock {
    /// Office minutes counted so far, pauses excluded.
    pub elapsed_minutes: i64,
    /// Office minutes still allowed (negative once overdue).
    pub remaining_minutes: i64,
    /// When the limit runs out if nothing more pauses it.
    pub deadline: NaiveDateTime,
    pub colour: Colour,
    pub paused: bool,
}

impl Clock {
    /// Elapsed working days, rounded down, as reports count them.
    pub fn elapsed_working_days(&self) -> f64 {
        (self.elapsed_minutes as f64 / DAY_MINUTES as f64 * 10.0).floor() / 10.0
    }
}

/// Where a request accepted at `accepted` with `limit` stands at `now` (or at `done`, when
/// finished), the `pauses` not counted.
pub fn clock(
    cal: &WorkCalendar,
    limit: TimeLimit,
    accepted: NaiveDateTime,
    pauses: &[Pause],
    done: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> Clock {
    let end = done.unwrap_or(now);
    let mut paused_minutes = 0;
    let mut paused = false;
    for p in pauses {
        let to = match p.to {
            Some(t) => t.min(end),
            None => {
                paused = done.is_none();
                end
            }
        };
        paused_minutes += working_minutes(cal, p.from.max(accepted), to);
    }
    let elapsed = (working_minutes(cal, accepted, end) - paused_minutes).max(0);
    let remaining = limit.minutes() - elapsed;
    let deadline = add_working_minutes(cal, end, remaining.max(0));
    let deadline = if remaining < 0 { end - Duration::minutes(-remaining) } else { deadline };
    let warn = match limit {
        TimeLimit::WorkingDays(_) => 2 * DAY_MINUTES,
        TimeLimit::WorkingHours(_) => 48 * 60,
    };
    let colour = if done.is_some() {
        Colour::Green
    } else if remaining < 0 {
        Colour::Red
    } else if remaining <= warn.min(limit.minutes() / 2).max(1) {
        Colour::Yellow
    } else {
        Colour::Blue
    };
    Clock { elapsed_minutes: elapsed, remaining_minutes: remaining, deadline, colour, paused }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::calendar::shipped;

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn limits_are_read_as_catalogues_write_them() {
        assert_eq!(TimeLimit::parse("5个工作日"), Some(TimeLimit::WorkingDays(5)));
        assert_eq!(TimeLimit::parse(" 12 工作日"), Some(TimeLimit::WorkingDays(12)));
        assert_eq!(TimeLimit::parse("4小时"), Some(TimeLimit::WorkingHours(4)));
        assert_eq!(TimeLimit::parse("4h"), Some(TimeLimit::WorkingHours(4)));
        assert_eq!(TimeLimit::parse("尽快"), None);
    }

    #[test]
    fn office_hours_and_holidays() {
        let cal = shipped();
        // Friday 16:00 + 4 hours: 1 hour Friday, 3 hours Monday morning.
        assert_eq!(add_working_minutes(&cal, t("2026-11-20 16:00"), 240), t("2026-11-23 12:00"));
        // Before Spring Festival 2026: Friday 13 Feb 16:00 + 2 h → Saturday 14 Feb (调休上班) 10:00.
        assert_eq!(add_working_minutes(&cal, t("2026-02-13 16:00"), 120), t("2026-02-14 10:00"));
        // Then the nine days off: Saturday 16:00 + 2 h → Tuesday 24 Feb 10:00.
        assert_eq!(add_working_minutes(&cal, t("2026-02-14 16:00"), 120), t("2026-02-24 10:00"));
        assert_eq!(working_minutes(&cal, t("2026-02-14 16:00"), t("2026-02-24 10:00")), 120);
        assert_eq!(working_minutes(&cal, t("2026-11-23 12:10"), t("2026-11-23 12:50")), 0, "lunch");
    }

    #[test]
    fn a_pause_stops_the_clock_and_colours_follow() {
        let cal = shipped();
        let accepted = t("2026-11-02 09:00");
        let limit = TimeLimit::WorkingDays(5);
        // Day 3 at 09:00: 2 days used, 3 left → blue.
        let c = clock(&cal, limit, accepted, &[], None, t("2026-11-04 09:00"));
        assert_eq!((c.elapsed_minutes, c.colour), (2 * 420, Colour::Blue));
        assert_eq!(c.deadline, t("2026-11-06 17:00"));
        // Waiting on the enterprise from day 2 to day 5: those days do not count.
        let pause = Pause { from: t("2026-11-03 09:00"), to: Some(t("2026-11-06 09:00")) };
        let c = clock(&cal, limit, accepted, &[pause], None, t("2026-11-06 09:00"));
        assert_eq!(c.elapsed_minutes, 420);
        assert_eq!(c.deadline, t("2026-11-11 17:00"));
        // Still waiting: paused, the same elapsed time however late it gets.
        let open = Pause { from: t("2026-11-03 09:00"), to: None };
        let a = clock(&cal, limit, accepted, &[open], None, t("2026-11-06 09:00"));
        let b = clock(&cal, limit, accepted, &[open], None, t("2026-11-20 09:00"));
        assert!(a.paused && b.paused);
        assert_eq!(a.elapsed_minutes, b.elapsed_minutes);
        // Day 4 of 5 → yellow; after the deadline → red; finished → green.
        assert_eq!(clock(&cal, limit, accepted, &[], None, t("2026-11-05 09:00")).colour, Colour::Yellow);
        assert_eq!(clock(&cal, limit, accepted, &[], None, t("2026-11-09 10:00")).colour, Colour::Red);
        assert_eq!(
            clock(&cal, limit, accepted, &[], Some(t("2026-11-09 10:00")), t("2026-11-20 10:00")).colour,
            Colour::Green
        );
    }

    #[test]
    fn a_pause_inside_a_stage_does_not_count_towards_it() {
        let cal = shipped();
        // A stage from Monday 09:00 to Friday 17:00 (five working days) …
        let (from, to) = (t("2026-11-02 09:00"), t("2026-11-06 17:00"));
        assert_eq!(stage_minutes(&cal, from, to, &[]), 5 * 420);
        // … with the enterprise's materials awaited Tuesday 09:00 to Thursday 09:00: three days.
        let inside = Pause { from: t("2026-11-03 09:00"), to: Some(t("2026-11-05 09:00")) };
        assert_eq!(stage_minutes(&cal, from, to, &[inside]), 3 * 420);
        // A pause before the stage counts for nothing; one that straddles its start or end
        // only for the part inside it; one still open runs to the stage's end.
        let before = Pause { from: t("2026-10-26 09:00"), to: Some(t("2026-10-30 09:00")) };
        assert_eq!(stage_minutes(&cal, from, to, &[before]), 5 * 420);
        let straddles = Pause { from: t("2026-10-30 09:00"), to: Some(t("2026-11-03 09:00")) };
        assert_eq!(stage_minutes(&cal, from, to, &[straddles]), 4 * 420);
        let open = Pause { from: t("2026-11-06 09:00"), to: None };
        assert_eq!(stage_minutes(&cal, from, to, &[inside, open]), 2 * 420);
    }

    proptest! {
        #[test]
        fn adding_minutes_then_counting_them_gives_them_back(offset in 0i64..900, minute in 0i64..1440, n in 0i64..20_000) {
            let cal = shipped();
            let start = at_minute(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + Duration::days(offset), minute);
            let end = add_working_minutes(&cal, start, n);
            prop_assert_eq!(working_minutes(&cal, start, end), n);
        }

        #[test]
        fn pauses_never_count(offset in 0i64..600, len in 1i64..30, pause_at in 0i64..30, pause_len in 0i64..30) {
            let cal = shipped();
            let accepted = at_minute(NaiveDate::from_ymd_opt(2024, 3, 1).unwrap() + Duration::days(offset), 9 * 60);
            let now = accepted + Duration::days(len);
            let from = accepted + Duration::days(pause_at.min(len));
            let to = from + Duration::days(pause_len);
            let with = clock(&cal, TimeLimit::WorkingDays(10), accepted, &[Pause { from, to: Some(to) }], None, now);
            let without = clock(&cal, TimeLimit::WorkingDays(10), accepted, &[], None, now);
            let paused = working_minutes(&cal, from, to.min(now));
            prop_assert_eq!(with.elapsed_minutes, without.elapsed_minutes - paused);
        }
    }
}
