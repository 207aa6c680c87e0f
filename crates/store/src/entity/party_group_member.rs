use sea_orm::entity::prelude::*;

super::model! {
    /// A member in a Party group; a member is in at most one group of a branch (a unique
    /// index on the branch and the member).
    #[derive(Eq)]
    table "party_group_members" {
        id,
        pub group_id: i64,
        pub party_org_id: i64,
        pub member_id: i64,
    }
    stamps is_demo, created_at
}
