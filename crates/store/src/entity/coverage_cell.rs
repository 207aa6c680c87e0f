use sea_orm::entity::prelude::*;

/// Derived: how many enterprises of a category in a town have a status. Rebuilt with
/// `coverage_unit_status`; the summary of all categories × all towns reads only this.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "coverage_cells")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(indexed)]
    pub category_id: i64,
    pub town_code: String,
    pub status: i16,
    pub n: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
