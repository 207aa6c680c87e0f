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
