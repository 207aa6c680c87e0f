//! The API's request bodies fed hostile values.

use qunlian_testkit::*;

use super::tally::{Tally, shown};
use super::values::{FOR_DATES, OTHERS, worst};

/// The API's request bodies: each documented property of each POST, PUT and PATCH body in
/// the OpenAPI document, in turn hostile (as text and as values of the wrong JSON type), the
/// others valid, as the enterprise contact (who may call all of them).
pub(super) async fn feed_api(app: &TestApp, item: i64, tally: &mut Tally) {
    use serde_json::json;
    let token = bearer(&app.db.store, "contact").await;
    let doc: serde_json::Value = serde_json::from_str(&app.get_with("/api/v1/openapi.json", &[]).await.body).unwrap();
    let org = app.db.store.registry().org_tree(&system(), None, false).await.unwrap()[0].id.0;
    let base = |path: &str| match path {
        "/api/v1/listings" => json!({
            "uscc": uscc(2).as_str(), "kind": "供给", "category": "产品", "title": "轴承座",
            "description": "轴承座", "quantity": 10, "unit": "套", "urgency": "normal", "reach": "district",
            "valid_until": "2027-03-31"
        }),
        "/api/v1/service-requests" => json!({ "item_id": item, "uscc": uscc(2).as_str(), "detail": "新建厂房" }),
        "/api/v1/proposals" => {
            json!({ "kind": "rename_org", "org": org, "new_name": "乙公司新党支部", "reason": "企业更名", "on": "2026-12-01" })
        }
        other => panic!("no valid body written for {other}: add one"),
    };
    let mut wrong_types = vec![json!(-1), json!(1e300), json!(true), json!(null), json!([]), json!({}), json!(12.5)];
    wrong_types.extend(
        worst()
            .into_iter()
            .chain(OTHERS.iter().map(|s| (*s).to_owned()))
            .chain(FOR_DATES.iter().map(|s| (*s).to_owned()))
            .map(serde_json::Value::String),
    );
    let paths = doc["paths"].as_object().unwrap();
    for (path, item_doc) in paths {
        for method in ["post", "put", "patch"] {
            let Some(op) = item_doc.get(method) else { continue };
            let mut schema = &op["requestBody"]["content"]["application/json"]["schema"];
            if let Some(r) = schema["$ref"].as_str() {
                schema = doc.pointer(&r.replace("#/", "/")).unwrap();
            }
            let props: Vec<String> =
                schema["properties"].as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
            assert!(!props.is_empty(), "{method} {path}: no documented body");
            let body = base(path);
            for prop in &props {
                tally.api_fields += 1;
                for v in &wrong_types {
                    let mut b = body.clone();
                    b[prop.as_str()] = v.clone();
                    let req = axum::http::Request::builder()
                        .method(method.to_uppercase().as_str())
                        .uri(path.as_str())
                        .header("authorization", &token)
                        .header("content-type", "application/json")
                        .body(axum::body::Body::from(b.to_string()))
                        .unwrap();
                    let r = app.send(&mut Session::default(), req).await;
                    let what = format!("contact {} {path} [{prop}={}]", method.to_uppercase(), shown(&v.to_string()));
                    tally.check(&what, r.status, &r.body, r.content_type.as_deref(), true);
                }
            }
        }
    }
}
