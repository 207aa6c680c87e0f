use sea_orm::entity::prelude::*;

super::file_table! {
    /// A file attached to an application (申报附件: 可行性报告, 证明材料), stored as service
    /// request attachments are (step 17).
    table "project_application_files" owner application_id
}
