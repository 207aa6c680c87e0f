use sea_orm::entity::prelude::*;

super::model! {
    /// A member taking part in a temporary branch (临时参加) from a day, until its end; the
    /// member's relation (`members.party_org_id`) stays where it is.
    #[derive(Eq)]
    table "workgroup_members" {
        id,
        pub workgroup_id: i64,
        #[sea_orm(indexed)]
        pub member_id: i64,
        pub since: Date,
        pub until: Option<Date>,
    }
}
