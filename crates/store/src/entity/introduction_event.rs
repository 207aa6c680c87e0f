use qunlian_domain::matching::IntroductionState;
use sea_orm::entity::prelude::*;

/// Every change of an introduction's state, with who made it and when.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "introduction_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(indexed)]
    pub introduction_id: i64,
    pub at: DateTimeUtc,
    pub actor: String,
    pub from_state: Option<IntroductionState>,
    pub to_state: IntroductionState,
    pub detail: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
