use sea_orm::entity::prelude::*;

/// A reviewer's score sheet for one application; JSON maps keyed by criterion.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "project_sheets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub application_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub reviewer_id: i64,
    pub scores: String,
    pub vetoes: String,
    pub comments: String,
    /// Set when the reviewer submits; a change after it is audited.
    pub submitted_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
