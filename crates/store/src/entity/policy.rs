use sea_orm::entity::prelude::*;

super::model! {
    /// A policy of the library (惠企政策): who issued it, when it is valid, what it says, and a
    /// rule over enterprise attributes deciding which enterprises it is for.
    #[derive(Eq)]
    table "policies" {
        id,
        pub title: String,
        /// The issuing government unit (units.kind = 'government').
        #[sea_orm(indexed)]
        pub department_id: i64,
        /// 文号, e.g. 松府规〔2024〕3号.
        pub doc_number: String,
        pub valid_from: Date,
        /// None: valid until revoked.
        pub valid_until: Option<Date>,
        #[sea_orm(column_type = "Text")]
        pub content: String,
        /// The eligibility rule in its canonical spelling (qunlian_domain::rules).
        pub rule: String,
    }
    stamps is_demo, created_at, updated_at
}
