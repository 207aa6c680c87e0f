//! The service catalogue (服务事项清单) from .xlsx or .csv: columns 事项编码, 事项名称,
//! 责任部门, 所需材料 (separated by 、 ; or new lines), 办结时限 ("5个工作日", "4小时") and
//! 办理环节 (separated by →). Each bad row is named by its line with a Chinese reason; the
//! good rows come back for the store to save.

use qunlian_domain::services::TimeLimit;
use qunlian_domain::text::{compact, normalize};

use crate::table::TableReader;

pub use qunlian_domain::services::CatalogueLine as CatalogueRow;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogueReject {
    pub line: usize,
    pub reason: String,
}

/// The column headers understood, with the variants catalogues are seen with.
const COLUMNS: [(&str, &[&str]); 6] = [
    ("code", &["事项编码", "编码", "事项代码", "编号"]),
    ("name", &["事项名称", "服务事项", "名称"]),
    ("department", &["责任部门", "部门", "办理部门", "牵头部门"]),
    ("materials", &["所需材料", "申请材料", "材料"]),
    ("limit", &["办结时限", "时限", "承诺时限"]),
    ("stages", &["办理环节", "环节", "办理流程"]),
];

pub const TEMPLATE_HEADERS: [&str; 6] = ["事项编码", "事项名称", "责任部门", "所需材料", "办结时限", "办理环节"];

fn field_of(header: &str) -> Option<&'static str> {
    let h = compact(header);
    COLUMNS.iter().find(|(_, names)| names.contains(&h.as_str())).map(|(f, _)| *f)
}

/// Splits a list written with 、，; or new lines.
pub fn split_list(s: &str, separators: &[char]) -> Vec<String> {
    s.split(|c: char| separators.contains(&c) || c == '\n' || c == '\r')
        .map(|p| normalize(p).trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

/// Reads the whole file: the header row is looked for in the first 20 rows.
pub fn read_catalogue(bytes: Vec<u8>) -> Result<(Vec<CatalogueRow>, Vec<CatalogueReject>), String> {
    let reader = TableReader::from_bytes(bytes).map_err(|e| e.to_string())?;
    let mut columns: Option<Vec<Option<&'static str>>> = None;
    let mut rows = Vec::new();
    let mut rejects = Vec::new();
    let mut seen_codes = std::collections::HashMap::new();
    for (i, item) in reader.enumerate() {
        let (line, cells) = match item {
            Ok(r) => r,
            Err(e) => {
                if let crate::table::FileError::Row { line, reason } = &e {
                    rejects.push(CatalogueReject { line: *line, reason: reason.clone() });
                    continue;
                }
                return Err(e.to_string());
            }
        };
        let Some(cols) = &columns else {
            let found: Vec<Option<&'static str>> = cells.iter().map(|c| field_of(c)).collect();
            if found.contains(&Some("code")) && found.contains(&Some("name")) {
                for needed in ["department", "limit"] {
                    if !found.contains(&Some(needed)) {
                        let label = COLUMNS.iter().find(|(f, _)| *f == needed).map(|(_, n)| n[0]).unwrap_or(needed);
                        return Err(format!("第{line}行的表头缺少“{label}”列"));
                    }
                }
                columns = Some(found);
            } else if i >= 20 {
                break;
            }
            continue;
        };
        let get = |field: &str| -> String {
            cols.iter()
                .position(|c| *c == Some(field))
                .and_then(|p| cells.get(p))
                .map(|s| s.trim().to_owned())
                .unwrap_or_default()
        };
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let code = compact(&get("code")).to_uppercase();
        let name = normalize(&get("name")).trim().to_owned();
        let department = compact(&get("department"));
        let limit_text = get("limit");
        let reason = if code.is_empty() {
            Some("事项编码为空".to_owned())
        } else if name.is_empty() {
            Some("事项名称为空".to_owned())
        } else if department.is_empty() {
            Some("责任部门为空".to_owned())
        } else {
            seen_codes.get(&code).map(|first| format!("事项编码 {code} 与第{first}行重复"))
        };
        if let Some(reason) = reason {
            rejects.push(CatalogueReject { line, reason });
            continue;
        }
        let Some(limit) = TimeLimit::parse(&limit_text)
            .filter(|l| !matches!(l, TimeLimit::WorkingDays(0) | TimeLimit::WorkingHours(0)))
        else {
            let reason = if limit_text.is_empty() {
                "办结时限为空，应写作“5个工作日”或“4小时”".to_owned()
            } else {
                format!("办结时限“{limit_text}”无法识别，应写作“5个工作日”或“4小时”")
            };
            rejects.push(CatalogueReject { line, reason });
            continue;
        };
        seen_codes.insert(code.clone(), line);
        rows.push(CatalogueRow {
            line,
            code,
            name,
            department,
            materials: split_list(&get("materials"), &['、', ';', '；']),
            limit,
            stages: split_list(&get("stages").replace("->", "→"), &['→', '>', '＞']),
        });
    }
    if columns.is_none() {
        return Err(format!(
            "没有找到表头：前20行中没有同时包含“事项编码”“事项名称”的行。应有的列：{}",
            TEMPLATE_HEADERS.join("、")
        ));
    }
    Ok((rows, rejects))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_rows_are_read_and_bad_ones_named_by_line() {
        let csv = "服务事项清单\n事项编码,事项名称,责任部门,所需材料,办结时限,办理环节\nJW-01,工业项目全程代办,经委,\"营业执照、项目建议书\n用地申请\",60个工作日,拿地→施工许可→竣工验收\nJW-02,,经委,,5个工作日,\nJW-03,技改备案,经委,,尽快,\nJW-01,重复,经委,,4小时,\nSW-01,发票申领,税务,身份证,4小时,\n";
        let (rows, rejects) = read_catalogue(csv.as_bytes().to_vec()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].materials, vec!["营业执照", "项目建议书", "用地申请"]);
        assert_eq!(rows[0].stages, vec!["拿地", "施工许可", "竣工验收"]);
        assert_eq!(rows[0].limit, TimeLimit::WorkingDays(60));
        assert_eq!(rows[1].limit, TimeLimit::WorkingHours(4));
        let lines: Vec<usize> = rejects.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![5, 6, 7], "{rejects:?}");
        assert!(rejects[0].reason.contains("名称为空"));
        assert!(rejects[1].reason.contains("尽快"));
        assert!(rejects[2].reason.contains("第3行重复"));
        assert!(read_catalogue(b"a,b\n1,2\n".to_vec()).unwrap_err().contains("表头"));
    }
}
