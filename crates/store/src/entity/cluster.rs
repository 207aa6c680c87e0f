use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "clusters")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub short_name: String,
    pub industry_focus: String,
    /// GB/T 4754 codes separated by commas.
    pub industry_codes: String,
    pub town_code: String,
    pub structure: Option<String>,
    pub committee_org_id: Option<i64>,
    pub description: String,
    pub established_on: Option<Date>,
    pub is_demo: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
