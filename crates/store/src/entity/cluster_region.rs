use sea_orm::entity::prelude::*;

super::model! {
    #[derive(Eq)]
    table "cluster_regions" {
        id,
        #[sea_orm(unique_key = "cluster_region")]
        pub cluster_id: i64,
        #[sea_orm(unique_key = "cluster_region")]
        pub region_code: String,
    }
}
