use qunlian_domain::projects::SupportKind;
use sea_orm::entity::prelude::*;

super::model! {
    /// Support granted to a decided project, linked to its record: a policy, a service request
    /// on the fast lane, or Party resources described in words.
    #[derive(Eq)]
    table "project_support" {
        id,
        #[sea_orm(indexed)]
        pub application_id: i64,
        pub kind: SupportKind,
        pub policy_id: Option<i64>,
        pub request_id: Option<i64>,
        pub description: String,
        pub granted_by: String,
        pub granted_at: DateTimeUtc,
    }
    stamps is_demo
}
