use qunlian_domain::workgroups::WorkgroupKind;
use sea_orm::entity::prelude::*;

super::model! {
    /// A project work group (项目工作组) and the temporary branch (临时党支部) bound to it:
    /// `branch_org_id` is a `party_orgs` row of form 临时党组织 under `parent_org_id`.
    #[derive(Eq)]
    table "workgroups" {
        id,
        pub name: String,
        pub kind: WorkgroupKind,
        #[sea_orm(indexed)]
        pub town_code: String,
        #[sea_orm(indexed)]
        pub cluster_id: Option<i64>,
        pub lead_unit_id: i64,
        #[sea_orm(indexed)]
        pub parent_org_id: i64,
        #[sea_orm(unique)]
        pub branch_org_id: i64,
        pub started_on: Date,
        pub planned_end_on: Date,
        pub ended_on: Option<Date>,
        pub end_reason: Option<String>,
        pub description: String,
        pub created_by: String,
    }
    stamps is_demo, created_at, updated_at
}
