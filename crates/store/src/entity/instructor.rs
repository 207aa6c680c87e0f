use sea_orm::entity::prelude::*;

super::model! {
    /// A Party-building instructor (党建指导员): who, sent by whom (`area_code`: the district
    /// or town that sent them), qualifications and duties.
    #[derive(Eq)]
    table "instructors" {
        id,
        pub name: String,
        pub source: String,
        #[sea_orm(indexed)]
        pub area_code: Option<String>,
        pub qualifications: String,
        pub duties: String,
    }
    stamps is_demo, created_at, updated_at
}
