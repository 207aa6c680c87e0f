//! Real files in a temporary folder: what offices send, and what we send back.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use calamine::{Reader, Xlsx};
use qunlian_domain::registry::SrdiLevel;
use qunlian_domain::{RegionCode, Uscc};
use qunlian_io::enterprises::{EnterpriseReader, FileError, ParsedRow, Reject};
use qunlian_io::xlsx::{Cell, Column, XlsxTable, enterprise_template, write_rejects};
use rust_xlsxwriter::{Format, Workbook};

fn songjiang() -> RegionCode {
    RegionCode::parse("310117").unwrap()
}

fn code(n: u32) -> String {
    Uscc::from_body(&format!("91310117IO{n:07}").replace('I', "1").replace('O', "0")).unwrap().to_string()
}

fn split(reader: EnterpriseReader) -> (Vec<ParsedRow>, Vec<Reject>) {
    let mut good = Vec::new();
    let mut bad = Vec::new();
    for r in reader {
        match r {
            Ok(row) => good.push(row),
            Err(rej) => bad.push(rej),
        }
    }
    (good, bad)
}

/// The messy register of the issue: a merged title above, header variants with notes,
/// full-width digits, stray spaces, one bad checksum, an unknown town, a repeat, a total.
fn messy_rows() -> Vec<Vec<String>> {
    let mut bad_check = code(3);
    let last = bad_check.pop().unwrap();
    bad_check.push(if last == '0' { '1' } else { '0' });
    let rows: Vec<Vec<&str>> = vec![
        vec!["2026年松江区规上企业名录（截至10月）"],
        vec![],
        vec![
            "序号",
            "单位名称",
            "信用代码（必填）",
            "街镇",
            "职工人数",
            "高新技术企业",
            "专精特新等级",
            "成立时间",
            "联系电话",
        ],
        vec!["1", " 上海甲电气有限公司 ", "", "新桥镇", "１２０", "是", "小巨人", "2019/3/5", "138 1234 5678"],
        vec!["2", "上海乙轴承有限公司", "", "九亭", "80", "否", "", "2020年7月1日", ""],
        vec!["3", "上海丙食品有限公司", bad_check.as_str(), "新桥镇", "一百", "也许", "", "", ""],
        vec!["4", "上海丁新材料有限公司", "", "火星镇", "10", "", "", "", ""],
        vec!["5", "上海甲电气（重复）有限公司", "", "新桥镇", "5", "", "", "", ""],
        vec![],
        vec!["合计", "", "", "", "215", "", "", "", ""],
    ];
    let mut out: Vec<Vec<String>> = rows.into_iter().map(|r| r.into_iter().map(str::to_owned).collect()).collect();
    out[3][2] = code(1)
        .chars()
        .map(|c| if c.is_ascii_digit() { char::from_u32(c as u32 + 0xFEE0).unwrap() } else { c })
        .collect();
    out[4][2] = code(2);
    out[6][2] = code(4);
    out[7][2] = code(1);
    out
}

fn check_messy(reader: EnterpriseReader) {
    assert_eq!(reader.header_line(), 3);
    let ignored: Vec<&str> = reader.columns().iter().filter(|c| c.field.is_none()).map(|c| c.header.as_str()).collect();
    assert_eq!(ignored, vec!["序号"]);
    let (good, bad) = split(reader);
    assert_eq!(good.iter().map(|r| r.line).collect::<Vec<_>>(), vec![4, 5]);
    let first = &good[0].input;
    assert_eq!(first.name, "上海甲电气有限公司");
    assert_eq!(first.uscc.to_string(), code(1));
    assert_eq!(first.town.name(), "新桥镇");
    assert_eq!(first.employees, Some(120));
    assert!(first.high_tech);
    assert_eq!(first.srdi, SrdiLevel::National);
    assert_eq!(first.founded_on, chrono::NaiveDate::from_ymd_opt(2019, 3, 5));
    assert_eq!(first.contact_phone.as_ref().unwrap().as_str(), "13812345678");
    assert_eq!(good[1].input.town.name(), "九亭镇");
    assert_eq!(bad.iter().map(|r| r.line).collect::<Vec<_>>(), vec![6, 7, 8]);
    let reasons = bad[0].reasons.join("；");
    assert!(reasons.contains("校验位错误"), "{reasons}");
    assert!(reasons.contains("从业人数：“一百”不是整数"), "{reasons}");
    assert!(reasons.contains("是否高新技术企业：“也许”无法识别，可填：是"), "{reasons}");
    assert_eq!(bad[1].reasons, vec!["所属街镇：“火星镇”不在松江区的街镇中".to_owned()]);
    assert_eq!(bad[2].reasons, vec!["与第4行的统一社会信用代码重复".to_owned()]);
    assert_eq!(bad[2].values[1], "上海甲电气（重复）有限公司");
}

#[test]
fn a_messy_xlsx_from_an_office() {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    let rows = messy_rows();
    ws.merge_range(0, 0, 0, 8, &rows[0][0], &Format::new().set_bold()).unwrap();
    for (r, row) in rows.iter().enumerate().skip(1) {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, v).unwrap();
        }
    }
    let bytes = book.save_to_buffer().unwrap();
    check_messy(EnterpriseReader::from_bytes("名录.xlsx", bytes, songjiang()).unwrap());
}

fn csv_text() -> String {
    messy_rows()
        .iter()
        .map(|r| {
            r.iter().map(|c| if c.contains(',') { format!("\"{c}\"") } else { c.clone() }).collect::<Vec<_>>().join(",")
        })
        .collect::<Vec<_>>()
        .join("\r\n")
}

#[test]
fn the_same_register_as_gbk_csv_and_as_utf8_with_bom() {
    let text = csv_text();
    let (gbk, _, failed) = encoding_rs::GBK.encode(&text);
    assert!(!failed);
    check_messy(EnterpriseReader::from_bytes("名录.csv", gbk.into_owned(), songjiang()).unwrap());
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(csv_text().as_bytes());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("名录.csv");
    std::fs::write(&path, bom).unwrap();
    check_messy(EnterpriseReader::open(&path, songjiang()).unwrap());
}

#[test]
fn files_that_cannot_be_read_say_why() {
    assert!(matches!(EnterpriseReader::from_bytes("x.csv", Vec::new(), songjiang()), Err(FileError::Empty)));
    let e = EnterpriseReader::from_bytes("x.csv", "甲,乙\n1,2\n".as_bytes().to_vec(), songjiang()).err().unwrap();
    assert!(e.to_string().contains("没有找到表头") && e.to_string().contains("统一社会信用代码"), "{e}");
    let e = EnterpriseReader::from_bytes("x.xlsx", b"PK\x03\x04broken".to_vec(), songjiang()).err().unwrap();
    assert!(e.to_string().contains("Excel"), "{e}");
}

#[test]
fn template_and_export_headers_import_back() {
    let template = enterprise_template().unwrap();
    let reader = EnterpriseReader::from_bytes("模板.xlsx", template, songjiang()).unwrap();
    assert!(reader.columns().iter().all(|c| c.field.is_some()), "every template column is recognised");
    // The example row is marked and its code is not a valid USCC, so it can never slip in.
    assert_eq!(split(reader).0.len(), 0);

    let headers = ["企业名称", "统一社会信用代码", "所属街镇", "成立日期", "是否规上企业"];
    let table = XlsxTable {
        sheet: "企业名录".into(),
        title: Some("企业名录（导出）".into()),
        columns: headers.iter().map(|h| Column { header: (*h).into(), width: 12.0 }).collect(),
    };
    let bytes = table
        .write(std::iter::once(vec![
            Cell::Text("上海导出有限公司".into()),
            Cell::Text(code(9)),
            Cell::Text("新桥镇".into()),
            Cell::Date(chrono::NaiveDate::from_ymd_opt(2015, 6, 1).unwrap()),
            Cell::Bool(true),
        ]))
        .unwrap();
    let (good, bad) = split(EnterpriseReader::from_bytes("导出.xlsx", bytes, songjiang()).unwrap());
    assert!(bad.is_empty(), "{bad:?}");
    assert_eq!(good[0].input.founded_on, chrono::NaiveDate::from_ymd_opt(2015, 6, 1));
    assert!(good[0].input.above_scale);
}

#[test]
fn rejects_go_back_to_excel_with_their_lines() {
    let rejects = vec![Reject {
        line: 7,
        reasons: vec!["甲".into(), "乙".into()],
        values: vec!["上海某公司".into(), "X".into()],
    }];
    let bytes = write_rejects(&["企业名称".into(), "统一社会信用代码".into()], &rejects).unwrap();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let range = book.worksheet_range("未导入的行").unwrap();
    let cells: Vec<String> = range.rows().nth(1).unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(cells, vec!["7", "甲；乙", "上海某公司", "X"]);
}

#[test]
fn synthetic_data_is_deterministic_and_always_valid() {
    let mut a = Vec::new();
    let mut b = Vec::new();
    qunlian_io::synth::gen_enterprises(2000, 7, songjiang(), &mut a).unwrap();
    qunlian_io::synth::gen_enterprises(2000, 7, songjiang(), &mut b).unwrap();
    assert_eq!(a, b);
    let mut c = Vec::new();
    qunlian_io::synth::gen_enterprises(2000, 8, songjiang(), &mut c).unwrap();
    assert_ne!(a, c);
    let (good, bad) = split(EnterpriseReader::from_bytes("gen.csv", a, songjiang()).unwrap());
    assert!(bad.is_empty(), "{:?}", &bad[..bad.len().min(3)]);
    assert_eq!(good.len(), 2000);
}

#[test]
fn a_district_sized_file_streams_through() {
    let mut csv = Vec::new();
    qunlian_io::synth::gen_enterprises(200_000, 1, songjiang(), &mut csv).unwrap();
    let reader = EnterpriseReader::from_bytes("big.csv", csv, songjiang()).unwrap();
    let hint = reader.size_hint_rows().unwrap();
    assert!((150_000..260_000).contains(&hint), "{hint}");
    assert_eq!(reader.filter(Result::is_ok).count(), 200_000);
}

/// A zip whose directory declares `entries` parts of `unpacked` bytes packed into `packed`:
/// only the directory is read before refusing, so the parts need not exist.
fn zip_declaring(entries: u16, packed: u32, unpacked: u32) -> Vec<u8> {
    let mut z = b"PK\x03\x04".to_vec();
    z.extend_from_slice(&[0u8; 26]);
    let dir_offset = z.len() as u32;
    for i in 0..entries {
        let name = format!("xl/worksheets/sheet{i}.xml");
        let mut e = b"PK\x01\x02".to_vec();
        e.extend_from_slice(&[0u8; 16]); // versions, flags, method, time, date, crc
        e.extend_from_slice(&packed.to_le_bytes());
        e.extend_from_slice(&unpacked.to_le_bytes());
        e.extend_from_slice(&(name.len() as u16).to_le_bytes());
        e.extend_from_slice(&[0u8; 16]); // extra, comment, disk, attributes, offset
        e.extend_from_slice(name.as_bytes());
        z.extend_from_slice(&e);
    }
    let dir_size = z.len() as u32 - dir_offset;
    z.extend_from_slice(b"PK\x05\x06");
    z.extend_from_slice(&[0u8; 4]);
    z.extend_from_slice(&entries.to_le_bytes());
    z.extend_from_slice(&entries.to_le_bytes());
    z.extend_from_slice(&dir_size.to_le_bytes());
    z.extend_from_slice(&dir_offset.to_le_bytes());
    z.extend_from_slice(&[0u8; 2]);
    z
}

/// Issue #11 point 6: an .xlsx whose decompressed size is absurd (a zip bomb) is refused
/// from its declared sizes, in Chinese, before anything is unpacked.
#[test]
fn a_zip_bomb_is_refused_before_it_is_unpacked() {
    let refused = |bytes: Vec<u8>| match EnterpriseReader::from_bytes("炸弹.xlsx", bytes, songjiang()) {
        Err(FileError::TooLarge(m)) => m,
        Err(other) => panic!("expected a size refusal, got {other}"),
        Ok(_) => panic!("expected a size refusal, got a reader"),
    };
    // One part of 4 GB packed into 4 MB: a ratio of a thousand.
    let m = refused(zip_declaring(1, 4 * 1024 * 1024, 4_000_000_000));
    assert!(m.contains("压缩炸弹"), "{m}");
    // Eleven parts of 100 MB at a plausible ratio: over the 1 GB in all.
    let m = refused(zip_declaring(11, 10 * 1024 * 1024, 100 * 1024 * 1024));
    assert!(m.contains("1024 MB"), "{m}");
    let message = FileError::TooLarge(m).to_string();
    assert!(message.starts_with("文件过大："), "{message}");
}

/// Every reader has limits: a cell over 10,000 characters or a row over 256 columns is
/// refused by its line; the rest of the file is read.
#[test]
fn cells_and_rows_past_the_limits_are_refused_by_line() {
    let long = "长".repeat(10_001);
    let wide = vec!["x"; 300].join(",");
    let csv = format!(
        "企业名称,统一社会信用代码,所属街镇\n上海好有限公司,{},新桥\n{long},{},新桥\n{wide}\n",
        code(1),
        code(2)
    );
    let reader = EnterpriseReader::from_bytes("x.csv", csv.into_bytes(), songjiang()).unwrap();
    let (good, bad) = split(reader);
    assert_eq!(good.len(), 1);
    assert_eq!(bad.len(), 2, "{bad:?}");
    assert_eq!(bad[0].line, 3);
    assert!(bad[0].reasons[0].contains("10000 字"), "{:?}", bad[0].reasons);
    assert_eq!(bad[1].line, 4);
    assert!(bad[1].reasons[0].contains("256 列"), "{:?}", bad[1].reasons);
}
