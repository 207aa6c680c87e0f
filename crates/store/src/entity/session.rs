use sea_orm::entity::prelude::*;

super::model! {
    #[derive(Eq)]
    table "sessions" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub data: String,
        #[sea_orm(indexed)]
        pub expires_at: i64,
    }
}
