use qunlian_domain::bodies::MeetingKind;
use sea_orm::entity::prelude::*;

super::model! {
    /// A meeting of an alliance (联席会议, 联建会议).
    #[derive(Eq)]
    table "alliance_meetings" {
        id,
        pub alliance_id: i64,
        pub kind: MeetingKind,
        pub held_on: Date,
        pub subject: String,
        pub summary: String,
        pub recorded_by: String,
    }
    stamps is_demo, created_at
}
