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
        // The stamps spelled out: step 29 added the ID number after them.
        pub is_demo: bool,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        /// The ID number, encrypted (SM4-GCM) as a member's; carried into the member record
        /// at step 17, which needs it.
        pub id_number_enc: Option<String>,
        pub id_number_bidx: Option<String>,
    }
}
