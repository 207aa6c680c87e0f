use sea_orm::entity::prelude::*;

super::model! {
    /// A unit of a work group (the lead unit among them).
    #[derive(Eq)]
    table "workgroup_units" {
        id,
        pub workgroup_id: i64,
        #[sea_orm(indexed)]
        pub unit_id: i64,
    }
}
