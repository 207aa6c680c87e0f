use sea_orm::entity::prelude::*;

super::model! {
    /// A patent reported in an outcome report: its number, title and date.
    #[derive(Eq)]
    table "project_patents" {
        id,
        #[sea_orm(indexed)]
        pub outcome_id: i64,
        #[sea_orm(indexed)]
        pub application_id: i64,
        pub number: String,
        pub title: String,
        pub granted_on: Date,
    }
}
