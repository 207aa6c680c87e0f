//! Attachments of a request: stored with their type, read within scope and audited.

use chrono::{DateTime, Utc};
use qunlian_domain::auth::{Action, Caller};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Value};
use serde::Serialize;

use super::*;
use crate::audit::{Change, Recordable};
use crate::entity::service_attachment;
use crate::{Result, StoreError};

/// The largest file accepted: scans of licences and approvals, not archives.
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

#[derive(Clone, Debug, Serialize)]
pub struct Attachment {
    pub id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
}

/// An attachment's columns as listed (no content): id, name, type, size, by, at.
pub(crate) type AttachmentRow = (i64, String, String, i64, String, DateTime<Utc>);

impl Attachment {
    /// An attachment from its listed columns, in the order of [`AttachmentRow`].
    pub(crate) fn from_row((id, file_name, content_type, size, uploaded_by, uploaded_at): AttachmentRow) -> Attachment {
        Attachment { id, file_name, content_type, size, uploaded_by, uploaded_at }
    }
}

/// The type a browser needs to show or save the file, from its extension.
pub(crate) fn content_type(name: &str) -> &'static str {
    let ext = name.rsplit('.').next().unwrap_or("").to_lowercase();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xls" => "application/vnd.ms-excel",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "doc" => "application/msword",
        "ofd" => "application/ofd",
        "zip" => "application/zip",
        "txt" | "csv" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The last path component, without control characters: a name to show and to download as.
pub(crate) fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("").trim();
    let cleaned: String = base.chars().filter(|c| !c.is_control() && *c != '"').take(120).collect();
    if cleaned.is_empty() { "附件".to_owned() } else { cleaned }
}

/// The columns every table of stored files has besides its owner's (a request's, an
/// application's), in the order of [`AttachmentRow`] after `id`.
const FILE_COLUMNS: [&str; 6] = ["id", "file_name", "content_type", "size", "uploaded_by", "uploaded_at"];

/// A column of a table of stored files by its name; a table without it is a mistake here.
fn file_column<E: EntityTrait>(name: &str) -> Result<E::Column> {
    name.parse().map_err(|_| StoreError::Db(DbErr::Custom(format!("文件表缺少列 {name}"))))
}

impl crate::Store {
    /// Stores a file in `row`'s table, `row` naming its owner: its name, the type its
    /// extension gives, its size and content, who uploaded it and when; with the line
    /// `change` gives, in one transaction ([`crate::Store::insert_recorded`]).
    pub(crate) async fn insert_file<A: Recordable>(
        &self,
        caller: &Caller,
        mut row: A,
        file_name: &str,
        bytes: Vec<u8>,
        change: impl FnOnce(&A::Saved) -> Change,
    ) -> Result<A::Saved> {
        let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
        let values: [(&str, Value); 6] = [
            ("file_name", file_name.into()),
            ("content_type", content_type(file_name).into()),
            ("size", size.into()),
            ("data", bytes.into()),
            ("uploaded_by", caller.username.clone().into()),
            ("uploaded_at", self.now().into()),
        ];
        for (name, value) in values {
            row.try_set(file_column::<A::Entity>(name)?, value)?;
        }
        self.insert_recorded(caller, row, change).await
    }

    /// The files of one owner (`owner` its column) in `E`'s table, without their content, in
    /// the order they were added.
    pub(crate) async fn files_of<E: EntityTrait>(&self, owner: E::Column, owner_id: i64) -> Result<Vec<Attachment>> {
        let columns = FILE_COLUMNS.iter().map(|c| file_column::<E>(c)).collect::<Result<Vec<_>>>()?;
        Ok(E::find()
            .select_only()
            .columns(columns)
            .filter(owner.eq(owner_id))
            .order_by_asc(file_column::<E>("id")?)
            .into_tuple::<AttachmentRow>()
            .all(self.db())
            .await?
            .into_iter()
            .map(Attachment::from_row)
            .collect())
    }
}

impl Services<'_> {
    pub async fn add_attachment(self, caller: &Caller, request_id: i64, name: &str, bytes: Vec<u8>) -> Result<i64> {
        if !(caller.may(Action::FileServiceRequest) || caller.may(Action::HandleServiceRequest)) {
            return Err(StoreError::Forbidden);
        }
        let request = self.request_row(caller, request_id).await?;
        if bytes.is_empty() {
            return Err(StoreError::invalid("附件", "请选择文件"));
        }
        if bytes.len() > MAX_ATTACHMENT_BYTES {
            return Err(StoreError::invalid("附件", format!("文件超过 {} MB", MAX_ATTACHMENT_BYTES / 1024 / 1024)));
        }
        let file_name = clean_name(name);
        let row = service_attachment::ActiveModel { request_id: Set(request.id), ..Default::default() };
        let detail = format!("{}：{file_name}", request.title);
        let saved = self
            .store
            .insert_file(caller, row, &file_name, bytes, |_| {
                Change::new("service.attachment.add", "service_request", request_id, detail)
            })
            .await?;
        Ok(saved.id)
    }

    pub async fn attachments(self, caller: &Caller, request_id: i64) -> Result<Vec<Attachment>> {
        self.request_row(caller, request_id).await?;
        self.store.files_of::<service_attachment::Entity>(service_attachment::Column::RequestId, request_id).await
    }

    /// One file, for download; the read is audited.
    pub async fn attachment(self, caller: &Caller, request_id: i64, id: i64) -> Result<(Attachment, Vec<u8>)> {
        let request = self.request_row(caller, request_id).await?;
        let m = service_attachment::Entity::find_by_id(id)
            .filter(service_attachment::Column::RequestId.eq(request_id))
            .one(self.store.db())
            .await?
            .ok_or(StoreError::NotFound)?;
        self.store
            .audit()
            .record(
                caller,
                "service.attachment.read",
                "service_request",
                Some(request_id.to_string()),
                format!("{}：{}", request.title, m.file_name),
            )
            .await?;
        let info = Attachment::from_row((m.id, m.file_name, m.content_type, m.size, m.uploaded_by, m.uploaded_at));
        Ok((info, m.data))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_types() {
        assert_eq!(clean_name("C:\\扫描\\营业执照.PDF"), "营业执照.PDF");
        assert_eq!(content_type("营业执照.PDF"), "application/pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("  "), "附件");
        assert_eq!(content_type("x.exe"), "application/octet-stream");
    }
}
