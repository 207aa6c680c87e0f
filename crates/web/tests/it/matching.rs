//! Matchmaking pages, forms and API (#4) as every role: refused roles get 403 (or 404 out of
//! scope) and change nothing; no page answers 5xx.

use axum::http::StatusCode;
use qunlian_domain::auth::{Action, Role, UnitId};
use qunlian_domain::matching::{ListingCategory, ListingFields, ListingKind, Reach, Urgency};
use qunlian_store::matching::{IntroductionFilter, ListingFilter};
use qunlian_testkit::*;

use crate::{between, expect};

fn fields(kind: ListingKind, title: &str, description: &str) -> ListingFields {
    ListingFields {
        kind,
        category: ListingCategory::Product,
        title: title.into(),
        description: description.into(),
        industry: None,
        quantity: Some(200.0),
        quantity_unit: Some("套".into()),
        urgency: Urgency::Normal,
        reach: Reach::District,
        valid_until: d("2027-03-31"),
    }
}

/// 甲 (新桥, in the cluster) needs bearings urgently; 乙 (九亭, outside) offers them.
/// Posts the form that records an introduction of `offer` to `need`.
async fn introduce(app: &TestApp, session: &mut Session, need: i64, offer: i64) -> Response {
    let (need, offer) = (need.to_string(), offer.to_string());
    app.post_form(
        session,
        "/introductions",
        &[("need_listing", &need), ("offer_listing", &offer), ("state", "introduced")],
    )
    .await
}

async fn fixture(app: &TestApp) -> (i64, i64) {
    let s = &app.db.store;
    let need = s
        .matching()
        .publish(
            &system(),
            UnitId(1),
            ListingFields {
                urgency: Urgency::Emergency,
                ..fields(ListingKind::Need, "急需自润滑轴承", "挖掘机动臂用自润滑轴承，断供应急")
            },
            false,
        )
        .await
        .unwrap();
    let offer = s
        .matching()
        .publish(&system(), UnitId(2), fields(ListingKind::Offer, "自润滑轴承供应", "工程机械用自润滑轴承"), false)
        .await
        .unwrap();
    app.sync_index().await;
    (need, offer)
}

#[tokio::test]
async fn matching_pages_and_forms_as_every_role() {
    let (app, accounts) = app_with_accounts().await;
    let (need, offer) = fixture(&app).await;
    let cluster = 1;
    let mut published = 0;
    for (name, role) in accounts {
        let mut s = app.login(name, PASSWORD).await;
        let reads = role.may(Action::ReadListings);
        let ok = |may: bool| if may { StatusCode::OK } else { StatusCode::FORBIDDEN };
        for path in [
            "/listings",
            "/listings?kind=need&urgency=emergency&scope=mine&closed=1",
            "/listings?category=product",
            "/listings/search?q=轴承",
            "/listings/search?q=轴承&kind=offer",
            "/introductions",
            "/introductions?state=won",
            "/meetings",
            &format!("/listings/{need}"),
            &format!("/listings/{offer}"),
        ] {
            let res = app.get(&mut s, path).await;
            assert_eq!(res.status, ok(reads), "{name} GET {path}: {}", res.body);
        }
        // The cluster's meeting list: its own secretary and the areas containing it.
        let in_cluster = matches!(role, Role::DistrictAdmin | Role::TownAdmin | Role::ClusterSecretary | Role::Leader);
        for path in [
            format!("/meetings?cluster={cluster}&date=2026-11-22"),
            format!("/meetings/print?cluster={cluster}&date=2026-11-22"),
            format!("/meetings/export.xlsx?cluster={cluster}&date=2026-11-22"),
            format!("/listings?cluster={cluster}"),
        ] {
            let res = app.get(&mut s, &path).await;
            assert_eq!(res.status, expect(reads, in_cluster, StatusCode::OK), "{name} GET {path}");
        }
        let publishes = role.may(Action::PublishListings);
        assert_eq!(app.get(&mut s, "/listings/new").await.status, ok(publishes), "{name} GET /listings/new");
        // Publishing for 甲 (the contact publishes for its own 乙 whatever it sends).
        let title = format!("闲置厂房出租-{name}");
        let res = app
            .post_form(
                &mut s,
                "/listings",
                &[
                    ("unit_id", "1"),
                    ("kind", "offer"),
                    ("category", "space"),
                    ("title", &title),
                    ("urgency", "normal"),
                    ("reach", "town"),
                    ("valid_until", "2027-01-31"),
                ],
            )
            .await;
        let for_a = matches!(role, Role::DistrictAdmin | Role::TownAdmin | Role::ClusterSecretary);
        let may = publishes && (for_a || role == Role::EnterpriseContact);
        assert_eq!(res.status, expect(publishes, may, StatusCode::SEE_OTHER), "{name} POST /listings: {}", res.body);
        if res.status == StatusCode::SEE_OTHER {
            published += 1;
            let at = res.location.clone().unwrap();
            let page = app.get(&mut s, &at).await;
            assert!(page.body.contains(&title), "{name}: the new listing's page");
            let edited = app
                .post_form(
                    &mut s,
                    &format!("{at}/edit"),
                    &[
                        ("kind", "offer"),
                        ("category", "space"),
                        ("title", &title),
                        ("description", "2000平方米，带行车"),
                        ("reach", "district"),
                        ("valid_until", "2027-02-28"),
                    ],
                )
                .await;
            assert_eq!(edited.status, StatusCode::SEE_OTHER, "{name} edit: {}", edited.body);
            assert_eq!(app.post_form(&mut s, &format!("{at}/close"), &[]).await.status, StatusCode::SEE_OTHER);
            assert_eq!(app.post_form(&mut s, &format!("{at}/reopen"), &[]).await.status, StatusCode::SEE_OTHER);
        }
        // Editing 甲's need: its publishers only.
        let owner = matches!(role, Role::DistrictAdmin | Role::TownAdmin | Role::ClusterSecretary);
        let edit = app.get(&mut s, &format!("/listings/{need}/edit")).await;
        assert_eq!(edit.status, expect(publishes, owner, StatusCode::OK), "{name} GET edit");
        let saved = app
            .post_form(
                &mut s,
                &format!("/listings/{need}/edit"),
                &[
                    ("kind", "need"),
                    ("category", "product"),
                    ("title", "急需自润滑轴承"),
                    ("description", "挖掘机动臂用自润滑轴承，断供应急"),
                    ("urgency", "emergency"),
                    ("reach", "district"),
                    ("valid_until", "2027-03-31"),
                ],
            )
            .await;
        assert_eq!(saved.status, expect(publishes, owner, StatusCode::SEE_OTHER), "{name} POST edit: {}", saved.body);
        for action in ["close", "reopen"] {
            let res = app.post_form(&mut s, &format!("/listings/{need}/{action}"), &[]).await;
            assert_eq!(res.status, expect(publishes, owner, StatusCode::SEE_OTHER), "{name} POST {action}");
        }
        let still = app.db.store.matching().listing(&system(), need).await.unwrap();
        assert!(still.open && still.title == "急需自润滑轴承", "{name} left the need as it was");

        // Brokering the need with the offer: the area admins and the cluster's secretary.
        let brokers = role.may(Action::BrokerIntroductions);
        let res = introduce(&app, &mut s, need, offer).await;
        assert_eq!(
            res.status,
            expect(brokers, true, StatusCode::SEE_OTHER),
            "{name} POST /introductions: {}",
            res.body
        );
        if let Some(at) = res.location.filter(|_| res.status == StatusCode::SEE_OTHER) {
            let page = app.get(&mut s, &at).await;
            assert!(page.body.contains("已牵线") && page.body.contains("step-form"), "{name}: {}", page.body);
            let lost = app
                .post_form(&mut s, &format!("{at}/step"), &[("to", "lost"), ("reason", &format!("{name}测试后关闭"))])
                .await;
            assert_eq!(lost.status, StatusCode::SEE_OTHER, "{name}: {}", lost.body);
        }
    }
    let s = &app.db.store;
    let all = ListingFilter { include_closed: true, ..Default::default() };
    assert_eq!(
        s.matching().listings(&system(), &all, 100).await.unwrap().1,
        2 + published,
        "refused roles published nothing"
    );
    assert_eq!(published, 4, "district, town, secretary, contact");
    let intros = s.matching().introductions(&system(), &IntroductionFilter::default()).await.unwrap();
    assert_eq!(intros.len(), 3, "district, town, secretary");

    // Those who may not broker cannot move an introduction either.
    let id = intros[0].id;
    for name in ["contact", "leader", "branch", "officer", "auditor"] {
        let mut s = app.login(name, PASSWORD).await;
        let res =
            app.post_form(&mut s, &format!("/introductions/{id}/step"), &[("to", "won"), ("deal_value", "1")]).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{name}");
        let res = app.post_form(&mut s, &format!("/introductions/{id}/followups"), &[("annual_sales", "1")]).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{name}");
    }
}

#[tokio::test]
async fn a_secretary_sees_matches_records_a_deal_and_the_cluster_counts_it() {
    let (app, _) = app_with_accounts().await;
    let (need, offer) = fixture(&app).await;
    let mut sec = app.login("secretary", PASSWORD).await;

    // The workbench announces the members' emergency need.
    let home = app.get(&mut sec, "/").await;
    assert!(home.body.contains("id=\"emergency-needs\""), "{}", home.body);
    let list = app.get(&mut sec, "/listings").await;
    let first = between(&list.body, "<tr data-id=\"", "\"");
    assert_eq!(first, need.to_string(), "the emergency need tops the list");

    // Matches with reasons, and the button to record an introduction.
    let page = app.get(&mut sec, &format!("/listings/{need}")).await;
    assert!(page.body.contains("自润滑轴承供应") && page.body.contains("共同词"), "{}", page.body);
    assert!(page.body.contains("同区") && page.body.contains("记录牵线"));
    let res = introduce(&app, &mut sec, need, offer).await;
    let at = res.location.unwrap();
    // 已成交 needs a value: refused with the field named, nothing changes.
    let refused = app.post_form(&mut sec, &format!("{at}/step"), &[("to", "won")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("成交金额"), "{}", refused.body);
    let bad = app.post_form(&mut sec, &format!("{at}/step"), &[("to", "won"), ("deal_value", "很多")]).await;
    assert!(bad.body.contains("成交金额：“很多”"), "{}", bad.body);
    for (to, value) in [("negotiating", ""), ("won", "120")] {
        let res = app.post_form(&mut sec, &format!("{at}/step"), &[("to", to), ("deal_value", value)]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{to}: {}", res.body);
    }
    let res = app
        .post_form(
            &mut sec,
            &format!("{at}/followups"),
            &[("on", "2026-11-22"), ("annual_sales", "120"), ("delivery_note", "首批200套已交付")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let detail = app.get(&mut sec, &at).await;
    assert!(detail.body.contains("120 万元") && detail.body.contains("首批200套已交付"), "{}", detail.body);
    assert!(!detail.body.contains("step-form"), "a deal is final");

    // The cluster's page counts it, and its figure opens the list.
    let cluster = app.get(&mut sec, "/clusters/1").await;
    let value = between(&cluster.body, "id=\"deal-value\"><span class=\"num\">", "<");
    assert_eq!(value, "120");
    let won = app.get(&mut sec, "/introductions?cluster=1&state=won").await;
    assert!(won.body.contains(&format!("data-id=\"{}\"", at.trim_start_matches("/introductions/"))));

    // The enterprise on the other side reads it but has no buttons.
    let mut contact = app.login("contact", PASSWORD).await;
    let seen = app.get(&mut contact, &at).await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(seen.body.contains("已成交") && !seen.body.contains("followup-form"));

    // Meeting list with print view and .xlsx.
    let meeting = app.get(&mut sec, "/meetings?date=2026-11-22").await;
    assert!(meeting.body.contains(&format!("data-need=\"{need}\" data-offer=\"{offer}\"")), "{}", meeting.body);
    let xlsx = app.get(&mut sec, "/meetings/export.xlsx?cluster=1&date=2026-11-22").await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.bytes.starts_with(b"PK"));
    let print = app.get(&mut sec, "/meetings/print?cluster=1&date=2026-11-22").await;
    assert!(print.body.contains("要素对接会清单") && print.body.contains("急需自润滑轴承"));
}

#[tokio::test]
async fn publishing_is_searchable_at_once_and_a_refused_form_keeps_what_was_typed() {
    let (app, _) = app_with_accounts().await;
    let mut contact = app.login("contact", PASSWORD).await;
    // The same need twice: refused for its quantity, then published with it written in
    // full-width digits.
    let need = |quantity| {
        [
            ("kind", "need"),
            ("category", "material"),
            ("title", "高纯氮气"),
            ("description", "每月20瓶，电子级"),
            ("quantity", quantity),
            ("quantity_unit", "瓶"),
            ("reach", "district"),
            ("valid_until", "2027-01-31"),
        ]
    };
    let bad = app.post_form(&mut contact, "/listings", &need("三吨")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("数量：“三吨”") && bad.body.contains("value=\"高纯氮气\""), "{}", bad.body);
    let res = app.post_form(&mut contact, "/listings", &need("２０")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    // Found by search straight after the write: the handler synced the index.
    let hits = app.get(&mut contact, "/listings/search?q=电子级").await;
    assert!(hits.body.contains("高纯氮气"), "{}", hits.body);
    let page = app.get(&mut contact, res.location.as_deref().unwrap()).await;
    assert!(page.body.contains("20 瓶"));
}

#[tokio::test]
async fn the_matches_api_returns_scores_and_reasons_within_the_scope() {
    let (app, _) = app_with_accounts().await;
    let (need, offer) = fixture(&app).await;
    let s = &app.db.store;
    let token = |name: &'static str| bearer(s, name);
    let sec = token("secretary").await;
    let res = app.get_with(&format!("/api/v1/listings/{need}/matches?top=5"), &[("authorization", &sec)]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let json: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    assert_eq!(json["listing"]["id"], need);
    assert_eq!(json["top"], 5);
    let m = &json["matches"][0];
    assert_eq!(m["rank"], 1);
    assert_eq!(m["listing"]["id"], offer);
    assert!(m["score"].as_f64().unwrap() > 0.0);
    assert_eq!(m["reasons"]["distance"], "same_district");
    assert!(m["reasons"]["matched_terms"].as_array().unwrap().iter().any(|t| t.as_str().unwrap().contains("轴承")));
    assert!(m["reasons"]["sentence"].as_str().unwrap().contains("同区"));
    let too_many = app.get_with(&format!("/api/v1/listings/{need}/matches?top=1000"), &[("authorization", &sec)]).await;
    assert_eq!(too_many.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_many.body.contains("top"));
    let auditor = token("auditor").await;
    let res = app.get_with(&format!("/api/v1/listings/{need}/matches"), &[("authorization", &auditor)]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get_with(&format!("/api/v1/listings/{need}/matches"), &[]).await.status, StatusCode::UNAUTHORIZED);

    // List and create through the API; the new offer is matched at once.
    let contact = token("contact").await;
    let list = app.get_with("/api/v1/listings?kind=need", &[("authorization", &contact)]).await;
    let list: serde_json::Value = serde_json::from_str(&list.body).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    let body = serde_json::json!({
        "uscc": uscc(2).as_str(), "kind": "供给", "category": "产品", "title": "轴承座",
        "description": "自润滑轴承配套轴承座", "reach": "district", "valid_until": "2027-03-31"
    });
    let req = axum::http::Request::post("/api/v1/listings")
        .header("authorization", &contact)
        .header("content-type", "application/json")
        .body(axum::body::Body::from(body.to_string()))
        .unwrap();
    let res = app.send(&mut Session::default(), req).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = app.get_with(&format!("/api/v1/listings/{need}/matches"), &[("authorization", &sec)]).await;
    assert!(res.body.contains("轴承座"), "{}", res.body);
    let doc = app.get_with("/api/v1/openapi.json", &[]).await;
    let doc: serde_json::Value = serde_json::from_str(&doc.body).unwrap();
    for path in ["/api/v1/listings", "/api/v1/listings/{id}", "/api/v1/listings/{id}/matches"] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing from the OpenAPI document");
    }
}

/// Issue #10: the page, the API and the import share one parser, so a value one accepts the
/// others accept, and a value one refuses the others refuse with the same message.
#[tokio::test]
async fn the_page_and_the_api_accept_and_refuse_the_same_values() {
    let (app, _) = app_with_accounts().await;
    let s = &app.db.store;
    let u = s.accounts().user_by_name("contact").await.unwrap().unwrap();
    let token = format!("Bearer {}", s.accounts().create_token(&system(), u.id, "t").await.unwrap());
    let mut contact = app.login("contact", PASSWORD).await;
    // (field, value, accepted?, what a refusal says)
    let cases: &[(&str, &str, bool, &str)] = &[
        ("reach", "G60", true, ""),
        ("reach", "街镇", true, ""),
        ("reach", "集群", true, ""),
        ("reach", "区", true, ""),
        ("kind", "供", true, ""),
        ("urgency", "加急", true, ""),
        ("industry_code", "专项化学用品制造", true, ""),
        ("industry_code", "C2662", true, ""),
        ("valid_until", "2027/3/31", true, ""),
        ("valid_until", "2027年3月31日", true, ""),
        ("reach", "全市", false, "发布范围：“全市”无法识别，可填：集群内（集群"),
        ("kind", "卖", false, "类型：“卖”无法识别，可填：供给"),
        ("industry_code", "9999", false, "行业代码：“9999”不在国民经济行业分类"),
        ("valid_until", "明年", false, "有效期至：“明年”不是有效日期"),
        ("title", "  ", false, "标题：不能为空"),
    ];
    for (n, (field, value, accepted, message)) in cases.iter().enumerate() {
        let title = format!("同一规则{n}");
        let mut form: Vec<(&str, String)> = vec![
            ("kind", "need".into()),
            ("category", "material".into()),
            ("title", title.clone()),
            ("valid_until", "2027-03-31".into()),
        ];
        form.retain(|(k, _)| k != field);
        form.push((field, (*value).to_owned()));
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let page = app.post_form(&mut contact, "/listings", &pairs).await;
        let mut json = serde_json::json!({ "uscc": uscc(2).as_str() });
        for (k, v) in &form {
            json[*k] = serde_json::Value::String(v.clone());
        }
        // The API's own spelling of the title, so the two listings do not collide.
        json["title"] = serde_json::Value::String(if *field == "title" {
            (*value).to_owned()
        } else {
            format!("{title}（API）")
        });
        let req = axum::http::Request::post("/api/v1/listings")
            .header("authorization", &token)
            .header("content-type", "application/json")
            .body(axum::body::Body::from(json.to_string()))
            .unwrap();
        let api = app.send(&mut Session::default(), req).await;
        if *accepted {
            assert_eq!(page.status, StatusCode::SEE_OTHER, "page {field}={value}: {}", page.body);
            assert_eq!(api.status, StatusCode::OK, "API {field}={value}: {}", api.body);
        } else {
            assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "page {field}={value}");
            // An industry code of the right form that no table has names nothing: 404, the same message.
            let refused =
                if *field == "industry_code" { StatusCode::NOT_FOUND } else { StatusCode::UNPROCESSABLE_ENTITY };
            assert_eq!(api.status, refused, "API {field}={value}: {}", api.body);
            assert!(page.body.contains(message), "page {field}={value}: {}", page.body);
            assert!(api.body.contains(message), "API {field}={value}: {}", api.body);
        }
    }
}

/// A stand-in model: damp and dehumidifying point one way, everything else another.
struct Damp;

impl qunlian_domain::matching::Embedder for Damp {
    fn model(&self) -> &str {
        "damp/1"
    }
    fn dim(&self) -> usize {
        2
    }
    fn embed(&self, text: &str) -> Vec<f32> {
        if text.contains("除湿") || text.contains("返潮") { vec![1.0, 0.0] } else { vec![0.0, 1.0] }
    }
}

/// Issue #16: with the semantic stage on, the API and the listing's page show an offer that
/// shares no word with the need, and say why (“语义相近”, the cosine in `reasons.semantic`;
/// “可解决：返潮”, the need's problem the offer is a remedy of, in `reasons.remedy_for`).
#[tokio::test]
async fn a_match_found_by_meaning_says_so_in_the_api_and_the_page() {
    let app = TestApp::spawn_with(Some(std::sync::Arc::new(Damp))).await;
    let (app, _) = app_with_accounts_in(app).await;
    let s = &app.db.store;
    let sys = system();
    let publish = |unit, f| s.matching().publish(&sys, UnitId(unit), f, false);
    let need = publish(1, fields(ListingKind::Need, "仓库返潮", "雨季库房潮湿")).await.unwrap();
    let offer = publish(2, fields(ListingKind::Offer, "工业除湿机", "出租")).await.unwrap();
    app.sync_index().await;
    let sec = bearer(s, "secretary").await;
    let res = app.get_with(&format!("/api/v1/listings/{need}/matches"), &[("authorization", &sec)]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let json: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    let m = &json["matches"][0];
    assert_eq!(m["listing"]["id"], offer, "{json}");
    assert!(m["reasons"]["semantic"].as_f64().unwrap() > 0.99);
    // The problem → remedy table knows 返潮 → 除湿机: the reason names the need's problem.
    assert_eq!(m["reasons"]["remedy_for"], "返潮", "{m}");
    assert!(m["reasons"]["sentence"].as_str().unwrap().starts_with("可解决：返潮；语义相近"), "{m}");
    let mut session = app.login("secretary", PASSWORD).await;
    let page = app.get(&mut session, &format!("/listings/{need}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("语义相近") && page.body.contains("工业除湿机"));
    assert!(page.body.contains("可解决：返潮"), "the page names the problem the offer answers");
}
