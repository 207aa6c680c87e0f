//! The enterprise register as offices send it: header variants, title rows above the header,
//! total rows below, full-width digits, 是/否 flags. Every bad row is reported with its line
//! and every reason at once; good rows come out as [`EnterpriseInput`].

use std::collections::HashMap;
use std::path::Path;

use qunlian_domain::region::RegionLevel;
use qunlian_domain::registry::{EnterpriseInput, SrdiLevel};
use qunlian_domain::text::{compact, normalize};
use qunlian_domain::{IndustryCode, Phone, RegionCode, Uscc};

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
        let bytes = std::fs::read(path).map_err(|e| FileError::Io(format!("{}：{e}", path.display())))?;
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

    fn parse_row(&mut self, line: usize, cells: Vec<String>) -> Result<ParsedRow, Reject> {
        let mut reasons = Vec::new();
        let index = &self.index;
        let get = |f: Field| -> &str { index.get(&f).and_then(|&i| cells.get(i)).map(|s| s.trim()).unwrap_or("") };
        let text = |f: Field| normalize(get(f));
        let name = text(Field::Name);
        if name.is_empty() {
            reasons.push("企业名称：不能为空".to_owned());
        }
        let uscc = match Uscc::parse(get(Field::Uscc)) {
            Ok(u) => Some(u),
            Err(e) => {
                reasons.push(e.to_string());
                None
            }
        };
        let town = resolve_town(self.district, &text(Field::Town)).map_err(|r| reasons.push(r)).ok();
        let industry = match text(Field::Industry) {
            s if s.is_empty() => None,
            s => match IndustryCode::parse(&s).ok().or_else(|| IndustryCode::find_by_name(&s)) {
                Some(i) => Some(i),
                None => {
                    reasons.push(format!("行业代码：“{s}”不在国民经济行业分类（GB/T 4754-2017）中"));
                    None
                }
            },
        };
        let employees = match compact(get(Field::Employees)).replace([',', '，'], "").trim_end_matches('人').to_owned()
        {
            s if s.is_empty() => None,
            s => match s.parse::<f64>() {
                Ok(n) if n >= 0.0 && n.fract() == 0.0 && n < 10_000_000.0 => Some(n as u32),
                _ => {
                    reasons.push(format!("从业人数：“{}”不是整数", get(Field::Employees)));
                    None
                }
            },
        };
        let mut flag = |f: Field| match parse_bool(get(f)) {
            Ok(b) => b,
            Err(v) => {
                reasons.push(format!("{}：“{v}”应为 是 或 否", f.header()));
                false
            }
        };
        let high_tech = flag(Field::HighTech);
        let above_scale = flag(Field::AboveScale);
        let listed = flag(Field::Listed);
        let key_project = flag(Field::KeyProject);
        let srdi = parse_srdi(get(Field::Srdi))
            .map_err(|v| reasons.push(format!("专精特新：“{v}”无法识别，应为 无、创新型中小企业、专精特新、小巨人")))
            .unwrap_or_default();
        let founded_on = match text(Field::FoundedOn) {
            s if s.is_empty() => None,
            s => match parse_date(&s) {
                Some(d) => Some(d),
                None => {
                    reasons.push(format!("成立日期：“{s}”不是有效日期，应为 2021-03-05 的格式"));
                    None
                }
            },
        };
        let contact_phone = match text(Field::ContactPhone) {
            s if s.is_empty() => None,
            s => Phone::parse(&s).map_err(|e| reasons.push(e.to_string())).ok(),
        };
        if let Some(u) = &uscc
            && let Some(first) = self.seen.get(u.as_str())
        {
            reasons.push(format!("与第{first}行的统一社会信用代码重复"));
        }
        let opt = |s: String| if s.is_empty() { None } else { Some(s) };
        match (uscc, town) {
            (Some(uscc), Some(town)) if reasons.is_empty() => {
                self.seen.insert(uscc.as_str().to_owned(), line);
                Ok(ParsedRow {
                    line,
                    input: EnterpriseInput {
                        name,
                        uscc,
                        town,
                        park: opt(text(Field::Park)),
                        industry,
                        employees,
                        high_tech,
                        above_scale,
                        srdi,
                        listed,
                        key_project,
                        founded_on,
                        address: opt(text(Field::Address)),
                        contact_name: opt(text(Field::ContactName)),
                        contact_phone,
                    },
                })
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

fn resolve_town(district: RegionCode, value: &str) -> Result<RegionCode, String> {
    if value.is_empty() {
        return Err("所属街镇：不能为空".to_owned());
    }
    let code = compact(value);
    if code.chars().all(|c| c.is_ascii_digit()) {
        return match RegionCode::parse(&code) {
            Ok(r) if r.level() == RegionLevel::Town && r.is_within(&district) => Ok(r),
            Ok(r) => Err(format!("所属街镇：{}（{}）不是{}的街镇", r.full_name(), r, district.name())),
            Err(e) => Err(format!("所属街镇：{e}")),
        };
    }
    match district.find_child_by_name(value) {
        Some(r) if r.level() == RegionLevel::Town => Ok(r),
        _ => Err(format!("所属街镇：“{value}”不在{}的街镇中", district.name())),
    }
}

pub fn parse_bool(v: &str) -> Result<bool, String> {
    match compact(v).to_lowercase().as_str() {
        "" | "否" | "n" | "no" | "0" | "false" | "×" | "x" | "无" | "不是" => Ok(false),
        "是" | "y" | "yes" | "1" | "true" | "√" | "✓" | "有" => Ok(true),
        _ => Err(v.trim().to_owned()),
    }
}

pub fn parse_srdi(v: &str) -> Result<SrdiLevel, String> {
    let s = compact(v);
    Ok(match s.as_str() {
        "" | "无" | "否" | "不是" => SrdiLevel::None,
        _ if s.contains("小巨人") || s.contains("国家") => SrdiLevel::National,
        _ if s.contains("创新型") => SrdiLevel::Innovative,
        _ if s.contains("专精特新") || s.contains("市级") || s == "是" => SrdiLevel::Municipal,
        _ => return Err(v.trim().to_owned()),
    })
}

/// 2021-03-05, 2021/3/5, 2021.3.5, 2021年3月5日, 20210305.
pub fn parse_date(s: &str) -> Option<chrono::NaiveDate> {
    let s = compact(s);
    if s.len() == 8 && s.chars().all(|c| c.is_ascii_digit()) {
        return chrono::NaiveDate::parse_from_str(&s, "%Y%m%d").ok();
    }
    let parts: Vec<&str> = s.split(['-', '/', '.', '年', '月', '日']).filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        [y, m, d] => chrono::NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?),
        _ => None,
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
