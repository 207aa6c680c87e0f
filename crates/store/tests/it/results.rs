//! Results in the store (#15): the economic-figures import (header variants and units through
//! the real reader, bad rows named, good rows kept together, a re-run changing nothing, a
//! correction audited old → new, rows outside the caller's scope refused), year-on-year
//! against a hand-computed case, and a cluster's scorecard equal to direct counts of the
//! records behind each figure — on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set.

use chrono::Duration;
use qunlian_domain::auth::{Caller, ClusterId, Role, Scope, UnitId};
use qunlian_domain::matching::{IntroductionState, ListingKind, Reach};
use qunlian_domain::projects::{ApplicationAction as A, Decision, RawOutcome, Tier};
use qunlian_domain::results::{Indicator, Period, YearOnYear};
use qunlian_io::figures::read_figures;
use qunlian_store::StoreError;
use qunlian_store::matching::NewIntroduction;
use qunlian_store::results::{FigureFilter, FigureImportRow, Value, introduction_filter, service_filter};
use qunlian_testkit::*;
use sea_orm::{ConnectionTrait, Statement};

mod activities;
mod headline;
mod sums;
mod towns;
mod units;

pub(super) async fn count(url: &str, sql: &str) -> i64 {
    let raw = sea_orm::Database::connect(url).await.unwrap();
    let row = raw.query_one_raw(Statement::from_string(raw.get_database_backend(), sql)).await.unwrap().unwrap();
    row.try_get_by_index::<Option<i64>>(0).unwrap().unwrap_or(0)
}

/// Runs `sql` behind the store's back.
pub(super) async fn exec(url: &str, sql: &str) {
    let raw = sea_orm::Database::connect(url).await.unwrap();
    raw.execute_unprepared(sql).await.unwrap();
}

/// Reads `text` as a figures file and imports its good rows as `caller`.
pub(super) async fn import(
    db: &TestDb,
    caller: &Caller,
    text: &str,
) -> Result<(qunlian_store::results::FigureImportCounts, Vec<String>), StoreError> {
    let file = read_figures(text.as_bytes().to_vec(), None).unwrap();
    let mut reasons: Vec<(usize, String)> =
        file.rejects.iter().map(|r| (r.line, format!("第{}行：{}", r.line, r.reasons.join("；")))).collect();
    let rows = file.rows.into_iter().map(|l| FigureImportRow { line: l.line, row: l.row }).collect();
    let (counts, rejects, _) =
        db.store.results().import_figures(caller, rows, "经济指标.csv", reasons.len(), false).await?;
    reasons.extend(rejects.iter().map(|r| (r.line, r.message())));
    reasons.sort();
    Ok((counts, reasons.into_iter().map(|(_, m)| m).collect()))
}

pub(super) struct Firms {
    pub a: UnitId,
    pub b: UnitId,
    pub far: UnitId,
    pub cluster: ClusterId,
}

pub(super) async fn firms(db: &TestDb) -> Firms {
    let [a, b, far] = enterprises(
        &db.store,
        [
            ("上海昱章电气成套设备有限公司", "新桥"),
            ("世格流体控制（上海）有限公司", "新桥"),
            ("上海远方化工有限公司", "九亭"),
        ],
    )
    .await;
    let reg = db.store.registry();
    let cluster = reg
        .create_cluster(&system(), cluster("新桥现代装备制造产业集群", "装备集群", "装备制造", "新桥"))
        .await
        .unwrap();
    for e in [a, b] {
        reg.add_cluster_member(&system(), cluster, e, false, None).await.unwrap();
    }
    Firms { a, b, far, cluster }
}

#[tokio::test]
async fn the_import_reads_variants_names_bad_rows_keeps_good_ones_and_reruns_idempotently() {
    let db = TestDb::new().await;
    let f = firms(&db).await;
    let (a, b, far) = (uscc(1), uscc(2), uscc(3));
    // 万元 from the line above the table, 元 from a header's brackets, people in 人.
    let text = format!(
        "单位：万元\n信用代码,企业名称,统计期间,纳税额,营收（元）,职工人数,R&D经费\n\
         {a},昱章,2026年,150,250000000,1200人,30.5\n\
         {b},世格,2026,50,,300,\n\
         {b},世格,2026年,60,,,\n\
         {far},远方,2026年,7,,,\n\
         91310117XXXXXXXXXX,无名,2026年,1,,,\n\
         {a},昱章,2025年上半年,很多,,,\n"
    );
    let (counts, reasons) = import(&db, &system(), &text).await.unwrap();
    assert_eq!((counts.rows, counts.added, counts.replaced, counts.unchanged), (3, 7, 0, 0), "{reasons:?}");
    assert_eq!(reasons.len(), 3, "{reasons:?}");
    assert!(reasons[0].starts_with("第5行：与第4行重复"), "{reasons:?}");
    assert!(reasons[1].starts_with("第7行：A列“信用代码”：统一社会信用代码"), "{reasons:?}");
    assert!(reasons[2].starts_with("第8行：D列“纳税额”：税收："), "{reasons:?}");
    let tax = count(
        &db.url,
        "SELECT CAST(SUM(value) AS BIGINT) FROM economic_figures WHERE indicator = 'tax' AND period = '2026'",
    )
    .await;
    assert_eq!(tax, 150 * 10_000 + 50 * 10_000 + 7 * 10_000);
    let rd = count(&db.url, "SELECT value FROM economic_figures WHERE indicator = 'rd'").await;
    assert_eq!(rd, 305_000);
    let revenue = count(&db.url, "SELECT value FROM economic_figures WHERE indicator = 'revenue'").await;
    assert_eq!(revenue, 250_000_000, "元 in the header's brackets wins over the file's 万元");

    // The same file again: nothing added, nothing changed.
    let (again, _) = import(&db, &system(), &text).await.unwrap();
    assert_eq!((again.added, again.replaced, again.unchanged), (0, 0, 7));
    assert_eq!(count(&db.url, "SELECT COUNT(*) FROM economic_figures").await, 7);

    // A correction replaces the one figure and the audit says old → new.
    let fixed = format!("统一社会信用代码,期间,税收（万元）\n{a},2026年,160\n");
    let (c, _) = import(&db, &system(), &fixed).await.unwrap();
    assert_eq!((c.added, c.replaced), (0, 1));
    assert_eq!(count(&db.url, "SELECT COUNT(*) FROM economic_figures").await, 7);
    let audited = count(
        &db.url,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'results.figure.replace' AND detail LIKE '%150万元 → 160万元%'",
    )
    .await;
    assert_eq!(audited, 1);

    // A town admin of 新桥 may not import for 九亭; a cluster secretary only for its members.
    let xinqiao = user(&db.store, "xinqiao", Role::TownAdmin, Scope::Region(town("新桥"))).await;
    let (c, reasons) =
        import(&db, &xinqiao, &format!("统一社会信用代码,期间,税收\n{far},2026年,8\n{a},2026年,1600000\n"))
            .await
            .unwrap();
    assert_eq!(c.rows, 1);
    assert!(reasons[0].contains("不在您的权限范围内"), "{reasons:?}");
    let secretary = user(&db.store, "sec", Role::ClusterSecretary, Scope::Cluster(f.cluster)).await;
    let (_, reasons) = import(&db, &secretary, &format!("统一社会信用代码,期间,税收\n{far},2026年,9\n")).await.unwrap();
    assert!(reasons[0].contains("不在您的权限范围内"), "{reasons:?}");
    assert_eq!(
        count(
            &db.url,
            &format!("SELECT value FROM economic_figures WHERE unit_id = {} AND indicator = 'tax'", f.far.0)
        )
        .await,
        70_000
    );
    let leader = user(&db.store, "leader", Role::Leader, Scope::All).await;
    assert!(matches!(import(&db, &leader, &fixed).await, Err(StoreError::Forbidden)));
    // Reading is scoped too: the town admin sees 新桥's figures only.
    let (seen, total) = db.store.results().figures(&xinqiao, &FigureFilter::default()).await.unwrap();
    assert_eq!(total as usize, seen.len());
    assert!(seen.iter().all(|r| r.unit_id == f.a.0 || r.unit_id == f.b.0));
    assert!(!seen.is_empty());
}

#[tokio::test]
async fn year_on_year_equals_a_hand_computed_case() {
    let db = TestDb::new().await;
    let f = firms(&db).await;
    let (a, b) = (uscc(1), uscc(2));
    // 昱章 2020H1 3,449.6291万元 → 2021H1 5,115.8万元 (+48.3 %); 世格 reports 2021H1 only.
    let text = format!(
        "统一社会信用代码,期间,税收（元）,工业总产值（万元）\n\
         {a},2020年上半年,34496291,\n{a},2021年上半年,51158000,1000\n{b},2021年上半年,20000000,0\n{b},2020年上半年,,0\n"
    );
    let (c, reasons) = import(&db, &system(), &text).await.unwrap();
    assert!(reasons.is_empty(), "{reasons:?}");
    assert_eq!(c.added, 6);
    let r = db.store.results();
    let totals = r.cluster_totals(&system(), f.cluster, Period::first_half(2021)).await.unwrap();
    let tax = totals.iter().find(|t| t.indicator == Indicator::Tax).unwrap();
    assert_eq!((tax.current, tax.previous, tax.reporting, tax.comparable), (Some(71_158_000), Some(34_496_291), 2, 1));
    // Over the comparable enterprise only: 51,158,000 / 34,496,291 − 1 = 48.3 %.
    let YearOnYear::Change(p) = tax.yoy else { panic!("{:?}", tax.yoy) };
    assert!((p - 48.3).abs() < 0.05, "{p}");
    assert_eq!(tax.yoy.text(), "+48.3%");
    let output = totals.iter().find(|t| t.indicator == Indicator::Output).unwrap();
    assert_eq!(output.yoy, YearOnYear::PreviousZero, "世格's 0 the year before; 昱章 has no 2020 output");
    let employees = totals.iter().find(|t| t.indicator == Indicator::Employees).unwrap();
    assert_eq!((employees.current, employees.yoy), (None, YearOnYear::NoCurrent));

    let filter =
        FigureFilter { period: Some(Period::first_half(2021)), indicator: Some(Indicator::Tax), ..Default::default() };
    let (rows, _) = r.figures(&system(), &filter).await.unwrap();
    let of = |u: UnitId| rows.iter().find(|x| x.unit_id == u.0).unwrap();
    assert_eq!(of(f.a).previous, Some(34_496_291));
    assert_eq!(of(f.a).yoy.text(), "+48.3%");
    assert_eq!(of(f.b).yoy, YearOnYear::NoPrevious);
    assert_eq!(of(f.b).yoy.why_none(), Some("上年同期无数据"));
    assert_eq!(of(f.a).source, "经济指标.csv");
    assert_eq!(of(f.a).as_of.to_string(), "2021-06-30");
}

fn value(card: &qunlian_store::results::Scorecard, key: &str) -> Value {
    card.figure(key).unwrap_or_else(|| panic!("no figure {key}")).current
}

#[tokio::test]
async fn the_scorecard_equals_direct_counts_of_its_records() {
    let db = TestDb::new().await;
    let s = &db.store;
    let admin = system();
    // The projects world: 昱章 and 世格 in the 新桥 cluster with their branches, a service request.
    let w = super::projects::world(&db).await;
    let Scope::Cluster(cluster) = w.secretary.scope.clone() else { panic!() };
    let p = s.projects();
    for (who, id) in [(&w.branch1, w.a1), (&w.branch2, w.a2)] {
        p.act(who, id, A::Submit, "", None).await.unwrap();
    }
    p.act(&w.secretary, w.a1, A::Recommend, "", Some(1)).await.unwrap();
    p.act(&w.secretary, w.a2, A::Recommend, "", Some(2)).await.unwrap();
    db.clock.advance(Duration::days(14));
    for id in [w.a1, w.a2] {
        p.act(&admin, id, A::StartReview, "", None).await.unwrap();
    }
    p.act(&admin, w.a1, A::Decide(Decision::Award(Tier::Excellent)), "", None).await.unwrap();
    p.act(&admin, w.a2, A::Decide(Decision::Award(Tier::Selected)), "", None).await.unwrap();
    p.act(&admin, w.a1, A::StartImplementation, "", None).await.unwrap();
    let report = RawOutcome {
        year: "2026".into(),
        patents: "ZL202610000001.1 安全级超速继电器 2026-06-18\nZL202610000002.X 继电器检测装置 2026-09-01".into(),
        output: "1,200万元".into(),
        members: "崔建华".into(),
        ..Default::default()
    };
    p.file_outcome(&w.branch1, w.a1, &report, vec![], false).await.unwrap();
    // A deal in the cluster this year, and an introduction last year.
    let need =
        super::matching::published(s, w.e1, listing(ListingKind::Need, "急需电磁阀", "配套电磁阀", Reach::Cluster))
            .await;
    let offer = super::matching::published(
        s,
        w.e2,
        listing(ListingKind::Offer, "供应电磁阀", "电磁阀批量供应", Reach::Cluster),
    )
    .await;
    let new = |state| NewIntroduction {
        need_listing: need,
        offer_listing: offer,
        state,
        note: String::new(),
        is_demo: false,
    };
    let m = s.matching();
    let id = m.introduce(&w.secretary, new(IntroductionState::Introduced)).await.unwrap();
    m.introduction_step(&w.secretary, id, IntroductionState::Won, Some(120.0), None, "").await.unwrap();
    let last_year = s.now() - Duration::days(365);
    m.demo_introduce_at(&w.secretary, new(IntroductionState::Introduced), last_year).await.unwrap();
    // Figures of both years.
    let text = format!(
        "统一社会信用代码,期间,税收（万元）,营业收入（万元）\n{a},2026年,300,900\n{b},2026年,100,\n{a},2025年,200,800\n{b},2025年,100,\n",
        a = uscc(1),
        b = uscc(2)
    );
    let (_, reasons) = import(&db, &admin, &text).await.unwrap();
    assert!(reasons.is_empty(), "{reasons:?}");

    // Party members of the cluster's branches: one of long standing, one who joined this year,
    // one last year; and one of a branch outside the cluster, not counted.
    let orgs_of_cluster = s.results().cluster_orgs(&admin, cluster).await.unwrap();
    let (o1, o2) = (orgs_of_cluster[0].0, orgs_of_cluster[1].0);
    let pe = s.people();
    pe.create(&admin, member(1, o1), false).await.unwrap();
    pe.create(&admin, qunlian_domain::people::MemberFields { joined_on: d("2026-03-01"), ..member(2, o1) }, false)
        .await
        .unwrap();
    pe.create(&admin, qunlian_domain::people::MemberFields { joined_on: d("2025-05-01"), ..member(3, o2) }, false)
        .await
        .unwrap();
    let outside = s.registry().create_enterprise(&admin, enterprise(3, "上海远方化工有限公司", "九亭")).await.unwrap();
    let outside_org = s.registry().create_org(&admin, org("远方化工党支部", vec![outside])).await.unwrap();
    pe.create(
        &admin,
        qunlian_domain::people::MemberFields { joined_on: d("2026-04-01"), ..member(4, outside_org.0) },
        false,
    )
    .await
    .unwrap();

    let period = Period::year(2026);
    let card = s.results().scorecard(&admin, cluster, period).await.unwrap();
    let c = cluster.0;
    let members = format!("SELECT unit_id FROM cluster_members WHERE cluster_id = {c} AND left_on IS NULL");
    let direct = |sql: String| {
        let url = db.url.clone();
        async move { count(&url, &sql).await as u64 }
    };
    assert_eq!(value(&card, "members"), Value::Count(direct(format!("SELECT COUNT(*) FROM ({members}) m")).await));
    let orgs = direct(format!(
        "SELECT COUNT(DISTINCT o.id) FROM party_orgs o JOIN party_org_units l ON l.party_org_id = o.id \
         WHERE o.dissolved_on IS NULL AND l.unit_id IN ({members})"
    ))
    .await;
    assert_eq!((value(&card, "orgs"), orgs), (Value::Count(2), 2));
    let cluster_members = format!(
        "SELECT m.id FROM members m JOIN party_org_units l ON l.party_org_id = m.party_org_id \
         JOIN party_orgs o ON o.id = m.party_org_id WHERE o.dissolved_on IS NULL AND l.unit_id IN ({members})"
    );
    let party = direct(format!("SELECT COUNT(DISTINCT id) FROM ({cluster_members}) x")).await;
    assert_eq!((value(&card, "party_members"), party), (Value::Count(3), 3));
    let joined = |from: &str, to: &str| {
        direct(format!(
            "SELECT COUNT(*) FROM members WHERE id IN ({cluster_members}) AND joined_on >= '{from}' AND joined_on < '{to}'"
        ))
    };
    let (new_now, new_before) = (joined("2026-01-01", "2027-01-01").await, joined("2025-01-01", "2026-01-01").await);
    assert_eq!((value(&card, "new_party_members"), new_now), (Value::Count(1), 1));
    assert_eq!(card.figure("new_party_members").unwrap().previous, Some(Value::Count(new_before)));
    assert_eq!(new_before, 1);
    let listed = s.results().cluster_party_members(&admin, cluster, None).await.unwrap();
    assert_eq!(listed.len() as u64, party);
    let listed_new = s.results().cluster_party_members(&admin, cluster, Some(period)).await.unwrap();
    assert_eq!(listed_new.len() as u64, new_now);
    assert_eq!(value(&card, "covered"), Value::Count(2), "both members have their own branch");
    let (from, to) = ("2026-01-01", "2027-01-01");
    let intros = direct(format!(
        "SELECT COUNT(*) FROM introductions WHERE cluster_id = {c} AND created_at >= '{from}' AND created_at < '{to}'"
    ))
    .await;
    assert_eq!((value(&card, "introductions"), intros), (Value::Count(1), 1));
    assert_eq!(value(&card, "deals"), Value::Count(1));
    assert_eq!(value(&card, "deal_value"), Value::Money(1_200_000));
    assert_eq!(card.figure("introductions").unwrap().previous, Some(Value::Count(1)));
    let requests = direct(format!("SELECT COUNT(*) FROM service_requests WHERE unit_id IN ({members})")).await;
    assert_eq!((value(&card, "requests"), requests), (Value::Count(1), 1));
    const AWARDED: &str = "('demonstration','excellent','selected','implementing','closed')";
    let projects =
        direct(format!("SELECT COUNT(*) FROM project_applications WHERE cluster_id = {c} AND state IN {AWARDED}"))
            .await;
    assert_eq!((value(&card, "projects"), projects), (Value::Count(2), 2));
    assert_eq!(value(&card, "tier:excellent"), Value::Count(1));
    assert_eq!(value(&card, "tier:selected"), Value::Count(1));
    let patents = direct(format!(
        "SELECT COUNT(*) FROM project_patents pp JOIN project_applications a ON a.id = pp.application_id \
         WHERE a.cluster_id = {c} AND a.state IN {AWARDED}"
    ))
    .await;
    assert_eq!((value(&card, "patents"), patents), (Value::Count(2), 2));
    let tax = direct(format!(
        "SELECT CAST(SUM(value) AS BIGINT) FROM economic_figures WHERE indicator = 'tax' AND period = '2026' AND unit_id IN ({members})"
    ))
    .await;
    assert_eq!(value(&card, "tax"), Value::Money(tax as i64));
    let tax_figure = card.figure("tax").unwrap();
    assert_eq!(tax_figure.change, "+33.3%", "4,000,000 over 3,000,000");
    assert_eq!(card.figure("revenue").unwrap().change, "+12.5%");
    assert_eq!(value(&card, "employees"), Value::Missing);
    assert_eq!(card.figure("employees").unwrap().why_no_change.as_deref(), Some("本期无数据"));

    // The lists behind the figures hold what they count.
    let listed = m.introductions(&admin, &introduction_filter(cluster, period, false)).await.unwrap();
    assert_eq!(listed.len(), 1);
    let won = m.introductions(&admin, &introduction_filter(cluster, period, true)).await.unwrap();
    assert_eq!(won.len(), 1);
    let filed = s.services().requests_filtered(&admin, &service_filter(cluster, period)).await.unwrap();
    assert_eq!(filed.len() as u64, requests);
    assert!(
        s.services()
            .requests_filtered(&admin, &service_filter(cluster, period.previous_year()))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(s.results().cluster_orgs(&admin, cluster).await.unwrap().len() as u64, orgs);

    // Scope: a cluster secretary of another cluster cannot open it; a department cannot read results.
    let other = s
        .registry()
        .create_cluster(&admin, qunlian_testkit::cluster("集成电路产业集群", "集成电路", "集成电路", "九亭"))
        .await
        .unwrap();
    let stranger = user(s, "other", Role::ClusterSecretary, Scope::Cluster(other)).await;
    assert!(matches!(s.results().scorecard(&stranger, cluster, period).await, Err(StoreError::NotFound)));
    let officer = user(s, "officer", Role::ServiceOfficer, Scope::Department(UnitId(1))).await;
    let leader = user(s, "leader", Role::Leader, Scope::All).await;
    assert!(
        matches!(s.results().cluster_party_members(&leader, cluster, None).await, Err(StoreError::Forbidden)),
        "the leader reads results, not member lists"
    );
    assert!(matches!(s.results().scorecard(&officer, cluster, period).await, Err(StoreError::Forbidden)));
    // The cluster's own secretary sees the same figures.
    let own = s.results().scorecard(&w.secretary, cluster, period).await.unwrap();
    for key in ["members", "introductions", "deals", "requests", "projects", "tax"] {
        assert_eq!(value(&own, key), value(&card, key), "{key}");
    }
}
