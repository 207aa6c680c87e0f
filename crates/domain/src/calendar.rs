//! The Chinese working-day calendar: weekends off, statutory holidays off, and the make-up
//! working weekends (调休上班) on. The holiday schedule is data — one file per year, as the
//! State Council publishes it each November (`reference/calendar/cn-YYYY.csv`, source named
//! in each file) — so an administrator adds next year's without a new release.
//!
//! Time limits (办结时限) count working days *after* the day a request is accepted: a request
//! accepted on Monday with a limit of 1 working day is due on Tuesday. [`WorkCalendar::add`]
//! and [`WorkCalendar::count`] are inverse: `count(d, add(d, n)) == n`.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use crate::codes::labelled_enum;

labelled_enum!(
    /// What a special day is.
    DayKind: "类型" {
        /// 放假 (a statutory holiday or a day off moved onto a weekday).
        Holiday = "holiday", "放假", ["休", "假", "节假日"];
        /// 调休上班: a Saturday or Sunday that is a working day.
        Workday = "workday", "调休上班", ["上班", "班", "补班"];
    }
);

/// One day of a year's schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecialDay {
    pub date: NaiveDate,
    pub kind: DayKind,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("第 {line} 行：{message}")]
    Line { line: usize, message: String },
    #[error("文件中没有任何日期")]
    Empty,
    #[error("一个文件只能是一年的安排，文件中有 {0} 年和 {1} 年")]
    MixedYears(i32, i32),
}

/// Reads a year file: `date,kind,name` lines, `#` comments and a header line. Kinds may be
/// written `holiday`/`放假`/`休` and `workday`/`上班`/`班`. Every bad line is reported with
/// its number; a file with any bad line is refused whole, so a year is never half loaded.
pub fn parse_year_file(text: &str) -> Result<(i32, Vec<SpecialDay>), Vec<CalendarError>> {
    let mut days = Vec::new();
    let mut errors = Vec::new();
    let mut year: Option<i32> = None;
    let mut seen = BTreeSet::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let l = raw.trim().trim_start_matches('\u{feff}');
        if l.is_empty() || l.starts_with('#') || l.to_lowercase().starts_with("date,") || l.starts_with("日期") {
            continue;
        }
        let mut parts = l.splitn(3, [',', '，']).map(str::trim);
        let (Some(date), Some(kind)) = (parts.next(), parts.next()) else {
            errors.push(CalendarError::Line { line, message: "应为“日期,类型,名称”".into() });
            continue;
        };
        let name = parts.next().unwrap_or("").to_owned();
        let Ok(date) = NaiveDate::parse_from_str(date, "%Y-%m-%d") else {
            errors.push(CalendarError::Line {
                line, message: format!("“{date}”不是日期，应为 2026-10-01 的格式")
            });
            continue;
        };
        let kind = match DayKind::parse(kind) {
            Ok(k) => k,
            Err(e) => {
                errors.push(CalendarError::Line { line, message: e.to_string() });
                continue;
            }
        };
        let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
        if kind == DayKind::Workday && !weekend {
            errors.push(CalendarError::Line {
                line, message: format!("{date} 是工作日，不需要标为调休上班")
            });
            continue;
        }
        if !seen.insert(date) {
            errors.push(CalendarError::Line { line, message: format!("{date} 重复出现") });
            continue;
        }
        match year {
            None => year = Some(date.year()),
            Some(y) if y != date.year() => {
                errors.push(CalendarError::MixedYears(y, date.year()));
                continue;
            }
            _ => {}
        }
        days.push(SpecialDay { date, kind, name });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    match year {
        Some(y) => Ok((y, days)),
        None => Err(vec![CalendarError::Empty]),
    }
}

/// The working-day calendar over the years it knows; other years have weekends only, and
/// [`WorkCalendar::knows`] tells the pages to warn about them.
#[derive(Clone, Debug, Default)]
pub struct WorkCalendar {
    special: BTreeMap<NaiveDate, DayKind>,
    years: BTreeSet<i32>,
}

impl WorkCalendar {
    pub fn new() -> WorkCalendar {
        WorkCalendar::default()
    }

    /// Adds (or replaces) one year's schedule.
    pub fn set_year(&mut self, year: i32, days: &[SpecialDay]) {
        self.special.retain(|d, _| d.year() != year);
        for d in days {
            self.special.insert(d.date, d.kind);
        }
        self.years.insert(year);
    }

    pub fn knows(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.iter().copied()
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        match self.special.get(&d) {
            Some(DayKind::Workday) => true,
            Some(DayKind::Holiday) => false,
            None => !matches!(d.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// The `n`-th working day after `from` (`from` itself not counted); `from` when n is 0.
    pub fn add(&self, from: NaiveDate, n: u32) -> NaiveDate {
        let mut d = from;
        let mut left = n;
        while left > 0 {
            d += Duration::days(1);
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// Working days in `(from, to]`: how many of the days after `from` up to and including
    /// `to` are working days; 0 when `to <= from`.
    pub fn count(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        if to <= from {
            return 0;
        }
        // Whole weeks have five weekdays; only the special days inside need a look.
        let days = (to - from).num_days();
        let weeks = days / 7;
        let mut n = weeks * 5;
        let mut d = from + Duration::days(weeks * 7);
        while d < to {
            d += Duration::days(1);
            if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
                n += 1;
            }
        }
        let start = from + Duration::days(1);
        for (day, kind) in self.special.range(start..=to) {
            let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
            match (kind, weekend) {
                (DayKind::Holiday, false) => n -= 1,
                (DayKind::Workday, true) => n += 1,
                _ => {}
            }
        }
        n.max(0) as u32
    }
}

/// The calendars shipped with the platform (`reference/calendar/`), built in at compile time.
pub const SHIPPED: [(&str, &str); 3] = [
    ("cn-2024.csv", include_str!("../../../reference/calendar/cn-2024.csv")),
    ("cn-2025.csv", include_str!("../../../reference/calendar/cn-2025.csv")),
    ("cn-2026.csv", include_str!("../../../reference/calendar/cn-2026.csv")),
];

/// The shipped years as one calendar.
pub fn shipped() -> WorkCalendar {
    let mut cal = WorkCalendar::new();
    for (_, text) in SHIPPED {
        if let Ok((year, days)) = parse_year_file(text) {
            cal.set_year(year, &days);
        }
    }
    cal
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn every_shipped_file_parses() {
        for (name, text) in SHIPPED {
            let (year, days) = parse_year_file(text).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert!(name.contains(&year.to_string()));
            assert!(days.len() > 25, "{name}");
        }
        let cal = shipped();
        assert!(cal.knows(2026) && cal.knows(2025) && !cal.knows(2027));
    }

    #[test]
    fn spring_festival_2026() {
        let cal = shipped();
        // 2月14日（周六）调休上班; 15日至23日放假; 28日（周六）上班.
        assert!(cal.is_working_day(d("2026-02-14")));
        assert!(!cal.is_working_day(d("2026-02-16")));
        assert!(!cal.is_working_day(d("2026-02-23")), "a Monday off");
        assert!(cal.is_working_day(d("2026-02-28")));
        // Accepted Thursday 12 February, three working days: Fri 13, Sat 14, then Tue 24.
        assert_eq!(cal.add(d("2026-02-12"), 3), d("2026-02-24"));
        assert_eq!(cal.count(d("2026-02-12"), d("2026-02-24")), 3);
        assert_eq!(cal.count(d("2026-02-14"), d("2026-02-23")), 0, "nothing counts over the holiday");
    }

    #[test]
    fn national_day_2025_and_2026() {
        let cal = shipped();
        // 2025: 9月28日（周日）上班, 10月1日至8日放假, 10月11日（周六）上班.
        assert_eq!(cal.add(d("2025-09-26"), 1), d("2025-09-28"), "the Sunday counts");
        assert_eq!(cal.add(d("2025-09-30"), 2), d("2025-10-10"));
        assert_eq!(cal.add(d("2025-10-09"), 2), d("2025-10-11"), "the Saturday counts");
        // 2026: 9月20日（周日）上班; 中秋 25–27日; 国庆 1–7日; 10月10日（周六）上班.
        assert_eq!(cal.count(d("2026-09-18"), d("2026-09-21")), 2);
        assert_eq!(cal.count(d("2026-09-30"), d("2026-10-10")), 3, "Oct 8, 9 and the Saturday 10th");
        // The seeds' 58 working days from a signing: one fixed answer across the holidays.
        let due = cal.add(d("2026-01-05"), 58);
        assert_eq!(cal.count(d("2026-01-05"), due), 58);
        assert_eq!(due, d("2026-04-01"));
    }

    #[test]
    fn a_year_file_with_bad_lines_is_refused_line_by_line() {
        let text = "date,kind,name\n2027-01-01,holiday,元旦\n2027-01-05,workday,周二\n2027-02-30,holiday,x\n2027-01-01,holiday,重复\n2027-02-06,上班,春节调休\n";
        let errors = parse_year_file(text).unwrap_err();
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert!(lines[0].starts_with("第 3 行") && lines[0].contains("不需要"));
        assert!(lines[1].starts_with("第 4 行") && lines[1].contains("不是日期"));
        assert!(lines[2].starts_with("第 5 行") && lines[2].contains("重复"));
        assert_eq!(parse_year_file("# 空\n"), Err(vec![CalendarError::Empty]));
    }

    proptest! {
        #[test]
        fn adding_then_counting_gives_n(offset in 0i64..1200, n in 0u32..300) {
            let cal = shipped();
            let start = d("2024-01-01") + Duration::days(offset);
            let due = cal.add(start, n);
            prop_assert_eq!(cal.count(start, due), n);
            prop_assert!(n == 0 || cal.is_working_day(due));
        }

        #[test]
        fn counting_matches_walking_day_by_day(offset in 0i64..1100, len in 0i64..120) {
            let cal = shipped();
            let from = d("2024-01-01") + Duration::days(offset);
            let to = from + Duration::days(len);
            let walked = (1..=len).filter(|i| cal.is_working_day(from + Duration::days(*i))).count() as u32;
            prop_assert_eq!(cal.count(from, to), walked);
        }
    }
}
