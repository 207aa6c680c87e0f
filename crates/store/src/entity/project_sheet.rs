use sea_orm::entity::prelude::*;

super::model! {
    /// A reviewer's score sheet for one application; JSON maps keyed by criterion.
    #[derive(Eq)]
    table "project_sheets" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub application_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub reviewer_id: i64,
        pub scores: String,
        pub vetoes: String,
        pub comments: String,
        /// Set when the reviewer submits; a change after it is audited.
        pub submitted_at: Option<DateTimeUtc>,
    }
    stamps updated_at
}
