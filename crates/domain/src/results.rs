//! Results (工作成效): the economic figures of enterprises by period — tax, output value,
//! revenue, employees, R&D spend — with their periods (a first half-year or a whole year),
//! money in 元 as whole numbers shown in 万元/亿元 as offices write them, and year-on-year
//! change computed from two stored figures, never typed. The rows of an import are parsed
//! by [`fields::FigureRow::parse`].

pub mod fields;

pub use fields::{FigureRow, RawFigureRow};

use std::fmt;

use crate::codes::labelled_enum;
use crate::limits::{CODE_CHARS, echo, over};
use crate::text::compact;

labelled_enum!(
    /// What an economic figure measures. Money indicators are held in 元, employees in 人.
    Indicator: "指标" {
        Tax = "tax", "税收", ["纳税额", "税收总额", "纳税总额", "实缴税金", "税收收入"];
        Output = "output", "工业总产值", ["产值", "总产值", "规上工业产值", "工业产值"];
        Revenue = "revenue", "营业收入", ["营收", "主营业务收入", "营业总收入"];
        Employees = "employees", "从业人员", ["职工人数", "从业人数", "从业人员数", "员工人数", "期末从业人数"];
        RdSpend = "rd", "研发投入", ["R&D经费", "研发费用", "R&D投入", "研发经费", "研发经费支出"];
    }
);

impl Indicator {
    pub fn is_money(self) -> bool {
        self != Indicator::Employees
    }

    /// A stored value as shown: money in 万元/亿元, people in 人.
    pub fn show(self, value: i64) -> String {
        if self.is_money() { format_yuan(value) } else { format!("{value}人") }
    }
}

/// The unit a money figure is written in: a column of its own (单位), a header's suffix
/// ("税收（万元）", "税收（千元）") or the value's own ("12.5千元").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MoneyUnit {
    Yuan,
    /// 千元: some offices' statements are kept in thousands.
    Qian,
    Wan,
    Yi,
}

impl MoneyUnit {
    /// Every way offices write a unit, the longer before the shorter they end with, so a
    /// suffix is read whole ("千元" before "元", "人民币万元" before "万元").
    const WORDS: [(&'static str, MoneyUnit); 10] = [
        ("人民币万元", MoneyUnit::Wan),
        ("人民币千元", MoneyUnit::Qian),
        ("人民币元", MoneyUnit::Yuan),
        ("万元", MoneyUnit::Wan),
        ("千元", MoneyUnit::Qian),
        ("亿元", MoneyUnit::Yi),
        ("万", MoneyUnit::Wan),
        ("千", MoneyUnit::Qian),
        ("亿", MoneyUnit::Yi),
        ("元", MoneyUnit::Yuan),
    ];

    /// The accepted units, as a refusal lists them.
    pub const ACCEPTED: &'static str = "“元”“千元”“万元”或“亿元”（也可写“千”“万”“亿”）";

    /// "元", "千元", "万元", "亿元", their short forms "千", "万", "亿" and "人民币元" /
    /// "人民币千元" / "人民币万元"; anything else is not a money unit.
    pub fn parse(s: &str) -> Option<MoneyUnit> {
        let t = compact(s);
        Self::WORDS.iter().find(|(w, _)| *w == t).map(|&(_, u)| u)
    }

    /// The text before a trailing unit word, and that unit: "12.5千元" → ("12.5", 千元).
    pub fn strip_suffix(s: &str) -> Option<(&str, MoneyUnit)> {
        Self::WORDS.iter().find_map(|&(w, u)| s.strip_suffix(w).map(|rest| (rest, u)))
    }

    /// The unit a text begins with, written in full ("千元", "万元" … — a bare "万" could begin
    /// other words): "千元（含税）" → 千元.
    pub fn leading(s: &str) -> Option<MoneyUnit> {
        Self::WORDS.iter().find(|(w, _)| w.ends_with('元') && s.starts_with(w)).map(|&(_, u)| u)
    }

    /// How many decimal places of 元 one of this unit is.
    fn places(self) -> u32 {
        match self {
            MoneyUnit::Yuan => 0,
            MoneyUnit::Qian => 3,
            MoneyUnit::Wan => 4,
            MoneyUnit::Yi => 8,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MoneyUnit::Yuan => "元",
            MoneyUnit::Qian => "千元",
            MoneyUnit::Wan => "万元",
            MoneyUnit::Yi => "亿元",
        }
    }
}

/// A sum of money as typed, to whole 元: "5.1158亿元", "51,158万元", "12.5千元", "1234.56" in
/// the given unit (a unit word in the text wins over it). Exact decimal arithmetic, no
/// floating point: 5.1158亿 is 511,580,000 元, not 511,579,999. Fractions of a 元 are rounded
/// half up. Not negative; a sum past what a whole number of 元 holds is refused, not wrapped.
pub fn parse_money(label: &str, s: &str, unit: MoneyUnit) -> Result<i64, String> {
    let bad = || {
        format!(
            "{label}：“{}”不是有效金额（应为不小于0的数，如 5.1158亿元、1,234.5万元、12.5千元；单位可为{}）",
            echo(s),
            MoneyUnit::ACCEPTED
        )
    };
    if over(s, CODE_CHARS).is_some() {
        return Err(bad());
    }
    let text = compact(s).replace([',', '，', '_'], "");
    let (t, unit) = MoneyUnit::strip_suffix(&text).unwrap_or((&text, unit));
    let (whole, fraction) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty() && fraction.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !fraction.chars().all(|c| c.is_ascii_digit())
        || whole.len() > 15
    {
        return Err(bad());
    }
    let places = unit.places() as usize;
    // The digits as a whole number of 元, plus the first dropped digit for rounding.
    let mut digits: String = whole.to_owned();
    let kept: String = fraction.chars().chain(std::iter::repeat('0')).take(places).collect();
    digits.push_str(&kept);
    let round_up = fraction.chars().nth(places).is_some_and(|c| c >= '5');
    let value: i64 = if digits.is_empty() { 0 } else { digits.parse().map_err(|_| bad())? };
    value.checked_add(i64::from(round_up)).ok_or_else(bad)
}

/// A sum in 元 as offices show it: 亿元 from one hundred million (up to four decimals),
/// else 万元 (up to two), trailing zeros dropped: "5.1158亿元", "3,450.25万元"-style without
/// the separators, "0元".
pub fn format_yuan(yuan: i64) -> String {
    let abs = yuan.unsigned_abs();
    let sign = if yuan < 0 { "-" } else { "" };
    if abs == 0 {
        return "0元".to_owned();
    }
    let (base, decimals, unit) =
        if abs >= 100_000_000 { (100_000_000u64, 4u32, "亿元") } else { (10_000, 2, "万元") };
    // Rounded half up to the shown decimals, in integers.
    let step = base / 10u64.pow(decimals);
    let scaled = (abs + step / 2) / step;
    let whole = scaled / 10u64.pow(decimals);
    let frac = scaled % 10u64.pow(decimals);
    let frac = format!("{frac:0width$}", width = decimals as usize);
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() { format!("{sign}{whole}{unit}") } else { format!("{sign}{whole}.{frac}{unit}") }
}

/// Whether a period is a first half-year or a whole year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Span {
    /// 上半年: January to June.
    FirstHalf,
    Year,
}

/// The period a figure is for: the first half of a year ("2021H1", 2021年上半年) or a whole
/// year ("2021", 2021年). The code is what is stored and what addresses carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Period {
    pub year: i32,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "期间：“{0}”无法识别，可填：2021年上半年（2021H1、2021年1-6月、2021年半年）、2021年（2021、2021年度、2021年全年、2021年1-12月）"
)]
pub struct PeriodError(pub String);

impl Period {
    pub fn first_half(year: i32) -> Period {
        Period { year, span: Span::FirstHalf }
    }

    pub fn year(year: i32) -> Period {
        Period { year, span: Span::Year }
    }

    /// "2021H1", "2021H1 ", "2021-H1", "2021年上半年", "2021上半年", "2021年1-6月", "2021年",
    /// "2021", "2021年全年", "2021年度", "2021年1-12月", "2021年半年", "2021年年报"; years
    /// 1990–2100.
    pub fn parse(s: &str) -> Result<Period, PeriodError> {
        let err = || PeriodError(echo(s));
        if over(s, CODE_CHARS).is_some() {
            return Err(err());
        }
        let t = compact(s).to_uppercase().replace(['－', '—', '～', '~'], "-");
        let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
        if digits.len() != 4 {
            return Err(err());
        }
        let year: i32 = digits.parse().map_err(|_| err())?;
        if !(1990..=2100).contains(&year) {
            return Err(err());
        }
        let rest = t[digits.len()..].trim_start_matches('-').trim_start_matches('年');
        let span = match rest {
            "" | "全年" | "度" | "年度" | "全年度" | "报" | "1-12月" | "1月-12月" | "1至12月" | "一至十二月" => {
                Span::Year
            }
            "H1" | "上半年" | "上半年度" | "半年" | "半年度" | "1-6月" | "1月-6月" | "一至六月" | "1至6月"
            | "01-06月" => Span::FirstHalf,
            _ => return Err(err()),
        };
        Ok(Period { year, span })
    }

    /// The stored code: "2021H1" or "2021".
    pub fn code(self) -> String {
        match self.span {
            Span::FirstHalf => format!("{}H1", self.year),
            Span::Year => self.year.to_string(),
        }
    }

    /// "2021年上半年" or "2021年".
    pub fn label(self) -> String {
        match self.span {
            Span::FirstHalf => format!("{}年上半年", self.year),
            Span::Year => format!("{}年", self.year),
        }
    }

    /// The same period of the year before: what year-on-year compares with.
    pub fn previous_year(self) -> Period {
        Period { year: self.year - 1, ..self }
    }

    /// The first day of the period and the first day after it.
    pub fn dates(self) -> (chrono::NaiveDate, chrono::NaiveDate) {
        let first = chrono::NaiveDate::from_ymd_opt(self.year, 1, 1).unwrap_or_default();
        let after = match self.span {
            Span::FirstHalf => chrono::NaiveDate::from_ymd_opt(self.year, 7, 1),
            Span::Year => chrono::NaiveDate::from_ymd_opt(self.year + 1, 1, 1),
        };
        (first, after.unwrap_or_default())
    }

    /// The latest period that has ended by `today`: last year's whole year before July,
    /// this year's first half after June.
    pub fn latest_ended(today: chrono::NaiveDate) -> Period {
        use chrono::Datelike;
        if today.month() >= 7 { Period::first_half(today.year()) } else { Period::year(today.year() - 1) }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// Year-on-year change of a figure, or why there is none.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum YearOnYear {
    /// The change in per cent: (current − previous) / previous × 100.
    Change(f64),
    /// No figure for the same period of the year before.
    NoPrevious,
    /// The year before was zero: no ratio to compute.
    PreviousZero,
    /// No figure for this period.
    NoCurrent,
}

impl YearOnYear {
    pub fn of(current: Option<i64>, previous: Option<i64>) -> YearOnYear {
        match (current, previous) {
            (None, _) => YearOnYear::NoCurrent,
            (Some(_), None) => YearOnYear::NoPrevious,
            (Some(_), Some(0)) => YearOnYear::PreviousZero,
            (Some(c), Some(p)) => YearOnYear::Change((c - p) as f64 * 100.0 / p as f64),
        }
    }

    /// "+48.3%", "-2.0%", or "—".
    pub fn text(self) -> String {
        match self {
            YearOnYear::Change(p) => format!("{}{:.1}%", if p >= 0.0 { "+" } else { "" }, p),
            _ => "—".to_owned(),
        }
    }

    /// Why there is no change to show; None when there is one.
    pub fn why_none(self) -> Option<&'static str> {
        match self {
            YearOnYear::Change(_) => None,
            YearOnYear::NoPrevious => Some("上年同期无数据"),
            YearOnYear::PreviousZero => Some("上年同期为0，无法计算增幅"),
            YearOnYear::NoCurrent => Some("本期无数据"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_a_unit_in_a_header_and_in_a_value() {
        // A header's or a unit column's word.
        for word in ["千元", "千", "人民币千元", " 千 元 "] {
            assert_eq!(MoneyUnit::parse(word), Some(MoneyUnit::Qian), "{word}");
        }
        assert_eq!(MoneyUnit::parse("千人"), None);
        assert_eq!(MoneyUnit::Qian.label(), "千元");
        assert_eq!(MoneyUnit::strip_suffix("12.5千元"), Some(("12.5", MoneyUnit::Qian)));
        assert_eq!(MoneyUnit::strip_suffix("12.5元"), Some(("12.5", MoneyUnit::Yuan)));
        assert_eq!(MoneyUnit::leading("千元（含税）"), Some(MoneyUnit::Qian));
        assert_eq!(MoneyUnit::leading("千人"), None, "a bare 千 does not begin a unit line");
        // A value in 千元, by its own word or the header's unit, to whole 元 without floats.
        assert_eq!(parse_money("税收", "12.5千元", MoneyUnit::Yuan), Ok(12_500));
        assert_eq!(parse_money("税收", "12.5千", MoneyUnit::Wan), Ok(12_500), "the value's word wins");
        assert_eq!(parse_money("税收", "1,234.5678", MoneyUnit::Qian), Ok(1_234_568), "half up");
        assert_eq!(parse_money("税收", "1,234.5674", MoneyUnit::Qian), Ok(1_234_567));
        assert_eq!(parse_money("税收", "0.0005", MoneyUnit::Qian), Ok(1));
        assert_eq!(parse_money("税收", "0.0004", MoneyUnit::Qian), Ok(0));
        assert_eq!(parse_money("税收", "2.3", MoneyUnit::Qian), Ok(2_300), "2.3 is not 2299.9999");
        // The largest a cell takes (fifteen whole digits) fits; one digit more is refused.
        assert_eq!(parse_money("税收", "999999999999999.9995千元", MoneyUnit::Yuan), Ok(1_000_000_000_000_000_000));
        assert!(parse_money("税收", "9999999999999999千元", MoneyUnit::Yuan).is_err());
        assert!(parse_money("税收", "999999999999999", MoneyUnit::Yi).is_err(), "past i64 is refused, not wrapped");
        // A refusal lists the units accepted.
        let e = parse_money("税收", "12.5美元", MoneyUnit::Yuan).unwrap_err();
        assert!(e.starts_with("税收：“12.5美元”不是有效金额"), "{e}");
        for unit in ["“元”", "“千元”", "“万元”", "“亿元”"] {
            assert!(e.contains(unit), "{e}");
        }
    }

    #[test]
    fn money_is_exact_in_every_unit() {
        assert_eq!(parse_money("税收", "5.1158亿元", MoneyUnit::Yuan), Ok(511_580_000));
        assert_eq!(parse_money("税收", "51158", MoneyUnit::Wan), Ok(511_580_000));
        assert_eq!(parse_money("税收", "1,234.5万", MoneyUnit::Yuan), Ok(12_345_000));
        assert_eq!(parse_money("税收", "１２３４.５", MoneyUnit::Yuan), Ok(1235));
        assert_eq!(parse_money("税收", "0.00005", MoneyUnit::Wan), Ok(1));
        assert_eq!(parse_money("税收", ".5", MoneyUnit::Wan), Ok(5000));
        for bad in ["", "-3", "abc", "1.2.3", "12元元", "1e9"] {
            let e = parse_money("税收", bad, MoneyUnit::Yuan).unwrap_err();
            assert!(e.starts_with("税收："), "{bad}: {e}");
        }
    }

    #[test]
    fn money_is_shown_as_offices_write_it() {
        assert_eq!(format_yuan(511_580_000), "5.1158亿元");
        assert_eq!(format_yuan(344_962_913), "3.4496亿元");
        assert_eq!(format_yuan(12_345_000), "1234.5万元");
        assert_eq!(format_yuan(5_000), "0.5万元");
        assert_eq!(format_yuan(0), "0元");
        assert_eq!(format_yuan(100_000_000), "1亿元");
        assert_eq!(Indicator::Employees.show(1200), "1200人");
    }

    #[test]
    fn periods_parse_and_label() {
        for s in ["2021H1", "2021h1", "2021年上半年", "2021上半年", "2021-H1", "２０２１年1-6月"] {
            assert_eq!(Period::parse(s), Ok(Period::first_half(2021)), "{s}");
        }
        for s in ["2021年半年", "2021年上半年度", "2021年1—6月", "2021年01-06月"] {
            assert_eq!(Period::parse(s), Ok(Period::first_half(2021)), "{s}");
        }
        for s in ["2021", "2021年", "2021年度", "2021年全年", "2021年1-12月", "2021年报", "2021年全年度"]
        {
            assert_eq!(Period::parse(s), Ok(Period::year(2021)), "{s}");
        }
        for s in ["", "21H1", "2021H2", "2021年下半年", "1800"] {
            assert!(Period::parse(s).is_err(), "{s}");
        }
        let p = Period::first_half(2021);
        assert_eq!((p.code(), p.label()), ("2021H1".to_owned(), "2021年上半年".to_owned()));
        assert_eq!(Period::parse(&p.code()), Ok(p));
        assert_eq!(p.previous_year(), Period::first_half(2020));
        assert_eq!(Period::year(2021).label(), "2021年");
        let (a, b) = p.dates();
        assert_eq!((a.to_string(), b.to_string()), ("2021-01-01".into(), "2021-07-01".into()));
    }

    #[test]
    fn year_on_year_is_computed_or_says_why_not() {
        let y = YearOnYear::of(Some(511_580_000), Some(344_962_913));
        assert_eq!(y.text(), "+48.3%");
        assert_eq!(YearOnYear::of(Some(90), Some(100)).text(), "-10.0%");
        assert_eq!(YearOnYear::of(Some(1), None).why_none(), Some("上年同期无数据"));
        assert_eq!(YearOnYear::of(Some(1), Some(0)).why_none(), Some("上年同期为0，无法计算增幅"));
        assert_eq!(YearOnYear::of(None, Some(1)).text(), "—");
    }

    #[test]
    fn indicators_accept_the_offices_headers() {
        assert_eq!(Indicator::parse("纳税额").unwrap(), Indicator::Tax);
        assert_eq!(Indicator::parse("营收").unwrap(), Indicator::Revenue);
        assert_eq!(Indicator::parse("职工人数").unwrap(), Indicator::Employees);
        assert_eq!(Indicator::parse("R&D经费").unwrap(), Indicator::RdSpend);
    }
}
