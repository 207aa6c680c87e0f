//! An application's attachments (申报附件: feasibility study, certificates, approvals), stored
//! as service request attachments are (one row a file, 10 MB at most), of the types an
//! office sends (PDF, Word, Excel, OFD, JPG, PNG). The applicant adds and removes them while
//! the application is editable; whoever sees the application reads them, and so does an
//! assigned reviewer free of conflict — a conflicted one cannot download them. Every change
//! and every download is audited.

use qunlian_domain::auth::{Action, Caller};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use super::*;
use crate::audit::Change;
use crate::entity::{project_application, project_application_file};
use crate::services::{Attachment, MAX_ATTACHMENT_BYTES, clean_name};

/// Most files one application carries.
pub const MAX_APPLICATION_FILES: u64 = 20;

/// The extensions accepted, as the refusal names them.
const ACCEPTED: [&str; 9] = ["pdf", "doc", "docx", "xls", "xlsx", "ofd", "jpg", "jpeg", "png"];

/// Refuses an empty file, one over the limit, or one of a type not accepted, naming it.
pub fn check_application_file(name: &str, size: usize) -> Result<String> {
    let file_name = clean_name(name);
    let ext = file_name.rsplit_once('.').map(|(_, e)| e.to_lowercase()).unwrap_or_default();
    if !ACCEPTED.contains(&ext.as_str()) {
        return Err(StoreError::invalid(
            "申报附件",
            format!("“{file_name}”的类型不能上传：只接受 PDF、Word、Excel、OFD、JPG、PNG 文件"),
        ));
    }
    if size == 0 {
        return Err(StoreError::invalid("申报附件", format!("“{file_name}”是空文件")));
    }
    if size > MAX_ATTACHMENT_BYTES {
        return Err(StoreError::invalid(
            "申报附件",
            format!("“{file_name}”超过 {} MB", MAX_ATTACHMENT_BYTES / 1024 / 1024),
        ));
    }
    Ok(file_name)
}

impl Projects<'_> {
    /// The application for the applicant's change of its files: in scope, still editable.
    async fn files_editable(&self, caller: &Caller, application_id: i64) -> Result<project_application::Model> {
        self.store.require(caller, Action::ApplyProjects)?;
        let app = self.application_in_scope(caller, application_id).await?;
        if !app.state.is_editable() {
            return Err(StoreError::invalid("申报附件", format!("申报状态为“{}”，不能再增删附件", app.state.label())));
        }
        Ok(app)
    }

    /// Attaches a file to an application the caller may edit.
    pub async fn add_application_file(
        &self,
        caller: &Caller,
        application_id: i64,
        name: &str,
        bytes: Vec<u8>,
    ) -> Result<i64> {
        let app = self.files_editable(caller, application_id).await?;
        let file_name = check_application_file(name, bytes.len())?;
        let count = project_application_file::Entity::find()
            .filter(project_application_file::Column::ApplicationId.eq(app.id))
            .count(self.store.db())
            .await?;
        if count >= MAX_APPLICATION_FILES {
            return Err(StoreError::invalid("申报附件", format!("每项申报最多 {MAX_APPLICATION_FILES} 个附件")));
        }
        let row = project_application_file::ActiveModel { application_id: Set(app.id), ..Default::default() };
        let detail = format!("{}：{file_name}", app.title);
        let saved = self
            .store
            .insert_file(caller, row, &file_name, bytes, |_| {
                Change::new("project.application.file.add", "project_application", app.id, detail)
            })
            .await?;
        Ok(saved.id)
    }

    /// Removes a file from an application the caller may edit.
    pub async fn remove_application_file(&self, caller: &Caller, application_id: i64, file_id: i64) -> Result<()> {
        let app = self.files_editable(caller, application_id).await?;
        let file = self.file_of(application_id, file_id).await?;
        let line = format!("{}：{}", app.title, file.file_name);
        self.store
            .recorded(
                caller,
                async |txn| Ok(project_application_file::Entity::delete_by_id(file_id).exec(txn).await?),
                |_| Change::new("project.application.file.remove", "project_application", app.id, line),
            )
            .await?;
        Ok(())
    }

    async fn file_of(&self, application_id: i64, file_id: i64) -> Result<project_application_file::Model> {
        project_application_file::Entity::find_by_id(file_id)
            .filter(project_application_file::Column::ApplicationId.eq(application_id))
            .one(self.store.db())
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// The application as the caller may read its files: through its scope, or as an
    /// assigned reviewer free of conflict (checked now, refused with the conflict's reason).
    async fn readable(&self, caller: &Caller, application_id: i64) -> Result<project_application::Model> {
        if caller.may(Action::ReviewProjects) {
            return Ok(self.my_assignment(caller, application_id).await?.0);
        }
        self.application_in_scope(caller, application_id).await
    }

    /// An application's files, without their content.
    pub async fn application_files(&self, caller: &Caller, application_id: i64) -> Result<Vec<Attachment>> {
        let app = self.readable(caller, application_id).await?;
        self.store
            .files_of::<project_application_file::Entity>(project_application_file::Column::ApplicationId, app.id)
            .await
    }

    /// One file, for download; the read is audited.
    pub async fn application_file(
        &self,
        caller: &Caller,
        application_id: i64,
        file_id: i64,
    ) -> Result<(Attachment, Vec<u8>)> {
        let app = self.readable(caller, application_id).await?;
        let m = self.file_of(app.id, file_id).await?;
        self.store
            .audit()
            .record(
                caller,
                "project.application.file.read",
                "project_application",
                Some(app.id.to_string()),
                format!("{}：{}", app.title, m.file_name),
            )
            .await?;
        let info = Attachment::from_row((m.id, m.file_name, m.content_type, m.size, m.uploaded_by, m.uploaded_at));
        Ok((info, m.data))
    }
}
