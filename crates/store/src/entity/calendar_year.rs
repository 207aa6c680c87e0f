use sea_orm::entity::prelude::*;

super::model! {
    /// A year whose schedule is loaded, with where it came from.
    #[derive(Eq)]
    table "calendar_years" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub year: i32,
        /// The notice the schedule comes from (the file's comment lines).
        pub source: String,
        pub loaded_by: String,
        pub loaded_at: DateTimeUtc,
    }
}
