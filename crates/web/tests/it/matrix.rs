//! The role × route matrix (issue #11): every route the web crate registers — pages and API,
//! GET and POST — as every role, anonymous, an account without a role, and an account whose
//! one-time password is pending, against the table `routes.txt` beside this file. A route
//! registered in the source but missing from the table, or in the table but no longer
//! registered, fails the test. Pages and registry forms in detail: `roles.rs`.

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use qunlian_domain::auth::{Role, Scope};
use qunlian_testkit::*;

use crate::route_table::{IDENTITIES, sample, table};

/// `(method, path)` of every `.route("…", …)` under `src/`, the API's under `/api/v1` (the
/// one `nest` of lib.rs). Read from the source so that a new route cannot be left out.
fn registered_routes() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut dirs = vec![src.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let prefix = if path.starts_with(src.join("api")) { "/api/v1" } else { "" };
            let mut rest = text.as_str();
            // `.route("…"` on one line, or with the path on the next (rustfmt breaks a long call).
            while let Some(i) = rest.find(".route(") {
                rest = rest[i + 7..].trim_start();
                let Some(after) = rest.strip_prefix('"') else { continue };
                rest = after;
                let end = rest.find('"').unwrap();
                let route = format!("{prefix}{}", &rest[..end]);
                // The handler expression, up to the parenthesis that closes `.route(`.
                let mut depth = 1;
                let call: String = rest[end..]
                    .chars()
                    .take_while(|c| {
                        depth += match c {
                            '(' => 1,
                            ')' => -1,
                            _ => 0,
                        };
                        depth > 0
                    })
                    .collect();
                for method in ["get", "post", "put", "patch", "delete"] {
                    let found = call
                        .match_indices(&format!("{method}("))
                        .any(|(at, _)| !call[..at].chars().last().is_some_and(|c| c.is_alphanumeric() || c == '_'));
                    if found {
                        out.push((method.to_uppercase(), route.clone()));
                    }
                }
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_matrix_lists_every_registered_route_and_no_other() {
    let registered = registered_routes();
    let table = table();
    assert!(registered.len() > 100, "the route scan found only {}", registered.len());
    let missing: Vec<_> = registered.iter().filter(|r| !table.contains_key(*r)).collect();
    assert!(missing.is_empty(), "routes without a row in routes.txt: {missing:?}");
    let stale: Vec<_> = table.keys().filter(|r| !registered.contains(r)).collect();
    assert!(stale.is_empty(), "rows of routes.txt that are no longer routes: {stale:?}");
}

/// Whether the answer is a refusal of the caller (as opposed to an answer about the record
/// or the input): 401/403, or a page's way to the login or to the password change.
fn refused(status: StatusCode, location: Option<&str>) -> bool {
    status == StatusCode::UNAUTHORIZED
        || status == StatusCode::FORBIDDEN
        || (status == StatusCode::SEE_OTHER && matches!(location, Some("/login") | Some("/password")))
}

struct Caller {
    session: Session,
    bearer: Option<String>,
}

async fn request(app: &TestApp, who: &mut Caller, method: &str, path: &str) -> qunlian_testkit::Response {
    if path.starts_with("/api/") {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(b) = &who.bearer {
            req = req.header(header::AUTHORIZATION, b);
        }
        let body = if method == "GET" {
            Body::empty()
        } else {
            req = req.header(header::CONTENT_TYPE, "application/json");
            Body::from("{}")
        };
        return app.send(&mut Session::default(), req.body(body).unwrap()).await;
    }
    if method == "GET" {
        return app.get(&mut who.session, path).await;
    }
    let res = app.post_form(&mut who.session, path, &[]).await;
    // Uploads refuse a form body before their handler runs: send them an empty file.
    if matches!(res.status, StatusCode::BAD_REQUEST | StatusCode::UNSUPPORTED_MEDIA_TYPE) {
        return app.post_file(&mut who.session, path, "empty.csv", b"").await;
    }
    res
}

/// Issue #11: every route as every identity, against the table. Also: a one-time password
/// pending blocks every page (to `/password`) and every API call, but the change itself
/// and logging out (point 4; before the layer, every page but the landing one answered).
#[tokio::test]
async fn every_route_as_every_role() {
    let (app, _) = app_with_accounts().await;
    let s = &app.db.store;
    let throwaway = user(s, "throwaway", Role::Pending, Scope::Nothing).await.user_id.0;
    user(s, "pending", Role::Pending, Scope::Nothing).await;
    let table = table();
    let mut observed: BTreeMap<(String, String), String> = BTreeMap::new();
    for (letter, name) in IDENTITIES {
        let mut who = if name == "anonymous" {
            Caller { session: Session::default(), bearer: None }
        } else {
            Caller { session: app.login(name, PASSWORD).await, bearer: Some(bearer(s, name).await) }
        };
        for (method, path) in table.keys() {
            if path == "/logout" {
                continue; // last, below
            }
            let res = request(&app, &mut who, method, &sample(path, throwaway)).await;
            assert!(res.status.as_u16() < 500, "{name} {method} {path}: {} {}", res.status, res.body);
            if !refused(res.status, res.location.as_deref()) {
                observed.entry((method.clone(), path.clone())).or_default().push(letter);
            }
        }
        // Logging out answers everyone with the way to the login page.
        let res = app.post_form(&mut who.session, "/logout", &[]).await;
        if res.status == StatusCode::SEE_OTHER {
            observed.entry(("POST".into(), "/logout".into())).or_default().push(letter);
        }
    }
    if std::env::var_os("QUNLIAN_PRINT_ROUTES").is_some() {
        for (method, path) in table.keys() {
            let who = observed.get(&(method.clone(), path.clone())).cloned().unwrap_or_default();
            println!("{method:<5} {path:<46} {}", if who.is_empty() { "-".into() } else { who });
        }
    }
    let mut wrong = Vec::new();
    for (route, allowed) in &table {
        let got = observed.get(route).cloned().unwrap_or_default();
        if &got != allowed {
            wrong.push(format!("{} {}: table {allowed:?}, answered {got:?}", route.0, route.1));
        }
    }
    assert!(wrong.is_empty(), "routes that answer other roles than routes.txt says:\n{}", wrong.join("\n"));

    // An account whose one-time password is pending: only the change and logging out.
    s.accounts()
        .reset_password(&system(), s.accounts().user_by_name("district").await.unwrap().unwrap().id)
        .await
        .unwrap();
    let otp = "Once@Only2026";
    let id = s.accounts().user_by_name("district").await.unwrap().unwrap().id;
    s.accounts().set_password(&system(), id, otp).await.unwrap();
    let mut forced = Caller { session: app.login("district", otp).await, bearer: Some(bearer(s, "district").await) };
    for (method, path) in table.keys() {
        let open = matches!(path.as_str(), "/password" | "/login" | "/logout" | "/healthz" | "/assets/{*path}");
        if open || path == "/api/v1/openapi.json" {
            continue;
        }
        let res = request(&app, &mut forced, method, &sample(path, throwaway)).await;
        assert!(refused(res.status, res.location.as_deref()), "pending password: {method} {path}: {}", res.status);
        if !path.starts_with("/api/") {
            assert_eq!(res.location.as_deref(), Some("/password"), "{method} {path}");
        }
    }
    let page = app.get(&mut forced.session, "/password").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("id=\"forced-change\""));
}
