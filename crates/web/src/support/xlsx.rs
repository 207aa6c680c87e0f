//! .xlsx downloads: the response headers, and small lists written as one sheet.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use qunlian_io::xlsx::{Cell, Column, XlsxError, XlsxTable};

use super::format::url_encode;

/// The bytes of a workbook as a download named `file` (any characters; encoded per RFC 5987).
pub fn xlsx_response(bytes: Vec<u8>, file: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"download.xlsx\"; filename*=UTF-8''{}", url_encode(file)),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// A small list as one sheet: headers with widths, and rows of cells.
pub fn simple_xlsx(
    sheet: &str,
    title: String,
    columns: &[(&str, f64)],
    rows: Vec<Vec<Cell>>,
) -> Result<Vec<u8>, XlsxError> {
    let table = XlsxTable {
        sheet: sheet.into(),
        title: Some(title),
        columns: columns.iter().map(|(h, w)| Column { header: (*h).into(), width: *w }).collect(),
    };
    table.write(rows.into_iter())
}

/// A registry list as a download titled with the export time and row count; the export
/// itself is audited.
pub async fn send_list(
    state: &crate::state::AppState,
    auth: &crate::auth::Auth,
    what: &str,
    columns: &[(&str, f64)],
    rows: Vec<Vec<Cell>>,
) -> Result<Response, crate::error::WebError> {
    let now = qunlian_domain::clock::beijing(state.store.now());
    let count = rows.len();
    let title = format!("{what}（导出时间 {}，共 {count} 条）", now.format("%Y-%m-%d %H:%M"));
    let bytes = simple_xlsx(what, title, columns, rows).map_err(crate::error::WebError::internal)?;
    state.store.audit().record(&auth.caller, "export", what, None, format!("导出{what}{count}条")).await?;
    Ok(xlsx_response(bytes, &format!("{what}-{}.xlsx", now.format("%Y%m%d"))))
}
