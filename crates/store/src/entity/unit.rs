use qunlian_domain::registry::{SrdiLevel, UnitKind};
use sea_orm::entity::prelude::*;

super::model! {
    #[derive(Eq)]
    table "units" {
        id,
        pub kind: UnitKind,
        pub name: String,
        #[sea_orm(unique)]
        pub uscc: Option<String>,
        #[sea_orm(indexed)]
        pub town_code: String,
        pub park_id: Option<i64>,
        pub industry_code: Option<String>,
        pub employees: Option<i32>,
        pub high_tech: bool,
        pub above_scale: bool,
        pub srdi: SrdiLevel,
        pub listed: bool,
        pub key_project: bool,
        pub founded_on: Option<Date>,
        pub address: Option<String>,
        pub contact_name: Option<String>,
        /// SM4-GCM ciphertext, base64; never shown without masking or an audited reveal.
        pub contact_phone_enc: Option<String>,
        /// SM3-HMAC blind index so a phone can be looked up without decrypting every row.
        #[sea_orm(indexed)]
        pub contact_phone_bidx: Option<String>,
        /// Hash of the imported fields: lets a re-run tell "unchanged" from "updated" cheaply.
        pub row_hash: String,
        pub is_demo: bool,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        /// The head enterprise of the unit's corporate group (集团), if recorded.
        pub group_unit_id: Option<i64>,
    }
}
