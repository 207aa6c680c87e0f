//! The store's connection: the pool, or one transaction that several of the store's own
//! operations share ([`Store::atomically`]). Every query of the store goes through
//! `Store::db()`, so a store handed a transaction runs the registry's edits, their audit
//! lines and whatever else the caller strings together as one unit of work, with the same
//! code that runs them one by one.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, ExecResult, IsolationLevel,
    QueryResult, SqliteTransactionMode, Statement, TransactionError, TransactionOptions, TransactionTrait,
};

use crate::{Result, Store, StoreError};

#[derive(Clone, Debug)]
pub(crate) enum Conn {
    Pool(DatabaseConnection),
    /// Shared by the clones of the store made for one unit of work; committed by
    /// [`Store::atomically`] once they are gone.
    Txn(Arc<DatabaseTransaction>),
}

#[async_trait::async_trait]
impl ConnectionTrait for Conn {
    fn get_database_backend(&self) -> DbBackend {
        match self {
            Conn::Pool(db) => db.get_database_backend(),
            Conn::Txn(t) => t.get_database_backend(),
        }
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        match self {
            Conn::Pool(db) => db.execute_raw(stmt).await,
            Conn::Txn(t) => t.execute_raw(stmt).await,
        }
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        match self {
            Conn::Pool(db) => db.execute_unprepared(sql).await,
            Conn::Txn(t) => t.execute_unprepared(sql).await,
        }
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        match self {
            Conn::Pool(db) => db.query_one_raw(stmt).await,
            Conn::Txn(t) => t.query_one_raw(stmt).await,
        }
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        match self {
            Conn::Pool(db) => db.query_all_raw(stmt).await,
            Conn::Txn(t) => t.query_all_raw(stmt).await,
        }
    }
}

/// A transaction begun inside a unit of work is a savepoint of it.
#[async_trait::async_trait]
impl TransactionTrait for Conn {
    type Transaction = DatabaseTransaction;

    async fn begin(&self) -> Result<DatabaseTransaction, DbErr> {
        match self {
            Conn::Pool(db) => db.begin().await,
            Conn::Txn(t) => t.begin().await,
        }
    }

    async fn begin_with_config(
        &self,
        isolation_level: Option<IsolationLevel>,
        access_mode: Option<AccessMode>,
    ) -> Result<DatabaseTransaction, DbErr> {
        match self {
            Conn::Pool(db) => db.begin_with_config(isolation_level, access_mode).await,
            Conn::Txn(t) => t.begin_with_config(isolation_level, access_mode).await,
        }
    }

    async fn begin_with_options(&self, options: TransactionOptions) -> Result<DatabaseTransaction, DbErr> {
        match self {
            Conn::Pool(db) => db.begin_with_options(options).await,
            Conn::Txn(t) => t.begin_with_options(options).await,
        }
    }

    async fn transaction<F, T, E>(&self, callback: F) -> Result<T, TransactionError<E>>
    where
        F: for<'c> FnOnce(&'c DatabaseTransaction) -> Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>> + Send,
        T: Send,
        E: std::fmt::Display + std::fmt::Debug + Send,
    {
        match self {
            Conn::Pool(db) => db.transaction(callback).await,
            Conn::Txn(t) => t.transaction(callback).await,
        }
    }

    async fn transaction_with_config<F, T, E>(
        &self,
        callback: F,
        isolation_level: Option<IsolationLevel>,
        access_mode: Option<AccessMode>,
    ) -> Result<T, TransactionError<E>>
    where
        F: for<'c> FnOnce(&'c DatabaseTransaction) -> Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>> + Send,
        T: Send,
        E: std::fmt::Display + std::fmt::Debug + Send,
    {
        match self {
            Conn::Pool(db) => db.transaction_with_config(callback, isolation_level, access_mode).await,
            Conn::Txn(t) => t.transaction_with_config(callback, isolation_level, access_mode).await,
        }
    }
}

impl Store {
    /// Runs `work` on a store whose every query, write and audit line goes through one
    /// transaction: committed when `work` returns `Ok`, rolled back on an error, so either
    /// all of it happened or none. On SQLite the transaction takes the write lock when it
    /// begins (`BEGIN IMMEDIATE`): a second unit of work waits for the first to finish and
    /// then sees what it did, instead of failing on a stale snapshot. `work` must not keep
    /// the store it is given (or a clone) beyond its end.
    pub(crate) async fn atomically<T, F, Fut>(&self, work: F) -> Result<T>
    where
        F: FnOnce(Store) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let options = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        };
        let txn = Arc::new(self.db().begin_with_options(options).await?);
        let inner = Store { db: Conn::Txn(Arc::clone(&txn)), ..self.clone() };
        let out = work(inner).await;
        let txn = Arc::try_unwrap(txn)
            .map_err(|_| StoreError::Db(DbErr::Custom("a unit of work kept its store beyond its end".to_owned())))?;
        match out {
            Ok(v) => {
                txn.commit().await?;
                Ok(v)
            }
            Err(e) => {
                txn.rollback().await?;
                Err(e)
            }
        }
    }
}
