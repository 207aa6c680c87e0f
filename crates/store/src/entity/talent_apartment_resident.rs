use sea_orm::entity::prelude::*;

super::model! {
    /// An enterprise whose staff live in a talent apartment.
    #[derive(Eq)]
    table "talent_apartment_residents" {
        id,
        #[sea_orm(indexed)]
        pub apartment_id: i64,
        pub unit_id: i64,
    }
}
