use sea_orm::entity::prelude::*;

super::model! {
    /// A power granted to a cluster committee (赋权清单): by whom, by which document, when.
    #[derive(Eq)]
    table "cluster_powers" {
        id,
        #[sea_orm(indexed)]
        pub cluster_id: i64,
        pub scope_id: i64,
        /// The granting organisation (新桥镇党委 …).
        pub granted_by: String,
        pub document_no: String,
        pub granted_on: Date,
        pub content: String,
        pub recorded_by: String,
    }
    stamps is_demo, created_at
}
