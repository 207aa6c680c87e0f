use sea_orm::entity::prelude::*;

super::model! {
    /// One of a town's mandatory actions (规定动作) for its 名誉村主任, due a number of days after the term starts.
    #[derive(Eq)]
    table "village_mandatory_actions" {
        id,
        #[sea_orm(indexed)]
        pub town_code: String,
        pub name: String,
        pub due_days: i32,
        pub position: i32,
        pub recorded_by: String,
    }
    stamps is_demo, created_at
}
