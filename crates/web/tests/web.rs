//! The router in-process: every page as every role, CSRF, login, import, the API.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::http::StatusCode;
use qunlian_domain::auth::{Role, Scope};
use qunlian_store::registry::NewCluster;
use qunlian_testkit::*;

/// A small registry and one account per role, each scoped as it would be in a district.
async fn app_with_accounts() -> (TestApp, Vec<(&'static str, Role)>) {
    let app = TestApp::spawn().await;
    let s = &app.db.store;
    let sys = system();
    let a = s.registry().create_enterprise(&sys, enterprise(1, "上海甲电气有限公司", "新桥")).await.unwrap();
    let b = s.registry().create_enterprise(&sys, enterprise(2, "上海乙轴承有限公司", "九亭")).await.unwrap();
    let cluster = s
        .registry()
        .create_cluster(
            &sys,
            NewCluster { structure: Some("1+1".into()), ..cluster("测试集群党委", "测试", "装备", "新桥") },
        )
        .await
        .unwrap();
    s.registry().add_cluster_member(&sys, cluster, a, true, None).await.unwrap();
    let org = s
        .registry()
        .create_org(
            &sys,
            qunlian_store::registry::NewOrg {
                name: "乙公司党支部".into(),
                kind: qunlian_domain::registry::OrgKind::Branch,
                form: qunlian_domain::registry::OrgForm::Independent,
                parent: None,
                units: vec![b],
                town_code: None,
                secretary_name: None,
                members_count: None,
                established_on: d("2021-07-01"),
                is_demo: false,
            },
        )
        .await
        .unwrap();
    // Both enterprises are high-tech: the category has one organised, one not.
    let rule = qunlian_store::coverage::NewCategory {
        name: "全部企业".into(),
        rule: "从业人数>=1".into(),
        target_pct: 100.0,
        deadline: Some(d("2027-12-31")),
        position: 1,
        is_demo: false,
    };
    s.coverage().save_category(&sys, None, rule).await.unwrap();
    let accounts = vec![
        ("district", Role::DistrictAdmin, Scope::Region(songjiang())),
        ("town", Role::TownAdmin, Scope::Region(town("新桥"))),
        ("secretary", Role::ClusterSecretary, Scope::Cluster(cluster)),
        ("branch", Role::BranchSecretary, Scope::PartyOrg(org)),
        ("contact", Role::EnterpriseContact, Scope::Enterprise(b)),
        ("officer", Role::ServiceOfficer, Scope::Department(a)),
        ("reviewer", Role::Reviewer, Scope::Nothing),
        ("leader", Role::Leader, Scope::All),
        ("sysadmin", Role::SystemAdmin, Scope::Nothing),
        ("security", Role::SecurityAdmin, Scope::Nothing),
        ("auditor", Role::AuditAdmin, Scope::Nothing),
        ("head", Role::DepartmentHead, Scope::Department(a)),
    ];
    for (name, role, scope) in &accounts {
        user(s, name, *role, scope.clone()).await;
    }
    (app, accounts.into_iter().map(|(n, r, _)| (n, r)).collect())
}

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
async fn anonymous_requests_go_to_the_login_page() {
    let (app, _) = app_with_accounts().await;
    let mut s = Session::default();
    for path in ["/", "/enterprises", "/audit", "/clusters/1"] {
        let res = app.get(&mut s, path).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(res.location.as_deref(), Some("/login"));
    }
    let res = app.get(&mut s, "/login").await;
    assert!(res.body.contains("登录"));
    let bad = app.post_form(&mut s, "/login", &[("username", "district"), ("password", "nope")]).await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    assert!(bad.body.contains("用户名或密码错误"));
}

#[tokio::test]
async fn state_changes_need_the_csrf_token() {
    let (app, _) = app_with_accounts().await;
    let mut s = app.login("district", PASSWORD).await;
    let res = app
        .post_form(
            &mut s,
            "/regions/parks",
            &[("name", "测试园"), ("town", &town("新桥").to_string()), ("_csrf", "forged")],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.body.contains("页面已过期"));
    let res = app.post_form(&mut s, "/regions/parks", &[("name", "测试园"), ("town", &town("新桥").to_string())]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = app.get(&mut s, "/regions").await;
    assert!(page.body.contains("测试园"));
    // Logging in without the token fails as well.
    let mut anon = Session::default();
    app.get(&mut anon, "/login").await;
    let res =
        app.post_form(&mut anon, "/login", &[("username", "district"), ("password", PASSWORD), ("_csrf", "x")]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
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
async fn htmx_gets_the_rows_partial_only() {
    let (app, _) = app_with_accounts().await;
    let mut s = app.login("district", PASSWORD).await;
    let full = app.get(&mut s, "/enterprises?town=".to_owned().as_str()).await;
    assert!(full.body.contains("<nav class=\"sidebar\""));
    let cookie = s.cookie.clone().unwrap();
    let partial = app
        .get_with(&format!("/enterprises?town={}", town("九亭")), &[("cookie", &cookie), ("hx-request", "true")])
        .await;
    assert_eq!(partial.status, StatusCode::OK);
    assert!(!partial.body.contains("<nav class=\"sidebar\""));
    assert!(partial.body.contains("共 1 家"));
    assert!(partial.body.contains("上海乙轴承有限公司"));
}

#[tokio::test]
async fn import_previews_then_commits_good_rows_and_reports_bad_ones() {
    let (app, _) = app_with_accounts().await;
    let mut s = app.login("district", PASSWORD).await;
    let good1 = uscc(100);
    let good2 = uscc(101);
    let mut bad = uscc(102).as_str().to_owned();
    let last = bad.pop().unwrap();
    bad.push(if last == '0' { '1' } else { '0' });
    let csv = format!(
        "2026年松江区企业名录\n企业名称,统一社会信用代码,所属街镇,从业人数\n上海好一有限公司,{good1},新桥,120\n上海好二有限公司,{good2},九亭镇,８０\n上海坏码有限公司,{bad},新桥,10\n上海无镇有限公司,{},火星镇,10\n合计,,,220\n",
        uscc(103)
    );
    let preview = app.post_file(&mut s, "/import/preview", "名录.csv", csv.as_bytes()).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(preview.body.contains("可导入 2 行，有问题 2 行"), "{}", preview.body);
    assert!(
        preview.body.contains("<td class=\"num\">5</td>") && preview.body.contains("<td class=\"num\">6</td>"),
        "reject lines 5 and 6: {}",
        preview.body
    );
    // Nothing is written before confirmation.
    assert!(app.db.store.registry().enterprise_by_uscc(&system(), good1.as_str()).await.is_err());
    let token = between(&preview.body, "name=\"token\" value=\"", "\"");
    let done = app.post_form(&mut s, "/import/confirm", &[("token", &token)]).await;
    assert!(done.body.contains("新增 2，更新 0，未变 0，拒绝 2"), "{}", done.body);
    let e = app.db.store.registry().enterprise_by_uscc(&system(), good2.as_str()).await.unwrap();
    assert_eq!(e.employees, Some(80));
    assert_eq!(e.town_name, "九亭镇");
    let rejects_link = between(&done.body, "id=\"rejects-xlsx\" class=\"button\" href=\"", "\"");
    let rejects = app.get(&mut s, &rejects_link).await;
    assert!(rejects.content_type.unwrap().contains("spreadsheetml"));
    // The same file again changes nothing.
    let preview = app.post_file(&mut s, "/import/preview", "名录.csv", csv.as_bytes()).await;
    let token = between(&preview.body, "name=\"token\" value=\"", "\"");
    let again = app.post_form(&mut s, "/import/confirm", &[("token", &token)]).await;
    assert!(again.body.contains("新增 0，更新 0，未变 2，拒绝 2"), "{}", again.body);
}

fn between(s: &str, start: &str, end: &str) -> String {
    let i = s.find(start).unwrap_or_else(|| panic!("no {start} in {s}")) + start.len();
    let j = s[i..].find(end).unwrap() + i;
    s[i..j].replace("&#x2f;", "/").replace("&amp;", "&")
}

#[tokio::test]
async fn the_api_needs_a_token_and_keeps_the_scope() {
    let (app, _) = app_with_accounts().await;
    let s = &app.db.store;
    let none = app.get_with("/api/v1/enterprises", &[]).await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    assert!(none.content_type.unwrap().contains("json"));
    let sec = s.accounts().user_by_name("secretary").await.unwrap().unwrap();
    let token = s.accounts().create_token(&system(), sec.id, "t").await.unwrap();
    let auth = format!("Bearer {token}");
    let res = app.get_with("/api/v1/enterprises", &[("authorization", &auth)]).await;
    assert_eq!(res.status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    assert_eq!(json["total"], 1);
    assert_eq!(json["items"][0]["name"], "上海甲电气有限公司");
    let outside = app.get_with(&format!("/api/v1/enterprises/{}", uscc(2)), &[("authorization", &auth)]).await;
    assert_eq!(outside.status, StatusCode::NOT_FOUND);
    let inside = app.get_with(&format!("/api/v1/enterprises/{}", uscc(1)), &[("authorization", &auth)]).await;
    assert_eq!(inside.status, StatusCode::OK);
    let clusters = app.get_with("/api/v1/clusters", &[("authorization", &auth)]).await;
    assert_eq!(serde_json::from_str::<serde_json::Value>(&clusters.body).unwrap().as_array().unwrap().len(), 1);
    let doc = app.get_with("/api/v1/openapi.json", &[]).await;
    let doc: serde_json::Value = serde_json::from_str(&doc.body).unwrap();
    for path in [
        "/api/v1/enterprises",
        "/api/v1/enterprises/{uscc}",
        "/api/v1/clusters",
        "/api/v1/clusters/{id}",
        "/api/v1/party-orgs",
        "/api/v1/party-orgs/{id}",
        "/api/v1/coverage",
        "/api/v1/coverage/enterprises",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing from the OpenAPI document");
    }
}

#[tokio::test]
async fn revealing_a_phone_is_audited_and_shown_to_the_auditor() {
    let (app, _) = app_with_accounts().await;
    let s = &app.db.store;
    let mut input = enterprise(50, "上海有电话有限公司", "新桥");
    input.contact_phone = Some(qunlian_domain::Phone::parse("13912345678").unwrap());
    let id = s.registry().create_enterprise(&system(), input).await.unwrap();
    let mut d = app.login("district", PASSWORD).await;
    let page = app.get(&mut d, &format!("/enterprises/{id}")).await;
    assert!(page.body.contains("139****5678") && !page.body.contains("13912345678"));
    let shown = app.post_form(&mut d, &format!("/enterprises/{id}/reveal-phone"), &[]).await;
    assert!(shown.body.contains("13912345678"));
    let mut leader = app.login("leader", PASSWORD).await;
    let page = app.get(&mut leader, &format!("/enterprises/{id}")).await;
    assert!(!page.body.contains("显示完整号码"));
    assert_eq!(
        app.post_form(&mut leader, &format!("/enterprises/{id}/reveal-phone"), &[]).await.status,
        StatusCode::FORBIDDEN
    );
    let mut auditor = app.login("auditor", PASSWORD).await;
    let log = app.get(&mut auditor, "/audit?q=联系人电话").await;
    assert!(log.body.contains("查看“上海有电话有限公司”联系人电话"), "{}", log.body);
}

#[tokio::test]
async fn clusters_alliances_and_pairings_are_set_up_from_their_pages() {
    let (app, _) = app_with_accounts().await;
    let mut d = app.login("district", PASSWORD).await;
    let res = app
        .post_form(
            &mut d,
            "/clusters/new",
            &[
                ("name", "泗泾智慧安防产业集群党总支"),
                ("short_name", "泗泾智慧安防"),
                ("industry_codes", "39, C40"),
                ("town", &town("泗泾").to_string()),
                ("committee_kind", "general_branch"),
                ("established_on", "2021-06-18"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page_path = res.location.unwrap();
    let page = app.get(&mut d, &page_path).await;
    assert!(page.body.contains("泗泾智慧安防产业集群党总支"));
    assert!(page.body.contains("40 仪器仪表制造业"));
    let cluster_id: i64 = page_path.rsplit('/').next().unwrap().parse().unwrap();
    let committee = app
        .db
        .store
        .registry()
        .cluster(&system(), qunlian_domain::auth::ClusterId(cluster_id))
        .await
        .unwrap()
        .committee
        .unwrap();
    let org = app.db.store.registry().party_org(&system(), qunlian_domain::auth::OrgId(committee.0)).await.unwrap();
    assert_eq!(org.org.kind, "党总支");

    let bad = app.post_form(&mut d, &format!("{page_path}/members"), &[("uscc", "91310117000000000X")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("统一社会信用代码"), "{}", bad.body);
    let ok = app.post_form(&mut d, &format!("{page_path}/members"), &[("uscc", uscc(2).as_str()), ("head", "1")]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let officer = app
        .post_form(
            &mut d,
            &format!("{page_path}/officers"),
            &[("name", "周明"), ("role", "instructor"), ("phone", "13700001111")],
        )
        .await;
    assert_eq!(officer.status, StatusCode::SEE_OTHER);
    let page = app.get(&mut d, &page_path).await;
    assert!(
        page.body.contains("上海乙轴承有限公司") && page.body.contains("周明") && page.body.contains("137****1111")
    );

    let members = format!("{}\n{}", uscc(1), uscc(2));
    let res = app.post_form(&mut d, "/alliances", &[("name", "新桥党建联盟"), ("members", &members)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(app.get(&mut d, "/alliances").await.body.contains("新桥党建联盟"));
    let res = app
        .post_form(
            &mut d,
            "/pairings",
            &[("kind", "enterprise_school"), ("a", uscc(1).as_str()), ("b_name", "上海市新桥职业技术学校")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(app.get(&mut d, "/pairings").await.body.contains("上海市新桥职业技术学校"));

    // A leader reads but cannot set anything up.
    let mut leader = app.login("leader", PASSWORD).await;
    assert_eq!(app.post_form(&mut leader, "/alliances", &[("name", "x")]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&mut leader, "/clusters/new").await.status, StatusCode::FORBIDDEN);
}

/// Every coverage write as every role: allowed roles are redirected to the result, the
/// others refused; nothing outside a scope can be reached.
#[tokio::test]
async fn coverage_writes_as_every_role() {
    use qunlian_domain::auth::Action;
    let (app, accounts) = app_with_accounts().await;
    for (i, (name, role)) in accounts.into_iter().enumerate() {
        let mut s = app.login(name, PASSWORD).await;
        let snap = app.post_form(&mut s, "/coverage/snapshots", &[]).await;
        let expected = if role.may(Action::AssignCoverage) { StatusCode::SEE_OTHER } else { StatusCode::FORBIDDEN };
        assert_eq!(snap.status, expected, "{name} POST /coverage/snapshots");
        let cat_name = format!("类别{i}");
        let cat = app
            .post_form(
                &mut s,
                "/coverage/categories",
                &[("name", &cat_name), ("rule", "高新技术企业 或 规上"), ("target_pct", "95")],
            )
            .await;
        let expected = if role.may(Action::DefineCoverage) { StatusCode::SEE_OTHER } else { StatusCode::FORBIDDEN };
        assert_eq!(cat.status, expected, "{name} POST /coverage/categories");
        let link = app
            .post_form(
                &mut s,
                "/enterprises/1/work-links",
                &[("kind", "instructor"), ("instructor_name", "王指导"), ("since", "2026-11-01")],
            )
            .await;
        let expected = match role {
            // 甲 (enterprise 1) is in 新桥: inside both the district and the town admin's scope.
            Role::DistrictAdmin | Role::TownAdmin => StatusCode::SEE_OTHER,
            _ => StatusCode::FORBIDDEN,
        };
        assert_eq!(link.status, expected, "{name} POST work link");
    }
    // A bad rule is refused with the field named; nothing is saved.
    let mut s = app.login("district", PASSWORD).await;
    let bad = app.post_form(&mut s, "/coverage/categories", &[("name", "坏规则"), ("rule", "高新 且 且")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("规则"), "{}", bad.body);
    let page = app.get(&mut s, "/coverage").await;
    assert!(!page.body.contains("坏规则"));
    // The responsibility list: the town admin assigns 甲, and sees the entry; 九亭 does not.
    let mut town = app.login("town", PASSWORD).await;
    let ok = app
        .post_form(
            &mut town,
            "/coverage/assignments",
            &[("unit_id", "1"), ("responsible_unit", "新桥镇党建办"), ("due_on", "2027-01-31")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let list = app.get(&mut town, "/coverage/assignments?state=open").await;
    assert!(list.body.contains("上海甲电气有限公司") && list.body.contains("新桥镇党建办"));
    let outside = app
        .post_form(
            &mut town,
            "/coverage/assignments",
            &[("unit_id", "2"), ("responsible_unit", "x"), ("due_on", "2027-01-31")],
        )
        .await;
    assert_eq!(outside.status, StatusCode::NOT_FOUND, "乙 is in 九亭, outside the town admin's scope");
    let no_date = app.post_form(&mut s, "/coverage/assignments", &[("unit_id", "1"), ("responsible_unit", "x")]).await;
    assert_eq!(no_date.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_date.body.contains("完成期限"));
}

#[tokio::test]
async fn the_coverage_api_counts_what_its_list_pages() {
    let (app, _) = app_with_accounts().await;
    let s = &app.db.store;
    let district = s.accounts().user_by_name("district").await.unwrap().unwrap();
    let token = s.accounts().create_token(&system(), district.id, "t").await.unwrap();
    let auth = format!("Bearer {token}");
    let res = app.get_with("/api/v1/coverage?category=1", &[("authorization", &auth)]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let rows: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows[0]["region_code"], serde_json::Value::Null, "the first row is the whole scope");
    assert_eq!(
        (rows[0]["total"].as_u64(), rows[0]["own_org"].as_u64(), rows[0]["uncovered"].as_u64()),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(rows[0]["org_rate"], 50.0);
    assert_eq!(rows[0]["target"], 100.0);
    assert_eq!(rows[0]["as_of"], "2026-11-23");
    for row in rows {
        for status in ["own_org", "joint_org", "work_only", "uncovered"] {
            let region = row["region_code"].as_str().map(|r| format!("&region={r}")).unwrap_or_default();
            let list = app
                .get_with(
                    &format!("/api/v1/coverage/enterprises?category=1&status={status}{region}"),
                    &[("authorization", &auth)],
                )
                .await;
            let list: serde_json::Value = serde_json::from_str(&list.body).unwrap();
            assert_eq!(list["total"], row[status], "{status} in {}", row["region_name"]);
        }
    }
    let bad = app.get_with("/api/v1/coverage/enterprises?status=covered", &[("authorization", &auth)]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("status"));
    // The cluster secretary's figures are its cluster's only.
    let sec = s.accounts().user_by_name("secretary").await.unwrap().unwrap();
    let token = s.accounts().create_token(&system(), sec.id, "t2").await.unwrap();
    let res = app.get_with("/api/v1/coverage", &[("authorization", &format!("Bearer {token}"))]).await;
    let rows: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    assert_eq!(rows[0]["total"], 1);
    assert_eq!(rows[0]["uncovered"], 1);
}

/// The status a page or form answers a role with: `ok` when the role may and the record is
/// in its scope, 404 when the record is outside it, 403 when the role may not.
fn expect(may: bool, in_scope: bool, ok: StatusCode) -> StatusCode {
    match (may, in_scope) {
        (false, _) => StatusCode::FORBIDDEN,
        (true, false) => StatusCode::NOT_FOUND,
        (true, true) => ok,
    }
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
    let pairing = s
        .registry()
        .create_pairing(&sys, "enterprise_school", a, None, Some("新桥职校"), Some(d("2023-09-01")), "实训", false)
        .await
        .unwrap();
    let mut to_end = Vec::new();
    for _ in &accounts {
        to_end.push(
            s.registry()
                .create_pairing(&sys, "enterprise_village", a, None, Some("新桥村"), None, "", false)
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
    use qunlian_domain::registry::{OrgForm, OrgKind};
    let (app, accounts) = app_with_accounts().await;
    let s = &app.db.store;
    let sys = system();
    let branch = OrgId(1); // 乙公司党支部, over 乙 in 九亭
    let new_org = |name: String, unit: UnitId, parent: Option<OrgId>| qunlian_store::registry::NewOrg {
        name,
        kind: OrgKind::Branch,
        form: OrgForm::Independent,
        parent,
        units: vec![unit],
        town_code: None,
        secretary_name: None,
        members_count: None,
        established_on: d("2022-01-01"),
        is_demo: false,
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
        let writes = role.may(Action::WriteRegistry);
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

#[tokio::test]
async fn schools_and_other_units_are_listed_created_and_edited_like_enterprises() {
    use qunlian_domain::auth::Action;
    let (app, accounts) = app_with_accounts().await;
    let xq = town("新桥").to_string();
    for (i, (name, role)) in accounts.into_iter().enumerate() {
        let mut sess = app.login(name, PASSWORD).await;
        let imports = role.may(Action::Import);
        let list = app.get(&mut sess, "/enterprises?kind=school").await;
        assert_eq!(list.status, expect(role.may(Action::ReadRegistry), true, StatusCode::OK), "{name} GET schools");
        let form = app.get(&mut sess, "/enterprises/new?kind=school").await;
        assert_eq!(form.status, expect(imports, true, StatusCode::OK), "{name} GET new school");
        let code = uscc(300 + i as u32).to_string();
        let school = format!("上海市新桥第{i}中学");
        let res = app
            .post_form(
                &mut sess,
                "/enterprises/new",
                &[("kind", "school"), ("name", &school), ("uscc", &code), ("town", &xq)],
            )
            .await;
        assert_eq!(res.status, expect(imports, true, StatusCode::SEE_OTHER), "{name} POST new school");
    }
    let mut d = app.login("district", PASSWORD).await;
    let schools = app.get(&mut d, "/enterprises?kind=school").await;
    assert!(schools.body.contains("单位名录（学校）") && schools.body.contains("共 2 家"), "{}", schools.body);
    assert!(schools.body.contains("上海市新桥第0中学") && !schools.body.contains("上海甲电气有限公司"));
    assert!(schools.body.contains("<option value=\"school\" selected>学校</option>"), "{}", schools.body);
    let enterprises = app.get(&mut d, "/enterprises").await;
    assert!(!enterprises.body.contains("上海市新桥第0中学"));
    let id = app.db.store.registry().enterprise_by_uscc(&system(), uscc(300).as_str()).await.unwrap().id;
    let form = app.get(&mut d, &format!("/enterprises/{id}/edit")).await;
    assert!(
        form.body.contains("编辑单位") && form.body.contains("<option value=\"school\" selected>"),
        "{}",
        form.body
    );
    let res = app
        .post_form(
            &mut d,
            &format!("/enterprises/{id}/edit"),
            &[("kind", "research"), ("name", "上海新桥研究院"), ("uscc", uscc(300).as_str()), ("town", &xq)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = app.get(&mut d, &format!("/enterprises/{id}")).await;
    assert!(page.body.contains("科研院所") && page.body.contains("上海新桥研究院"));
    let bad = app
        .post_form(
            &mut d,
            "/enterprises/new",
            &[("kind", "castle"), ("name", "x"), ("uscc", uscc(400).as_str()), ("town", &xq)],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("单位类型：“castle”无法识别，可填：企业"), "{}", bad.body);
    assert_eq!(app.get(&mut d, "/enterprises?kind=castle").await.status, StatusCode::UNPROCESSABLE_ENTITY);
    let xlsx = app.get(&mut d, "/enterprises/export.xlsx?kind=research").await;
    assert_eq!(xlsx.status, StatusCode::OK);
}

#[tokio::test]
async fn an_organisation_is_edited_from_its_page_as_every_role() {
    use qunlian_domain::auth::Action;
    let (app, accounts) = app_with_accounts().await;
    // 乙公司党支部 (1) covers 乙 in 九亭: outside the town's and the secretary's scope.
    for (i, (name, role)) in accounts.into_iter().enumerate() {
        let mut sess = app.login(name, PASSWORD).await;
        let writes = role.may(Action::WriteRegistry);
        let in_scope = !matches!(role, Role::TownAdmin | Role::ClusterSecretary);
        let page = app.get(&mut sess, "/orgs/1").await;
        if page.status == StatusCode::OK {
            assert_eq!(page.body.contains("id=\"org-edit-form\""), writes, "{name}: the edit form");
        }
        let count = (10 + i).to_string();
        let res =
            app.post_form(&mut sess, "/orgs/1/edit", &[("secretary_name", "李强"), ("members_count", &count)]).await;
        assert_eq!(res.status, expect(writes, in_scope, StatusCode::SEE_OTHER), "{name} POST org edit");
    }
    let mut d = app.login("district", PASSWORD).await;
    let page = app.get(&mut d, "/orgs/1").await;
    assert!(page.body.contains("李强") && page.body.contains("14 名"), "the contact was last: {}", page.body);
    let bad = app.post_form(&mut d, "/orgs/1/edit", &[("members_count", "十二")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("党员数：“十二”不是整数"), "{}", bad.body);
    let bad = app.post_form(&mut d, "/orgs/1/edit", &[("parent", "1")]).await;
    assert!(bad.body.contains("上级组织：不能是本组织"), "{}", bad.body);
}

#[tokio::test]
async fn the_service_api_files_a_request_and_counts_working_days() {
    use axum::body::Body;
    use axum::http::Request;
    let (app, _) = app_with_accounts().await;
    let s = &app.db.store;
    let sys = system();
    let dept = s
        .registry()
        .create_unit(
            &sys,
            enterprise(50, "松江区经济委员会", "方松"),
            qunlian_domain::registry::UnitKind::Government,
            false,
        )
        .await
        .unwrap();
    let item = s
        .services()
        .save_item(
            &sys,
            qunlian_store::services::NewServiceItem {
                code: "JW-01".into(),
                name: "工业项目全程代办".into(),
                department_id: dept.0,
                materials: vec!["营业执照".into()],
                limit: qunlian_domain::services::TimeLimit::WorkingDays(5),
                stages: vec!["拿地".into(), "施工许可".into()],
                is_demo: false,
            },
        )
        .await
        .unwrap();
    let contact = s.accounts().user_by_name("contact").await.unwrap().unwrap();
    let token = s.accounts().create_token(&sys, contact.id, "t").await.unwrap();
    let auth = format!("Bearer {token}");

    let days =
        app.get_with("/api/v1/calendar/working-days?from=2026-02-12&to=2026-02-24", &[("authorization", &auth)]).await;
    let days: serde_json::Value = serde_json::from_str(&days.body).unwrap();
    assert_eq!(days["working_days"], 3, "Fri 13, the make-up Saturday 14, Tue 24");
    assert_eq!(days["calendar_known"], true);
    let bad =
        app.get_with("/api/v1/calendar/working-days?from=2026-02-30&to=2026-03-01", &[("authorization", &auth)]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("from"));

    let post = |uscc: String| {
        Request::post("/api/v1/service-requests")
            .header("authorization", auth.clone())
            .header("content-type", "application/json")
            .body(Body::from(serde_json::json!({ "item_id": item, "uscc": uscc, "detail": "新建厂房" }).to_string()))
            .unwrap()
    };
    // The contact's own enterprise is 乙 (uscc 2); 甲 (uscc 1) is outside its scope.
    let res = app.send(&mut Session::default(), post(uscc(2).to_string())).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let json: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    assert_eq!(json["department"], "松江区经济委员会");
    assert_eq!(json["state"], "open");
    assert_eq!(json["colour"], "blue");
    assert_eq!(json["time_limit"], "5个工作日");
    assert_eq!(json["deadline"], "2026-11-30 10:00", "filed Monday 10:00, five working days of office hours");
    assert_eq!(json["stages"].as_array().unwrap().len(), 2);
    let outside = app.send(&mut Session::default(), post(uscc(1).to_string())).await;
    assert_eq!(outside.status, StatusCode::NOT_FOUND);

    let id = json["id"].as_i64().unwrap();
    let again = app.get_with(&format!("/api/v1/service-requests/{id}"), &[("authorization", &auth)]).await;
    assert_eq!(again.status, StatusCode::OK);
    let secretary = s.accounts().user_by_name("secretary").await.unwrap().unwrap();
    let other = s.accounts().create_token(&sys, secretary.id, "t2").await.unwrap();
    let hidden =
        app.get_with(&format!("/api/v1/service-requests/{id}"), &[("authorization", &format!("Bearer {other}"))]).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND, "乙 is not in the secretary's cluster");
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

/// A department with one catalogue item, its officer, and a request of 乙 (enterprise 2,
/// 九亭, the contact's and the branch's enterprise) and one of 甲 (enterprise 1, 新桥).
async fn services_fixture(app: &TestApp) -> (i64, i64, i64, i64) {
    let s = &app.db.store;
    let sys = system();
    let dept = s
        .registry()
        .create_unit(
            &sys,
            enterprise(60, "上海市松江区经济委员会", "方松"),
            qunlian_domain::registry::UnitKind::Government,
            false,
        )
        .await
        .unwrap();
    s.registry()
        .create_unit(
            &sys,
            enterprise(61, "上海市松江区规划和自然资源局", "方松"),
            qunlian_domain::registry::UnitKind::Government,
            false,
        )
        .await
        .unwrap();
    let item = s
        .services()
        .save_item(
            &sys,
            qunlian_store::services::NewServiceItem {
                code: "JW-01".into(),
                name: "工业项目全程代办".into(),
                department_id: dept.0,
                materials: vec!["营业执照".into(), "项目建议书".into()],
                limit: qunlian_domain::services::TimeLimit::WorkingDays(5),
                stages: vec!["拿地".into(), "施工许可".into(), "竣工验收".into()],
                is_demo: false,
            },
        )
        .await
        .unwrap();
    user(s, "jingwei", Role::ServiceOfficer, Scope::Department(dept)).await;
    let file = |unit: i64, title: &str| qunlian_store::services::NewServiceRequest {
        item_id: item,
        unit: qunlian_domain::auth::UnitId(unit),
        title: title.into(),
        detail: "内部说明：联系人手机 13800000000".into(),
        is_demo: false,
    };
    let of_b = s.services().file_request(&sys, file(2, "乙公司新建厂房")).await.unwrap();
    let of_a = s.services().file_request(&sys, file(1, "甲公司扩建")).await.unwrap();
    (dept.0, item, of_b, of_a)
}

#[tokio::test]
async fn service_pages_and_forms_as_every_role() {
    use qunlian_domain::auth::Action;
    let (app, accounts) = app_with_accounts().await;
    let (dept, item, of_b, _) = services_fixture(&app).await;
    let year = "# 来源：测试\n2027-01-01,holiday,元旦\n";
    for (name, role) in accounts {
        let mut s = app.login(name, PASSWORD).await;
        let reads = role.may(Action::ReadRegistry) || role.may(Action::HandleServiceRequest);
        let ok = |may: bool| if may { StatusCode::OK } else { StatusCode::FORBIDDEN };
        for path in [
            "/services",
            "/services?colour=blue&state=open",
            "/services?escalated=1",
            &format!("/services?department={dept}&item={item}&on_time=1"),
            "/services/catalogue",
            "/services/calendar",
            "/services/report",
            "/services/report.xlsx",
        ] {
            assert_eq!(app.get(&mut s, path).await.status, ok(reads), "{name} GET {path}");
        }
        let files = role.may(Action::FileServiceRequest);
        assert_eq!(app.get(&mut s, "/services/new").await.status, ok(files), "{name} GET /services/new");
        // 乙's request: in the district's, the branch's, the contact's and the leader's view.
        let sees_b =
            matches!(role, Role::DistrictAdmin | Role::BranchSecretary | Role::EnterpriseContact | Role::Leader);
        let page = app.get(&mut s, &format!("/services/{of_b}")).await;
        assert_eq!(page.status, expect(reads, sees_b, StatusCode::OK), "{name} GET request");
        let filed = app
            .post_form(&mut s, "/services", &[("item_id", &item.to_string()), ("unit_id", "2"), ("detail", "测试")])
            .await;
        assert_eq!(filed.status, expect(files, sees_b, StatusCode::SEE_OTHER), "{name} POST /services: {}", filed.body);
        let handles = role.may(Action::HandleServiceRequest);
        let step = app
            .post_form(&mut s, &format!("/services/{of_b}/step"), &[("action", "comment"), ("text", "已联系企业")])
            .await;
        // The district admin may handle anything in its area; the officer of another department sees nothing.
        assert_eq!(
            step.status,
            expect(handles, role == Role::DistrictAdmin, StatusCode::SEE_OTHER),
            "{name} POST step"
        );
        let manages = role.may(Action::ManageServices);
        let saved = app
            .post_form(
                &mut s,
                "/services/catalogue",
                &[
                    ("code", "JW-02"),
                    ("name", "技改备案"),
                    ("department_id", &dept.to_string()),
                    ("limit", "5个工作日"),
                ],
            )
            .await;
        assert_eq!(
            saved.status,
            if manages { StatusCode::SEE_OTHER } else { StatusCode::FORBIDDEN },
            "{name} save item"
        );
        let cal = app.post_file(&mut s, "/services/calendar", "cn-2027.csv", year.as_bytes()).await;
        assert_eq!(cal.status, ok(manages), "{name} upload calendar");
        let csv = "事项编码,事项名称,责任部门,所需材料,办结时限,办理环节\nGH-01,规划许可,规划资源,图纸,10个工作日,\n";
        let imp = app.post_file(&mut s, "/services/catalogue/import", "目录.csv", csv.as_bytes()).await;
        assert_eq!(imp.status, ok(manages), "{name} import catalogue");
    }
    // The district admin sees the colours and the escalation filter; the leader no such filter.
    let mut d = app.login("district", PASSWORD).await;
    let list = app.get(&mut d, "/services").await;
    assert!(list.body.contains("乙公司新建厂房") && list.body.contains("c-blue"), "{}", list.body);
    assert!(list.body.contains("超期督办"));
    let mut l = app.login("leader", PASSWORD).await;
    assert!(!app.get(&mut l, "/services").await.body.contains("name=\"escalated\""));
    // The department head has it too; its officers do not.
    let mut h = app.login("head", PASSWORD).await;
    assert!(app.get(&mut h, "/services").await.body.contains("name=\"escalated\""));
    let mut o = app.login("officer", PASSWORD).await;
    assert!(!app.get(&mut o, "/services").await.body.contains("name=\"escalated\""));
    let cat = app.get(&mut d, "/services/catalogue").await;
    assert!(cat.body.contains("GH-01") && cat.body.contains("技改备案"), "import and form saved");
    let cal = app.get(&mut d, "/services/calendar").await;
    assert!(cal.body.contains("2027"));
    let bad = app.post_file(&mut d, "/services/calendar", "bad.csv", b"2027-01-05,workday,x\n").await;
    assert!(bad.body.contains("第 1 行"), "{}", bad.body);
    let bad = app
        .post_file(
            &mut d,
            "/services/catalogue/import",
            "bad.csv",
            "事项编码,事项名称,责任部门,办结时限\nX-1,甲,外星局,2天\nX-2,乙,经委,尽快\n".as_bytes(),
        )
        .await;
    assert!(
        bad.body.contains("第 2 行：责任部门“外星局”") && bad.body.contains("第 3 行：办结时限“尽快”"),
        "{}",
        bad.body
    );
}

#[tokio::test]
async fn an_officer_handles_a_request_and_the_enterprise_rates_it_once_by_its_link() {
    let (app, _) = app_with_accounts().await;
    let (_, _, of_b, of_a) = services_fixture(&app).await;
    let mut jw = app.login("jingwei", PASSWORD).await;
    for (action, extra) in [
        ("assign", ("text", "张店小二")),
        ("start", ("stage", "拿地")),
        ("pause", ("text", "缺少项目建议书")),
        ("resume", ("text", "已补齐")),
        ("finish_stage", ("stage", "拿地")),
        ("finish", ("text", "已办结")),
    ] {
        let res = app.post_form(&mut jw, &format!("/services/{of_b}/step"), &[("action", action), extra]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{action}: {}", res.body);
    }
    // The link is a full address to send the enterprise: the host the officer reached.
    let host = |proto: Option<&str>| {
        let mut req = axum::http::Request::get(format!("/services/{of_b}")).header("host", "10.8.1.20:8080");
        if let Some(p) = proto {
            req = req.header("x-forwarded-proto", p);
        }
        req.body(axum::body::Body::empty()).unwrap()
    };
    let page = app.send(&mut jw, host(None)).await;
    assert!(page.body.contains("c-green") && page.body.contains("缺少项目建议书") && page.body.contains("张店小二"));
    let full = between(&page.body, "id=\"rating-link\" href=\"", "\"");
    let origin = "http://10.8.1.20:8080";
    assert!(full.starts_with(&format!("{origin}/rate/{of_b}/")), "{full}");
    let behind_proxy = app.send(&mut jw, host(Some("https"))).await;
    assert!(behind_proxy.body.contains(&format!("https://10.8.1.20:8080/rate/{of_b}/")), "{}", behind_proxy.body);
    let link = full.trim_start_matches(origin).to_owned();
    // Another officer's request is not open to the link of this one.
    let wrong = link.replace(&format!("/rate/{of_b}/"), &format!("/rate/{of_a}/"));
    let mut anon = Session::default();
    assert_eq!(app.get(&mut anon, &wrong).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&mut anon, &format!("/rate/{of_b}/00")).await.status, StatusCode::NOT_FOUND);
    // Without logging in: the title and the enterprise, nothing else.
    let form = app.get(&mut anon, &link).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("乙公司新建厂房") && form.body.contains("上海乙轴承有限公司"));
    assert!(!form.body.contains("13800000000") && !form.body.contains("张店小二") && !form.body.contains("经济委员会"));
    let rated = app.post_form(&mut anon, &link, &[("rating", "4"), ("comment", "办事很快")]).await;
    assert_eq!(rated.status, StatusCode::OK);
    assert!(rated.body.contains("感谢"), "{}", rated.body);
    let twice = app.post_form(&mut anon, &link, &[("rating", "1"), ("comment", "改主意了")]).await;
    assert!(twice.body.contains("已经评价过") && twice.body.contains("4 星"), "{}", twice.body);
    let again = app.get(&mut anon, &link).await;
    assert!(again.body.contains("已评价：4 星") && !again.body.contains("rate-form"));
    // The rating reaches the request and the report.
    let page = app.get(&mut jw, &format!("/services/{of_b}")).await;
    assert!(page.body.contains("4 星"));
    let report = app.get(&mut jw, "/services/report").await;
    assert!(report.body.contains("4.00") && report.body.contains("100.0%"), "{}", report.body);
    let xlsx = app.get(&mut jw, "/services/report.xlsx").await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.bytes.starts_with(b"PK"));
    // A request not finished cannot be rated.
    let link_a = format!("/rate/{of_a}/{}", app.db.store.services().rating_token(of_a));
    let open = app.get(&mut anon, &link_a).await;
    assert!(open.body.contains("尚未办结"));

    // A configured public address wins over the address of the page.
    let public = qunlian_web::Config {
        district: songjiang(),
        session_minutes: 30,
        secure_cookies: false,
        demo: false,
        public_url: Some("https://qunlian.songjiang.gov.cn".into()),
    };
    let mut app = app;
    app.router =
        qunlian_web::router(qunlian_web::AppState::new(app.db.store.clone(), public).with_index(app.index.clone()));
    let page = app.send(&mut jw, host(None)).await;
    assert!(page.body.contains(&format!("href=\"https://qunlian.songjiang.gov.cn{link}\"")), "{}", page.body);
}

/// Every policy page and form as every role: readers of the registry see the library, the
/// enterprise contact its own list (a policy's page sends it there), the district admin and
/// area roles push, the department's officer writes its own department's policies only.
#[tokio::test]
async fn policy_pages_and_forms_as_every_role() {
    use qunlian_domain::auth::Action;
    use qunlian_store::policies::{NewPolicy, PushTarget};
    let (app, accounts) = app_with_accounts().await;
    let s = &app.db.store;
    let sys = system();
    let dept = s
        .registry()
        .create_unit(
            &sys,
            enterprise(90, "上海市松江区经济委员会", "方松"),
            qunlian_domain::registry::UnitKind::Government,
            false,
        )
        .await
        .unwrap();
    let new = |title: &str| NewPolicy {
        title: title.into(),
        department_id: dept.0,
        doc_number: "松经委〔2026〕8号".into(),
        valid_from: d("2026-01-01"),
        valid_until: Some(d("2027-12-31")),
        content: "对符合条件的企业给予奖励。\n咨询电话：57771234".into(),
        rule: "从业人数>=1".into(),
        is_demo: false,
    };
    let policy = s.policies().save(&sys, None, new("稳增长奖励")).await.unwrap();
    let push = s.policies().push_policies(&sys, "测试政策包", &[policy], &PushTarget::Own, false).await.unwrap();
    let pid = policy.to_string();
    for (name, role) in accounts {
        let mut session = app.login(name, PASSWORD).await;
        let reads = role.may(Action::ReadRegistry);
        let contact = role == Role::EnterpriseContact;
        let reads_pushes = reads && !contact;
        let code = |ok: bool| if ok { StatusCode::OK } else { StatusCode::FORBIDDEN };
        for (path, expected) in [
            ("/policies".to_owned(), code(reads)),
            ("/policies?validity=all&q=稳增长".to_owned(), code(reads)),
            (format!("/policies/{policy}"), if contact { StatusCode::SEE_OTHER } else { code(reads) }),
            (format!("/policies/{policy}/enterprises"), code(reads_pushes)),
            ("/policies/new".to_owned(), code(role.may(Action::ManagePolicies))),
            (format!("/policies/push?policy={policy}"), code(role.may(Action::PushPolicies))),
            (format!("/policies/pushes/{push}"), code(reads_pushes)),
            (format!("/policies/pushes/{push}?read=0"), code(reads_pushes)),
            ("/my/policies".to_owned(), code(contact)),
            (format!("/my/policies/{policy}"), code(contact)),
        ] {
            let res = app.get(&mut session, &path).await;
            assert_eq!(res.status, expected, "{name} GET {path}: {}", res.body);
            if res.status == StatusCode::FORBIDDEN {
                assert!(res.body.contains("无权"), "{name} GET {path}");
            }
        }
        if reads_pushes {
            let page = app.get(&mut session, &format!("/policies/{policy}")).await;
            assert!(page.body.contains("id=\"matching\""), "{name}");
            assert!(page.body.contains("惠企政策"), "{name}: the sidebar offers the library");
        }

        // Preview and push.
        let may_push = role.may(Action::PushPolicies);
        let fields = [("policy", pid.as_str()), ("target", "own"), ("title", "")];
        let res = app.post_form(&mut session, "/policies/push/preview", &fields).await;
        assert_eq!(res.status, code(may_push), "{name} preview: {}", res.body);
        if may_push {
            assert!(res.body.contains("id=\"preview-enterprises\""), "{name}");
            assert!(res.body.contains("name=\"_csrf\""), "{name}: the confirm form carries the token");
        }
        let res = app.post_form(&mut session, "/policies/push", &fields).await;
        assert_eq!(res.status, if may_push { StatusCode::SEE_OTHER } else { StatusCode::FORBIDDEN }, "{name} push");
        if may_push {
            let to = res.location.unwrap();
            assert!(to.starts_with("/policies/pushes/"), "{name}: {to}");
            assert_eq!(app.get(&mut session, &to).await.status, StatusCode::OK, "{name} GET {to}");
        }

        // A new policy: the district admin creates it; the officer only for its department
        // (its account's department is not 经委 here); every other role is refused.
        let form = [
            ("title", "新政策"),
            ("department", &dept.0.to_string()),
            ("doc_number", ""),
            ("valid_from", "2026-01-01"),
            ("valid_until", ""),
            ("rule", "高新技术企业"),
            ("content", "内容"),
        ];
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, *v)).collect();
        let res = app.post_form(&mut session, "/policies", &form).await;
        let expected = match role {
            Role::DistrictAdmin => StatusCode::SEE_OTHER,
            Role::ServiceOfficer | Role::DepartmentHead => StatusCode::UNPROCESSABLE_ENTITY,
            _ => StatusCode::FORBIDDEN,
        };
        assert_eq!(res.status, expected, "{name} POST /policies: {}", res.body);
        let res = app.post_form(&mut session, &format!("/policies/{policy}"), &form).await;
        let expected = match role {
            Role::DistrictAdmin => StatusCode::SEE_OTHER,
            Role::ServiceOfficer | Role::DepartmentHead => StatusCode::FORBIDDEN,
            _ => StatusCode::FORBIDDEN,
        };
        assert_eq!(res.status, expected, "{name} POST /policies/{policy}: {}", res.body);
        // Put the rule back for the next role.
        if role == Role::DistrictAdmin {
            s.policies().save(&sys, Some(policy), new("稳增长奖励")).await.unwrap();
            let bad: Vec<(&str, &str)> =
                form.iter().map(|(k, v)| if *k == "rule" { (*k, "高新 且 独角兽") } else { (*k, *v) }).collect();
            let res = app.post_form(&mut session, "/policies", &bad).await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(res.body.contains("适用条件：") && res.body.contains("独角兽"), "{}", res.body);
        }
    }

    // The contact's opening was recorded: the push shows one enterprise read.
    let mut admin = app.login("district", PASSWORD).await;
    let page = app.get(&mut admin, &format!("/policies/pushes/{push}?read=1")).await;
    assert!(page.body.contains("上海乙轴承有限公司"), "{}", page.body);
}

/// Attachments of a service request: the enterprise attaches, the officer downloads, the
/// bytes come back whole; other roles and scopes are refused or see nothing, and every
/// upload and download is audited.
#[tokio::test]
async fn service_attachments_as_every_role() {
    use qunlian_domain::auth::Action;
    let (app, accounts) = app_with_accounts().await;
    let s = &app.db.store;
    let sys = system();
    let dept = s
        .registry()
        .create_unit(
            &sys,
            enterprise(60, "松江区市场监督管理局", "方松"),
            qunlian_domain::registry::UnitKind::Government,
            false,
        )
        .await
        .unwrap();
    let item = s
        .services()
        .save_item(
            &sys,
            qunlian_store::services::NewServiceItem {
                code: "SJ-01".into(),
                name: "企业变更登记".into(),
                department_id: dept.0,
                materials: vec!["变更申请书".into()],
                limit: qunlian_domain::services::TimeLimit::WorkingDays(3),
                stages: vec![],
                is_demo: false,
            },
        )
        .await
        .unwrap();
    let contact = s.accounts().user_by_name("contact").await.unwrap().unwrap().caller(None);
    let enterprise_b = match contact.scope {
        Scope::Enterprise(u) => u,
        _ => unreachable!(),
    };
    let req = s
        .services()
        .file_request(
            &contact,
            qunlian_store::services::NewServiceRequest {
                item_id: item,
                unit: enterprise_b,
                title: String::new(),
                detail: String::new(),
                is_demo: false,
            },
        )
        .await
        .unwrap();
    let pdf = b"%PDF-1.4 \xe8\x90\xa5\xe4\xb8\x9a\xe6\x89\xa7\xe7\x85\xa7 test".to_vec();
    for (name, role) in accounts {
        let mut sess = app.login(name, PASSWORD).await;
        let res = app.post_file(&mut sess, &format!("/services/{req}/attachments"), "营业执照.pdf", &pdf).await;
        let may = role.may(Action::FileServiceRequest) || role.may(Action::HandleServiceRequest);
        // 乙 is the contact's enterprise, in 九亭, with its own branch: the district admin,
        // the branch secretary, the contact and the leader (read only) see the request; a
        // department officer sees only what is routed to it.
        let sees = matches!(name, "district" | "branch" | "contact" | "leader");
        let expected = match (may, sees) {
            (false, _) => StatusCode::FORBIDDEN,
            (true, true) => StatusCode::SEE_OTHER,
            (true, false) => StatusCode::NOT_FOUND,
        };
        assert_eq!(res.status, expected, "{name} uploads: {}", res.body);
    }
    let mut c = app.login("contact", PASSWORD).await;
    let page = app.get(&mut c, &format!("/services/{req}")).await;
    assert_eq!(
        page.body.matches("营业执照.pdf").count(),
        3,
        "one file each from the district admin, the branch and the contact"
    );
    let list = s.services().attachments(&contact, req).await.unwrap();
    let got = app.get(&mut c, &format!("/services/{req}/attachments/{}", list[0].id)).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.bytes, pdf, "the file comes back byte for byte");
    assert_eq!(got.content_type.as_deref(), Some("application/pdf"));
    let mut town = app.login("town", PASSWORD).await;
    let hidden = app.get(&mut town, &format!("/services/{req}/attachments/{}", list[0].id)).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND, "新桥 does not reach 乙 in 九亭");
    let empty = app.post_file(&mut c, &format!("/services/{req}/attachments"), "空.pdf", b"").await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("附件"));
    let auditor = s.accounts().user_by_name("auditor").await.unwrap().unwrap().caller(None);
    let log = s
        .audit()
        .search(
            &auditor,
            &qunlian_store::audit::AuditFilter::default(),
            qunlian_store::PageRequest::new(Some(1), Some(500)),
        )
        .await
        .unwrap();
    let actions: Vec<&str> = log.items.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions.iter().filter(|a| **a == "service.attachment.add").count(), 3);
    assert_eq!(actions.iter().filter(|a| **a == "service.attachment.read").count(), 1);
}

/// A request past its deadline is announced on the workbench of those who handle requests,
/// with the number of its list; read-only roles are not asked to act.
#[tokio::test]
async fn overdue_requests_are_announced_to_who_handles_them() {
    let (app, _) = app_with_accounts().await;
    let s = &app.db.store;
    let sys = system();
    let dept = s
        .registry()
        .create_unit(
            &sys,
            enterprise(70, "松江区人力资源和社会保障局", "方松"),
            qunlian_domain::registry::UnitKind::Government,
            false,
        )
        .await
        .unwrap();
    let item = s
        .services()
        .save_item(
            &sys,
            qunlian_store::services::NewServiceItem {
                code: "RS-01".into(),
                name: "劳动用工备案".into(),
                department_id: dept.0,
                materials: vec![],
                limit: qunlian_domain::services::TimeLimit::WorkingDays(1),
                stages: vec![],
                is_demo: false,
            },
        )
        .await
        .unwrap();
    let contact = s.accounts().user_by_name("contact").await.unwrap().unwrap().caller(None);
    let Scope::Enterprise(b) = contact.scope else { unreachable!() };
    s.services()
        .file_request(
            &contact,
            qunlian_store::services::NewServiceRequest {
                item_id: item,
                unit: b,
                title: "新招用工备案".into(),
                detail: String::new(),
                is_demo: false,
            },
        )
        .await
        .unwrap();
    let mut d = app.login("district", PASSWORD).await;
    let home = app.get(&mut d, "/").await;
    assert!(!home.body.contains("overdue-requests"), "nothing overdue on the day it is filed");
    app.db.clock.advance(chrono::Duration::days(5));
    let home = app.get(&mut d, "/").await;
    assert!(home.body.contains("id=\"overdue-requests\""), "{}", home.body);
    assert!(home.body.contains("1 件企业服务工单已超期"));
    let list = app.get(&mut d, "/services?colour=red").await;
    assert_eq!(list.body.matches("新招用工备案").count(), 1, "the list behind the notice has that one request");
    for name in ["leader", "officer", "contact", "head"] {
        let mut sess = app.login(name, PASSWORD).await;
        let home = app.get(&mut sess, "/").await;
        assert!(!home.body.contains("overdue-requests"), "{name} is not told to act on another's request");
    }
    // The head of the department holding it is: escalated to, and sent to its 超期督办 list.
    user(s, "rshead", Role::DepartmentHead, Scope::Department(dept)).await;
    let mut h = app.login("rshead", PASSWORD).await;
    let home = app.get(&mut h, "/").await;
    assert!(home.body.contains("1 件企业服务工单已超期") && home.body.contains("已提请您督办"), "{}", home.body);
    let link = between(&home.body, "id=\"overdue-requests\"><strong>超期督办：</strong>有 <a href=\"", "\"");
    assert_eq!(link.replace("&amp;", "&"), "/services?escalated=1&colour=red");
    let list = app.get(&mut h, "/services?escalated=1&colour=red").await;
    assert_eq!(list.body.matches("新招用工备案").count(), 1, "{}", list.body);
    assert!(list.body.contains("name=\"escalated\" value=\"1\" checked"), "the filter shows it is on");
}

mod matching;

/// Issue #10: the enterprise form and the register import share one parser — "1,200人",
/// √, 小巨人, an industry and a town by name are read the same by both.
#[tokio::test]
async fn the_enterprise_form_accepts_what_the_import_accepts() {
    let (app, _) = app_with_accounts().await;
    let mut d = app.login("district", PASSWORD).await;
    let values = [
        ("name", "上海丙精密机械有限公司"),
        ("town", "新桥镇"),
        ("industry", "专项化学用品制造"),
        ("employees", "1,200人"),
        ("high_tech", "√"),
        ("above_scale", "是"),
        ("srdi", "小巨人"),
        ("founded_on", "2019年3月5日"),
    ];
    let code = uscc(500).to_string();
    let mut form: Vec<(&str, &str)> = values.to_vec();
    form.push(("uscc", &code));
    let res = app.post_form(&mut d, "/enterprises/new", &form).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let saved = app.db.store.registry().enterprise_by_uscc(&system(), &code).await.unwrap();
    assert_eq!(saved.employees, Some(1200));
    assert!(saved.high_tech && saved.above_scale);
    assert_eq!(saved.srdi, qunlian_domain::registry::SrdiLevel::National);
    assert_eq!(saved.industry_code.as_deref(), Some("2662"));
    // The same row through the import reads the same.
    let header: Vec<&str> = [
        "企业名称",
        "所属街镇",
        "行业代码",
        "从业人数",
        "是否高新技术企业",
        "是否规上企业",
        "专精特新",
        "成立日期",
        "统一社会信用代码",
    ]
    .to_vec();
    let row: Vec<&str> = values.iter().map(|(_, v)| *v).chain([code.as_str()]).collect();
    let csv =
        format!("{}\n{}\n", header.join(","), row.iter().map(|v| format!("\"{v}\"")).collect::<Vec<_>>().join(","));
    let reader = qunlian_io::enterprises::EnterpriseReader::from_bytes("x.csv", csv.into_bytes(), songjiang()).unwrap();
    let rows: Vec<_> = reader.collect();
    let input = &rows[0].as_ref().unwrap().input;
    assert_eq!((input.employees, input.high_tech, input.srdi), (Some(1200), true, saved.srdi));
    // And both refuse the same value with the same words.
    let bad: Vec<(&str, &str)> = vec![("name", "x"), ("uscc", &code), ("town", "新桥镇"), ("high_tech", "也许")];
    let res = app.post_form(&mut d, "/enterprises/new", &bad).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("是否高新技术企业：“也许”无法识别，可填：是"), "{}", res.body);
}
