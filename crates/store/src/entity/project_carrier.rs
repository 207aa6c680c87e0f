use sea_orm::entity::prelude::*;

super::model! {
    /// A registered carrier ("X": 党员科技创新工作室 …) with its lead, reused by applications.
    #[derive(Eq)]
    table "project_carriers" {
        id,
        pub kind: String,
        pub name: String,
        #[sea_orm(indexed)]
        pub org_id: i64,
        pub unit_id: Option<i64>,
        pub lead_name: String,
    }
    stamps created_at, is_demo
}
