use qunlian_domain::bodies::Checker;
use sea_orm::entity::prelude::*;

super::model! {
    /// A line of a nominee's 五有 checklist, recorded by the 综合工作党委 or the chamber; the latest per item and checker counts.
    #[derive(Eq)]
    table "village_head_checks" {
        id,
        #[sea_orm(indexed)]
        pub head_id: i64,
        pub item_id: i64,
        pub checker: Checker,
        pub passed: bool,
        pub note: String,
        pub checked_on: Date,
        pub recorded_by: String,
    }
    stamps is_demo, created_at
}
