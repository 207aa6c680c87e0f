//! Offers and needs (要素对接) from .xlsx or .csv (UTF-8 or GBK): columns
//! `uscc, kind (供给|需求), category, title, description, industry_code, quantity, unit,
//! urgency, reach, valid_until`, with their Chinese headers accepted too. Each bad row is
//! named by its line with every reason in Chinese; the good rows come back for the store,
//! which resolves the enterprise and refuses what is outside the caller's scope.

use qunlian_domain::Uscc;
use qunlian_domain::matching::{ListingFields, RawListing};
use qunlian_domain::text::{compact, normalize};

use crate::table::under_header;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Uscc,
    Kind,
    Category,
    Title,
    Description,
    Industry,
    Quantity,
    Unit,
    Urgency,
    Reach,
    ValidUntil,
}

impl Column {
    pub const ALL: [Column; 11] = [
        Column::Uscc,
        Column::Kind,
        Column::Category,
        Column::Title,
        Column::Description,
        Column::Industry,
        Column::Quantity,
        Column::Unit,
        Column::Urgency,
        Column::Reach,
        Column::ValidUntil,
    ];

    /// The English name of the issue and the template's first row.
    pub fn code(self) -> &'static str {
        match self {
            Column::Uscc => "uscc",
            Column::Kind => "kind",
            Column::Category => "category",
            Column::Title => "title",
            Column::Description => "description",
            Column::Industry => "industry_code",
            Column::Quantity => "quantity",
            Column::Unit => "unit",
            Column::Urgency => "urgency",
            Column::Reach => "reach",
            Column::ValidUntil => "valid_until",
        }
    }

    /// The Chinese header, as the template writes it and reasons name the field.
    pub fn label(self) -> &'static str {
        match self {
            Column::Uscc => "统一社会信用代码",
            Column::Kind => "类型",
            Column::Category => "类别",
            Column::Title => "标题",
            Column::Description => "描述",
            Column::Industry => "行业代码",
            Column::Quantity => "数量",
            Column::Unit => "单位",
            Column::Urgency => "紧急程度",
            Column::Reach => "发布范围",
            Column::ValidUntil => "有效期至",
        }
    }

    fn variants(self) -> &'static [&'static str] {
        match self {
            Column::Uscc => &["统一社会信用代码", "信用代码", "社会信用代码", "USCC"],
            Column::Kind => &["类型", "供需类型", "供需", "KIND"],
            Column::Category => &["类别", "要素类别", "分类", "CATEGORY"],
            Column::Title => &["标题", "名称", "供需名称", "TITLE"],
            Column::Description => &["描述", "说明", "详细描述", "内容", "DESCRIPTION"],
            Column::Industry => &["行业代码", "行业", "INDUSTRY_CODE", "INDUSTRY"],
            Column::Quantity => &["数量", "QUANTITY"],
            Column::Unit => &["单位", "计量单位", "UNIT"],
            Column::Urgency => &["紧急程度", "紧急", "URGENCY"],
            Column::Reach => &["发布范围", "范围", "REACH"],
            Column::ValidUntil => &["有效期至", "有效期", "截止日期", "VALID_UNTIL"],
        }
    }
}

fn column_of(header: &str) -> Option<Column> {
    let h = compact(header).replace(['*', '＊'], "").to_uppercase();
    let h = h.split(['(', '（']).next().unwrap_or("").to_owned();
    Column::ALL.into_iter().find(|c| c.variants().contains(&h.as_str()))
}

/// A good row: the enterprise by its USCC, and what it publishes.
#[derive(Clone, Debug, PartialEq)]
pub struct ListingRow {
    pub line: usize,
    pub uscc: Uscc,
    pub fields: ListingFields,
}

/// A refused row of a listings file.
pub type ListingRowReject = crate::table::LineReject;

/// Reads the whole file: the header row is looked for in the first 20 rows.
pub fn read_listings(bytes: Vec<u8>) -> Result<(Vec<ListingRow>, Vec<ListingRowReject>), String> {
    let mut rows = Vec::new();
    let mut rejects = Vec::new();
    let header = |line: usize, cells: &[String]| -> Result<Option<Vec<Option<Column>>>, String> {
        let found: Vec<Option<Column>> = cells.iter().map(|c| column_of(c)).collect();
        if !(found.contains(&Some(Column::Uscc)) && found.contains(&Some(Column::Title))) {
            return Ok(None);
        }
        for needed in [Column::Kind, Column::ValidUntil] {
            if !found.contains(&Some(needed)) {
                return Err(format!("第{line}行的表头缺少“{}”（{}）列", needed.label(), needed.code()));
            }
        }
        Ok(Some(found))
    };
    let found = under_header(bytes, header, |item| {
        match item {
            Err((line, reason)) => rejects.push(ListingRowReject { line, reasons: vec![reason] }),
            Ok((line, cols, cells)) => {
                let get = |c: Column| -> String {
                    cols.iter()
                        .position(|x| *x == Some(c))
                        .and_then(|p| cells.get(p))
                        .map(|s| normalize(s))
                        .unwrap_or_default()
                };
                match parse_row(line, &get) {
                    Ok(row) => rows.push(row),
                    Err(reasons) => rejects.push(ListingRowReject { line, reasons }),
                }
            }
        }
        Ok(())
    })?;
    if found.is_none() {
        return Err(format!(
            "没有找到表头：前20行中没有同时包含“统一社会信用代码”（uscc）与“标题”（title）的行。应有的列：{}",
            Column::ALL.iter().map(|c| format!("{}（{}）", c.label(), c.code())).collect::<Vec<_>>().join("、")
        ));
    }
    Ok((rows, rejects))
}

/// The row's fields go through [`ListingFields::parse`], the parser the publishing form and
/// the API use, so a file accepts what they accept (集群/街镇/区/G60, industries by name …).
fn parse_row(line: usize, get: &dyn Fn(Column) -> String) -> Result<ListingRow, Vec<String>> {
    let mut reasons = Vec::new();
    let uscc = Uscc::parse(&get(Column::Uscc)).map_err(|e| reasons.push(e.to_string())).ok();
    let raw = RawListing {
        kind: get(Column::Kind),
        category: get(Column::Category),
        title: get(Column::Title),
        description: get(Column::Description),
        industry_code: get(Column::Industry),
        quantity: get(Column::Quantity),
        unit: get(Column::Unit),
        urgency: get(Column::Urgency),
        reach: get(Column::Reach),
        valid_until: get(Column::ValidUntil),
    };
    match (uscc, ListingFields::parse(&raw)) {
        (Some(uscc), Ok(fields)) => Ok(ListingRow { line, uscc, fields }),
        (_, Err(errors)) => {
            reasons.extend(errors.messages());
            Err(reasons)
        }
        (None, Ok(_)) => Err(reasons),
    }
}

/// The template's header rows: the English names of the issue, then nothing else — the
/// Chinese headers are accepted as well.
pub const TEMPLATE_HEADERS: [&str; 11] = [
    "uscc",
    "kind",
    "category",
    "title",
    "description",
    "industry_code",
    "quantity",
    "unit",
    "urgency",
    "reach",
    "valid_until",
];

#[cfg(test)]
mod tests {
    use qunlian_domain::matching::{Reach, Urgency};

    use super::*;

    fn code(n: u32) -> String {
        Uscc::from_body(&format!("913101170000{n:05}")).unwrap().to_string()
    }

    #[test]
    fn chinese_and_english_headers_every_reason_named_by_line() {
        let csv = format!(
            "供需清单（2026年11月）\n\
             统一社会信用代码,类型,类别,标题,描述,行业代码,数量,单位,紧急程度,发布范围,有效期至\n\
             {a},需求,原原材料,去毛刺液,,3973,１.25,吨,应急,集群内,2026-12-31\n\
             {a},需求,原材料,去毛刺液,封装用,3973,１.25,吨,应急,集群内,2026-12-31\n\
             {bad},卖,,,,9999,很多,,火急,全国,明年\n\
             {b},供给,设备,闲置电镀线,,,,,,,2027/3/1\n",
            a = code(1),
            b = code(2),
            bad = "91310117000000000X"
        );
        let (rows, rejects) = read_listings(csv.into_bytes()).unwrap();
        assert_eq!(rows.len(), 2, "{rejects:?}");
        assert_eq!(rows[0].line, 4);
        assert_eq!(rows[0].fields.quantity, Some(1.25));
        assert_eq!(rows[0].fields.urgency, Urgency::Emergency);
        assert_eq!(rows[1].fields.reach, Reach::Cluster, "blank reach is the narrowest");
        assert_eq!(rows[1].fields.urgency, Urgency::Normal);
        let lines: Vec<usize> = rejects.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![3, 5]);
        assert!(rejects[0].reason().starts_with("类别：“原原材料”"), "{}", rejects[0].reason());
        let all = rejects[1].reason();
        for field in
            ["统一社会信用代码", "类型", "类别", "标题", "行业代码", "数量", "紧急程度", "发布范围", "有效期至"]
        {
            assert!(all.contains(field), "{field} missing in {all}");
        }
    }

    #[test]
    fn an_xlsx_with_a_title_row_dates_and_numbers_as_cells() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        ws.write_string(0, 0, "2026年新桥镇要素对接清单").unwrap();
        for (c, h) in TEMPLATE_HEADERS.iter().enumerate() {
            ws.write_string(1, c as u16, *h).unwrap();
        }
        for (c, v) in [code(4).as_str(), "需求", "原材料", "去毛刺液", "", "3973"].iter().enumerate() {
            ws.write_string(2, c as u16, *v).unwrap();
        }
        ws.write_number(2, 6, 1.25).unwrap();
        ws.write_string(2, 7, "吨").unwrap();
        ws.write_string(2, 8, "应急").unwrap();
        ws.write_string(2, 9, "集群内").unwrap();
        let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 12, 31).unwrap();
        ws.write_datetime_with_format(2, 10, &date, &rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd"))
            .unwrap();
        let (rows, rejects) = read_listings(book.save_to_buffer().unwrap()).unwrap();
        assert!(rejects.is_empty(), "{rejects:?}");
        assert_eq!(rows[0].line, 3);
        assert_eq!(rows[0].fields.quantity, Some(1.25));
        assert_eq!(rows[0].fields.valid_until, chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap());
        assert_eq!(rows[0].fields.industry.map(|i| i.as_str()), Some("3973"));
    }

    #[test]
    fn the_short_forms_offices_write_import() {
        // Issue #16: 3,000 of 3,000 rows were refused for writing 集群 for 集群内.
        let mut csv = String::from("uscc,kind,category,title,industry_code,quantity,urgency,reach,valid_until\n");
        for (n, (kind, reach)) in [("需", "集群"), ("供", "街镇"), ("需求", "区"), ("供给", "G60")].iter().enumerate()
        {
            csv += &format!("{},{kind},材料,去毛刺液{n},专项化学用品制造,\"1,200\",加急,{reach},2027/6/30\n", code(5));
        }
        let (rows, rejects) = read_listings(csv.into_bytes()).unwrap();
        assert!(rejects.is_empty(), "{rejects:?}");
        let reaches: Vec<Reach> = rows.iter().map(|r| r.fields.reach).collect();
        assert_eq!(reaches, vec![Reach::Cluster, Reach::Town, Reach::District, Reach::Corridor]);
        assert!(rows.iter().all(|r| r.fields.quantity == Some(1200.0) && r.fields.urgency == Urgency::Urgent));
        let (_, rejects) = read_listings(
            format!("uscc,kind,title,reach,valid_until\n{},需,甲,全市,2027-06-30\n", code(5)).into_bytes(),
        )
        .unwrap();
        assert!(
            rejects[0].reason().contains("发布范围：“全市”无法识别，可填：集群内（集群"),
            "{}",
            rejects[0].reason()
        );
    }

    #[test]
    fn english_headers_gbk_and_missing_columns() {
        let text = format!(
            "uscc,kind,category,title,description,industry_code,quantity,unit,urgency,reach,valid_until\n\
             {},供给,原材料,去毛刺溶液,半导体用,2662,3,吨,一般,本区,2027-06-30\n",
            code(3)
        );
        let (gbk, _, _) = encoding_rs::GBK.encode(&text);
        let (rows, rejects) = read_listings(gbk.into_owned()).unwrap();
        assert!(rejects.is_empty(), "{rejects:?}");
        assert_eq!(rows[0].fields.title, "去毛刺溶液");
        assert_eq!(rows[0].fields.reach, Reach::District);
        let missing = read_listings(b"uscc,title\n1,2\n".to_vec()).unwrap_err();
        assert!(missing.contains("类型"), "{missing}");
        assert!(read_listings(b"a,b\n1,2\n".to_vec()).unwrap_err().contains("表头"));
    }
}
