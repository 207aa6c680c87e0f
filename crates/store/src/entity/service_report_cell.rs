use sea_orm::entity::prelude::*;

/// Derived: the service requests of one department and item, in one state class and one
/// tenth of a working day of elapsed time. Triggers on `service_requests` keep it equal to a
/// GROUP BY over the requests (migration 8). Migration 10 drops it for
/// `service_report_town_cells`, which also keys by town; the entity stays so that step 8
/// runs as it shipped on a new database.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "service_report_cells")]
pub struct Model {
    /// The department holding the requests now (a transfer moves them).
    #[sea_orm(primary_key, auto_increment = false)]
    pub department_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub item_id: i64,
    /// 1 for finished (办结), 0 for open, waiting or refused.
    #[sea_orm(primary_key, auto_increment = false)]
    pub done: i16,
    /// Elapsed office minutes ÷ 42 (tenths of a working day) of finished requests; -1 for
    /// the others and for finished requests whose time is not fixed yet.
    #[sea_orm(primary_key, auto_increment = false)]
    pub bucket: i64,
    pub n: i64,
    /// Finished within the limit.
    pub on_time: i64,
    pub rated: i64,
    pub rating_sum: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
