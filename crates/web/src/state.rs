use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use qunlian_domain::RegionCode;
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
}

/// An uploaded file parsed and waiting for the user to confirm, kept for a short while.
pub struct PendingImport {
    pub user_id: i64,
    pub file_name: String,
    pub rows: Vec<qunlian_domain::registry::EnterpriseInput>,
    pub lines: Vec<usize>,
    pub headers: Vec<String>,
    pub rejects: Vec<qunlian_io::enterprises::Reject>,
    pub created: std::time::Instant,
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    pub(crate) imports: Arc<Mutex<HashMap<String, PendingImport>>>,
}

impl AppState {
    pub fn new(store: Store, config: Config) -> AppState {
        AppState { store, config: Arc::new(config), imports: Arc::default() }
    }
}
