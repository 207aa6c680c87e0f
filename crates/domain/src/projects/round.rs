//! A round's calendar (申报批次的时间安排): filing, the clusters' recommendation, the review,
//! 公示 and the objections, one after the other. What an applicant, a cluster committee or
//! the officer may do depends on the phase the day falls in.

use chrono::NaiveDate;

use crate::codes::labelled_enum;
use crate::fields::FieldErrors;

labelled_enum!(
    /// Where a round stands on a given day.
    RoundPhase: "批次阶段" {
        NotOpen = "not_open", "未开始";
        Filing = "filing", "申报中", ["申报"];
        Recommending = "recommending", "集群推荐中", ["推荐"];
        Reviewing = "reviewing", "评审中", ["评审"];
        Publicity = "publicity", "公示中", ["公示"];
        Objections = "objections", "异议处理中", ["异议"];
        Finished = "finished", "已结束", ["结束"];
    }
);

/// The last day of each phase (inclusive); each after the one before.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RoundDates {
    pub filing_opens: NaiveDate,
    pub filing_closes: NaiveDate,
    pub recommend_closes: NaiveDate,
    pub review_closes: NaiveDate,
    pub publicity_closes: NaiveDate,
    pub objections_close: NaiveDate,
}

impl RoundDates {
    /// The dates in order, with their field keys and names, for checks and messages.
    fn named(&self) -> [(&'static str, &'static str, NaiveDate); 6] {
        [
            ("filing_opens", "申报开始日期", self.filing_opens),
            ("filing_closes", "申报截止日期", self.filing_closes),
            ("recommend_closes", "集群推荐截止日期", self.recommend_closes),
            ("review_closes", "评审截止日期", self.review_closes),
            ("publicity_closes", "公示截止日期", self.publicity_closes),
            ("objections_close", "异议截止日期", self.objections_close),
        ]
    }

    /// Refuses dates out of order, naming the field that comes too early.
    pub fn check(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        let named = self.named();
        for pair in named.windows(2) {
            let ((_, before_name, before), (key, name, date)) = (pair[0], pair[1]);
            let must_follow = if key == "filing_closes" { date >= before } else { date > before };
            if !must_follow {
                errors.push(key, format!("{name}应晚于{before_name}（{before}）"));
            }
        }
        errors.into_result()
    }

    pub fn phase(&self, today: NaiveDate) -> RoundPhase {
        match today {
            d if d < self.filing_opens => RoundPhase::NotOpen,
            d if d <= self.filing_closes => RoundPhase::Filing,
            d if d <= self.recommend_closes => RoundPhase::Recommending,
            d if d <= self.review_closes => RoundPhase::Reviewing,
            d if d <= self.publicity_closes => RoundPhase::Publicity,
            d if d <= self.objections_close => RoundPhase::Objections,
            _ => RoundPhase::Finished,
        }
    }
}

impl RoundPhase {
    /// Applicants may file (and file again after a return).
    pub fn accepts_filing(self) -> bool {
        self == RoundPhase::Filing
    }

    /// Cluster committees may recommend: while filing runs (early batches) and after.
    pub fn accepts_recommendation(self) -> bool {
        matches!(self, RoundPhase::Filing | RoundPhase::Recommending)
    }

    /// Reviewers may score.
    pub fn accepts_scores(self) -> bool {
        self == RoundPhase::Reviewing
    }

    /// The officer may decide, and change a decision, until the objections close.
    pub fn accepts_decisions(self) -> bool {
        matches!(self, RoundPhase::Reviewing | RoundPhase::Publicity | RoundPhase::Objections)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    fn dates() -> RoundDates {
        RoundDates {
            filing_opens: d(3, 1),
            filing_closes: d(3, 31),
            recommend_closes: d(4, 15),
            review_closes: d(5, 15),
            publicity_closes: d(5, 22),
            objections_close: d(5, 29),
        }
    }

    #[test]
    fn each_day_falls_in_one_phase() {
        let r = dates();
        assert!(r.check().is_ok());
        assert_eq!(r.phase(d(2, 28)), RoundPhase::NotOpen);
        assert_eq!(r.phase(d(3, 1)), RoundPhase::Filing);
        assert_eq!(r.phase(d(3, 31)), RoundPhase::Filing, "the closing day is still open");
        assert_eq!(r.phase(d(4, 1)), RoundPhase::Recommending);
        assert_eq!(r.phase(d(5, 15)), RoundPhase::Reviewing);
        assert_eq!(r.phase(d(5, 20)), RoundPhase::Publicity);
        assert_eq!(r.phase(d(5, 29)), RoundPhase::Objections);
        assert_eq!(r.phase(d(6, 1)), RoundPhase::Finished);
        assert!(RoundPhase::Objections.accepts_decisions() && !RoundPhase::Finished.accepts_decisions());
        assert!(RoundPhase::Reviewing.accepts_scores() && !RoundPhase::Publicity.accepts_scores());
    }

    #[test]
    fn dates_out_of_order_name_the_field() {
        let mut r = dates();
        r.review_closes = d(4, 10);
        let e = r.check().unwrap_err();
        assert_eq!(e.keys(), vec!["review_closes"], "only the date that comes too early");
        assert!(e.get("review_closes").unwrap().contains("集群推荐截止日期"), "{e:?}");
        // A one-day filing window is allowed.
        let mut one_day = dates();
        one_day.filing_closes = one_day.filing_opens;
        assert!(one_day.check().is_ok());
    }
}
