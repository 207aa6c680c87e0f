//! The economic-figures import: a file and, for files without a 期间 column, the period its
//! rows are for; the answer lists what was saved, what a re-import replaced (old → new) and
//! every refused row by its line and column.

use askama::Template;
use axum::Router;
use axum::extract::{Multipart, State};
use axum::routing::get;
use qunlian_domain::auth::Action;
use qunlian_domain::results::Period;
use qunlian_io::figures::read_figures;
use qunlian_store::results::{FigureChange, FigureImportCounts, FigureImportRow};

use super::{ACTIVE, period_choices};
use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::forms::Unread;
use crate::support::render;
use crate::support::upload::limit_text;
use crate::support::xlsx::xlsx_response;

/// A figures file: a district's above-scale enterprises for a few periods fit well within.
pub const FIGURES_LIMIT: usize = 20 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/results/import",
            get(page)
                .post(upload)
                .layer(axum::extract::DefaultBodyLimit::max(FIGURES_LIMIT + crate::support::upload::FORM_OVERHEAD)),
        )
        .route("/results/import/template.xlsx", get(template))
}

#[derive(Template)]
#[template(path = "results/import.html")]
struct ImportPage {
    layout: Layout,
    error: Option<String>,
    limit: String,
    periods: Vec<Period>,
    done: Option<Done>,
}

struct Done {
    file: String,
    counts: FigureImportCounts,
    changes: Vec<FigureChange>,
    rejects: Vec<String>,
    ignored: Vec<String>,
}

fn import_page(auth: &Auth, state: &AppState, error: Option<String>, done: Option<Done>) -> PageResult {
    render(&ImportPage {
        layout: Layout::new(auth, state, ACTIVE),
        error,
        limit: limit_text(FIGURES_LIMIT),
        periods: period_choices(state.store.today()),
        done,
    })
}

pub async fn page(State(state): State<AppState>, auth: Auth) -> PageResult {
    auth.require(Action::RecordFigures)?;
    import_page(&auth, &state, None, None)
}

pub async fn template(auth: Auth) -> PageResult {
    auth.require(Action::RecordFigures)?;
    let bytes = qunlian_io::figures::template().map_err(WebError::internal)?;
    Ok(xlsx_response(bytes, "经济指标导入模板.xlsx"))
}

/// The form's fields: the file in memory (at most [`FIGURES_LIMIT`]) and the period.
async fn fields(mut multipart: Multipart) -> Result<(Option<(String, Vec<u8>)>, String), WebError> {
    let broken = || WebError::Invalid("上传失败：文件没有完整传到服务器，请重新选择文件上传".into());
    let (mut file, mut period) = (None, String::new());
    while let Some(field) = multipart.next_field().await.map_err(|_| broken())? {
        match field.name() {
            Some("file") => {
                let name = field.file_name().unwrap_or("upload").chars().take(200).collect::<String>();
                let bytes = field.bytes().await.map_err(|_| {
                    WebError::Invalid(format!("上传失败：文件超过 {} 的上限", limit_text(FIGURES_LIMIT)))
                })?;
                if !bytes.is_empty() {
                    file = Some((name, bytes.to_vec()));
                }
            }
            Some("period") => period = field.text().await.map_err(|_| broken())?.chars().take(64).collect(),
            _ => {}
        }
    }
    Ok((file, period))
}

pub async fn upload(State(state): State<AppState>, auth: Auth, body: Unread) -> PageResult {
    auth.require(Action::RecordFigures)?;
    let multipart: Multipart = body.read().await.map_err(|_| WebError::Invalid("请用页面上的表单上传文件".into()))?;
    let (file, period) = match fields(multipart).await {
        Ok(f) => f,
        Err(WebError::Invalid(m)) => return import_page(&auth, &state, Some(m), None),
        Err(e) => return Err(e),
    };
    let Some((name, bytes)) = file else {
        return import_page(&auth, &state, Some("请选择要导入的 .xlsx 或 .csv 文件".into()), None);
    };
    let period = if period.trim().is_empty() {
        None
    } else {
        match Period::parse(&period) {
            Ok(p) => Some(p),
            Err(e) => return import_page(&auth, &state, Some(e.to_string()), None),
        }
    };
    let read = tokio::task::spawn_blocking(move || read_figures(bytes, period)).await.map_err(WebError::internal)?;
    let file = match read {
        Ok(f) => f,
        Err(message) => return import_page(&auth, &state, Some(format!("“{name}”：{message}")), None),
    };
    let mut rejects: Vec<(usize, String)> =
        file.rejects.iter().map(|r| (r.line, format!("第{}行：{}", r.line, r.reasons.join("；")))).collect();
    let rows = file.rows.into_iter().map(|l| FigureImportRow { line: l.line, row: l.row }).collect();
    let (counts, refused, changes) =
        state.store.results().import_figures(&auth.caller, rows, &name, rejects.len(), false).await?;
    rejects.extend(refused.iter().map(|r| (r.line, r.message())));
    rejects.sort();
    let done = Done {
        file: name,
        counts,
        changes,
        rejects: rejects.into_iter().map(|(_, m)| m).collect(),
        ignored: file.ignored,
    };
    import_page(&auth, &state, None, Some(done))
}
