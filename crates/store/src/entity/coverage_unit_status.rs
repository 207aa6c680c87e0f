use sea_orm::entity::prelude::*;

super::model! {
    /// Derived: the status of every enterprise that is covered in some way, as of `derived_state`'s
    /// day. An enterprise with no row is uncovered. Rebuilt from the records, never edited.
    #[derive(Eq)]
    table "coverage_unit_status" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub unit_id: i64,
        #[sea_orm(indexed)]
        pub status: i16,
    }
}
