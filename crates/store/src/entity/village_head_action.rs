use qunlian_domain::bodies::ActionKind;
use sea_orm::entity::prelude::*;

super::model! {
    /// An action of a 名誉村主任: mandatory (from the town's list) or chosen, with its due day, evidence and completion.
    #[derive(Eq)]
    table "village_head_actions" {
        id,
        #[sea_orm(indexed)]
        pub head_id: i64,
        pub kind: ActionKind,
        pub mandatory_id: Option<i64>,
        pub title: String,
        pub due_on: Date,
        pub evidence: String,
        pub done_on: Option<Date>,
        pub recorded_by: String,
    }
    stamps is_demo, created_at, updated_at
}
