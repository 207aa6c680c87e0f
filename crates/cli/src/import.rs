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
    let mut import = store.registry().begin_import(&caller, false).await?;
    let mut rejects: Vec<Reject> = Vec::new();
    let mut batch = Vec::with_capacity(IMPORT_BATCH);
    let mut lines = Vec::with_capacity(IMPORT_BATCH);
    // Parsing runs ahead on its own thread while the previous batch is written.
    for items in reader.read_ahead(IMPORT_BATCH, 4) {
        bar.inc(items.len() as u64);
        for item in items {
            match item {
                Ok(row) => {
                    lines.push(row.line);
                    batch.push(row.input);
                }
                Err(r) => rejects.push(r),
            }
        }
        flush(&mut import, &mut batch, &mut lines, &mut rejects).await?;
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
    println!(
        "imported {}, updated {}, unchanged {}, rejected {}",
        counts.imported,
        counts.updated,
        counts.unchanged,
        rejects.len()
    );
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
        rejects.push(Reject {
            line: lines.get(r.index).copied().unwrap_or(0),
            reasons: vec![r.reason],
            values: Vec::new(),
        });
    }
    batch.clear();
    lines.clear();
    Ok(())
}

pub async fn export_enterprises(store: &Store, out: &Path) -> AnyResult<()> {
    use qunlian_store::registry::{EnterpriseFilter, EnterpriseSort};
    let caller = Caller::system("cli-export");
    let rows =
        store.registry().all_enterprises(&caller, &EnterpriseFilter::default(), EnterpriseSort::Name, false).await?;
    let count = rows.len();
    let bytes = qunlian_web::enterprises_xlsx(rows, None)?;
    std::fs::write(out, bytes)?;
    store
        .audit()
        .record(&caller, "unit.export", "unit", None, format!("命令行导出企业名录{count}家（不含联系电话）"))
        .await?;
    println!("已导出 {count} 家企业 → {}", out.display());
    Ok(())
}
