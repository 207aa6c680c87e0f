//! Working bodies through the pages (issue #14): the town grants its cluster a power and the
//! cluster's secretary logs a use; an alliance's issue is raised, answered by its owner
//! department, and the figures move; a meeting with attendance and a decision; a refused
//! form comes back (422) with what was typed and the field named.

use axum::http::StatusCode;
use qunlian_domain::auth::{Role, Scope, UnitId};
use qunlian_testkit::*;

/// Posts a form that must be refused (422, the form shown again); the page, to read.
async fn refused(app: &TestApp, session: &mut Session, path: &str, fields: &[(&str, &str)]) -> String {
    let r = app.post_form(session, path, fields).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    r.body
}

/// Posts a form that must be saved (a redirect).
async fn saved(app: &TestApp, session: &mut Session, path: &str, fields: &[(&str, &str)]) {
    let r = app.post_form(session, path, fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

/// 同心园党建联盟 of the fixture's enterprise 1 and the district's 人社局 (a department):
/// (alliance, enterprise, department).
async fn alliance_with_hr(app: &TestApp) -> (i64, i64, UnitId) {
    let s = &app.db.store;
    let (_, a) = cluster_and_member(app).await;
    let hr = department(s, 900, "上海市松江区人力资源和社会保障局").await;
    let alliance =
        s.registry().create_alliance(&system(), "同心园党建联盟", "", None, &[UnitId(a), hr], false).await.unwrap();
    (alliance, a, hr)
}

/// The fixture's cluster (测试集群党委, 新桥) and its enterprise 1 (上海甲电气有限公司).
async fn cluster_and_member(app: &TestApp) -> (i64, i64) {
    let s = &app.db.store;
    let c = s.bodies().clusters(&system()).await.unwrap()[0].id;
    let a = s.registry().enterprise_by_uscc(&system(), uscc(1).as_str()).await.unwrap().id.0;
    (c, a)
}

#[tokio::test]
async fn the_town_grants_a_power_and_the_secretary_logs_its_use() {
    let (app, _) = app_with_accounts().await;
    let (c, _) = cluster_and_member(&app).await;
    let scope = app.db.store.bodies().scopes(&system()).await.unwrap()[0].id.to_string();
    let page = format!("/bodies/clusters/{c}");

    let mut town = app.login("town", PASSWORD).await;
    let shown = app.get(&mut town, &page).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.body.contains("id=\"grant-form\"") && !shown.body.contains("id=\"use-form\""));
    let mut fields = vec![
        ("scope", scope.as_str()),
        ("content", "对集群内人才评选出具推荐意见"),
        ("granted_by", "新桥镇党委"),
        ("granted_on", "2019-06-01"),
    ];
    let unnumbered = refused(&app, &mut town, &format!("{page}/powers"), &fields).await;
    assert!(unnumbered.contains("文件文号：不能为空"), "{unnumbered}");
    assert!(unnumbered.contains("对集群内人才评选出具推荐意见") && unnumbered.contains("value=\"新桥镇党委\""));
    fields.push(("document_no", "新委〔2019〕8号"));
    saved(&app, &mut town, &format!("{page}/powers"), &fields).await;

    let mut secretary = app.login("secretary", PASSWORD).await;
    assert_eq!(app.post_form(&mut secretary, &format!("{page}/powers"), &fields).await.status, StatusCode::FORBIDDEN);
    let form = app.get(&mut secretary, &page).await;
    assert!(form.body.contains("id=\"use-form\"") && form.body.contains("新委〔2019〕8号"));
    let power = app.db.store.bodies().powers(&system(), c).await.unwrap().powers[0].id.to_string();
    let mut used = vec![
        ("power", power.as_str()),
        ("used_on", "2019-05-01"),
        ("matter", "人才评选中出具集群党委意见"),
        ("concerned", "上海甲电气有限公司"),
        ("outcome", "推荐2人，均入选"),
    ];
    let early = refused(&app, &mut secretary, &format!("{page}/uses"), &used).await;
    assert!(early.contains("行使日期：不能早于赋权日期（2019-06-01）"), "{early}");
    assert!(early.contains("value=\"人才评选中出具集群党委意见\""));
    used[1].1 = "2026-03-02";
    saved(&app, &mut secretary, &format!("{page}/uses"), &used).await;
    assert_eq!(app.post_form(&mut town, &format!("{page}/uses"), &used).await.status, StatusCode::FORBIDDEN);

    // The cluster's page shows its list; a contact outside the cluster sees neither.
    let registry = app.get(&mut town, &format!("/clusters/{c}")).await;
    assert!(
        registry.body.contains("id=\"cluster-powers\"") && registry.body.contains("行使 1 次"),
        "{}",
        registry.body
    );
    assert!(app.get(&mut town, &page).await.body.contains("推荐2人，均入选"));
    let mut contact = app.login("contact", PASSWORD).await;
    assert_eq!(app.get(&mut contact, &page).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_alliance_issue_is_raised_and_resolved_and_the_figures_move() {
    let (app, _) = app_with_accounts().await;
    let s = &app.db.store;
    let (alliance, a, hr) = alliance_with_hr(&app).await;
    user(s, "hr", Role::ServiceOfficer, Scope::Department(hr)).await;
    let page = format!("/bodies/alliances/{alliance}");
    let (a_s, hr_s) = (a.to_string(), hr.0.to_string());

    let mut town = app.login("town", PASSWORD).await;
    let before = app.get(&mut town, &page).await;
    assert_eq!(before.status, StatusCode::OK);
    assert!(before.body.contains("id=\"issue-form\""));
    let mut issue = vec![
        ("detail", "三名员工子女秋季入学"),
        ("raised_by", a_s.as_str()),
        ("raised_on", "2026-11-16"),
        ("owner", hr_s.as_str()),
    ];
    let untitled = refused(&app, &mut town, &format!("{page}/issues"), &issue).await;
    assert!(untitled.contains("问题：不能为空") && untitled.contains("三名员工子女秋季入学"), "{untitled}");
    issue.push(("title", "员工子女入学"));
    saved(&app, &mut town, &format!("{page}/issues"), &issue).await;
    let open = app.get(&mut town, &page).await.body;
    assert!(open.contains(&format!("state=open&amp;owner={hr_s}\">1</a>")), "{open}");
    let id = s.bodies().issues(&system(), alliance, &Default::default()).await.unwrap()[0].id;

    // The owner department answers: refused without an answer, the typed date kept.
    let mut hr_officer = app.login("hr", PASSWORD).await;
    let step = format!("{page}/issues/{id}");
    let blank = refused(&app, &mut hr_officer, &step, &[("action", "resolve"), ("on", "2026-11-20")]).await;
    assert!(blank.contains("答复：不能为空") && blank.contains("value=\"2026-11-20\""), "{blank}");
    let mut officer = app.login("officer", PASSWORD).await;
    let other = app.post_form(&mut officer, &step, &[("action", "resolve"), ("answer", "x")]).await;
    assert_eq!(other.status, StatusCode::FORBIDDEN, "another department");
    saved(&app, &mut hr_officer, &step, &[("action", "resolve"), ("answer", "已协调就近入学"), ("on", "2026-11-20")])
        .await;
    let after = app.get(&mut town, &page).await.body;
    assert!(
        after.contains("id=\"median-days\" href=\"/bodies/alliances/")
            && after.contains("<span class=\"num\">4</span><span class=\"label\">解决用时中位数（天）"),
        "{after}"
    );
    assert!(!after.contains("id=\"open-by-owner\""));
    let list = app.get(&mut town, &format!("{page}/issues?state=resolved")).await.body;
    assert!(list.contains("共 1 个问题") && list.contains("已协调就近入学"), "{list}");
    let again = refused(&app, &mut town, &step, &[("action", "resolve"), ("answer", "x")]).await;
    assert!(again.contains("问题状态为“已解决”，不能办结"), "{again}");
}

#[tokio::test]
async fn a_meeting_records_who_came_and_its_decision_is_followed_up() {
    let (app, _) = app_with_accounts().await;
    let s = &app.db.store;
    let (alliance, a, hr) = alliance_with_hr(&app).await;
    let item = catalogue_item(s, service_item(hr.0, "RS-01", "人才引进落户")).await.to_string();
    let page = format!("/bodies/alliances/{alliance}");
    let a_s = a.to_string();
    let mut secretary = app.login("secretary", PASSWORD).await;

    saved(&app, &mut secretary, &format!("{page}/services"), &[("item", item.as_str())]).await;
    let twice = refused(&app, &mut secretary, &format!("{page}/services"), &[("item", item.as_str())]).await;
    assert!(twice.contains("已在本联盟的服务清单中"));

    let mut meeting = vec![("kind", "joint"), ("held_on", "2026-10-09"), ("subject", "企业用工对接")];
    let nobody = refused(&app, &mut secretary, &format!("{page}/meetings"), &meeting).await;
    assert!(nobody.contains("参会成员：至少勾选一个成员单位") && nobody.contains("value=\"企业用工对接\""));
    meeting.push(("attendees", a_s.as_str()));
    saved(&app, &mut secretary, &format!("{page}/meetings"), &meeting).await;
    let work = s.bodies().alliance_work(&system(), alliance).await.unwrap();
    let m = work.meetings[0].id;
    saved(
        &app,
        &mut secretary,
        &format!("{page}/meetings/{m}/decisions"),
        &[("content", "梳理用工需求"), ("owner", a_s.as_str()), ("due_on", "2026-11-01")],
    )
    .await;
    let shown = app.get(&mut secretary, &page).await.body;
    assert!(shown.contains("联席会议：企业用工对接") && shown.contains("参会：上海甲电气有限公司"), "{shown}");
    assert!(shown.contains("class=\"overdue\"") && shown.contains("人才引进落户"));
    let d = s.bodies().alliance_work(&system(), alliance).await.unwrap().meetings[0].decisions[0].id;
    saved(&app, &mut secretary, &format!("{page}/decisions/{d}/done"), &[("on", "2026-11-20"), ("note", "已形成清单")])
        .await;
    assert!(app.get(&mut secretary, &page).await.body.contains("2026-11-20 已落实：已形成清单"));
    // A service officer reads the alliance but keeps none of its records.
    let mut contact = app.login("officer", PASSWORD).await;
    assert_eq!(app.post_form(&mut contact, &format!("{page}/meetings"), &meeting).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_api_lists_an_alliances_issues_with_the_figures() {
    let (app, _) = app_with_accounts().await;
    let s = &app.db.store;
    let (alliance, a, hr) = alliance_with_hr(&app).await;
    let raw = |title: &str, owner: &str| qunlian_domain::bodies::RawIssue {
        title: title.into(),
        raised_by: a.to_string(),
        raised_on: "2026-11-02".into(),
        owner: owner.into(),
        ..Default::default()
    };
    for (title, owner) in [("员工子女入学", hr.0.to_string()), ("消防验收", String::new())] {
        let f = qunlian_domain::bodies::IssueFields::parse(&raw(title, &owner)).unwrap();
        s.bodies().raise_issue(&system(), alliance, f, false).await.unwrap();
    }
    let auth = bearer(s, "town").await;
    let r = app
        .get_with(&format!("/api/v1/alliances/{alliance}/issues?state=open&owner=none"), &[("authorization", &auth)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let json: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(json["items"].as_array().unwrap().len(), 1);
    assert_eq!(json["items"][0]["title"], "消防验收");
    assert_eq!(json["figures"]["open"], 2);
    assert_eq!(json["figures"]["open_by_owner"][0]["owner_id"], hr.0);
    let bad =
        app.get_with(&format!("/api/v1/alliances/{alliance}/issues?state=shut"), &[("authorization", &auth)]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("参数 state"), "{}", bad.body);
    // 九亭's enterprise contact sees no member of it.
    let contact = bearer(s, "contact").await;
    let hidden = app.get_with(&format!("/api/v1/alliances/{alliance}/issues"), &[("authorization", &contact)]).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
}
