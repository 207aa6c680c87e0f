use sea_orm::entity::prelude::*;

super::model! {
    /// Derived: an organisation's full and probationary members, kept equal to a count of
    /// `members` by the triggers of migration 17; never written by the code.
    #[derive(Eq)]
    table "party_org_member_counts" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub party_org_id: i64,
        pub full_members: i64,
        pub probationary_members: i64,
    }
}
