use qunlian_domain::projects::ReviewSide;
use sea_orm::entity::prelude::*;

super::model! {
    /// A reviewer of a round: a user of one of the three departments, with a load cap.
    #[derive(Eq)]
    table "project_reviewers" {
        id,
        #[sea_orm(indexed)]
        pub round_id: i64,
        pub user_id: i64,
        pub side: ReviewSide,
        /// The unit the reviewer works for (his department, or an enterprise for an outside expert).
        pub unit_id: Option<i64>,
        pub cap: i32,
    }
    stamps created_at
}
