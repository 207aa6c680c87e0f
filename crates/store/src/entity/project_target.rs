use sea_orm::entity::prelude::*;

super::model! {
    /// A measurable goal of an application (patents, output, market share, yield, labour saved).
    table "project_targets" {
        id,
        #[sea_orm(indexed)]
        pub application_id: i64,
        pub metric: String,
        pub target: f64,
        pub position: i32,
    }
}
