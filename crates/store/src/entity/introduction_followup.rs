use sea_orm::entity::prelude::*;

/// What a deal brought, recorded over the following months and years.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "introduction_followups")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
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

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
