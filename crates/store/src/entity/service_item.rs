use sea_orm::entity::prelude::*;

super::model! {
    /// An item of the service catalogue (服务事项), owned by a department.
    #[derive(Eq)]
    table "service_items" {
        id,
        #[sea_orm(unique)]
        pub code: String,
        pub name: String,
        /// The owning department (a unit of kind government).
        #[sea_orm(indexed)]
        pub department_id: i64,
        /// Materials needed, one per line.
        pub materials: String,
        /// "working_days" or "working_hours".
        pub limit_unit: String,
        pub limit_n: i32,
        /// Stages in order, separated by "→" (empty: a single step).
        pub stages: String,
    }
    stamps is_demo, created_at
}
