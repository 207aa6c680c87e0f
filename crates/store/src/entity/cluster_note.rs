use sea_orm::entity::prelude::*;

super::model! {
    #[derive(Eq)]
    table "cluster_notes" {
        id,
        #[sea_orm(indexed)]
        pub cluster_id: i64,
        pub text: String,
        pub source: Option<String>,
        pub on_date: Option<Date>,
    }
}
