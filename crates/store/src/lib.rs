//! The storage layer: one implementation over SQLite (default, one file) and PostgreSQL.
//!
//! Every read and write of registry data goes through a method that takes the [`Caller`]
//! and filters by its scope here, so no page, API route or export can forget to.

pub mod accounts;
pub mod activities;
pub mod audit;
pub mod backup;
pub mod bodies;
mod conn;
mod counts;
pub mod coverage;
pub mod crypto;
mod entity;
pub mod matching;
pub mod migrate;
mod migrations;
pub mod people;
pub mod policies;
pub mod projects;
pub mod registry;
pub mod results;
pub mod scope;
pub mod services;
pub mod shared;
pub mod workgroups;

use std::sync::Arc;

use qunlian_domain::auth::Caller;
use qunlian_domain::clock::{Clock, SystemClock};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DbBackend, DbErr};

pub use crypto::Crypto;
pub use sea_orm::DbBackend as Backend;

/// A page of results as lists show them.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

impl<T> Page<T> {
    pub fn pages(&self) -> u64 {
        self.total.div_ceil(self.per_page.max(1)).max(1)
    }
}

/// Which page of a list, as asked for. Pages are 1-based, as users count them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u64,
    pub per_page: u64,
}

impl PageRequest {
    pub const MAX_PER_PAGE: u64 = 500;

    pub fn new(page: Option<u64>, per_page: Option<u64>) -> PageRequest {
        PageRequest { page: page.unwrap_or(1).max(1), per_page: per_page.unwrap_or(50).clamp(1, Self::MAX_PER_PAGE) }
    }

    fn offset(self) -> u64 {
        (self.page - 1) * self.per_page
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest::new(None, None)
    }
}

/// Tables written in bulk, whose statistics a bulk write refreshes.
#[derive(Clone, Copy, Debug)]
pub enum BulkTable {
    Units,
    ServiceRequests,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The detail is logged; the user sees a plain sentence.
    #[error("数据库操作失败，请稍后重试")]
    Db(DbErr),
    /// A coded column holds a value that is none of its set's codes (a row written by hand or
    /// by a newer version): an error naming where, never read as some default.
    #[error("数据库中 {table}.{column} 的值“{value}”不是{field}的代码，请联系系统管理员")]
    UnknownCode { table: String, column: String, value: String, field: &'static str },
    #[error("数据库操作失败，请稍后重试")]
    Sqlx(#[from] sqlx::Error),
    #[error("记录不存在，或不在您的权限范围内")]
    NotFound,
    #[error("您的角色无权执行此操作")]
    Forbidden,
    #[error("{field}：{message}")]
    Invalid { field: &'static str, message: String },
    #[error("{0}")]
    Crypto(#[from] crypto::CryptoError),
    /// Input refused by a domain parser: every field's message, each naming its field.
    #[error("{0}")]
    Fields(#[from] qunlian_domain::fields::FieldErrors),
}

impl From<DbErr> for StoreError {
    fn from(e: DbErr) -> StoreError {
        if let DbErr::TryIntoErr { source, .. } = &e
            && let Some(c) = source.downcast_ref::<qunlian_domain::codes::StoredCodeError>()
        {
            let (tables, column) = entity::coded_column(c.set, &c.column);
            let table = if tables.is_empty() { "（未登记的表）".to_owned() } else { tables.join("或") };
            return StoreError::UnknownCode { table, column, value: c.value.clone(), field: c.field };
        }
        StoreError::Db(e)
    }
}

impl StoreError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> StoreError {
        StoreError::Invalid { field, message: message.into() }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Clone, Debug)]
pub struct Store {
    db: conn::Conn,
    crypto: Crypto,
    clock: Arc<dyn Clock>,
    /// Shared by the clones of one store, so every request of a server uses it.
    counts: Arc<counts::CountCache>,
    /// Pages of the enterprise list, kept like the counts (`counts::PageCache`).
    enterprise_pages: Arc<counts::PageCache<registry::Enterprise>>,
    /// Held while the derived coverage tables are rebuilt, so concurrent readers who find
    /// them stale wait for one rebuild instead of each running its own.
    rebuilding: Arc<tokio::sync::Mutex<()>>,
    /// The semantic stage's embedder: a listing's vector is computed when it is saved and
    /// stored with it. Without one (tests, `QUNLIAN_SEMANTIC=off`) no vector is written and
    /// matches rank by words and chain alone.
    embedder: EmbedderSlot,
    /// How many statements the store's connections have run, every clone's together: a
    /// request's cost in round trips, which tests and the load figures count.
    statements: Arc<std::sync::atomic::AtomicU64>,
}

/// The store's embedder, if any (a trait object has no `Debug`).
#[derive(Clone, Default)]
struct EmbedderSlot(Option<Arc<dyn qunlian_domain::matching::Embedder>>);

impl std::fmt::Debug for EmbedderSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.as_ref().map_or("none", |e| e.model()))
    }
}

impl Store {
    /// Connects to `sqlite://PATH` (the file is created when missing) or `postgres://…`,
    /// and brings the schema up to date.
    pub async fn open(url: &str, crypto: Crypto) -> Result<Store> {
        Store::open_with_clock(url, crypto, Arc::new(SystemClock)).await
    }

    /// The same database seen at another time: for writing dated records (a demo's past
    /// rounds) through the same rules as today's.
    pub fn with_clock(&self, clock: Arc<dyn Clock>) -> Store {
        Store { clock, ..self.clone() }
    }

    pub async fn open_with_clock(url: &str, crypto: Crypto, clock: Arc<dyn Clock>) -> Result<Store> {
        Store::connect(url, crypto, clock, false).await
    }

    /// For one bulk writer (`qunlian import`): on SQLite a single connection with a 256 MB
    /// page cache that checkpoints every 64 MB of log. With a pool, each transaction of an
    /// import lands on another connection, whose page cache SQLite empties because the
    /// database changed since it last looked, so every batch read the indexes back from
    /// disk; and a checkpoint (with its fsync) followed every commit (docs/benchmarks.md).
    /// Nothing else changes: the same transactions, the same durability (WAL, NORMAL).
    pub async fn open_for_bulk(url: &str, crypto: Crypto) -> Result<Store> {
        Store::connect(url, crypto, Arc::new(SystemClock), true).await
    }

    async fn connect(url: &str, crypto: Crypto, clock: Arc<dyn Clock>, bulk: bool) -> Result<Store> {
        let url = if url.starts_with("sqlite:") && !url.contains("mode=") {
            let sep = if url.contains('?') { '&' } else { '?' };
            format!("{url}{sep}mode=rwc")
        } else {
            url.to_owned()
        };
        let mut options = ConnectOptions::new(url.clone());
        options.sqlx_logging(false);
        if url.starts_with("sqlite:") {
            // One writer at a time is SQLite's nature; a small pool avoids lock contention
            // while WAL lets readers go on during a write.
            options.max_connections(if bulk { 1 } else { 4 }).min_connections(1);
            // Per connection, so on every connection of the pool: WAL and NORMAL sync for
            // write speed with durability at checkpoints, foreign keys, a wait instead of
            // "database is locked", and a 64 MB page cache for bulk imports' index updates.
            options.map_sqlx_sqlite_opts(move |o| {
                use sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
                o.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(std::time::Duration::from_secs(10))
                    .pragma("cache_size", if bulk { "-262144" } else { "-65536" })
                    .pragma("wal_autocheckpoint", if bulk { "16384" } else { "1000" })
                    .pragma("temp_store", "MEMORY")
            });
        } else {
            options.max_connections(16);
            // List filters are prepared statements whose best plan depends on the values (a
            // town's range, a rare flag): a generic plan chosen after five runs can scan the
            // whole table. Plan every execution for its values.
            options.map_sqlx_postgres_opts(|o| o.options([("plan_cache_mode", "force_custom_plan")]));
        }
        let mut db = Database::connect(options).await?;
        let statements = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let counter = Arc::clone(&statements);
        db.set_metric_callback(move |_| {
            counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        });
        migrate::run(&db).await?;
        let store = Store {
            db: conn::Conn::Pool(db),
            crypto,
            clock,
            counts: Arc::default(),
            enterprise_pages: Arc::default(),
            rebuilding: Arc::default(),
            embedder: EmbedderSlot(None),
            statements,
        };
        store.services().load_shipped_calendars().await?;
        store.services().backfill_elapsed().await?;
        store.services().ensure_stage_times().await?;
        store.resume_imports().await;
        Ok(store)
    }

    /// This store with an embedder: listings' vectors are computed when they are saved and
    /// matches use the semantic stage (docs/matching.md, “语义阶段”).
    pub fn with_embedder(mut self, embedder: Arc<dyn qunlian_domain::matching::Embedder>) -> Store {
        self.embedder = EmbedderSlot(Some(embedder));
        self
    }

    /// The embedder, when the semantic stage is on.
    pub fn embedder(&self) -> Option<&dyn qunlian_domain::matching::Embedder> {
        self.embedder.0.as_deref()
    }

    pub fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    pub fn backend_name(&self) -> &'static str {
        match self.backend() {
            DbBackend::Postgres => "PostgreSQL",
            DbBackend::Sqlite => "SQLite",
            _ => "其他",
        }
    }

    pub fn crypto(&self) -> &Crypto {
        &self.crypto
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// The platform serves China Standard Time (UTC+8, no daylight saving): "today" is
    /// Beijing's date.
    pub fn today(&self) -> chrono::NaiveDate {
        qunlian_domain::clock::beijing_today(self.clock.now().naive_utc())
    }

    /// How many SQL statements this store (all its clones) has run since it was opened.
    pub fn statements_run(&self) -> u64 {
        self.statements.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub(crate) fn db(&self) -> &conn::Conn {
        &self.db
    }

    /// After a bulk write: fresh planner statistics, and on PostgreSQL a visibility map so
    /// the list's covering index answers without touching the table. Best effort: a failure
    /// only costs speed, so it is logged, not returned.
    pub async fn refresh_statistics(&self) {
        self.refresh_statistics_of(BulkTable::Units).await;
    }

    /// The same after a bulk write to another table.
    pub async fn refresh_statistics_of(&self, table: BulkTable) {
        use sea_orm::ConnectionTrait;
        let name = match table {
            BulkTable::Units => "units",
            BulkTable::ServiceRequests => "service_requests",
        };
        let sql = match self.backend() {
            DbBackend::Postgres => format!("VACUUM (ANALYZE) {name}"),
            _ => format!("ANALYZE {name}"),
        };
        if let Err(e) = self.db.execute_unprepared(&sql).await {
            tracing::warn!(error = %e, "refreshing statistics failed");
        }
    }

    /// Refuses an action the caller's role does not include, before any query runs.
    pub(crate) fn require(&self, caller: &Caller, action: qunlian_domain::auth::Action) -> Result<()> {
        if caller.may(action) { Ok(()) } else { Err(StoreError::Forbidden) }
    }
}
