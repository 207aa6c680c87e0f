use sea_orm::entity::prelude::*;

/// An item of the service catalogue (服务事项), owned by a department.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "service_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    /// The owning department (a unit of kind government).
    #[sea_orm(indexed)]
    pub department_id: i64,
    /// Materials needed, one per line.
    pub materials: String,
    /// "working_days" or "working_hours".
    pub limit_unit: String,
    pub limit_n: i32,
    /// Stages in order, separated by "→" (empty: a single step).
    pub stages: String,
    pub is_demo: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
