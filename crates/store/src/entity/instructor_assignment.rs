use sea_orm::entity::prelude::*;

super::model! {
    /// Whom an instructor guides — one of an organisation, an enterprise or a cluster — from a
    /// day, until a day once ended.
    #[derive(Eq)]
    table "instructor_assignments" {
        id,
        #[sea_orm(indexed)]
        pub instructor_id: i64,
        #[sea_orm(indexed)]
        pub party_org_id: Option<i64>,
        #[sea_orm(indexed)]
        pub unit_id: Option<i64>,
        #[sea_orm(indexed)]
        pub cluster_id: Option<i64>,
        pub since: Date,
        pub until: Option<Date>,
        pub assigned_by: String,
    }
    stamps is_demo, created_at, updated_at
}
