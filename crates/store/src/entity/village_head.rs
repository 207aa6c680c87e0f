use qunlian_domain::bodies::{HeadIdentity, HeadState, PairingMode};
use sea_orm::entity::prelude::*;

super::model! {
    /// A 名誉村主任: nominated from a 两新 organisation, checked (五有), appointed to a village for a term.
    #[derive(Eq)]
    table "village_heads" {
        id,
        #[sea_orm(indexed)]
        pub town_code: String,
        pub person_name: String,
        #[sea_orm(indexed)]
        pub enterprise_unit_id: i64,
        pub identity: HeadIdentity,
        pub nominated_on: Date,
        pub state: HeadState,
        pub village_unit_id: Option<i64>,
        pub term_start: Option<Date>,
        pub term_end: Option<Date>,
        pub pairing: Option<PairingMode>,
        pub recorded_by: String,
    }
    stamps is_demo, created_at, updated_at
}
