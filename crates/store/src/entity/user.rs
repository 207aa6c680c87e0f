use qunlian_domain::auth::Role;
use sea_orm::entity::prelude::*;

super::model! {
    #[derive(Eq)]
    table "users" {
        id,
        #[sea_orm(unique)]
        pub username: String,
        pub display_name: String,
        pub password_hash: String,
        pub role: Role,
        pub scope_kind: String,
        pub scope_value: Option<String>,
        pub failed_logins: i32,
        pub locked_until: Option<DateTimeUtc>,
        pub must_change_password: bool,
        pub disabled: bool,
        pub created_at: DateTimeUtc,
        pub last_login_at: Option<DateTimeUtc>,
        /// Raised to end every session of the account (see migration 11).
        #[sea_orm(default_value = 0)]
        pub session_epoch: i32,
    }
}
