//! Integration-project pages through the router: a branch files, the district (its
//! applicant is in no cluster) recommends, the officer opens the review and assigns, three
//! departments score with the blind rule, a reviewer whose department takes up a service
//! request of the applicant is refused the application with the reason, the officer ranks
//! and decides, exports; the applicant never sees who scored, on the page or in the API.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::Duration;
use qunlian_domain::auth::{Role, Scope};
use qunlian_testkit::*;

fn as_refs<'a>(f: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    f.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

fn day(today: chrono::NaiveDate, n: i64) -> String {
    (today + Duration::days(n)).to_string()
}

#[tokio::test]
async fn a_round_through_the_pages_with_a_conflict_refused_and_names_kept_from_the_applicant() {
    let (app, _) = app_with_accounts().await;
    let s = &app.db.store;
    let today = s.today();
    let mut district = app.login("district", PASSWORD).await;

    // The officer opens a round; a wrong date order is refused naming the date.
    let dates = |review: i64| {
        vec![
            ("filing_opens", day(today, -1)),
            ("filing_closes", day(today, 1)),
            ("recommend_closes", day(today, 3)),
            ("review_closes", day(today, review)),
            ("publicity_closes", day(today, 12)),
            ("objections_close", day(today, 14)),
        ]
    };
    let round_form = |review: i64| {
        let mut f: Vec<(&str, String)> = vec![
            ("year", "2026".into()),
            ("name", "2026年度深度融合项目".into()),
            ("subjects", "“卡脖子”关键核心技术\n头部企业和行业隐形冠军".into()),
            ("directions", "科技攻关、转型升级、人才培养".into()),
            ("carrier_kinds", "党员科技创新工作室".into()),
            ("eligible", "enterprise_branch".into()),
            ("eligible", "cluster_committee".into()),
            ("quota_per_side", "1".into()),
            ("reviewer_cap", "10".into()),
        ];
        f.extend(dates(review));
        f
    };
    let bad = app.post_form(&mut district, "/projects/rounds", &as_refs(&round_form(2))).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("评审截止日期应晚于集群推荐截止日期"), "{}", bad.body);
    let res = app.post_form(&mut district, "/projects/rounds", &as_refs(&round_form(10))).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let round = res.location.unwrap().rsplit('/').next().unwrap().parse::<i64>().unwrap();

    // The branch files a draft, then submits it.
    let org = match s.accounts().user_by_name("branch").await.unwrap().unwrap().scope {
        Scope::PartyOrg(o) => o.0,
        other => panic!("{other:?}"),
    };
    let mut branch = app.login("branch", PASSWORD).await;
    let form = app.get(&mut branch, &format!("/projects/rounds/{round}/apply")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("转型升级") && form.body.contains("党员科技创新工作室"), "the round's lists as data");
    // The partners list has a search box: it finds firms of the branch's scope past the first 50.
    assert!(form.body.contains("hx-get=\"/units/choices?for=projects\""), "the partners have a search box");
    let own = app.get(&mut branch, "/units/choices?for=projects&q=%E4%B9%99%E8%BD%B4%E6%89%BF").await;
    assert!(own.body.contains("上海乙轴承有限公司"), "{}", own.body);
    let mut officer = app.login("officer", PASSWORD).await;
    let refused = app.get(&mut officer, "/units/choices?for=projects&q=a").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "who applies for no project searches no partners");
    let org_s = org.to_string();
    let fields = [
        ("org", org_s.as_str()),
        ("title", "安全级超速继电器"),
        ("subject", "“卡脖子”关键核心技术"),
        ("direction", "科技攻关"),
        ("carrier_kind", "党员科技创新工作室"),
        ("carrier_name", "党员创新研发工作室"),
        ("carrier_lead", "崔建华"),
        ("open_call", "1"),
        ("lead_name", "崔建华"),
        ("participants", "张三，李四"),
        ("summary", "党员创新工作室牵头攻关，打破国外垄断。"),
        ("metric_0", "发明专利（件）"),
        ("target_0", "3"),
        ("metric_2", "市场占有率提升（%）"),
        ("target_2", "20"),
        ("budget", "350"),
    ];
    let mut wrong = fields.to_vec();
    wrong.retain(|(k, _)| *k != "target_0");
    wrong.push(("target_0", "三件"));
    let refused = app.post_form(&mut branch, &format!("/projects/rounds/{round}/apply"), &wrong).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("“发明专利（件）”的目标值“三件”不是数字"), "{}", refused.body);
    let res = app.post_form(&mut branch, &format!("/projects/rounds/{round}/apply"), &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let path = res.location.unwrap();
    let id: i64 = path.rsplit('/').next().unwrap().parse().unwrap();
    assert_eq!(path, format!("/projects/applications/{id}"));
    let page = app.get(&mut branch, &path).await;
    for shown in ["草稿", "党员创新研发工作室", "市场占有率提升（%）", "350 万元", "揭榜挂帅", "/outcomes"]
    {
        assert!(page.body.contains(shown), "the application page shows {shown}");
    }
    let res = app.post_form(&mut branch, &format!("{path}/act"), &[("action", "submit")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(app.get(&mut branch, &path).await.body.contains("已申报"));

    // Recommendation: its applicant is in no cluster, so the district ranks it.
    let id_s = id.to_string();
    let (choice, rank) = (format!("choice_{id}"), format!("rank_{id}"));
    let res = app
        .post_form(
            &mut district,
            &format!("/projects/rounds/{round}/recommend"),
            &[(&choice, "recommend"), (&rank, "x")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("推荐排序"));
    let res = app
        .post_form(
            &mut district,
            &format!("/projects/rounds/{round}/recommend"),
            &[(&choice, "recommend"), (&rank, "1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    // Reviewers of three departments, one whose department will take up the applicant's request.
    let contact_unit = match s.accounts().user_by_name("contact").await.unwrap().unwrap().scope {
        Scope::Enterprise(u) => u,
        other => panic!("{other:?}"),
    };
    let econ_dept = department(s, 70, "上海市松江区经济委员会").await;
    let mut reviewers = Vec::new();
    for (name, side, unit) in [
        ("rev_org_wang", "organisation", String::new()),
        ("rev_econ_li", "economy", econ_dept.0.to_string()),
        ("rev_econ_zhao", "economy", String::new()),
        ("rev_sci_sun", "science", String::new()),
        ("rev_same_firm", "science", contact_unit.0.to_string()),
    ] {
        let u = user(s, name, Role::Reviewer, Scope::Nothing).await;
        let user_id = u.user_id.0.to_string();
        let res = app
            .post_form(
                &mut district,
                &format!("/projects/rounds/{round}/reviewers"),
                &[("user", user_id.as_str()), ("side", side), ("unit", unit.as_str())],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{name}: {}", res.body);
        reviewers.push(name);
    }
    let ids: std::collections::BTreeMap<String, i64> =
        s.projects().reviewers(&system(), round).await.unwrap().into_iter().map(|r| (r.display_name, r.id)).collect();

    // The review opens after the filing; the officer assigns by hand and automatically.
    app.db.clock.advance(Duration::days(2));
    let res = app.post_form(&mut district, &format!("/projects/rounds/{round}/start-review"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let same_firm = ids["rev_same_firm"].to_string();
    let res = app
        .post_form(
            &mut district,
            &format!("/projects/rounds/{round}/assign"),
            &[("application", &id_s), ("reviewer", &same_firm), ("op", "assign")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("存在利益冲突：同一企业"), "{}", res.body);
    let li = ids["rev_econ_li"].to_string();
    let res = app
        .post_form(
            &mut district,
            &format!("/projects/rounds/{round}/assign"),
            &[("application", &id_s), ("reviewer", &li), ("op", "assign")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let board = app.post_form(&mut district, &format!("/projects/rounds/{round}/assign-auto"), &[]).await;
    assert_eq!(board.status, StatusCode::OK);
    assert!(board.body.contains("每项申报均已配齐三个部门的评审专家"), "{}", board.body);
    assert!(board.body.contains("rev_same_firm（区科委）：同一企业"), "the conflict with its reason");

    // 区经委 takes up a request of the applicant: its reviewer is refused the application.
    let item = catalogue_item(s, service_item(econ_dept.0, "JW-01", "技改项目备案")).await;
    s.services().file_request(&system(), service_request(item, contact_unit)).await.unwrap();
    app.db.clock.advance(Duration::days(2)); // the review phase
    let mut li_session = app.login("rev_econ_li", PASSWORD).await;
    let res = app.get(&mut li_session, &format!("/projects/reviews/{id}")).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(
        res.body.contains("您与该申报存在利益冲突（所在部门正在为申报企业办理服务工单），不能查看和评审"),
        "{}",
        res.body
    );
    assert!(!res.body.contains("党员创新工作室牵头攻关"), "nothing of the application");
    let queue = app.get(&mut li_session, "/projects/reviews").await;
    assert!(queue.body.contains("id=\"blocked\"") && !queue.body.contains("安全级超速继电器"));

    // The blind rule: the others' scores once one's own is submitted, by department only.
    let mut sun = app.login("rev_sci_sun", PASSWORD).await;
    assert!(app.get(&mut sun, "/projects/reviews").await.body.contains("1 项申报待您评分"));
    let res = app
        .post_form(&mut sun, &format!("/projects/reviews/{id}"), &[("score_technology", "9"), ("submit", "1")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let mut wang = app.login("rev_org_wang", PASSWORD).await;
    let sheet = app.get(&mut wang, &format!("/projects/reviews/{id}")).await;
    assert_eq!(sheet.status, StatusCode::OK);
    assert!(sheet.body.contains("党组织全程领衔、机制健全") && sheet.body.contains("提交本人评分后可见"));
    assert!(!sheet.body.contains("90.0%"), "the 科委 score stays hidden before submitting");
    let res = app
        .post_form(
            &mut wang,
            &format!("/projects/reviews/{id}"),
            &[
                ("score_party_lead", "8"),
                ("score_members_role", "9"),
                ("comment_party_lead", "支部领衔"),
                ("submit", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let sheet = app.get(&mut wang, &format!("/projects/reviews/{id}")).await;
    assert!(sheet.body.contains("区科委：得分率 90.0%") && !sheet.body.contains("rev_sci_sun"), "{}", sheet.body);
    // The officer replaces the blocked 经委 reviewer by hand.
    let zhao_id = ids["rev_econ_zhao"].to_string();
    for (reviewer, op) in [(&li, "unassign"), (&zhao_id, "assign")] {
        let res = app
            .post_form(
                &mut district,
                &format!("/projects/rounds/{round}/assign"),
                &[("application", &id_s), ("reviewer", reviewer), ("op", op)],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{op}: {}", res.body);
    }
    let mut zhao = app.login("rev_econ_zhao", PASSWORD).await;
    let res = app
        .post_form(&mut zhao, &format!("/projects/reviews/{id}"), &[("score_industry_value", "7"), ("submit", "1")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    // The ranking and the decision; the exports.
    let ranking = app.get(&mut district, &format!("/projects/rounds/{round}/ranking")).await;
    assert_eq!(ranking.status, StatusCode::OK);
    // 组织部 40 × 17/20 = 34, 经委 30 × 7/10 = 21, 科委 30 × 9/10 = 27.
    assert!(ranking.body.contains("82.00"), "{}", ranking.body);
    let res = app
        .post_form(&mut district, &format!("{path}/decide"), &[("decision", "excellent"), ("note", "打破国外垄断")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    for export in ["applications", "scores"] {
        let res = app.get(&mut district, &format!("/projects/rounds/{round}/export/{export}.xlsx")).await;
        assert_eq!(res.status, StatusCode::OK);
        assert!(res.content_type.unwrap().contains("spreadsheetml"));
        assert!(res.bytes.starts_with(b"PK"));
    }

    // The applicant sees the tier and the note, never who scored.
    let page = app.get(&mut branch, &path).await;
    assert!(page.body.contains("优秀") && page.body.contains("打破国外垄断"));
    let api = |who: &'static str, path: String| {
        let app = &app;
        async move {
            let req = Request::get(path).header(header::AUTHORIZATION, bearer(&app.db.store, who).await);
            app.send(&mut Session::default(), req.body(Body::empty()).unwrap()).await
        }
    };
    let json = api("branch", format!("/api/v1/projects/{id}")).await;
    assert_eq!(json.status, StatusCode::OK);
    assert!(json.body.contains("\"state\":\"excellent\""), "{}", json.body);
    for name in reviewers {
        assert!(!page.body.contains(name) && !json.body.contains(name), "{name} shown to the applicant");
    }
    let list = api("branch", format!("/api/v1/projects?round={round}")).await;
    assert!(list.body.contains("安全级超速继电器"));
    let other = api("secretary", format!("/api/v1/projects/{id}")).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND, "another cluster's secretary: out of scope");
    assert!(other.body.contains("\"code\":\"not_found\""));
    let reviewer = api("reviewer", "/api/v1/projects".into()).await;
    assert_eq!(reviewer.status, StatusCode::FORBIDDEN);
    assert!(reviewer.body.contains("\"code\":\"forbidden\""));
}
