use sea_orm::entity::prelude::*;

super::model! {
    /// A fact or figure about a district (or town) from the reports, with its source.
    #[derive(Eq)]
    table "region_facts" {
        id,
        #[sea_orm(indexed)]
        pub region_code: String,
        pub text: String,
        pub source: Option<String>,
    }
    stamps is_demo, created_at
}
