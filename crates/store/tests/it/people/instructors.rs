//! The instructors' register (党建指导员): kept by district and town admins for those their
//! area sent; seen by them and by whoever sees what an instructor guides; listed per
//! organisation (now) and per instructor; ended and assessed; every change audited.

use qunlian_domain::auth::{Role, Scope};
use qunlian_domain::people::instructors::{
    AssessmentFields, AssignmentFields, Guided, InstructorFields, InstructorRating, RawInstructor,
};
use qunlian_store::audit::AuditFilter;
use qunlian_store::{PageRequest, StoreError};
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
    let auditor = user(s, "au", Role::AuditAdmin, Scope::Nothing).await;
    for (action, n) in
        [("instructor.create", 2), ("instructor.assign", 3), ("instructor.end", 1), ("instructor.assess", 1)]
    {
        let f = AuditFilter { action: Some(action.into()), ..Default::default() };
        assert_eq!(s.audit().search(&auditor, &f, PageRequest::default()).await.unwrap().total, n, "{action}");
    }
}
