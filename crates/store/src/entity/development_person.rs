use qunlian_domain::people::MemberCategory;
use qunlian_domain::people::development::Stage;
use sea_orm::entity::prelude::*;

super::model! {
    /// A person in the development pipeline (发展党员): an applicant, not yet a member; the
    /// member record is made when the person becomes a 预备党员 (step 17) and linked here.
    #[derive(Eq)]
    table "development_people" {
        id,
        pub name: String,
        pub category: MemberCategory,
        /// The organisation developing the person; it holds the record.
        pub party_org_id: i64,
        pub work_unit_name: Option<String>,
        /// The edition of the steps followed (`development::PIPELINES`).
        pub pipeline_version: String,
        /// The stage the recorded steps reach, kept with each step.
        pub stage: Stage,
        pub member_id: Option<i64>,
    }
    stamps is_demo, created_at, updated_at
}
