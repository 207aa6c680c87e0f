use qunlian_domain::registry::{OrgForm, OrgKind};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "party_orgs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub kind: OrgKind,
    pub form: OrgForm,
    #[sea_orm(indexed)]
    pub parent_id: Option<i64>,
    #[sea_orm(indexed)]
    pub unit_id: Option<i64>,
    pub town_code: Option<String>,
    pub secretary_name: Option<String>,
    pub members_count: Option<i32>,
    pub established_on: Option<Date>,
    pub dissolved_on: Option<Date>,
    pub is_demo: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
