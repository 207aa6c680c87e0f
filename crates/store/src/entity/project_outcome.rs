use qunlian_domain::projects::OutcomeState;
use sea_orm::entity::prelude::*;

super::model! {
    /// A project's yearly outcome report (成果报告), filed by the applicant, checked by the officer.
    table "project_outcomes" {
        id,
        #[sea_orm(indexed)]
        pub application_id: i64,
        pub year: i32,
        /// 万元.
        pub output: Option<f64>,
        /// Percentage points gained.
        pub market_share: Option<f64>,
        pub yield_rate: Option<f64>,
        pub labour_saved: Option<i32>,
        /// JSON array of the Party members involved, by name.
        pub members: String,
        pub note: String,
        pub state: OutcomeState,
        pub check_note: Option<String>,
        pub filed_by: String,
        pub filed_at: DateTimeUtc,
        pub checked_by: Option<String>,
        pub checked_at: Option<DateTimeUtc>,
    }
    stamps is_demo
}
