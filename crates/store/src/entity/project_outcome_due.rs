use sea_orm::entity::prelude::*;

super::model! {
    /// The day of the following year by which a round's projects report a year's outcomes.
    #[derive(Eq)]
    table "project_outcome_due" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub round_id: i64,
        pub due_month: i32,
        pub due_day: i32,
        pub set_by: String,
        pub set_at: DateTimeUtc,
    }
}
