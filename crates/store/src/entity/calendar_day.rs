use qunlian_domain::calendar::DayKind;
use sea_orm::entity::prelude::*;

super::model! {
    /// A day of a year's holiday schedule that differs from the weekly pattern.
    #[derive(Eq)]
    table "calendar_days" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub day: Date,
        /// "holiday" or "workday" (调休上班).
        pub kind: DayKind,
        pub name: String,
    }
}
