use sea_orm::entity::prelude::*;

super::model! {
    /// One push of a policy or a package of policies to the eligible enterprises of a scope.
    #[derive(Eq)]
    table "policy_pushes" {
        id,
        /// The package's name as the pusher gave it.
        pub title: String,
        /// The pusher's own scope (kind and value as stored for accounts) …
        pub owner_scope_kind: String,
        pub owner_scope_value: Option<String>,
        /// … narrowed to a town ("town", code) or a cluster ("cluster", id), or not ("own").
        pub target_kind: String,
        pub target_value: Option<String>,
        /// The target in words, as it was at the time of the push.
        pub target_label: String,
        pub pushed_by: Option<i64>,
        pub pushed_by_name: String,
        pub pushed_at: DateTimeUtc,
        /// Enterprises that received at least one policy.
        pub enterprises: i64,
        pub receipts: i64,
    }
    stamps is_demo
}
