use sea_orm::entity::prelude::*;

super::model! {
    /// An evidence file of an outcome report (证书, 销售证明, 检测报告), stored as service
    /// request attachments are.
    #[derive(Eq)]
    table "project_outcome_files" {
        id,
        #[sea_orm(indexed)]
        pub outcome_id: i64,
        pub file_name: String,
        pub content_type: String,
        pub size: i64,
        pub data: Vec<u8>,
        pub uploaded_by: String,
        pub uploaded_at: DateTimeUtc,
    }
}
