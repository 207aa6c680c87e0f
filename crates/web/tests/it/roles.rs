//! Every page and registry form as every role in detail: what each role is offered and what it
//! may change (the route × role matrix itself is `matrix.rs`).

use axum::http::StatusCode;
use qunlian_domain::auth::Role;
use qunlian_testkit::*;

use crate::expect;

#[tokio::test]
async fn every_page_as_every_role() {
    let (app, accounts) = app_with_accounts().await;
    let registry = [
        "/",
        "/enterprises",
        "/enterprises/export.xlsx",
        "/orgs",
        "/orgs/export.xlsx",
        "/clusters",
        "/clusters/export.xlsx",
        "/regions",
        "/alliances",
        "/alliances/export.xlsx",
        "/pairings",
        "/pairings/export.xlsx",
        "/coverage",
        "/coverage/categories/1",
        "/coverage/snapshots",
        "/coverage/assignments",
        "/coverage/assignments/export.xlsx",
        "/enterprises?category=1&coverage=uncovered",
    ];
    for (name, role) in accounts {
        let mut s = app.login(name, PASSWORD).await;
        let reads = role.may(qunlian_domain::auth::Action::ReadRegistry);
        for path in registry {
            let res = app.get(&mut s, path).await;
            let expected = if reads { StatusCode::OK } else { StatusCode::FORBIDDEN };
            assert_eq!(res.status, expected, "{name} GET {path}");
        }
        for (path, action) in [
            ("/import", qunlian_domain::auth::Action::Import),
            ("/enterprises/new", qunlian_domain::auth::Action::Import),
            ("/audit", qunlian_domain::auth::Action::ReadAudit),
            ("/coverage/categories/new", qunlian_domain::auth::Action::DefineCoverage),
        ] {
            let res = app.get(&mut s, path).await;
            let expected = if role.may(action) { StatusCode::OK } else { StatusCode::FORBIDDEN };
            assert_eq!(res.status, expected, "{name} GET {path}");
        }
        let users = app.get(&mut s, "/users").await;
        let may_users = matches!(role, Role::SystemAdmin | Role::SecurityAdmin);
        assert_eq!(users.status, if may_users { StatusCode::OK } else { StatusCode::FORBIDDEN }, "{name} GET /users");
        // Error pages are Chinese sentences, never a stack trace.
        if !reads {
            let res = app.get(&mut s, "/enterprises").await;
            assert!(res.body.contains("无权"), "{name}: {}", res.body);
        }
    }
}

#[tokio::test]
async fn a_cluster_secretary_reaches_only_its_members() {
    let (app, _) = app_with_accounts().await;
    let s = &app.db.store;
    let outsider = s.registry().enterprise_by_uscc(&system(), uscc(2).as_str()).await.unwrap();
    let member = s.registry().enterprise_by_uscc(&system(), uscc(1).as_str()).await.unwrap();
    let mut sec = app.login("secretary", PASSWORD).await;
    let list = app.get(&mut sec, "/enterprises").await;
    assert!(list.body.contains("上海甲电气有限公司"));
    assert!(!list.body.contains("上海乙轴承有限公司"));
    assert!(list.body.contains("共 1 家"));
    let res = app.get(&mut sec, &format!("/enterprises/{}", outsider.id)).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(res.body.contains("不存在"));
    assert_eq!(app.get(&mut sec, &format!("/enterprises/{}", member.id)).await.status, StatusCode::OK);
    // The export obeys the same scope.
    let xlsx = app.get(&mut sec, "/enterprises/export.xlsx").await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.content_type.unwrap().contains("spreadsheetml"));
}

#[tokio::test]
async fn parks_have_a_page_and_an_edit_form_for_every_role() {
    use qunlian_domain::auth::Action;
    let (app, accounts) = app_with_accounts().await;
    let s = &app.db.store;
    let sys = system();
    let xinqiao = s.registry().create_park(&sys, "新桥园", &town("新桥"), None).await.unwrap();
    let jiuting = s.registry().create_park(&sys, "九亭园", &town("九亭"), None).await.unwrap();
    let mut input = enterprise(1, "上海甲电气有限公司", "新桥");
    input.park = Some("新桥园".into());
    s.registry().update_enterprise(&sys, qunlian_domain::auth::UnitId(1), input).await.unwrap();
    let xq = town("新桥").to_string();
    for (name, role) in accounts {
        let mut sess = app.login(name, PASSWORD).await;
        let reads = role.may(Action::ReadRegistry);
        let page = app.get(&mut sess, &format!("/regions/parks/{xinqiao}")).await;
        assert_eq!(page.status, expect(reads, true, StatusCode::OK), "{name} GET park");
        if reads {
            assert!(page.body.contains(&format!("href=\"/enterprises?park={xinqiao}\"")), "{name}: {}", page.body);
            assert_eq!(page.body.contains("id=\"park-form\""), role.may(Action::Import), "{name}: the form is offered");
        }
        let other = app.get(&mut sess, &format!("/regions/parks/{jiuting}")).await;
        assert_eq!(other.status, expect(reads, role != Role::TownAdmin, StatusCode::OK), "{name} GET 九亭 park");
        let new_name = format!("新桥园-{name}");
        let res =
            app.post_form(&mut sess, &format!("/regions/parks/{xinqiao}"), &[("name", &new_name), ("town", &xq)]).await;
        assert_eq!(res.status, expect(role.may(Action::Import), true, StatusCode::SEE_OTHER), "{name} POST park");
        let res = app
            .post_form(
                &mut sess,
                &format!("/regions/parks/{jiuting}"),
                &[("name", "九亭园"), ("town", &town("九亭").to_string())],
            )
            .await;
        let in_scope = role != Role::TownAdmin;
        assert_eq!(
            res.status,
            expect(role.may(Action::Import), in_scope, StatusCode::SEE_OTHER),
            "{name} POST 九亭 park"
        );
    }
    let mut d = app.login("district", PASSWORD).await;
    let page = app.get(&mut d, &format!("/regions/parks/{xinqiao}")).await;
    assert!(page.body.contains("新桥园-town") && page.body.contains("1 家"), "{}", page.body);
    let list = app.get(&mut d, &format!("/enterprises?park={xinqiao}")).await;
    assert!(list.body.contains("共 1 家") && list.body.contains("上海甲电气有限公司"), "{}", list.body);
    assert!(list.body.contains("园区筛选中"));
    // Nested under 九亭园, then refused when that would make a loop; the field is named.
    let res = app
        .post_form(
            &mut d,
            &format!("/regions/parks/{jiuting}"),
            &[("name", "九亭园"), ("town", &town("九亭").to_string()), ("parent", &xinqiao.to_string())],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = app
        .post_form(
            &mut d,
            &format!("/regions/parks/{xinqiao}"),
            &[("name", "新桥园"), ("town", &xq), ("parent", &jiuting.to_string())],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("上级园区：不能是本园区的下级园区"), "{}", res.body);
    let res = app.post_form(&mut d, &format!("/regions/parks/{xinqiao}"), &[("name", ""), ("town", &xq)]).await;
    assert!(res.body.contains("园区名称：不能为空"), "{}", res.body);
    let forged = app
        .post_form(&mut d, &format!("/regions/parks/{xinqiao}"), &[("name", "x"), ("town", &xq), ("_csrf", "x")])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // The enterprise page names its park, and its edit form keeps it.
    let e = app.get(&mut d, "/enterprises/1").await;
    assert!(e.body.contains(&format!("href=\"/regions/parks/{xinqiao}\"")), "{}", e.body);
    let form = app.get(&mut d, "/enterprises/1/edit").await;
    assert!(form.body.contains("name=\"park\" value=\"新桥园-town\""), "{}", form.body);
}

#[tokio::test]
async fn cluster_edits_departures_and_regions_as_every_role() {
    use qunlian_domain::auth::Action;
    let (app, accounts) = app_with_accounts().await;
    let s = &app.db.store;
    let sys = system();
    // A second cluster, seated in 九亭 with 乙: outside the town's and the secretary's scope.
    let other = s.registry().create_cluster(&sys, cluster("九亭集群党委", "", "", "九亭")).await.unwrap();
    s.registry().add_cluster_member(&sys, other, qunlian_domain::auth::UnitId(2), true, None).await.unwrap();
    // One member per account to let go.
    let mut leaving = Vec::new();
    for (i, (name, _)) in accounts.iter().enumerate() {
        let id = s
            .registry()
            .create_enterprise(&sys, enterprise(200 + i as u32, &format!("上海成员{name}有限公司"), "新桥"))
            .await
            .unwrap();
        s.registry()
            .add_cluster_member(&sys, qunlian_domain::auth::ClusterId(1), id, false, Some(d("2022-01-01")))
            .await
            .unwrap();
        leaving.push(id);
    }
    for (i, (name, role)) in accounts.into_iter().enumerate() {
        let mut sess = app.login(name, PASSWORD).await;
        let manages = role.may(Action::WriteRegistry)
            && matches!(role, Role::DistrictAdmin | Role::TownAdmin | Role::ClusterSecretary);
        let page = app.get(&mut sess, "/clusters/1").await;
        if page.status == StatusCode::OK {
            assert_eq!(page.body.contains("/clusters/1/edit"), manages, "{name}: the edit button");
            assert_eq!(page.body.contains("退出集群"), manages, "{name}: the remove buttons");
        }
        let form = app.get(&mut sess, "/clusters/1/edit").await;
        assert_eq!(form.status, expect(manages, true, StatusCode::OK), "{name} GET edit");
        let form = app.get(&mut sess, &format!("/clusters/{other}/edit")).await;
        let sees_other = matches!(role, Role::DistrictAdmin);
        assert_eq!(form.status, expect(manages, sees_other, StatusCode::OK), "{name} GET other edit");
        let res = app
            .post_form(
                &mut sess,
                "/clusters/1/edit",
                &[("name", &format!("测试集群党委{i}")), ("structure", "1+8"), ("established_on", "2021-06-18")],
            )
            .await;
        assert_eq!(res.status, expect(manages, true, StatusCode::SEE_OTHER), "{name} POST edit");
        let res = app.post_form(&mut sess, &format!("/clusters/{other}/edit"), &[("name", "x")]).await;
        assert_eq!(res.status, expect(manages, sees_other, StatusCode::SEE_OTHER), "{name} POST other edit");
        let res = app.post_form(&mut sess, "/clusters/1/regions", &[("region", "330421")]).await;
        assert_eq!(res.status, expect(manages, true, StatusCode::SEE_OTHER), "{name} POST region");
        let res = app
            .post_form(&mut sess, &format!("/clusters/1/members/{}/remove", leaving[i]), &[("left_on", "2026-11-01")])
            .await;
        assert_eq!(res.status, expect(manages, true, StatusCode::SEE_OTHER), "{name} POST remove");
        let res = app.post_form(&mut sess, &format!("/clusters/{other}/members/2/remove"), &[]).await;
        assert_eq!(res.status, expect(manages, sees_other, StatusCode::SEE_OTHER), "{name} POST remove other");
        if sees_other && manages {
            // Put 乙 back for the accounts after this one.
            s.registry().add_cluster_member(&sys, other, qunlian_domain::auth::UnitId(2), true, None).await.unwrap();
        }
    }
    let mut d = app.login("district", PASSWORD).await;
    let page = app.get(&mut d, "/clusters/1").await;
    assert!(page.body.contains("已退出的成员单位（3）"), "{}", page.body);
    assert!(page.body.contains("上海成员town有限公司") && page.body.contains("2026-11-01"));
    assert!(page.body.contains("浙江省"), "the region across the border is listed");
    assert!(page.body.contains("1+8") && page.body.contains("2021-06-18"));
    // Refusals name the field and change nothing.
    let res = app
        .post_form(&mut d, &format!("/clusters/1/members/{}/remove", leaving[3]), &[("left_on", "2021-01-01")])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("退出日期：不能早于加入日期"), "{}", res.body);
    let res = app.post_form(&mut d, "/clusters/1/regions", &[("region", "999999")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("成员区域"), "{}", res.body);
    let res = app.post_form(&mut d, "/clusters/1/edit", &[("name", " "), ("industry_codes", "39")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("集群名称：不能为空"), "{}", res.body);
    let res = app.post_form(&mut d, "/clusters/1/edit", &[("name", "测试集群党委"), ("industry_codes", "X9")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("行业代码"), "{}", res.body);
    // The committee is chosen from the caller's organisations.
    let form = app.get(&mut d, "/clusters/1/edit").await;
    assert!(form.body.contains("<option value=\"1\">乙公司党支部</option>"), "{}", form.body);
    let res = app.post_form(&mut d, "/clusters/1/edit", &[("name", "测试集群党委"), ("committee", "1")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(app.get(&mut d, "/clusters/1").await.body.contains("<a href=\"/orgs/1\">乙公司党支部</a>"));
    let mut town = app.login("town", PASSWORD).await;
    let res = app.post_form(&mut town, "/clusters/1/edit", &[("name", "测试集群党委"), ("committee", "99")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("集群党组织：不存在，或不在您的权限范围内"), "{}", res.body);
}

#[tokio::test]
async fn alliance_and_pairing_pages_as_every_role() {
    use qunlian_domain::auth::{Action, UnitId};
    let (app, accounts) = app_with_accounts().await;
    let s = &app.db.store;
    let sys = system();
    let (a, b) = (UnitId(1), UnitId(2));
    let both = s.registry().create_alliance(&sys, "跨镇党建联盟", "", None, &[a, b], false).await.unwrap();
    let jiuting = s.registry().create_alliance(&sys, "九亭党建联盟", "", None, &[b], false).await.unwrap();
    let pairing = school_pairing(s, a).await;
    let mut to_end = Vec::new();
    for _ in &accounts {
        to_end.push(
            s.registry()
                .create_pairing(
                    &sys,
                    qunlian_domain::registry::PairingKind::EnterpriseVillage,
                    a,
                    None,
                    Some("新桥村"),
                    None,
                    "",
                    false,
                )
                .await
                .unwrap(),
        );
    }
    for (i, (name, role)) in accounts.into_iter().enumerate() {
        let mut sess = app.login(name, PASSWORD).await;
        let reads = role.may(Action::ReadRegistry);
        let writes = role.may(Action::WriteRegistry);
        // 甲 (新桥, in the cluster) is seen by the district, the town, the secretary; 乙 by the
        // branch and the contact; the department and the leader see every unit.
        let sees_a = !matches!(role, Role::BranchSecretary | Role::EnterpriseContact);
        let sees_b = !matches!(role, Role::TownAdmin | Role::ClusterSecretary);
        let area = matches!(role, Role::DistrictAdmin | Role::TownAdmin | Role::ClusterSecretary);

        assert_eq!(
            app.get(&mut sess, &format!("/alliances/{both}")).await.status,
            expect(reads, true, StatusCode::OK),
            "{name}"
        );
        assert_eq!(
            app.get(&mut sess, &format!("/alliances/{jiuting}")).await.status,
            expect(reads, sees_b, StatusCode::OK),
            "{name} GET 九亭 alliance"
        );
        // Each edits with the members it sees; the others stay.
        let visible =
            if role == Role::DistrictAdmin { format!("{}\n{}", uscc(1), uscc(2)) } else { uscc(1).to_string() };
        let res = app
            .post_form(
                &mut sess,
                &format!("/alliances/{both}"),
                &[("name", &format!("跨镇党建联盟{i}")), ("members", &visible)],
            )
            .await;
        assert_eq!(res.status, expect(writes && area, true, StatusCode::SEE_OTHER), "{name} POST alliance");
        let res = app
            .post_form(
                &mut sess,
                &format!("/alliances/{jiuting}"),
                &[("name", "九亭党建联盟"), ("members", uscc(2).as_str())],
            )
            .await;
        assert_eq!(res.status, expect(writes, sees_b, StatusCode::SEE_OTHER), "{name} POST 九亭 alliance");

        assert_eq!(
            app.get(&mut sess, &format!("/pairings/{pairing}")).await.status,
            expect(reads, sees_a, StatusCode::OK),
            "{name} GET pairing"
        );
        let res = app
            .post_form(
                &mut sess,
                &format!("/pairings/{pairing}"),
                &[("content", &format!("实训{i}")), ("started_on", "2023-09-01")],
            )
            .await;
        assert_eq!(res.status, expect(writes, sees_a, StatusCode::SEE_OTHER), "{name} POST pairing");
        let res = app.post_form(&mut sess, &format!("/pairings/{}/end", to_end[i]), &[("on", "2026-11-20")]).await;
        assert_eq!(res.status, expect(writes, sees_a, StatusCode::SEE_OTHER), "{name} POST end pairing");
    }
    let mut d = app.login("district", PASSWORD).await;
    let page = app.get(&mut d, &format!("/alliances/{both}")).await;
    assert!(
        page.body.contains("上海甲电气有限公司") && page.body.contains("上海乙轴承有限公司"),
        "the town kept 乙: {}",
        page.body
    );
    let page = app.get(&mut d, &format!("/pairings/{}", to_end[0])).await;
    assert!(page.body.contains("已于 2026-11-20 结束"), "{}", page.body);
    assert!(!page.body.contains("id=\"end-form\""));
    let again = app.post_form(&mut d, &format!("/pairings/{}/end", to_end[0]), &[("on", "2026-11-21")]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("结束日期：该结对已于2026-11-20结束"), "{}", again.body);
    let bad = app
        .post_form(&mut d, &format!("/pairings/{pairing}"), &[("started_on", "2023-09-01"), ("ended_on", "2023-01-01")])
        .await;
    assert!(bad.body.contains("结束日期：不能早于开始日期"), "{}", bad.body);
    let bad = app.post_form(&mut d, &format!("/alliances/{both}"), &[("name", "x"), ("members", "")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("成员单位：至少保留一家成员单位"), "{}", bad.body);
    let list = app.get(&mut d, "/pairings").await;
    assert!(list.body.contains(&format!("href=\"/pairings/{pairing}\"")) && list.body.contains("（已结束）"));
    assert!(app.get(&mut d, "/alliances").await.body.contains(&format!("href=\"/alliances/{both}\"")));
}

#[tokio::test]
async fn orgs_are_merged_from_their_page_as_every_role() {
    use qunlian_domain::auth::{Action, OrgId, UnitId};

    let (app, accounts) = app_with_accounts().await;
    let s = &app.db.store;
    let sys = system();
    let branch = OrgId(1); // 乙公司党支部, over 乙 in 九亭
    let new_org = |name: String, unit: UnitId, parent: Option<OrgId>| qunlian_store::registry::NewOrg {
        parent,
        established_on: d("2022-01-01"),
        ..org(&name, vec![unit])
    };
    let mut pairs = Vec::new();
    for (name, role) in &accounts {
        // Each account merges two organisations inside its own scope.
        let (unit, parent) = match role {
            Role::BranchSecretary | Role::EnterpriseContact => (UnitId(2), Some(branch)),
            _ => (UnitId(1), None),
        };
        let from = s.registry().create_org(&sys, new_org(format!("{name}甲支部"), unit, parent)).await.unwrap();
        let into = s.registry().create_org(&sys, new_org(format!("{name}乙支部"), unit, parent)).await.unwrap();
        pairs.push((from, into));
    }
    for (i, (name, role)) in accounts.into_iter().enumerate() {
        let mut sess = app.login(name, PASSWORD).await;
        // A contact proposes a merger instead (issue #11 point 10; web::proposals).
        let writes = role.may(Action::RestructureRegistry);
        let (from, into) = pairs[i];
        let page = app.get(&mut sess, &format!("/orgs/{from}")).await;
        if page.status == StatusCode::OK {
            assert_eq!(page.body.contains("id=\"merge-form\""), writes, "{name}: the merge form");
        }
        let res = app
            .post_form(&mut sess, &format!("/orgs/{from}/merge"), &[("into", &into.to_string()), ("on", "2026-11-01")])
            .await;
        assert_eq!(res.status, expect(writes, true, StatusCode::SEE_OTHER), "{name} POST merge");
        // 乙公司党支部 is outside the town's and the secretary's scope.
        let outside = matches!(role, Role::TownAdmin | Role::ClusterSecretary);
        if outside || !writes {
            let res = app
                .post_form(
                    &mut sess,
                    &format!("/orgs/{branch}/merge"),
                    &[("into", &pairs[0].1.to_string()), ("on", "2026-11-01")],
                )
                .await;
            assert_eq!(res.status, expect(writes, false, StatusCode::SEE_OTHER), "{name} POST merge outside");
        }
    }
    let mut d = app.login("district", PASSWORD).await;
    let (from, into) = pairs[0];
    let gone = app.get(&mut d, &format!("/orgs/{from}")).await;
    assert!(gone.body.contains("并入“district乙支部”") && gone.body.contains("已于 2026-11-01 撤销"), "{}", gone.body);
    assert!(!gone.body.contains("id=\"merge-form\""), "a dissolved organisation offers no changes");
    let kept = app.get(&mut d, &format!("/orgs/{into}")).await;
    assert!(
        kept.body.contains("“district甲支部”并入本组织") && kept.body.contains("上海甲电气有限公司"),
        "{}",
        kept.body
    );
    // Into a dissolved organisation, or with no target: refused by name.
    let (from, _) = pairs[7];
    let res = app.post_form(&mut d, &format!("/orgs/{from}/merge"), &[("into", &pairs[0].0.to_string())]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("并入组织：“district甲支部”已撤销"), "{}", res.body);
    let res = app.post_form(&mut d, &format!("/orgs/{from}/merge"), &[("into", "")]).await;
    assert!(res.body.contains("并入组织：请选择"), "{}", res.body);
}

/// The registry's forms of the first issue, each posted as every role: a role without the
/// action is refused (403, “无权”) and nothing is created; the district administrator
/// succeeds; no role ever meets a server error.
#[tokio::test]
async fn registry_forms_as_every_role() {
    use qunlian_domain::auth::Action;
    /// A form's path, its fields, and the action that allows posting it.
    type FormCase<'a> = (String, Vec<(&'a str, String)>, Action);
    let (app, accounts) = app_with_accounts().await;
    let xinqiao = town("新桥").to_string();
    for (i, (name, role)) in accounts.into_iter().enumerate() {
        let mut s = app.login(name, PASSWORD).await;
        let n = i as u32;
        let new_uscc = uscc(700 + n).to_string();
        let forms: Vec<FormCase> = vec![
            (
                "/enterprises/new".into(),
                vec![
                    ("name", format!("上海角色测试{n}有限公司")),
                    ("uscc", new_uscc.clone()),
                    ("town", xinqiao.clone()),
                    ("employees", "12".into()),
                ],
                Action::Import,
            ),
            (
                "/enterprises/1/edit".into(),
                vec![
                    ("name", "上海甲电气有限公司".into()),
                    ("uscc", uscc(1).to_string()),
                    ("town", xinqiao.clone()),
                    ("employees", "80".into()),
                ],
                Action::WriteRegistry,
            ),
            (
                "/orgs/new".into(),
                vec![
                    ("name", format!("角色测试党支部{n}")),
                    ("kind", "branch".into()),
                    ("form", "independent".into()),
                    ("established_on", "2026-01-01".into()),
                ],
                Action::WriteRegistry,
            ),
            (
                "/orgs/1/rename".into(),
                vec![("name", format!("乙公司党支部{n}")), ("on", "2026-11-01".into())],
                Action::WriteRegistry,
            ),
            (
                "/clusters/new".into(),
                vec![
                    ("name", format!("角色测试集群党委{n}")),
                    ("short_name", format!("角色{n}")),
                    ("industry_focus", "装备".into()),
                    ("town", xinqiao.clone()),
                ],
                Action::Import,
            ),
            (
                "/clusters/1/officers".into(),
                vec![("name", format!("指导员{n}")), ("role", "instructor".into())],
                Action::WriteRegistry,
            ),
            (
                "/regions/parks".into(),
                vec![("name", format!("角色测试园区{n}")), ("town", xinqiao.clone())],
                Action::Import,
            ),
            (
                "/alliances".into(),
                vec![
                    ("name", format!("角色测试联盟{n}")),
                    ("description", "测试".into()),
                    ("members", uscc(1).to_string()),
                ],
                Action::WriteRegistry,
            ),
            (
                "/users".into(),
                vec![
                    ("username", format!("newuser{n}")),
                    ("display_name", "新用户".into()),
                    ("role", "leader".into()),
                    ("scope_kind", "all".into()),
                ],
                Action::ManageUsers,
            ),
        ];
        for (path, fields, action) in forms {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let res = app.post_form(&mut s, &path, &fields).await;
            assert!(res.status.as_u16() < 500, "{name} POST {path}: {} {}", res.status, res.body);
            if !role.may(action) {
                assert_eq!(res.status, StatusCode::FORBIDDEN, "{name} POST {path}");
                assert!(res.body.contains("无权"), "{name} POST {path}: {}", res.body);
            } else if role == Role::DistrictAdmin {
                assert_eq!(res.status, StatusCode::SEE_OTHER, "{name} POST {path}: {}", res.body);
            }
        }
        // Nothing a refused role posted was created.
        let created = app.db.store.registry().enterprise_by_uscc(&system(), &new_uscc).await.is_ok();
        assert_eq!(created, role.may(Action::Import), "{name}: enterprise created?");
    }
}
