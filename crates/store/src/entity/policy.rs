use sea_orm::entity::prelude::*;

/// A policy of the library (惠企政策): who issued it, when it is valid, what it says, and a
/// rule over enterprise attributes deciding which enterprises it is for.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "policies")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub title: String,
    /// The issuing government unit (units.kind = 'government').
    #[sea_orm(indexed)]
    pub department_id: i64,
    /// 文号, e.g. 松府规〔2024〕3号.
    pub doc_number: String,
    pub valid_from: Date,
    /// None: valid until revoked.
    pub valid_until: Option<Date>,
    #[sea_orm(column_type = "Text")]
    pub content: String,
    /// The eligibility rule in its canonical spelling (qunlian_domain::rules).
    pub rule: String,
    pub is_demo: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
