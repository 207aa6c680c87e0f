use sea_orm::entity::prelude::*;

super::model! {
    /// A file attached to a service request (材料, 批复, 证照扫描件).
    #[derive(Eq)]
    table "service_attachments" {
        id,
        #[sea_orm(indexed)]
        pub request_id: i64,
        pub file_name: String,
        pub content_type: String,
        pub size: i64,
        pub data: Vec<u8>,
        pub uploaded_by: String,
        pub uploaded_at: DateTimeUtc,
    }
}
