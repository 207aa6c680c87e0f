use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use qunlian_domain::RegionCode;
use qunlian_domain::matching::SearchIndex;
use qunlian_store::Store;

/// What the web layer needs to know about its deployment.
#[derive(Clone, Debug)]
pub struct Config {
    /// The district the platform is run for: imports resolve town names inside it.
    pub district: RegionCode,
    pub session_minutes: i64,
    /// Set when served behind HTTPS; government intranets often serve plain HTTP.
    pub secure_cookies: bool,
    /// Shown in the header so that nobody mistakes demo figures for real ones.
    pub demo: bool,
    /// The address people outside reach the platform at (`https://qunlian.example.gov.cn`,
    /// no trailing slash), for links sent to them such as the rating link; when None, the
    /// address the page was requested at.
    pub public_url: Option<String>,
    /// Reverse proxies whose `X-Forwarded-For` is believed (`--trusted-proxy`): the client's
    /// address, for the login throttle and the audit log, is read from that header only when
    /// the connection comes from one of these. Empty: the peer's address, header ignored.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

/// What the page of an import job shows beside the job's row: the file's headers and the
/// rows refused, for the preview and the rejects download. Kept in memory for a while; the
/// job itself (progress, counts) is in the database.
pub struct ImportExtras {
    pub user_id: i64,
    pub headers: Vec<String>,
    pub ignored_columns: Vec<String>,
    pub sample: Vec<(usize, String, String, String)>,
    pub rejects: Vec<qunlian_io::enterprises::Reject>,
    pub created: std::time::Instant,
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    pub(crate) imports: Arc<Mutex<HashMap<i64, ImportExtras>>>,
    /// The listings' search index (derived from the database; see `Matching::sync_index`).
    pub index: Option<Arc<dyn SearchIndex>>,
    /// Login attempts per address (`auth::LoginThrottle`).
    pub(crate) login_throttle: Arc<crate::auth::LoginThrottle>,
}

impl AppState {
    pub fn new(store: Store, config: Config) -> AppState {
        AppState {
            store,
            config: Arc::new(config),
            imports: Arc::default(),
            index: None,
            login_throttle: Arc::default(),
        }
    }

    pub fn with_index(mut self, index: Arc<dyn SearchIndex>) -> AppState {
        self.index = Some(index);
        self
    }

    pub(crate) fn index(&self) -> Result<&dyn SearchIndex, crate::error::WebError> {
        self.index.as_deref().ok_or_else(|| {
            crate::error::WebError::Invalid("搜索索引未启用：请用 qunlian serve 或 qunlian demo 启动".into())
        })
    }

    /// Applies the changes recorded since the index last looked: after a page's own write,
    /// so its author finds the change at once, and every quarter second for other writers.
    /// Best effort: a failure is logged and the next sync retries.
    pub async fn sync_index(&self) {
        if let Some(index) = &self.index
            && let Err(e) = self.store.matching().sync_index(index.as_ref()).await
        {
            tracing::warn!(error = %e, "search index sync failed");
        }
    }
}
