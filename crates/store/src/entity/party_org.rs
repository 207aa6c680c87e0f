use qunlian_domain::registry::{OrgForm, OrgKind};
use sea_orm::entity::prelude::*;

super::model! {
    #[derive(Eq)]
    table "party_orgs" {
        id,
        pub name: String,
        pub kind: OrgKind,
        pub form: OrgForm,
        #[sea_orm(indexed)]
        pub parent_id: Option<i64>,
        #[sea_orm(indexed)]
        pub unit_id: Option<i64>,
        pub town_code: Option<String>,
        pub secretary_name: Option<String>,
        pub members_count: Option<i32>,
        pub established_on: Option<Date>,
        pub dissolved_on: Option<Date>,
    }
    stamps is_demo, created_at, updated_at
}
