//! Issue #11: what one request may not do. Input past a parser's limits gets a Chinese message
//! naming the field and the server keeps answering (point 2); matches and meeting pairs show
//! only listings the caller may see, on every surface (point 3).

use axum::http::StatusCode;
use qunlian_domain::auth::{Role, Scope, UnitId};
use qunlian_domain::matching::{ListingKind, Reach};
use qunlian_testkit::*;

fn json_post(path: &str, token: &str, body: serde_json::Value) -> axum::http::Request<axum::body::Body> {
    axum::http::Request::post(path)
        .header("authorization", token)
        .header("content-type", "application/json")
        .body(axum::body::Body::from(body.to_string()))
        .unwrap()
}

/// A department officer's eligibility rule of 60,000 `!` overflowed a worker's stack and
/// aborted the whole process. Now the page says why it is refused, and so does every other
/// form and API call given too much, and the server goes on answering.
#[tokio::test]
async fn sixty_thousand_bangs_are_refused_and_the_server_keeps_answering() {
    let (app, _) = app_with_accounts().await;
    let s = &app.db.store;
    let dept = department(s, 90, "上海市松江区经济委员会").await;
    user(s, "economy", Role::ServiceOfficer, Scope::Department(dept)).await;
    let bangs = "!".repeat(60_000);
    let dept_id = dept.0.to_string();
    let policy = |rule: &'static str| {
        vec![
            ("title", "研发费用补贴"),
            ("department", dept_id.as_str()),
            ("valid_from", "2026-01-01"),
            ("content", "内容"),
            ("rule", rule),
        ]
    };
    let mut officer = app.login("economy", PASSWORD).await;
    let mut form = policy("高新");
    form[4].1 = &bangs;
    let res = app.post_form(&mut officer, "/policies", &form).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("适用条件：规则过长：最多2000个字，现有60000个字"), "{}", res.body);
    let deep = format!("{}高新", "非".repeat(40));
    form[4].1 = &deep;
    let res = app.post_form(&mut officer, "/policies", &form).await;
    assert!(res.body.contains("嵌套超过32层"), "{}", res.body);
    assert_eq!(app.post_form(&mut officer, "/policies", &policy("高新")).await.status, StatusCode::SEE_OTHER);

    let mut district = app.login("district", PASSWORD).await;
    let category = [("name", "深"), ("rule", bangs.as_str()), ("target_pct", "100")];
    let res = app.post_form(&mut district, "/coverage/categories", &category).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("规则过长"), "{}", res.body);

    // Search boxes, pages and API alike.
    let long = "轴".repeat(201);
    for path in [format!("/enterprises?q={long}"), format!("/listings/search?q={long}"), format!("/policies?q={long}")]
    {
        let res = app.get(&mut district, &path).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {}", res.body);
        assert!(res.body.contains("搜索词：不能超过200个字"), "{path}: {}", res.body);
    }
    let token = bearer(s, "district").await;
    let res = app.get_with(&format!("/api/v1/enterprises?q={long}"), &[("authorization", &token)]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    // The API names its parameter, with the same limit as the pages' search box.
    assert!(res.body.contains("q：不能超过 200 个字"), "{}", res.body);

    // Free text and codes through the API: the field is named, the megabyte not echoed.
    let contact = bearer(s, "contact").await;
    let body = serde_json::json!({
        "uscc": uscc(2).as_str(), "kind": "供给", "category": "产品", "title": "轴承座",
        "description": "轴".repeat(20_001), "reach": "x".repeat(100_000), "valid_until": "2027-03-31"
    });
    let res = app.send(&mut Session::default(), json_post("/api/v1/listings", &contact, body)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("描述：不能超过20000个字（现有20001个字）"), "{}", res.body);
    assert!(res.body.len() < 4_000, "what was typed is not sent back whole: {} bytes", res.body.len());

    // Still answering.
    assert_eq!(app.get(&mut district, "/policies").await.status, StatusCode::OK);
    assert_eq!(app.get_with("/api/v1/enterprises", &[("authorization", &token)]).await.status, StatusCode::OK);
}

/// A listing the caller may not see never reaches him through a match or a meeting pair: the
/// 九亭 member's cluster-only offer is the 新桥 town admin's on no surface, while the cluster's
/// secretary, who may see it, finds it on each (so each check can fail).
#[tokio::test]
async fn matches_and_meeting_pairs_on_every_surface_are_within_the_callers_visibility() {
    let (app, _) = app_with_accounts().await;
    let s = &app.db.store;
    let sys = system();
    let cluster = s.registry().list_clusters(&sys, None).await.unwrap()[0].id;
    let neighbour = s.registry().create_enterprise(&sys, enterprise(3, "上海丙材料有限公司", "九亭")).await.unwrap();
    s.registry().add_cluster_member(&sys, cluster, neighbour, false, None).await.unwrap();
    let need = s
        .matching()
        .publish(
            &sys,
            UnitId(1),
            listing(ListingKind::Need, "急需自润滑轴承", "挖掘机动臂用自润滑轴承", Reach::District),
            false,
        )
        .await
        .unwrap();
    s.matching()
        .publish(
            &sys,
            neighbour,
            listing(ListingKind::Offer, "集群内自润滑轴承", "工程机械用自润滑轴承", Reach::Cluster),
            false,
        )
        .await
        .unwrap();
    app.sync_index().await;
    const HIDDEN: &str = "集群内自润滑轴承";
    let meeting = format!("cluster={}&date=2026-11-22", cluster.0);
    for (name, sees) in [("secretary", true), ("town", false)] {
        let mut session = app.login(name, PASSWORD).await;
        for path in [format!("/listings/{need}"), format!("/meetings?{meeting}"), format!("/meetings/print?{meeting}")]
        {
            let res = app.get(&mut session, &path).await;
            assert_eq!(res.status, StatusCode::OK, "{name} {path}");
            // A need without a visible counterpart makes no pair; its own page shows it.
            if sees || path.starts_with("/listings") {
                assert!(res.body.contains("急需自润滑轴承"), "{name} {path}: the need itself is shown");
            }
            assert_eq!(res.body.contains(HIDDEN), sees, "{name} {path}");
        }
        let xlsx = app.get(&mut session, &format!("/meetings/export.xlsx?{meeting}")).await;
        assert_eq!(xlsx.status, StatusCode::OK, "{name}");
        let cells: Vec<String> =
            qunlian_io::table::TableReader::from_bytes(xlsx.bytes).unwrap().flat_map(|row| row.unwrap().1).collect();
        assert_eq!(cells.iter().any(|c| c.contains(HIDDEN)), sees, "{name} .xlsx: {cells:?}");
        let token = bearer(s, name).await;
        let res = app.get_with(&format!("/api/v1/listings/{need}/matches"), &[("authorization", &token)]).await;
        assert_eq!(res.status, StatusCode::OK, "{name}: {}", res.body);
        assert_eq!(res.body.contains(HIDDEN), sees, "{name} API: {}", res.body);
    }
}
