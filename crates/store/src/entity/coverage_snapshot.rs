use sea_orm::entity::prelude::*;

/// A dated coverage snapshot; with its rows, immutable once taken (triggers refuse changes).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "coverage_snapshots")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The day the figures are as of.
    #[sea_orm(indexed)]
    pub as_of: Date,
    /// "manual" or "scheduled".
    pub trigger: String,
    pub taken_by: String,
    pub taken_at: DateTimeUtc,
    pub is_demo: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
