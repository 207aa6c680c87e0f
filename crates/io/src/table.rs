//! A streaming reader of the first sheet of an .xlsx, or of a .csv in UTF-8 or GBK/GB18030.
//!
//! Rows come out of a bounded channel fed by a reader thread, so a million-row workbook is
//! never held as cells in memory, and the iterator owns nothing borrowed.

use std::io::Cursor;
use std::sync::mpsc::{Receiver, sync_channel};

use calamine::{DataRef, Reader, Xlsx};

/// A row as the user sees it: its 1-based line number in Excel or in the text file.
pub type Row = (usize, Vec<String>);

/// A refused line of a file: its number and every reason, each naming its column or field
/// ("列名：原因").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineReject {
    pub line: usize,
    pub reasons: Vec<String>,
}

impl LineReject {
    pub fn reason(&self) -> String {
        self.reasons.join("；")
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("文件为空")]
    Empty,
    /// Why the file could not be opened or read; the caller names the file.
    #[error("{0}")]
    Io(String),
    #[error("无法读取 Excel 文件：{0}（请确认是 .xlsx 格式；旧版 .xls 请另存为 .xlsx）")]
    Xlsx(String),
    #[error("文件中没有工作表")]
    NoSheet,
    #[error("第{line}行无法读取：{reason}")]
    Row { line: usize, reason: String },
    #[error("没有找到表头：前20行中没有同时包含“企业名称”“统一社会信用代码”等列名的行。可识别的列名：{0}")]
    NoHeader(String),
    #[error("文件过大：{0}")]
    TooLarge(String),
}

impl FileError {
    /// A file that could not be opened or read, said in Chinese (the system's own text
    /// only for what has no common name).
    pub fn io(e: &std::io::Error) -> FileError {
        use std::io::ErrorKind;
        let why = match e.kind() {
            ErrorKind::NotFound => "文件不存在".to_owned(),
            ErrorKind::PermissionDenied => "没有读取权限".to_owned(),
            ErrorKind::IsADirectory => "这是一个文件夹，不是文件".to_owned(),
            _ => format!("系统错误（{e}）"),
        };
        FileError::Io(why)
    }
}

/// Limits on what a file may hold, so that no upload can exhaust memory or time.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;
/// Rows of one sheet or file (Excel's own limit).
pub const MAX_ROWS: usize = 1_048_576;
/// Columns of a row; registers have about twenty.
pub const MAX_COLUMNS: usize = 256;
/// Characters of one cell.
pub const MAX_CELL_CHARS: usize = 10_000;
/// What an .xlsx may unpack to in all, as its zip directory declares it.
pub const MAX_UNZIPPED_BYTES: u64 = 1024 * 1024 * 1024;
/// How many times larger than its compressed size a part of an .xlsx may be. Spreadsheet
/// XML packs well (10–30×, a sheet of one repeated value about 100×); a zip bomb packs a
/// thousand times or more.
pub const MAX_ZIP_RATIO: u64 = 200;

/// A zip's central directory, read from its end: each entry's declared compressed and
/// uncompressed size. Checked before any part is unpacked, so an .xlsx whose contents are
/// absurdly large (a zip bomb) is refused with a message instead of running out of memory.
pub fn check_zip(bytes: &[u8]) -> Result<(), FileError> {
    let bad = || FileError::Xlsx("文件结构损坏（zip 目录不完整）".into());
    let u16_at =
        |b: &[u8], i: usize| -> Option<u64> { b.get(i..i + 2).map(|x| u64::from(u16::from_le_bytes([x[0], x[1]]))) };
    let u32_at = |b: &[u8], i: usize| -> Option<u64> {
        b.get(i..i + 4).map(|x| u64::from(u32::from_le_bytes([x[0], x[1], x[2], x[3]])))
    };
    // The end-of-directory record: 22 bytes plus a comment of at most 65,535.
    let tail_start = bytes.len().saturating_sub(22 + 65_535);
    let eocd = (tail_start..bytes.len().saturating_sub(21))
        .rev()
        .find(|&i| bytes[i..].starts_with(b"PK\x05\x06"))
        .ok_or_else(bad)?;
    let entries = u16_at(bytes, eocd + 10).ok_or_else(bad)?;
    let dir_size = u32_at(bytes, eocd + 12).ok_or_else(bad)?;
    let dir_offset = u32_at(bytes, eocd + 16).ok_or_else(bad)?;
    if entries == 0xFFFF || dir_size == 0xFFFF_FFFF || dir_offset == 0xFFFF_FFFF {
        return Err(FileError::TooLarge("Excel 文件内部结构过大（ZIP64），请另存为 .csv 后导入".into()));
    }
    let mut at = usize::try_from(dir_offset).map_err(|_| bad())?;
    let mut total = 0u64;
    for _ in 0..entries {
        if !bytes.get(at..).is_some_and(|b| b.starts_with(b"PK\x01\x02")) {
            return Err(bad());
        }
        let packed = u32_at(bytes, at + 20).ok_or_else(bad)?;
        let unpacked = u32_at(bytes, at + 24).ok_or_else(bad)?;
        if packed == 0xFFFF_FFFF || unpacked == 0xFFFF_FFFF {
            return Err(FileError::TooLarge("Excel 文件内部结构过大（ZIP64），请另存为 .csv 后导入".into()));
        }
        total += unpacked;
        if unpacked > 1024 * 1024 && unpacked > packed.max(1) * MAX_ZIP_RATIO {
            return Err(FileError::TooLarge(format!(
                "Excel 文件中有一部分解压后是压缩时的 {} 倍（上限 {MAX_ZIP_RATIO} 倍），疑似压缩炸弹，已拒绝",
                unpacked / packed.max(1)
            )));
        }
        if total > MAX_UNZIPPED_BYTES {
            return Err(FileError::TooLarge(format!(
                "Excel 文件解压后超过 {} MB 的上限，已拒绝；请拆分后导入",
                MAX_UNZIPPED_BYTES / (1024 * 1024)
            )));
        }
        let names = u16_at(bytes, at + 28).ok_or_else(bad)?
            + u16_at(bytes, at + 30).ok_or_else(bad)?
            + u16_at(bytes, at + 32).ok_or_else(bad)?;
        at += 46 + usize::try_from(names).map_err(|_| bad())?;
    }
    Ok(())
}

/// A row past the limits is refused by its line rather than read on.
fn check_row(line: usize, cells: &[String]) -> Result<(), FileError> {
    if cells.len() > MAX_COLUMNS {
        return Err(FileError::Row { line, reason: format!("列数超过 {MAX_COLUMNS} 列的上限") });
    }
    if let Some(i) = cells.iter().position(|c| c.len() > MAX_CELL_CHARS && c.chars().count() > MAX_CELL_CHARS) {
        return Err(FileError::Row {
            line, reason: format!("第{}列的内容超过 {MAX_CELL_CHARS} 字的上限", i + 1)
        });
    }
    Ok(())
}

fn too_many_rows() -> FileError {
    FileError::TooLarge(format!("超过 {MAX_ROWS} 行的上限；请拆分后导入"))
}

/// A row under a table's header: its line, the header's columns, and its cells; or a row the
/// reader refused, by its line and reason.
pub type DataRow<'a, C> = Result<(usize, &'a C, Vec<String>), (usize, String)>;

/// Reads a table whose header row is among its first 20 rows. `header` reads a row: the
/// columns when it is the header, `Err` (the file's refusal) when it is a header lacking a
/// column, `None` otherwise. `row` gets every non-blank row under the header, and every row
/// the reader refused. The columns come back, or `None` when no header was found.
pub fn under_header<C>(
    bytes: Vec<u8>,
    header: impl Fn(usize, &[String]) -> Result<Option<C>, String>,
    mut row: impl FnMut(DataRow<'_, C>) -> Result<(), String>,
) -> Result<Option<C>, String> {
    let reader = TableReader::from_bytes(bytes).map_err(|e| e.to_string())?;
    let mut columns: Option<C> = None;
    for (i, item) in reader.enumerate() {
        let (line, cells) = match item {
            Ok(r) => r,
            Err(FileError::Row { line, reason }) => {
                row(Err((line, reason)))?;
                continue;
            }
            Err(e) => return Err(e.to_string()),
        };
        let Some(cols) = &columns else {
            match header(line, &cells)? {
                Some(found) => columns = Some(found),
                None if i >= 20 => break,
                None => {}
            }
            continue;
        };
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        row(Ok((line, cols, cells)))?;
    }
    Ok(columns)
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
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(FileError::TooLarge(format!("超过 {} MB 的上限", MAX_FILE_BYTES / (1024 * 1024))));
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
        for (n, record) in reader.records().enumerate() {
            if n >= MAX_ROWS {
                let _ = tx.send(Err(too_many_rows()));
                return;
            }
            let item = match record {
                Ok(r) => {
                    let line = r.position().map(|p| line_at(p.byte() as usize)).unwrap_or(0);
                    if r.len() > MAX_COLUMNS {
                        Err(FileError::Row { line, reason: format!("列数超过 {MAX_COLUMNS} 列的上限") })
                    } else {
                        let cells: Vec<String> = r.iter().map(str::to_owned).collect();
                        check_row(line, &cells).map(|()| (line, cells))
                    }
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
    check_zip(&bytes)?;
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
        let mut too_wide = false;
        let mut rows = 0usize;
        let finish = |line: usize, row: Vec<String>, too_wide: bool| -> Result<Row, FileError> {
            if too_wide {
                return Err(FileError::Row { line, reason: format!("列数超过 {MAX_COLUMNS} 列的上限") });
            }
            check_row(line, &row).map(|()| (line, row))
        };
        loop {
            match cells.next_cell() {
                Ok(Some(cell)) => {
                    let (r, c) = cell.get_position();
                    if current != Some(r) {
                        if let Some(prev) = current
                            && tx.send(finish(prev as usize + 1, std::mem::take(&mut row), too_wide)).is_err()
                        {
                            return;
                        }
                        too_wide = false;
                        rows += 1;
                        if rows > MAX_ROWS {
                            let _ = tx.send(Err(too_many_rows()));
                            return;
                        }
                        current = Some(r);
                    }
                    let c = c as usize;
                    if c >= MAX_COLUMNS {
                        too_wide = true;
                        continue;
                    }
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
            let _ = tx.send(finish(prev as usize + 1, row, too_wide));
        }
    });
    Ok(TableReader { rx, size_hint })
}
