use sea_orm::entity::prelude::*;

super::model! {
    /// A policy inside a pushed package, in the order chosen.
    #[derive(Eq)]
    table "policy_push_items" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub push_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub policy_id: i64,
        pub position: i32,
        /// Eligible enterprises of the scope on the day of the push.
        pub recipients: i64,
    }
}
