//! After the award, through the store: outcome reports checked against the targets, the
//! officer's check, overdue reports after the due day, evidence read within scope, support
//! linked to its records, the story in date order, and figures equal to direct counts.

use chrono::Duration;
use qunlian_domain::auth::Caller;
use qunlian_domain::codes::Labelled;
use qunlian_domain::projects::{
    ApplicationAction as A, Decision, FigureAxis, OutcomeMetric, OutcomeState, RawOutcome, SupportKind, Tier,
};
use qunlian_store::StoreError;
use qunlian_store::projects::ProjectFilter;
use qunlian_testkit::*;
use sea_orm::{ConnectionTrait, Statement};

use super::projects::{World, refused, under_review, world};

/// Both applications filed, forwarded and reviewed; 昱章 (a1) awarded 优秀 and in
/// implementation on 2026-12-07, 世格 (a2) still under review.
async fn implementing(db: &TestDb) -> World {
    let p = db.store.projects();
    let w = world(db).await;
    under_review(db, &w).await; // 12-07, the review runs
    p.act(&system(), w.a1, A::Decide(Decision::Award(Tier::Excellent)), "打破国外垄断", None).await.unwrap();
    p.act(&system(), w.a1, A::StartImplementation, "", None).await.unwrap();
    w
}

fn report(year: &str, patents: &[&str], share: &str) -> RawOutcome {
    RawOutcome {
        year: year.into(),
        patents: patents.join("\n"),
        market_share: share.into(),
        output: "1,200万元".into(),
        members: "崔建华、王敏".into(),
        ..Default::default()
    }
}

const P1: &str = "ZL202610000001.1 安全级超速继电器 2026-06-18";
const P2: &str = "ZL202610000002.X 继电器检测装置 2026-09-01";
const P3: &str = "ZL202720000003.5 继电器外壳 2027-02-10";

#[tokio::test]
async fn outcome_reports_are_filed_checked_against_targets_and_overdue() {
    let db = TestDb::new().await;
    let s = &db.store;
    let p = s.projects();
    let admin = system();
    let w = implementing(&db).await;
    let reviewer = w.reviewers["r_org"].0.clone();

    // Only a project in implementation reports; only its applicant files.
    refused(p.file_outcome(&w.branch2, w.a2, &report("2026", &[P1], "5"), vec![], false).await, "实施中");
    assert!(matches!(
        p.file_outcome(&w.branch2, w.a1, &report("2026", &[P1], "5"), vec![], false).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        p.file_outcome(&reviewer, w.a1, &report("2026", &[P1], "5"), vec![], false).await,
        Err(StoreError::Forbidden)
    ));
    refused(p.file_outcome(&w.branch1, w.a1, &report("2025", &[P1], "5"), vec![], false).await, "年度");

    // 2027-04-01: the 2026 report is overdue (due 31 March), for the officer only.
    db.clock.advance(Duration::days(115));
    assert_eq!(s.today(), d("2027-04-01"));
    let overdue = p.overdue_reports(&admin).await.unwrap();
    assert_eq!(
        overdue.iter().map(|o| (o.application.id, o.year, o.days_overdue)).collect::<Vec<_>>(),
        [(w.a1, 2026, 1)]
    );
    assert!(matches!(p.overdue_reports(&w.branch1).await, Err(StoreError::Forbidden)));
    // The due day is data: a later one clears the list until it passes.
    p.set_report_due(&admin, w.round, (4, 30)).await.unwrap();
    assert!(p.overdue_reports(&admin).await.unwrap().is_empty());
    p.set_report_due(&admin, w.round, (3, 31)).await.unwrap();

    // Filed with evidence: targets 3 patents and +20 % share not yet met.
    let id = p
        .file_outcome(
            &w.branch1,
            w.a1,
            &report("2026", &[P1, P2], "15%"),
            vec![("C:\\证书\\专利证书.pdf".into(), b"%PDF-1".to_vec())],
            false,
        )
        .await
        .unwrap();
    assert!(p.overdue_reports(&admin).await.unwrap().is_empty());
    let view = p.outcomes(&w.branch1, w.a1).await.unwrap();
    assert_eq!(view.reports.len(), 1);
    assert_eq!(view.reports[0].state, OutcomeState::Filed);
    assert_eq!(view.reports[0].files[0].file_name, "专利证书.pdf");
    let checks: Vec<_> = view.checks.iter().map(|c| (c.metric, c.achieved, c.met)).collect();
    assert_eq!(
        checks,
        [(Some(OutcomeMetric::Patents), Some(2.0), false), (Some(OutcomeMetric::MarketShare), Some(15.0), false)]
    );
    refused(p.file_outcome(&w.branch1, w.a1, &report("2026", &[P1], "5"), vec![], false).await, "已报送");

    // Evidence: read by whoever sees the project, audited; nobody else.
    let file = view.reports[0].files[0].id;
    assert_eq!(p.evidence(&w.secretary, w.a1, file).await.unwrap().1, b"%PDF-1");
    assert!(matches!(p.evidence(&w.branch2, w.a1, file).await, Err(StoreError::NotFound)));
    assert!(matches!(p.evidence(&w.branch1, w.a2, file).await, Err(StoreError::NotFound)));
    assert!(matches!(p.outcomes(&w.branch2, w.a1).await, Err(StoreError::NotFound)));

    // The officer returns it with what is missing; the applicant files again.
    assert!(matches!(p.check_outcome(&w.branch1, id, true, "").await, Err(StoreError::Forbidden)));
    refused(p.check_outcome(&admin, id, false, "").await, "核实意见");
    p.check_outcome(&admin, id, false, "补充第三件专利的证书").await.unwrap();
    refused(p.check_outcome(&admin, id, true, "").await, "退回补充");
    let again = p
        .file_outcome(
            &w.branch1,
            w.a1,
            &report("2026", &[P1, P2, P3], "20"),
            vec![("证书3.pdf".into(), b"3".to_vec())],
            false,
        )
        .await
        .unwrap();
    assert_eq!(again, id, "the same year's report, filed again");
    p.check_outcome(&admin, id, true, "").await.unwrap();
    let view = p.outcomes(&w.branch1, w.a1).await.unwrap();
    assert_eq!(view.reports[0].state, OutcomeState::Accepted);
    assert_eq!(view.reports[0].files.len(), 2, "the first evidence is kept");
    assert!(view.checks.iter().all(|c| c.met), "{:?}", view.checks);

    let audit = crate::audit_mentioning(s, "project.outcome").await;
    let actions: Vec<&str> = audit.iter().map(|a| a.action.as_str()).collect();
    for a in
        ["project.outcome.file", "project.outcome.refile", "project.outcome.check", "project.outcome.evidence.read"]
    {
        assert!(actions.contains(&a), "{a} not audited: {actions:?}");
    }
}

#[tokio::test]
async fn support_links_its_records_and_the_story_is_in_date_order() {
    let db = TestDb::new().await;
    let s = &db.store;
    let p = s.projects();
    let admin = system();
    let w = implementing(&db).await;
    let dept = department(s, 20, "区经委政策科").await;
    let policy = s
        .policies()
        .save(
            &admin,
            None,
            qunlian_store::policies::NewPolicy {
                title: "深度融合示范项目扶持办法".into(),
                department_id: dept.0,
                doc_number: "松经委〔2026〕8号".into(),
                valid_from: d("2026-01-01"),
                valid_until: None,
                content: "扶持".into(),
                rule: "高新技术企业".into(),
                is_demo: false,
            },
        )
        .await
        .unwrap();
    let item = s.services().save_item(&admin, service_item(dept.0, "JW-88", "首台套认定")).await.unwrap();
    let own = s.services().file_request(&admin, service_request(item, w.e1)).await.unwrap();
    let other = s.services().file_request(&admin, service_request(item, w.e2)).await.unwrap();

    refused(p.grant_support(&admin, w.a2, SupportKind::Policy, Some(policy), "", false).await, "评审中");
    assert!(matches!(
        p.grant_support(&w.branch1, w.a1, SupportKind::Policy, Some(policy), "", false).await,
        Err(StoreError::Forbidden)
    ));
    refused(p.grant_support(&admin, w.a1, SupportKind::Policy, Some(999_999), "", false).await, "不存在");
    refused(p.grant_support(&admin, w.a1, SupportKind::FastLane, Some(other), "", false).await, "不是本项目参与企业");
    refused(p.grant_support(&admin, w.a1, SupportKind::PartyResource, None, " ", false).await, "支持说明");
    p.grant_support(&admin, w.a1, SupportKind::Policy, Some(policy), "", false).await.unwrap();
    db.clock.advance(Duration::days(1));
    p.grant_support(&admin, w.a1, SupportKind::FastLane, Some(own), "首台套认定快速办理", false).await.unwrap();
    p.grant_support(&admin, w.a1, SupportKind::PartyResource, None, "党员先锋岗挂牌、党建联建结对", false)
        .await
        .unwrap();

    let support = p.support(&w.branch1, w.a1).await.unwrap();
    let links: Vec<_> = support.iter().map(|g| (g.kind, g.link.as_ref().map(|l| l.0.clone()))).collect();
    assert_eq!(
        links,
        [
            (SupportKind::Policy, Some(format!("/policies/{policy}"))),
            (SupportKind::FastLane, Some(format!("/services/{own}"))),
            (SupportKind::PartyResource, None),
        ]
    );
    assert_eq!(support[0].link.as_ref().unwrap().1, "深度融合示范项目扶持办法");
    assert!(!support[1].link.as_ref().unwrap().1.is_empty(), "the request's title");
    assert!(matches!(p.support(&w.branch2, w.a1).await, Err(StoreError::NotFound)));

    db.clock.advance(Duration::days(30));
    p.file_outcome(&w.branch1, w.a1, &report("2026", &[P1], "8"), vec![], false).await.unwrap();
    let story = p.story(&w.branch1, w.a1).await.unwrap();
    let whats: Vec<&str> = story.iter().map(|l| l.what.as_str()).collect();
    assert_eq!(
        whats,
        ["提交申报", "推荐", "开始评审", "评定", "开始实施", "政策支持", "服务快速通道", "党建资源", "2026 年度成果"]
    );
    assert!(story.windows(2).all(|p| p[0].at <= p[1].at));
    assert!(story[3].text.contains("打破国外垄断"));
}

async fn count(url: &str, sql: &str) -> i64 {
    let raw = sea_orm::Database::connect(url).await.unwrap();
    let row = raw.query_one_raw(Statement::from_string(raw.get_database_backend(), sql)).await.unwrap().unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

#[tokio::test]
async fn figures_equal_direct_counts_and_open_their_lists() {
    let db = TestDb::new().await;
    let s = &db.store;
    let p = s.projects();
    let admin = system();
    let w = implementing(&db).await;
    p.act(&admin, w.a2, A::Decide(Decision::Award(Tier::Selected)), "", None).await.unwrap();
    db.clock.advance(Duration::days(20));
    p.file_outcome(&w.branch1, w.a1, &report("2026", &[P1, P2], "8"), vec![], false).await.unwrap();

    const AWARDED: &str = "('demonstration','excellent','selected','implementing','closed')";
    let projects = count(&db.url, &format!("SELECT COUNT(*) FROM project_applications WHERE state IN {AWARDED}")).await;
    let patents = count(
        &db.url,
        &format!(
            "SELECT COUNT(*) FROM project_patents pp JOIN project_applications a ON a.id = pp.application_id WHERE a.state IN {AWARDED}"
        ),
    )
    .await;
    assert_eq!((projects, patents), (2, 2));
    for axis in FigureAxis::all() {
        let rows = p.figures(&admin, *axis).await.unwrap();
        assert_eq!(rows.iter().map(|r| r.projects as i64).sum::<i64>(), projects, "{axis:?}");
        assert_eq!(rows.iter().map(|r| r.patents as i64).sum::<i64>(), patents, "{axis:?}");
        for r in &rows {
            let list = p.figure_list(&admin, &r.filter).await.unwrap();
            assert_eq!(list.len(), r.projects, "{axis:?} {}", r.label);
            assert_eq!(list.iter().map(|x| x.patents).sum::<usize>(), r.patents);
            assert_eq!(list.iter().map(|x| x.participants).sum::<usize>(), r.participants);
        }
    }
    let tiers = p.figures(&admin, FigureAxis::Tier).await.unwrap();
    assert_eq!(
        tiers.iter().map(|r| (r.label.as_str(), r.projects, r.patents)).collect::<Vec<_>>(),
        [("优秀", 1, 2), ("入选", 1, 0)],
        "the tier of a project in implementation is its decision's"
    );
    let by_year = count(
        &db.url,
        &format!("SELECT COUNT(*) FROM project_applications a JOIN project_rounds r ON r.id = a.round_id WHERE r.year = 2026 AND a.state IN {AWARDED}"),
    )
    .await;
    let year = p.figure_list(&admin, &ProjectFilter { year: Some(2026), ..Default::default() }).await.unwrap();
    assert_eq!(year.len() as i64, by_year);
    // Scope: a branch counts its own project only.
    let mine = p.figures(&w.branch2, FigureAxis::Year).await.unwrap();
    assert_eq!(mine.iter().map(|r| r.projects).sum::<usize>(), 1);
    let reviewer: Caller = w.reviewers["r_sci"].0.clone();
    assert!(matches!(p.figures(&reviewer, FigureAxis::Year).await, Err(StoreError::Forbidden)));
}
