//! The API as a whole: tokens, scope, errors and the OpenAPI document.

use axum::http::StatusCode;
use qunlian_testkit::*;

#[tokio::test]
async fn the_api_needs_a_token_and_keeps_the_scope() {
    let (app, _) = app_with_accounts().await;
    let s = &app.db.store;
    let none = app.get_with("/api/v1/enterprises", &[]).await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    assert!(none.content_type.unwrap().contains("json"));
    let error: serde_json::Value = serde_json::from_str(&none.body).unwrap();
    assert_eq!(error["code"], "unauthorized");
    assert!(error["message"].as_str().unwrap().contains("登录"), "{error}");
    let auth = bearer(s, "secretary").await;
    let res = app.get_with("/api/v1/enterprises", &[("authorization", &auth)]).await;
    assert_eq!(res.status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    assert_eq!(json["total"], 1);
    assert_eq!(json["items"][0]["name"], "上海甲电气有限公司");
    let outside = app.get_with(&format!("/api/v1/enterprises/{}", uscc(2)), &[("authorization", &auth)]).await;
    assert_eq!(outside.status, StatusCode::NOT_FOUND);
    assert_eq!(serde_json::from_str::<serde_json::Value>(&outside.body).unwrap()["code"], "not_found");
    let inside = app.get_with(&format!("/api/v1/enterprises/{}", uscc(1)), &[("authorization", &auth)]).await;
    assert_eq!(inside.status, StatusCode::OK);
    let clusters = app.get_with("/api/v1/clusters", &[("authorization", &auth)]).await;
    assert_eq!(serde_json::from_str::<serde_json::Value>(&clusters.body).unwrap().as_array().unwrap().len(), 1);
    let doc = app.get_with("/api/v1/openapi.json", &[]).await;
    let doc: serde_json::Value = serde_json::from_str(&doc.body).unwrap();
    for path in [
        "/api/v1/enterprises",
        "/api/v1/enterprises/{uscc}",
        "/api/v1/clusters",
        "/api/v1/clusters/{id}",
        "/api/v1/party-orgs",
        "/api/v1/party-orgs/{id}",
        "/api/v1/coverage",
        "/api/v1/coverage/enterprises",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing from the OpenAPI document");
    }
}

/// Every refusal of the API, the framework's own included, is `{"code", "message"}` with a
/// Chinese message naming the parameter, never axum's English text.
#[tokio::test]
async fn api_errors_have_a_stable_code_and_name_the_parameter() {
    let (app, _) = app_with_accounts().await;
    let s = &app.db.store;
    let auth = bearer(s, "secretary").await;
    let json = |r: &Response| serde_json::from_str::<serde_json::Value>(&r.body).unwrap();

    let query = app.get_with("/api/v1/enterprises?page=abc", &[("authorization", &auth)]).await;
    assert_eq!(query.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", query.body);
    assert_eq!(json(&query)["code"], "invalid");
    assert!(json(&query)["message"].as_str().unwrap().contains("page"), "{}", query.body);
    assert!(!query.body.contains("Failed to deserialize"), "{}", query.body);

    let missing = app.get_with("/api/v1/calendar/working-days?from=2026-02-12", &[("authorization", &auth)]).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(json(&missing)["message"].as_str().unwrap().contains("to"), "{}", missing.body);

    let path = app.get_with("/api/v1/clusters/abc", &[("authorization", &auth)]).await;
    assert_eq!(path.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", path.body);
    assert_eq!(json(&path)["code"], "invalid");
    assert!(json(&path)["message"].as_str().unwrap().contains("id"), "{}", path.body);

    let post = |body: &str, content_type: &str| {
        axum::http::Request::post("/api/v1/service-requests")
            .header("authorization", auth.clone())
            .header("content-type", content_type)
            .body(axum::body::Body::from(body.to_owned()))
            .unwrap()
    };
    let syntax = app.send(&mut Session::default(), post("{\"item_id\": ", "application/json")).await;
    assert_eq!(syntax.status, StatusCode::BAD_REQUEST);
    assert_eq!(json(&syntax)["code"], "bad_request");
    let field =
        app.send(&mut Session::default(), post("{\"item_id\": \"x\", \"uscc\": \"1\"}", "application/json")).await;
    assert_eq!(field.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(json(&field)["message"].as_str().unwrap().contains("item_id"), "{}", field.body);
    let not_json = app.send(&mut Session::default(), post("item_id=1", "application/x-www-form-urlencoded")).await;
    assert_eq!(json(&not_json)["code"], "bad_request");

    let nowhere = app.get_with("/api/v1/nowhere", &[("authorization", &auth)]).await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);
    assert_eq!(json(&nowhere)["code"], "not_found");
    let method = app
        .send(
            &mut Session::default(),
            axum::http::Request::delete("/api/v1/clusters")
                .header("authorization", auth.clone())
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(json(&method)["code"], "bad_request");

    // The document says so for every operation.
    let doc = json(&app.get_with("/api/v1/openapi.json", &[]).await);
    assert!(doc["components"]["schemas"]["ErrorBody"]["properties"]["code"].is_object());
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for status in ["401", "404", "422"] {
                assert!(op["responses"][status]["content"]["application/json"].is_object(), "{method} {path} {status}");
            }
        }
    }
}

/// What the OpenAPI document allows is accepted, what it forbids is refused by name, and a
/// well-formed code that names nothing is 404 (schemathesis found each of these; `make apitest`).
#[tokio::test]
async fn api_parameters_are_checked_as_the_document_says() {
    let (app, _) = app_with_accounts().await;
    let auth = bearer(&app.db.store, "secretary").await;
    let get = |path: String| {
        let auth = auth.clone();
        let app = &app;
        async move {
            let r = app.get_with(&path, &[("authorization", &auth)]).await;
            let json: serde_json::Value = serde_json::from_str(&r.body).unwrap_or_default();
            (
                r.status,
                json["code"].as_str().unwrap_or("").to_owned(),
                json["message"].as_str().unwrap_or("").to_owned(),
            )
        }
    };
    // Bounds and codes the document states are the ones checked.
    let (status, code, message) = get("/api/v1/enterprises?per_page=501".into()).await;
    assert_eq!((status, code.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid"));
    assert!(message.contains("per_page") && message.contains("500"), "{message}");
    let (status, _, message) = get("/api/v1/enterprises?high_tech=yes".into()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
    assert!(message.contains("high_tech") && message.contains("1"), "{message}");
    let (status, _, message) = get("/api/v1/listings?category=产品".into()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
    assert_eq!(get("/api/v1/enterprises?high_tech=1&per_page=500".into()).await.0, StatusCode::OK);
    // A code of the right form that names nothing is missing, not malformed.
    let good = uscc(1).as_str().to_owned();
    let last = if good.ends_with('0') { '1' } else { '0' };
    let wrong_check = format!("{}{last}", &good[..17]);
    assert_eq!(get(format!("/api/v1/enterprises/{wrong_check}")).await.1, "not_found");
    assert_eq!(get("/api/v1/enterprises/0".into()).await.1, "invalid");
    let (status, code, message) = get("/api/v1/coverage?region=999999".into()).await;
    assert_eq!((status, code.as_str()), (StatusCode::NOT_FOUND, "not_found"), "{message}");
    assert!(message.contains("999999"), "{message}");
    assert_eq!(get("/api/v1/coverage?region=31011".into()).await.1, "invalid");
    let (_, _, message) = get("/api/v1/coverage/enterprises?status=open".into()).await;
    assert!(message.contains("own_org"), "{message}");
    // 6436.0 is an integer to JSON Schema.
    let post = axum::http::Request::post("/api/v1/service-requests")
        .header("authorization", auth.clone())
        .header("content-type", "application/json")
        .body(axum::body::Body::from(format!("{{\"item_id\": 6436.0, \"uscc\": \"{wrong_check}\"}}")))
        .unwrap();
    let r = app.send(&mut Session::default(), post).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);

    let doc: serde_json::Value = serde_json::from_str(&app.get_with("/api/v1/openapi.json", &[]).await.body).unwrap();
    let param = |path: &str, name: &str| {
        doc["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap()["schema"]
            .clone()
    };
    assert_eq!(param("/api/v1/enterprises", "per_page")["maximum"], 500);
    assert!(param("/api/v1/enterprises", "high_tech").to_string().contains("\"1\""));
    assert!(param("/api/v1/coverage", "region")["pattern"].is_string());
    assert!(doc["paths"]["/api/v1/listings"]["post"]["responses"]["409"].is_object());
}

/// Round trips per call of the list API (issue #11's load target): under 64 clients each
/// statement is a hand-over to a database thread and back. A district admin's page of
/// enterprises was five statements (token, its user, the data version, the page's ids, the
/// rows); now the token comes with its user and the page with its rows and the version: two.
/// The page and order are the same as before (the register's name order, then id).
#[tokio::test]
async fn a_page_of_the_enterprise_list_api_is_two_statements() {
    let (app, _) = app_with_accounts().await;
    let s = &app.db.store;
    for n in 10..40 {
        s.registry()
            .create_enterprise(&system(), enterprise(n, &format!("上海{n:02}号精密有限公司"), "九亭"))
            .await
            .unwrap();
    }
    let auth = bearer(s, "district").await;
    let get = |path: &'static str| {
        let auth = auth.clone();
        let app = &app;
        async move {
            let r = app.get_with(path, &[("authorization", &auth)]).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            serde_json::from_str::<serde_json::Value>(&r.body).unwrap()
        }
    };
    // The first call takes the count and notes the token's use.
    let first = get("/api/v1/enterprises?per_page=10&page=2").await;
    let before = s.statements_run();
    let again = get("/api/v1/enterprises?per_page=10&page=2").await;
    assert_eq!(s.statements_run() - before, 2, "statements for one page");
    assert_eq!(first, again);
    assert_eq!(again["total"], 32);
    let names: Vec<&str> = again["items"].as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "in name order");
    assert_eq!(names.len(), 10);
    // The count still follows a change at once.
    s.registry().create_enterprise(&system(), enterprise(99, "上海新登记有限公司", "九亭")).await.unwrap();
    assert_eq!(get("/api/v1/enterprises?per_page=10").await["total"], 33);
}
