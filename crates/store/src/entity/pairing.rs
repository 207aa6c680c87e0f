use qunlian_domain::registry::PairingKind;
use sea_orm::entity::prelude::*;

super::model! {
    #[derive(Eq)]
    table "pairings" {
        id,
        pub kind: PairingKind,
        #[sea_orm(indexed)]
        pub a_unit_id: i64,
        #[sea_orm(indexed)]
        pub b_unit_id: Option<i64>,
        pub b_name: Option<String>,
        pub started_on: Option<Date>,
        pub ended_on: Option<Date>,
        pub content: String,
    }
    stamps is_demo
}
