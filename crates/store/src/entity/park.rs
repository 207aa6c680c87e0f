use sea_orm::entity::prelude::*;

super::model! {
    #[derive(Eq)]
    table "parks" {
        id,
        pub name: String,
        #[sea_orm(indexed)]
        pub town_code: String,
        pub parent_id: Option<i64>,
    }
    stamps is_demo
}
