use sea_orm::entity::prelude::*;

super::model! {
    /// An entry of an alliance's service list, linked to a catalogue item when there is one.
    #[derive(Eq)]
    table "alliance_services" {
        id,
        pub alliance_id: i64,
        pub position: i32,
        pub name: String,
        pub service_item_id: Option<i64>,
    }
    stamps is_demo, created_at
}
