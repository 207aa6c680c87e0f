use qunlian_domain::bodies::StudioTarget;
use sea_orm::entity::prelude::*;

super::model! {
    /// A project or an activity that names a secretary studio as its carrier (one studio each).
    #[derive(Eq)]
    table "studio_links" {
        id,
        #[sea_orm(indexed)]
        pub studio_id: i64,
        pub target: StudioTarget,
        pub target_id: i64,
        pub recorded_by: String,
    }
    stamps is_demo, created_at
}
