use qunlian_domain::coverage::WorkLinkKind;
use sea_orm::entity::prelude::*;

super::model! {
    /// Work coverage of an enterprise without an organisation: an instructor (党建工作指导员)
    /// assigned to it, or its members taking part in a neighbour branch's activities.
    #[derive(Eq)]
    table "coverage_work_links" {
        id,
        #[sea_orm(indexed)]
        pub unit_id: i64,
        /// "instructor" or "activities".
        pub kind: WorkLinkKind,
        pub instructor_name: Option<String>,
        /// The branch whose activities the members join.
        pub party_org_id: Option<i64>,
        pub since: Date,
        /// First day it no longer holds.
        pub until: Option<Date>,
        pub note: Option<String>,
        // The stamps spelled out: step 29 added the register's instructor after them.
        pub is_demo: bool,
        pub created_at: DateTimeUtc,
        /// The register's instructor (`instructors`), when the name is one; else the name
        /// as typed (手填).
        pub instructor_id: Option<i64>,
    }
}
