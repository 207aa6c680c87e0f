use sea_orm::entity::prelude::*;

super::model! {
    /// A decision of an alliance meeting and its follow-up: who, by when, done when.
    #[derive(Eq)]
    table "alliance_decisions" {
        id,
        #[sea_orm(indexed)]
        pub alliance_id: i64,
        #[sea_orm(indexed)]
        pub meeting_id: i64,
        pub content: String,
        pub owner_unit_id: i64,
        pub due_on: Option<Date>,
        pub done_on: Option<Date>,
        pub done_note: String,
    }
    stamps is_demo, created_at
}
