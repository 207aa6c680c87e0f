//! The results pages through the app: a cluster secretary imports a figures file (a row outside
//! its cluster refused by line), the scorecard shows the sum with its year-on-year and links the
//! figure to its list, the .xlsx export, the records behind a figure, and who may not read.

use axum::http::StatusCode;
use qunlian_testkit::*;

#[tokio::test]
async fn import_then_scorecard_then_its_records() {
    let (app, _) = app_with_accounts().await;
    let clusters = app.db.store.registry().list_clusters(&system(), None).await.unwrap();
    let cluster = clusters[0].id;
    let mut secretary = app.login("secretary", PASSWORD).await;
    let page = app.get(&mut secretary, "/results/import").await;
    assert_eq!(page.status, StatusCode::OK);
    let csv = format!(
        "单位：万元\n统一社会信用代码,期间,税收,从业人员\n{a},2026年,150,120\n{a},2025年,100,\n{b},2026年,9,\n",
        a = uscc(1),
        b = uscc(2)
    );
    let done = app.post_file(&mut secretary, "/results/import", "指标.csv", csv.as_bytes()).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("保存 2 行：新增 3 项指标"), "{}", done.body);
    assert!(done.body.contains("第5行：统一社会信用代码"), "{}", done.body);
    assert!(done.body.contains("不在您的权限范围内"));

    let card = app.get(&mut secretary, &format!("/results/clusters/{cluster}?period=2026")).await;
    assert_eq!(card.status, StatusCode::OK, "{}", card.body);
    assert!(card.body.contains("150万元"), "{}", card.body);
    assert!(card.body.contains("+50.0%"));
    let href = format!("/results/figures?cluster={cluster}&#38;period=2026&#38;indicator=tax");
    assert!(card.body.contains(&href), "the tax figure links to its list");
    let list = app.get(&mut secretary, &href.replace("&#38;", "&")).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("上海甲电气有限公司") && list.body.contains("指标.csv"));
    assert!(!list.body.contains("上海乙轴承有限公司"));
    let members = app.get(&mut secretary, &format!("/results/clusters/{cluster}/records?period=2026&of=members")).await;
    assert!(members.body.contains("共 1 条"), "{}", members.body);
    let bad = app.get(&mut secretary, &format!("/results/clusters/{cluster}/records?period=2026&of=things")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let bad_period = app.get(&mut secretary, &format!("/results/clusters/{cluster}?period=2026下半年")).await;
    assert_eq!(bad_period.status, StatusCode::UNPROCESSABLE_ENTITY);
    let xlsx = app.get(&mut secretary, &format!("/results/clusters/{cluster}/export.xlsx?period=2026")).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.bytes.starts_with(b"PK"));

    // A department reads no results; the town admin reads the cluster of its town.
    let mut officer = app.login("officer", PASSWORD).await;
    assert_eq!(app.get(&mut officer, "/results").await.status, StatusCode::FORBIDDEN);
    let mut town = app.login("town", PASSWORD).await;
    let seen = app.get(&mut town, &format!("/results/clusters/{cluster}?period=2026")).await;
    assert!(seen.body.contains("150万元"));
}

/// `/api/v1/figures`: the caller's own scope by default, each figure with its as-of time and
/// its records' page, equal to the store's headline (the 大屏's numbers); a scope the caller
/// does not reach whole refused; the 大屏 and its refresh fragment show the same figures.
#[tokio::test]
async fn the_figures_api_and_the_screen_show_the_headline() {
    let (app, _) = app_with_accounts().await;
    let s = &app.db.store;
    let clusters = s.registry().list_clusters(&system(), None).await.unwrap();
    let cluster = clusters[0].id;
    let csv = format!("单位：万元\n统一社会信用代码,期间,税收\n{a},2026年,150\n{a},2025年,100\n", a = uscc(1));
    let mut secretary = app.login("secretary", PASSWORD).await;
    let done = app.post_file(&mut secretary, "/results/import", "指标.csv", csv.as_bytes()).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);

    let auth = bearer(s, "secretary").await;
    let res = app.get_with("/api/v1/figures?period=2026", &[("authorization", &auth)]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let json: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    assert_eq!(json["scope"], format!("cluster:{cluster}"));
    let figure = |json: &serde_json::Value, key: &str| {
        json["figures"].as_array().unwrap().iter().find(|f| f["key"] == key).cloned().unwrap_or_else(|| panic!("{key}"))
    };
    let tax = figure(&json, "tax");
    assert_eq!((tax["value"].as_f64(), tax["unit"].as_str()), (Some(1_500_000.0), Some("yuan")));
    assert_eq!((tax["change"].as_str(), tax["as_of"].as_str()), (Some("+50.0%"), Some("截至 2026-12-31")));
    assert_eq!(tax["records"], format!("/results/figures?cluster={cluster}&period=2026&indicator=tax"));
    let members = figure(&json, "members");
    assert_eq!(members["records"], format!("/results/clusters/{cluster}/records?period=2026&of=members"));

    // The district for the district admin: the same tax, the district's towns on the map.
    let district = bearer(s, "district").await;
    let res = app.get_with("/api/v1/figures?scope=district&period=2026", &[("authorization", &district)]).await;
    let json: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    assert_eq!(figure(&json, "tax")["value"].as_f64(), Some(1_500_000.0));
    let head = s
        .results()
        .headline(&user_caller(s, "district").await, qunlian_store::results::FigureScope::District, period(2026))
        .await
        .unwrap();
    assert_eq!(figure(&json, "enterprises")["text"], head.figure("enterprises").unwrap().current.text());
    assert!(!json["towns"].as_array().unwrap().is_empty());

    // Refused: the district to a town admin, another town, a bad scope.
    let town = bearer(s, "town").await;
    let refused = app.get_with("/api/v1/figures?scope=district", &[("authorization", &town)]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let elsewhere = app.get_with("/api/v1/figures?scope=town:310117107", &[("authorization", &town)]).await;
    assert_eq!(elsewhere.status, StatusCode::FORBIDDEN);
    let bad = app.get_with("/api/v1/figures?scope=town:31", &[("authorization", &town)]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("范围"), "{}", bad.body);
    let officer = bearer(s, "officer").await;
    assert_eq!(app.get_with("/api/v1/figures", &[("authorization", &officer)]).await.status, StatusCode::FORBIDDEN);

    // The 大屏 and its fragment: the same figure, no personal data.
    let mut admin = app.login("district", PASSWORD).await;
    let screen = app.get(&mut admin, "/results/screen?period=2026").await;
    assert_eq!(screen.status, StatusCode::OK, "{}", screen.body);
    assert!(screen.body.contains("150万元") && screen.body.contains("id=\"screen-map\""));
    let fragment = app.get(&mut admin, "/results/screen/figures?scope=district&period=2026").await;
    assert_eq!(fragment.status, StatusCode::OK);
    assert!(fragment.body.contains("150万元") && !fragment.body.contains("<html"));
    let mut town_admin = app.login("town", PASSWORD).await;
    assert_eq!(app.get(&mut town_admin, "/results/screen?scope=district").await.status, StatusCode::FORBIDDEN);
}

async fn user_caller(s: &qunlian_store::Store, name: &str) -> qunlian_domain::auth::Caller {
    s.accounts().user_by_name(name).await.unwrap().unwrap().caller(None)
}

fn period(year: i32) -> qunlian_domain::results::Period {
    qunlian_domain::results::Period::year(year)
}

/// A town's figures count the service requests and introductions of that town, and the list
/// each figure's link opens (`/services?…&town=`, `/introductions?…&town=`) shows as many.
#[tokio::test]
async fn a_towns_figures_open_lists_of_the_same_count() {
    let (app, _) = app_with_accounts().await;
    let s = &app.db.store;
    let sys = system();
    let a = s.registry().enterprise_by_uscc(&sys, &uscc(1).to_string()).await.unwrap().id;
    let b = s.registry().enterprise_by_uscc(&sys, &uscc(2).to_string()).await.unwrap().id;
    let dept = department(s, 10, "区经委").await;
    let item = s.services().save_item(&sys, service_item(dept.0, "JW-01", "技改项目备案")).await.unwrap();
    // Two requests of 甲 (新桥), one of 乙 (九亭).
    for unit in [a, a, b] {
        s.services().file_request(&sys, service_request(item, unit)).await.unwrap();
    }
    let district = bearer(s, "district").await;
    let mut admin = app.login("district", PASSWORD).await;
    for (town, want) in [("310117105", 2), ("310117107", 1)] {
        let res = app
            .get_with(&format!("/api/v1/figures?scope=town:{town}&period=2026"), &[("authorization", &district)])
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let json: serde_json::Value = serde_json::from_str(&res.body).unwrap();
        let figure = |key: &str| json["figures"].as_array().unwrap().iter().find(|f| f["key"] == key).cloned().unwrap();
        let requests = figure("requests");
        assert_eq!(requests["value"].as_f64(), Some(want as f64), "{town}");
        let href = requests["records"].as_str().unwrap().to_owned();
        assert!(href.contains(&format!("town={town}")), "{href}");
        let list = app.get(&mut admin, &href).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.body);
        assert!(list.body.contains(&format!("共 {want} 条")), "{town}: {}", list.body);
        assert!(list.body.contains("街镇："), "the list says what it is narrowed to");
        // The introductions' and projects' links carry the town too, and their lists open.
        for key in ["introductions", "projects"] {
            let href = figure(key)["records"].as_str().unwrap().to_owned();
            assert!(href.contains(&format!("town={town}")), "{href}");
            let list = app.get(&mut admin, &href).await;
            assert_eq!(list.status, StatusCode::OK, "{href}: {}", list.body);
        }
        let none = app.get(&mut admin, figure("introductions")["records"].as_str().unwrap()).await;
        assert!(none.body.contains("没有符合条件的牵线记录"));
    }
    // A bad town in a list's address is named.
    let bad = app.get(&mut admin, "/services?town=3101").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("街镇"), "{}", bad.body);
}
