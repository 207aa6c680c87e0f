use sea_orm::entity::prelude::*;

super::model! {
    /// A Party organisation asked for its opinion in a talent selection, and its answer.
    #[derive(Eq)]
    table "talent_selection_opinions" {
        id,
        #[sea_orm(indexed)]
        pub selection_id: i64,
        pub party_org_id: i64,
        pub asked_on: Date,
        pub opinion: String,
        pub answered_on: Option<Date>,
        pub recorded_by: String,
    }
    stamps is_demo, created_at
}
