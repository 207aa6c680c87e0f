//! The roster import: the page with the columns and a template, the upload, and its result
//! (rows added, updated, unchanged, and every refused row by line with its reasons).

use askama::Template;
use axum::extract::{Multipart, State};
use qunlian_domain::auth::Action;
use qunlian_store::people::{RosterImport, RosterReject, RosterRow};

use super::{ACTIVE, ROSTER_LIMIT};
use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::render_form;
use crate::support::upload::{limit_text, save_upload};

#[derive(Template)]
#[template(path = "people/import.html")]
struct ImportPage {
    layout: Layout,
    headers: Vec<&'static str>,
    limit: String,
    max_rows: usize,
    result: Option<RosterImport>,
    source: String,
    error: Option<String>,
}

async fn import_page(
    state: &AppState,
    auth: &Auth,
    result: Option<RosterImport>,
    source: String,
    error: Option<String>,
) -> PageResult {
    let page = ImportPage {
        layout: Layout::new(auth, state, ACTIVE),
        headers: qunlian_io::people::template_headers(),
        limit: limit_text(ROSTER_LIMIT),
        max_rows: qunlian_io::people::MAX_ROSTER_ROWS,
        result,
        source,
        error,
    };
    render_form(&page, page.error.is_some())
}

pub async fn page(State(state): State<AppState>, auth: Auth) -> PageResult {
    auth.require(Action::WriteMembers)?;
    import_page(&state, &auth, None, String::new(), None).await
}

/// The template: the header row and one example row of synthetic values.
pub async fn template(auth: Auth) -> PageResult {
    auth.require(Action::WriteMembers)?;
    use qunlian_io::xlsx::Cell;
    let headers = qunlian_io::people::template_headers();
    let columns: Vec<(&str, f64)> = headers.iter().map(|h| (*h, 16.0)).collect();
    let example = [
        "张三（示例，导入前删除此行）",
        "",
        "",
        "男",
        "",
        "大学本科",
        "产业工人",
        "2015-07-01",
        "正式党员",
        "（党组织全称）",
        "（工作单位）",
    ];
    let rows = vec![example.iter().map(|v| Cell::Text((*v).to_owned())).collect()];
    let bytes = crate::support::xlsx::simple_xlsx(
        "党员名册",
        "党员名册导入模板：身份证号码列请设为文本格式".into(),
        &columns,
        rows,
    )
    .map_err(WebError::internal)?;
    Ok(crate::support::xlsx::xlsx_response(bytes, "党员名册导入模板.xlsx"))
}

/// Reads the uploaded roster and imports its good rows in one transaction.
pub async fn upload(State(state): State<AppState>, auth: Auth, mut multipart: Multipart) -> PageResult {
    auth.require(Action::WriteMembers)?;
    let saved = match save_upload(&mut multipart, ROSTER_LIMIT).await {
        Ok(s) => s,
        Err(WebError::Invalid(m)) => return import_page(&state, &auth, None, String::new(), Some(m)).await,
        Err(e) => return Err(e),
    };
    let Some((name, file)) = saved else {
        return import_page(&state, &auth, None, String::new(), Some("请选择要导入的 .xlsx 或 .csv 文件".into())).await;
    };
    let parsed = tokio::task::spawn_blocking(move || {
        let bytes = std::fs::read(file.path()).map_err(|e| format!("上传的文件无法读取：{e}"))?;
        qunlian_io::people::read_roster(bytes)
    })
    .await
    .map_err(WebError::internal)?;
    let (lines, rejects) = match parsed {
        Ok(x) => x,
        Err(e) => return import_page(&state, &auth, None, name, Some(e)).await,
    };
    let rows = lines.into_iter().map(|l| RosterRow { line: l.line, fields: l.fields }).collect();
    let rejects = rejects.into_iter().map(|r| RosterReject { line: r.line, reason: r.reason() }).collect();
    let result = state.store.people().import_roster(&auth.caller, rows, &name, rejects, false).await?;
    import_page(&state, &auth, Some(result), name, None).await
}
