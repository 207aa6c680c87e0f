use qunlian_domain::results::Indicator;
use sea_orm::entity::prelude::*;

super::model! {
    /// One economic figure: an enterprise's value of one indicator for one period, in 元
    /// (money) or 人 (employees), with the file it came from and the date it is as of. One
    /// row per unit × period × indicator: a re-import replaces the value.
    #[derive(Eq)]
    table "economic_figures" {
        id,
        pub unit_id: i64,
        /// The period's code: "2021H1" or "2021".
        pub period: String,
        pub indicator: Indicator,
        pub value: i64,
        /// The file's name (or "演示数据") the value was read from.
        pub source: String,
        pub as_of: Date,
        pub recorded_by: String,
    }
    stamps is_demo, created_at, updated_at
}
