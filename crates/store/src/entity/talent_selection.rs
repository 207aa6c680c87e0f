use qunlian_domain::bodies::{SelectionState, TalentKind};
use sea_orm::entity::prelude::*;

super::model! {
    /// A candidate in a talent selection (领军人才 …) whose local Party organisations' opinion is asked before the decision.
    #[derive(Eq)]
    table "talent_selections" {
        id,
        #[sea_orm(indexed)]
        pub town_code: String,
        pub kind: TalentKind,
        pub year: i32,
        pub candidate: String,
        pub enterprise_unit_id: i64,
        pub state: SelectionState,
        pub decision_note: String,
        pub decided_on: Option<Date>,
        pub recorded_by: String,
    }
    stamps is_demo, created_at, updated_at
}
