use qunlian_domain::services::RequestState;
use sea_orm::entity::prelude::*;

super::model! {
    /// A request (工单) of an enterprise for a catalogue item.
    #[derive(Eq)]
    table "service_requests" {
        id,
        #[sea_orm(indexed)]
        pub item_id: i64,
        #[sea_orm(indexed)]
        pub unit_id: i64,
        /// The department handling it now (changes on transfer).
        #[sea_orm(indexed)]
        pub department_id: i64,
        pub officer: Option<String>,
        pub title: String,
        pub detail: String,
        /// Stored as its code: "open", "waiting" (待补材料, clock paused), "done", "rejected".
        #[sea_orm(indexed)]
        pub state: RequestState,
        /// The time limit as the catalogue said when it was filed.
        pub limit_unit: String,
        pub limit_n: i32,
        pub filed_by: String,
        pub filed_at: DateTimeUtc,
        pub done_at: Option<DateTimeUtc>,
        pub result: Option<String>,
        pub escalated_at: Option<DateTimeUtc>,
        pub rating: Option<i16>,
        pub rating_comment: Option<String>,
        pub rated_at: Option<DateTimeUtc>,
        pub is_demo: bool,
        /// Derived when the request is finished: office minutes it took, pauses excluded, and
        /// whether that was within its limit. Reports read these instead of replaying events.
        pub elapsed_minutes: Option<i64>,
        pub on_time: Option<bool>,
    }
}
