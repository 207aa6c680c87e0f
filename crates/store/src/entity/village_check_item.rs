use sea_orm::entity::prelude::*;

super::model! {
    /// An item of the 五有 checklist (the standard's five, seeded; a list kept as data).
    #[derive(Eq)]
    table "village_check_items" {
        id,
        #[sea_orm(unique)]
        pub name: String,
        pub position: i32,
    }
    stamps is_demo
}
