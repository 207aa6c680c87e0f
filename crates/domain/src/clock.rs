//! Time comes in through a [`Clock`] so that tests decide what "now" is.

use chrono::{DateTime, Utc};

pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> DateTime<Utc>;
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until told to move; for tests of expiry and lockout.
#[derive(Debug)]
pub struct FixedClock(std::sync::Mutex<DateTime<Utc>>);

impl FixedClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        FixedClock(std::sync::Mutex::new(at))
    }

    pub fn advance(&self, by: chrono::Duration) {
        if let Ok(mut now) = self.0.lock() {
            *now += by;
        }
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        match self.0.lock() {
            Ok(now) => *now,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }
}

/// An instant in UTC, as the clock gives it or as the database stores it (naive, UTC).
pub trait UtcInstant {
    fn naive_utc(&self) -> chrono::NaiveDateTime;
}

impl UtcInstant for DateTime<Utc> {
    fn naive_utc(&self) -> chrono::NaiveDateTime {
        DateTime::naive_utc(self)
    }
}

impl UtcInstant for chrono::NaiveDateTime {
    fn naive_utc(&self) -> chrono::NaiveDateTime {
        *self
    }
}

impl<T: UtcInstant> UtcInstant for &T {
    fn naive_utc(&self) -> chrono::NaiveDateTime {
        (**self).naive_utc()
    }
}

/// The platform serves China Standard Time: UTC+8 all year, no daylight saving.
pub const BEIJING_OFFSET_HOURS: i64 = 8;

/// Beijing wall-clock time of a UTC instant, for display and for "today".
pub fn beijing(t: impl UtcInstant) -> chrono::NaiveDateTime {
    t.naive_utc() + chrono::Duration::hours(BEIJING_OFFSET_HOURS)
}

/// The date in Beijing at a UTC instant.
pub fn beijing_today(now: impl UtcInstant) -> chrono::NaiveDate {
    beijing(now).date()
}

/// The UTC instant of a Beijing wall-clock time (a date typed into a form, a time in a file).
pub fn from_beijing(t: chrono::NaiveDateTime) -> chrono::NaiveDateTime {
    t - chrono::Duration::hours(BEIJING_OFFSET_HOURS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn beijing_is_eight_hours_ahead_across_midnight() {
        let utc = Utc.with_ymd_and_hms(2026, 12, 31, 17, 30, 0).single().unwrap();
        assert_eq!(beijing(utc).to_string(), "2027-01-01 01:30:00");
        assert_eq!(beijing_today(utc).to_string(), "2027-01-01");
        assert_eq!(beijing(utc.naive_utc()), beijing(utc));
        assert_eq!(from_beijing(beijing(utc)), utc.naive_utc());
    }
}
