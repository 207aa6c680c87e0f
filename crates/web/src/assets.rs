//! Static files embedded at build time: our stylesheet and script, and htmx and ECharts
//! from npm. Served with long caching; the version in the URL never changes within a build.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

const HTMX: &[u8] =
    include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../node_modules/htmx.org/dist/htmx.min.js"));
const ECHARTS: &[u8] =
    include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../node_modules/echarts/dist/echarts.min.js"));
const APP_CSS: &[u8] = include_bytes!("../assets/app.css");
const APP_JS: &[u8] = include_bytes!("../assets/app.js");
const PRINT_CSS: &[u8] = include_bytes!("../assets/print.css");
const SCREEN_CSS: &[u8] = include_bytes!("../assets/screen.css");
const SCREEN_JS: &[u8] = include_bytes!("../assets/screen.js");

pub async fn serve(Path(path): Path<String>) -> Response {
    let (body, mime) = match path.as_str() {
        "htmx.min.js" => (HTMX, "text/javascript; charset=utf-8"),
        "echarts.min.js" => (ECHARTS, "text/javascript; charset=utf-8"),
        "app.css" => (APP_CSS, "text/css; charset=utf-8"),
        "app.js" => (APP_JS, "text/javascript; charset=utf-8"),
        "print.css" => (PRINT_CSS, "text/css; charset=utf-8"),
        "screen.css" => (SCREEN_CSS, "text/css; charset=utf-8"),
        "screen.js" => (SCREEN_JS, "text/javascript; charset=utf-8"),
        _ => return (StatusCode::NOT_FOUND, "not found").into_response(),
    };
    ([(header::CONTENT_TYPE, mime), (header::CACHE_CONTROL, "public, max-age=3600")], body).into_response()
}
