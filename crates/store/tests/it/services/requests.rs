use chrono::Duration;
use qunlian_domain::auth::{Role, Scope, UnitId};
use qunlian_domain::services::{Colour, TimeLimit};
use qunlian_store::Store;
use qunlian_store::services::{NewServiceItem, NewServiceRequest, RequestStep};
use qunlian_testkit::*;

#[tokio::test]
async fn the_shipped_calendar_is_loaded_and_a_year_can_be_replaced() {
    let db = TestDb::new().await;
    let s = &db.store;
    let years: Vec<i32> = s.services().calendar_years().await.unwrap().iter().map(|y| y.year).collect();
    assert_eq!(years, vec![2026, 2025, 2024]);
    // Over the 2026 Spring Festival: Fri 13 Feb → Tue 24 Feb counts Sat 14 (调休) and Tue 24.
    assert_eq!(s.services().working_days_between(d("2026-02-13"), d("2026-02-24")).await.unwrap(), (2, true));
    assert_eq!(
        s.services().working_days_between(d("2027-01-04"), d("2027-01-08")).await.unwrap(),
        (4, false),
        "2027 is not loaded: weekends only, flagged"
    );
    let bad = s
        .services()
        .import_calendar_year(&system(), "2027-01-01,holiday,元旦\n2027-01-05,workday,周二\n")
        .await
        .unwrap_err()
        .to_string();
    assert!(bad.contains("第 2 行"), "{bad}");
    let y = s
        .services()
        .import_calendar_year(&system(), "# 来源：测试通知\n2027-01-01,holiday,元旦\n2027-02-06,workday,春节调休上班\n")
        .await
        .unwrap();
    assert_eq!(y, 2027);
    assert_eq!(
        s.services().working_days_between(d("2027-02-05"), d("2027-02-06")).await.unwrap(),
        (1, true),
        "the make-up Saturday counts"
    );
    let leader = user(s, "o", Role::Leader, Scope::All).await;
    assert!(matches!(
        s.services().import_calendar_year(&leader, "2028-01-03,holiday,x\n").await,
        Err(qunlian_store::StoreError::Forbidden)
    ));
}

/// Routing to the owning department, pause while waiting on the enterprise, transfer
/// keeping the elapsed time, the colours along the way, and who may do what.
#[tokio::test]
async fn a_request_is_routed_paused_transferred_and_finished() {
    let db = TestDb::new().await;
    let s = &db.store;
    let sys = system();
    let jingwei = department(s, 900, "松江区经济委员会").await;
    let guihua = department(s, 901, "松江区规划和自然资源局").await;
    let firm = s.registry().create_enterprise(&sys, enterprise(902, "上海申办企业有限公司", "新桥")).await.unwrap();
    let other = s.registry().create_enterprise(&sys, enterprise(903, "上海别家企业有限公司", "九亭")).await.unwrap();
    let item = catalogue_item(
        s,
        NewServiceItem {
            materials: vec!["营业执照".into(), "项目建议书".into()],
            stages: vec!["拿地".into(), "施工许可".into()],
            ..service_item(jingwei.0, "jw-01", "工业项目全程代办")
        },
    )
    .await;
    let contact = user(s, "c", Role::EnterpriseContact, Scope::Enterprise(firm)).await;
    let officer = user(s, "jw", Role::ServiceOfficer, Scope::Department(jingwei)).await;
    let planner = user(s, "gh", Role::ServiceOfficer, Scope::Department(guihua)).await;
    let stranger = user(s, "x", Role::EnterpriseContact, Scope::Enterprise(other)).await;

    // Monday 2026-11-23 10:00 Beijing.
    let req = s
        .services()
        .file_request(&contact, NewServiceRequest { detail: "新建厂房".into(), ..service_request(item, firm) })
        .await
        .unwrap();
    assert!(matches!(
        s.services().file_request(&contact, service_request(item, other)).await,
        Err(qunlian_store::StoreError::NotFound)
    ));
    let r = s.services().request(&officer, req).await.unwrap().request;
    assert_eq!((r.department_id, r.title.as_str(), r.clock.colour), (jingwei.0, "工业项目全程代办", Colour::Blue));
    assert!(matches!(s.services().request(&stranger, req).await, Err(qunlian_store::StoreError::NotFound)));
    assert!(
        matches!(s.services().request(&planner, req).await, Err(qunlian_store::StoreError::NotFound)),
        "not routed to 规划 yet"
    );
    assert!(matches!(
        s.services().step(&contact, req, RequestStep::Comment("x".into())).await,
        Err(qunlian_store::StoreError::Forbidden)
    ));

    s.services().step(&officer, req, RequestStep::Assign("张店小二".into())).await.unwrap();
    s.services().step(&officer, req, RequestStep::StartStage("拿地".into())).await.unwrap();
    db.clock.advance(Duration::days(1)); // Tuesday
    s.services().step(&officer, req, RequestStep::Pause("缺少环评批复".into())).await.unwrap();
    let waiting = s.services().request(&officer, req).await.unwrap().request;
    assert!(waiting.clock.paused);
    db.clock.advance(Duration::days(7)); // a week later, still waiting: nothing counts
    let later = s.services().request(&officer, req).await.unwrap().request;
    assert_eq!(later.clock.elapsed_minutes, waiting.clock.elapsed_minutes);
    s.services().step(&officer, req, RequestStep::Resume("材料已补齐".into())).await.unwrap();
    s.services().step(&officer, req, RequestStep::FinishStage("拿地".into())).await.unwrap();
    let before = s.services().request(&officer, req).await.unwrap().request.clock.elapsed_minutes;
    s.services()
        .step(
            &officer,
            req,
            RequestStep::Transfer { department_id: guihua.0, reason: "施工许可由规划资源局办理".into() },
        )
        .await
        .unwrap();
    let moved = s.services().request(&planner, req).await.unwrap().request;
    assert_eq!(moved.department_id, guihua.0);
    assert_eq!(moved.clock.elapsed_minutes, before, "a transfer keeps the elapsed time");
    assert!(
        s.services()
            .step(&officer, req, RequestStep::Comment("x".into()))
            .await
            .unwrap_err()
            .to_string()
            .contains("转办")
    );
    assert!(s.services().request(&officer, req).await.is_ok(), "the first department still sees what it handled");

    // Four more working days pass: yellow, then red.
    db.clock.advance(Duration::days(4)); // Tuesday → Saturday: 3 working days
    assert_eq!(s.services().request(&planner, req).await.unwrap().request.clock.colour, Colour::Yellow);
    db.clock.advance(Duration::days(3)); // → Tuesday
    assert_eq!(s.services().request(&planner, req).await.unwrap().request.clock.colour, Colour::Red);
    s.services().step(&planner, req, RequestStep::StartStage("施工许可".into())).await.unwrap();
    s.services().step(&planner, req, RequestStep::FinishStage("施工许可".into())).await.unwrap();
    s.services().step(&planner, req, RequestStep::Finish("施工许可证已核发".into())).await.unwrap();
    let done = s.services().request(&contact, req).await.unwrap();
    assert_eq!(done.request.clock.colour, Colour::Green);
    assert_eq!(done.request.state, qunlian_domain::services::RequestState::Done);
    assert_eq!(done.stages.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["拿地", "施工许可"]);
    assert!(done.stages.iter().all(|s| s.finished.is_some()));
    assert!(done.events.iter().any(|e| e.kind == "paused" && e.detail == "缺少环评批复"));
    assert!(
        s.services()
            .step(&planner, req, RequestStep::Comment("x".into()))
            .await
            .unwrap_err()
            .to_string()
            .contains("已办结")
    );
    let mine = s.services().requests(&contact, None).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert!(s.services().requests(&stranger, None).await.unwrap().is_empty());
}

async fn catalogue_and_firm(s: &Store) -> (UnitId, UnitId, i64) {
    let sys = system();
    let jingwei = department(s, 910, "上海市松江区经济委员会").await;
    let firm = s.registry().create_enterprise(&sys, enterprise(911, "上海督办企业有限公司", "新桥")).await.unwrap();
    let item = catalogue_item(
        s,
        NewServiceItem {
            materials: vec!["备案申请表".into()],
            limit: TimeLimit::WorkingDays(2),
            ..service_item(jingwei.0, "JW-09", "技术改造项目备案")
        },
    )
    .await;
    (jingwei, firm, item)
}

#[tokio::test]
async fn an_overdue_request_is_escalated_once_by_the_first_read_that_finds_it_red() {
    use qunlian_store::services::ServiceFilter;
    let db = TestDb::new().await;
    let s = &db.store;
    let (jingwei, firm, item) = catalogue_and_firm(s).await;
    let officer = user(s, "jw", Role::ServiceOfficer, Scope::Department(jingwei)).await;
    let new = |title: &str| NewServiceRequest { title: title.into(), ..service_request(item, firm) };
    let late = s.services().file_request(&system(), new("逾期的")).await.unwrap();
    let paused = s.services().file_request(&system(), new("等材料的")).await.unwrap();
    s.services().step(&officer, paused, RequestStep::Pause("缺少申请表".into())).await.unwrap();
    // Monday 10:00 + 2 working days: due Wednesday 10:00. Thursday it is red.
    db.clock.advance(Duration::days(3));
    let district = user(s, "d", Role::DistrictAdmin, Scope::Region(songjiang())).await;
    let escalated = ServiceFilter { escalated: true, ..ServiceFilter::default() };
    let found = s.services().requests_filtered(&district, &escalated).await.unwrap();
    assert_eq!(found.iter().map(|r| r.id).collect::<Vec<_>>(), vec![late], "the paused one is not overdue");
    assert!(found[0].escalated);
    // Reading again changes nothing: one event, one audit entry.
    s.services().requests_filtered(&district, &ServiceFilter::default()).await.unwrap();
    let d = s.services().request(&officer, late).await.unwrap();
    assert_eq!(d.events.iter().filter(|e| e.kind == "escalated").count(), 1);
    assert!(d.events.iter().any(|e| e.kind == "escalated" && e.detail.contains("督办")));
    let audit = s
        .audit()
        .search(
            &user(s, "aud", Role::AuditAdmin, Scope::Nothing).await,
            &qunlian_store::audit::AuditFilter {
                action: Some("service.request.escalate".into()),
                ..Default::default()
            },
            qunlian_store::PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(audit.total, 1);
    let red = ServiceFilter { colour: Some(Colour::Red), ..ServiceFilter::default() };
    assert_eq!(s.services().requests_filtered(&officer, &red).await.unwrap().len(), 1);
}

/// Red escalates to the department head: its 超期督办 list holds the overdue requests its
/// department holds, and a transfer hands one to the new department's head.
#[tokio::test]
async fn the_department_head_supervises_what_its_department_holds_overdue() {
    use qunlian_store::services::ServiceFilter;
    let db = TestDb::new().await;
    let s = &db.store;
    let (jingwei, firm, item) = catalogue_and_firm(s).await;
    let guihua = department(s, 912, "上海市松江区规划和自然资源局").await;
    let head = user(s, "jwhead", Role::DepartmentHead, Scope::Department(jingwei)).await;
    let other_head = user(s, "ghhead", Role::DepartmentHead, Scope::Department(guihua)).await;
    let new = |title: &str| NewServiceRequest { title: title.into(), ..service_request(item, firm) };
    let late = s.services().file_request(&system(), new("逾期的")).await.unwrap();
    let moved = s.services().file_request(&system(), new("转走的")).await.unwrap();
    db.clock.advance(Duration::days(3)); // past the two working days
    let overdue = ServiceFilter { escalated: true, colour: Some(Colour::Red), ..ServiceFilter::default() };
    let ids = |v: Vec<qunlian_store::services::ServiceRequest>| v.iter().map(|r| r.id).collect::<Vec<_>>();
    assert_eq!(ids(s.services().requests_filtered(&head, &overdue).await.unwrap()), vec![moved, late]);
    // The head handles its department's requests as its officers do.
    s.services()
        .step(&head, moved, RequestStep::Transfer { department_id: guihua.0, reason: "属规划资源".into() })
        .await
        .unwrap();
    assert_eq!(ids(s.services().requests_filtered(&head, &overdue).await.unwrap()), vec![late]);
    assert_eq!(ids(s.services().requests_filtered(&other_head, &overdue).await.unwrap()), vec![moved]);
    assert!(
        s.services().requests_filtered(&head, &ServiceFilter::default()).await.unwrap().len() == 2,
        "it still reads what its department handled"
    );
    assert!(matches!(
        s.services().step(&other_head, late, RequestStep::Comment("x".into())).await,
        Err(qunlian_store::StoreError::NotFound)
    ));
}

#[tokio::test]
async fn a_catalogue_import_keeps_good_rows_names_bad_ones_and_a_rerun_changes_nothing() {
    use qunlian_store::services::CatalogueLine;
    let db = TestDb::new().await;
    let s = &db.store;
    let (jingwei, _, _) = catalogue_and_firm(s).await;
    department(s, 912, "上海市松江区市场监督管理局").await;
    let line = |line: usize, code: &str, dept: &str| CatalogueLine {
        line,
        code: code.into(),
        name: format!("事项{code}"),
        department: dept.into(),
        materials: vec!["营业执照".into()],
        limit: TimeLimit::WorkingHours(4),
        stages: vec![],
    };
    let lines = || vec![line(2, "SC-01", "市场监管"), line(3, "JW-09", "经委"), line(4, "XX-01", "外星局")];
    let first = s.services().import_items(&system(), lines()).await.unwrap();
    assert_eq!((first.added, first.updated, first.unchanged), (1, 1, 0));
    assert_eq!(first.rejects.len(), 1);
    assert_eq!(first.rejects[0].0, 4);
    assert!(first.rejects[0].1.contains("外星局"), "{:?}", first.rejects);
    let again = s.services().import_items(&system(), lines()).await.unwrap();
    assert_eq!((again.added, again.updated, again.unchanged), (0, 0, 2));
    let items = s.services().items(&system()).await.unwrap();
    assert_eq!(items.len(), 2);
    assert!(
        items
            .iter()
            .any(|i| i.code == "JW-09" && i.department_id == jingwei.0 && i.limit == TimeLimit::WorkingHours(4))
    );
    let contact = user(s, "c", Role::EnterpriseContact, Scope::Enterprise(UnitId(1))).await;
    assert!(matches!(s.services().import_items(&contact, lines()).await, Err(qunlian_store::StoreError::Forbidden)));
}

/// The state column holds the same text it always did now that the entity maps it to the
/// domain's `RequestState`: a row written by an older binary reads, a step writes the old
/// text, and a value no version wrote is an error rather than a guessed state.
#[tokio::test]
async fn the_state_column_keeps_its_text() {
    use qunlian_domain::services::RequestState;
    use sea_orm::{ConnectionTrait, Statement};
    let db = TestDb::new().await;
    let s = &db.store;
    let sys = system();
    let dept = department(s, 910, "松江区经济委员会").await;
    let firm = s.registry().create_enterprise(&sys, enterprise(911, "上海旧行企业有限公司", "新桥")).await.unwrap();
    let item = catalogue_item(s, service_item(dept.0, "jw-91", "旧行事项")).await;
    let req = s.services().file_request(&sys, service_request(item, firm)).await.unwrap();
    let raw = sea_orm::Database::connect(&db.url).await.unwrap();
    let text = |sql: String| {
        let raw = &raw;
        async move {
            let row =
                raw.query_one_raw(Statement::from_string(raw.get_database_backend(), sql)).await.unwrap().unwrap();
            row.try_get::<String>("", "state").unwrap()
        }
    };
    assert_eq!(text(format!("SELECT state FROM service_requests WHERE id = {req}")).await, "open");
    // As an older binary wrote it.
    raw.execute_unprepared(&format!("UPDATE service_requests SET state = 'waiting' WHERE id = {req}")).await.unwrap();
    let r = s.services().request(&sys, req).await.unwrap().request;
    assert_eq!(r.state, RequestState::Waiting);
    s.services().step(&sys, req, RequestStep::Finish("已办结".into())).await.unwrap();
    assert_eq!(text(format!("SELECT state FROM service_requests WHERE id = {req}")).await, "done");
    raw.execute_unprepared(&format!("UPDATE service_requests SET state = 'lost' WHERE id = {req}")).await.unwrap();
    assert!(s.services().request(&sys, req).await.is_err(), "an unknown state is not read as some default");
}
