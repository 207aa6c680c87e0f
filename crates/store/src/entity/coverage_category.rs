use sea_orm::entity::prelude::*;

super::model! {
    /// A key-enterprise category (重点企业类别): a rule over enterprise attributes and a target.
    table "coverage_categories" {
        id,
        #[sea_orm(unique)]
        pub name: String,
        /// The rule in its canonical spelling (qunlian_domain::rules).
        pub rule: String,
        /// Target organisational coverage rate, percent.
        pub target_pct: f64,
        pub deadline: Option<Date>,
        pub position: i32,
    }
    stamps is_demo, created_at, updated_at
}
