use sea_orm::entity::prelude::*;

super::model! {
    /// One category × town of a snapshot, with the category's name and target as they were.
    table "coverage_snapshot_rows" {
        id,
        #[sea_orm(indexed)]
        pub snapshot_id: i64,
        #[sea_orm(indexed)]
        pub category_id: i64,
        pub category_name: String,
        pub target_pct: f64,
        pub town_code: String,
        pub total: i64,
        pub own_org: i64,
        pub joint_org: i64,
        pub work_only: i64,
        pub uncovered: i64,
    }
}
