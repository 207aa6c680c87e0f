use qunlian_domain::matching::IntroductionState;
use sea_orm::entity::prelude::*;

super::model! {
    /// Every change of an introduction's state, with who made it and when.
    table "introduction_events" {
        id,
        #[sea_orm(indexed)]
        pub introduction_id: i64,
        pub at: DateTimeUtc,
        pub actor: String,
        pub from_state: Option<IntroductionState>,
        pub to_state: IntroductionState,
        pub detail: String,
    }
}
