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

use clap::{Arg, ArgAction, CommandFactory, FromArgMatches, Parser, Subcommand};

use config::{Config, ConfigArgs};

#[derive(Parser)]
#[command(
    name = "qunlian",
    version,
    about = "群链 — 产业集群党建平台（Shanghai industrial-cluster Party-building platform）",
    disable_help_subcommand = true,
    disable_version_flag = true
)]
struct Cli {
    #[command(flatten)]
    config: ConfigArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 启动网页与 JSON API。空数据库首次启动时创建系统管理员并打印其一次性密码。
    Serve,
    /// 以演示区（松江）启动：SQLite 数据库放在 --data-dir 下，打印网址与演示账号。演示记录均标为演示数据。
    Demo {
        /// 丢弃已有的演示数据库，重新生成。
        #[arg(long)]
        reset: bool,
        /// 在有名有姓的演示企业之外再生成多少家企业。
        #[arg(long, default_value_t = 3000)]
        enterprises: u64,
    },
    /// 从文件导入（.xlsx 或 .csv，UTF-8 或 GBK）。
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// 导出为 .xlsx。
    Export {
        #[command(subcommand)]
        what: ExportWhat,
    },
    /// 打印一条供给或需求的推荐对接方（排序与理由），与 GET /api/v1/listings/{id}/matches 相同。
    Match {
        listing_id: i64,
        /// 条数（1–100）。
        #[arg(long, default_value_t = 10)]
        top: usize,
        /// 输出 JSON，与 API 的返回完全相同。
        #[arg(long)]
        json: bool,
    },
    /// 从数据库重建供需信息的检索索引（--index-dir）。索引是派生数据：serve 与 demo 在索引为空时自动重建，并自行保持同步。
    Reindex,
    /// 生成确定性的合成企业名录（CSV），供基准测试与试用。
    Gen {
        /// 企业数量。
        #[arg(long)]
        enterprises: u64,
        /// 输出文件（.csv）。
        #[arg(long)]
        out: std::path::PathBuf,
        /// 随机种子：同一种子生成同一文件。
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// 管理用户账号。
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// API 令牌。
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
    /// 在服务运行时把整个数据库备份到 FILE：SQLite 为数据库文件的一致副本，PostgreSQL 为 pg_dump -Fc 文件（pg_restore 可读）。备份不含主密钥：请另行妥善保管 QUNLIAN_MASTER_KEY 或 DATA_DIR/qunlian.key，缺了它备份中的电话无法解密。
    Backup { file: std::path::PathBuf },
    /// 恢复 `qunlian backup` 写出的备份（先停止服务）：SQLite 把被替换的数据库留在旁边，PostgreSQL 在一个事务中恢复。恢复后检查加密电话能用当前主密钥解密，并重建检索索引。
    Restore {
        file: std::path::PathBuf,
        /// 替换已有数据的数据库。
        #[arg(long)]
        replace: bool,
    },
    /// 打印生效的配置（密钥不显示）。
    PrintConfig,
}

#[derive(Subcommand)]
enum ImportWhat {
    /// 企业名录：按统一社会信用代码新增或更新；错误行按行号列出并写入 FILE.rejects.xlsx。SQLite 上若没有服务在用该数据库，好的行在一个事务中写入名录（中断则全无）；服务运行时或在 PostgreSQL 上，好的行先全部读入、检查并暂存，再每批 10,000 行写入名录，中途中断的导入在下次打开数据库时续完（全部或全无，不会重复）。
    Enterprises { file: std::path::PathBuf },
    /// 供需信息（要素对接）：列为 统一社会信用代码、类型（供给|需求）、类别、标题、描述、行业代码、数量、单位、紧急程度、发布范围、有效期至（或对应英文列名）；错误行按行号列出，好的行在一个事务中保存；重复导入按 企业 + 类型 + 标题 更新，不会重复。
    Listings { file: std::path::PathBuf },
}

#[derive(Subcommand)]
enum ExportWhat {
    /// 把全部企业按导入模板的列导出为 .xlsx（联系电话不导出）。
    Enterprises { out: std::path::PathBuf },
}

#[derive(Subcommand)]
enum UserAction {
    /// 创建账号，打印生成的初始密码（首次登录须修改）。
    Create {
        username: String,
        /// 角色：district_admin, town_admin, cluster_secretary, branch_secretary, enterprise_contact,
        /// service_officer, department_head, reviewer, leader, system_admin, security_admin, audit_admin
        #[arg(long)]
        role: String,
        /// 数据范围：all | nothing | region:区划代码 | cluster:编号 | party_org:编号 | enterprise:编号 | department:编号
        #[arg(long, default_value = "nothing")]
        scope: String,
        #[arg(long)]
        name: Option<String>,
    },
    /// 列出账号。
    List,
    /// 重置为新生成的密码（下次登录须修改），并解除锁定。
    Reset { username: String },
}

#[derive(Subcommand)]
enum TokenAction {
    /// 为用户签发 API 令牌：只打印一次，数据库只存其摘要。
    Create {
        username: String,
        #[arg(long, default_value = "命令行创建")]
        name: String,
    },
}

/// clap's own words in Chinese on every command: 用法, 命令, 参数, 选项, and the help and
/// version flags (the descriptions are the doc comments above).
fn localised(cmd: clap::Command) -> clap::Command {
    let root = cmd.get_name() == "qunlian";
    let cmd = cmd
        .help_template("{about}\n\n用法：{usage}\n\n{all-args}")
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        .disable_help_flag(true)
        .arg(Arg::new("help").short('h').long("help").action(ArgAction::Help).help("显示帮助"))
        .mut_subcommands(localised);
    let cmd = match root {
        true => cmd.arg(Arg::new("version").short('V').long("version").action(ArgAction::Version).help("显示版本")),
        false => cmd,
    };
    // The root's options are global (config.rs): every command's help lists them apart.
    cmd.mut_args(|a| {
        let heading = match (a.is_positional(), root && !matches!(a.get_id().as_str(), "help" | "version")) {
            (true, _) => "参数",
            (false, true) => "通用选项",
            (false, false) => "选项",
        };
        a.help_heading(heading)
    })
}

/// A wrong command line, said in Chinese with the usage; help and version print as clap
/// prints them.
fn command_line_error(e: clap::Error) -> ! {
    use clap::error::{ContextKind, ErrorKind};
    let ctx = |k| e.get(k).map(|v| v.to_string()).unwrap_or_default();
    let what = match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            e.exit()
        }
        ErrorKind::MissingRequiredArgument => format!("缺少必填参数 {}", ctx(ContextKind::InvalidArg)),
        ErrorKind::MissingSubcommand => "缺少命令".to_owned(),
        ErrorKind::UnknownArgument => format!("没有选项 {}", ctx(ContextKind::InvalidArg)),
        ErrorKind::InvalidSubcommand => format!("没有命令 {}", ctx(ContextKind::InvalidSubcommand)),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            format!("{} 的值“{}”无效", ctx(ContextKind::InvalidArg), ctx(ContextKind::InvalidValue))
        }
        ErrorKind::ArgumentConflict => format!("选项 {} 不能同时使用", ctx(ContextKind::InvalidArg)),
        _ => format!("参数个数或格式不对：{}", ctx(ContextKind::InvalidArg)),
    };
    let usage = ctx(ContextKind::Usage);
    let usage = usage.trim().trim_start_matches("Usage:").trim();
    match usage.is_empty() {
        true => eprintln!("错误：{what}\n查看帮助：qunlian --help"),
        false => eprintln!("错误：{what}\n\n用法：{usage}\n查看帮助：qunlian --help"),
    }
    std::process::exit(2)
}

fn main() -> ExitCode {
    let cli = localised(Cli::command())
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m))
        .unwrap_or_else(|e| command_line_error(e));
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
            let _lock = config.hold_server_lock().await?;
            let store = config.open_store().await?;
            ensure_admin(&store).await?;
            serve(store, &config).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo { reset, enterprises } => {
            let _lock = config.hold_server_lock().await?;
            let store = demo::prepare(&config, reset, enterprises).await?;
            serve(store, &config).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Import { what: ImportWhat::Enterprises { file } } => {
            // No server on this SQLite database (it would hold the lock): one transaction.
            let alone = config.try_exclusive_server_lock()?;
            let store = config.open_bulk_store().await?;
            import::enterprises(&store, &config, &file, alone.is_some()).await
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
    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .map_err(|e| format!("无法监听 {}（应为 地址:端口，如 127.0.0.1:8080，且端口未被占用）：{e}", config.listen))?;
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
