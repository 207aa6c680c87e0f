use sea_orm::entity::prelude::*;

/// A score sheet's table: this one, and `project_concept_sheets`, where a two-stage round's
/// concept review keeps the same sheets.
macro_rules! score_sheet {
    ($(#[$meta:meta])* table $table:literal) => {
        super::model! {
            $(#[$meta])*
            #[derive(Eq)]
            table $table {
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
    };
}
pub(super) use score_sheet;

score_sheet! {
    /// A reviewer's score sheet for one application; JSON maps keyed by criterion.
    table "project_sheets"
}
