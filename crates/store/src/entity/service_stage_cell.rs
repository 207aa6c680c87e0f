use sea_orm::entity::prelude::*;

super::model! {
    /// Derived: per item and stage, how many requests finished it and their office minutes in
    /// total; triggers on `service_stage_times` keep it (migration 8).
    #[derive(Eq)]
    table "service_stage_cells" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub item_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub stage: String,
        pub n: i64,
        pub minutes: i64,
    }
}
