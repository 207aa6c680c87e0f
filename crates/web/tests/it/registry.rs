//! Registry pages and forms: the unit list, import, phones, clusters, alliances and pairings, other kinds of unit, organisations.

use axum::http::StatusCode;
use qunlian_domain::auth::Role;
use qunlian_testkit::*;

use crate::{between, expect};

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

/// Follows an import's redirect to its job page and polls it (as the page's htmx does)
/// until the job has stopped running; returns the last page.
async fn settled(app: &TestApp, s: &mut Session, started: &Response) -> Response {
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let job = started.location.clone().unwrap();
    assert!(job.starts_with("/import/jobs/"), "{job}");
    for _ in 0..2000 {
        let page = app.get(s, &job).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        if !page.body.contains("data-state=\"reading\"") && !page.body.contains("data-state=\"applying\"") {
            return page;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the import job {job} did not finish");
}

async fn confirm(app: &TestApp, s: &mut Session, preview: &Response) -> Response {
    let action = format!("/import/jobs/{}", between(&preview.body, "action=\"/import/jobs/", "\""));
    assert!(action.ends_with("/confirm"), "{action}");
    let started = app.post_form(s, &action, &[]).await;
    settled(app, s, &started).await
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
    let started = app.post_file(&mut s, "/import/preview", "名录.csv", csv.as_bytes()).await;
    let preview = settled(&app, &mut s, &started).await;
    assert!(preview.body.contains("可导入 2 行，有问题 2 行"), "{}", preview.body);
    assert!(
        preview.body.contains("<td class=\"num\">5</td>") && preview.body.contains("<td class=\"num\">6</td>"),
        "reject lines 5 and 6: {}",
        preview.body
    );
    // Nothing is written before confirmation.
    assert!(app.db.store.registry().enterprise_by_uscc(&system(), good1.as_str()).await.is_err());
    let done = confirm(&app, &mut s, &preview).await;
    assert!(done.body.contains("新增 2，更新 0，未变 0，拒绝 2"), "{}", done.body);
    let e = app.db.store.registry().enterprise_by_uscc(&system(), good2.as_str()).await.unwrap();
    assert_eq!(e.employees, Some(80));
    assert_eq!(e.town_name, "九亭镇");
    let rejects_link = between(&done.body, "id=\"rejects-xlsx\" class=\"button\" href=\"", "\"");
    let rejects = app.get(&mut s, &rejects_link).await;
    assert!(rejects.content_type.unwrap().contains("spreadsheetml"));
    // Another user may not see, confirm or download this job.
    let mut other = app.login("town", PASSWORD).await;
    assert_eq!(app.get(&mut other, &rejects_link).await.status, StatusCode::NOT_FOUND);
    // The same file again changes nothing.
    let started = app.post_file(&mut s, "/import/preview", "名录.csv", csv.as_bytes()).await;
    let preview = settled(&app, &mut s, &started).await;
    let again = confirm(&app, &mut s, &preview).await;
    assert!(again.body.contains("新增 0，更新 0，未变 2，拒绝 2"), "{}", again.body);
}

/// Issue #11 point 6: a 3 MB register failed with "上传失败：Error parsing
/// `multipart/form-data` request" (axum's default 2 MB body limit). Failed before the fix.
#[tokio::test]
async fn a_register_over_the_old_two_megabyte_limit_imports_from_the_page() {
    let (app, _) = app_with_accounts().await;
    let mut s = app.login("district", PASSWORD).await;
    let mut csv = Vec::new();
    qunlian_io::synth::gen_enterprises(18_000, 7, songjiang(), &mut csv).unwrap();
    assert!(csv.len() > 3_000_000, "{} bytes", csv.len());
    let started = app.post_file(&mut s, "/import/preview", "大名录.csv", &csv).await;
    let preview = settled(&app, &mut s, &started).await;
    assert!(preview.body.contains("可导入 18000 行，有问题 0 行"), "{}", preview.body);
    let done = confirm(&app, &mut s, &preview).await;
    assert!(done.body.contains("新增 18000，更新 0，未变 0，拒绝 0"), "{}", done.body);
}

/// Each upload route has its own limit, named in Chinese when exceeded (attachments 10 MB;
/// the import's 200 MB works the same way and is too large to send in a test).
#[tokio::test]
async fn an_upload_over_its_limit_is_refused_naming_the_limit() {
    let (app, _) = app_with_accounts().await;
    let mut s = app.login("district", PASSWORD).await;
    let too_big = vec![b'x'; 10 * 1024 * 1024 + 1];
    let res = app.post_file(&mut s, "/services/1/attachments", "大附件.pdf", &too_big).await;
    assert!(
        res.body.contains("上传失败：文件超过 10 MB 的上限"),
        "{} {}",
        res.status,
        &res.body[..res.body.len().min(300)]
    );
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

/// A refused edit, rename, dissolution, merger or new park comes back as its page with the
/// reason by the form and the other fields as typed (each answered the bare error page, or
/// the reason above the page with the typing lost).
#[tokio::test]
async fn a_refused_org_form_or_park_is_its_page_again_with_what_was_typed() {
    let (app, _) = app_with_accounts().await;
    let store = &app.db.store;
    let org = store.registry().org_tree(&system(), None, false).await.unwrap()[0].id.0;
    let unit =
        store.registry().create_enterprise(&system(), enterprise(7, "上海丙新材料有限公司", "新桥")).await.unwrap();
    let other = store
        .registry()
        .create_org(&system(), qunlian_testkit::org("上海丙新材料有限公司党支部", vec![unit]))
        .await
        .unwrap()
        .0;
    let mut district = app.login("district", PASSWORD).await;
    let (other_id, other_chosen) = (other.to_string(), format!("<option value=\"{other}\" selected>"));
    let cases = [
        (
            "edit",
            vec![("secretary_name", "王新书记"), ("members_count", "十二")],
            "党员数：“十二”不是整数".to_owned(),
            "value=\"王新书记\"".to_owned(),
        ),
        (
            "rename",
            vec![("name", "乙公司新党支部"), ("on", "2026/13/45")],
            "更名日期：“2026/13/45”不是有效日期".to_owned(),
            "value=\"乙公司新党支部\"".to_owned(),
        ),
        (
            "dissolve",
            vec![("reason", "企业迁出"), ("on", "2026-02-30")],
            "撤销日期：“2026-02-30”不是有效日期".to_owned(),
            "value=\"企业迁出\"".to_owned(),
        ),
        (
            "merge",
            vec![("into", other_id.as_str()), ("on", "2026-02-30")],
            "并入日期：“2026-02-30”不是有效日期".to_owned(),
            other_chosen,
        ),
    ];
    for (action, fields, why, kept) in cases {
        let r = app.post_form(&mut district, &format!("/orgs/{org}/{action}"), &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{action}: {}", r.body);
        // The reason stands by its own form: between the form before it and its action.
        let form = r.body.find(&format!("<form method=\"post\" action=\"/orgs/{org}/{action}\"")).expect("its form");
        let reason = r.body.find(&why).unwrap_or_else(|| panic!("{action}: the reason is shown: {}", r.body));
        assert!(reason < form && !r.body[reason..form].contains("<form"), "{action}: the reason by its form");
        assert!(r.body[form..].contains(&kept), "{action}: what was typed is kept: {}", r.body);
    }
    let d = store.registry().party_org(&system(), qunlian_domain::auth::OrgId(org)).await.unwrap();
    assert!(d.org.dissolved_on.is_none() && d.org.name == "乙公司党支部", "nothing was saved");

    let r = app.post_form(&mut district, "/regions/parks", &[("name", "新桥科创园"), ("town", "abc")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("所属街镇：") && r.body.contains("id=\"park-form\""), "{}", r.body);
    assert!(r.body.contains("value=\"新桥科创园\""), "the park's name is kept: {}", r.body);
}
