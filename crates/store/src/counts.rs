//! Counts of long lists, kept between requests.
//!
//! The enterprise list shows its total ("共 226,000 家"). Counting a district's 226,000 rows
//! reads the whole covering index: 40 ms on SQLite, on every request, which under 64
//! concurrent clients held the list at 48 requests/s on two cores (docs/benchmarks.md). The
//! count of one query is kept here with the data version it was taken at and given again
//! while the version is unchanged.
//!
//! The version is `(MAX(units.id), MAX(audit_log.id))`, two index look-ups: a new unit moves
//! the first, and every change to a unit is recorded in the audit log after it is written
//! (the charter's rule, which `Audit::record` serves), so it moves the second, whichever
//! process made it (the server, `qunlian import`). A count older than [`MAX_AGE`] is taken
//! again all the same, so a write that forgot its audit entry is seen within that time.
//! Only conditions on the units table alone are kept (the caller decides): a count that
//! depends on memberships or coverage is taken every time.
//!
//! The pages of such a list are kept the same way ([`PageCache`]): 64 clients reading the
//! district's first page each had the database hand 50 wide rows across to the server,
//! which decoded them and decrypted 50 phones to mask them — the same page, at the same
//! version, every time. Each request still reads the version (one small statement), so a
//! page is never given again once the data moved.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, Statement};

use crate::{Result, Store};

/// The longest a count is given again without being taken anew.
pub const MAX_AGE: Duration = Duration::from_secs(30);

/// More distinct queries than this (searches by name, each its own) and the cache starts
/// over instead of growing.
const MAX_ENTRIES: usize = 4096;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Version {
    units: i64,
    audit: i64,
}

impl Version {
    /// Both are ids that only grow: a count taken at a later version is at least as fresh.
    fn covers(self, other: Version) -> bool {
        self.units >= other.units && self.audit >= other.audit
    }
}

struct Cached {
    version: Version,
    total: u64,
    taken: Instant,
}

/// One slot per query; its lock makes concurrent requests for the same count wait for the
/// one that takes it instead of all counting at once.
type Slot = Arc<tokio::sync::Mutex<Option<Cached>>>;

#[derive(Default)]
pub(crate) struct CountCache {
    slots: Mutex<HashMap<String, Slot>>,
}

impl std::fmt::Debug for CountCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CountCache")
    }
}

/// The key of a query: its SQL and its bound values.
pub(crate) fn key_of(query: &Statement) -> String {
    format!("{}\u{1f}{:?}", query.sql, query.values)
}

/// More distinct pages than this and the page cache starts over; with at most
/// [`MAX_KEPT_PER_PAGE`] rows a page that is a few megabytes at the most.
const MAX_PAGES: usize = 256;

/// Larger pages (the exports read 500 at a time, once) are not kept.
pub(crate) const MAX_KEPT_PER_PAGE: u64 = 100;

struct KeptPage<T> {
    version: Version,
    taken: Instant,
    items: Arc<Vec<T>>,
}

/// Pages of a list by their query, with the data version they were read at.
pub(crate) struct PageCache<T> {
    slots: Mutex<HashMap<String, KeptPage<T>>>,
}

impl<T> Default for PageCache<T> {
    fn default() -> Self {
        PageCache { slots: Mutex::new(HashMap::new()) }
    }
}

impl<T> std::fmt::Debug for PageCache<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PageCache")
    }
}

impl<T> PageCache<T> {
    /// The page `key` read at a version at least as new as `current`, and not older than
    /// [`MAX_AGE`].
    pub(crate) fn get(&self, key: &str, current: Version) -> Option<Arc<Vec<T>>> {
        let slots = self.slots.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let kept = slots.get(key)?;
        (kept.version.covers(current) && kept.taken.elapsed() < MAX_AGE).then(|| kept.items.clone())
    }

    pub(crate) fn put(&self, key: String, version: Version, items: Arc<Vec<T>>) {
        let mut slots = self.slots.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if slots.len() >= MAX_PAGES && !slots.contains_key(&key) {
            slots.clear();
        }
        slots.insert(key, KeptPage { version, taken: Instant::now(), items });
    }
}

impl CountCache {
    fn slot(&self, key: &str) -> Slot {
        let mut slots = self.slots.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(slot) = slots.get(key) {
            return slot.clone();
        }
        if slots.len() >= MAX_ENTRIES {
            slots.clear();
        }
        slots.entry(key.to_owned()).or_default().clone()
    }
}

/// The version's two look-ups as columns a query can carry along (`qv_units`, `qv_audit`),
/// so a list reads its page and the version in one statement.
pub(crate) const VERSION_COLUMNS: [(&str, &str); 2] =
    [("(SELECT MAX(qv.id) FROM units qv)", "qv_units"), ("(SELECT MAX(qa.id) FROM audit_log qa)", "qv_audit")];

impl Version {
    /// The version carried by a row of a query that selected [`VERSION_COLUMNS`].
    pub(crate) fn from_row(row: &sea_orm::QueryResult) -> Version {
        let get = |c| row.try_get::<Option<i64>>("", c).ok().flatten().unwrap_or(0);
        Version { units: get(VERSION_COLUMNS[0].1), audit: get(VERSION_COLUMNS[1].1) }
    }
}

impl Store {
    pub(crate) async fn data_version(&self) -> Result<Version> {
        let sql = format!("SELECT {}, {}", VERSION_COLUMNS[0].0, VERSION_COLUMNS[1].0);
        let row = self.db().query_one_raw(Statement::from_string(self.backend(), sql)).await?;
        let get = |i| row.as_ref().and_then(|r| r.try_get_by_index::<Option<i64>>(i).ok().flatten()).unwrap_or(0);
        Ok(Version { units: get(0), audit: get(1) })
    }

    /// The count `query` identifies (its SQL and values), from the cache when the data has
    /// not changed since it was taken, else from `count`. `known` is the version when the
    /// caller has just read it with its page; otherwise it is read here.
    pub(crate) async fn cached_count<F>(&self, query: &Statement, known: Option<Version>, count: F) -> Result<u64>
    where
        F: std::future::Future<Output = Result<u64>>,
    {
        let key = key_of(query);
        let version = match known {
            Some(v) => v,
            None => self.data_version().await?,
        };
        let slot = self.counts.slot(&key);
        let mut cached = slot.lock().await;
        if let Some(c) = cached.as_ref()
            && c.version.covers(version)
            && c.taken.elapsed() < MAX_AGE
        {
            return Ok(c.total);
        }
        let total = count.await?;
        *cached = Some(Cached { version, total, taken: Instant::now() });
        Ok(total)
    }
}
