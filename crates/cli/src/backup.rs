//! `qunlian backup FILE` and `qunlian restore FILE`.
//!
//! SQLite: the backup is a consistent copy of the database file taken while the server runs
//! (`VACUUM INTO`); a restore puts such a file in place of the database (the one before it
//! kept beside it) with the server stopped. PostgreSQL: `pg_dump -Fc` writes the backup, a
//! file `pg_restore` reads; `pg_restore --clean --single-transaction` restores it, all or
//! nothing.
//!
//! Neither holds the master key: personal data (phones) is stored SM4-encrypted, and the key
//! is `QUNLIAN_MASTER_KEY` or `DATA_DIR/qunlian.key`. Keep the key apart from the backups,
//! as safely: a backup without its key cannot decrypt phones, and the key without a backup
//! opens nothing. A restore checks that the phones decrypt with the key it runs with.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use crate::AnyResult;
use crate::config::Config;

/// The SQLite header every database file starts with.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

pub async fn backup(config: &Config, file: &Path) -> AnyResult<ExitCode> {
    if file.exists() {
        return Err(format!("{} 已存在：备份不覆盖已有文件，请换一个文件名", file.display()).into());
    }
    let started = std::time::Instant::now();
    if let Some(url) = postgres_url(config) {
        run(Command::new(pg_tool("pg_dump")?)
            .arg("--format=custom")
            .arg("--no-owner")
            .arg("--file")
            .arg(file)
            .arg("--dbname")
            .arg(url))?;
    } else {
        let store = config.open_store().await?;
        store.sqlite_snapshot(file).await?;
    }
    let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    println!(
        "已备份到 {}（{:.1} MB，用时 {:.1} 秒）。",
        file.display(),
        size as f64 / 1_048_576.0,
        started.elapsed().as_secs_f64()
    );
    println!(
        "注意：备份不含主密钥（{}）；没有它，备份中加密的联系电话无法解密。请把主密钥另行妥善保存。",
        key_place(config)
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn restore(config: &Config, file: &Path, replace: bool) -> AnyResult<ExitCode> {
    if !file.is_file() {
        return Err(format!("找不到备份文件 {}", file.display()).into());
    }
    if let Some(url) = postgres_url(config) {
        if !is_pg_dump(file)? {
            return Err(
                format!("{} 不是 pg_dump -Fc 备份（qunlian backup 在 PostgreSQL 上写的格式）", file.display()).into()
            );
        }
        {
            let store = config.open_store().await?;
            let inv = store.inventory().await?;
            if inv.rows("units") + inv.rows("users") > 0 && !replace {
                return Err("目标数据库已有数据：确认要用备份替换它，请加 --replace".into());
            }
        }
        run(Command::new(pg_tool("pg_restore")?)
            .args(["--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error", "--dbname"])
            .arg(url)
            .arg(file))?;
    } else {
        restore_sqlite(config, file, replace)?;
    }
    // The search index is derived from the database: rebuilt from the restored one at start.
    if config.index_dir.exists() {
        std::fs::remove_dir_all(&config.index_dir)
            .map_err(|e| format!("无法删除旧的搜索索引 {}：{e}", config.index_dir.display()))?;
    }
    let store = config.open_store().await?;
    let inv = store.inventory().await?;
    println!(
        "已从 {} 恢复：企业等单位 {} 个，用户 {} 个，审计记录 {} 条。",
        file.display(),
        inv.rows("units"),
        inv.rows("users"),
        inv.rows("audit_log")
    );
    if inv.decrypted < inv.encrypted {
        eprintln!(
            "警告：{} 个加密的电话号码中有 {} 个无法用当前主密钥（{}）解密：请使用做备份时的主密钥。",
            inv.encrypted,
            inv.encrypted - inv.decrypted,
            key_place(config)
        );
        return Ok(ExitCode::FAILURE);
    }
    println!("加密的电话号码 {} 个均可用当前主密钥解密。", inv.encrypted);
    Ok(ExitCode::SUCCESS)
}

/// Puts the backup in place of the database file, keeping the one before it beside it.
fn restore_sqlite(config: &Config, file: &Path, replace: bool) -> AnyResult<()> {
    let mut head = [0u8; 16];
    let read = std::fs::File::open(file).and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head));
    if read.is_err() || &head != SQLITE_MAGIC {
        return Err(format!("{} 不是 SQLite 数据库备份", file.display()).into());
    }
    let target = sqlite_path(config).ok_or("无法从 --database 得出 SQLite 文件路径")?;
    if target.exists() {
        if !replace {
            return Err(format!(
                "{} 已存在：确认要用备份替换它，请先停止服务，再加 --replace（原文件会改名保留）",
                target.display()
            )
            .into());
        }
        let kept =
            PathBuf::from(format!("{}.before-restore-{}", target.display(), chrono::Utc::now().format("%Y%m%d%H%M%S")));
        std::fs::rename(&target, &kept).map_err(|e| format!("无法保留原数据库 {}：{e}", target.display()))?;
        println!("原数据库已改名保留为 {}", kept.display());
        // The old database's write-ahead log belongs to it, not to the restored file.
        for suffix in ["-wal", "-shm"] {
            let side = PathBuf::from(format!("{}{suffix}", target.display()));
            if side.exists() {
                std::fs::rename(&side, format!("{}{suffix}", kept.display()))
                    .map_err(|e| format!("无法移走 {}：{e}", side.display()))?;
            }
        }
    }
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("无法创建 {}：{e}", dir.display()))?;
    }
    // Copied beside it and renamed, so an interrupted copy never stands as the database.
    let partial = PathBuf::from(format!("{}.restoring", target.display()));
    std::fs::copy(file, &partial).map_err(|e| format!("无法复制备份到 {}：{e}", partial.display()))?;
    std::fs::rename(&partial, &target).map_err(|e| format!("无法放置 {}：{e}", target.display()))?;
    Ok(())
}

fn postgres_url(config: &Config) -> Option<&str> {
    let url = config.database.as_str();
    (url.starts_with("postgres://") || url.starts_with("postgresql://")).then_some(url)
}

fn sqlite_path(config: &Config) -> Option<PathBuf> {
    let rest = config.database.strip_prefix("sqlite://").or_else(|| config.database.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty()).then(|| PathBuf::from(path))
}

fn key_place(config: &Config) -> String {
    if std::env::var("QUNLIAN_MASTER_KEY").is_ok() {
        "环境变量 QUNLIAN_MASTER_KEY".to_owned()
    } else {
        config.data_dir.join("qunlian.key").display().to_string()
    }
}

/// A pg_dump custom-format file starts with "PGDMP".
fn is_pg_dump(file: &Path) -> AnyResult<bool> {
    let mut head = [0u8; 5];
    let ok = std::fs::File::open(file).and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head)).is_ok();
    Ok(ok && &head == b"PGDMP")
}

/// pg_dump / pg_restore: on PATH, else the newest Debian install (/usr/lib/postgresql/N/bin),
/// the one scripts/pg.sh uses. The tool must be at least the server's version.
fn pg_tool(name: &str) -> AnyResult<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join(name))
        .find(|p| p.is_file());
    if let Some(p) = on_path {
        return Ok(p);
    }
    let mut installed: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            let tool = e.path().join("bin").join(name);
            tool.is_file().then_some((version, tool))
        })
        .collect();
    installed.sort();
    installed
        .pop()
        .map(|(_, p)| p)
        .ok_or_else(|| format!("找不到 {name}：请安装 PostgreSQL 客户端（apt-get install postgresql-client）").into())
}

fn run(cmd: &mut Command) -> AnyResult<()> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    let status = cmd.status().map_err(|e| format!("无法运行 {program}：{e}"))?;
    if status.success() { Ok(()) } else { Err(format!("{program} 失败（{status}）").into()) }
}
