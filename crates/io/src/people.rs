//! Member rosters (党员名册) from .xlsx or .csv (UTF-8 or GBK): 姓名, 身份证号码, 联系电话,
//! 性别, 出生日期, 学历, 人员类别, 入党日期, 党员类别 (正式/预备), 所属党组织 and 工作单位,
//! with the header variants rosters are seen with. Each row goes through
//! [`MemberFields::parse`], the parser of the form and the API; a bad row is named by its
//! line with every reason, each naming its column. The store resolves the organisation in
//! the caller's scope and matches members by ID number.

use qunlian_domain::people::{MemberFields, RawMember};
use qunlian_domain::text::{compact, normalize};

use crate::table::under_header;

/// Rows of one roster at most: a town's members several times over.
pub const MAX_ROSTER_ROWS: usize = 100_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Name,
    IdNumber,
    Phone,
    Gender,
    BirthDate,
    Education,
    Category,
    JoinedOn,
    Standing,
    Org,
    WorkUnit,
}

impl Column {
    pub const ALL: [Column; 11] = [
        Column::Name,
        Column::IdNumber,
        Column::Phone,
        Column::Gender,
        Column::BirthDate,
        Column::Education,
        Column::Category,
        Column::JoinedOn,
        Column::Standing,
        Column::Org,
        Column::WorkUnit,
    ];

    /// The header the template writes.
    pub fn label(self) -> &'static str {
        self.variants()[0]
    }

    fn variants(self) -> &'static [&'static str] {
        match self {
            Column::Name => &["姓名", "党员姓名", "名字", "NAME"],
            Column::IdNumber => &["身份证号码", "身份证号", "公民身份号码", "身份证", "证件号码", "ID_NUMBER"],
            Column::Phone => &["联系电话", "手机号码", "手机号", "手机", "电话", "PHONE"],
            Column::Gender => &["性别", "GENDER"],
            Column::BirthDate => &["出生日期", "出生年月", "生日", "BIRTH_DATE"],
            Column::Education => &["学历", "文化程度", "最高学历", "EDUCATION"],
            Column::Category => &["人员类别", "党员身份类别", "人员身份", "身份类别", "类别", "CATEGORY"],
            Column::JoinedOn => &["入党日期", "入党时间", "加入党组织日期", "JOINED_ON"],
            Column::Standing => &["党员类别", "党员状态", "正式/预备", "正式或预备", "STANDING"],
            Column::Org => &["所属党组织", "党组织", "所在党支部", "所在党组织", "组织关系所在", "ORG"],
            Column::WorkUnit => &["工作单位", "所在单位", "单位", "WORK_UNIT"],
        }
    }
}

/// The template's header row.
pub fn template_headers() -> Vec<&'static str> {
    Column::ALL.iter().map(|c| c.label()).collect()
}

fn column_of(header: &str) -> Option<Column> {
    let h = compact(header).replace(['*', '＊'], "").to_uppercase();
    let h = h.split(['(', '（']).next().unwrap_or("").to_owned();
    Column::ALL.into_iter().find(|c| c.variants().contains(&h.as_str()))
}

/// A good row, by its line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RosterLine {
    pub line: usize,
    pub fields: MemberFields,
}

/// A refused row of a roster.
pub type RosterLineReject = crate::table::LineReject;

/// An ID number Excel turned into a number has lost its last digits; say so, not "wrong
/// length".
fn id_cell(s: &str) -> Result<String, String> {
    let t = compact(s);
    if t.contains("E+") || t.contains("e+") {
        return Err("身份证号码：单元格为数字格式，末几位已被 Excel 改写，请将该列设为文本后重新填写".to_owned());
    }
    Ok(t)
}

/// Reads the whole file: the header row is looked for in the first 20 rows and must have
/// 姓名, 身份证号码, 入党日期 and 所属党组织; past [`MAX_ROSTER_ROWS`] data rows the file is
/// refused whole.
pub fn read_roster(bytes: Vec<u8>) -> Result<(Vec<RosterLine>, Vec<RosterLineReject>), String> {
    let mut rows = Vec::new();
    let mut rejects = Vec::new();
    let header = |line: usize, cells: &[String]| -> Result<Option<Vec<Option<Column>>>, String> {
        let found: Vec<Option<Column>> = cells.iter().map(|c| column_of(c)).collect();
        if !(found.contains(&Some(Column::Name)) && found.contains(&Some(Column::IdNumber))) {
            return Ok(None);
        }
        for needed in [Column::JoinedOn, Column::Org, Column::Category, Column::Standing] {
            if !found.contains(&Some(needed)) {
                return Err(format!("第{line}行的表头缺少“{}”列", needed.label()));
            }
        }
        Ok(Some(found))
    };
    let found = under_header(bytes, header, |item| {
        let (line, cols, cells) = match item {
            Ok(r) => r,
            Err((line, reason)) => {
                rejects.push(RosterLineReject { line, reasons: vec![reason] });
                return Ok(());
            }
        };
        if rows.len() + rejects.len() >= MAX_ROSTER_ROWS {
            return Err(format!("名册超过 {MAX_ROSTER_ROWS} 行的上限，请按党组织分成几个文件导入"));
        }
        let get = |c: Column| -> String {
            cols.iter().position(|x| *x == Some(c)).and_then(|p| cells.get(p)).map(|s| normalize(s)).unwrap_or_default()
        };
        let id = id_cell(&get(Column::IdNumber));
        let raw = RawMember {
            name: get(Column::Name),
            id_number: id.clone().unwrap_or_default(),
            phone: get(Column::Phone),
            gender: get(Column::Gender),
            birth_date: get(Column::BirthDate),
            education: get(Column::Education),
            category: get(Column::Category),
            joined_on: get(Column::JoinedOn),
            standing: get(Column::Standing),
            org: get(Column::Org),
            work_unit: get(Column::WorkUnit),
        };
        match (id, MemberFields::parse(&raw)) {
            (Ok(_), Ok(fields)) => rows.push(RosterLine { line, fields }),
            (id, parsed) => {
                let mut reasons: Vec<String> = id.err().into_iter().collect();
                if let Err(e) = parsed {
                    reasons.extend(e.messages());
                }
                rejects.push(RosterLineReject { line, reasons });
            }
        }
        Ok(())
    })?;
    if found.is_none() {
        return Err(format!(
            "没有找到表头：前20行中没有同时包含“姓名”与“身份证号码”的行。应有的列：{}",
            template_headers().join("、")
        ));
    }
    Ok((rows, rejects))
}

#[cfg(test)]
mod tests {
    use qunlian_domain::IdNumber;
    use qunlian_domain::people::{OrgRef, Standing};

    use super::*;

    fn id(n: u32) -> String {
        IdNumber::from_body(&format!("31011719900307{n:03}")).unwrap().as_str().to_owned()
    }

    #[test]
    fn header_variants_and_every_reason_named_by_line_and_column() {
        let csv = format!(
            "新桥镇党员名册\n\
             党员姓名,身份证号,手机号,性别,出生年月,文化程度,人员身份,入党时间,党员状态,所在党支部,所在单位\n\
             张伟,{a},13812345678,,,本科,产业工人,2015-07-01,正式,甲公司党支部,甲公司\n\
             李娜,3.10117E+17,,,,,工程师,,预备,,\n\
             王芳,{b},,男,,,高知,2024年6月30日,预备,甲公司党支部,\n",
            a = id(1),
            b = id(2),
        );
        let (rows, rejects) = read_roster(csv.into_bytes()).unwrap();
        assert_eq!(rows.len(), 1, "{rejects:?}");
        assert_eq!(rows[0].line, 3);
        assert_eq!(rows[0].fields.org, OrgRef::Name("甲公司党支部".into()));
        assert_eq!(rows[0].fields.standing, Standing::Full);
        let lines: Vec<usize> = rejects.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![4, 5]);
        let all = rejects[0].reason();
        for column in ["身份证号码：单元格为数字格式", "人员类别", "入党日期", "所属党组织"]
        {
            assert!(all.contains(column), "{column} missing in {all}");
        }
        assert!(rejects[1].reason().starts_with("性别：与身份证号码不符"), "{}", rejects[1].reason());
    }

    #[test]
    fn missing_columns_and_no_header_are_refused_whole() {
        let missing = read_roster("姓名,身份证号码,入党日期,人员类别,党员类别\n".as_bytes().to_vec()).unwrap_err();
        assert!(missing.contains("所属党组织"), "{missing}");
        assert!(read_roster(b"a,b\n1,2\n".to_vec()).unwrap_err().contains("表头"));
    }

    #[test]
    fn a_roster_past_the_row_limit_is_refused() {
        let mut csv = String::from("姓名,身份证号码,入党日期,人员类别,党员类别,所属党组织\n");
        for _ in 0..=MAX_ROSTER_ROWS {
            csv.push_str("甲,,,,,\n");
        }
        assert!(read_roster(csv.into_bytes()).unwrap_err().contains("上限"));
    }
}
