use sea_orm::entity::prelude::*;

super::model! {
    /// A Party group (党小组) of a branch: not a Party organisation (no members' relation
    /// held, no coverage), a group of the branch's members with a leader, holding 党小组会.
    #[derive(Eq)]
    table "party_groups" {
        id,
        /// The branch (党支部) the group belongs to.
        pub party_org_id: i64,
        pub name: String,
        /// 党小组组长: a member of the branch's roster.
        pub leader_member_id: Option<i64>,
    }
    stamps is_demo, created_at, updated_at
}
