use sea_orm::entity::prelude::*;

super::model! {
    /// A score sheet of a two-stage round's concept review, moved here from `project_sheets`
    /// when the officer ends the concept stage (step 17).
    #[derive(Eq)]
    table "project_concept_sheets" {
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
