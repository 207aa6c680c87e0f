use sea_orm::entity::prelude::*;

super::model! {
    /// A member named as present at an activity.
    #[derive(Eq)]
    table "activity_attendees" {
        id,
        pub activity_id: i64,
        #[sea_orm(indexed)]
        pub member_id: i64,
    }
}
