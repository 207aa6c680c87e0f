//! Import with a preview, as a job: the upload is streamed to a temporary file, read and
//! checked in the background (rows staged, nothing in the register changes), and the job's
//! page — polled by htmx while it runs — shows progress, then the preview; once confirmed
//! the rows are applied in short transactions, with progress again.

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect};
use qunlian_domain::RegionCode;
use qunlian_domain::auth::Action;
use qunlian_io::enterprises::{EnterpriseReader, ReadAhead, Reject};
use qunlian_store::registry::{EnterpriseImport, IMPORT_BATCH, ImportJob};

use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::{AppState, ImportExtras};
use crate::support::upload::{IMPORT_LIMIT, limit_text, save_upload};
use crate::support::xlsx::xlsx_response;
use crate::support::{is_htmx, render};

/// A job's headers and rejects are dropped from memory after this long.
const EXTRAS_TTL: std::time::Duration = std::time::Duration::from_secs(6 * 3600);
/// Refused rows listed on the page (all of them are in the download).
const REJECTS_SHOWN: usize = 200;

#[derive(Template)]
#[template(path = "registry/import.html")]
struct ImportPage {
    layout: Layout,
    error: Option<String>,
    limit: String,
}

fn import_page(auth: &Auth, state: &AppState, error: Option<String>) -> PageResult {
    render(&ImportPage { layout: Layout::new(auth, state, "/import"), error, limit: limit_text(IMPORT_LIMIT) })
}

pub async fn page(State(state): State<AppState>, auth: Auth) -> PageResult {
    auth.require(Action::Import)?;
    import_page(&auth, &state, None)
}

pub async fn template(auth: Auth) -> PageResult {
    auth.require(Action::Import)?;
    let bytes = qunlian_io::xlsx::enterprise_template().map_err(WebError::internal)?;
    Ok(xlsx_response(bytes, "企业名录导入模板.xlsx"))
}

/// Receives the file and starts reading it; the answer is the job's page.
pub async fn preview(State(state): State<AppState>, auth: Auth, mut multipart: Multipart) -> PageResult {
    auth.require(Action::Import)?;
    let upload = match save_upload(&mut multipart, IMPORT_LIMIT).await {
        Ok(u) => u,
        Err(WebError::Invalid(message)) => return import_page(&auth, &state, Some(message)),
        Err(e) => return Err(e),
    };
    let Some((file_name, file)) = upload else {
        return import_page(&auth, &state, Some("请选择要导入的 .xlsx 或 .csv 文件".into()));
    };
    let import = state.store.registry().begin_import(&auth.caller, &file_name, false).await?;
    let job = import.job_id();
    let district = state.config.district;
    let user_id = auth.user.id.0;
    tokio::spawn(read_job(state.clone(), import, file, district, user_id));
    Ok(Redirect::to(&format!("/import/jobs/{job}")).into_response())
}

/// Takes the next batch from the reader thread without blocking the runtime.
async fn next_batch(
    mut batches: ReadAhead,
) -> Result<(ReadAhead, Option<Vec<Result<qunlian_io::enterprises::ParsedRow, Reject>>>), WebError> {
    tokio::task::spawn_blocking(move || {
        let next = batches.next();
        (batches, next)
    })
    .await
    .map_err(WebError::internal)
}

/// Reads and checks the uploaded file in the background, staging the good rows.
async fn read_job(
    state: AppState,
    mut import: EnterpriseImport,
    file: tempfile::NamedTempFile,
    district: RegionCode,
    user_id: i64,
) {
    let job = import.job_id();
    let registry = state.store.registry();
    let path = file.path().to_owned();
    let opened = tokio::task::spawn_blocking(move || EnterpriseReader::open(&path, district)).await;
    let reader = match opened {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => {
            let _ = registry.fail_import(job, &e.to_string()).await;
            return;
        }
        Err(e) => {
            tracing::error!(error = %e, "reading an upload failed");
            let _ = registry.fail_import(job, "文件读取失败").await;
            return;
        }
    };
    if let Some(n) = reader.size_hint_rows() {
        let _ = registry.set_import_total(job, n).await;
    }
    let mut extras = ImportExtras {
        user_id,
        headers: reader.headers().to_vec(),
        ignored_columns: reader.columns().iter().filter(|c| c.field.is_none()).map(|c| c.header.clone()).collect(),
        sample: Vec::new(),
        rejects: Vec::new(),
        created: std::time::Instant::now(),
    };
    let mut refused_in_file = 0u64;
    let mut batches = reader.read_ahead(IMPORT_BATCH, 2);
    loop {
        let items = match next_batch(batches).await {
            Ok((rest, Some(items))) => {
                batches = rest;
                items
            }
            Ok((_, None)) => break,
            Err(_) => {
                let _ = registry.fail_import(job, "文件读取失败").await;
                return;
            }
        };
        let (mut lines, mut rows) = (Vec::with_capacity(items.len()), Vec::with_capacity(items.len()));
        for item in items {
            match item {
                Ok(row) => {
                    if extras.sample.len() < 10 {
                        let r = &row.input;
                        extras.sample.push((row.line, r.name.clone(), r.uscc.to_string(), r.town.name().to_owned()));
                    }
                    lines.push(row.line);
                    rows.push(row.input);
                }
                Err(r) => {
                    refused_in_file += 1;
                    extras.rejects.push(r);
                }
            }
        }
        match import.add(&rows, &lines).await {
            Ok(refused) => extras.rejects.extend(refused.into_iter().map(|r| Reject {
                line: r.line,
                reasons: vec![r.reason],
                values: Vec::new(),
            })),
            Err(e) => {
                tracing::error!(error = %e, job, "staging an import failed");
                let _ = registry.fail_import(job, "写入暂存数据失败，请稍后重试").await;
                return;
            }
        }
    }
    drop(file);
    extras.rejects.sort_by_key(|r| r.line);
    if let Ok(mut all) = state.imports.lock() {
        all.retain(|_, e| e.created.elapsed() < EXTRAS_TTL);
        all.insert(job, extras);
    }
    // The store counted its own refusals; it is told the reader's.
    if let Err(e) = import.finish_reading(refused_in_file).await {
        tracing::error!(error = %e, job, "finishing an import's reading failed");
    }
}

#[derive(Template)]
#[template(path = "registry/import_job.html")]
struct JobPage {
    layout: Layout,
    job: ImportJob,
    view: JobView,
}

#[derive(Template)]
#[template(path = "registry/_import_job.html")]
struct JobPartial {
    job: ImportJob,
    view: JobView,
    csrf: String,
}

/// What the page shows of a job beyond its row.
struct JobView {
    percent: u64,
    good: u64,
    rejects: Vec<Reject>,
    rejects_total: usize,
    ignored_columns: Vec<String>,
    sample: Vec<(usize, String, String, String)>,
}

fn job_view(state: &AppState, job: &ImportJob) -> JobView {
    let (done, total) = match job.state.as_str() {
        "applying" | "done" => (job.applied_rows, job.staged_rows),
        _ => (job.read_rows, job.total_hint.max(job.read_rows)),
    };
    let percent = (done * 100).checked_div(total).unwrap_or(0).min(100);
    let good = job.counts.imported + job.counts.updated + job.counts.unchanged;
    let mut view = JobView {
        percent,
        good,
        rejects: Vec::new(),
        rejects_total: 0,
        ignored_columns: Vec::new(),
        sample: Vec::new(),
    };
    if let Ok(all) = state.imports.lock()
        && let Some(e) = all.get(&job.id)
    {
        view.rejects = e.rejects.iter().take(REJECTS_SHOWN).cloned().collect();
        view.rejects_total = e.rejects.len();
        view.ignored_columns = e.ignored_columns.clone();
        view.sample = e.sample.clone();
    }
    view
}

/// The job's page; an htmx poll gets the progress part only.
pub async fn job(State(state): State<AppState>, auth: Auth, headers: HeaderMap, Path(id): Path<i64>) -> PageResult {
    auth.require(Action::Import)?;
    let job = state.store.registry().import_job(&auth.caller, id).await?;
    let view = job_view(&state, &job);
    if is_htmx(&headers) {
        return render(&JobPartial { job, view, csrf: auth.csrf.clone() });
    }
    render(&JobPage { layout: Layout::new(&auth, &state, "/import"), job, view })
}

/// The preview confirmed: the staged rows are applied in the background.
pub async fn confirm(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    auth.require(Action::Import)?;
    state.store.registry().start_apply(&auth.caller, id).await?;
    let store = state.store.clone();
    tokio::spawn(async move {
        if let Err(e) = store.registry().continue_apply(id).await {
            // The job stays "applying" and is finished when the server next starts.
            tracing::error!(error = %e, job = id, "applying an import failed");
        }
    });
    Ok(Redirect::to(&format!("/import/jobs/{id}")).into_response())
}

/// Drops a preview without importing.
pub async fn cancel(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    auth.require(Action::Import)?;
    state.store.registry().cancel_import(&auth.caller, id).await?;
    Ok(Redirect::to("/import").into_response())
}

pub async fn rejects_xlsx(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    auth.require(Action::Import)?;
    // The job's owner only: the job lookup refuses anyone else.
    state.store.registry().import_job(&auth.caller, id).await?;
    let (headers, rejects) = state
        .imports
        .lock()
        .ok()
        .and_then(|p| {
            p.get(&id).filter(|p| p.user_id == auth.user.id.0).map(|p| (p.headers.clone(), p.rejects.clone()))
        })
        .ok_or(WebError::NotFound)?;
    let bytes = qunlian_io::xlsx::write_rejects(&headers, &rejects).map_err(WebError::internal)?;
    Ok(xlsx_response(bytes, "未导入的行.xlsx"))
}
