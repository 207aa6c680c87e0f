use sea_orm::entity::prelude::*;

super::model! {
    /// A talent apartment (人才公寓) with its Party service point.
    #[derive(Eq)]
    table "talent_apartments" {
        id,
        pub name: String,
        #[sea_orm(indexed)]
        pub town_code: String,
        pub address: String,
        pub managing_org: String,
        pub service_point: String,
        pub recorded_by: String,
    }
    stamps is_demo, created_at
}
