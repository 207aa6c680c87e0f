//! `qunlian import enterprises FILE` and `qunlian export enterprises OUT`.

use std::path::Path;
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};
use qunlian_domain::auth::Caller;
use qunlian_io::enterprises::{EnterpriseReader, Reject};
use qunlian_store::Store;
use qunlian_store::registry::IMPORT_BATCH;

use crate::AnyResult;
use crate::config::Config;

/// Exit status is non-zero only when the file itself cannot be read; bad rows are reported
/// and skipped, good rows committed.
pub async fn enterprises(store: &Store, config: &Config, file: &Path) -> AnyResult<ExitCode> {
    let reader = match EnterpriseReader::open(file, config.district) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("无法读取 {}：{e}", file.display());
            return Ok(ExitCode::FAILURE);
        }
    };
    let headers = reader.headers().to_vec();
    let bar = match reader.size_hint_rows() {
        Some(n) if n > 5000 => {
            let bar = ProgressBar::new(n);
            if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} 行 {per_sec} 预计剩余 {eta}") {
                bar.set_style(style);
            }
            bar
        }
        _ => ProgressBar::hidden(),
    };
    let caller = Caller::system("cli-import");
    let mut import = store.begin_import(&caller, false).await?;
    let mut rejects: Vec<Reject> = Vec::new();
    let mut batch = Vec::with_capacity(IMPORT_BATCH);
    let mut lines = Vec::with_capacity(IMPORT_BATCH);
    for item in reader {
        bar.inc(1);
        match item {
            Ok(row) => {
                lines.push(row.line);
                batch.push(row.input);
            }
            Err(r) => rejects.push(r),
        }
        if batch.len() == IMPORT_BATCH {
            flush(&mut import, &mut batch, &mut lines, &mut rejects).await?;
        }
    }
    flush(&mut import, &mut batch, &mut lines, &mut rejects).await?;
    bar.finish_and_clear();
    rejects.sort_by_key(|r| r.line);
    let source = file.display().to_string();
    let counts = import.commit(&source, rejects.len() as u64).await?;
    for r in &rejects {
        println!("第{}行：{}", r.line, r.reasons.join("；"));
    }
    if !rejects.is_empty() {
        let out = file.with_extension("rejects.xlsx");
        match qunlian_io::xlsx::write_rejects(&headers, &rejects) {
            Ok(bytes) => match std::fs::write(&out, bytes) {
                Ok(()) => println!("问题行已写入 {}", out.display()),
                Err(e) => eprintln!("无法写入 {}：{e}", out.display()),
            },
            Err(e) => eprintln!("无法生成问题行文件：{e}"),
        }
    }
    println!("imported {}, updated {}, unchanged {}, rejected {}", counts.imported, counts.updated, counts.unchanged, rejects.len());
    Ok(ExitCode::SUCCESS)
}

async fn flush(
    import: &mut qunlian_store::registry::EnterpriseImport,
    batch: &mut Vec<qunlian_domain::registry::EnterpriseInput>,
    lines: &mut Vec<usize>,
    rejects: &mut Vec<Reject>,
) -> AnyResult<()> {
    if batch.is_empty() {
        return Ok(());
    }
    for r in import.add(batch).await? {
        rejects.push(Reject { line: lines.get(r.index).copied().unwrap_or(0), reasons: vec![r.reason], values: Vec::new() });
    }
    batch.clear();
    lines.clear();
    Ok(())
}

pub async fn export_enterprises(store: &Store, out: &Path) -> AnyResult<()> {
    use qunlian_io::xlsx::{Cell, Column, XlsxTable};
    use qunlian_store::PageRequest;
    use qunlian_store::registry::{EnterpriseFilter, EnterpriseSort};
    let caller = Caller::system("cli-export");
    let mut rows = Vec::new();
    let mut page = 1;
    loop {
        let p = store.list_enterprises(&caller, &EnterpriseFilter::default(), EnterpriseSort::Name, false, PageRequest::new(Some(page), Some(PageRequest::MAX_PER_PAGE))).await?;
        let done = p.page >= p.pages();
        rows.extend(p.items);
        if done {
            break;
        }
        page += 1;
    }
    let count = rows.len();
    let table = XlsxTable {
        sheet: "企业名录".into(),
        title: None,
        columns: ["企业名称", "统一社会信用代码", "所属街镇", "行业代码", "从业人数", "是否高新技术企业", "是否规上企业", "专精特新", "是否上市", "是否重点项目", "成立日期", "注册地址", "联系人", "联系电话"]
            .into_iter()
            .map(|h| Column { header: h.into(), width: 16.0 })
            .collect(),
    };
    let bytes = table.write(rows.into_iter().map(|e| {
        vec![
            Cell::Text(e.name),
            Cell::Text(e.uscc.unwrap_or_default()),
            Cell::Text(e.town_name),
            Cell::Text(e.industry_code.unwrap_or_default()),
            e.employees.map(|n| Cell::Int(i64::from(n))).unwrap_or(Cell::Empty),
            Cell::Bool(e.high_tech),
            Cell::Bool(e.above_scale),
            Cell::Text(if e.srdi == qunlian_domain::registry::SrdiLevel::None { String::new() } else { e.srdi_label.to_owned() }),
            Cell::Bool(e.listed),
            Cell::Bool(e.key_project),
            e.founded_on.map(Cell::Date).unwrap_or(Cell::Empty),
            Cell::Text(e.address.unwrap_or_default()),
            Cell::Text(e.contact_name.unwrap_or_default()),
            Cell::Text(e.contact_phone.unwrap_or_default()),
        ]
    }))?;
    std::fs::write(out, bytes)?;
    store.audit(&caller, "unit.export", "unit", None, format!("命令行导出企业名录{count}家（联系电话已脱敏）")).await?;
    println!("已导出 {count} 家企业 → {}", out.display());
    Ok(())
}
