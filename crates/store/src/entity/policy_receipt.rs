use sea_orm::entity::prelude::*;

super::model! {
    /// One policy of one push delivered to one enterprise; `read_at` is set when its contact
    /// first opens the policy.
    #[derive(Eq)]
    table "policy_receipts" {
        id,
        pub push_id: i64,
        pub policy_id: i64,
        #[sea_orm(indexed)]
        pub unit_id: i64,
        pub read_at: Option<DateTimeUtc>,
    }
}
