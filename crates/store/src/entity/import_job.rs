use sea_orm::entity::prelude::*;

super::model! {
    /// One import of a register: who ran it, how far it got, what it found. Its rows wait in
    /// `import_staging` until it is applied in short transactions (docs/decisions/0006).
    #[derive(Eq)]
    table "import_jobs" {
        id,
        pub kind: String,
        pub user_id: Option<i64>,
        pub username: String,
        pub ip: Option<String>,
        /// The caller's town range when the import began ([low, high) of `town_code`), so a
        /// resumed apply keeps to the same scope; both empty for the whole deployment.
        pub scope_low: String,
        pub scope_high: String,
        pub source: String,
        /// reading → staged → applying → done; or failed / cancelled.
        pub state: String,
        pub total_hint: i64,
        pub read_rows: i64,
        pub staged_rows: i64,
        pub applied_rows: i64,
        pub imported: i64,
        pub updated: i64,
        pub unchanged: i64,
        pub rejected: i64,
        pub message: Option<String>,
    }
    stamps is_demo, created_at, updated_at
}
