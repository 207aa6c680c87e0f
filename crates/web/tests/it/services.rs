//! Service requests: the API, pages and forms as every role, handling and rating, attachments, overdue notices.

use axum::http::StatusCode;
use qunlian_domain::auth::{Role, Scope};
use qunlian_testkit::*;

use crate::{between, expect};

#[tokio::test]
async fn the_service_api_files_a_request_and_counts_working_days() {
    use axum::body::Body;
    use axum::http::Request;
    let (app, _) = app_with_accounts().await;
    let s = &app.db.store;
    let dept = department(s, 50, "松江区经济委员会").await;
    let item = agency_item(s, dept, &["营业执照"], &["拿地", "施工许可"]).await;
    let auth = bearer(s, "contact").await;

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
    let other = bearer(s, "secretary").await;
    let hidden = app.get_with(&format!("/api/v1/service-requests/{id}"), &[("authorization", &other)]).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND, "乙 is not in the secretary's cluster");
}

/// The department's full-process agency item (工业项目全程代办, JW-01) with the materials
/// it asks for and the stages it is handled in: its id.
pub(crate) async fn agency_item(
    s: &qunlian_store::Store,
    dept: qunlian_domain::auth::UnitId,
    materials: &[&str],
    stages: &[&str],
) -> i64 {
    let texts = |v: &[&str]| v.iter().map(|t| t.to_string()).collect();
    let item = service_item(dept.0, "JW-01", "工业项目全程代办");
    let item = qunlian_store::services::NewServiceItem { materials: texts(materials), stages: texts(stages), ..item };
    catalogue_item(s, item).await
}

/// A department with one catalogue item, its officer, and a request of 乙 (enterprise 2,
/// 九亭, the contact's and the branch's enterprise) and one of 甲 (enterprise 1, 新桥).
pub(crate) async fn services_fixture(app: &TestApp) -> (i64, i64, i64, i64) {
    let s = &app.db.store;
    let sys = system();
    let dept = department(s, 60, "上海市松江区经济委员会").await;
    department(s, 61, "上海市松江区规划和自然资源局").await;
    let item = agency_item(s, dept, &["营业执照", "项目建议书"], &["拿地", "施工许可", "竣工验收"]).await;
    user(s, "jingwei", Role::ServiceOfficer, Scope::Department(dept)).await;
    let file = |unit: i64, title: &str| qunlian_store::services::NewServiceRequest {
        title: title.into(),
        detail: "内部说明：联系人手机 13800000000".into(),
        ..service_request(item, qunlian_domain::auth::UnitId(unit))
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
    // A refused step is the request's page again, the reason and what was typed by that
    // step's form (it was the bare error page, a long note lost for one character too many).
    let long = "补".repeat(5001);
    let res = app
        .post_form(&mut jw, &format!("/services/{of_b}/step"), &[("action", "comment"), ("text", long.as_str())])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let form = between(&res.body, "id=\"comment-form\"", "</form>");
    assert!(form.contains("role=\"alert\"") && form.contains("备注：不能超过"), "{form}");
    assert!(form.contains(&long), "the typed note is kept");
    assert!(!between(&res.body, "id=\"finish-form\"", "</form>").contains("alert"), "only the step's own form");
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
    // A step on a finished request: no form to show it by, so it stands above the page.
    let res = app.post_form(&mut jw, &format!("/services/{of_b}/step"), &[("action", "bogus"), ("text", "x")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("id=\"form-error\""), "{}", res.body);
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
    assert!(!page.body.contains("rating-link"), "the officer being rated is not given the link (#11)");
    // The enterprise's contact is.
    let mut contact = app.login("contact", PASSWORD).await;
    let page = app.send(&mut contact, host(None)).await;
    let full = between(&page.body, "id=\"rating-link\" href=\"", "\"");
    let origin = "http://10.8.1.20:8080";
    assert!(full.starts_with(&format!("{origin}/rate/{of_b}/")), "{full}");
    let behind_proxy = app.send(&mut contact, host(Some("https"))).await;
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
        trusted_proxies: Vec::new(),
    };
    let mut app = app;
    app.router =
        qunlian_web::router(qunlian_web::AppState::new(app.db.store.clone(), public).with_index(app.index.clone()));
    let page = app.send(&mut contact, host(None)).await;
    assert!(page.body.contains(&format!("href=\"https://qunlian.songjiang.gov.cn{link}\"")), "{}", page.body);
}

/// Attachments of a service request: the enterprise attaches, the officer downloads, the
/// bytes come back whole; other roles and scopes are refused or see nothing, and every
/// upload and download is audited.
#[tokio::test]
async fn service_attachments_as_every_role() {
    use qunlian_domain::auth::Action;
    let (app, accounts) = app_with_accounts().await;
    let s = &app.db.store;
    let dept = department(s, 60, "松江区市场监督管理局").await;
    let item = catalogue_item(
        s,
        qunlian_store::services::NewServiceItem {
            materials: vec!["变更申请书".into()],
            limit: qunlian_domain::services::TimeLimit::WorkingDays(3),
            ..service_item(dept.0, "SJ-01", "企业变更登记")
        },
    )
    .await;
    let contact = s.accounts().user_by_name("contact").await.unwrap().unwrap().caller(None);
    let enterprise_b = match contact.scope {
        Scope::Enterprise(u) => u,
        _ => unreachable!(),
    };
    let req = s.services().file_request(&contact, service_request(item, enterprise_b)).await.unwrap();
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
    let dept = department(s, 70, "松江区人力资源和社会保障局").await;
    let item = catalogue_item(
        s,
        qunlian_store::services::NewServiceItem {
            limit: qunlian_domain::services::TimeLimit::WorkingDays(1),
            ..service_item(dept.0, "RS-01", "劳动用工备案")
        },
    )
    .await;
    let contact = s.accounts().user_by_name("contact").await.unwrap().unwrap().caller(None);
    let Scope::Enterprise(b) = contact.scope else { unreachable!() };
    s.services()
        .file_request(
            &contact,
            qunlian_store::services::NewServiceRequest {
                title: "新招用工备案".into(), ..service_request(item, b)
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

/// A refused catalogue item comes back as the catalogue with the reason by the item form and
/// what was typed kept (it answered the bare error page), and a refused 办结时限 is repeated
/// at most 30 characters long in the reason (20,001 汉 came back whole).
#[tokio::test]
async fn a_refused_catalogue_item_is_the_form_again_with_what_was_typed() {
    let (app, _) = app_with_accounts().await;
    let mut district = app.login("district", PASSWORD).await;
    let long = "汉".repeat(20_001);
    let cases = [("department_id", "abc", "责任部门：“abc”不是编号"), ("limit", long.as_str(), "办结时限：“")];
    for (field, value, why) in cases {
        let mut fields = vec![
            ("code", "JW-09"),
            ("name", "用地咨询"),
            ("department_id", "1"),
            ("materials", "营业执照、用地申请"),
            ("limit", "5个工作日"),
        ];
        fields.retain(|(k, _)| *k != field);
        fields.push((field, value));
        let r = app.post_form(&mut district, "/services/catalogue", &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {:.300}", r.body);
        let at = r.body.find(why).unwrap_or_else(|| panic!("{field}: no {why} in {:.300}", r.body));
        let reason = &r.body[at..at + r.body[at..].find("</p>").unwrap()];
        assert!(!reason.contains(&"汉".repeat(31)), "{field}: the reason repeats 30 characters at most");
        assert!(r.body.contains("value=\"用地咨询\"") && r.body.contains("id=\"item-form\""), "{field}");
        assert!(r.body.contains("营业执照、用地申请</textarea>"), "{field}: the materials typed are kept");
    }
}
