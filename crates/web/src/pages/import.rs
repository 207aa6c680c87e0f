//! Import with a preview: the file is parsed first and nothing is written until the user
//! has seen which rows will go in and which will not, and confirms.

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use qunlian_domain::auth::Action;
use qunlian_io::enterprises::{EnterpriseReader, Reject};
use qunlian_store::registry::ImportCounts;
use serde::Deserialize;

use super::render;
use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::{AppState, PendingImport};

/// An unconfirmed preview is dropped after this long.
const PENDING_TTL: std::time::Duration = std::time::Duration::from_secs(3600);

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    layout: Layout,
    error: Option<String>,
}

pub async fn page(State(state): State<AppState>, auth: Auth) -> PageResult {
    auth.require(Action::Import)?;
    render(&ImportPage { layout: Layout::new(&auth, &state, "/import"), error: None })
}

pub async fn template(auth: Auth) -> PageResult {
    auth.require(Action::Import)?;
    let bytes = qunlian_io::xlsx::enterprise_template().map_err(WebError::internal)?;
    Ok(xlsx_response(bytes, "企业名录导入模板.xlsx"))
}

pub fn xlsx_response(bytes: Vec<u8>, file: &str) -> axum::response::Response {
    (
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"download.xlsx\"; filename*=UTF-8''{}",
                    super::enterprises::percent(file)
                ),
            ),
        ],
        bytes,
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "import_preview.html")]
struct PreviewPage {
    layout: Layout,
    token: String,
    file_name: String,
    good: usize,
    rejects: Vec<Reject>,
    ignored_columns: Vec<String>,
    sample: Vec<(usize, String, String, String)>,
}

pub async fn preview(State(state): State<AppState>, auth: Auth, mut multipart: Multipart) -> PageResult {
    auth.require(Action::Import)?;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart.next_field().await.map_err(|e| WebError::Invalid(format!("上传失败：{e}")))?
    {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("upload").to_owned();
            let bytes = field.bytes().await.map_err(|e| WebError::Invalid(format!("上传失败：{e}")))?;
            file = Some((name, bytes.to_vec()));
        }
    }
    let Some((file_name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return render(&ImportPage {
            layout: Layout::new(&auth, &state, "/import"),
            error: Some("请选择要导入的 .xlsx 或 .csv 文件".into()),
        });
    };
    let district = state.config.district;
    let name_for_reader = file_name.clone();
    // Parsing is CPU work on a blocking thread; the reader streams, so memory stays flat.
    let parsed = tokio::task::spawn_blocking(move || -> Result<_, String> {
        let reader = EnterpriseReader::from_bytes(&name_for_reader, bytes, district).map_err(|e| e.to_string())?;
        let headers = reader.headers().to_vec();
        let ignored: Vec<String> =
            reader.columns().iter().filter(|c| c.field.is_none()).map(|c| c.header.clone()).collect();
        let mut rows = Vec::new();
        let mut lines = Vec::new();
        let mut rejects = Vec::new();
        for item in reader {
            match item {
                Ok(row) => {
                    lines.push(row.line);
                    rows.push(row.input);
                }
                Err(r) => rejects.push(r),
            }
        }
        Ok((headers, ignored, rows, lines, rejects))
    })
    .await
    .map_err(WebError::internal)?;
    let (headers, ignored_columns, rows, lines, rejects) = match parsed {
        Ok(p) => p,
        Err(message) => {
            return render(&ImportPage { layout: Layout::new(&auth, &state, "/import"), error: Some(message) });
        }
    };
    let sample = rows
        .iter()
        .zip(&lines)
        .take(10)
        .map(|(r, l)| (*l, r.name.clone(), r.uscc.to_string(), r.town.name().to_owned()))
        .collect();
    let token = hex::encode(rand::random::<[u8; 16]>());
    let good = rows.len();
    let page = PreviewPage {
        layout: Layout::new(&auth, &state, "/import"),
        token: token.clone(),
        file_name: file_name.clone(),
        good,
        rejects: rejects.clone(),
        ignored_columns,
        sample,
    };
    if let Ok(mut pending) = state.imports.lock() {
        pending.retain(|_, p| p.created.elapsed() < PENDING_TTL);
        pending.insert(
            token,
            PendingImport {
                user_id: auth.user.id.0,
                file_name,
                rows,
                lines,
                headers,
                rejects,
                created: std::time::Instant::now(),
            },
        );
    }
    render(&page)
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    token: String,
}

#[derive(Template)]
#[template(path = "import_result.html")]
struct ResultPage {
    layout: Layout,
    file_name: String,
    counts: ImportCounts,
    rejected: usize,
    token: String,
}

pub async fn confirm(
    State(state): State<AppState>,
    auth: Auth,
    axum::Form(form): axum::Form<ConfirmForm>,
) -> PageResult {
    auth.require(Action::Import)?;
    let pending = state
        .imports
        .lock()
        .ok()
        .and_then(|mut p| p.remove(&form.token))
        .filter(|p| p.user_id == auth.user.id.0)
        .ok_or_else(|| WebError::Invalid("预览已过期，请重新上传文件".into()))?;
    let mut import = state.store.registry().begin_import(&auth.caller, false).await?;
    let store_rejects = match import.add(&pending.rows).await {
        Ok(r) => r,
        Err(e) => {
            let _ = import.rollback().await;
            return Err(e.into());
        }
    };
    let mut rejects = pending.rejects.clone();
    for r in store_rejects {
        let line = pending.lines.get(r.index).copied().unwrap_or(0);
        rejects.push(Reject { line, reasons: vec![r.reason], values: Vec::new() });
    }
    rejects.sort_by_key(|r| r.line);
    let counts = import.commit(&pending.file_name, rejects.len() as u64).await?;
    let rejected = rejects.len();
    // Keep the rejects for the download link on the result page.
    let token = hex::encode(rand::random::<[u8; 16]>());
    if let Ok(mut p) = state.imports.lock() {
        p.insert(
            token.clone(),
            PendingImport {
                rows: Vec::new(),
                lines: Vec::new(),
                rejects,
                created: std::time::Instant::now(),
                ..pending
            },
        );
    }
    render(&ResultPage {
        layout: Layout::new(&auth, &state, "/import"),
        file_name: String::new(),
        counts,
        rejected,
        token,
    })
}

pub async fn rejects_xlsx(State(state): State<AppState>, auth: Auth, Path(token): Path<String>) -> PageResult {
    auth.require(Action::Import)?;
    let (headers, rejects) = state
        .imports
        .lock()
        .ok()
        .and_then(|p| {
            p.get(&token).filter(|p| p.user_id == auth.user.id.0).map(|p| (p.headers.clone(), p.rejects.clone()))
        })
        .ok_or(WebError::NotFound)?;
    let bytes = qunlian_io::xlsx::write_rejects(&headers, &rejects).map_err(WebError::internal)?;
    Ok(xlsx_response(bytes, "未导入的行.xlsx"))
}
