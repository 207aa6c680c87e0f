use sea_orm::entity::prelude::*;

super::model! {
    #[derive(Eq)]
    table "alliance_members" {
        id,
        #[sea_orm(unique_key = "alliance_unit")]
        pub alliance_id: i64,
        #[sea_orm(unique_key = "alliance_unit", indexed)]
        pub unit_id: i64,
    }
}
