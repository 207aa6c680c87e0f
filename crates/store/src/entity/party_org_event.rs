use qunlian_domain::registry::OrgEventKind;
use sea_orm::entity::prelude::*;

super::model! {
    #[derive(Eq)]
    table "party_org_events" {
        id,
        #[sea_orm(indexed)]
        pub party_org_id: i64,
        pub kind: OrgEventKind,
        pub on_date: Date,
        pub detail: String,
        pub related_org_id: Option<i64>,
        pub created_by: Option<i64>,
    }
    stamps created_at
}
