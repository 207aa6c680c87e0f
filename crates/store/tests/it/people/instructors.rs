//! The instructors' register (党建指导员): kept by district and town admins for those their
//! area sent; seen by them and by whoever sees what an instructor guides; listed per
//! organisation (now) and per instructor; ended and assessed; every change audited.

use qunlian_domain::auth::{Role, Scope};
use qunlian_domain::people::instructors::{
    AssessmentFields, AssignmentFields, Guided, InstructorFields, InstructorRating, RawInstructor,
};
use qunlian_store::StoreError;
use qunlian_testkit::*;

fn sent(name: &str, area: &str) -> InstructorFields {
    InstructorFields::parse(&RawInstructor {
        name: name.into(),
        source: "新桥镇党委".into(),
        area: area.into(),
        qualifications: "退休党务干部，参加区党建指导员培训".into(),
        duties: "指导组建党组织、规范组织生活".into(),
    })
    .unwrap()
}

#[tokio::test]
async fn instructors_are_kept_by_their_area_and_seen_where_they_guide() {
    let db = TestDb::new().await;
    let s = &db.store;
    let [a, b] = enterprises(s, [("上海甲电气有限公司", "新桥"), ("上海乙轴承有限公司", "九亭")]).await;
    let sys = system();
    let org_a = s.registry().create_org(&sys, org("上海甲电气有限公司党支部", vec![a])).await.unwrap();
    let cluster =
        s.registry().create_cluster(&sys, cluster("新桥智能装备集群", "装备集群", "智能装备", "新桥")).await.unwrap();
    let xinqiao = user(s, "xq", Role::TownAdmin, Scope::Region(town("新桥"))).await;
    let jiuting = user(s, "jt", Role::TownAdmin, Scope::Region(town("九亭"))).await;
    let branch = user(s, "ba", Role::BranchSecretary, Scope::PartyOrg(org_a)).await;
    let people = s.people();
    let xq = town("新桥").to_string();

    // A town registers those it sent, not another town's.
    assert!(matches!(
        people.add_instructor(&xinqiao, sent("周明", &town("九亭").to_string()), false).await,
        Err(StoreError::Invalid { field: "选派地区", .. })
    ));
    assert!(matches!(people.add_instructor(&branch, sent("周明", &xq), false).await, Err(StoreError::Forbidden)));
    let zhou = people.add_instructor(&xinqiao, sent("周明", &xq), false).await.unwrap();
    let wang = people.add_instructor(&xinqiao, sent("王芳", &xq), false).await.unwrap();

    // Assigned to what the town sees: its branch, its enterprise, its cluster; not 九亭's firm.
    let on = |g: Guided, day: &str| AssignmentFields { guided: g, since: d(day) };
    people.assign_instructor(&xinqiao, zhou, on(Guided::Org(org_a.0), "2026-03-01"), false).await.unwrap();
    people.assign_instructor(&xinqiao, zhou, on(Guided::Cluster(cluster.0), "2026-03-01"), false).await.unwrap();
    let w_a = people.assign_instructor(&xinqiao, wang, on(Guided::Unit(a.0), "2026-05-01"), false).await.unwrap();
    assert!(matches!(
        people.assign_instructor(&xinqiao, wang, on(Guided::Unit(b.0), "2026-05-01"), false).await,
        Err(StoreError::Invalid { field: "指导对象", .. })
    ));
    assert!(
        matches!(
            people.assign_instructor(&xinqiao, zhou, on(Guided::Org(org_a.0), "2026-06-01"), false).await,
            Err(StoreError::Invalid { field: "指导对象", .. })
        ),
        "not twice at once"
    );

    // Seen: the town both; 九亭 neither; the branch both (one guides its organisation, one
    // its enterprise), each with only what the branch sees of whom they guide.
    let names = |v: Vec<qunlian_store::people::InstructorLine>| v.into_iter().map(|i| i.name).collect::<Vec<_>>();
    assert_eq!(names(people.instructors(&xinqiao, None).await.unwrap()), vec!["周明", "王芳"]);
    assert!(people.instructors(&jiuting, None).await.unwrap().is_empty());
    assert!(matches!(people.instructor(&jiuting, zhou).await, Err(StoreError::NotFound)));
    let mine = people.instructors(&branch, None).await.unwrap();
    assert_eq!(names(mine.clone()), vec!["周明", "王芳"]);
    assert_eq!(mine[0].guiding.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(), vec!["上海甲电气有限公司党支部"]);
    // Per organisation: those guiding it now.
    assert_eq!(names(people.instructors(&xinqiao, Some(org_a.0)).await.unwrap()), vec!["周明"]);
    // Per instructor: whom, since when.
    let z = people.instructor(&xinqiao, zhou).await.unwrap();
    assert_eq!(z.assignments.len(), 2);
    assert_eq!(z.line.area, "新桥镇");

    // Ended: not before it began; then no longer listed for the organisation, kept on the page.
    assert!(matches!(
        people.end_assignment(&xinqiao, wang, w_a, d("2026-04-01")).await,
        Err(StoreError::Invalid { field: "结束日期", .. })
    ));
    let z_org = z.assignments.iter().find(|g| g.guided == Guided::Org(org_a.0)).unwrap().id;
    assert!(matches!(people.end_assignment(&branch, zhou, z_org, d("2026-11-20")).await, Err(StoreError::Forbidden)));
    people.end_assignment(&xinqiao, zhou, z_org, d("2026-11-20")).await.unwrap();
    assert!(people.instructors(&xinqiao, Some(org_a.0)).await.unwrap().is_empty());
    let z = people.instructor(&xinqiao, zhou).await.unwrap();
    assert_eq!(z.assignments.iter().find(|g| g.id == z_org).unwrap().until, Some(d("2026-11-20")));
    assert_eq!(z.line.guiding.len(), 1, "the cluster still");

    // Assessed once a year.
    let year =
        AssessmentFields { period: "2026".into(), rating: InstructorRating::Excellent, note: "指导到位".into() };
    people.assess_instructor(&xinqiao, zhou, year.clone(), false).await.unwrap();
    assert!(matches!(
        people.assess_instructor(&xinqiao, zhou, year, false).await,
        Err(StoreError::Invalid { field: "考核年度", .. })
    ));
    assert_eq!(people.instructor(&xinqiao, zhou).await.unwrap().assessments[0].rating, InstructorRating::Excellent);

    // Audited.
    for (action, n) in
        [("instructor.create", 2), ("instructor.assign", 3), ("instructor.end", 1), ("instructor.assess", 1)]
    {
        assert_eq!(crate::audit_of(s, action).await.total, n, "{action}");
    }
}

/// A work link naming an instructor of the register: the link carries the register's id and
/// name, and the register records the instructor guiding the enterprise from that day; a
/// name typed by hand stays as typed (手填), with no id; another town's instructor refused.
#[tokio::test]
async fn a_coverage_link_names_the_registers_instructor_and_records_the_guidance() {
    let db = TestDb::new().await;
    let s = &db.store;
    let [a] = enterprises(s, [("上海甲电气有限公司", "新桥")]).await;
    let xinqiao = user(s, "xq", Role::TownAdmin, Scope::Region(town("新桥"))).await;
    let jiuting = user(s, "jt", Role::TownAdmin, Scope::Region(town("九亭"))).await;
    let zhou = s.people().add_instructor(&xinqiao, sent("周明", &town("新桥").to_string()), false).await.unwrap();
    let other = s.people().add_instructor(&jiuting, sent("钱进", &town("九亭").to_string()), false).await.unwrap();
    let cov = s.coverage();
    let e = cov.add_instructor_link(&xinqiao, a, other, d("2026-04-01"), None, false).await.unwrap_err();
    assert!(e.to_string().starts_with("指导员") && e.to_string().contains("不在指导员名册中"), "{e}");
    cov.add_instructor_link(&xinqiao, a, zhou, d("2026-04-01"), None, false).await.unwrap();
    let typed = qunlian_store::coverage::NewWorkLink {
        unit: a,
        kind: qunlian_store::coverage::WorkLinkKind::Instructor,
        instructor_name: Some("赵手填".into()),
        party_org: None,
        since: d("2026-05-01"),
        note: None,
        is_demo: false,
    };
    cov.add_work_link(&xinqiao, typed).await.unwrap();
    let links = cov.work_links(&xinqiao, a).await.unwrap();
    let named: Vec<(Option<&str>, Option<i64>)> =
        links.iter().map(|l| (l.instructor_name.as_deref(), l.instructor_id)).collect();
    assert_eq!(named, vec![(Some("赵手填"), None), (Some("周明"), Some(zhou))]);
    let z = s.people().instructor(&xinqiao, zhou).await.unwrap();
    assert_eq!(
        z.assignments.iter().map(|g| (g.name.as_str(), g.since)).collect::<Vec<_>>(),
        vec![("上海甲电气有限公司", d("2026-04-01"))]
    );
    // Again for the same firm: the open guidance is not doubled.
    cov.add_instructor_link(&xinqiao, a, zhou, d("2026-06-01"), None, false).await.unwrap();
    assert_eq!(s.people().instructor(&xinqiao, zhou).await.unwrap().assignments.len(), 1);
    // A responsibility-list entry names the register's instructor too.
    let entry = qunlian_store::coverage::NewAssignment {
        unit: a,
        responsible_unit: "新桥镇党建办".into(),
        instructor_name: Some("随便写".into()),
        due_on: d("2026-12-31"),
        note: None,
        is_demo: false,
    };
    s.coverage().create_assignment_by(&xinqiao, entry, Some(zhou)).await.unwrap_or_else(|e| panic!("{e}"));
    let listed = s.coverage().assignments(&xinqiao, &Default::default()).await.unwrap();
    assert_eq!(
        listed.iter().map(|x| (x.instructor_name.as_deref(), x.instructor_id)).collect::<Vec<_>>(),
        vec![(Some("周明"), Some(zhou))]
    );
}

/// Step 29 ties the names typed on coverage links before it to the register: a name that
/// matches exactly one instructor whose sending area holds the enterprise's town gets its
/// id (and a work link an assignment of that instructor); an ambiguous name, or one from
/// another area, stays as typed. Raw rows made at step 27, then migrated, on both databases.
#[tokio::test]
async fn step_29_links_typed_instructor_names_that_match_one_instructor_of_the_area() {
    use crate::migrations::{empty_database, rows};
    use sea_orm::ConnectionTrait;
    let t = empty_database().await;
    let db = &t.db;
    qunlian_store::migrate::run_to(db, 27).await.unwrap();
    let at = "'2026-01-01T00:00:00+00:00'";
    let unit = |id: i64, town: &str| {
        format!(
            "INSERT INTO units (id, kind, name, town_code, high_tech, above_scale, srdi, listed, key_project, row_hash, \
             is_demo, created_at, updated_at) VALUES ({id}, 'enterprise', '企业{id}', '{town}', false, false, 0, \
             false, false, 'h{id}', false, {at}, {at})"
        )
    };
    let instructor = |id: i64, name: &str, area: &str| {
        format!(
            "INSERT INTO instructors (id, name, source, area_code, qualifications, duties, is_demo, created_at, \
             updated_at) VALUES ({id}, '{name}', '组织部', '{area}', '资质', '职责', false, {at}, {at})"
        )
    };
    let link = |id: i64, unit: i64, name: &str| {
        format!(
            "INSERT INTO coverage_work_links (id, unit_id, kind, instructor_name, since, is_demo, created_at) \
             VALUES ({id}, {unit}, 'instructor', '{name}', '2025-03-01', false, {at})"
        )
    };
    for sql in [
        unit(1, "310117101"),
        unit(2, "310117102"),
        instructor(1, "周明", "310117101"),
        instructor(2, "李华", "310117"),
        instructor(3, "李华", "310117101"),
        instructor(4, "王强", "310117102"),
        link(1, 1, "周明"),
        link(2, 1, "李华"),
        link(3, 1, "王强"),
        link(4, 2, "李华"),
        format!(
            "INSERT INTO coverage_assignments (id, unit_id, responsible_unit, instructor_name, due_on, state, \
             created_by, is_demo, created_at) VALUES (1, 1, '党建办', '周明', '2026-12-31', 'open', 'x', false, {at})"
        ),
    ] {
        db.execute_unprepared(&sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    qunlian_store::migrate::run(db).await.unwrap();
    let linked = rows(
        db,
        "SELECT CAST(id AS TEXT), instructor_name, CAST(instructor_id AS TEXT) FROM coverage_work_links ORDER BY id",
    )
    .await;
    assert_eq!(
        linked,
        vec![
            vec!["1".to_owned(), "周明".into(), "1".into()],
            vec!["2".into(), "李华".into(), String::new()],
            vec!["3".into(), "王强".into(), String::new()],
            vec!["4".into(), "李华".into(), "2".into()],
        ]
    );
    let duty = rows(db, "SELECT CAST(instructor_id AS TEXT) FROM coverage_assignments").await;
    assert_eq!(duty, vec![vec!["1".to_owned()]]);
    let guided = rows(
        db,
        "SELECT CAST(instructor_id AS TEXT), CAST(unit_id AS TEXT), CAST(since AS TEXT) FROM instructor_assignments \
         ORDER BY instructor_id",
    )
    .await;
    assert_eq!(
        guided,
        vec![vec!["1".to_owned(), "1".into(), "2025-03-01".into()], vec!["2".into(), "2".into(), "2025-03-01".into()],]
    );
}

/// Whom an instructor guides is checked by its id and scope, not looked up among a form's
/// first 300 choices: the default demo district has more organisations than that, and its
/// seeding failed assigning an instructor to a branch named late in the order.
#[tokio::test]
async fn an_organisation_past_the_forms_first_300_can_be_guided() {
    let db = TestDb::new().await;
    let s = &db.store;
    let sys = system();
    let [unit] = enterprises(s, [("上海甲电气有限公司", "新桥")]).await;
    for i in 0..301 {
        s.registry().create_org(&sys, org(&format!("上海阿{i:03}有限公司党支部"), vec![])).await.unwrap();
    }
    let late = s.registry().create_org(&sys, org("龙工（上海）挖掘机制造有限公司党支部", vec![unit])).await.unwrap();
    let people = s.people();
    assert!(!people.guided_choices(&sys, None).await.unwrap().iter().any(|(v, _)| *v == Guided::Org(late.0).value()));
    // The form's search box (/units/choices?for=instructors) finds it, and only what matches.
    let found = people.guided_choices(&sys, Some("挖掘机")).await.unwrap();
    assert!(found.iter().any(|(v, _)| *v == Guided::Org(late.0).value()), "{found:?}");
    assert!(found.iter().all(|(_, label)| label.contains("挖掘机")), "{found:?}");
    let zhou = people.add_instructor(&sys, sent("周明", &town("新桥").to_string()), false).await.unwrap();
    let on = AssignmentFields { guided: Guided::Org(late.0), since: d("2026-03-01") };
    people.assign_instructor(&sys, zhou, on, false).await.unwrap();
    let dissolved = s.registry().create_org(&sys, org("上海乙轴承有限公司党支部", vec![])).await.unwrap();
    s.registry().dissolve_org(&sys, dissolved, d("2026-02-01"), "企业迁出本区").await.unwrap();
    let on = AssignmentFields { guided: Guided::Org(dissolved.0), since: d("2026-03-01") };
    assert!(matches!(
        people.assign_instructor(&sys, zhou, on, false).await,
        Err(StoreError::Invalid { field: "指导对象", .. })
    ));
}
