use sea_orm::entity::prelude::*;

super::model! {
    /// What a deal brought, recorded over the following months and years.
    table "introduction_followups" {
        id,
        #[sea_orm(indexed)]
        pub introduction_id: i64,
        pub on_date: Date,
        /// Annual sales between the two, 万元.
        pub annual_sales_wan: Option<f64>,
        pub delivery_quantity: Option<f64>,
        pub delivery_note: String,
        pub note: String,
        pub recorded_by: String,
        pub recorded_at: DateTimeUtc,
    }
}
