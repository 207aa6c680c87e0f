//! The listings' search index for `serve` and `demo` (opened, rebuilt when empty or from
//! another database, then kept in step every quarter second), and the commands
//! `qunlian match`, `qunlian reindex` and `qunlian import listings`.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use qunlian_domain::auth::Caller;
use qunlian_domain::matching::SearchIndex;
use qunlian_search::TantivyIndex;
use qunlian_store::Store;
use qunlian_store::matching::ListingImportRow;

use crate::AnyResult;
use crate::config::Config;

/// How often a running server applies changes made by other writers (an import from the
/// command line, another server on the same database): a change is searchable within a
/// second.
const SYNC_EVERY: Duration = Duration::from_millis(250);

fn open(config: &Config) -> Result<TantivyIndex, String> {
    TantivyIndex::open(&config.index_dir).map_err(|e| format!("搜索索引 {}：{e}", config.index_dir.display()))
}

/// Opens the index of `config`, rebuilds it when it is empty while listings exist or was
/// built from another database, and catches up with the change log.
pub async fn start_index(store: &Store, config: &Config) -> AnyResult<Arc<dyn SearchIndex>> {
    let index = open(config)?;
    let started = std::time::Instant::now();
    if store.matching().prepare_index(&index).await? {
        println!(
            "已重建搜索索引（{} 条有效供需，用时 {:.1} 秒）：{}",
            index.len().unwrap_or(0),
            started.elapsed().as_secs_f64(),
            config.index_dir.display()
        );
    }
    Ok(Arc::new(index))
}

/// Applies what other writers recorded, every [`SYNC_EVERY`], for as long as the server runs.
pub fn spawn_sync(state: qunlian_web::AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(SYNC_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            state.sync_index().await;
        }
    });
}

/// `qunlian reindex`: rebuilds the index from the database.
pub async fn reindex(store: &Store, config: &Config) -> AnyResult<ExitCode> {
    let index = match open(config) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("{e}");
            eprintln!(
                "（索引正被运行中的 qunlian serve 使用时无法重建：运行中的服务会自动跟上数据库的变化；需要重建请先停止服务。）"
            );
            return Ok(ExitCode::FAILURE);
        }
    };
    let started = std::time::Instant::now();
    let n = store.matching().reindex(&index).await?;
    store
        .audit()
        .record(
            &Caller::system("cli-reindex"),
            "listing.reindex",
            "listing",
            None,
            format!("重建搜索索引：{n} 条有效供需"),
        )
        .await?;
    println!(
        "已重建搜索索引：{n} 条有效供需，用时 {:.1} 秒 → {}",
        started.elapsed().as_secs_f64(),
        config.index_dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `qunlian match ID --top N [--json]`: the same counterparts and JSON as
/// `GET /api/v1/listings/{id}/matches`.
pub async fn match_listing(store: &Store, config: &Config, id: i64, top: usize, json: bool) -> AnyResult<ExitCode> {
    // A running server holds the index's writer; the command then reads a copy built in
    // memory from the same database, which gives the same answer.
    let index: Box<dyn SearchIndex> = match open(config) {
        Ok(i) => {
            store.matching().prepare_index(&i).await?;
            Box::new(i)
        }
        Err(_) => {
            let i = TantivyIndex::in_memory()?;
            store.matching().reindex(&i).await?;
            Box::new(i)
        }
    };
    let caller = Caller::system("cli-match");
    let result = match qunlian_web::matches_json(store, &caller, index.as_ref(), id, top).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("供需 {id}：{e}");
            return Ok(ExitCode::FAILURE);
        }
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&result)?);
        return Ok(ExitCode::SUCCESS);
    }
    let l = &result.listing;
    println!("{} #{} {}（{}，{}）", l.kind_label, l.id, l.title, l.enterprise, l.town);
    if result.matches.is_empty() {
        println!("暂无可推荐的对接方。");
    }
    for m in &result.matches {
        println!(
            "{:>3}. {:.3}  {} #{} {} — {}\n       {}",
            m.rank,
            m.score,
            m.listing.kind_label,
            m.listing.id,
            m.listing.title,
            m.listing.enterprise,
            m.reasons.sentence
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `qunlian import listings FILE`: bad rows are named by line, good rows committed in one
/// transaction; a re-run changes nothing. Non-zero exit only when the file cannot be read.
pub async fn import_listings(store: &Store, file: &Path) -> AnyResult<ExitCode> {
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("无法读取 {}：{}", file.display(), qunlian_io::table::FileError::io(&e));
            return Ok(ExitCode::FAILURE);
        }
    };
    let (rows, file_rejects) = match qunlian_io::listings::read_listings(bytes) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("无法读取 {}：{e}", file.display());
            return Ok(ExitCode::FAILURE);
        }
    };
    let rows: Vec<ListingImportRow> = rows
        .into_iter()
        .map(|r| ListingImportRow { line: r.line, uscc: r.uscc.as_str().to_owned(), fields: r.fields })
        .collect();
    let caller = Caller::system("cli-import");
    let source = file.display().to_string();
    let (counts, store_rejects) =
        store.matching().import_listings(&caller, rows, &source, file_rejects.len(), false).await?;
    let mut rejects: Vec<(usize, String)> = file_rejects.iter().map(|r| (r.line, r.reason())).collect();
    rejects.extend(store_rejects.into_iter().map(|r| (r.line, r.reason)));
    rejects.sort();
    for (line, reason) in &rejects {
        println!("第{line}行：{reason}");
    }
    crate::import::print_counts([counts.imported, counts.updated, counts.unchanged], rejects.len());
    Ok(ExitCode::SUCCESS)
}
