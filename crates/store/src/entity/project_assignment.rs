use sea_orm::entity::prelude::*;

/// A reviewer assigned to an application, by the automatic proposal or by the officer.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "project_assignments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub application_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub reviewer_id: i64,
    /// Proposed automatically (and kept by the officer) rather than chosen by hand.
    pub automatic: bool,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
