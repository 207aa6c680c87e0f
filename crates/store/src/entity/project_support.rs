use qunlian_domain::projects::SupportKind;
use sea_orm::entity::prelude::*;

/// Support granted to a decided project, linked to its record: a policy, a service request
/// on the fast lane, or Party resources described in words.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "project_support")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(indexed)]
    pub application_id: i64,
    pub kind: SupportKind,
    pub policy_id: Option<i64>,
    pub request_id: Option<i64>,
    pub description: String,
    pub granted_by: String,
    pub granted_at: DateTimeUtc,
    pub is_demo: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
