//! What `qunlian backup` and `qunlian restore` need from the database itself: a consistent
//! copy of a SQLite database taken while the server runs, and the figures a restore is
//! checked by (rows per table; whether the encrypted personal data opens with the key).
//!
//! PostgreSQL is copied by its own tools (pg_dump -Fc, pg_restore), run by the command.

use std::path::Path;

use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::{Result, Store, StoreError};

/// Rows per table, and how many encrypted values opened with this store's key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inventory {
    /// (table, rows), by table name.
    pub tables: Vec<(String, u64)>,
    /// Encrypted phone and ID numbers looked at (enterprise contacts, cluster officers, members), at most
    /// [`Inventory::SAMPLE`] of each.
    pub encrypted: u64,
    /// Of those, the ones that decrypted.
    pub decrypted: u64,
}

impl Inventory {
    pub const SAMPLE: u64 = 10_000;

    pub fn rows(&self, table: &str) -> u64 {
        self.tables.iter().find(|(t, _)| t == table).map_or(0, |(_, n)| *n)
    }
}

/// The columns holding data encrypted with the master key.
const ENCRYPTED: [(&str, &str); 4] = [
    ("units", "contact_phone_enc"),
    ("cluster_officers", "phone_enc"),
    ("members", "id_number_enc"),
    ("members", "phone_enc"),
];

impl Store {
    /// Writes a consistent copy of this SQLite database to `to` (`VACUUM INTO`: one read
    /// transaction, so writers go on meanwhile and the copy is the state at one moment,
    /// compacted). Refuses a file that exists.
    pub async fn sqlite_snapshot(&self, to: &Path) -> Result<()> {
        if self.backend() != DbBackend::Sqlite {
            return Err(StoreError::invalid("备份", "此方法只用于 SQLite；PostgreSQL 用 pg_dump"));
        }
        if to.exists() {
            return Err(StoreError::invalid("备份文件", format!("{} 已存在，不覆盖", to.display())));
        }
        let path = to.to_str().ok_or_else(|| StoreError::invalid("备份文件", "路径应为 UTF-8"))?;
        let sql = format!("VACUUM INTO '{}'", path.replace('\'', "''"));
        self.db().execute_unprepared(&sql).await?;
        Ok(())
    }

    /// Every table's row count, and whether the stored phone numbers decrypt.
    pub async fn inventory(&self) -> Result<Inventory> {
        let list = match self.backend() {
            DbBackend::Postgres => {
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
            }
            _ => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        };
        let names: Vec<String> = self
            .db()
            .query_all_raw(Statement::from_string(self.backend(), list))
            .await?
            .iter()
            .filter_map(|r| r.try_get_by_index::<String>(0).ok())
            .collect();
        let mut tables = Vec::with_capacity(names.len());
        for name in names {
            // Names come from the catalogue; quoted all the same.
            let sql = format!("SELECT COUNT(*) FROM \"{}\"", name.replace('"', "\"\""));
            let row = self.db().query_one_raw(Statement::from_string(self.backend(), sql)).await?;
            let n = row.and_then(|r| r.try_get_by_index::<i64>(0).ok()).unwrap_or(0);
            tables.push((name, u64::try_from(n).unwrap_or(0)));
        }
        let (mut encrypted, mut decrypted) = (0, 0);
        for (table, column) in ENCRYPTED {
            if !tables.iter().any(|(t, _)| t == table) {
                continue;
            }
            let sql = format!(
                "SELECT {column} FROM {table} WHERE {column} IS NOT NULL ORDER BY id LIMIT {}",
                Inventory::SAMPLE
            );
            for row in self.db().query_all_raw(Statement::from_string(self.backend(), sql)).await? {
                let Ok(sealed) = row.try_get_by_index::<String>(0) else { continue };
                encrypted += 1;
                if self.crypto().decrypt(&sealed).is_ok() {
                    decrypted += 1;
                }
            }
        }
        Ok(Inventory { tables, encrypted, decrypted })
    }
}
