use sea_orm::entity::prelude::*;

super::model! {
    /// An enterprise taking part in an application.
    #[derive(Eq)]
    table "project_application_units" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub application_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub unit_id: i64,
    }
}
