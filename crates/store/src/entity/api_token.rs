use sea_orm::entity::prelude::*;

super::model! {
    #[derive(Eq)]
    table "api_tokens" {
        id,
        #[sea_orm(indexed)]
        pub user_id: i64,
        pub name: String,
        #[sea_orm(unique)]
        pub token_hash: String,
        pub created_at: DateTimeUtc,
        pub last_used_at: Option<DateTimeUtc>,
        pub revoked: bool,
        pub expires_at: Option<DateTimeUtc>,
    }
}
