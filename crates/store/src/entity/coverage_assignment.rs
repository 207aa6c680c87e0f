use qunlian_domain::coverage::AssignmentState;
use sea_orm::entity::prelude::*;

super::model! {
    /// An entry of a responsibility list (责任清单): who closes a coverage gap, and by when.
    #[derive(Eq)]
    table "coverage_assignments" {
        id,
        #[sea_orm(indexed)]
        pub unit_id: i64,
        pub responsible_unit: String,
        pub instructor_name: Option<String>,
        pub due_on: Date,
        pub note: Option<String>,
        #[sea_orm(indexed)]
        pub state: AssignmentState,
        pub closed_on: Option<Date>,
        /// "covered" when the platform closed it because the enterprise got an organisation,
        /// "withdrawn" when a user closed it.
        pub closed_reason: Option<String>,
        pub created_by: String,
        // The stamps spelled out: step 29 added the register's instructor after them.
        pub is_demo: bool,
        pub created_at: DateTimeUtc,
        /// The register's instructor (`instructors`), when the name is one; else the name
        /// as typed (手填).
        pub instructor_id: Option<i64>,
    }
}
