use sea_orm::entity::prelude::*;

super::model! {
    /// A dated coverage snapshot; with its rows, immutable once taken (triggers refuse changes).
    #[derive(Eq)]
    table "coverage_snapshots" {
        id,
        /// The day the figures are as of.
        #[sea_orm(indexed)]
        pub as_of: Date,
        /// "manual" or "scheduled".
        pub trigger: String,
        pub taken_by: String,
        pub taken_at: DateTimeUtc,
    }
    stamps is_demo
}
