use sea_orm::entity::prelude::*;

super::model! {
    /// A member unit that attended an alliance meeting.
    #[derive(Eq)]
    table "alliance_meeting_units" {
        id,
        #[sea_orm(indexed)]
        pub meeting_id: i64,
        pub unit_id: i64,
    }
}
