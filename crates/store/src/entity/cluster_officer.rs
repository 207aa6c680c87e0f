use qunlian_domain::registry::OfficerRole;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cluster_officers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(indexed)]
    pub cluster_id: i64,
    pub name: String,
    pub role: OfficerRole,
    pub title: String,
    pub seconded_from: Option<i64>,
    pub phone_enc: Option<String>,
    pub phone_bidx: Option<String>,
    pub since: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
