//! The enterprise import, second half: a staged job is applied to `units` in short
//! transactions, each of which also moves the job's `applied_rows` on and drops the rows it
//! applied from the staging table. A job cut short while applying (the process killed, the
//! machine down) is finished by the next process that opens the store, so an import ends
//! with all its good rows or, if it never got to applying, none
//! (docs/decisions/0006-imports-staged-and-applied-in-batches.md).

use qunlian_domain::auth::Caller;
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, Statement, TransactionTrait,
    Value,
};
use serde::Serialize;

use super::*;
use crate::entity::{audit, import_job, import_staging};
use crate::{Result, Store, StoreError};

/// Staged rows applied per transaction: on SQLite the write lock is held for one batch
/// (tens of milliseconds), so logins and saves elsewhere wait at most that long.
pub const APPLY_BATCH: i64 = 10_000;

/// An unconfirmed import (a preview nobody confirmed, a process that died while reading)
/// is dropped after this long.
const STALE_HOURS: i64 = 24;

/// How an import job stands, for its page.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ImportJob {
    pub id: i64,
    pub source: String,
    /// reading, staged, applying, done, failed or cancelled; `writing` for a direct import
    /// (the command line's, one transaction) until it is done.
    pub state: String,
    pub total_hint: u64,
    pub read_rows: u64,
    pub staged_rows: u64,
    pub applied_rows: u64,
    pub counts: ImportCounts,
    pub rejected: u64,
    pub message: Option<String>,
}

impl ImportJob {
    fn from_model(m: import_job::Model) -> ImportJob {
        let n = |v: i64| u64::try_from(v).unwrap_or(0);
        ImportJob {
            id: m.id,
            source: m.source,
            state: m.state,
            total_hint: n(m.total_hint),
            read_rows: n(m.read_rows),
            staged_rows: n(m.staged_rows),
            applied_rows: n(m.applied_rows),
            counts: ImportCounts { imported: n(m.imported), updated: n(m.updated), unchanged: n(m.unchanged) },
            rejected: n(m.rejected),
            message: m.message,
        }
    }

    pub fn running(&self) -> bool {
        matches!(self.state.as_str(), "reading" | "applying" | "writing")
    }
}

/// The statements of one apply batch, with placeholders for the backend.
fn apply_statements(backend: DbBackend, guarded: bool) -> [String; 4] {
    // Numbered on both backends: the values are bound in an order the text does not follow.
    let p = |n: usize| match backend {
        DbBackend::Postgres => format!("${n}"),
        _ => format!("?{n}"),
    };
    let guard = if guarded {
        format!(" WHERE units.town_code >= {} AND units.town_code < {}", p(5), p(6))
    } else {
        String::new()
    };
    let cols = "kind, name, uscc, town_code, park_id, industry_code, employees, high_tech, above_scale, srdi, \
                listed, key_project, founded_on, address, contact_name, contact_phone_enc, contact_phone_bidx, \
                row_hash, is_demo";
    let updated = super::import::UPDATED_COLUMNS.map(|c| format!("{c} = excluded.{c}")).join(", ");
    [
        // Claim the batch: a second process resuming the same job finds it taken.
        format!(
            "UPDATE import_jobs SET applied_rows = {}, updated_at = {} WHERE id = {} AND applied_rows = {} \
             AND state = 'applying'",
            p(1),
            p(2),
            p(3),
            p(4)
        ),
        format!(
            "INSERT INTO units ({cols}, created_at, updated_at) SELECT {cols}, {now}, {now} FROM import_staging \
             WHERE job_id = {job} AND seq >= {lo} AND seq < {hi} ON CONFLICT (uscc) DO UPDATE SET {updated}{guard}",
            now = p(4),
            job = p(1),
            lo = p(2),
            hi = p(3),
        ),
        // Each updated unit in the audit log with the fields that changed, if the update
        // went through (the guard may have refused a unit moved out of scope meanwhile).
        format!(
            "INSERT INTO audit_log (at, user_id, username, action, target, target_id, detail, ip) \
             SELECT {at}, {uid}, {uname}, 'unit.update', 'unit', CAST(s.unit_id AS VARCHAR), s.changes, {ip} \
             FROM import_staging s JOIN units u ON u.id = s.unit_id AND u.row_hash = s.row_hash \
             WHERE s.job_id = {job} AND s.seq >= {lo} AND s.seq < {hi} AND s.unit_id IS NOT NULL",
            job = p(1),
            lo = p(2),
            hi = p(3),
            at = p(4),
            uid = p(5),
            uname = p(6),
            ip = p(7),
        ),
        format!("DELETE FROM import_staging WHERE job_id = {} AND seq >= {} AND seq < {}", p(1), p(2), p(3)),
    ]
}

impl Registry<'_> {
    async fn job_model(self, id: i64) -> Result<import_job::Model> {
        import_job::Entity::find_by_id(id).one(self.store.db()).await?.ok_or(StoreError::NotFound)
    }

    /// The caller's own import job (an import is private to whoever ran it).
    pub async fn import_job(self, caller: &Caller, id: i64) -> Result<ImportJob> {
        let m = self.job_model(id).await?;
        if m.user_id.unwrap_or(0) != caller.user_id.0 {
            return Err(StoreError::NotFound);
        }
        Ok(ImportJob::from_model(m))
    }

    /// Rows the file holds as far as known before reading it, for the progress bar.
    pub async fn set_import_total(self, id: i64, total: u64) -> Result<()> {
        import_job::ActiveModel { id: Set(id), total_hint: Set(total as i64), ..Default::default() }
            .update(self.store.db())
            .await?;
        Ok(())
    }

    /// Marks a job failed (the file could not be read) and drops what it staged.
    pub async fn fail_import(self, id: i64, message: &str) -> Result<()> {
        self.drop_staging(id).await?;
        import_job::ActiveModel {
            id: Set(id),
            state: Set("failed".to_owned()),
            message: Set(Some(message.to_owned())),
            updated_at: Set(self.store.now()),
            ..Default::default()
        }
        .update(self.store.db())
        .await?;
        Ok(())
    }

    /// Drops a job that has not started applying; the register is as it was.
    pub async fn cancel_import(self, caller: &Caller, id: i64) -> Result<()> {
        let m = self.job_model(id).await?;
        if m.user_id.unwrap_or(0) != caller.user_id.0 {
            return Err(StoreError::NotFound);
        }
        if !matches!(m.state.as_str(), "reading" | "staged") {
            return Err(StoreError::invalid("导入", "该导入已在写入或已结束，不能取消"));
        }
        self.drop_staging(id).await?;
        import_job::ActiveModel {
            id: Set(id),
            state: Set("cancelled".to_owned()),
            updated_at: Set(self.store.now()),
            ..Default::default()
        }
        .update(self.store.db())
        .await?;
        Ok(())
    }

    /// Deletes a job's staged rows in short transactions.
    async fn drop_staging(self, id: i64) -> Result<()> {
        let staged = self.job_model(id).await?.staged_rows;
        let mut lo = 0;
        while lo < staged {
            let hi = lo + APPLY_BATCH;
            import_staging::Entity::delete_many()
                .filter(import_staging::Column::JobId.eq(id))
                .filter(import_staging::Column::Seq.gte(lo))
                .filter(import_staging::Column::Seq.lt(hi))
                .exec(self.store.db())
                .await?;
            lo = hi;
        }
        Ok(())
    }

    /// Applies a staged job (the preview confirmed, or the command line's import): the rows
    /// go into the register in short transactions; the import is then in the audit log with
    /// each updated unit and field. Only whoever started the job may apply it.
    pub async fn apply_import(self, caller: &Caller, id: i64) -> Result<ImportCounts> {
        self.start_apply(caller, id).await?;
        self.run_apply(id).await
    }

    /// The first half of [`Registry::apply_import`]: the job is marked as applying (so its
    /// page shows progress at once); [`Registry::continue_apply`] then does the writing.
    pub async fn start_apply(self, caller: &Caller, id: i64) -> Result<()> {
        self.store.require(caller, qunlian_domain::auth::Action::Import)?;
        let m = self.job_model(id).await?;
        if m.user_id.unwrap_or(0) != caller.user_id.0 {
            return Err(StoreError::NotFound);
        }
        let started = import_job::Entity::update_many()
            .col_expr(import_job::Column::State, sea_orm::sea_query::Expr::value("applying"))
            .filter(import_job::Column::Id.eq(id))
            .filter(import_job::Column::State.eq("staged"))
            .exec(self.store.db())
            .await?;
        if started.rows_affected == 0 && m.state != "applying" {
            return Err(StoreError::invalid("导入", "该导入已结束或已取消，请重新上传文件"));
        }
        Ok(())
    }

    /// Writes a job marked as applying, from where it stands.
    pub async fn continue_apply(self, id: i64) -> Result<ImportCounts> {
        self.run_apply(id).await
    }

    /// Finishes every job that was applying when its process stopped. Called when the
    /// store opens; safe beside a live process applying the same job (batches are claimed).
    /// Also drops unconfirmed jobs older than a day, and marks failed a direct import's job
    /// a day old still `writing` (its process died; its transaction left nothing).
    pub async fn resume_imports(self) -> Result<u64> {
        let jobs = import_job::Entity::find()
            .filter(import_job::Column::State.is_in(["applying", "reading", "staged", "writing"]))
            .all(self.store.db())
            .await?;
        let stale = self.store.now() - chrono::Duration::hours(STALE_HOURS);
        let mut resumed = 0;
        for job in jobs {
            if job.state == "applying" {
                tracing::info!(job = job.id, applied = job.applied_rows, "finishing an interrupted import");
                self.run_apply(job.id).await?;
                resumed += 1;
            } else if job.updated_at < stale {
                self.fail_import(job.id, "未确认的导入已过期").await?;
            }
        }
        Ok(resumed)
    }

    async fn run_apply(self, id: i64) -> Result<ImportCounts> {
        while self.apply_batch(id).await? {}
        self.finish(self.job_model(id).await?).await
    }

    /// Applies the next [`APPLY_BATCH`] staged rows of a job marked as applying, in one
    /// transaction; `false` when none are left. Between two calls nothing is locked.
    pub async fn apply_batch(self, id: i64) -> Result<bool> {
        let job = self.job_model(id).await?;
        if job.state != "applying" || job.applied_rows >= job.staged_rows {
            return Ok(false);
        }
        let backend = self.store.backend();
        let guarded = !job.scope_low.is_empty();
        let [claim, upsert, audit, delete] = apply_statements(backend, guarded);
        let (applied, end) = (job.applied_rows, (job.applied_rows + APPLY_BATCH).min(job.staged_rows));
        let now = self.store.now();
        let txn = self.store.db().begin().await?;
        let claimed = txn
            .execute_raw(Statement::from_sql_and_values(
                backend,
                &claim,
                [end.into(), now.into(), id.into(), applied.into()],
            ))
            .await?;
        if claimed.rows_affected() == 0 {
            // Another process took this batch meanwhile: look again.
            txn.rollback().await?;
            return Ok(true);
        }
        let range: [Value; 3] = [id.into(), applied.into(), end.into()];
        let mut upsert_values: Vec<Value> = range.to_vec();
        upsert_values.push(now.into());
        if guarded {
            upsert_values.extend([job.scope_low.clone().into(), job.scope_high.clone().into()]);
        }
        txn.execute_raw(Statement::from_sql_and_values(backend, &upsert, upsert_values)).await?;
        let mut audit_values = range.to_vec();
        audit_values.extend([now.into(), job.user_id.into(), job.username.clone().into(), job.ip.clone().into()]);
        txn.execute_raw(Statement::from_sql_and_values(backend, &audit, audit_values)).await?;
        txn.execute_raw(Statement::from_sql_and_values(backend, &delete, range.to_vec())).await?;
        // The last batch ends the job with its summary line, so that the rows it adds (new
        // units have no line of their own) are never in the register without one.
        let last = end >= job.staged_rows;
        let finished = last && self.finish_on(&txn, id).await?;
        txn.commit().await?;
        if finished {
            self.finished(ImportJob::from_model(job).counts).await;
        }
        Ok(!last)
    }

    /// Marks the job done and records it in the audit log, once: for a job whose last batch
    /// did not (one with nothing staged, or left by an older version).
    async fn finish(self, job: import_job::Model) -> Result<ImportCounts> {
        let txn = self.store.db().begin().await?;
        let finished = self.finish_on(&txn, job.id).await?;
        txn.commit().await?;
        let counts = ImportJob::from_model(job).counts;
        if finished {
            self.finished(counts).await;
        }
        Ok(counts)
    }

    /// Marks an applying job done and writes its summary line on `conn`; false when it was
    /// not applying (done already, by this process or another).
    async fn finish_on(self, conn: &impl ConnectionTrait, id: i64) -> Result<bool> {
        let done = import_job::Entity::update_many()
            .col_expr(import_job::Column::State, sea_orm::sea_query::Expr::value("done"))
            .col_expr(import_job::Column::UpdatedAt, sea_orm::sea_query::Expr::value(self.store.now()))
            .filter(import_job::Column::Id.eq(id))
            .filter(import_job::Column::State.eq("applying"))
            .exec(conn)
            .await?;
        if done.rows_affected == 0 {
            return Ok(false);
        }
        let m = import_job::Entity::find_by_id(id).one(conn).await?.ok_or(StoreError::NotFound)?;
        let (user_id, username, ip) = (m.user_id, m.username.clone(), m.ip.clone());
        let job = ImportJob::from_model(m);
        let counts = job.counts;
        audit::ActiveModel {
            at: Set(self.store.now()),
            user_id: Set(user_id),
            username: Set(username),
            action: Set("unit.import".to_owned()),
            target: Set("unit".to_owned()),
            target_id: Set(None),
            detail: Set(super::import::import_summary(&job.source, counts, job.rejected)),
            ip: Set(ip),
            ..Default::default()
        }
        .insert(conn)
        .await?;
        Ok(true)
    }

    /// After a large import the planner's statistics are out of date.
    async fn finished(self, counts: ImportCounts) {
        if counts.imported + counts.updated >= 10_000 {
            self.store.refresh_statistics().await;
        }
    }
}

impl Store {
    /// Finishes imports a stopped process left applying (see [`Registry::resume_imports`]).
    pub(crate) async fn resume_imports(&self) {
        if let Err(e) = self.registry().resume_imports().await {
            tracing::warn!(error = %e, "finishing an interrupted import failed");
        }
    }
}
