use sea_orm::entity::prelude::*;

super::model! {
    /// A secretary studio (书记工作室) or another titled carrier: a record projects and activities can name.
    #[derive(Eq)]
    table "secretary_studios" {
        id,
        #[sea_orm(indexed)]
        pub town_code: String,
        pub name: String,
        pub org: String,
        pub lead: String,
        pub recorded_by: String,
    }
    stamps is_demo, created_at
}
