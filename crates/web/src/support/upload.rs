//! Uploads: a file field streamed to a temporary file (never held whole in memory), with a
//! per-route size limit named in Chinese when exceeded.

use std::io::Write;

use axum::extract::Multipart;
use axum::extract::multipart::MultipartError;
use axum::http::StatusCode;

use crate::error::WebError;

/// Registers to import: a 226,000-row register is about 30 MB as CSV, 20 MB as .xlsx.
pub const IMPORT_LIMIT: usize = 200 * 1024 * 1024;
/// Attachments of service requests.
pub const ATTACHMENT_LIMIT: usize = 10 * 1024 * 1024;
/// Room for the multipart framing and the other fields beside the file.
pub const FORM_OVERHEAD: usize = 64 * 1024;

/// "200 MB": a limit as the message names it.
pub fn limit_text(limit: usize) -> String {
    format!("{} MB", limit / (1024 * 1024))
}

fn too_large(limit: usize) -> WebError {
    WebError::Invalid(format!("上传失败：文件超过 {} 的上限", limit_text(limit)))
}

/// A multipart body that could not be read, in Chinese (multer's own words are English).
pub fn unreadable(e: MultipartError) -> WebError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        WebError::PayloadTooLarge
    } else {
        WebError::Invalid("上传失败：文件没有完整传到服务器，请重新选择文件上传".into())
    }
}

fn failed(e: MultipartError, limit: usize) -> WebError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large(limit)
    } else {
        WebError::Invalid("上传失败：文件没有完整传到服务器，请重新选择文件上传".into())
    }
}

/// The field `file`, written chunk by chunk to a temporary file that is deleted when
/// dropped; `None` when no file was chosen (or it is empty).
pub async fn save_upload(
    multipart: &mut Multipart,
    limit: usize,
) -> Result<Option<(String, tempfile::NamedTempFile)>, WebError> {
    let mut saved = None;
    while let Some(mut field) = multipart.next_field().await.map_err(|e| failed(e, limit))? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("upload").chars().take(200).collect::<String>();
        let mut file = tempfile::NamedTempFile::new().map_err(WebError::internal)?;
        let mut size = 0usize;
        while let Some(chunk) = field.chunk().await.map_err(|e| failed(e, limit))? {
            size += chunk.len();
            if size > limit {
                return Err(too_large(limit));
            }
            file.write_all(&chunk).map_err(WebError::internal)?;
        }
        file.flush().map_err(WebError::internal)?;
        if size > 0 {
            saved = Some((name, file));
        }
    }
    Ok(saved)
}

/// The field `file` in memory, for small uploads (attachments) under `limit`.
pub async fn read_upload(multipart: &mut Multipart, limit: usize) -> Result<Option<(String, Vec<u8>)>, WebError> {
    let mut saved = None;
    while let Some(mut field) = multipart.next_field().await.map_err(|e| failed(e, limit))? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("附件").chars().take(200).collect::<String>();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|e| failed(e, limit))? {
            if bytes.len() + chunk.len() > limit {
                return Err(too_large(limit));
            }
            bytes.extend_from_slice(&chunk);
        }
        saved = Some((name, bytes));
    }
    Ok(saved)
}
