use sea_orm::entity::prelude::*;

super::model! {
    /// A declared conflict, or the officer's pin (conflict or clear), with its reason.
    #[derive(Eq)]
    table "project_conflicts" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub application_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub reviewer_id: i64,
        /// "declared", "pin_conflict" or "pin_clear".
        #[sea_orm(primary_key, auto_increment = false)]
        pub kind: String,
        pub reason: String,
        pub by_user: String,
        pub at: DateTimeUtc,
    }
}
