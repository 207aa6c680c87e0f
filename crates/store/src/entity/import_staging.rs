use sea_orm::entity::prelude::*;

super::model! {
    /// A checked row of an import waiting to be applied: the unit's columns as they will be
    /// written, the existing unit it updates (if any) and the audit text naming what changes.
    #[derive(Eq)]
    table "import_staging" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub job_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub seq: i64,
        pub line: i64,
        pub unit_id: Option<i64>,
        pub kind: String,
        pub name: String,
        pub uscc: String,
        pub town_code: String,
        pub park_id: Option<i64>,
        pub industry_code: Option<String>,
        pub employees: Option<i32>,
        pub high_tech: bool,
        pub above_scale: bool,
        pub srdi: i16,
        pub listed: bool,
        pub key_project: bool,
        pub founded_on: Option<Date>,
        pub address: Option<String>,
        pub contact_name: Option<String>,
        pub contact_phone_enc: Option<String>,
        pub contact_phone_bidx: Option<String>,
        pub row_hash: String,
        pub is_demo: bool,
        pub changes: Option<String>,
    }
}
