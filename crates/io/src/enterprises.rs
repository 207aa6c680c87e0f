//! The enterprise register as offices send it: header variants, title rows above the header,
//! total rows below, full-width digits, 是/否 flags. Every bad row is reported with its line
//! and every reason at once; good rows come out as [`EnterpriseInput`].

use std::collections::HashMap;
use std::path::Path;

use qunlian_domain::registry::{EnterpriseFields, EnterpriseInput, RawEnterprise};
use qunlian_domain::text::{compact, normalize};
use qunlian_domain::{RegionCode, Uscc};

pub use crate::table::FileError;
use crate::table::TableReader;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Name,
    Uscc,
    Town,
    Park,
    Industry,
    Employees,
    HighTech,
    AboveScale,
    Srdi,
    Listed,
    KeyProject,
    FoundedOn,
    Address,
    ContactName,
    ContactPhone,
}

impl Field {
    pub const ALL: [Field; 15] = [
        Field::Name,
        Field::Uscc,
        Field::Town,
        Field::Park,
        Field::Industry,
        Field::Employees,
        Field::HighTech,
        Field::AboveScale,
        Field::Srdi,
        Field::Listed,
        Field::KeyProject,
        Field::FoundedOn,
        Field::Address,
        Field::ContactName,
        Field::ContactPhone,
    ];

    /// The canonical header: what the template and the export write.
    pub fn header(self) -> &'static str {
        match self {
            Field::Name => "企业名称",
            Field::Uscc => "统一社会信用代码",
            Field::Town => "所属街镇",
            Field::Park => "所属园区",
            Field::Industry => "行业代码",
            Field::Employees => "从业人数",
            Field::HighTech => "是否高新技术企业",
            Field::AboveScale => "是否规上企业",
            Field::Srdi => "专精特新",
            Field::Listed => "是否上市",
            Field::KeyProject => "是否重点项目",
            Field::FoundedOn => "成立日期",
            Field::Address => "注册地址",
            Field::ContactName => "联系人",
            Field::ContactPhone => "联系电话",
        }
    }

    /// Header texts offices use for this column, after clean-up.
    fn variants(self) -> &'static [&'static str] {
        match self {
            Field::Name => {
                &["企业名称", "单位名称", "名称", "企业(单位)名称", "企业（单位）名称", "公司名称", "企业名"]
            }
            Field::Uscc => &["统一社会信用代码", "信用代码", "社会信用代码", "USCC", "统一代码", "统一信用代码"],
            Field::Town => &[
                "所属街镇",
                "街镇",
                "所在街镇",
                "街道(镇)",
                "镇(街道)",
                "所属镇",
                "所属街道",
                "街道镇",
                "镇街道",
                "所属街道(镇)",
            ],
            Field::Park => &["所属园区", "园区", "所在园区"],
            Field::Industry => &["行业代码", "行业", "所属行业", "行业类别", "国民经济行业代码", "国民经济行业分类"],
            Field::Employees => &["从业人数", "职工人数", "员工人数", "从业人员数", "职工数", "从业人员"],
            Field::HighTech => &["是否高新技术企业", "高新技术企业", "高新", "是否高新"],
            Field::AboveScale => &["是否规上企业", "规上企业", "规模以上", "是否规模以上", "是否规上", "规上"],
            Field::Srdi => &["专精特新", "专精特新等级", "是否专精特新", "专精特新级别"],
            Field::Listed => &["是否上市", "上市企业", "上市", "是否上市企业"],
            Field::KeyProject => &["重点项目", "是否重点项目", "重点项目企业"],
            Field::FoundedOn => &["成立日期", "成立时间", "注册日期", "注册时间"],
            Field::Address => &["地址", "注册地址", "经营地址", "企业地址"],
            Field::ContactName => &["联系人", "联系人姓名"],
            Field::ContactPhone => &["联系电话", "联系方式", "手机", "电话", "联系人电话", "手机号码"],
        }
    }
}

/// Header text without spaces, asterisks or notes in brackets: "企业名称（必填）*" → "企业名称".
fn clean_header(s: &str) -> String {
    let s = compact(s).replace(['*', '＊', '：', ':'], "");
    let mut out = String::new();
    let mut depth = 0;
    for c in s.chars() {
        match c {
            '(' | '（' | '[' | '【' if !out.is_empty() => depth += 1,
            ')' | '）' | ']' | '】' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.to_uppercase()
}

fn recognise(header: &str) -> Option<Field> {
    let raw = compact(header).to_uppercase();
    let clean = clean_header(header);
    Field::ALL.into_iter().find(|f| f.variants().iter().any(|v| *v == raw || *v == clean))
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnMapping {
    pub header: String,
    pub field: Option<Field>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedRow {
    pub line: usize,
    pub input: EnterpriseInput,
}

/// A row that will not be imported: where, why (every reason), and what it held.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reject {
    pub line: usize,
    pub reasons: Vec<String>,
    pub values: Vec<String>,
}

pub struct EnterpriseReader {
    rows: TableReader,
    file_name: String,
    district: RegionCode,
    header_line: usize,
    headers: Vec<String>,
    columns: Vec<ColumnMapping>,
    index: HashMap<Field, usize>,
    /// USCC → first line it appeared on, to reject repeats within one file.
    seen: HashMap<String, usize>,
    size_hint: Option<u64>,
}

/// Rows that close a table rather than belong to it.
fn is_footer(first: &str) -> bool {
    ["合计", "总计", "小计", "共计", "注：", "注:", "说明", "填表人", "制表人", "审核人"]
        .iter()
        .any(|p| first.starts_with(p))
}

impl EnterpriseReader {
    pub fn open(path: &Path, district: RegionCode) -> Result<EnterpriseReader, FileError> {
        let size = std::fs::metadata(path).map_err(|e| FileError::io(&e))?.len();
        if size > crate::table::MAX_FILE_BYTES {
            return Err(FileError::TooLarge(format!(
                "超过 {} MB 的上限",
                crate::table::MAX_FILE_BYTES / (1024 * 1024)
            )));
        }
        let bytes = std::fs::read(path).map_err(|e| FileError::io(&e))?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        EnterpriseReader::from_bytes(&name, bytes, district)
    }

    pub fn from_bytes(file_name: &str, bytes: Vec<u8>, district: RegionCode) -> Result<EnterpriseReader, FileError> {
        let mut rows = TableReader::from_bytes(bytes)?;
        let size_hint = rows.size_hint();
        for _ in 0..20 {
            let Some(row) = rows.next() else { break };
            let (line, cells) = row?;
            let columns: Vec<ColumnMapping> =
                cells.iter().map(|h| ColumnMapping { header: normalize(h), field: recognise(h) }).collect();
            let found: Vec<Field> = columns.iter().filter_map(|c| c.field).collect();
            if found.len() >= 2 && found.contains(&Field::Name) {
                let mut index = HashMap::new();
                for (i, c) in columns.iter().enumerate() {
                    if let Some(f) = c.field {
                        index.entry(f).or_insert(i);
                    }
                }
                return Ok(EnterpriseReader {
                    rows,
                    file_name: file_name.to_owned(),
                    district,
                    header_line: line,
                    headers: columns.iter().map(|c| c.header.clone()).collect(),
                    columns,
                    index,
                    seen: HashMap::new(),
                    size_hint: size_hint.map(|n| n.saturating_sub(line as u64)),
                });
            }
        }
        let expected: Vec<&str> = Field::ALL.iter().map(|f| f.header()).collect();
        Err(FileError::NoHeader(expected.join("、")))
    }

    pub fn header_line(&self) -> usize {
        self.header_line
    }

    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    pub fn columns(&self) -> &[ColumnMapping] {
        &self.columns
    }

    pub fn size_hint_rows(&self) -> Option<u64> {
        self.size_hint
    }

    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// The row's fields go through [`EnterpriseFields::parse`], the parser the enterprise
    /// form uses, so a register accepts what the form accepts; repeats within the file are
    /// the reader's own check.
    fn parse_row(&mut self, line: usize, cells: Vec<String>) -> Result<ParsedRow, Reject> {
        let index = &self.index;
        let get = |f: Field| -> String { index.get(&f).and_then(|&i| cells.get(i)).cloned().unwrap_or_default() };
        let raw = RawEnterprise {
            kind: String::new(),
            name: get(Field::Name),
            uscc: get(Field::Uscc),
            town: get(Field::Town),
            park: get(Field::Park),
            industry: get(Field::Industry),
            employees: get(Field::Employees),
            high_tech: get(Field::HighTech),
            above_scale: get(Field::AboveScale),
            srdi: get(Field::Srdi),
            listed: get(Field::Listed),
            key_project: get(Field::KeyProject),
            founded_on: get(Field::FoundedOn),
            address: get(Field::Address),
            contact_name: get(Field::ContactName),
            contact_phone: get(Field::ContactPhone),
        };
        let parsed = EnterpriseFields::parse(&raw, &self.district);
        let mut reasons = parsed.as_ref().err().map(|e| e.messages()).unwrap_or_default();
        let uscc = match &parsed {
            Ok(f) => Some(f.input.uscc.clone()),
            Err(_) => Uscc::parse(&raw.uscc).ok(),
        };
        if let Some(u) = &uscc
            && let Some(first) = self.seen.get(u.as_str())
        {
            reasons.push(format!("与第{first}行的统一社会信用代码重复"));
        }
        match parsed {
            Ok(f) if reasons.is_empty() => {
                self.seen.insert(f.input.uscc.as_str().to_owned(), line);
                Ok(ParsedRow { line, input: f.input })
            }
            _ => Err(Reject { line, reasons, values: cells }),
        }
    }
}

impl Iterator for EnterpriseReader {
    type Item = Result<ParsedRow, Reject>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let (line, cells) = match self.rows.next()? {
                Ok(row) => row,
                Err(e) => {
                    let line = match &e {
                        FileError::Row { line, .. } => *line,
                        _ => 0,
                    };
                    return Some(Err(Reject { line, reasons: vec![e.to_string()], values: Vec::new() }));
                }
            };
            let first = cells.iter().map(|c| compact(c)).find(|c| !c.is_empty());
            match first {
                None => continue,
                Some(f) if is_footer(&f) => continue,
                Some(_) => return Some(self.parse_row(line, cells)),
            }
        }
    }
}

/// Rows read ahead on a thread of their own, in batches: the next rows are parsed and
/// checked while the caller writes the previous batch. At most `depth` batches wait, so
/// memory stays bounded whatever the file's size.
pub struct ReadAhead {
    rx: std::sync::mpsc::Receiver<Vec<Result<ParsedRow, Reject>>>,
}

impl EnterpriseReader {
    pub fn read_ahead(self, batch: usize, depth: usize) -> ReadAhead {
        let (tx, rx) = std::sync::mpsc::sync_channel(depth.max(1));
        let batch = batch.max(1);
        std::thread::spawn(move || {
            let mut reader = self;
            loop {
                let chunk: Vec<_> = reader.by_ref().take(batch).collect();
                if chunk.is_empty() || tx.send(chunk).is_err() {
                    break;
                }
            }
        });
        ReadAhead { rx }
    }
}

impl Iterator for ReadAhead {
    type Item = Vec<Result<ParsedRow, Reject>>;

    fn next(&mut self) -> Option<Self::Item> {
        self.rx.recv().ok()
    }
}
