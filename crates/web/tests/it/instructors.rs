//! Instructor pages (党建指导员): a district admin registers one (a refusal names the field
//! and keeps what was typed), assigns it to a branch, and the branch's page lists it; the
//! branch secretary sees it read-only; another town's admin does not.

use axum::http::StatusCode;
use qunlian_testkit::*;

#[tokio::test]
async fn a_district_admin_registers_and_assigns_an_instructor_shown_on_the_orgs_page() {
    let (app, _) = app_with_accounts().await;
    let store = &app.db.store;
    let org = store.registry().org_tree(&system(), Some("乙公司党支部"), false).await.unwrap()[0].id;
    let mut district = app.login("district", PASSWORD).await;
    let list = app.get(&mut district, "/people/instructors").await;
    // The 指导对象 select's search box answers with the matching organisations and firms.
    let found =
        app.get(&mut district, "/units/choices?for=instructors&name=guided&q=%E7%94%B2%E7%94%B5%E6%B0%94").await;
    assert!(
        found.body.contains("上海甲电气有限公司（企业）") && found.body.contains("value=\"unit:"),
        "{}",
        found.body
    );
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("id=\"instructor-form\""));

    let area = songjiang().to_string();
    let typed = [
        ("name", "周明"),
        ("source", "区委组织部"),
        ("area", area.as_str()),
        ("qualifications", ""),
        ("duties", "指导规范组织生活"),
    ];
    let refused = app.post_form(&mut district, "/people/instructors", &typed).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("资质：不能为空") && refused.body.contains("value=\"周明\""), "{}", refused.body);
    let mut good = typed.to_vec();
    good[3] = ("qualifications", "退休党务干部");
    let saved = app.post_form(&mut district, "/people/instructors", &good).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page_path = saved.location.unwrap();

    let guided = format!("org:{org}");
    let none = app
        .post_form(&mut district, &format!("{page_path}/assignments"), &[("guided", ""), ("since", "2026-03-01")])
        .await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(none.body.contains("指导对象：请选择"));
    let ok = app
        .post_form(
            &mut district,
            &format!("{page_path}/assignments"),
            &[("guided", guided.as_str()), ("since", "2026-03-01")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let page = app.get(&mut district, &page_path).await;
    assert!(page.body.contains("乙公司党支部") && page.body.contains("2026-03-01 起"), "{}", page.body);
    let rated = app
        .post_form(&mut district, &format!("{page_path}/assessments"), &[("period", "2026"), ("rating", "excellent")])
        .await;
    assert_eq!(rated.status, StatusCode::SEE_OTHER);
    assert!(app.get(&mut district, &page_path).await.body.contains("2026 年度：优秀"));

    // The organisation's page and the per-organisation list show it; the branch reads it.
    let mut branch = app.login("branch", PASSWORD).await;
    let org_page = app.get(&mut branch, &format!("/orgs/{org}")).await;
    assert!(org_page.body.contains("id=\"org-instructors\"") && org_page.body.contains("周明"), "{}", org_page.body);
    let per_org = app.get(&mut branch, &format!("/people/instructors?org={org}")).await;
    assert!(per_org.body.contains("周明") && !per_org.body.contains("id=\"instructor-form\""));
    assert_eq!(app.get(&mut branch, &page_path).await.status, StatusCode::OK);
    // 新桥's admin sees neither the instructor nor its page.
    let mut town = app.login("town", PASSWORD).await;
    assert!(!app.get(&mut town, "/people/instructors").await.body.contains("周明"));
    assert_eq!(app.get(&mut town, &page_path).await.status, StatusCode::NOT_FOUND);
}
