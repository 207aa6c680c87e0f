//! Party groups (党小组) on a branch's page: the secretary sets one up from the branch's
//! roster (a member already in a group is refused, the form kept), a 党小组会 without its
//! group is refused by field, and the 三会一课 reminders name the group with no meeting.

use axum::http::StatusCode;
use qunlian_testkit::*;

#[tokio::test]
async fn a_secretary_sets_up_a_party_group_and_its_missing_meeting_is_named() {
    let (app, _) = app_with_accounts().await;
    let store = &app.db.store;
    let org = store.registry().org_tree(&system(), Some("乙公司党支部"), false).await.unwrap()[0].id.0;
    let a = store.people().create(&system(), member(1, org), false).await.unwrap();
    let b = store.people().create(&system(), member(2, org), false).await.unwrap();
    let mut branch = app.login("branch", PASSWORD).await;

    let org_page = app.get(&mut branch, &format!("/orgs/{org}")).await;
    assert!(
        org_page.body.contains("id=\"org-groups\"") && org_page.body.contains("尚未设立党小组"),
        "{}",
        org_page.body
    );
    let path = format!("/orgs/{org}/groups");
    let page = app.get(&mut branch, &path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("id=\"group-form\""));

    let (sa, sb) = (a.to_string(), b.to_string());
    let saved = app
        .post_form(&mut branch, &path, &[("name", "第一党小组"), ("leader", sa.as_str()), ("members", sb.as_str())])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let again = app.post_form(&mut branch, &path, &[("name", "第二党小组"), ("members", sb.as_str())]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("已在“第一党小组”") && again.body.contains("value=\"第二党小组\""), "{}", again.body);
    let org_page = app.get(&mut branch, &format!("/orgs/{org}")).await;
    assert!(org_page.body.contains("第一党小组（组长"), "{}", org_page.body);

    // A 党小组会 without its group: refused under the field; with it, saved.
    let today = store.today().to_string();
    let organiser = format!("org:{org}");
    let mut form = vec![
        ("organiser", organiser.as_str()),
        ("kind", "group_meeting"),
        ("subject", "学习研讨"),
        ("held_on", today.as_str()),
        ("place", "车间会议室"),
        ("headcount", "2"),
    ];
    let refused = app.post_form(&mut branch, "/activities", &form).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("data-for=\"party_group\"") && refused.body.contains("请选择召开本次党小组会的党小组")
    );
    // Before the meeting, the reminders name the group.
    let reminders = app.get(&mut branch, "/activities/exceptions").await;
    assert!(reminders.body.contains("党小组会：第一党小组"), "{}", reminders.body);
    let group = store.people().party_groups(&system(), org).await.unwrap()[0].id.to_string();
    form.push(("party_group", group.as_str()));
    let held = app.post_form(&mut branch, "/activities", &form).await;
    assert_eq!(held.status, StatusCode::SEE_OTHER, "{}", held.body);
    let reminders = app.get(&mut branch, "/activities/exceptions").await;
    assert!(!reminders.body.contains("党小组会：第一党小组"), "{}", reminders.body);

    // Another town's admin reaches neither the page nor the form.
    let mut town = app.login("town", PASSWORD).await;
    let status = app.get(&mut town, &path).await.status;
    assert!(status == StatusCode::NOT_FOUND, "{status}");
}
