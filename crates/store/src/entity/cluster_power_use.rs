use sea_orm::entity::prelude::*;

super::model! {
    /// One use of a cluster committee's power, with its outcome.
    #[derive(Eq)]
    table "cluster_power_uses" {
        id,
        pub power_id: i64,
        pub cluster_id: i64,
        pub used_on: Date,
        pub matter: String,
        pub concerned: String,
        pub outcome: String,
        pub recorded_by: String,
    }
    stamps is_demo, created_at
}
