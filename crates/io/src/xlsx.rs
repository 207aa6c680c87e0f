//! Writing .xlsx: list exports (constant memory, so a large list streams to disk-sized
//! buffers rather than cell objects), the import template, and the rejects of an import.

use rust_xlsxwriter::{Color, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet};

use crate::enterprises::{Field, Reject};

pub use rust_xlsxwriter::XlsxError;

/// A cell of an export; booleans are written as 是/否, as offices write them.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    Num(f64),
    Date(chrono::NaiveDate),
    Bool(bool),
    Empty,
}

#[derive(Clone, Debug)]
pub struct Column {
    pub header: String,
    pub width: f64,
}

/// One sheet: an optional title line, a bold frozen header, then the rows.
#[derive(Clone, Debug)]
pub struct XlsxTable {
    pub sheet: String,
    pub title: Option<String>,
    pub columns: Vec<Column>,
}

fn header_format() -> Format {
    Format::new().set_bold().set_background_color(Color::RGB(0xFDECEA)).set_align(FormatAlign::Center)
}

fn date_format() -> Format {
    Format::new().set_num_format("yyyy-mm-dd")
}

fn write_cell(ws: &mut Worksheet, row: u32, col: u16, cell: &Cell, date: &Format) -> Result<(), XlsxError> {
    match cell {
        Cell::Text(s) if !s.is_empty() => {
            ws.write_string(row, col, s)?;
        }
        Cell::Int(i) => {
            ws.write_number(row, col, *i as f64)?;
        }
        Cell::Num(n) => {
            ws.write_number(row, col, *n)?;
        }
        Cell::Date(d) => {
            use chrono::Datelike;
            let dt = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
            ws.write_datetime_with_format(row, col, &dt, date)?;
        }
        Cell::Bool(b) => {
            ws.write_string(row, col, if *b { "是" } else { "否" })?;
        }
        Cell::Text(_) | Cell::Empty => {}
    }
    Ok(())
}

impl XlsxTable {
    pub fn write(&self, rows: impl Iterator<Item = Vec<Cell>>) -> Result<Vec<u8>, XlsxError> {
        let mut book = Workbook::new();
        let ws = book.add_worksheet_with_constant_memory()?;
        ws.set_name(&self.sheet)?;
        for (i, c) in self.columns.iter().enumerate() {
            ws.set_column_width(i as u16, c.width)?;
        }
        let mut r = 0u32;
        if let Some(title) = &self.title {
            ws.write_string_with_format(0, 0, title, &Format::new().set_bold())?;
            r = 1;
        }
        let head = header_format();
        for (i, c) in self.columns.iter().enumerate() {
            ws.write_string_with_format(r, i as u16, &c.header, &head)?;
        }
        ws.set_freeze_panes(r + 1, 0)?;
        let date = date_format();
        for row in rows {
            r += 1;
            for (i, cell) in row.iter().enumerate() {
                write_cell(ws, r, i as u16, cell, &date)?;
            }
        }
        book.save_to_buffer()
    }
}

/// The rows an import refused, with line numbers and reasons, so the office can correct
/// them in Excel and import the same file again.
pub fn write_rejects(headers: &[String], rejects: &[Reject]) -> Result<Vec<u8>, XlsxError> {
    let mut columns = vec![Column { header: "行号".into(), width: 8.0 }, Column { header: "原因".into(), width: 60.0 }];
    columns.extend(headers.iter().map(|h| Column { header: h.clone(), width: 16.0 }));
    let table = XlsxTable { sheet: "未导入的行".into(), title: None, columns };
    table.write(rejects.iter().map(|r| {
        let mut row = vec![Cell::Int(r.line as i64), Cell::Text(r.reasons.join("；"))];
        row.extend(r.values.iter().map(|v| Cell::Text(v.clone())));
        row
    }))
}

/// The import template: canonical headers, one example row marked 示例, and a sheet that
/// explains every column.
pub fn enterprise_template() -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let head = header_format();
    let ws = book.add_worksheet();
    ws.set_name("企业名录")?;
    for (i, f) in Field::ALL.iter().enumerate() {
        ws.set_column_width(i as u16, if matches!(f, Field::Name | Field::Address) { 30.0 } else { 16.0 })?;
        ws.write_string_with_format(0, i as u16, f.header(), &head)?;
    }
    let example = [
        "（示例，导入前请删除本行）上海某某科技有限公司",
        "91310117MA1J000000",
        "新桥镇",
        "",
        "3973",
        "120",
        "是",
        "否",
        "无",
        "否",
        "否",
        "2018-05-20",
        "上海市松江区新桥镇某某路1号",
        "张三",
        "13800000000",
    ];
    let grey = Format::new().set_font_color(Color::RGB(0x888888));
    for (i, v) in example.iter().enumerate() {
        ws.write_string_with_format(1, i as u16, *v, &grey)?;
    }
    ws.set_freeze_panes(1, 0)?;
    let notes = book.add_worksheet();
    notes.set_name("填写说明")?;
    notes.set_column_width(0, 18.0)?;
    notes.set_column_width(1, 90.0)?;
    notes.write_string_with_format(0, 0, "列名", &head)?;
    notes.write_string_with_format(0, 1, "说明", &head)?;
    let explain = [
        ("企业名称", "必填。"),
        ("统一社会信用代码", "必填，18位，按 GB 32100 校验；重复导入时按此代码更新，不会产生重复记录。"),
        ("所属街镇", "必填，街镇名称（如“新桥镇”或“新桥”）或9位行政区划代码。"),
        ("所属园区", "可选，园区名称；系统中没有的园区会自动新增。"),
        ("行业代码", "可选，国民经济行业分类（GB/T 4754-2017）代码，如 3973，或小类名称。"),
        ("从业人数", "可选，整数。"),
        (
            "是否高新技术企业 / 是否规上企业 / 是否上市 / 是否重点项目",
            "填 是 或 否（也可用 Y/N、1/0、√/×），留空视为否。",
        ),
        ("专精特新", "无、创新型中小企业、专精特新（市级）、小巨人（国家级）。"),
        ("成立日期", "如 2021-03-05、2021/3/5 或 2021年3月5日。"),
        ("联系电话", "手机11位，或带区号的座机（如 021-57612345）；加密保存，页面上脱敏显示。"),
        ("其他", "表头上方的标题行、表格下方的合计行会自动跳过；支持 .xlsx 和 .csv（UTF-8 或 GBK）。"),
    ];
    for (i, (k, v)) in explain.iter().enumerate() {
        notes.write_string(i as u32 + 1, 0, *k)?;
        notes.write_string(i as u32 + 1, 1, *v)?;
    }
    book.save_to_buffer()
}
