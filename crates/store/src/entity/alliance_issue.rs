use qunlian_domain::bodies::IssueState;
use sea_orm::entity::prelude::*;

super::model! {
    /// An issue raised in an alliance for 问题协商, owned by a department until answered.
    #[derive(Eq)]
    table "alliance_issues" {
        id,
        pub alliance_id: i64,
        pub title: String,
        pub detail: String,
        pub raised_by_unit_id: i64,
        pub raised_on: Date,
        #[sea_orm(indexed)]
        pub owner_unit_id: Option<i64>,
        pub state: IssueState,
        pub due_on: Option<Date>,
        pub resolved_on: Option<Date>,
        pub answer: String,
        pub recorded_by: String,
    }
    stamps is_demo, created_at, updated_at
}
