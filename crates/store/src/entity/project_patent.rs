use sea_orm::entity::prelude::*;

/// A patent reported in an outcome report: its number, title and date.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "project_patents")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(indexed)]
    pub outcome_id: i64,
    #[sea_orm(indexed)]
    pub application_id: i64,
    pub number: String,
    pub title: String,
    pub granted_on: Date,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
