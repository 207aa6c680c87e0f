//! Issue #11, point 11: the rating link of a finished service request is the enterprise's. The
//! officer being rated was shown it on the request's page and could rate himself.

use axum::http::StatusCode;
use qunlian_testkit::*;

use crate::services::services_fixture;

#[tokio::test]
async fn the_rating_link_goes_to_the_enterprise_and_is_refused_to_officers() {
    let (app, _) = app_with_accounts().await;
    let s = &app.db.store;
    let (_, _, of_b, _) = services_fixture(&app).await;
    let mut officer = app.login("jingwei", PASSWORD).await;
    for action in ["assign", "finish"] {
        let res = app
            .post_form(&mut officer, &format!("/services/{of_b}/step"), &[("action", action), ("text", "已办结")])
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{action}: {}", res.body);
    }
    let link = format!("/rate/{of_b}/{}", s.services().rating_token(of_b));

    // The officer who handled it sees no link and cannot print one.
    let page = app.get(&mut officer, &format!("/services/{of_b}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("/rate/"), "the officer is shown the link: {}", page.body);
    assert_eq!(app.get(&mut officer, &format!("/services/{of_b}/rating-slip")).await.status, StatusCode::FORBIDDEN);
    // Holding the address anyway, logged in as himself, he is refused and nothing is rated.
    assert_eq!(app.get(&mut officer, &link).await.status, StatusCode::FORBIDDEN);
    let res = app.post_form(&mut officer, &link, &[("rating", "5"), ("comment", "自评")]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    let mut head = app.login("head", PASSWORD).await;
    assert_eq!(app.get(&mut head, &link).await.status, StatusCode::FORBIDDEN, "another officer neither");

    // The district admin prints it for sending, and the printing is audited.
    let mut district = app.login("district", PASSWORD).await;
    let slip = app.get(&mut district, &format!("/services/{of_b}/rating-slip")).await;
    assert_eq!(slip.status, StatusCode::OK, "{}", slip.body);
    assert!(slip.body.contains(&link) && slip.body.contains("上海乙轴承有限公司"), "{}", slip.body);
    let audit = app.get(&mut app.login("auditor", PASSWORD).await, "/audit?q=rating_slip").await;
    assert!(audit.body.contains("打印评价通知单"), "{}", audit.body);
    // The town admin of another town: not his request.
    assert_eq!(
        app.get(&mut app.login("town", PASSWORD).await, &format!("/services/{of_b}/rating-slip")).await.status,
        StatusCode::NOT_FOUND
    );

    // The enterprise's contact finds it on the request's page and rates once.
    let mut contact = app.login("contact", PASSWORD).await;
    let page = app.get(&mut contact, &format!("/services/{of_b}")).await;
    assert!(page.body.contains(&link), "{}", page.body);
    let res = app.post_form(&mut contact, &link, &[("rating", "4"), ("comment", "办事很快")]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("感谢"), "{}", res.body);
    assert_eq!(s.services().request(&system(), of_b).await.unwrap().request.rating, Some(4));
}
