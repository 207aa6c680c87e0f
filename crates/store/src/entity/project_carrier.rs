use sea_orm::entity::prelude::*;

/// A registered carrier ("X": 党员科技创新工作室 …) with its lead, reused by applications.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "project_carriers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: String,
    pub name: String,
    #[sea_orm(indexed)]
    pub org_id: i64,
    pub unit_id: Option<i64>,
    pub lead_name: String,
    pub created_at: DateTimeUtc,
    pub is_demo: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
