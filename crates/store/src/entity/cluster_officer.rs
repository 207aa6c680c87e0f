use qunlian_domain::registry::OfficerRole;
use sea_orm::entity::prelude::*;

super::model! {
    #[derive(Eq)]
    table "cluster_officers" {
        id,
        #[sea_orm(indexed)]
        pub cluster_id: i64,
        pub name: String,
        pub role: OfficerRole,
        pub title: String,
        pub seconded_from: Option<i64>,
        pub phone_enc: Option<String>,
        pub phone_bidx: Option<String>,
        pub since: Option<Date>,
    }
}
