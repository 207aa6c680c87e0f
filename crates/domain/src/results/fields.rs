//! One row of an economic-figures file: an enterprise by its USCC, a period, and a value per
//! indicator column, each in the unit its header or the row's unit column names. Every
//! refused value is named by its column, so an import lists all of a row's reasons at once.

use chrono::NaiveDate;

use super::{Indicator, MoneyUnit, Period, parse_money};
use crate::Uscc;
use crate::fields::{FieldErrors, count_field, date_field};
use crate::limits::echo;
use crate::text::normalize;

/// A row as read, cells as text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawFigureRow {
    pub uscc: String,
    pub name: String,
    pub period: String,
    /// The row's 单位 column, when the file has one ("万元", "元").
    pub unit: String,
    pub as_of: String,
    /// Each indicator column's cell, with the unit its header names ("税收（万元）"), if any.
    pub values: Vec<(Indicator, String, Option<MoneyUnit>)>,
}

/// A good row: what the store saves, one figure per indicator given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FigureRow {
    pub uscc: Uscc,
    pub name: String,
    pub period: Period,
    /// The date the figures are as of: the file's 截至日期, else the period's last day.
    pub as_of: NaiveDate,
    /// (indicator, value in 元 or 人), in column order; empty cells are left out.
    pub values: Vec<(Indicator, i64)>,
}

impl FigureRow {
    /// Money without a unit in its header or the row is read as 元 only when `default_unit`
    /// says so; the import passes the unit the file declares (or 元).
    pub fn parse(raw: &RawFigureRow, default_unit: MoneyUnit) -> Result<FigureRow, FieldErrors> {
        let mut e = FieldErrors::new();
        let uscc = if raw.uscc.trim().is_empty() {
            e.push("uscc", "统一社会信用代码：不能为空");
            None
        } else {
            e.take("uscc", Uscc::parse(&raw.uscc))
        };
        let period = if raw.period.trim().is_empty() {
            e.push("period", "期间：不能为空，应为“2021年上半年”或“2021年”");
            None
        } else {
            e.take("period", Period::parse(&raw.period))
        };
        let row_unit = if raw.unit.trim().is_empty() {
            Some(None)
        } else {
            match MoneyUnit::parse(&raw.unit) {
                Some(u) => Some(Some(u)),
                None => {
                    e.push("unit", format!("单位：“{}”无法识别，应为{}", echo(&raw.unit), MoneyUnit::ACCEPTED));
                    None
                }
            }
        };
        let as_of = e.take("as_of", date_field("截至日期", &raw.as_of)).flatten();
        let mut values = Vec::new();
        for (indicator, cell, header_unit) in &raw.values {
            if cell.trim().is_empty() || matches!(normalize(cell).as_str(), "-" | "—" | "/") {
                continue;
            }
            let label = indicator.label();
            let value = if indicator.is_money() {
                let unit = header_unit.or(row_unit.flatten()).unwrap_or(default_unit);
                parse_money(label, cell, unit)
            } else {
                count_field(label, cell, &["人"]).map(|n| i64::from(n.unwrap_or(0)))
            };
            if let Some(v) = e.take(indicator.code_key(), value) {
                values.push((*indicator, v));
            }
        }
        if values.is_empty() && e.is_empty() {
            e.push("values", "本行没有任何指标数值（税收、产值、营业收入、从业人员、研发投入至少填一项）");
        }
        e.into_result()?;
        let (Some(uscc), Some(period)) = (uscc, period) else {
            return Err(FieldErrors::new());
        };
        let last_day = period.dates().1.pred_opt().unwrap_or_default();
        Ok(FigureRow { uscc, name: normalize(&raw.name), period, as_of: as_of.unwrap_or(last_day), values })
    }
}

impl Indicator {
    /// The key an indicator's errors are filed under: its code.
    fn code_key(self) -> &'static str {
        self.code()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(values: &[(Indicator, &str, Option<MoneyUnit>)]) -> RawFigureRow {
        RawFigureRow {
            uscc: Uscc::from_body("91310117MA1J3T9L5").unwrap().as_str().to_owned(),
            name: "世格流体控制（上海）有限公司".into(),
            period: "2021年上半年".into(),
            values: values.iter().map(|(i, s, u)| (*i, (*s).to_owned(), *u)).collect(),
            ..RawFigureRow::default()
        }
    }

    #[test]
    fn units_come_from_the_header_then_the_row_then_the_file() {
        let mut r = raw(&[
            (Indicator::Tax, "13100", Some(MoneyUnit::Wan)),
            (Indicator::Revenue, "2.5", None),
            (Indicator::Employees, "1,200人", None),
            (Indicator::RdSpend, "-", None),
        ]);
        r.unit = "亿元".into();
        let row = FigureRow::parse(&r, MoneyUnit::Yuan).unwrap();
        assert_eq!(
            row.values,
            vec![(Indicator::Tax, 131_000_000), (Indicator::Revenue, 250_000_000), (Indicator::Employees, 1200)]
        );
        assert_eq!(row.as_of.to_string(), "2021-06-30");
        r.unit.clear();
        let row = FigureRow::parse(&r, MoneyUnit::Wan).unwrap();
        assert_eq!(row.values[1], (Indicator::Revenue, 25_000));
        r.unit = "千元".into();
        let row = FigureRow::parse(&r, MoneyUnit::Wan).unwrap();
        assert_eq!(row.values[1], (Indicator::Revenue, 2_500), "the row's 千元");
    }

    #[test]
    fn every_bad_cell_is_named_by_its_column() {
        let r = RawFigureRow {
            uscc: "123".into(),
            period: "2021下半年".into(),
            unit: "美元".into(),
            values: vec![(Indicator::Tax, "很多".into(), None), (Indicator::Employees, "1.5".into(), None)],
            ..RawFigureRow::default()
        };
        let e = FigureRow::parse(&r, MoneyUnit::Yuan).unwrap_err();
        assert_eq!(e.keys(), vec!["uscc", "period", "unit", "tax", "employees"]);
        let all = e.messages().join("；");
        assert!(all.contains("单位：“美元”无法识别，应为“元”“千元”“万元”或“亿元”"), "{all}");
        for word in ["统一社会信用代码", "期间", "单位", "税收", "从业人员"] {
            assert!(all.contains(word), "{all}");
        }
    }

    #[test]
    fn a_row_without_values_is_refused() {
        let e = FigureRow::parse(&raw(&[(Indicator::Tax, "", None)]), MoneyUnit::Yuan).unwrap_err();
        assert_eq!(e.keys(), vec!["values"]);
    }
}
