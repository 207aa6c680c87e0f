//! Economic figures from .xlsx or .csv (UTF-8 or GBK): one row per enterprise and period,
//! one column per indicator, as offices send them — header variants (税收/纳税额/税收总额,
//! 工业总产值/产值, 营业收入/营收, 从业人员/职工人数, 研发投入/R&D经费 …), the unit in a
//! header's brackets ("税收（万元）"), in a 单位 column, or in a "单位：万元" line above the
//! table; title rows above the header and total rows below are skipped. Each bad row is named
//! by its line, and each bad cell by its column letter and header, in Chinese; the good rows
//! go through [`FigureRow::parse`] and come back for the store.

use qunlian_domain::results::{FigureRow, Indicator, MoneyUnit, Period, RawFigureRow};
use qunlian_domain::text::compact;

use crate::table::{FileError, TableReader};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Uscc,
    Name,
    Period,
    Unit,
    AsOf,
    Value(Indicator, Option<MoneyUnit>),
}

impl Column {
    fn key(self) -> &'static str {
        match self {
            Column::Uscc => "uscc",
            Column::Name => "name",
            Column::Period => "period",
            Column::Unit => "unit",
            Column::AsOf => "as_of",
            Column::Value(i, _) => i.code(),
        }
    }
}

/// The template's headers, in order.
pub const TEMPLATE_HEADERS: [&str; 10] = [
    "统一社会信用代码",
    "企业名称",
    "期间",
    "单位",
    "税收",
    "工业总产值",
    "营业收入",
    "从业人员",
    "研发投入",
    "截至日期",
];

/// The header's text outside brackets, and the money unit named inside them or glued to its
/// end ("税收（万元）", "产值(亿元)", "营收万元", "税收/元").
fn split_unit(header: &str) -> (String, Option<MoneyUnit>) {
    let h = compact(header).replace(['*', '＊', '：', ':'], "");
    let mut core = String::new();
    let mut inside = String::new();
    let mut depth = 0;
    for c in h.chars() {
        match c {
            '(' | '（' | '[' | '【' => depth += 1,
            ')' | '）' | ']' | '】' if depth > 0 => depth -= 1,
            _ if depth > 0 => inside.push(c),
            _ => core.push(c),
        }
    }
    let mut unit = MoneyUnit::parse(inside.trim_start_matches("单位"));
    if let Some((rest, glued)) = MoneyUnit::strip_suffix(&core)
        && let rest = rest.trim_end_matches('/')
        && !rest.is_empty()
        && Indicator::parse(rest).is_ok()
    {
        unit = unit.or(Some(glued));
        core = rest.to_owned();
    }
    (core, unit)
}

fn column_of(header: &str) -> Option<Column> {
    let (core, unit) = split_unit(header);
    let upper = core.to_uppercase();
    let is = |words: &[&str]| words.contains(&upper.as_str());
    if is(&["统一社会信用代码", "信用代码", "社会信用代码", "USCC", "统一代码", "统一信用代码"])
    {
        return Some(Column::Uscc);
    }
    if is(&["企业名称", "单位名称", "名称", "公司名称", "企业(单位)名称"]) {
        return Some(Column::Name);
    }
    if is(&["期间", "统计期间", "报告期", "时期", "所属期", "期别", "统计期", "PERIOD"]) {
        return Some(Column::Period);
    }
    if is(&["单位", "计量单位", "金额单位", "UNIT"]) {
        return Some(Column::Unit);
    }
    if is(&["截至日期", "截止日期", "数据日期", "统计日期", "AS_OF"]) {
        return Some(Column::AsOf);
    }
    Indicator::parse(&core).ok().map(|i| Column::Value(i, unit))
}

/// "单位：万元" written in a line above the table.
fn unit_line(cells: &[String]) -> Option<MoneyUnit> {
    cells.iter().find_map(|c| {
        let t = compact(c);
        let rest = t.strip_prefix("单位")?.trim_start_matches([':', '：']);
        MoneyUnit::leading(rest)
    })
}

/// Rows that close a table rather than belong to it.
fn is_footer(first: &str) -> bool {
    ["合计", "总计", "小计", "共计", "注：", "注:", "说明", "填表人", "制表人", "审核人"]
        .iter()
        .any(|p| first.starts_with(p))
}

/// "A", "B", … "AA": a column as Excel names it.
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut s = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// A good row, by its line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FigureLine {
    pub line: usize,
    pub row: FigureRow,
}

/// A refused row of a figures file.
pub type FigureLineReject = crate::table::LineReject;

/// What a file held: good rows, refused rows, and its columns as recognised.
#[derive(Clone, Debug, Default)]
pub struct FiguresFile {
    pub rows: Vec<FigureLine>,
    pub rejects: Vec<FigureLineReject>,
    /// Headers no indicator or key was recognised in (ignored).
    pub ignored: Vec<String>,
}

/// Reads the whole file. The header is the first of the first 20 rows that has a USCC column
/// and at least one indicator; `period` is used for rows when the file has no period column
/// (a file titled "2021年上半年" with none); money without a unit anywhere is read as 元.
pub fn read_figures(bytes: Vec<u8>, period: Option<Period>) -> Result<FiguresFile, String> {
    let reader = TableReader::from_bytes(bytes).map_err(|e| e.to_string())?;
    let mut file_unit: Option<MoneyUnit> = None;
    let mut columns: Option<(Vec<Option<Column>>, Vec<String>)> = None;
    let mut out = FiguresFile::default();
    for (i, item) in reader.enumerate() {
        let (line, cells) = match item {
            Ok(r) => r,
            Err(FileError::Row { line, reason }) => {
                out.rejects.push(FigureLineReject { line, reasons: vec![reason] });
                continue;
            }
            Err(e) => return Err(e.to_string()),
        };
        let Some((cols, headers)) = &columns else {
            let found: Vec<Option<Column>> = cells.iter().map(|c| column_of(c)).collect();
            let values = found.iter().filter(|c| matches!(c, Some(Column::Value(..)))).count();
            if found.contains(&Some(Column::Uscc)) && values > 0 {
                if period.is_none() && !found.contains(&Some(Column::Period)) {
                    return Err(format!(
                        "第{line}行的表头缺少“期间”列：请加一列“期间”（如“2021年上半年”“2021年”），或在导入时选择期间"
                    ));
                }
                out.ignored = cells
                    .iter()
                    .zip(&found)
                    .filter(|(h, c)| c.is_none() && !compact(h).is_empty())
                    .map(|(h, _)| compact(h))
                    .collect();
                columns = Some((found, cells.iter().map(|c| compact(c)).collect()));
            } else if let Some(u) = unit_line(&cells) {
                file_unit = Some(u);
            } else if i >= 20 {
                break;
            }
            continue;
        };
        let first = cells.iter().map(|c| compact(c)).find(|c| !c.is_empty());
        match first {
            None => continue,
            Some(f) if is_footer(&f) => continue,
            Some(_) => {}
        }
        let get = |want: Column| -> String {
            cols.iter().position(|c| *c == Some(want)).and_then(|p| cells.get(p)).cloned().unwrap_or_default()
        };
        let mut raw = RawFigureRow {
            uscc: get(Column::Uscc),
            name: get(Column::Name),
            period: get(Column::Period),
            unit: get(Column::Unit),
            as_of: get(Column::AsOf),
            values: Vec::new(),
        };
        if raw.period.trim().is_empty()
            && let Some(p) = period
        {
            raw.period = p.code();
        }
        for (index, c) in cols.iter().enumerate() {
            if let Some(Column::Value(indicator, unit)) = c {
                raw.values.push((*indicator, cells.get(index).cloned().unwrap_or_default(), *unit));
            }
        }
        match FigureRow::parse(&raw, file_unit.unwrap_or(MoneyUnit::Yuan)) {
            Ok(row) => out.rows.push(FigureLine { line, row }),
            Err(errors) => {
                let reasons = errors
                    .0
                    .iter()
                    .map(|e| match cols.iter().position(|c| c.is_some_and(|c| c.key() == e.key)) {
                        Some(p) => format!("{}列“{}”：{}", column_letter(p), headers[p], e.message),
                        None => e.message.clone(),
                    })
                    .collect();
                out.rejects.push(FigureLineReject { line, reasons });
            }
        }
    }
    if columns.is_none() {
        return Err(
            "没有找到表头：前20行中没有同时包含“统一社会信用代码”和至少一项指标（税收、工业总产值、营业收入、从业人员、研发投入）的行"
                .to_owned(),
        );
    }
    Ok(out)
}

/// The import template: the headers, the unit line above them, and one example row.
pub fn template() -> Result<Vec<u8>, crate::xlsx::XlsxError> {
    use crate::xlsx::{Cell, Column as XlsxColumn, XlsxTable};
    let table = XlsxTable {
        sheet: "经济指标".into(),
        title: Some("单位：万元（从业人员为人；表头可写“税收（元）”等另行注明单位）".into()),
        columns: TEMPLATE_HEADERS.iter().map(|h| XlsxColumn { header: (*h).to_owned(), width: 16.0 }).collect(),
    };
    let example = vec![
        Cell::Text("91310117MA1J3T9L5X".into()),
        Cell::Text("示例：某某装备有限公司".into()),
        Cell::Text("2021年上半年".into()),
        Cell::Text("万元".into()),
        Cell::Num(13100.0),
        Cell::Num(86000.0),
        Cell::Num(92000.0),
        Cell::Int(1200),
        Cell::Num(3500.0),
        Cell::Text("2021-06-30".into()),
    ];
    table.write(std::iter::once(example))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_xlsx_is_read_like_a_csv_and_the_template_reads_back() {
        use crate::xlsx::{Cell, Column as XlsxColumn, XlsxTable};
        let a = uscc("91310117MA1J3T9L5");
        let table = XlsxTable {
            sheet: "表1".into(),
            title: Some("单位：亿元".into()),
            columns: ["统一社会信用代码", "期间", "税收总额", "工业总产值（万元）"]
                .iter()
                .map(|h| XlsxColumn { header: (*h).to_owned(), width: 10.0 })
                .collect(),
        };
        let row = vec![Cell::Text(a), Cell::Text("2021H1".into()), Cell::Num(5.1158), Cell::Num(120.5)];
        let file = read_figures(table.write(std::iter::once(row)).unwrap(), None).unwrap();
        assert!(file.rejects.is_empty(), "{:?}", file.rejects);
        assert_eq!(file.rows[0].row.values, vec![(Indicator::Tax, 511_580_000), (Indicator::Output, 1_205_000)]);
        // The template's example row has a made-up USCC: refused by its check digit, by column.
        let file = read_figures(template().unwrap(), None).unwrap();
        assert_eq!(file.rows.len() + file.rejects.len(), 1);
        if let Some(r) = file.rejects.first() {
            assert!(r.reasons[0].starts_with("A列“统一社会信用代码”"), "{:?}", r.reasons);
        }
    }

    fn uscc(body: &str) -> String {
        qunlian_domain::Uscc::from_body(body).unwrap().as_str().to_owned()
    }

    #[test]
    fn headers_as_offices_write_them() {
        assert_eq!(column_of("纳税额（万元）"), Some(Column::Value(Indicator::Tax, Some(MoneyUnit::Wan))));
        assert_eq!(column_of("税收总额(元)"), Some(Column::Value(Indicator::Tax, Some(MoneyUnit::Yuan))));
        assert_eq!(column_of("产值万元"), Some(Column::Value(Indicator::Output, Some(MoneyUnit::Wan))));
        assert_eq!(column_of("营收"), Some(Column::Value(Indicator::Revenue, None)));
        assert_eq!(column_of("职工人数"), Some(Column::Value(Indicator::Employees, None)));
        assert_eq!(column_of("R&D经费（亿元）"), Some(Column::Value(Indicator::RdSpend, Some(MoneyUnit::Yi))));
        assert_eq!(column_of("税收（千元）"), Some(Column::Value(Indicator::Tax, Some(MoneyUnit::Qian))));
        assert_eq!(column_of("营收(单位：千元)"), Some(Column::Value(Indicator::Revenue, Some(MoneyUnit::Qian))));
        assert_eq!(column_of("产值千元"), Some(Column::Value(Indicator::Output, Some(MoneyUnit::Qian))));
        assert_eq!(column_of("税收/千元"), Some(Column::Value(Indicator::Tax, Some(MoneyUnit::Qian))));
        assert_eq!(unit_line(&["单位：千元".to_owned()]), Some(MoneyUnit::Qian));
        assert_eq!(unit_line(&["单位:万元".to_owned()]), Some(MoneyUnit::Wan));
        assert_eq!(column_of("信用代码*"), Some(Column::Uscc));
        assert_eq!(column_of("统计期间"), Some(Column::Period));
        assert_eq!(column_of("备注"), None);
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(27), "AB");
    }

    #[test]
    fn a_csv_with_a_unit_line_title_rows_and_bad_cells() {
        let (a, b) = (uscc("91310117MA1J3T9L5"), uscc("91310117MA1J3T9L6"));
        let text = format!(
            "新桥镇2021年上半年经济指标\n单位：万元\n信用代码,企业名称,期间,纳税额,营收（元）,职工人数,备注\n\
             {a},甲公司,2021年上半年,\"13,100\",250000000,1200人,\n\
             {b},乙公司,2021下半年,很多,1,1.5,\n\
             合计,,,,,,\n"
        );
        let file = read_figures(text.into_bytes(), None).unwrap();
        assert_eq!(file.ignored, vec!["备注".to_owned()]);
        assert_eq!(file.rows.len(), 1);
        let row = &file.rows[0];
        assert_eq!(row.line, 4);
        assert_eq!(
            row.row.values,
            vec![(Indicator::Tax, 131_000_000), (Indicator::Revenue, 250_000_000), (Indicator::Employees, 1200)]
        );
        assert_eq!(file.rejects.len(), 1);
        let r = &file.rejects[0];
        assert_eq!(r.line, 5);
        assert_eq!(r.reasons.len(), 3, "{:?}", r.reasons);
        assert!(r.reasons[0].starts_with("C列“期间”：期间："), "{:?}", r.reasons);
        assert!(r.reasons[1].starts_with("D列“纳税额”：税收："), "{:?}", r.reasons);
        assert!(r.reasons[2].starts_with("F列“职工人数”：从业人员："), "{:?}", r.reasons);
    }

    #[test]
    fn a_file_in_the_short_forms_imports_and_a_refused_period_lists_the_forms() {
        let (a, b, c) = (uscc("91310117MA1J3T9L5"), uscc("91310117MA1J3T9L6"), uscc("91310117MA1J3T9L7"));
        let text = format!(
            "信用代码,期间,单位,税收,营收\n{a},2021年1-12月,万,1.5,2\n{b},2021年半年,亿,0.1,\n{c},2021年三季度,元,1,\n"
        );
        let file = read_figures(text.into_bytes(), None).unwrap();
        let rows: Vec<_> = file.rows.iter().map(|r| (r.row.period, r.row.values.clone())).collect();
        assert_eq!(
            rows,
            vec![
                (Period::year(2021), vec![(Indicator::Tax, 15_000), (Indicator::Revenue, 20_000)]),
                (Period::first_half(2021), vec![(Indicator::Tax, 10_000_000)]),
            ]
        );
        let reasons = file.rejects.iter().flat_map(|r| r.reasons.clone()).collect::<Vec<_>>().join("");
        assert!(reasons.contains("“2021年三季度”无法识别，可填：2021年上半年（"), "{reasons}");
    }

    #[test]
    fn the_period_may_come_from_the_import_and_the_header_must_be_found() {
        let a = uscc("91310117MA1J3T9L5");
        let text = format!("统一社会信用代码,税收\n{a},100\n");
        assert!(read_figures(text.clone().into_bytes(), None).unwrap_err().contains("期间"));
        let file = read_figures(text.into_bytes(), Some(Period::year(2020))).unwrap();
        assert_eq!(file.rows[0].row.period, Period::year(2020));
        assert_eq!(file.rows[0].row.values, vec![(Indicator::Tax, 100)]);
        let e = read_figures("企业名称,地址\n甲,乙\n".as_bytes().to_vec(), None).unwrap_err();
        assert!(e.starts_with("没有找到表头"), "{e}");
    }
}
