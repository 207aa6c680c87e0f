//! Typed configuration: defaults, then `QUNLIAN_*` environment variables, then flags
//! (clap reads both). The master key is never printed.

use std::path::PathBuf;

use qunlian_domain::RegionCode;
use qunlian_domain::auth::{ClusterId, OrgId, Scope, UnitId};
use qunlian_store::{Crypto, Store};

#[derive(clap::Args, Debug)]
pub struct ConfigArgs {
    /// 数据库地址：sqlite://路径（默认，在 --data-dir 下）或 postgres://用户@主机/库名。
    #[arg(long, global = true, env = "QUNLIAN_DATABASE")]
    database: Option<String>,
    /// 存放 SQLite 数据库文件与密钥文件的目录。
    #[arg(long, global = true, env = "QUNLIAN_DATA_DIR", default_value = "./data")]
    data_dir: PathBuf,
    /// 服务监听地址。
    #[arg(long, global = true, env = "QUNLIAN_LISTEN", default_value = "127.0.0.1:8080")]
    listen: String,
    /// 平台服务的区（GB/T 2260 代码）；导入时在本区内识别街镇名称。
    #[arg(long, global = true, env = "QUNLIAN_DISTRICT", default_value = "310117")]
    district: String,
    /// 无操作多少分钟后会话结束。
    #[arg(long, global = true, env = "QUNLIAN_SESSION_MINUTES", default_value_t = 30)]
    session_minutes: i64,
    /// 会话 Cookie 加 Secure 标记（经 HTTPS 提供服务时）；--public-url 为 https 时默认开启。
    #[arg(long, global = true, env = "QUNLIAN_SECURE_COOKIES")]
    secure_cookies: bool,
    /// 供需检索索引的目录（派生数据，`qunlian reindex` 可重建）。默认：SQLite 文件旁（qunlian.sqlite.index），PostgreSQL 时为 DATA_DIR/search.index。
    #[arg(long, global = true, env = "QUNLIAN_INDEX_DIR")]
    index_dir: Option<PathBuf>,
    /// 企业访问平台的地址，如 https://qunlian.songjiang.gov.cn：发给企业的链接（评价链接）以它开头。默认：当前页面的地址。
    #[arg(long, global = true, env = "QUNLIAN_PUBLIC_URL")]
    public_url: Option<String>,
    /// 供需匹配的语义阶段（on 或 off）：开启时保存供需信息即计算其向量，推荐中并入语义最相近的信息（docs/matching.md）；off 只按字词与产业链排序，供对照。
    #[arg(long, global = true, env = "QUNLIAN_SEMANTIC", default_value = "on")]
    semantic: String,
    /// 平台前反向代理的地址（可重复，或用逗号分隔）：只有来自这些地址的请求才读取 X-Forwarded-For 作为客户端地址（登录限流、审计日志）。默认：无，忽略该请求头。
    #[arg(long = "trusted-proxy", global = true, env = "QUNLIAN_TRUSTED_PROXY", value_delimiter = ',')]
    trusted_proxy: Vec<String>,
}

pub struct Config {
    pub database: String,
    pub data_dir: PathBuf,
    pub listen: String,
    pub district: RegionCode,
    pub session_minutes: i64,
    pub secure_cookies: bool,
    pub demo: bool,
    pub index_dir: PathBuf,
    pub public_url: Option<String>,
    pub semantic: bool,
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl Config {
    pub fn build(args: ConfigArgs, demo: bool) -> Result<Config, String> {
        let district = RegionCode::parse(&args.district).map_err(|e| format!("--district：{e}"))?;
        if district.level() != qunlian_domain::region::RegionLevel::District {
            return Err(format!("--district：{} 不是区县级代码", district.full_name()));
        }
        let file = if demo { "demo.sqlite" } else { "qunlian.sqlite" };
        let database = args.database.unwrap_or_else(|| format!("sqlite://{}", args.data_dir.join(file).display()));
        if !(database.starts_with("sqlite:")
            || database.starts_with("postgres://")
            || database.starts_with("postgresql://"))
        {
            return Err("--database 应为 sqlite://路径 或 postgres://…".into());
        }
        let public_url = args.public_url.as_deref().map(parse_public_url).transpose()?;
        let semantic = match args.semantic.trim() {
            "on" | "1" | "true" | "开" => true,
            "off" | "0" | "false" | "关" => false,
            other => return Err(format!("--semantic（QUNLIAN_SEMANTIC）：“{other}”无效，应为 on 或 off")),
        };
        let trusted_proxies = args
            .trusted_proxy
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<std::net::IpAddr>()
                    .map(|a| a.to_canonical())
                    .map_err(|_| format!("--trusted-proxy：“{s}”不是IP地址（如 10.0.0.5）"))
            })
            .collect::<Result<Vec<_>, String>>()?;
        let index_dir = match (args.index_dir, database.strip_prefix("sqlite://")) {
            (Some(dir), _) => dir,
            (None, Some(path)) => PathBuf::from(format!("{}.index", path.split('?').next().unwrap_or(path))),
            (None, None) => args.data_dir.join("search.index"),
        };
        Ok(Config {
            index_dir,
            database,
            data_dir: args.data_dir,
            listen: args.listen,
            district,
            session_minutes: args.session_minutes.max(1),
            secure_cookies: args.secure_cookies || public_url.as_deref().is_some_and(|u| u.starts_with("https://")),
            demo,
            public_url,
            semantic,
            trusted_proxies,
        })
    }

    /// The database URL with any password replaced, for printing.
    pub fn database_display(&self) -> String {
        match (self.database.find("://"), self.database.find('@')) {
            (Some(s), Some(at)) if at > s => {
                let userinfo = &self.database[s + 3..at];
                let user = userinfo.split(':').next().unwrap_or("");
                format!("{}://{user}:***@{}", &self.database[..s], &self.database[at + 1..])
            }
            _ => self.database.clone(),
        }
    }

    /// The master key: `QUNLIAN_MASTER_KEY` (64 hex digits), else `DATA_DIR/qunlian.key`,
    /// created on first use with owner-only permissions.
    pub fn master_key(&self) -> Result<Vec<u8>, String> {
        if let Ok(hex_key) = std::env::var("QUNLIAN_MASTER_KEY") {
            return hex::decode(hex_key.trim()).map_err(|_| "QUNLIAN_MASTER_KEY 应为64位十六进制".to_owned());
        }
        let path = self.data_dir.join("qunlian.key");
        if let Ok(text) = std::fs::read_to_string(&path) {
            return hex::decode(text.trim()).map_err(|_| format!("{} 内容不是有效的密钥", path.display()));
        }
        std::fs::create_dir_all(&self.data_dir).map_err(|e| format!("无法创建 {}：{e}", self.data_dir.display()))?;
        let key = Crypto::generate_master_key();
        write_private(&path, &hex::encode(key)).map_err(|e| format!("无法写入 {}：{e}", path.display()))?;
        eprintln!("已生成主密钥 {}：请妥善备份，丢失后加密的个人信息无法恢复。", path.display());
        Ok(key.to_vec())
    }

    /// The file a server locks for as long as it runs, beside the SQLite database (in the
    /// data directory unless `--database` names another file); `None` on PostgreSQL, whose
    /// servers may run on other machines (decisions/0006, addendum).
    pub fn server_lock_path(&self) -> Option<PathBuf> {
        let path = self.database.strip_prefix("sqlite://").or_else(|| self.database.strip_prefix("sqlite:"))?;
        let path = path.split('?').next().unwrap_or(path);
        (!path.is_empty() && !path.contains(":memory:")).then(|| PathBuf::from(format!("{path}.lock")))
    }

    /// Taken by `serve` and `demo` before they open the store, shared (several servers may
    /// share a database) and kept until the process ends. While `qunlian import enterprises`
    /// holds it exclusively (its one-transaction path), the server says so and waits for the
    /// import to end rather than fail on the database's write lock.
    pub async fn hold_server_lock(&self) -> Result<Option<std::fs::File>, String> {
        let Some(path) = self.server_lock_path() else { return Ok(None) };
        let file = open_lock_file(&path)?;
        match file.try_lock_shared() {
            Ok(()) => return Ok(Some(file)),
            Err(std::fs::TryLockError::WouldBlock) => {}
            Err(std::fs::TryLockError::Error(e)) => return Err(format!("无法锁定 {}：{e}", path.display())),
        }
        eprintln!("命令行正在导入企业名录（qunlian import enterprises），独占该数据库；导入结束后服务自动启动……");
        tokio::task::spawn_blocking(move || file.lock_shared().map(|()| file))
            .await
            .map_err(|e| e.to_string())?
            .map(Some)
            .map_err(|e| format!("无法锁定 {}：{e}", path.display()))
    }

    /// For `qunlian import enterprises`: the lock of [`Config::hold_server_lock`] taken
    /// exclusively when no server holds it (then the import may write in one transaction;
    /// it keeps the lock until it ends), `None` when a server runs or on PostgreSQL.
    pub fn try_exclusive_server_lock(&self) -> Result<Option<std::fs::File>, String> {
        let Some(path) = self.server_lock_path() else { return Ok(None) };
        let file = open_lock_file(&path)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(file)),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => Err(format!("无法锁定 {}：{e}", path.display())),
        }
    }

    pub async fn open_store(&self) -> Result<Store, String> {
        self.open_store_as(false).await
    }

    /// The store for one bulk writer (`qunlian import`): see [`Store::open_for_bulk`].
    pub async fn open_bulk_store(&self) -> Result<Store, String> {
        self.open_store_as(true).await
    }

    async fn open_store_as(&self, bulk: bool) -> Result<Store, String> {
        if self.database.starts_with("sqlite:") {
            std::fs::create_dir_all(&self.data_dir)
                .map_err(|e| format!("无法创建 {}：{e}", self.data_dir.display()))?;
        }
        let crypto = Crypto::new(&self.master_key()?).map_err(|e| e.to_string())?;
        let store = if bulk {
            Store::open_for_bulk(&self.database, crypto).await
        } else {
            Store::open(&self.database, crypto).await
        };
        let store = store.map_err(|e| match e {
            qunlian_store::StoreError::Db(d) => {
                format!("无法打开数据库 {}（请确认数据库已启动、地址和账号无误）：{d}", self.database_display())
            }
            other => other.to_string(),
        })?;
        if !self.semantic {
            return Ok(store);
        }
        let embedder = qunlian_embed::StaticE5::bundled().map_err(|e| e.to_string())?;
        Ok(store.with_embedder(std::sync::Arc::new(embedder)))
    }
}

fn open_lock_file(path: &std::path::Path) -> Result<std::fs::File, String> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("无法创建 {}：{e}", dir.display()))?;
    }
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|e| format!("无法打开锁文件 {}：{e}", path.display()))
}

#[cfg(unix)]
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    f.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

impl std::fmt::Display for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "database        = {}", self.database_display())?;
        writeln!(f, "data_dir        = {}", self.data_dir.display())?;
        writeln!(f, "listen          = {}", self.listen)?;
        writeln!(f, "district        = {} {}", self.district, self.district.full_name())?;
        writeln!(f, "session_minutes = {}", self.session_minutes)?;
        writeln!(f, "secure_cookies  = {}", self.secure_cookies)?;
        writeln!(f, "index_dir       = {}", self.index_dir.display())?;
        writeln!(f, "public_url      = {}", self.public_url.as_deref().unwrap_or("（未设置：按访问地址）"))?;
        let proxies: Vec<String> = self.trusted_proxies.iter().map(ToString::to_string).collect();
        writeln!(
            f,
            "trusted_proxy   = {}",
            if proxies.is_empty() { "（无：不读取 X-Forwarded-For）".to_owned() } else { proxies.join(", ") }
        )?;
        let key = if std::env::var("QUNLIAN_MASTER_KEY").is_ok() {
            "QUNLIAN_MASTER_KEY（已隐藏）".to_owned()
        } else {
            format!("{}（已隐藏）", self.data_dir.join("qunlian.key").display())
        };
        write!(f, "master_key      = {key}")
    }
}

/// `https://host[:port][/path]` without a trailing slash. Only URL characters are taken, so
/// a link built on it cannot break out of an attribute.
fn parse_public_url(s: &str) -> Result<String, String> {
    let t = s.trim().trim_end_matches('/');
    let rest = t.strip_prefix("https://").or_else(|| t.strip_prefix("http://"));
    let ok = rest.is_some_and(|r| {
        !r.split('/').next().unwrap_or("").is_empty()
            && r.chars().all(|c| c.is_ascii_alphanumeric() || "-._~:/[]".contains(c))
    });
    if ok {
        Ok(t.to_owned())
    } else {
        Err(format!("--public-url：“{s}”应为 http(s)://域名或地址[:端口]"))
    }
}

/// `all`, `nothing`, `region:310117`, `cluster:3`, `party_org:5`, `enterprise:7`, `department:9`.
pub fn parse_scope(s: &str) -> Result<Scope, String> {
    let (kind, value) = s.split_once(':').map(|(k, v)| (k, Some(v))).unwrap_or((s, None));
    let id = || value.and_then(|v| v.parse::<i64>().ok()).ok_or_else(|| format!("范围 {s}：应为 类型:编号"));
    Ok(match kind {
        "all" => Scope::All,
        "nothing" => Scope::Nothing,
        "region" => Scope::Region(RegionCode::parse(value.unwrap_or("")).map_err(|e| format!("范围 {s}：{e}"))?),
        "cluster" => Scope::Cluster(ClusterId(id()?)),
        "party_org" => Scope::PartyOrg(OrgId(id()?)),
        "enterprise" => Scope::Enterprise(UnitId(id()?)),
        "department" => Scope::Department(UnitId(id()?)),
        _ => return Err(format!("未知范围类型：{kind}")),
    })
}

#[cfg(test)]
mod tests {
    use super::parse_public_url;

    #[test]
    fn a_public_url_is_a_scheme_and_a_host() {
        assert_eq!(parse_public_url("https://qunlian.songjiang.gov.cn/").unwrap(), "https://qunlian.songjiang.gov.cn");
        assert_eq!(parse_public_url("http://10.1.2.3:8080").unwrap(), "http://10.1.2.3:8080");
        assert_eq!(parse_public_url("https://gov.cn/qunlian").unwrap(), "https://gov.cn/qunlian");
        for bad in ["qunlian.gov.cn", "ftp://x", "https://", "https://a\"b", "https://a b"] {
            assert!(parse_public_url(bad).unwrap_err().contains("--public-url"), "{bad}");
        }
    }
}
