use chrono::Duration;
use qunlian_domain::auth::{Role, Scope};
use qunlian_domain::services::TimeLimit;
use qunlian_store::services::{NewServiceItem, RequestStep, ServiceFilter};
use qunlian_testkit::*;

/// The report aggregates in SQL from the elapsed time fixed at finishing; its figures
/// equal the lists they link to and the clocks the request pages show.
#[tokio::test]
async fn the_report_counts_what_the_requests_say() {
    let db = TestDb::new().await;
    let s = &db.store;
    let sys = system();
    let dept = department(s, 980, "松江区科学技术委员会").await;
    let firm = s.registry().create_enterprise(&sys, enterprise(981, "上海报表测试有限公司", "新桥")).await.unwrap();
    let item = catalogue_item(
        s,
        NewServiceItem {
            limit: TimeLimit::WorkingDays(2), ..service_item(dept.0, "KW-01", "区级研发机构认定")
        },
    )
    .await;
    let officer = user(s, "kw", Role::ServiceOfficer, Scope::Department(dept)).await;
    let new = || service_request(item, firm);
    // Monday 10:00: one finished the next day (on time), one after a week (late), one open.
    let quick = s.services().file_request(&sys, new()).await.unwrap();
    let slow = s.services().file_request(&sys, new()).await.unwrap();
    let _open = s.services().file_request(&sys, new()).await.unwrap();
    db.clock.advance(Duration::days(1));
    s.services().step(&officer, quick, RequestStep::Finish("已认定".into())).await.unwrap();
    db.clock.advance(Duration::days(7));
    s.services().step(&officer, slow, RequestStep::Finish("已认定".into())).await.unwrap();

    let report = s.services().report(&officer).await.unwrap();
    let row = report.rows.iter().find(|r| r.item_id == Some(item)).unwrap();
    assert_eq!((row.count, row.done, row.on_time), (3, 2, 1));
    assert_eq!(row.median_days, Some(1.0), "7 office hours: one working day");
    assert_eq!(row.p90_days, Some(6.0), "Monday 10:00 to the next Tuesday 10:00: six working days");
    assert_eq!(report.total.count, 3);
    let late = s.services().request(&officer, slow).await.unwrap().request;
    assert_eq!(late.clock.elapsed_minutes, 6 * 420, "the page's clock says the same");
    let on_time = ServiceFilter { item: Some(item), on_time: Some(true), ..ServiceFilter::default() };
    assert_eq!(s.services().requests_filtered(&officer, &on_time).await.unwrap().len(), row.on_time);
    let done = ServiceFilter {
        item: Some(item),
        state: Some(qunlian_domain::services::RequestState::Done),
        ..ServiceFilter::default()
    };
    assert_eq!(s.services().requests_filtered(&officer, &done).await.unwrap().len(), row.done);

    // Another department's officer sees none of it.
    let other = department(s, 982, "松江区商务委员会").await;
    let stranger = user(s, "sw", Role::ServiceOfficer, Scope::Department(other)).await;
    assert_eq!(s.services().report(&stranger).await.unwrap().total.count, 0);
}

async fn same_both_ways(s: &qunlian_store::Store, callers: &[&qunlian_domain::auth::Caller], when: &str) {
    for c in callers {
        let derived = s.services().report(c).await.unwrap();
        let counted = s.services().report_counted(c).await.unwrap();
        assert_eq!(derived, counted, "{} {when}", c.username);
    }
}

/// The report the whole deployment reads from the derived cells (and narrower scopes from
/// the stage times) equals the one counted from the requests and their events, after
/// every kind of change: filing, stages with a pause inside, finishing, refusing, a
/// transfer, ratings, and a calendar year loaded again.
#[tokio::test]
async fn the_derived_report_equals_a_direct_count_after_every_change() {
    let db = TestDb::new().await;
    let s = &db.store;
    let sys = system();
    let (a, b) = (department(s, 960, "松江区经济委员会").await, department(s, 961, "松江区规划和自然资源局").await);
    let firm = s.registry().create_enterprise(&sys, enterprise(962, "上海派生测试有限公司", "新桥")).await.unwrap();
    let item = |code: &'static str, dept: qunlian_domain::auth::UnitId, days: u32, stages: Vec<String>| async move {
        catalogue_item(
            s,
            NewServiceItem {
                limit: TimeLimit::WorkingDays(days),
                stages,
                ..service_item(dept.0, code, &format!("事项{code}"))
            },
        )
        .await
    };
    let staged = item("A1", a, 2, vec!["拿地".into(), "施工许可".into()]).await;
    let plain = item("A2", a, 5, vec![]).await;
    let other = item("B1", b, 3, vec![]).await;
    let officer = user(s, "jw", Role::ServiceOfficer, Scope::Department(a)).await;
    let planner = user(s, "gh", Role::ServiceOfficer, Scope::Department(b)).await;
    let district = user(s, "qu", Role::DistrictAdmin, Scope::Region(songjiang())).await;
    let xinqiao = user(s, "xq", Role::TownAdmin, Scope::Region(town("新桥"))).await;
    let fangsong = user(s, "fs", Role::TownAdmin, Scope::Region(town("方松"))).await;
    let jinshan =
        user(s, "js", Role::DistrictAdmin, Scope::Region(qunlian_domain::RegionCode::parse("310116").unwrap())).await;
    let callers = [&sys, &officer, &planner, &district, &xinqiao, &fangsong, &jinshan];
    let file = |item_id: i64| service_request(item_id, firm);
    // Monday 2026-11-23 10:00.
    let r1 = s.services().file_request(&sys, file(staged)).await.unwrap();
    let r2 = s.services().file_request(&sys, file(staged)).await.unwrap();
    let r3 = s.services().file_request(&sys, file(plain)).await.unwrap();
    let r4 = s.services().file_request(&sys, file(other)).await.unwrap();
    let r5 = s.services().file_request(&sys, file(plain)).await.unwrap();
    same_both_ways(s, &callers, "after filing").await;

    // 拿地 from Monday to Friday 10:00, waiting on the enterprise Tuesday to Thursday.
    s.services().step(&officer, r1, RequestStep::StartStage("拿地".into())).await.unwrap();
    db.clock.advance(Duration::days(1));
    s.services().step(&officer, r2, RequestStep::Finish("已办结".into())).await.unwrap();
    s.services().step(&officer, r1, RequestStep::Pause("缺少环评批复".into())).await.unwrap();
    db.clock.advance(Duration::days(2));
    s.services().step(&officer, r1, RequestStep::Resume("已补齐".into())).await.unwrap();
    db.clock.advance(Duration::days(1));
    s.services().step(&officer, r1, RequestStep::FinishStage("拿地".into())).await.unwrap();
    s.services().step(&officer, r1, RequestStep::StartStage("施工许可".into())).await.unwrap();
    same_both_ways(s, &callers, "with a stage finished").await;
    let page = s.services().request(&officer, r1).await.unwrap();
    assert_eq!(page.stages[0].working_days, Some(2.0), "four working days, two of them waiting on the enterprise");
    let report = s.services().report(&sys).await.unwrap();
    assert_eq!(
        report.stages.iter().map(|l| (l.stage.as_str(), l.finished, l.avg_days)).collect::<Vec<_>>(),
        [("拿地", 1, 2.0)],
        "the report says what the page says"
    );

    db.clock.advance(Duration::days(3)); // Monday
    s.services().step(&officer, r1, RequestStep::FinishStage("施工许可".into())).await.unwrap();
    s.services().step(&officer, r1, RequestStep::Finish("已办结".into())).await.unwrap();
    s.services()
        .step(&officer, r3, RequestStep::Transfer { department_id: b.0, reason: "属规划资源".into() })
        .await
        .unwrap();
    s.services().step(&planner, r4, RequestStep::Reject("不属于受理范围".into())).await.unwrap();
    s.services().step(&officer, r5, RequestStep::Pause("缺少申请表".into())).await.unwrap();
    same_both_ways(s, &callers, "after finish, transfer, refusal and a pause").await;
    let moved = s.services().report(&sys).await.unwrap();
    let of = |d: i64, i: i64| moved.rows.iter().find(|r| r.department_id == d && r.item_id == Some(i)).map(|r| r.count);
    assert_eq!((of(a.0, plain), of(b.0, plain)), (Some(1), Some(1)), "the transfer moved one request");

    // An overlong comment is refused by its name, not cut, and the rating is not taken.
    let long = "好".repeat(qunlian_domain::limits::COMMENT_CHARS + 1);
    let refused = s.services().rate(r1, &s.services().rating_token(r1), 5, &long).await.unwrap_err();
    assert!(refused.to_string().contains("意见和建议：不能超过500个字"), "{refused}");
    assert_eq!(s.services().rating_view(r1, &s.services().rating_token(r1)).await.unwrap().rating, None);
    for (id, stars) in [(r1, 5), (r2, 3)] {
        s.services().rate(id, &s.services().rating_token(id), stars, "").await.unwrap();
    }
    db.clock.advance(Duration::days(2));
    s.services().step(&planner, r3, RequestStep::Finish("已办结".into())).await.unwrap();
    same_both_ways(s, &callers, "after ratings and a finish after transfer").await;
    let before = s.services().report(&sys).await.unwrap();
    assert_eq!((before.total.count, before.total.done, before.total.rated), (5, 3, 2));

    // Tuesday 24 November becomes a day off: every time that ran through it is recounted.
    let (_, shipped) = qunlian_domain::calendar::SHIPPED[2];
    let year = format!("{shipped}\n2026-11-24,holiday,测试停工\n");
    s.services().import_calendar_year(&sys, &year).await.unwrap();
    same_both_ways(s, &callers, "after a calendar year was loaded").await;
    let after = s.services().report(&sys).await.unwrap();
    assert_ne!(after, before, "the recount moved the figures");
    assert_ne!(after.stages[0].avg_days, 2.0, "拿地 ran through the new day off");
    let total = |c| async move { s.services().report(c).await.unwrap().total.count };
    assert_eq!((total(&district).await, total(&xinqiao).await, total(&fangsong).await), (5, 5, 0));
    assert_eq!(total(&jinshan).await, 0, "another district's towns hold none of it");
    assert_eq!((total(&officer).await, total(&planner).await), (4, 2), "经委 keeps the request it transferred");

    // The enterprise moves from 新桥 to 方松: its requests go with it.
    s.registry().update_enterprise(&sys, firm, enterprise(962, "上海派生测试有限公司", "方松")).await.unwrap();
    same_both_ways(s, &callers, "after the enterprise moved town").await;
    assert_eq!((total(&district).await, total(&xinqiao).await, total(&fangsong).await), (5, 0, 5));
}

/// The benchmark's synthetic requests make a report whose parts add up to its total.
#[tokio::test]
async fn synthetic_requests_add_up() {
    let db = TestDb::new().await;
    let s = &db.store;
    for n in 0..5u32 {
        s.registry()
            .create_enterprise(&system(), enterprise(990 + n, &format!("上海合成测试{n}有限公司"), "新桥"))
            .await
            .unwrap();
    }
    assert_eq!(s.services().seed_synthetic_requests(400, 3).await.unwrap(), 400);
    let report = s.services().report(&system()).await.unwrap();
    assert_eq!(report.total.count, 400);
    let departments: usize = report.rows.iter().filter(|r| r.item_id.is_none()).map(|r| r.count).sum();
    let items: usize = report.rows.iter().filter(|r| r.item_id.is_some()).map(|r| r.count).sum();
    assert_eq!((departments, items), (400, 400));
    assert!(report.total.done > 300 && report.total.on_time > 0 && report.total.on_time < report.total.done);
    assert!(report.total.median_days.unwrap() <= report.total.p90_days.unwrap());
    assert_eq!(report, s.services().report_counted(&system()).await.unwrap(), "bulk inserts keep the cells");
    let district = user(s, "qu", Role::DistrictAdmin, Scope::Region(songjiang())).await;
    let dept = qunlian_domain::auth::UnitId(report.rows[0].department_id);
    let officer = user(s, "so", Role::ServiceOfficer, Scope::Department(dept)).await;
    same_both_ways(s, &[&district, &officer], "after bulk inserts").await;
    assert_eq!(s.services().report(&district).await.unwrap().total.count, 400);
    assert_eq!(s.services().report(&officer).await.unwrap().total.count, report.rows[0].count);
}
