use qunlian_domain::registry::PairingKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pairings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: PairingKind,
    #[sea_orm(indexed)]
    pub a_unit_id: i64,
    #[sea_orm(indexed)]
    pub b_unit_id: Option<i64>,
    pub b_name: Option<String>,
    pub started_on: Option<Date>,
    pub ended_on: Option<Date>,
    pub content: String,
    pub is_demo: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
