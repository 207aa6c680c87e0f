use sea_orm::entity::prelude::*;

super::model! {
    #[derive(Eq)]
    table "cluster_members" {
        id,
        #[sea_orm(unique_key = "cluster_unit")]
        pub cluster_id: i64,
        #[sea_orm(unique_key = "cluster_unit", indexed)]
        pub unit_id: i64,
        pub role: String,
        pub joined_on: Option<Date>,
        pub left_on: Option<Date>,
    }
}
