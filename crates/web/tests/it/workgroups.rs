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

/// A member joins a standing work group later and another leaves on a day: the forms carry
/// the CSRF token, a member already taking part is refused by name, the list shows since and
/// until, masked, and both changes are audited.
#[tokio::test]
async fn a_member_joins_later_and_another_leaves() {
    let (app, _) = app_with_accounts().await;
    let s = &app.db.store;
    let sys = system();
    let a = s.registry().create_enterprise(&sys, enterprise(41, "上海加入协作有限公司", "新桥")).await.unwrap();
    let c = s.registry().create_enterprise(&sys, enterprise(40, "上海加入牵头有限公司", "新桥")).await.unwrap();
    let xq = town("新桥").to_string();
    let home = s.registry().create_org(&sys, org("上海加入协作有限公司党支部", vec![a])).await.unwrap();
    let mut members = Vec::new();
    for n in 1..=4 {
        members.push(s.people().create(&sys, member(n, home.0), false).await.unwrap());
    }
    let today = s.today();
    let raw = qunlian_domain::workgroups::RawWorkgroup {
        name: "加入退出测试项目工作组".into(),
        kind: "建设".into(),
        town: xq,
        lead_unit: c.0.to_string(),
        units: vec![a.0.to_string()],
        started_on: today.to_string(),
        planned_end_on: (today + chrono::Duration::days(200)).to_string(),
        parent_org: home.0.to_string(),
        branch_name: "加入退出测试临时党支部".into(),
        members: members[..3].iter().map(i64::to_string).collect(),
        ..Default::default()
    };
    let f = qunlian_domain::workgroups::WorkgroupFields::parse(&raw).unwrap();
    let id = s.workgroups().create(&sys, f, false).await.unwrap();
    let path = format!("/workgroups/{id}");

    let mut town_admin = app.login("town", PASSWORD).await;
    let page = app.get(&mut town_admin, &path).await;
    assert!(page.body.contains("id=\"join-form\"") && page.body.contains("id=\"leave-form\""), "{}", page.body);
    let (fourth, first, day) = (members[3].to_string(), members[0].to_string(), today.to_string());
    let again = app.post_form(&mut town_admin, &format!("{path}/members"), &[("member", &first), ("on", &day)]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("已在该项目工作组中"), "{}", again.body);
    let joined = app.post_form(&mut town_admin, &format!("{path}/members"), &[("member", &fourth), ("on", &day)]).await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER, "{}", joined.body);
    let left =
        app.post_form(&mut town_admin, &format!("{path}/members/leave"), &[("member", &first), ("on", &day)]).await;
    assert_eq!(left.status, StatusCode::SEE_OTHER, "{}", left.body);

    let g = s.workgroups().workgroup(&sys, id).await.unwrap();
    assert_eq!(g.members.len(), 4);
    assert_eq!(g.members.iter().find(|m| m.member_id == members[3]).map(|m| (m.since, m.until)), Some((today, None)));
    assert_eq!(g.members.iter().find(|m| m.member_id == members[0]).and_then(|m| m.until), Some(today));
    let page = app.get(&mut town_admin, &path).await;
    assert!(page.body.contains(&format!("{today} 起，至 {today}")), "{}", page.body);
    assert!(g.members.iter().all(|m| page.body.contains(&m.name) && m.name.contains('*')), "names masked");
    // Leaving twice is refused.
    let twice =
        app.post_form(&mut town_admin, &format!("{path}/members/leave"), &[("member", &first), ("on", &day)]).await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);

    let auditor = user(s, "au", qunlian_domain::auth::Role::AuditAdmin, qunlian_domain::auth::Scope::Nothing).await;
    for action in ["workgroup.member_add", "workgroup.member_leave"] {
        let f = qunlian_store::audit::AuditFilter { action: Some(action.into()), ..Default::default() };
        let n = s.audit().search(&auditor, &f, qunlian_store::PageRequest::default()).await.unwrap().total;
        assert_eq!(n, 1, "{action}");
    }
}
