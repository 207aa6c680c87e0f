use sea_orm::entity::prelude::*;

super::model! {
    /// An activity held at a talent apartment's service point (a plain record until the activities capability links in).
    #[derive(Eq)]
    table "talent_apartment_activities" {
        id,
        #[sea_orm(indexed)]
        pub apartment_id: i64,
        pub held_on: Date,
        pub title: String,
        pub note: String,
        pub recorded_by: String,
    }
    stamps is_demo, created_at
}
