use sea_orm::entity::prelude::*;

super::model! {
    #[derive(Eq)]
    table "audit_log" {
        id,
        #[sea_orm(indexed)]
        pub at: DateTimeUtc,
        pub user_id: Option<i64>,
        pub username: String,
        pub action: String,
        pub target: String,
        pub target_id: Option<String>,
        pub detail: String,
        pub ip: Option<String>,
    }
}
