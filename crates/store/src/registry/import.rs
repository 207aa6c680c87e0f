//! The enterprise import: batches in one transaction, rejects named, counts on commit.

use std::collections::HashMap;

use qunlian_domain::auth::{Action, Caller, Scope};
use qunlian_domain::registry::{EnterpriseInput, UnitKind};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect, TransactionTrait};
use serde::Serialize;

use super::*;
use crate::entity::unit;
use crate::{Result, Store, StoreError};

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

/// A row the store refused (outside the caller's area); `index` is its place in the batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreReject {
    pub index: usize,
    pub reason: String,
}

/// One import: all good rows go in one transaction, so a failure half-way leaves the
/// registry as it was; upsert by USCC makes a re-run change nothing.
pub struct EnterpriseImport {
    store: Store,
    caller: Caller,
    txn: DatabaseTransaction,
    parks: HashMap<String, Option<i64>>,
    counts: ImportCounts,
    demo: bool,
}

/// Rows per INSERT: well under SQLite's and PostgreSQL's bound-parameter limits (22 columns).
pub const IMPORT_BATCH: usize = 1000;

impl EnterpriseImport {
    /// Adds up to [`IMPORT_BATCH`] rows (larger slices are split). Rows outside the caller's
    /// area are returned as rejects and not written.
    pub async fn add(&mut self, rows: &[EnterpriseInput]) -> Result<Vec<StoreReject>> {
        let mut rejects = Vec::new();
        for (chunk_no, chunk) in rows.chunks(IMPORT_BATCH).enumerate() {
            let base = chunk_no * IMPORT_BATCH;
            let usccs: Vec<&str> = chunk.iter().map(|r| r.uscc.as_str()).collect();
            let existing: HashMap<String, String> = unit::Entity::find()
                .select_only()
                .column(unit::Column::Uscc)
                .column(unit::Column::RowHash)
                .filter(unit::Column::Uscc.is_in(usccs))
                .into_tuple::<(Option<String>, String)>()
                .all(&self.txn)
                .await?
                .into_iter()
                .filter_map(|(u, h)| u.map(|u| (u, h)))
                .collect();
            let mut models = Vec::with_capacity(chunk.len());
            for (i, row) in chunk.iter().enumerate() {
                let allowed = match &self.caller.scope {
                    Scope::All => true,
                    Scope::Region(region) => row.town.is_within(region) || &row.town == region,
                    _ => false,
                };
                if !allowed {
                    rejects.push(StoreReject {
                        index: base + i,
                        reason: format!("所属街镇：{}不在您的管辖范围内", row.town.full_name()),
                    });
                    continue;
                }
                let hash = self.store.registry().row_hash(row);
                match existing.get(row.uscc.as_str()) {
                    Some(h) if *h == hash => {
                        self.counts.unchanged += 1;
                        continue;
                    }
                    Some(_) => self.counts.updated += 1,
                    None => self.counts.imported += 1,
                }
                let park_id = match row.park.as_deref() {
                    None => None,
                    Some(name) => match self.parks.get(name) {
                        Some(id) => *id,
                        None => {
                            let id =
                                self.store.registry().park_id_for(&self.txn, Some(name), &row.town, self.demo).await?;
                            self.parks.insert(name.to_owned(), id);
                            id
                        }
                    },
                };
                models.push(self.store.registry().active_unit(row, UnitKind::Enterprise, park_id, self.demo));
            }
            if models.is_empty() {
                continue;
            }
            unit::Entity::insert_many(models)
                .on_conflict(
                    OnConflict::column(unit::Column::Uscc)
                        .update_columns([
                            unit::Column::Name,
                            unit::Column::TownCode,
                            unit::Column::ParkId,
                            unit::Column::IndustryCode,
                            unit::Column::Employees,
                            unit::Column::HighTech,
                            unit::Column::AboveScale,
                            unit::Column::Srdi,
                            unit::Column::Listed,
                            unit::Column::KeyProject,
                            unit::Column::FoundedOn,
                            unit::Column::Address,
                            unit::Column::ContactName,
                            unit::Column::ContactPhoneEnc,
                            unit::Column::ContactPhoneBidx,
                            unit::Column::RowHash,
                            unit::Column::UpdatedAt,
                        ])
                        .to_owned(),
                )
                .exec_without_returning(&self.txn)
                .await?;
        }
        Ok(rejects)
    }

    pub fn counts(&self) -> ImportCounts {
        self.counts
    }

    /// Commits every good row at once and records the import in the audit log.
    pub async fn commit(self, source: &str, rejected: u64) -> Result<ImportCounts> {
        let counts = self.counts;
        self.txn.commit().await?;
        self.store
            .audit()
            .record(
                &self.caller,
                "unit.import",
                "unit",
                None,
                format!(
                    "导入企业名录“{source}”：新增{}，更新{}，未变{}，拒绝{rejected}",
                    counts.imported, counts.updated, counts.unchanged
                ),
            )
            .await?;
        if counts.imported + counts.updated >= 10_000 {
            self.store.refresh_statistics().await;
        }
        Ok(counts)
    }

    pub async fn rollback(self) -> Result<()> {
        self.txn.rollback().await.map_err(StoreError::from)
    }
}

impl Registry<'_> {
    pub async fn begin_import(self, caller: &Caller, demo: bool) -> Result<EnterpriseImport> {
        self.store.require(caller, Action::Import)?;
        Ok(EnterpriseImport {
            store: self.store.clone(),
            caller: caller.clone(),
            txn: self.store.db().begin().await?,
            parks: HashMap::new(),
            counts: ImportCounts::default(),
            demo,
        })
    }
}
