use sea_orm::entity::prelude::*;

super::model! {
    #[derive(Eq)]
    table "party_org_units" {
        id,
        #[sea_orm(unique_key = "org_unit")]
        pub party_org_id: i64,
        #[sea_orm(unique_key = "org_unit", indexed)]
        pub unit_id: i64,
        pub since: Option<Date>,
    }
}
