use sea_orm::entity::prelude::*;

/// One policy of one push delivered to one enterprise; `read_at` is set when its contact
/// first opens the policy.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "policy_receipts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub push_id: i64,
    pub policy_id: i64,
    #[sea_orm(indexed)]
    pub unit_id: i64,
    pub read_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
