use sea_orm::entity::prelude::*;

/// Derived: the status of every enterprise that is covered in some way, as of `derived_state`'s
/// day. An enterprise with no row is uncovered. Rebuilt from the records, never edited.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "coverage_unit_status")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub unit_id: i64,
    #[sea_orm(indexed)]
    pub status: i16,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
