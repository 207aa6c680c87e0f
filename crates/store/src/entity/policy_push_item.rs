use sea_orm::entity::prelude::*;

/// A policy inside a pushed package, in the order chosen.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "policy_push_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub push_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub policy_id: i64,
    pub position: i32,
    /// Eligible enterprises of the scope on the day of the push.
    pub recipients: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
