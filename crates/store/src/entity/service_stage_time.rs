use sea_orm::entity::prelude::*;

super::model! {
    /// Derived: the office minutes one stage of a request took, from its last start to its
    /// finish, the pauses (待补材料) inside it not counted. Written when the stage is finished,
    /// recounted when a calendar year changes; the events stay the record.
    #[derive(Eq)]
    table "service_stage_times" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub request_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub stage: String,
        #[sea_orm(indexed)]
        pub item_id: i64,
        pub minutes: i64,
        pub started_at: DateTimeUtc,
        pub finished_at: DateTimeUtc,
    }
}
