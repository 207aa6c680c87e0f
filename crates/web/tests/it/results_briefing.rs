//! The 工作简报 page through the app: the form offers the caller's scopes, both downloads come
//! back as Word and PDF with the scorecard's figure in them, a bad format or scope is a
//! Chinese message, and a department may not generate one.

use axum::http::StatusCode;
use qunlian_testkit::*;
use std::io::Read;

#[tokio::test]
async fn the_form_then_word_and_pdf_downloads() {
    let (app, _) = app_with_accounts().await;
    let cluster = app.db.store.registry().list_clusters(&system(), None).await.unwrap()[0].id;
    let mut secretary = app.login("secretary", PASSWORD).await;
    let csv = format!("单位：万元\n统一社会信用代码,期间,税收\n{a},2026年,150\n{a},2025年,100\n", a = uscc(1));
    let done = app.post_file(&mut secretary, "/results/import", "指标.csv", csv.as_bytes()).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);

    let form = app.get(&mut secretary, "/results/briefing?period=2026").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(form.body.contains(&format!("value=\"cluster:{cluster}\"")), "{}", form.body);

    let word = app
        .get(&mut secretary, &format!("/results/briefing/file?period=2026&scope=cluster:{cluster}&format=docx"))
        .await;
    assert_eq!(word.status, StatusCode::OK, "{}", word.body);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(word.bytes.to_vec())).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
    assert!(xml.contains("税收150万元（2025年为100万元，同比+50.0%）"), "{xml:.3000}");

    let pdf = app.get(&mut secretary, "/results/briefing/file?period=2026&format=pdf").await;
    assert_eq!(pdf.status, StatusCode::OK, "{}", pdf.body);
    let text: String =
        pdf_extract::extract_text_from_mem(&pdf.bytes).unwrap().chars().filter(|c| !c.is_whitespace()).collect();
    assert!(text.contains("税收150万元"), "{text}");

    let bad = app.get(&mut secretary, "/results/briefing/file?period=2026&format=odt").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("格式"), "{}", bad.body);
    let bad = app.get(&mut secretary, "/results/briefing/file?period=2026&scope=town:abc").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("范围"), "{}", bad.body);

    let mut officer = app.login("officer", PASSWORD).await;
    assert_eq!(app.get(&mut officer, "/results/briefing/file?period=2026").await.status, StatusCode::FORBIDDEN);
}

/// One rule for the district scope, the same in the figures API, the 大屏 and the 工作简报:
/// the district to a caller whose scope is the district (or wider), refused (403) to a town
/// admin in all three, whose own town is granted in all three.
#[tokio::test]
async fn the_district_scope_is_one_rule_for_the_api_the_screen_and_the_briefing() {
    let (app, _) = app_with_accounts().await;
    let s = &app.db.store;
    let mut admin = app.login("district", PASSWORD).await;
    let csv = format!("单位：万元\n统一社会信用代码,期间,税收\n{a},2026年,150\n", a = uscc(1));
    let done = app.post_file(&mut admin, "/results/import", "指标.csv", csv.as_bytes()).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let xinqiao = "town:310117105";
    let targets = |scope: &str| {
        [
            format!("/results/screen?scope={scope}&period=2026"),
            format!("/results/briefing/file?scope={scope}&period=2026&format=docx"),
        ]
    };
    for (who, scope, want) in [
        ("district", "district", StatusCode::OK),
        ("district", xinqiao, StatusCode::OK),
        ("town", "district", StatusCode::FORBIDDEN),
        ("town", xinqiao, StatusCode::OK),
        ("town", "town:310117107", StatusCode::FORBIDDEN),
    ] {
        let token = bearer(s, who).await;
        let api =
            app.get_with(&format!("/api/v1/figures?scope={scope}&period=2026"), &[("authorization", &token)]).await;
        assert_eq!(api.status, want, "{who} API {scope}: {}", api.body);
        let mut session = app.login(who, PASSWORD).await;
        for path in targets(scope) {
            let res = app.get(&mut session, &path).await;
            assert_eq!(res.status, want, "{who} {path}: {}", res.body);
        }
    }
    // The form offers the district only to whom it is granted, and chooses the caller's own.
    let mut town = app.login("town", PASSWORD).await;
    let form = app.get(&mut town, "/results/briefing?period=2026").await;
    assert!(!form.body.contains("value=\"district\""), "{}", form.body);
    assert!(form.body.contains(&format!("value=\"{xinqiao}\" selected")), "{}", form.body);
    let form = app.get(&mut admin, "/results/briefing?period=2026").await;
    assert!(form.body.contains("value=\"district\" selected"), "{}", form.body);
    // Left out, the scope is the caller's own: the town admin's briefing is of its town.
    let own = app.get(&mut town, "/results/briefing/file?period=2026&format=docx").await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(own.bytes.to_vec())).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
    assert!(xml.contains("新桥镇"), "{xml:.2000}");
}
