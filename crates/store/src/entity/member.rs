use qunlian_domain::people::{Education, Gender, MemberCategory, Standing};
use sea_orm::entity::prelude::*;

super::model! {
    /// A Party member (党员). The ID number and phone are stored SM4-GCM-encrypted only, each
    /// beside its SM3-HMAC blind index for exact lookup (duplicates, a re-run import).
    #[derive(Eq)]
    table "members" {
        id,
        pub name: String,
        pub id_number_enc: Option<String>,
        #[sea_orm(unique)]
        pub id_number_bidx: Option<String>,
        pub phone_enc: Option<String>,
        #[sea_orm(indexed)]
        pub phone_bidx: Option<String>,
        pub gender: Option<Gender>,
        pub birth_date: Option<Date>,
        pub education: Option<Education>,
        pub category: MemberCategory,
        pub joined_on: Date,
        pub standing: Standing,
        /// The organisation holding the member's relation (组织关系所在).
        #[sea_orm(indexed)]
        pub party_org_id: i64,
        /// The unit where the member works, when it is in the registry; it may be another
        /// unit than the organisation's.
        #[sea_orm(indexed)]
        pub work_unit_id: Option<i64>,
        /// The work unit as written.
        pub work_unit_name: Option<String>,
    }
    stamps is_demo, created_at, updated_at
}
