use sea_orm::entity::prelude::*;

super::model! {
    /// Freshness of a derived table: triggers on its sources bump `version`; a rebuild records
    /// the version and day it was built from. Stale when either differs.
    #[derive(Eq)]
    table "derived_state" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub name: String,
        pub version: i64,
        pub built_version: i64,
        pub built_for: Option<Date>,
    }
}
