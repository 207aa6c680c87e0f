//! `qunlian` — the one binary of the platform. Thin: parse the command line, build the
//! config, hand over to the library crates.

mod backup;
mod config;
mod demo;
mod demo_activities;
mod demo_bodies;
mod demo_coverage;
mod demo_instructors;
mod demo_matching;
mod demo_people;
mod demo_policies;
mod demo_projects;
mod demo_results;
mod demo_services;
mod demo_structure;
mod demo_workgroups;
mod import;
mod matching;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use config::{Config, ConfigArgs};

#[derive(Parser)]
#[command(
    name = "qunlian",
    version,
    about = "群链 — 产业集群党建平台（Shanghai industrial-cluster Party-building platform）"
)]
struct Cli {
    #[command(flatten)]
    config: ConfigArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web UI and the JSON API. On an empty database, creates an administrator
    /// and prints its one-time password.
    Serve,
    /// Start with a seeded demo district (Songjiang) on SQLite under --data-dir; prints the
    /// URL and the demo logins. All demo records are marked as demo data.
    Demo {
        /// Throw away an existing demo database and seed a fresh one.
        #[arg(long)]
        reset: bool,
        /// How many generated enterprises to add beside the named ones.
        #[arg(long, default_value_t = 3000)]
        enterprises: u64,
    },
    /// Import records from a file (.xlsx or .csv, UTF-8 or GBK).
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Export records to .xlsx.
    Export {
        #[command(subcommand)]
        what: ExportWhat,
    },
    /// Print the ranked counterparts of an offer or need, with their reasons — the same as
    /// GET /api/v1/listings/{id}/matches.
    Match {
        listing_id: i64,
        /// How many counterparts (1–100).
        #[arg(long, default_value_t = 10)]
        top: usize,
        /// Print JSON, exactly as the API returns it.
        #[arg(long)]
        json: bool,
    },
    /// Rebuild the listings' search index (--index-dir) from the database. The index is
    /// derived: serve and demo rebuild it when empty and keep it in step by themselves.
    Reindex,
    /// Write deterministic synthetic enterprises (CSV) for benchmarks and trials.
    Gen {
        /// Number of enterprises.
        #[arg(long)]
        enterprises: u64,
        /// Output file (.csv).
        #[arg(long)]
        out: std::path::PathBuf,
        /// Seed; the same seed gives the same file.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// API tokens.
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
    /// Write a backup of the whole database to FILE while the server runs: on SQLite a
    /// consistent copy of the database file, on PostgreSQL a pg_dump -Fc file (pg_restore
    /// reads it). The master key is not in it: keep QUNLIAN_MASTER_KEY or
    /// DATA_DIR/qunlian.key apart, as safely; without it the backup's phones cannot be decrypted.
    Backup { file: std::path::PathBuf },
    /// Restore a backup written by `qunlian backup` (stop the server first): SQLite keeps the
    /// database it replaces beside it; PostgreSQL restores in one transaction. Checks that
    /// the encrypted phones decrypt with the current master key; the search index is rebuilt.
    Restore {
        file: std::path::PathBuf,
        /// Replace a database that already holds data.
        #[arg(long)]
        replace: bool,
    },
    /// Print the effective configuration (secrets hidden).
    PrintConfig,
}

#[derive(Subcommand)]
enum ImportWhat {
    /// The enterprise register: upsert by 统一社会信用代码; bad rows are reported by line and
    /// written to FILE.rejects.xlsx; good rows are committed in one transaction.
    Enterprises { file: std::path::PathBuf },
    /// Offers and needs (要素对接): columns uscc, kind (供给|需求), category, title,
    /// description, industry_code, quantity, unit, urgency, reach, valid_until (or their
    /// Chinese headers); bad rows are reported by line, good rows committed in one
    /// transaction; a re-run updates by enterprise + kind + title instead of duplicating.
    Listings { file: std::path::PathBuf },
}

#[derive(Subcommand)]
enum ExportWhat {
    /// Every enterprise to an .xlsx file in the import template's columns (contact phones are not exported).
    Enterprises { out: std::path::PathBuf },
}

#[derive(Subcommand)]
enum UserAction {
    /// Create an account; prints a generated password that must be changed at first login.
    Create {
        username: String,
        /// district_admin, town_admin, cluster_secretary, branch_secretary, enterprise_contact,
        /// service_officer, department_head, reviewer, leader, system_admin, security_admin, audit_admin
        #[arg(long)]
        role: String,
        /// all | nothing | region:CODE | cluster:ID | party_org:ID | enterprise:ID | department:ID
        #[arg(long, default_value = "nothing")]
        scope: String,
        #[arg(long)]
        name: Option<String>,
    },
    /// List accounts.
    List,
    /// Set a new generated password (to be changed at next login) and lift any lock.
    Reset { username: String },
}

#[derive(Subcommand)]
enum TokenAction {
    /// Issue a bearer token for USER; printed once, stored only as a digest.
    Create {
        username: String,
        #[arg(long, default_value = "命令行创建")]
        name: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("QUNLIAN_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,qunlian=info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("无法启动运行时：{e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{e}");
            ExitCode::FAILURE
        }
    }
}

type AnyResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

async fn run(cli: Cli) -> AnyResult<ExitCode> {
    let demo = matches!(cli.command, Command::Demo { .. });
    let config = Config::build(cli.config, demo)?;
    match cli.command {
        Command::PrintConfig => {
            println!("{config}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Gen { enterprises, out, seed } => {
            let file = std::fs::File::create(&out).map_err(|e| format!("无法创建 {}：{e}", out.display()))?;
            qunlian_io::synth::gen_enterprises(enterprises, seed, config.district, std::io::BufWriter::new(file))?;
            println!("已生成 {enterprises} 家合成企业 → {}", out.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve => {
            let store = config.open_store().await?;
            ensure_admin(&store).await?;
            serve(store, &config).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo { reset, enterprises } => {
            let store = demo::prepare(&config, reset, enterprises).await?;
            serve(store, &config).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Import { what: ImportWhat::Enterprises { file } } => {
            let store = config.open_bulk_store().await?;
            import::enterprises(&store, &config, &file).await
        }
        Command::Import { what: ImportWhat::Listings { file } } => {
            let store = config.open_store().await?;
            matching::import_listings(&store, &file).await
        }
        Command::Match { listing_id, top, json } => {
            let store = config.open_store().await?;
            matching::match_listing(&store, &config, listing_id, top, json).await
        }
        Command::Reindex => {
            let store = config.open_store().await?;
            matching::reindex(&store, &config).await
        }
        Command::Export { what: ExportWhat::Enterprises { out } } => {
            let store = config.open_store().await?;
            import::export_enterprises(&store, &out).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Backup { file } => backup::backup(&config, &file).await,
        Command::Restore { file, replace } => backup::restore(&config, &file, replace).await,
        Command::User { action } => {
            let store = config.open_store().await?;
            user_command(&store, action).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Token { action: TokenAction::Create { username, name } } => {
            let store = config.open_store().await?;
            let user =
                store.accounts().user_by_name(&username).await?.ok_or_else(|| format!("用户 {username} 不存在"))?;
            let cli = qunlian_domain::auth::Caller::system("cli");
            let issued = store.accounts().issue_token(&cli, user.id, &name, None).await?;
            println!("{}", issued.token);
            eprintln!(
                "有效期至 {}（北京时间）",
                qunlian_domain::clock::beijing(issued.expires_at).format("%Y-%m-%d %H:%M")
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn serve(store: qunlian_store::Store, config: &Config) -> AnyResult<()> {
    let listener =
        tokio::net::TcpListener::bind(&config.listen).await.map_err(|e| format!("无法监听 {}：{e}", config.listen))?;
    let addr = listener.local_addr()?;
    let store_for_index = store.clone();
    let state = qunlian_web::AppState::new(
        store,
        qunlian_web::Config {
            district: config.district,
            session_minutes: config.session_minutes,
            secure_cookies: config.secure_cookies,
            demo: config.demo,
            public_url: config.public_url.clone(),
            trusted_proxies: config.trusted_proxies.clone(),
        },
    )
    .with_index(matching::start_index(&store_for_index, config).await?);
    matching::spawn_sync(state.clone());
    // The monthly coverage snapshot: checked at start and every hour, taken once a month.
    let snapshots = state.store.clone();
    tokio::spawn(async move {
        loop {
            match snapshots.coverage().scheduled_snapshot().await {
                Ok(Some(id)) => tracing::info!(snapshot = id.0, "monthly coverage snapshot taken"),
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "monthly coverage snapshot failed"),
            }
            tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
        }
    });
    println!("群链已启动：http://{addr}/  （数据库：{}；按 Ctrl-C 停止）", config.database_display());
    qunlian_web::serve(state, listener).await?;
    Ok(())
}

/// First start on an empty database: one system administrator with a one-time password,
/// who then creates the other accounts.
async fn ensure_admin(store: &qunlian_store::Store) -> AnyResult<()> {
    if store.accounts().user_count().await? > 0 {
        return Ok(());
    }
    let password = qunlian_store::accounts::random_password();
    store
        .accounts()
        .create_user(
            &qunlian_domain::auth::Caller::system("first-start"),
            qunlian_store::accounts::NewUser {
                username: "admin".into(),
                display_name: "系统管理员".into(),
                password: password.clone(),
                role: qunlian_domain::auth::Role::SystemAdmin,
                scope: qunlian_domain::auth::Scope::Nothing,
                must_change_password: true,
            },
        )
        .await?;
    println!("首次启动：已创建系统管理员 admin，一次性密码：{password}（登录后须修改）");
    Ok(())
}

async fn user_command(store: &qunlian_store::Store, action: UserAction) -> AnyResult<()> {
    use qunlian_domain::auth::{Caller, Role};
    let cli = Caller::system("cli");
    match action {
        UserAction::Create { username, role, scope, name } => {
            let role = Role::parse(&role).map_err(|e| e.to_string())?;
            let scope = config::parse_scope(&scope)?;
            let password = qunlian_store::accounts::random_password();
            store
                .accounts()
                .create_user(
                    &cli,
                    qunlian_store::accounts::NewUser {
                        display_name: name.unwrap_or_else(|| username.clone()),
                        username: username.clone(),
                        password: password.clone(),
                        role,
                        scope,
                        must_change_password: true,
                    },
                )
                .await?;
            println!("已创建用户 {username}（{}），初始密码：{password}（首次登录须修改）", role.label());
        }
        UserAction::List => {
            for u in store.accounts().list_users(&Caller { role: Role::SystemAdmin, ..cli }).await? {
                println!(
                    "{}\t{}\t{}\t{}",
                    u.username,
                    u.display_name,
                    u.role.label(),
                    qunlian_store::accounts::scope_text(&u.scope)
                );
            }
        }
        UserAction::Reset { username } => {
            let user =
                store.accounts().user_by_name(&username).await?.ok_or_else(|| format!("用户 {username} 不存在"))?;
            let password = qunlian_store::accounts::random_password();
            store.accounts().set_password(&cli, user.id, &password).await?;
            store.accounts().unlock_user(&Caller { role: Role::SystemAdmin, ..cli }, user.id).await?;
            println!("用户 {username} 的新密码：{password}（下次登录须修改）");
        }
    }
    Ok(())
}
