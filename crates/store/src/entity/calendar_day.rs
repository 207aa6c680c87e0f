use qunlian_domain::calendar::DayKind;
use sea_orm::entity::prelude::*;

/// A day of a year's holiday schedule that differs from the weekly pattern.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "calendar_days")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: Date,
    /// "holiday" or "workday" (调休上班).
    pub kind: DayKind,
    pub name: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
