//! `qunlian import enterprises FILE` and `qunlian export enterprises OUT`.

use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use qunlian_domain::auth::Caller;
use qunlian_io::enterprises::{EnterpriseReader, Reject};
use qunlian_store::Store;
use qunlian_store::registry::IMPORT_BATCH;

use crate::AnyResult;
use crate::config::Config;

/// Exit status is non-zero only when the file itself cannot be read; bad rows are reported
/// and skipped, good rows committed. `alone`: no server uses this SQLite database (the
/// caller holds the server lock exclusively), so the rows are written in one transaction;
/// otherwise they are staged and applied in short batches, as the page does, so that the
/// server's users go on logging in and saving meanwhile (decisions/0006, addendum).
pub async fn enterprises(store: &Store, config: &Config, file: &Path, alone: bool) -> AnyResult<ExitCode> {
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
    let source = file.display().to_string();
    let mut import = if alone {
        store.registry().begin_direct_import(&caller, &source, false).await?
    } else {
        if store.backend_name() == "SQLite" {
            eprintln!("服务正在使用该数据库：分批写入（每批 10,000 行），在线用户照常登录和保存，导入会慢一些。");
        }
        store.registry().begin_import(&caller, &source, false).await?
    };
    let mut rejects: Vec<Reject> = Vec::new();
    // Where the time goes, for docs/benchmarks.md: waiting for the reader thread (parsing),
    // writing (checks, encryption, INSERTs into the register or staging), committing (one
    // transaction: the indexes built after a load into an empty register, the commit;
    // staged: applying in batches).
    let started = Instant::now();
    let (mut waiting, mut writing) = (Duration::ZERO, Duration::ZERO);
    // Parsing runs ahead on its own thread while the previous batch is written.
    let mut batches = reader.read_ahead(IMPORT_BATCH, 4);
    loop {
        let t = Instant::now();
        let Some(items) = batches.next() else { break };
        waiting += t.elapsed();
        bar.inc(items.len() as u64);
        let (mut lines, mut batch) = (Vec::with_capacity(items.len()), Vec::with_capacity(items.len()));
        for item in items {
            match item {
                Ok(row) => {
                    lines.push(row.line);
                    batch.push(row.input);
                }
                Err(r) => rejects.push(r),
            }
        }
        let t = Instant::now();
        for r in import.add(&batch, &lines).await? {
            rejects.push(Reject { line: r.line, reasons: vec![r.reason], values: Vec::new() });
        }
        writing += t.elapsed();
    }
    bar.finish_and_clear();
    rejects.sort_by_key(|r| r.line);
    let t = Instant::now();
    let counts = import.commit(rejects.len() as u64).await?;
    tracing::info!(
        path = if alone { "direct" } else { "staged" },
        total_ms = started.elapsed().as_millis() as u64,
        waiting_for_reader_ms = waiting.as_millis() as u64,
        writing_ms = writing.as_millis() as u64,
        committing_ms = t.elapsed().as_millis() as u64,
        "import timings"
    );
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
    print_counts([counts.imported, counts.updated, counts.unchanged], rejects.len());
    Ok(ExitCode::SUCCESS)
}

/// The closing line of an import, the same for every register (scripts read it): imported,
/// updated and unchanged rows, then the rejected ones.
pub fn print_counts([imported, updated, unchanged]: [u64; 3], rejected: usize) {
    println!("imported {imported}, updated {updated}, unchanged {unchanged}, rejected {rejected}");
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
