use sea_orm::entity::prelude::*;

super::file_table! {
    /// A file attached to a service request (材料, 批复, 证照扫描件).
    table "service_attachments" owner request_id
}
