use qunlian_domain::activities::{ActivityKind, OrganiserKind};
use sea_orm::entity::prelude::*;

super::model! {
    /// An activity (组织生活和集群活动): who organised it, its type, day and place, and how
    /// many came. `cluster_id` and `town_code` are the cluster and town it counts for.
    #[derive(Eq)]
    table "activities" {
        id,
        pub organiser_kind: OrganiserKind,
        pub organiser_id: i64,
        pub cluster_id: Option<i64>,
        pub town_code: Option<String>,
        pub kind: ActivityKind,
        pub subject: String,
        pub held_on: Date,
        pub place: String,
        /// Participant count: typed, or the named members' number.
        pub headcount: i32,
        /// Whether the attendees are named (`activity_attendees`).
        pub named: bool,
        pub minutes: String,
        pub recorded_by: String,
        // The stamps spelled out: step 25 added the withdrawal after them.
        pub is_demo: bool,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        /// The day it was withdrawn (撤回): it stays on record but counts for nothing.
        pub withdrawn_on: Option<Date>,
        pub withdrawn_by: Option<String>,
        pub withdrawn_reason: Option<String>,
        /// The Party group (党小组) that held a 党小组会 (step 29).
        pub party_group_id: Option<i64>,
    }
}
