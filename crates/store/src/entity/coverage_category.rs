use sea_orm::entity::prelude::*;

/// A key-enterprise category (重点企业类别): a rule over enterprise attributes and a target.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "coverage_categories")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub name: String,
    /// The rule in its canonical spelling (qunlian_domain::rules).
    pub rule: String,
    /// Target organisational coverage rate, percent.
    pub target_pct: f64,
    pub deadline: Option<Date>,
    pub position: i32,
    pub is_demo: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
