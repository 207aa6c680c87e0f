//! An application's attachments (申报附件): uploaded by its applicant while it is editable,
//! downloaded by whoever sees it and by an assigned reviewer free of conflict; the store
//! checks type, size and who, and audits each.

use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect};

use super::*;
use crate::error::PageResult;
use crate::support::upload::{ATTACHMENT_LIMIT, FORM_OVERHEAD, read_upload};

/// The upload form's limit: one file and the CSRF field.
pub const UPLOAD_LIMIT: usize = ATTACHMENT_LIMIT + FORM_OVERHEAD;

pub async fn upload(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, mut form: Multipart) -> PageResult {
    auth.require(Action::ApplyProjects)?;
    let Some((name, bytes)) = read_upload(&mut form, ATTACHMENT_LIMIT).await? else {
        return Err(WebError::Invalid("申报附件：请选择文件".into()));
    };
    state.store.projects().add_application_file(&auth.caller, id, &name, bytes).await?;
    Ok(Redirect::to(&format!("/projects/applications/{id}#files")).into_response())
}

pub async fn download(State(state): State<AppState>, auth: Auth, Path((id, fid)): Path<(i64, i64)>) -> PageResult {
    if !reads(&auth) {
        return Err(WebError::Forbidden);
    }
    let (info, bytes) = state.store.projects().application_file(&auth.caller, id, fid).await?;
    Ok(crate::support::file_download(info.content_type, &info.file_name, bytes))
}

pub async fn remove(State(state): State<AppState>, auth: Auth, Path((id, fid)): Path<(i64, i64)>) -> PageResult {
    auth.require(Action::ApplyProjects)?;
    state.store.projects().remove_application_file(&auth.caller, id, fid).await?;
    Ok(Redirect::to(&format!("/projects/applications/{id}#files")).into_response())
}
