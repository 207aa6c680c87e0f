use sea_orm::entity::prelude::*;

super::model! {
    /// A file attached to an application (申报附件: 可行性报告, 证明材料), stored as service
    /// request attachments are (step 17).
    #[derive(Eq)]
    table "project_application_files" {
        id,
        #[sea_orm(indexed)]
        pub application_id: i64,
        pub file_name: String,
        pub content_type: String,
        pub size: i64,
        pub data: Vec<u8>,
        pub uploaded_by: String,
        pub uploaded_at: DateTimeUtc,
    }
}
