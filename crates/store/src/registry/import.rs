//! The enterprise import, first half: rows are checked against the caller's scope and the
//! register, and the good ones staged in `import_staging` in short transactions. Nothing in
//! `units` changes until the job is applied (`import_apply.rs`), so an import neither holds
//! the write lock for its whole run nor leaves half a file behind
//! (docs/decisions/0006-imports-staged-and-applied-in-batches.md). The command line's import
//! when no server runs writes straight into `units` in one transaction instead (`direct`).

use std::collections::{HashMap, HashSet};

use qunlian_domain::auth::{Action, Caller, Scope};
use qunlian_domain::registry::{EnterpriseInput, UnitKind};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait, QueryFilter,
    QuerySelect, SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait, Value,
};
use serde::Serialize;

use super::changes::UnitChanges;
use super::*;
use crate::entity::{import_job, park, unit};
use crate::scope::town_code_range;
use crate::{Result, Store, StoreError};

mod direct;

use direct::Direct;

/// What an import did, in the words the command prints.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImportCounts {
    pub imported: u64,
    pub updated: u64,
    pub unchanged: u64,
}

impl std::ops::AddAssign for ImportCounts {
    fn add_assign(&mut self, o: ImportCounts) {
        self.imported += o.imported;
        self.updated += o.updated;
        self.unchanged += o.unchanged;
    }
}

/// A row the store refused; `index` is its place in the slice given to `add`, `line` its
/// line in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreReject {
    pub index: usize,
    pub line: usize,
    pub reason: String,
}

/// What a row whose USCC belongs to a unit outside the caller's scope is told: nothing of
/// that unit is written, and its town is not named.
pub const OTHER_TOWN: &str = "该信用代码属于其他街镇的企业，无权修改";

/// Rows per staging transaction, as callers should hand them to [`EnterpriseImport::add`].
pub const IMPORT_BATCH: usize = 5000;

/// Rows per INSERT statement: 24 columns × 400 rows stays under SQLite's 32,766 and
/// PostgreSQL's 65,535 bound parameters.
const STAGE_ROWS_PER_STATEMENT: usize = 400;

const STAGING_COLUMNS: &str = "job_id, seq, line, unit_id, kind, name, uscc, town_code, park_id, industry_code, \
     employees, high_tech, above_scale, srdi, listed, key_project, founded_on, address, contact_name, \
     contact_phone_enc, contact_phone_bidx, row_hash, is_demo, changes";
const STAGING_WIDTH: usize = 24;

/// Rows per INSERT of a direct import: 21 bound values × 1,000 rows stays under SQLite's
/// 32,766 parameters; fewer, larger statements for the 226,000 rows of a district.
const DIRECT_ROWS_PER_STATEMENT: usize = 1000;

const UNIT_COLUMNS: &str = "kind, name, uscc, town_code, park_id, industry_code, employees, high_tech, above_scale, \
     srdi, listed, key_project, founded_on, address, contact_name, contact_phone_enc, contact_phone_bidx, row_hash, \
     is_demo, created_at, updated_at";
const UNIT_ROW_WIDTH: usize = 21;

/// What an import changes in a unit it finds by USCC (the kind, the demo mark and the
/// creation time stay).
pub(super) const UPDATED_COLUMNS: [&str; 17] = [
    "name",
    "town_code",
    "park_id",
    "industry_code",
    "employees",
    "high_tech",
    "above_scale",
    "srdi",
    "listed",
    "key_project",
    "founded_on",
    "address",
    "contact_name",
    "contact_phone_enc",
    "contact_phone_bidx",
    "row_hash",
    "updated_at",
];

const AUDIT_COLUMNS: &str = "at, user_id, username, action, target, target_id, detail, ip";
/// A row of `AUDIT_COLUMNS` for an updated unit.
const AUDIT_ROW: &str = "?, ?, ?, 'unit.update', 'unit', ?, ?, ?";

/// One import in progress: a row in `import_jobs` and its staged rows.
pub struct EnterpriseImport {
    pub(super) store: Store,
    pub(super) caller: Caller,
    pub(super) job: i64,
    parks: HashMap<String, Option<i64>>,
    park_names: Option<HashMap<i64, String>>,
    counts: ImportCounts,
    read: u64,
    staged: i64,
    rejected: u64,
    demo: bool,
    /// The command line's import: rows go straight into `units` in this one transaction.
    direct: Option<Direct>,
    /// A direct import into a register that was empty at its start, on SQLite: rows need
    /// no lookup unless their USCC is among those written already (`written`, hashed).
    fresh: bool,
    written: HashSet<u64>,
}

fn uscc_key(uscc: &str) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().hash_one(uscc)
}

/// Whether looking up existing units locks their rows (PostgreSQL) for the transaction.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lock {
    None,
    Rows,
}

/// A row that passed the checks, ready to be written.
struct Checked {
    line: usize,
    unit_id: Option<i64>,
    model: unit::ActiveModel,
    changes: Option<String>,
}

/// The caller's town range, `None` for the whole deployment; other scopes may not import.
fn import_range(caller: &Caller) -> Option<(String, String)> {
    match &caller.scope {
        Scope::Region(region) => Some(town_code_range(region)),
        _ => None,
    }
}

fn in_range(range: &Option<(String, String)>, town: &str) -> bool {
    range.as_ref().is_none_or(|(low, high)| town >= low.as_str() && town < high.as_str())
}

impl EnterpriseImport {
    pub fn job_id(&self) -> i64 {
        self.job
    }

    pub fn counts(&self) -> ImportCounts {
        self.counts
    }

    /// Checks and stages up to [`IMPORT_BATCH`] rows in one short transaction (`lines` are
    /// their lines in the file, for messages and the audit). Refused rows come back: a town
    /// outside the caller's scope, or a USCC whose unit lies outside it (moving a unit into
    /// or out of the scope is refused either way). A direct import
    /// ([`Registry::begin_direct_import`]) writes them into the register instead, inside its
    /// one transaction.
    pub async fn add(&mut self, rows: &[EnterpriseInput], lines: &[usize]) -> Result<Vec<StoreReject>> {
        if let Some(mut direct) = self.direct.take() {
            let written = self.write_direct(&mut direct, rows, lines).await;
            self.direct = Some(direct);
            return written;
        }
        let mut rejects = Vec::new();
        let txn = self.store.db().begin().await?;
        for (chunk_no, chunk) in rows.chunks(STAGE_ROWS_PER_STATEMENT).enumerate() {
            let base = chunk_no * STAGE_ROWS_PER_STATEMENT;
            let checked = self.check(&txn, chunk, base, lines, Some(Lock::None), &mut rejects).await?;
            if checked.is_empty() {
                continue;
            }
            let mut values: Vec<Value> = Vec::with_capacity(checked.len() * STAGING_WIDTH);
            for (i, mut c) in checked.into_iter().enumerate() {
                let seq = self.staged + i as i64;
                values.extend([Value::from(self.job), seq.into(), (c.line as i64).into(), c.unit_id.into()]);
                values.extend(unit_values(&mut c.model));
                values.push(c.changes.into());
            }
            let n = values.len() / STAGING_WIDTH;
            let sql =
                multi_row_insert(self.store.backend(), "import_staging", STAGING_COLUMNS, &marks(STAGING_WIDTH), n);
            txn.execute_raw(Statement::from_sql_and_values(self.store.backend(), sql, values)).await?;
            self.staged += n as i64;
        }
        self.read += rows.len() as u64;
        self.rejected += rejects.len() as u64;
        self.save_progress(&txn, "reading").await?;
        txn.commit().await?;
        Ok(rejects)
    }

    /// The checks of [`EnterpriseImport::add`] for up to one statement's rows (`base` is the
    /// first one's index in the batch): refusals are pushed to `rejects`, unchanged rows
    /// counted, and the rest come back with their audit text. `look_up` `None`: no unit can
    /// exist yet, none is looked up; `Lock::Rows` takes the existing units' rows for the rest
    /// of the transaction (PostgreSQL; SQLite's write lock is the whole database's already).
    async fn check(
        &mut self,
        db: &impl ConnectionTrait,
        chunk: &[EnterpriseInput],
        base: usize,
        lines: &[usize],
        look_up: Option<Lock>,
        rejects: &mut Vec<StoreReject>,
    ) -> Result<Vec<Checked>> {
        let range = import_range(&self.caller);
        let store = self.store.clone();
        let mut existing: HashMap<String, unit::Model> = HashMap::new();
        if let Some(lock) = look_up {
            let usccs: Vec<&str> = chunk.iter().map(|r| r.uscc.as_str()).collect();
            let mut query = unit::Entity::find().filter(unit::Column::Uscc.is_in(usccs));
            if lock == Lock::Rows && store.backend() == DbBackend::Postgres {
                query = query.lock_exclusive();
            }
            existing = query.all(db).await?.into_iter().filter_map(|u| u.uscc.clone().map(|k| (k, u))).collect();
        }
        let mut out = Vec::with_capacity(chunk.len());
        for (i, row) in chunk.iter().enumerate() {
            let index = base + i;
            let line = lines.get(index).copied().unwrap_or(0);
            let old = existing.get(row.uscc.as_str());
            let reason = match old {
                Some(u) if !in_range(&range, &u.town_code) => Some(OTHER_TOWN.to_owned()),
                _ if !in_range(&range, &row.town.to_string()) => {
                    Some(format!("所属街镇：{}不在您的管辖范围内", row.town.full_name()))
                }
                _ => None,
            };
            if let Some(reason) = reason {
                rejects.push(StoreReject { index, line, reason });
                continue;
            }
            // A new unit needs no comparison (active_unit hashes the row itself).
            if old.is_some_and(|u| u.row_hash == store.registry().row_hash(row)) {
                self.counts.unchanged += 1;
                continue;
            }
            let park_id = self.park_id(db, row).await?;
            let model = store.registry().active_unit(row, UnitKind::Enterprise, park_id, self.demo);
            let changes = match old {
                Some(u) => {
                    self.counts.updated += 1;
                    let bidx = model.contact_phone_bidx.clone().take().flatten();
                    Some(self.describe(db, u, row, park_id, bidx).await?)
                }
                None => {
                    self.counts.imported += 1;
                    None
                }
            };
            out.push(Checked { line, unit_id: old.map(|u| u.id), model, changes });
        }
        Ok(out)
    }

    async fn park_id(&mut self, db: &impl ConnectionTrait, row: &EnterpriseInput) -> Result<Option<i64>> {
        let Some(name) = row.park.as_deref() else { return Ok(None) };
        if let Some(id) = self.parks.get(name) {
            return Ok(*id);
        }
        let id = self.store.registry().park_id_for(db, &self.caller, Some(name), &row.town, self.demo).await?;
        self.parks.insert(name.to_owned(), id);
        if let (Some(names), Some(id)) = (self.park_names.as_mut(), id) {
            names.insert(id, name.to_owned());
        }
        Ok(id)
    }

    async fn park_name(&mut self, db: &impl ConnectionTrait, id: Option<i64>) -> Result<String> {
        let Some(id) = id else { return Ok(String::new()) };
        if self.park_names.is_none() {
            let all: Vec<(i64, String)> = park::Entity::find()
                .select_only()
                .column(park::Column::Id)
                .column(park::Column::Name)
                .into_tuple()
                .all(db)
                .await?;
            self.park_names = Some(all.into_iter().collect());
        }
        Ok(self.park_names.as_ref().and_then(|n| n.get(&id).cloned()).unwrap_or_else(|| format!("#{id}")))
    }

    /// The audit text of an update: the unit and every field that changes, old → new (the
    /// phone only as 已更改: the log holds no personal data in clear).
    async fn describe(
        &mut self,
        db: &impl ConnectionTrait,
        old: &unit::Model,
        row: &EnterpriseInput,
        park_id: Option<i64>,
        phone_bidx: Option<String>,
    ) -> Result<String> {
        let parks = match old.park_id != park_id {
            true => Some((self.park_name(db, old.park_id).await?, self.park_name(db, park_id).await?)),
            false => None,
        };
        let out = UnitChanges::between(old, row, parks, old.contact_phone_bidx != phone_bidx);
        Ok(format!("导入修改“{}”（{}）：{}", old.name, old.uscc.as_deref().unwrap_or(""), out.text()))
    }

    async fn save_progress(&self, db: &impl ConnectionTrait, state: &str) -> Result<()> {
        import_job::ActiveModel {
            id: Set(self.job),
            state: Set(state.to_owned()),
            read_rows: Set(self.read as i64),
            staged_rows: Set(self.staged),
            imported: Set(self.counts.imported as i64),
            updated: Set(self.counts.updated as i64),
            unchanged: Set(self.counts.unchanged as i64),
            rejected: Set(self.rejected as i64),
            updated_at: Set(self.store.now()),
            ..Default::default()
        }
        .update(db)
        .await?;
        Ok(())
    }

    /// The file has been read: `rejected_in_file` rows were refused by the reader. The job
    /// waits, staged, for [`Registry::apply_import`] (the page's confirmation) or
    /// [`EnterpriseImport::rollback`]. Not for a direct import, which only commits.
    pub async fn finish_reading(&mut self, rejected_in_file: u64) -> Result<ImportCounts> {
        if self.direct.is_some() {
            return Err(StoreError::invalid("导入", "直接导入没有待确认的阶段"));
        }
        self.rejected += rejected_in_file;
        self.save_progress(self.store.db(), "staged").await?;
        Ok(self.counts)
    }

    /// Reads to the end and applies at once (the command line's way): every staged row is
    /// written in short transactions and the import recorded in the audit log. A direct
    /// import rebuilds the indexes it dropped, records the import and commits its one
    /// transaction: the whole file is in the register from this moment, or none of it.
    pub async fn commit(mut self, rejected_in_file: u64) -> Result<ImportCounts> {
        let Some(direct) = self.direct.take() else {
            self.finish_reading(rejected_in_file).await?;
            let caller = self.caller.clone();
            return self.store.registry().apply_import(&caller, self.job).await;
        };
        self.commit_direct(direct, rejected_in_file).await
    }

    /// Drops the staged rows, or a direct import's transaction; the register is as it was.
    pub async fn rollback(mut self) -> Result<()> {
        if let Some(direct) = self.direct.take() {
            direct.txn.rollback().await?;
            import_job::ActiveModel {
                id: Set(self.job),
                state: Set("cancelled".to_owned()),
                updated_at: Set(self.store.now()),
                ..Default::default()
            }
            .update(self.store.db())
            .await?;
            return Ok(());
        }
        self.store.registry().cancel_import(&self.caller, self.job).await
    }
}

/// The audit log's line for a whole import.
pub(super) fn import_summary(source: &str, counts: ImportCounts, rejected: u64) -> String {
    format!(
        "导入企业名录“{source}”：新增{}，更新{}，未变{}，拒绝{rejected}",
        counts.imported, counts.updated, counts.unchanged
    )
}

/// The unit's columns in `UNIT_COLUMNS` order up to `is_demo` (`active_unit` sets every
/// one of them), as staged after job, seq, line and unit id.
fn unit_values(m: &mut unit::ActiveModel) -> [Value; 19] {
    [
        m.kind.take().into(),
        m.name.take().into(),
        m.uscc.take().flatten().into(),
        m.town_code.take().into(),
        m.park_id.take().flatten().into(),
        m.industry_code.take().flatten().into(),
        m.employees.take().flatten().into(),
        m.high_tech.take().into(),
        m.above_scale.take().into(),
        m.srdi.take().into(),
        m.listed.take().into(),
        m.key_project.take().into(),
        m.founded_on.take().flatten().into(),
        m.address.take().flatten().into(),
        m.contact_name.take().flatten().into(),
        m.contact_phone_enc.take().flatten().into(),
        m.contact_phone_bidx.take().flatten().into(),
        m.row_hash.take().into(),
        m.is_demo.take().into(),
    ]
}

/// `width` placeholders, a row of [`multi_row_insert`].
fn marks(width: usize) -> String {
    vec!["?"; width].join(", ")
}

/// `INSERT INTO table (columns) VALUES (row), (row), …` for `rows` rows; each `?` of `row`
/// becomes the backend's next placeholder. Anonymous on SQLite: with numbered ones (`?NNN`)
/// its parser looks each number up in a list of all of them, and a statement of 19,000
/// took 0.6 s to prepare.
fn multi_row_insert(backend: DbBackend, table: &str, columns: &str, row: &str, rows: usize) -> String {
    let mut sql = String::with_capacity(40 + columns.len() + rows * (row.len() * 2 + 4));
    sql.push_str("INSERT INTO ");
    sql.push_str(table);
    sql.push_str(" (");
    sql.push_str(columns);
    sql.push_str(") VALUES ");
    let mut n = 0;
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for ch in row.chars() {
            match (ch, backend) {
                ('?', DbBackend::Postgres) => {
                    n += 1;
                    sql.push('$');
                    sql.push_str(&n.to_string());
                }
                _ => sql.push(ch),
            }
        }
        sql.push(')');
    }
    sql
}

/// The `n`-th bound parameter (from 1), in the text after `n - 1` others.
fn placeholder(backend: DbBackend, n: usize) -> String {
    match backend {
        DbBackend::Postgres => format!("${n}"),
        _ => "?".to_owned(),
    }
}

impl Registry<'_> {
    /// Starts an import of `source` for the caller: a job row, nothing staged yet.
    pub async fn begin_import(self, caller: &Caller, source: &str, demo: bool) -> Result<EnterpriseImport> {
        let job = self.new_job(caller, source, demo, "reading").await?;
        Ok(EnterpriseImport::new(self.store, caller, job, demo, None))
    }

    async fn new_job(self, caller: &Caller, source: &str, demo: bool, state: &str) -> Result<i64> {
        self.store.require(caller, Action::Import)?;
        let (low, high) = import_range(caller).unwrap_or_default();
        let now = self.store.now();
        let job = import_job::ActiveModel {
            kind: Set("enterprises".to_owned()),
            user_id: Set((caller.user_id.0 != 0).then_some(caller.user_id.0)),
            username: Set(caller.username.clone()),
            ip: Set(caller.ip.clone()),
            scope_low: Set(low),
            scope_high: Set(high),
            source: Set(source.to_owned()),
            state: Set(state.to_owned()),
            total_hint: Set(0),
            read_rows: Set(0),
            staged_rows: Set(0),
            applied_rows: Set(0),
            imported: Set(0),
            updated: Set(0),
            unchanged: Set(0),
            rejected: Set(0),
            message: Set(None),
            is_demo: Set(demo),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(self.store.db())
        .await?;
        Ok(job.id)
    }
}

impl EnterpriseImport {
    fn new(store: &Store, caller: &Caller, job: i64, demo: bool, direct: Option<Direct>) -> EnterpriseImport {
        EnterpriseImport {
            store: store.clone(),
            caller: caller.clone(),
            job,
            parks: HashMap::new(),
            park_names: None,
            counts: ImportCounts::default(),
            read: 0,
            staged: 0,
            rejected: 0,
            demo,
            direct,
            fresh: false,
            written: HashSet::new(),
        }
    }
}
