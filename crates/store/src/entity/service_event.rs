use qunlian_domain::services::EventKind;
use sea_orm::entity::prelude::*;

super::model! {
    /// Everything that happened to a request, in order; pauses and stage times are read from it.
    #[derive(Eq)]
    table "service_events" {
        id,
        #[sea_orm(indexed)]
        pub request_id: i64,
        pub at: DateTimeUtc,
        pub actor: String,
        /// filed, assigned, stage_started, stage_finished, paused, resumed, transferred, comment,
        /// done, rejected, escalated, rated.
        pub kind: EventKind,
        pub stage: Option<String>,
        pub department_id: Option<i64>,
        pub detail: String,
    }
}
