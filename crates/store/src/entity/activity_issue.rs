use qunlian_domain::activities::IssueTarget;
use sea_orm::entity::prelude::*;

super::model! {
    /// An issue raised at an activity, with the need (listing) or service request it became.
    #[derive(Eq)]
    table "activity_issues" {
        id,
        #[sea_orm(indexed)]
        pub activity_id: i64,
        pub unit_id: i64,
        pub target: IssueTarget,
        pub title: String,
        pub listing_id: Option<i64>,
        pub service_request_id: Option<i64>,
        pub raised_by: String,
    }
    stamps is_demo, created_at
}
