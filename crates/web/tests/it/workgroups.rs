//! Work-group pages (项目工作组 与 临时党支部): a town admin creates a work group with its
//! temporary branch (a refusal names the field and keeps what was typed), sees the end prompt
//! on the group's page, the parent organisation's page and the home page, extends and ends it;
//! another town's admin does not see it.

use axum::http::StatusCode;
use qunlian_domain::registry::OrgKind;
use qunlian_store::registry::NewOrg;
use qunlian_testkit::*;

#[tokio::test]
async fn a_town_admin_creates_a_work_group_and_answers_its_end_prompt() {
    let (app, _) = app_with_accounts().await;
    let s = &app.db.store;
    let sys = system();
    let a = s.registry().create_enterprise(&sys, enterprise(31, "上海协作精工有限公司", "新桥")).await.unwrap();
    let c = s.registry().create_enterprise(&sys, enterprise(30, "上海招商装备有限公司", "新桥")).await.unwrap();
    let xq = town("新桥").to_string();
    let home = s.registry().create_org(&sys, org("上海协作精工有限公司党支部", vec![a])).await.unwrap();
    let parent = s
        .registry()
        .create_org(
            &sys,
            NewOrg { kind: OrgKind::Committee, town_code: Some(xq.clone()), ..org("新桥镇综合党委", vec![]) },
        )
        .await
        .unwrap();
    let mut members = Vec::new();
    for n in 1..=3 {
        members.push(s.people().create(&sys, member(n, home.0), false).await.unwrap().to_string());
    }
    let mut town_admin = app.login("town", PASSWORD).await;
    let form = app.get(&mut town_admin, "/workgroups/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("id=\"workgroup-form\"") && form.body.contains("新桥镇综合党委"), "{}", form.body);

    let (lead, other, parent) = (c.0.to_string(), a.0.to_string(), parent.0.to_string());
    let mut typed = vec![
        ("name", "装备制造招商项目工作组"),
        ("kind", "investment"),
        ("town", xq.as_str()),
        ("lead_unit", lead.as_str()),
        ("units", other.as_str()),
        ("started_on", "2026-11-23"),
        ("planned_end_on", "2026-12-15"),
        ("parent_org", parent.as_str()),
        ("branch_name", "装备制造招商项目临时党支部"),
        ("members", members[0].as_str()),
    ];
    let refused = app.post_form(&mut town_admin, "/workgroups", &typed).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("临时党支部应有3名以上党员") && refused.body.contains("value=\"装备制造招商项目工作组\"")
    );
    typed.push(("members", members[1].as_str()));
    typed.push(("members", members[2].as_str()));
    let saved = app.post_form(&mut town_admin, "/workgroups", &typed).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let path = saved.location.unwrap();

    let prompt = "装备制造招商项目临时党支部计划于2026年12月15日结束，请确认撤销或延期";
    let page = app.get(&mut town_admin, &path).await;
    assert!(page.body.contains(prompt) && page.body.contains("临时参加"), "{}", page.body);
    assert!(page.body.contains("上海协作精工有限公司党支部"), "the members' home organisation is named");
    assert!(app.get(&mut town_admin, &format!("/orgs/{parent}")).await.body.contains(prompt));
    assert!(app.get(&mut town_admin, "/").await.body.contains(prompt));
    let list = app.get(&mut town_admin, "/workgroups?state=due&kind=招商").await;
    assert!(list.body.contains("共 1 个项目工作组"), "{}", list.body);

    // Extended past the prompt's window, then ended.
    let early = app
        .post_form(&mut town_admin, &format!("{path}/extend"), &[("planned_end_on", "2026-12-01"), ("reason", "延后")])
        .await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.body.contains("应晚于原计划结束日期"), "{}", early.body);
    let later = app
        .post_form(
            &mut town_admin,
            &format!("{path}/extend"),
            &[("planned_end_on", "2027-06-30"), ("reason", "签约延后")],
        )
        .await;
    assert_eq!(later.status, StatusCode::SEE_OTHER);
    assert!(!app.get(&mut town_admin, &path).await.body.contains("请确认撤销或延期"));
    let ended = app
        .post_form(&mut town_admin, &format!("{path}/end"), &[("ended_on", "2026-11-23"), ("reason", "项目已落地")])
        .await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER, "{}", ended.body);
    let page = app.get(&mut town_admin, &path).await;
    assert!(page.body.contains("已结束") && !page.body.contains("id=\"end-form\""), "{}", page.body);

    // Another town's admin does not see it; the district does.
    let mut district = app.login("district", PASSWORD).await;
    assert_eq!(app.get(&mut district, &path).await.status, StatusCode::OK);
    let mut contact = app.login("contact", PASSWORD).await;
    assert_eq!(app.get(&mut contact, &path).await.status, StatusCode::NOT_FOUND);
}
