//! A streaming reader of the first sheet of an .xlsx, or of a .csv in UTF-8 or GBK/GB18030.
//!
//! Rows come out of a bounded channel fed by a reader thread, so a million-row workbook is
//! never held as cells in memory, and the iterator owns nothing borrowed.

use std::io::Cursor;
use std::sync::mpsc::{Receiver, sync_channel};

use calamine::{DataRef, Reader, Xlsx};

/// A row as the user sees it: its 1-based line number in Excel or in the text file.
pub type Row = (usize, Vec<String>);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("文件为空")]
    Empty,
    #[error("无法打开文件：{0}")]
    Io(String),
    #[error("无法读取 Excel 文件：{0}（请确认是 .xlsx 格式；旧版 .xls 请另存为 .xlsx）")]
    Xlsx(String),
    #[error("文件中没有工作表")]
    NoSheet,
    #[error("第{line}行无法读取：{reason}")]
    Row { line: usize, reason: String },
    #[error("没有找到表头：前20行中没有同时包含“企业名称”“统一社会信用代码”等列名的行。可识别的列名：{0}")]
    NoHeader(String),
}

pub enum Format {
    Xlsx,
    Csv,
}

/// "PK" is the zip signature every .xlsx starts with; anything else is read as text.
pub fn detect(bytes: &[u8]) -> Format {
    if bytes.starts_with(b"PK\x03\x04") { Format::Xlsx } else { Format::Csv }
}

pub struct TableReader {
    rx: Receiver<Result<Row, FileError>>,
    size_hint: Option<u64>,
}

impl Iterator for TableReader {
    type Item = Result<Row, FileError>;
    fn next(&mut self) -> Option<Self::Item> {
        self.rx.recv().ok()
    }
}

impl TableReader {
    pub fn from_bytes(bytes: Vec<u8>) -> Result<TableReader, FileError> {
        if bytes.is_empty() {
            return Err(FileError::Empty);
        }
        match detect(&bytes) {
            Format::Xlsx => xlsx_reader(bytes),
            Format::Csv => Ok(csv_reader(bytes)),
        }
    }

    /// Rows the file holds, as far as known before reading it (for a progress bar).
    pub fn size_hint(&self) -> Option<u64> {
        self.size_hint
    }
}

const CHANNEL: usize = 4096;

/// UTF-8 (with or without BOM) when the bytes are valid UTF-8, else GB18030, the superset
/// of the GBK that Chinese Excel writes.
pub fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

fn csv_reader(bytes: Vec<u8>) -> TableReader {
    // Estimate rows from the size of the first lines, for the progress bar only.
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    let lines = sample.iter().filter(|b| **b == b'\n').count().max(1);
    let size_hint = Some((bytes.len() as u64 * lines as u64) / sample.len().max(1) as u64);
    let (tx, rx) = sync_channel(CHANNEL);
    std::thread::spawn(move || {
        let text = decode_text(&bytes);
        drop(bytes);
        let first = text.lines().next().unwrap_or("");
        let delimiter = if first.contains('\t') && !first.contains(',') { b'\t' } else { b',' };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text.as_bytes());
        // The csv crate's own line numbers drift after blank CRLF lines; count from byte
        // offsets instead (a record's offset points at the blank lines before it).
        let bytes = text.as_bytes();
        let (mut seen_byte, mut seen_lines) = (0usize, 0usize);
        let mut line_at = |byte: usize| {
            let byte = byte.min(bytes.len());
            seen_lines += bytes[seen_byte.min(byte)..byte].iter().filter(|b| **b == b'\n').count();
            seen_byte = byte;
            let blank =
                bytes[byte..].iter().take_while(|b| matches!(b, b'\r' | b'\n')).filter(|b| **b == b'\n').count();
            seen_lines + blank + 1
        };
        for record in reader.records() {
            let item = match record {
                Ok(r) => {
                    let line = r.position().map(|p| line_at(p.byte() as usize)).unwrap_or(0);
                    Ok((line, r.iter().map(str::to_owned).collect()))
                }
                Err(e) => {
                    let line = e.position().map(|p| line_at(p.byte() as usize)).unwrap_or(0);
                    Err(FileError::Row { line, reason: e.to_string() })
                }
            };
            if tx.send(item).is_err() {
                return;
            }
        }
    });
    TableReader { rx, size_hint }
}

/// Excel stores dates as days since 1899-12-30 (with the 1900 leap-year bug before March).
pub fn excel_date(serial: f64) -> Option<chrono::NaiveDate> {
    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30)?;
    base.checked_add_signed(chrono::Duration::days(serial.floor() as i64))
}

fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 { format!("{}", f as i64) } else { format!("{f}") }
}

fn cell_text(value: &DataRef<'_>) -> String {
    match value {
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number_text(*f),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::Bool(b) => if *b { "是" } else { "否" }.to_owned(),
        DataRef::DateTime(d) => {
            excel_date(d.as_f64()).map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_else(|| number_text(d.as_f64()))
        }
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.chars().take(10).collect(),
        DataRef::Error(_) | DataRef::Empty => String::new(),
    }
}

fn xlsx_reader(bytes: Vec<u8>) -> Result<TableReader, FileError> {
    // Open once here so that a broken file is reported before any row is promised.
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| FileError::Xlsx(e.to_string()))?;
    let sheet = book.sheet_names().first().cloned().ok_or(FileError::NoSheet)?;
    let size_hint = book
        .worksheet_cells_reader(&sheet)
        .map(|r| {
            let d = r.dimensions();
            u64::from(d.end.0.saturating_sub(d.start.0)) + 1
        })
        .ok();
    let (tx, rx) = sync_channel(CHANNEL);
    std::thread::spawn(move || {
        let mut cells = match book.worksheet_cells_reader(&sheet) {
            Ok(c) => c,
            Err(e) => {
                let _ = tx.send(Err(FileError::Xlsx(e.to_string())));
                return;
            }
        };
        let mut current: Option<u32> = None;
        let mut row: Vec<String> = Vec::new();
        loop {
            match cells.next_cell() {
                Ok(Some(cell)) => {
                    let (r, c) = cell.get_position();
                    if current != Some(r) {
                        if let Some(prev) = current
                            && tx.send(Ok((prev as usize + 1, std::mem::take(&mut row)))).is_err()
                        {
                            return;
                        }
                        current = Some(r);
                    }
                    let c = c as usize;
                    if row.len() <= c {
                        row.resize(c + 1, String::new());
                    }
                    row[c] = cell_text(cell.get_value());
                }
                Ok(None) => break,
                Err(e) => {
                    let _ = tx.send(Err(FileError::Xlsx(e.to_string())));
                    return;
                }
            }
        }
        if let Some(prev) = current {
            let _ = tx.send(Ok((prev as usize + 1, row)));
        }
    });
    Ok(TableReader { rx, size_hint })
}
