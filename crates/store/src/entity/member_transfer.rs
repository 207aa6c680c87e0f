use qunlian_domain::people::TransferState;
use sea_orm::entity::prelude::*;

super::model! {
    /// A member's relation sent from one organisation to another (组织关系转接): issued by the
    /// sending side, accepted or returned (with a reason) by the receiving side.
    #[derive(Eq)]
    table "member_transfers" {
        id,
        #[sea_orm(indexed)]
        pub member_id: i64,
        pub from_org_id: i64,
        pub to_org_id: i64,
        pub state: TransferState,
        pub issued_on: Date,
        pub issued_by: String,
        pub note: String,
        /// Why the receiving side returned it.
        pub reason: Option<String>,
        pub decided_on: Option<Date>,
        pub decided_by: Option<String>,
    }
    stamps is_demo, created_at, updated_at
}
