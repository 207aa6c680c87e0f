use qunlian_domain::projects::ReviewSide;
use sea_orm::entity::prelude::*;

/// A reviewer of a round: a user of one of the three departments, with a load cap.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "project_reviewers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(indexed)]
    pub round_id: i64,
    pub user_id: i64,
    pub side: ReviewSide,
    /// The unit the reviewer works for (his department, or an enterprise for an outside expert).
    pub unit_id: Option<i64>,
    pub cap: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
