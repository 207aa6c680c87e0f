use sea_orm::entity::prelude::*;

super::model! {
    /// A registered unit that took part in an activity: a source of its work coverage.
    #[derive(Eq)]
    table "activity_units" {
        id,
        pub activity_id: i64,
        #[sea_orm(indexed)]
        pub unit_id: i64,
    }
}
