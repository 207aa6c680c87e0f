//! The enterprise import that writes straight into the register in one transaction (the
//! command line's, when no server uses the database): no staging table, each row written once,
//! all or nothing by the transaction (docs/decisions/0006, addendum).

use super::*;

/// The one transaction of a direct import, the indexes of `units` it dropped to build them
/// once at the end (an empty register on SQLite), and the coverage triggers it dropped to
/// bump the coverage version once at the end instead of for every row (SQLite).
pub(super) struct Direct {
    pub(super) txn: DatabaseTransaction,
    indexes: Vec<String>,
    triggers: Vec<String>,
    /// Statements built and not yet run.
    pending: Vec<Statement>,
}

async fn run_statements(txn: &DatabaseTransaction, statements: Vec<Statement>) -> Result<()> {
    for statement in statements {
        txn.execute_raw(statement).await?;
    }
    Ok(())
}

impl EnterpriseImport {
    /// [`EnterpriseImport::add`] of a direct import: the checked rows are inserted into
    /// `units` (or update their unit, inside the caller's town range) and each updated unit
    /// gets its audit line with the fields that changed, all in the import's transaction.
    /// The statements of one chunk run while the next chunk is checked, encrypted and
    /// hashed (SQLite works on its own thread), so the two overlap; the last ones wait for
    /// the next call or the commit.
    pub(super) async fn write_direct(
        &mut self,
        direct: &mut Direct,
        rows: &[EnterpriseInput],
        lines: &[usize],
    ) -> Result<Vec<StoreReject>> {
        let mut rejects = Vec::new();
        let Direct { txn, pending, .. } = direct;
        let mut pending = std::mem::take(pending);
        for (chunk_no, chunk) in rows.chunks(DIRECT_ROWS_PER_STATEMENT).enumerate() {
            let base = chunk_no * DIRECT_ROWS_PER_STATEMENT;
            let run = run_statements(txn, std::mem::take(&mut pending));
            let build = self.direct_statements(txn, chunk, base, lines, &mut rejects);
            // `run` first: its statement is on SQLite's thread before the building starts.
            let ((), next) = tokio::try_join!(run, build)?;
            pending = next;
        }
        direct.pending = pending;
        self.read += rows.len() as u64;
        self.rejected += rejects.len() as u64;
        Ok(rejects)
    }

    /// The checks of up to one statement's rows of a direct import, and the statements
    /// that write them: the upsert into `units` and the audit lines of updated units.
    async fn direct_statements(
        &mut self,
        txn: &DatabaseTransaction,
        chunk: &[EnterpriseInput],
        base: usize,
        lines: &[usize],
        rejects: &mut Vec<StoreReject>,
    ) -> Result<Vec<Statement>> {
        let backend = self.store.backend();
        // Nothing to look up in a register that was empty when the import began (SQLite:
        // nobody else writes meanwhile), unless this import wrote the same USCC already.
        let look_up = !self.fresh || chunk.iter().any(|r| self.written.contains(&uscc_key(r.uscc.as_str())));
        if self.fresh {
            self.written.extend(chunk.iter().map(|r| uscc_key(r.uscc.as_str())));
        }
        let checked = self.check(txn, chunk, base, lines, look_up.then_some(Lock::Rows), rejects).await?;
        if checked.is_empty() {
            return Ok(Vec::new());
        }
        let now = self.store.now();
        // SQLite: the two timestamps bound once for the statement (`INSERT … SELECT … FROM
        // (VALUES …)`), not formatted and bound for every row; PostgreSQL keeps a row each.
        let once = backend == DbBackend::Sqlite;
        let width = if once { UNIT_ROW_WIDTH - 2 } else { UNIT_ROW_WIDTH };
        let mut values: Vec<Value> = Vec::with_capacity(checked.len() * width + 4);
        if once {
            values.extend([Value::from(now), Value::from(now)]);
        }
        let mut audit: Vec<Value> = Vec::new();
        let caller = &self.caller;
        for mut c in checked {
            values.extend(unit_values(&mut c.model));
            if !once {
                values.extend([c.model.created_at.take().into(), c.model.updated_at.take().into()]);
            }
            if let (Some(id), Some(changes)) = (c.unit_id, c.changes) {
                audit.extend([
                    Value::from(now),
                    (caller.user_id.0 != 0).then_some(caller.user_id.0).into(),
                    caller.username.clone().into(),
                    id.to_string().into(),
                    changes.into(),
                    caller.ip.clone().into(),
                ]);
            }
        }
        let mut sql = if once {
            let n = (values.len() - 2) / width;
            let mut sql = String::with_capacity(300 + n * (width * 3 + 4));
            sql.push_str("INSERT INTO units (");
            sql.push_str(UNIT_COLUMNS);
            sql.push_str(") SELECT ");
            for i in 1..=width {
                sql.push_str(&format!("column{i}, "));
            }
            sql.push_str("?, ? FROM (VALUES ");
            let row = marks(width);
            for r in 0..n {
                sql.push_str(if r == 0 { "(" } else { ", (" });
                sql.push_str(&row);
                sql.push(')');
            }
            // `WHERE true`: an upsert after a SELECT needs a WHERE to be parsed as one.
            sql.push_str(") WHERE true");
            sql
        } else {
            multi_row_insert(backend, "units", UNIT_COLUMNS, &marks(UNIT_ROW_WIDTH), values.len() / UNIT_ROW_WIDTH)
        };
        sql.push_str(" ON CONFLICT (uscc) DO UPDATE SET ");
        sql.push_str(&UPDATED_COLUMNS.map(|c| format!("{c} = excluded.{c}")).join(", "));
        if let Some((low, high)) = import_range(caller) {
            let first = values.len() + 1;
            sql.push_str(&format!(
                " WHERE units.town_code >= {} AND units.town_code < {}",
                placeholder(backend, first),
                placeholder(backend, first + 1)
            ));
            values.extend([low.into(), high.into()]);
        }
        let mut statements = vec![Statement::from_sql_and_values(backend, sql, values)];
        if !audit.is_empty() {
            let sql = multi_row_insert(backend, "audit_log", AUDIT_COLUMNS, AUDIT_ROW, audit.len() / 6);
            statements.push(Statement::from_sql_and_values(backend, sql, audit));
        }
        Ok(statements)
    }

    /// [`EnterpriseImport::commit`] of a direct import: the indexes and triggers it dropped
    /// built again, the import recorded, the one transaction committed.
    pub(super) async fn commit_direct(mut self, direct: Direct, rejected_in_file: u64) -> Result<ImportCounts> {
        self.rejected += rejected_in_file;
        let txn = direct.txn;
        run_statements(&txn, direct.pending).await?;
        for sql in direct.indexes.iter().chain(&direct.triggers) {
            txn.execute_unprepared(sql).await?;
        }
        let counts = self.counts;
        let written = (counts.imported + counts.updated) as i64;
        if !direct.triggers.is_empty() && written > 0 {
            // What the dropped triggers did for every row, once.
            txn.execute_unprepared("UPDATE derived_state SET version = version + 1 WHERE name = 'coverage'").await?;
        }
        import_job::ActiveModel {
            id: Set(self.job),
            state: Set("done".to_owned()),
            read_rows: Set(self.read as i64),
            staged_rows: Set(written),
            applied_rows: Set(written),
            imported: Set(counts.imported as i64),
            updated: Set(counts.updated as i64),
            unchanged: Set(counts.unchanged as i64),
            rejected: Set(self.rejected as i64),
            updated_at: Set(self.store.now()),
            ..Default::default()
        }
        .update(&txn)
        .await?;
        let source = import_job::Entity::find_by_id(self.job).one(&txn).await?.map(|j| j.source).unwrap_or_default();
        let summary = import_summary(&source, counts, self.rejected);
        self.store.audit().record_on(&txn, &self.caller, "unit.import", "unit", None, summary).await?;
        txn.commit().await?;
        if written >= 10_000 {
            self.store.refresh_statistics().await;
        }
        Ok(counts)
    }
}

impl Registry<'_> {
    /// Starts an import that writes straight into the register in one transaction, for
    /// whoever applies at once (the command line): no staging table, so each row is
    /// written once; all or nothing by the transaction, so a killed process leaves nothing
    /// (its job stays `writing` until it is a day old, then is marked failed). Into an
    /// empty register on SQLite the indexes of `units` are dropped and built once at the
    /// end, inside the same transaction. On SQLite the transaction holds the write lock
    /// until the end (decisions/0006, addendum); the page's import stays staged.
    pub async fn begin_direct_import(self, caller: &Caller, source: &str, demo: bool) -> Result<EnterpriseImport> {
        let job = self.new_job(caller, source, demo, "writing").await?;
        let options = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        };
        let txn = self.store.db().begin_with_options(options).await?;
        let backend = self.store.backend();
        let mut indexes = Vec::new();
        let fresh = backend == DbBackend::Sqlite
            && txn.query_one_raw(Statement::from_string(backend, "SELECT 1 FROM units LIMIT 1")).await?.is_none();
        if fresh {
            indexes = drop_keeping(&txn, "index", "sql IS NOT NULL").await?;
        }
        // The coverage version is bumped once at the commit instead of by these triggers for
        // every row (SQLite's are per row; nobody else writes meanwhile). Created again
        // before the commit, so a rollback or a crash finds them as they were.
        let mut triggers = Vec::new();
        if backend == DbBackend::Sqlite {
            triggers =
                drop_keeping(&txn, "trigger", "name IN ('units_coverage_insert', 'units_coverage_update')").await?;
        }
        let direct = Direct { txn, indexes, triggers, pending: Vec::new() };
        let mut import = EnterpriseImport::new(self.store, caller, job, demo, Some(direct));
        import.fresh = fresh;
        Ok(import)
    }
}

/// Drops the SQLite schema objects of `units` of `kind` (index, trigger) that `also` selects,
/// in name order, and gives back the statements that create them again.
async fn drop_keeping(txn: &DatabaseTransaction, kind: &str, also: &str) -> Result<Vec<String>> {
    let found = txn
        .query_all_raw(Statement::from_string(
            DbBackend::Sqlite,
            format!(
                "SELECT name, sql FROM sqlite_master WHERE type = '{kind}' AND tbl_name = 'units' AND {also} \
                 ORDER BY name"
            ),
        ))
        .await?;
    let mut kept = Vec::with_capacity(found.len());
    for row in found {
        let name: String = row.try_get("", "name")?;
        let sql: String = row.try_get("", "sql")?;
        txn.execute_unprepared(&format!("DROP {} \"{}\"", kind.to_uppercase(), name.replace('"', "\"\""))).await?;
        kept.push(sql);
    }
    Ok(kept)
}
