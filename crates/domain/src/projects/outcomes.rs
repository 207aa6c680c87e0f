//! After the award: a project's yearly outcome report (成果报告) — patents with their numbers
//! and dates, output, market share, yield, labour saved and the members involved — checked
//! against the targets the application set; when a report is overdue; and the support
//! granted (政策, 服务快速通道, 党建资源) linked to the records it came from.

use chrono::{Datelike, NaiveDate};

use crate::codes::labelled_enum;
use crate::fields::{FieldErrors, amount_field, count_field, date_field};

labelled_enum!(
    /// Where a yearly report stands: filed by the applicant, then checked by the 组织部
    /// officer, who accepts it or returns it for more evidence (the applicant files again).
    OutcomeState: "成果报告状态" {
        Filed = "filed", "已报送", ["报送"];
        Accepted = "accepted", "已核实", ["核实", "通过"];
        Returned = "returned", "退回补充", ["退回"];
    }
);

labelled_enum!(
    /// What a report measures, and what an application's target is matched to.
    OutcomeMetric: "成果指标" {
        Patents = "patents", "专利（件）", ["专利"];
        Output = "output", "产值（万元）", ["产值"];
        MarketShare = "market_share", "市场占有率提升（%）", ["市场占有率", "市场份额"];
        Yield = "yield", "良品率（%）", ["良品率", "良率", "成品率"];
        LabourSaved = "labour_saved", "节省人工（人）", ["节省人工", "减少用工"];
        Members = "members", "参与党员（人）", ["参与党员", "党员"];
    }
);

labelled_enum!(
    /// The support a decided project is granted, each linked to its record.
    SupportKind: "支持方式" {
        /// A policy of the policy library (惠企政策).
        Policy = "policy", "政策支持", ["政策"];
        /// A service request handled on the fast lane (服务快速通道).
        FastLane = "fast_lane", "服务快速通道", ["快速通道", "服务"];
        /// Party resources (党建资源), described in words.
        PartyResource = "party_resource", "党建资源", ["党建"];
    }
);

labelled_enum!(
    /// What the figures of the awarded projects are counted by.
    FigureAxis: "统计维度" {
        Year = "year", "年度";
        Cluster = "cluster", "集群";
        Tier = "tier", "评定等次", ["等次"];
        Direction = "direction", "创新方向", ["方向"];
        Carrier = "carrier", "工作载体", ["载体"];
    }
);

/// The names in a list as people write it (崔建华、王敏，李强): trimmed, in order, each once.
pub fn split_names(s: &str) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for n in s.split(['、', '，', ',', '；', ';', '\n', ' ', '　']).map(str::trim).filter(|n| !n.is_empty()) {
        if !out.contains(&n) {
            out.push(n);
        }
    }
    out
}

impl OutcomeMetric {
    /// The metric an application's target (written freely, "发明专利（件）", "市场占有率提升（%）")
    /// is about, by the words it contains; None when it names none of them.
    pub fn of_target(text: &str) -> Option<OutcomeMetric> {
        const WORDS: [(&str, OutcomeMetric); 12] = [
            ("专利", OutcomeMetric::Patents),
            ("产值", OutcomeMetric::Output),
            ("销售", OutcomeMetric::Output),
            ("营收", OutcomeMetric::Output),
            ("市场占有", OutcomeMetric::MarketShare),
            ("市场份额", OutcomeMetric::MarketShare),
            ("良品", OutcomeMetric::Yield),
            ("良率", OutcomeMetric::Yield),
            ("成品率", OutcomeMetric::Yield),
            ("人工", OutcomeMetric::LabourSaved),
            ("用工", OutcomeMetric::LabourSaved),
            ("党员", OutcomeMetric::Members),
        ];
        WORDS.iter().find(|(w, _)| text.contains(w)).map(|(_, m)| *m)
    }

    /// Whether the reports add up (patents granted, labour saved year after year) or the
    /// latest year's figure stands for the project (output, share, yield, members).
    pub fn is_cumulative(self) -> bool {
        matches!(self, OutcomeMetric::Patents | OutcomeMetric::LabourSaved)
    }
}

/// A patent of a report: its number as the office wrote it, its title and its date.
#[derive(Clone, Debug, PartialEq)]
pub struct Patent {
    pub number: String,
    pub title: String,
    pub date: NaiveDate,
}

/// A report as a person typed it: one patent a line, "number title date" separated by
/// spaces, tabs or ，; members separated by 、 or ，.
#[derive(Clone, Debug, Default)]
pub struct RawOutcome {
    pub year: String,
    pub patents: String,
    pub output: String,
    pub market_share: String,
    pub yield_rate: String,
    pub labour_saved: String,
    pub members: String,
    pub note: String,
}

/// A report's values, parsed.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct OutcomeFields {
    pub year: i32,
    pub patents: Vec<Patent>,
    /// 万元.
    pub output: Option<f64>,
    /// Percentage points gained.
    pub market_share: Option<f64>,
    /// Percent.
    pub yield_rate: Option<f64>,
    /// People.
    pub labour_saved: Option<u32>,
    pub members: Vec<String>,
    pub note: String,
}

/// Most patents in one report, longest patent number and title.
pub const MAX_PATENTS: usize = 200;
const MAX_NUMBER: usize = 40;
const MAX_PATENT_TITLE: usize = 100;
pub const MAX_NOTE: usize = 5_000;

fn parse_patent(line: &str) -> Result<Patent, String> {
    let parts: Vec<&str> = line.split([' ', '\t', '，', ',', '　']).filter(|p| !p.is_empty()).collect();
    let refuse =
        || format!("专利：“{line}”应写作“专利号 名称 日期”，如 ZL202010123456.7 一种安全级超速继电器 2021-06-18");
    if parts.len() < 3 {
        return Err(refuse());
    }
    let date = date_field("专利日期", parts[parts.len() - 1]).map_err(|e| e.to_string())?.ok_or_else(refuse)?;
    let number = parts[0].to_owned();
    let title = parts[1..parts.len() - 1].join(" ");
    if number.chars().count() > MAX_NUMBER || !number.chars().any(|c| c.is_ascii_digit()) {
        return Err(format!("专利：“{number}”不是专利号"));
    }
    if title.chars().count() > MAX_PATENT_TITLE {
        return Err(format!("专利：“{number}”的名称最多 {MAX_PATENT_TITLE} 个字"));
    }
    Ok(Patent { number, title, date })
}

impl OutcomeFields {
    /// Parses a report; `project_year` is the round's year (no report before it) and `today`
    /// bounds the year (no report for a year not yet begun) and the patents' dates.
    pub fn parse(raw: &RawOutcome, project_year: i32, today: NaiveDate) -> Result<OutcomeFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let year = match raw.year.trim().trim_end_matches('年').parse::<i32>() {
            Ok(y) if (project_year..=today.year()).contains(&y) => Some(y),
            _ => {
                errors.push("year", format!("年度：应为 {project_year}–{} 之间的年份", today.year()));
                None
            }
        };
        let mut patents = Vec::new();
        for line in raw.patents.lines().map(str::trim).filter(|l| !l.is_empty()) {
            match parse_patent(line) {
                Ok(p) if p.date > today => errors.push("patents", format!("专利：“{}”的日期晚于今天", p.number)),
                Ok(p) if patents.iter().any(|q: &Patent| q.number == p.number) => {
                    errors.push("patents", format!("专利：“{}”重复填写", p.number))
                }
                Ok(p) => patents.push(p),
                Err(e) => errors.push("patents", e),
            }
        }
        if patents.len() > MAX_PATENTS {
            errors.push("patents", format!("专利：一份报告最多 {MAX_PATENTS} 件"));
        }
        let output = errors.take("output", amount_field("产值", &raw.output, &["万元"])).flatten();
        let percent = |errors: &mut FieldErrors, key: &'static str, label: &str, s: &str| {
            let v = errors.take(key, amount_field(label, s, &["%", "％"])).flatten();
            if v.is_some_and(|v| v > 100.0) {
                errors.push(key, format!("{label}：应在 0–100 之间"));
            }
            v
        };
        let market_share = percent(&mut errors, "market_share", "市场占有率提升", &raw.market_share);
        let yield_rate = percent(&mut errors, "yield_rate", "良品率", &raw.yield_rate);
        let labour_saved = errors.take("labour_saved", count_field("节省人工", &raw.labour_saved, &["人"])).flatten();
        let mut members: Vec<String> = Vec::new();
        for m in split_names(&raw.members) {
            if m.chars().count() > 20 {
                errors.push("members", format!("参与党员：“{m}”不是姓名（每人最多 20 个字）"));
            } else {
                members.push(m.to_owned());
            }
        }
        errors.limit("note", "说明", &raw.note, MAX_NOTE);
        let nothing = patents.is_empty()
            && output.is_none()
            && market_share.is_none()
            && yield_rate.is_none()
            && labour_saved.is_none()
            && raw.note.trim().is_empty();
        if nothing && errors.is_empty() {
            errors.push("note", "成果：至少填写一项成果或说明");
        }
        errors.into_result()?;
        Ok(OutcomeFields {
            year: year.unwrap_or_default(),
            patents,
            output,
            market_share,
            yield_rate,
            labour_saved,
            members,
            note: raw.note.trim().to_owned(),
        })
    }

    pub fn value(&self, metric: OutcomeMetric) -> Option<f64> {
        match metric {
            OutcomeMetric::Patents => Some(self.patents.len() as f64),
            OutcomeMetric::Output => self.output,
            OutcomeMetric::MarketShare => self.market_share,
            OutcomeMetric::Yield => self.yield_rate,
            OutcomeMetric::LabourSaved => self.labour_saved.map(f64::from),
            OutcomeMetric::Members => (!self.members.is_empty()).then_some(self.members.len() as f64),
        }
    }
}

/// One target against what the reports show.
#[derive(Clone, Debug, PartialEq)]
pub struct TargetCheck {
    /// The target as the application wrote it.
    pub target_text: String,
    pub target: f64,
    pub metric: Option<OutcomeMetric>,
    /// Patents and labour saved summed over the reports, the others the latest reported
    /// year's figure; None when no report gives it (or the target names no metric).
    pub achieved: Option<f64>,
    pub met: bool,
}

/// The application's targets checked against its reports (any order; returned reports
/// included, as filed).
pub fn check_targets(targets: &[(String, f64)], reports: &[OutcomeFields]) -> Vec<TargetCheck> {
    let mut by_year: Vec<&OutcomeFields> = reports.iter().collect();
    by_year.sort_by_key(|r| r.year);
    targets
        .iter()
        .map(|(text, target)| {
            let metric = OutcomeMetric::of_target(text);
            let achieved = metric.and_then(|m| {
                let mut values = by_year.iter().filter_map(|r| r.value(m));
                if m.is_cumulative() { values.reduce(|a, b| a + b) } else { values.next_back() }
            });
            TargetCheck {
                target_text: text.clone(),
                target: *target,
                metric,
                achieved,
                met: achieved.is_some_and(|a| a >= *target),
            }
        })
        .collect()
}

/// The day a year's report is due: `(month, day)` of the following year (a 29 February
/// falls to the 28th in other years).
pub fn report_due(year: i32, due: (u32, u32)) -> NaiveDate {
    let next = year + 1;
    NaiveDate::from_ymd_opt(next, due.0, due.1)
        .or_else(|| NaiveDate::from_ymd_opt(next, due.0, 28))
        .unwrap_or(NaiveDate::from_ymd_opt(next, 12, 31).unwrap_or_default())
}

/// The due day used when a round has none set: 31 March, after the annual accounts.
pub const DEFAULT_DUE: (u32, u32) = (3, 31);

/// The year whose report is overdue on `today` for a project of a round of `round_year`,
/// when it has not been filed: last year, once its due day has passed and the project
/// was in implementation that year.
pub fn overdue_year(round_year: i32, due: (u32, u32), today: NaiveDate) -> Option<i32> {
    let last = today.year() - 1;
    (last >= round_year && today > report_due(last, due)).then_some(last)
}

/// A due day as the officer types it: "3-31", "03月31日".
pub fn parse_due(s: &str) -> Result<(u32, u32), String> {
    let parts: Vec<&str> = s.split(['-', '/', '.', '月', '日']).map(str::trim).filter(|p| !p.is_empty()).collect();
    let bad = || format!("报告截止日：“{s}”应写作月-日，如 03-31");
    match parts.as_slice() {
        [m, d] => {
            let (m, d) = (m.parse::<u32>().map_err(|_| bad())?, d.parse::<u32>().map_err(|_| bad())?);
            NaiveDate::from_ymd_opt(2024, m, d).map(|_| (m, d)).ok_or_else(bad)
        }
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn raw(year: &str) -> RawOutcome {
        RawOutcome { year: year.into(), ..Default::default() }
    }

    #[test]
    fn a_report_parses_and_refuses_by_field() {
        let mut r = raw("2021");
        r.patents = "ZL202010123456.7 一种安全级超速继电器 2021-06-18\nZL202120654321.X 继电器外壳 2021/9/1".into();
        r.output = "1,200万元".into();
        r.market_share = "20%".into();
        r.members = "崔建华、王敏，王敏".into();
        let f = OutcomeFields::parse(&r, 2020, d("2022-04-01")).unwrap();
        assert_eq!(f.patents.len(), 2);
        assert_eq!(f.patents[1].date, d("2021-09-01"));
        assert_eq!((f.output, f.market_share), (Some(1200.0), Some(20.0)));
        assert_eq!(f.members, ["崔建华", "王敏"]);

        let mut bad = raw("2019");
        bad.patents = "一种继电器\nZL1 名称 2030-01-01".into();
        bad.yield_rate = "120".into();
        let e = OutcomeFields::parse(&bad, 2020, d("2022-04-01")).unwrap_err();
        assert_eq!(e.keys(), ["year", "patents", "patents", "yield_rate"]);
        assert!(OutcomeFields::parse(&raw("2021"), 2020, d("2022-04-01")).unwrap_err().keys() == ["note"]);
    }

    #[test]
    fn targets_are_checked_cumulatively_or_by_the_latest_year() {
        let y = |year, patents: usize, share| OutcomeFields {
            year,
            patents: (0..patents)
                .map(|i| Patent { number: format!("ZL{year}{i}"), title: "x".into(), date: d("2021-01-01") })
                .collect(),
            market_share: share,
            ..Default::default()
        };
        let targets = vec![
            ("发明专利（件）".to_owned(), 3.0),
            ("市场占有率提升（%）".to_owned(), 20.0),
            ("培养工匠（名）".to_owned(), 5.0),
        ];
        let c = check_targets(&targets, &[y(2022, 1, Some(15.0)), y(2021, 2, Some(22.0))]);
        assert_eq!(c[0].achieved, Some(3.0));
        assert!(c[0].met);
        assert_eq!(c[1].achieved, Some(15.0), "the latest year, 2022");
        assert!(!c[1].met);
        assert_eq!((c[2].metric, c[2].met), (None, false));
    }

    #[test]
    fn overdue_after_the_due_day_of_the_following_year() {
        assert_eq!(overdue_year(2020, (3, 31), d("2022-03-31")), None);
        assert_eq!(overdue_year(2020, (3, 31), d("2022-04-01")), Some(2021));
        assert_eq!(overdue_year(2022, (3, 31), d("2022-12-01")), None, "not yet a full year");
        assert_eq!(report_due(2023, (2, 29)), d("2024-02-29"));
        assert_eq!(report_due(2024, (2, 29)), d("2025-02-28"));
        assert_eq!(parse_due("03月31日"), Ok((3, 31)));
        assert!(parse_due("2-30").is_err());
    }
}
