use sea_orm::entity::prelude::*;

super::model! {
    /// A reviewer assigned to an application, by the automatic proposal or by the officer.
    #[derive(Eq)]
    table "project_assignments" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub application_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub reviewer_id: i64,
        /// Proposed automatically (and kept by the officer) rather than chosen by hand.
        pub automatic: bool,
        pub at: DateTimeUtc,
    }
}
