use sea_orm::entity::prelude::*;

super::model! {
    #[derive(Eq)]
    table "clusters" {
        id,
        pub name: String,
        pub short_name: String,
        pub industry_focus: String,
        /// GB/T 4754 codes separated by commas.
        pub industry_codes: String,
        pub town_code: String,
        pub structure: Option<String>,
        pub committee_org_id: Option<i64>,
        pub description: String,
        pub established_on: Option<Date>,
    }
    stamps is_demo, created_at, updated_at
}
