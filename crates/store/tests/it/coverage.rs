use qunlian_domain::auth::{CategoryId, Role, Scope, UnitId};
use qunlian_domain::coverage::{AssignmentState, CoverageStatus};
use qunlian_domain::registry::{OrgForm, SrdiLevel};
use qunlian_domain::rules::{Rule, UnitFacts};
use qunlian_domain::{IndustryCode, RegionCode};
use qunlian_store::Store;
use qunlian_store::coverage::{AssignmentFilter, CoverageQuery, NewAssignment, NewCategory, NewWorkLink, WorkLinkKind};
use qunlian_store::registry::{EnterpriseFilter, NewOrg};
use qunlian_testkit::*;

fn category(name: &str, rule: &str) -> NewCategory {
    NewCategory {
        name: name.into(),
        rule: rule.into(),
        target_pct: 100.0,
        deadline: Some(d("2027-12-31")),
        position: 0,
        is_demo: false,
    }
}

async fn org(s: &Store, name: &str, form: OrgForm, units: Vec<UnitId>, on: &str) -> qunlian_domain::auth::OrgId {
    s.registry()
        .create_org(
            &system(),
            NewOrg { form, members_count: Some(5), established_on: d(on), ..qunlian_testkit::org(name, units) },
        )
        .await
        .unwrap()
}

fn high_tech(n: u32, name: &str, town_name: &str) -> qunlian_domain::registry::EnterpriseInput {
    let mut e = enterprise(n, name, town_name);
    e.high_tech = true;
    e
}

/// The hand-built cases of the issue: own branch, joint branch, instructor only,
/// activities with a neighbour, a branch dissolved last month, nothing at all.
#[tokio::test]
async fn statuses_follow_the_records() {
    let db = TestDb::new().await;
    let s = &db.store;
    let sys = system();
    let own = s.registry().create_enterprise(&sys, high_tech(1, "上海独建电气有限公司", "新桥")).await.unwrap();
    let j1 = s.registry().create_enterprise(&sys, high_tech(2, "上海联建一号有限公司", "新桥")).await.unwrap();
    let j2 = s.registry().create_enterprise(&sys, high_tech(3, "上海联建二号有限公司", "九亭")).await.unwrap();
    let instructed =
        s.registry().create_enterprise(&sys, high_tech(4, "上海指导员企业有限公司", "新桥")).await.unwrap();
    let dissolved = s.registry().create_enterprise(&sys, high_tech(5, "上海撤销支部有限公司", "九亭")).await.unwrap();
    let bare = s.registry().create_enterprise(&sys, high_tech(6, "上海未覆盖有限公司", "九亭")).await.unwrap();
    let joins = s.registry().create_enterprise(&sys, high_tech(7, "上海参加活动有限公司", "新桥")).await.unwrap();
    let plain = s.registry().create_enterprise(&sys, enterprise(8, "上海普通商贸有限公司", "新桥")).await.unwrap();

    org(s, "上海独建电气有限公司党支部", OrgForm::Independent, vec![own], "2024-05-01").await;
    let neighbour = org(s, "新桥联合党支部", OrgForm::Joint, vec![j1, j2], "2025-03-01").await;
    let gone = org(s, "上海撤销支部有限公司党支部", OrgForm::Independent, vec![dissolved], "2023-01-01").await;
    s.registry().dissolve_org(&sys, gone, d("2026-10-15"), "企业迁出").await.unwrap();
    org(s, "普通商贸党支部", OrgForm::Independent, vec![plain], "2024-01-01").await;
    s.coverage()
        .add_work_link(
            &sys,
            NewWorkLink {
                unit: instructed,
                kind: WorkLinkKind::Instructor,
                instructor_name: Some("王指导".into()),
                party_org: None,
                since: d("2026-03-01"),
                note: None,
                is_demo: false,
            },
        )
        .await
        .unwrap();
    s.coverage()
        .add_work_link(
            &sys,
            NewWorkLink {
                unit: joins,
                kind: WorkLinkKind::Activities,
                instructor_name: None,
                party_org: Some(neighbour.0),
                since: d("2026-06-01"),
                note: None,
                is_demo: false,
            },
        )
        .await
        .unwrap();

    let expect = [
        (own, CoverageStatus::OwnOrg),
        (j1, CoverageStatus::JointOrg),
        (j2, CoverageStatus::JointOrg),
        (instructed, CoverageStatus::WorkOnly),
        (joins, CoverageStatus::WorkOnly),
        (dissolved, CoverageStatus::Uncovered),
        (bare, CoverageStatus::Uncovered),
        (plain, CoverageStatus::OwnOrg),
    ];
    for (id, status) in expect {
        assert_eq!(s.coverage().status(&sys, id).await.unwrap(), status, "unit {id}");
    }

    let cat = s.coverage().save_category(&sys, None, category("高新技术企业", "高新技术企业")).await.unwrap();
    let sum = s.coverage().summary(&sys, &CoverageQuery::default()).await.unwrap();
    let t = sum.total_of(cat);
    assert_eq!((t.total, t.own_org, t.joint_org, t.work_only, t.uncovered), (7, 1, 2, 2, 2));
    assert_eq!(t.gap(100.0), 4);
    let xinqiao = sum.cells.iter().find(|c| c.town_name == "新桥镇").unwrap().counts;
    assert_eq!((xinqiao.total, xinqiao.own_org, xinqiao.joint_org, xinqiao.work_only), (4, 1, 1, 2));

    // A month ago the dissolved branch still stood; in May the activities had not begun.
    let october = s.coverage().statuses_on(d("2026-10-01")).await.unwrap();
    assert_eq!(october.get(&dissolved.0), Some(&CoverageStatus::OwnOrg));
    assert_eq!(october.get(&joins.0), Some(&CoverageStatus::WorkOnly));
    let may = s.coverage().statuses_on(d("2026-05-01")).await.unwrap();
    assert_eq!(may.get(&joins.0), None);
    assert_eq!(may.get(&instructed.0), Some(&CoverageStatus::WorkOnly));

    // The snapshot of October counts the dissolved branch's enterprise as covered then.
    let snap = s.coverage().take_snapshot(&sys, d("2026-10-01"), "manual", false).await.unwrap();
    let now = s.coverage().snapshot_now(&sys).await.unwrap();
    let trend = s.coverage().trend(&sys, cat, None).await.unwrap();
    assert_eq!(trend.iter().map(|p| p.snapshot_id).collect::<Vec<_>>(), vec![snap, now]);
    assert_eq!(trend[0].counts.own_org, 2);
    assert_eq!(trend[1].counts, t, "today's snapshot equals today's summary");

    // Snapshots are immutable: the database itself refuses.
    let raw = sea_orm::Database::connect(&db.url).await.unwrap();
    use sea_orm::ConnectionTrait;
    assert!(raw.execute_unprepared("UPDATE coverage_snapshot_rows SET total = 0").await.is_err());
    assert!(raw.execute_unprepared("DELETE FROM coverage_snapshots").await.is_err());
}

/// Every figure of the summary equals the length of the enterprise list it links to.
#[tokio::test]
async fn every_figure_equals_its_drill_down() {
    let db = TestDb::new().await;
    let s = &db.store;
    let sys = system();
    let mut ids = Vec::new();
    for n in 0..40u32 {
        let mut e =
            enterprise(100 + n, &format!("上海钻取测试{n:02}有限公司"), ["新桥", "九亭", "泗泾"][n as usize % 3]);
        e.high_tech = n % 2 == 0;
        e.employees = Some(n * 10);
        e.above_scale = n % 5 == 0;
        ids.push(s.registry().create_enterprise(&sys, e).await.unwrap());
    }
    for (i, chunk) in ids.chunks(4).enumerate() {
        match i % 4 {
            0 => {
                org(s, &format!("独建支部{i}"), OrgForm::Independent, vec![chunk[0]], "2025-01-01").await;
            }
            1 => {
                org(s, &format!("联合支部{i}"), OrgForm::Joint, chunk[..3].to_vec(), "2025-01-01").await;
            }
            2 => {
                s.coverage()
                    .add_work_link(
                        &sys,
                        NewWorkLink {
                            unit: chunk[1],
                            kind: WorkLinkKind::Instructor,
                            instructor_name: Some(format!("指导员{i}")),
                            party_org: None,
                            since: d("2026-01-01"),
                            note: None,
                            is_demo: false,
                        },
                    )
                    .await
                    .unwrap();
            }
            _ => {}
        }
    }
    let c1 = s.coverage().save_category(&sys, None, category("高新", "高新技术企业")).await.unwrap();
    let c2 = s.coverage().save_category(&sys, None, category("百人以上", "从业人数>=100 或 规上企业")).await.unwrap();
    let town_admin = user(s, "jt", Role::TownAdmin, Scope::Region(town("九亭"))).await;
    for caller in [&sys, &town_admin] {
        let sum = s.coverage().summary(caller, &CoverageQuery::default()).await.unwrap();
        // The derived cells say what counting the enterprises says.
        let counted = s.coverage().summary_counted(caller, &CoverageQuery::default()).await.unwrap();
        assert_eq!(serde_json::to_value(&sum.totals).unwrap(), serde_json::to_value(&counted.totals).unwrap());
        assert_eq!(serde_json::to_value(&sum.cells).unwrap(), serde_json::to_value(&counted.cells).unwrap());
        for cat in [c1, c2] {
            let total = sum.total_of(cat);
            assert!(total.total > 0);
            let list = |region: Option<RegionCode>, status: Option<CoverageStatus>| EnterpriseFilter {
                region,
                category: Some(cat),
                coverage: status,
                ..EnterpriseFilter::default()
            };
            assert_eq!(s.registry().count_enterprises(caller, &list(None, None)).await.unwrap(), total.total);
            for status in CoverageStatus::ALL {
                assert_eq!(
                    s.registry().count_enterprises(caller, &list(None, Some(status))).await.unwrap(),
                    total.of(status),
                    "{status:?}"
                );
            }
            for cell in sum.cells.iter().filter(|c| c.category_id == cat) {
                let region = RegionCode::parse(&cell.town_code).unwrap();
                assert_eq!(
                    s.registry().count_enterprises(caller, &list(Some(region), None)).await.unwrap(),
                    cell.counts.total
                );
                for status in CoverageStatus::ALL {
                    assert_eq!(
                        s.registry().count_enterprises(caller, &list(Some(region), Some(status))).await.unwrap(),
                        cell.counts.of(status),
                        "{} {status:?}",
                        cell.town_name
                    );
                }
            }
        }
        if caller.scope != Scope::All {
            assert!(sum.cells.iter().all(|c| c.town_name == "九亭镇"), "a town admin sees only its town");
        }
    }
    // A cluster secretary's summary is counted live over its members, and drills down the same.
    let cluster = s.registry().create_cluster(&sys, cluster("钻取集群", "钻取", "装备", "新桥")).await.unwrap();
    for id in &ids[..10] {
        s.registry().add_cluster_member(&sys, cluster, *id, false, None).await.unwrap();
    }
    let secretary = user(s, "sec", Role::ClusterSecretary, Scope::Cluster(cluster)).await;
    let sum = s.coverage().summary(&secretary, &CoverageQuery::default()).await.unwrap();
    let t = sum.total_of(c1);
    assert_eq!(t.total, 5, "five of the ten members are high-tech");
    for status in CoverageStatus::ALL {
        let f = EnterpriseFilter { category: Some(c1), coverage: Some(status), ..EnterpriseFilter::default() };
        assert_eq!(s.registry().count_enterprises(&secretary, &f).await.unwrap(), t.of(status));
    }
}

#[tokio::test]
async fn an_assignment_closes_itself_when_the_enterprise_gets_an_organisation() {
    let db = TestDb::new().await;
    let s = &db.store;
    let sys = system();
    let a = s.registry().create_enterprise(&sys, high_tech(201, "上海待建支部有限公司", "新桥")).await.unwrap();
    let b = s.registry().create_enterprise(&sys, high_tech(202, "上海已建支部有限公司", "新桥")).await.unwrap();
    org(s, "已建支部", OrgForm::Independent, vec![b], "2025-01-01").await;
    let xinqiao = user(s, "xq", Role::TownAdmin, Scope::Region(town("新桥"))).await;
    let leader = user(s, "ld", Role::Leader, Scope::All).await;
    let new = |unit| NewAssignment {
        unit,
        responsible_unit: "新桥镇党建办".into(),
        instructor_name: Some("李指导".into()),
        due_on: d("2026-12-31"),
        note: None,
        is_demo: false,
    };
    assert!(matches!(s.coverage().create_assignment(&leader, new(a)).await, Err(qunlian_store::StoreError::Forbidden)));
    let err = s.coverage().create_assignment(&xinqiao, new(b)).await.unwrap_err().to_string();
    assert!(err.contains("已建立党组织"), "{err}");
    s.coverage().create_assignment(&xinqiao, new(a)).await.unwrap();
    assert!(s.coverage().create_assignment(&xinqiao, new(a)).await.unwrap_err().to_string().contains("已在责任清单"));
    let open = AssignmentFilter { state: Some(AssignmentState::Open), ..AssignmentFilter::default() };
    assert_eq!(s.coverage().assignments(&xinqiao, &open).await.unwrap().len(), 1);

    org(s, "待建支部", OrgForm::Independent, vec![a], "2026-11-20").await;
    assert!(s.coverage().assignments(&xinqiao, &open).await.unwrap().is_empty());
    let all = s.coverage().assignments(&xinqiao, &AssignmentFilter::default()).await.unwrap();
    assert_eq!(all.len(), 1);
    assert!(!all[0].open);
    assert_eq!(all[0].closed_on, Some(d("2026-11-23")));
    assert_eq!(all[0].status, CoverageStatus::OwnOrg);

    // Outside its town, a town admin can neither see nor assign.
    let jiuting = user(s, "jt2", Role::TownAdmin, Scope::Region(town("九亭"))).await;
    assert!(s.coverage().assignments(&jiuting, &AssignmentFilter::default()).await.unwrap().is_empty());
    let c = s.registry().create_enterprise(&sys, high_tech(203, "上海另一家有限公司", "新桥")).await.unwrap();
    assert!(matches!(s.coverage().create_assignment(&jiuting, new(c)).await, Err(qunlian_store::StoreError::NotFound)));
}

#[tokio::test]
async fn a_rule_with_an_unknown_park_or_bad_words_is_refused_by_name() {
    let db = TestDb::new().await;
    let s = &db.store;
    let sys = system();
    let err = s
        .coverage()
        .save_category(&sys, None, category("园区企业", "园区=不存在的园区"))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("规则") && err.contains("不存在的园区"), "{err}");
    let err = s.coverage().save_category(&sys, None, category("独角兽", "独角兽企业")).await.unwrap_err().to_string();
    assert!(err.contains("独角兽"), "{err}");
    let town_admin = user(s, "t", Role::TownAdmin, Scope::Region(town("新桥"))).await;
    assert!(matches!(
        s.coverage().save_category(&town_admin, None, category("高新", "高新")).await,
        Err(qunlian_store::StoreError::Forbidden)
    ));
    let id = s.coverage().save_category(&sys, None, category("高新", "高新")).await.unwrap();
    assert_eq!(s.coverage().category(&sys, id).await.unwrap().rule, "高新技术企业", "saved in its canonical spelling");
    assert!(
        s.coverage()
            .save_category(&sys, None, category("高新", "规上"))
            .await
            .unwrap_err()
            .to_string()
            .contains("已存在")
    );
}

/// The SQL a rule compiles to selects exactly the enterprises the rule matches in Rust.
#[tokio::test]
async fn sql_and_rust_agree_on_every_rule() {
    let db = TestDb::new().await;
    let s = &db.store;
    let sys = system();
    let park = s.registry().create_park(&sys, "松江综合保税区", &town("新桥"), None).await.unwrap();
    let _ = park;
    let cluster =
        s.registry().create_cluster(&sys, cluster("新桥现代装备产业集群", "新桥装备", "装备", "新桥")).await.unwrap();
    let industries = [None, Some("3821"), Some("39"), Some("65"), Some("13")];
    let mut facts = Vec::new();
    for n in 0..30u32 {
        let mut e = enterprise(300 + n, &format!("上海规则{n:02}有限公司"), "新桥");
        e.high_tech = n % 2 == 0;
        e.above_scale = n % 3 == 0;
        e.listed = n % 7 == 0;
        e.key_project = n % 4 == 1;
        e.srdi = SrdiLevel::ALL[n as usize % 4];
        e.employees = if n % 6 == 5 { None } else { Some(n * 15) };
        e.industry = industries[n as usize % 5].map(|c| IndustryCode::parse(c).unwrap());
        e.park = (n % 3 == 1).then(|| "松江综合保税区".to_owned());
        let id = s.registry().create_enterprise(&sys, e.clone()).await.unwrap();
        let in_cluster = n % 5 == 2;
        if in_cluster {
            s.registry().add_cluster_member(&sys, cluster, id, false, None).await.unwrap();
        }
        facts.push((
            id,
            UnitFacts {
                high_tech: e.high_tech,
                above_scale: e.above_scale,
                listed: e.listed,
                key_project: e.key_project,
                srdi: e.srdi,
                employees: e.employees.map(i64::from),
                industry: e.industry.map(|c| c.as_str().to_owned()),
                park: e.park.clone(),
                clusters: if in_cluster { vec!["新桥现代装备产业集群".to_owned()] } else { vec![] },
            },
        ));
    }
    let atoms = [
        "高新技术企业",
        "规上企业",
        "上市企业",
        "重点项目企业",
        "创新型中小企业",
        "专精特新",
        "小巨人",
        "集群成员",
        "集群=新桥现代装备产业集群",
        "园区=松江综合保税区",
        "从业人数>=150",
        "从业人数<60",
        "从业人数=45",
        "行业=C",
        "行业=38",
        "行业=I65",
    ];
    let mut seed = 0x9e3779b97f4a7c15u64;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let mut id: Option<CategoryId> = None;
    for round in 0..80 {
        let mut text = String::new();
        for i in 0..(1 + next(4)) {
            if i > 0 {
                text.push_str([" 且 ", " 或 "][next(2)]);
            }
            if next(4) == 0 {
                text.push('非');
            }
            if next(3) == 0 {
                text.push_str(&format!("({} 或 {})", atoms[next(atoms.len())], atoms[next(atoms.len())]));
            } else {
                text.push_str(atoms[next(atoms.len())]);
            }
        }
        let rule = Rule::parse(&text).unwrap();
        id = Some(s.coverage().save_category(&sys, id, category("随机规则", &text)).await.unwrap());
        let mut expected: Vec<i64> = facts.iter().filter(|(_, f)| rule.matches(f)).map(|(id, _)| id.0).collect();
        expected.sort();
        let filter = EnterpriseFilter { category: id, ..EnterpriseFilter::default() };
        let got = s
            .registry()
            .list_enterprises(
                &sys,
                &filter,
                qunlian_store::registry::EnterpriseSort::Name,
                false,
                qunlian_store::PageRequest::new(Some(1), Some(500)),
            )
            .await
            .unwrap();
        let mut got: Vec<i64> = got.items.iter().map(|e| e.id.0).collect();
        got.sort();
        assert_eq!(got, expected, "round {round}: {text}");
    }
}

/// Many first readers right after a change (a page under load just after an import): the
/// derived tables are rebuilt once while the others wait, and no reader fails. 64 clients on
/// the coverage page got 40 "database is locked" answers when each rebuilt on its own.
#[tokio::test]
async fn concurrent_first_readers_share_one_rebuild() {
    let db = TestDb::new().await;
    let s = &db.store;
    let sys = system();
    for n in 0..40 {
        s.registry().create_enterprise(&sys, high_tech(n, &format!("上海并发{n:02}有限公司"), "新桥")).await.unwrap();
    }
    let cat = s.coverage().save_category(&sys, None, category("高新技术企业", "高新技术企业")).await.unwrap();
    for round in 0..3u32 {
        let name = format!("上海并发新增{round}有限公司");
        s.registry().create_enterprise(&sys, high_tech(100 + round, &name, "九亭")).await.unwrap();
        let readers: Vec<_> = (0..16)
            .map(|_| {
                let s = s.clone();
                tokio::spawn(async move { s.coverage().summary(&system(), &CoverageQuery::default()).await })
            })
            .collect();
        for r in readers {
            let sum = r.await.unwrap().unwrap();
            assert_eq!(sum.total_of(cat).total, 41 + u64::from(round));
        }
    }
}
