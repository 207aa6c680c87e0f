use sea_orm::entity::prelude::*;

super::model! {
    /// A scope of power a cluster committee may be granted (人才服务, 建议咨询 …): a list kept
    /// as data, which an administrator adds to.
    #[derive(Eq)]
    table "body_power_scopes" {
        id,
        #[sea_orm(unique)]
        pub name: String,
        pub position: i32,
    }
    stamps is_demo
}
