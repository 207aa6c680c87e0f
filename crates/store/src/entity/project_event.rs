use qunlian_domain::projects::ApplicationState;
use sea_orm::entity::prelude::*;

/// One step of an application's history.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "project_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(indexed)]
    pub application_id: i64,
    pub action: String,
    pub from_state: ApplicationState,
    pub to_state: ApplicationState,
    pub note: String,
    pub actor: String,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
