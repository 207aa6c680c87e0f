use sea_orm::entity::prelude::*;

super::file_table! {
    /// An evidence file of an outcome report (证书, 销售证明, 检测报告), stored as service
    /// request attachments are.
    table "project_outcome_files" owner outcome_id
}
