use qunlian_domain::auth::{ClusterId, Role, Scope, UnitId};
use qunlian_store::policies::{NewPolicy, PolicyFilter, PushTarget, Validity};
use qunlian_store::{PageRequest, Store, StoreError};
use qunlian_testkit::*;

struct World {
    dept: UnitId,
    other_dept: UnitId,
    cluster: ClusterId,
    /// High-tech members of the cluster in 新桥, one with 200 employees.
    a: UnitId,
    b: UnitId,
    /// High-tech in 新桥, not in the cluster.
    c: UnitId,
    /// High-tech in 九亭.
    e: UnitId,
    /// Not high-tech, in the cluster.
    f: UnitId,
}

async fn world(s: &Store) -> World {
    let sys = system();
    let dept = department(s, 700, "上海市松江区经济委员会").await;
    let other_dept = department(s, 701, "上海市松江区科学技术委员会").await;
    let ent = |n: u32, name: &str, town: &str, high_tech: bool, employees: u32| {
        let mut e = enterprise(n, name, town);
        e.high_tech = high_tech;
        e.employees = Some(employees);
        e
    };
    let a = s.registry().create_enterprise(&sys, ent(710, "上海甲科技有限公司", "新桥", true, 200)).await.unwrap();
    let b = s.registry().create_enterprise(&sys, ent(711, "上海乙科技有限公司", "新桥", true, 50)).await.unwrap();
    let c = s.registry().create_enterprise(&sys, ent(712, "上海丙科技有限公司", "新桥", true, 80)).await.unwrap();
    let e = s.registry().create_enterprise(&sys, ent(713, "上海丁科技有限公司", "九亭", true, 90)).await.unwrap();
    let f = s.registry().create_enterprise(&sys, ent(714, "上海戊制造有限公司", "新桥", false, 300)).await.unwrap();
    let cluster =
        s.registry().create_cluster(&sys, cluster("政策测试集群党委", "政策测试", "装备", "新桥")).await.unwrap();
    for u in [a, b, f] {
        s.registry().add_cluster_member(&sys, cluster, u, false, None).await.unwrap();
    }
    World { dept, other_dept, cluster, a, b, c, e, f }
}

fn policy(dept: UnitId, title: &str, rule: &str, from: &str, until: Option<&str>) -> NewPolicy {
    NewPolicy {
        title: title.into(),
        department_id: dept.0,
        doc_number: "松经委〔2026〕1号".into(),
        valid_from: d(from),
        valid_until: until.map(d),
        content: "政策内容".into(),
        rule: rule.into(),
        is_demo: false,
    }
}

/// A policy the system publishes, as the demo and an import do.
async fn publish(s: &Store, dept: UnitId, title: &str, rule: &str, from: &str, until: Option<&str>) -> i64 {
    s.policies().save(&system(), None, policy(dept, title, rule, from, until)).await.unwrap()
}

#[tokio::test]
async fn eligibility_follows_the_rule_and_the_validity_dates() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let sys = system();
    // Today is 2026-11-23 in the test clock.
    let valid = publish(s, w.dept, "高企奖励", "高新技术企业", "2026-01-01", None).await;
    let big = publish(s, w.dept, "百人企业", "高新技术企业 且 从业人数>=100", "2026-01-01", Some("2026-12-31")).await;
    let expired = publish(s, w.dept, "旧政策", "高新技术企业", "2024-01-01", Some("2025-12-31")).await;
    let upcoming = publish(s, w.dept, "明年政策", "高新技术企业", "2027-01-01", None).await;
    assert_eq!(s.policies().match_count(&sys, valid).await.unwrap(), 4);
    assert_eq!(s.policies().match_count(&sys, big).await.unwrap(), 1);
    let listed = |v| PolicyFilter { validity: Some(v), ..Default::default() };
    let ids = |ps: Vec<qunlian_store::policies::Policy>| {
        let mut v: Vec<i64> = ps.iter().map(|p| p.id).collect();
        v.sort();
        v
    };
    assert_eq!(ids(s.policies().list(&sys, &listed(Validity::Valid)).await.unwrap()), vec![valid, big]);
    assert_eq!(ids(s.policies().list(&sys, &listed(Validity::Expired)).await.unwrap()), vec![expired]);
    assert_eq!(ids(s.policies().list(&sys, &listed(Validity::Upcoming)).await.unwrap()), vec![upcoming]);

    // The enterprise's own list: valid and eligible only.
    let contact_a = user(s, "ea", Role::EnterpriseContact, Scope::Enterprise(w.a)).await;
    let contact_f = user(s, "ef", Role::EnterpriseContact, Scope::Enterprise(w.f)).await;
    assert_eq!(
        ids(s.policies().my_policies(&contact_a).await.unwrap().into_iter().map(|m| m.policy).collect()),
        vec![valid, big]
    );
    assert!(s.policies().my_policies(&contact_f).await.unwrap().is_empty());
    assert!(matches!(s.policies().open_my_policy(&contact_f, valid).await, Err(StoreError::NotFound)));

    // A bad rule is refused with the parser's message naming the field.
    let bad = s
        .policies()
        .save(&sys, None, policy(w.dept, "坏规则", "高新 且 独角兽", "2026-01-01", None))
        .await
        .unwrap_err()
        .to_string();
    assert!(bad.starts_with("适用条件：") && bad.contains("独角兽"), "{bad}");
    let unknown = s
        .policies()
        .save(&sys, None, policy(w.dept, "坏园区", "园区=不存在的园区", "2026-01-01", None))
        .await
        .unwrap_err()
        .to_string();
    assert!(unknown.starts_with("适用条件：") && unknown.contains("不存在"), "{unknown}");
    // The issuing department must be a government unit.
    let not_dept = s.policies().save(&sys, None, policy(w.a, "企业发文", "高新", "2026-01-01", None)).await;
    assert!(matches!(not_dept, Err(StoreError::Invalid { field: "发文部门", .. })));

    // A service officer writes its own department's policies only; a leader none.
    let officer = user(s, "o", Role::ServiceOfficer, Scope::Department(w.dept)).await;
    s.policies()
        .save(&officer, Some(valid), policy(w.dept, "高企奖励（修订）", "高新", "2026-01-01", None))
        .await
        .unwrap();
    assert!(matches!(
        s.policies().save(&officer, None, policy(w.other_dept, "别人的", "高新", "2026-01-01", None)).await,
        Err(StoreError::Invalid { field: "发文部门", .. })
    ));
    let theirs = publish(s, w.other_dept, "科委政策", "高新", "2026-01-01", None).await;
    assert!(matches!(
        s.policies().save(&officer, Some(theirs), policy(w.dept, "抢过来", "高新", "2026-01-01", None)).await,
        Err(StoreError::Forbidden)
    ));
    let leader = user(s, "l", Role::Leader, Scope::All).await;
    assert!(matches!(
        s.policies().save(&leader, None, policy(w.dept, "x", "高新", "2026-01-01", None)).await,
        Err(StoreError::Forbidden)
    ));
    assert!(
        s.audit()
            .search(&user(s, "au", Role::AuditAdmin, Scope::Nothing).await, &Default::default(), PageRequest::default())
            .await
            .unwrap()
            .items
            .iter()
            .any(|e| e.action == "policy.update")
    );
}

#[tokio::test]
async fn a_package_push_writes_exactly_the_eligible_receipts_read_once() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let high_tech = publish(s, w.dept, "高企奖励", "高新技术企业", "2026-01-01", None).await;
    let big = publish(s, w.dept, "规模企业", "从业人数>=100", "2026-01-01", None).await;
    let expired = publish(s, w.dept, "旧政策", "高新技术企业", "2024-01-01", Some("2025-12-31")).await;
    let district = user(s, "d", Role::DistrictAdmin, Scope::Region(songjiang())).await;
    let package = [high_tech, big, expired];

    // To the cluster: high-tech members a, b; 100+ members a, f; the expired one none.
    let target = PushTarget::Cluster(w.cluster);
    let preview = s.policies().preview_push(&district, &package, &target).await.unwrap();
    assert_eq!(preview.items.iter().map(|i| i.recipients).collect::<Vec<_>>(), vec![2, 2, 0]);
    assert_eq!((preview.enterprises, preview.receipts), (3, 4));
    let push = s.policies().push_policies(&district, "年度政策包", &package, &target, false).await.unwrap();
    let detail = s.policies().policy_push(&district, push).await.unwrap();
    assert_eq!((detail.summary.enterprises, detail.summary.receipts, detail.summary.receipts_read), (3, 4, 0));
    assert_eq!(detail.items.len(), 2, "the expired policy is not sent");
    let all = s.policies().push_recipients(&district, push, None, PageRequest::default()).await.unwrap();
    let mut got: Vec<i64> = all.items.iter().map(|r| r.unit_id.0).collect();
    got.sort();
    let mut want = vec![w.a.0, w.b.0, w.f.0];
    want.sort();
    assert_eq!(got, want);

    // To a town: 新桥 high-tech a, b, c; 100+ a, f. Never 九亭's e.
    let town_push = s
        .policies()
        .push_policies(&district, "", &[high_tech, big], &PushTarget::Town(town("新桥")), false)
        .await
        .unwrap();
    let t = s.policies().policy_push(&district, town_push).await.unwrap();
    assert_eq!((t.summary.enterprises, t.summary.receipts), (4, 5));
    let whole = s.policies().push_policies(&district, "", &[high_tech], &PushTarget::Own, false).await.unwrap();
    assert_eq!(s.policies().policy_push(&district, whole).await.unwrap().summary.receipts, 4, "a, b, c and 九亭's e");
    assert!(matches!(
        s.policies().push_policies(&district, "", &[expired], &PushTarget::Own, false).await,
        Err(StoreError::Invalid { .. })
    ));

    // The enterprise sees them unread, pushed first; opening marks every receipt of that
    // policy read, once.
    let contact = user(s, "ea", Role::EnterpriseContact, Scope::Enterprise(w.a)).await;
    let mine = s.policies().my_policies(&contact).await.unwrap();
    assert!(mine.iter().all(|m| m.unread && m.pushed_at.is_some()));
    assert_eq!(s.policies().my_unread_policies(&contact).await.unwrap(), 2);
    let opened = s.policies().open_my_policy(&contact, high_tech).await.unwrap();
    assert!(!opened.unread);
    let first = opened.read_at.unwrap();
    db.clock.advance(chrono::Duration::hours(2));
    let again = s.policies().open_my_policy(&contact, high_tech).await.unwrap();
    assert_eq!(again.read_at, Some(first), "the first reading stays");
    assert_eq!(s.policies().my_unread_policies(&contact).await.unwrap(), 1);
    let detail = s.policies().policy_push(&district, push).await.unwrap();
    assert_eq!((detail.summary.receipts_read, detail.summary.enterprises_read), (1, 1));
    let read = s.policies().push_recipients(&district, push, Some(true), PageRequest::default()).await.unwrap();
    assert_eq!(read.items.iter().map(|r| r.unit_id).collect::<Vec<_>>(), vec![w.a]);
    assert_eq!(
        s.policies().push_recipients(&district, push, Some(false), PageRequest::default()).await.unwrap().total,
        2
    );
    let _ = w.e;
}

#[tokio::test]
async fn pushes_and_lists_stay_inside_the_scope() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let sys = system();
    let high_tech = publish(s, w.dept, "高企奖励", "高新技术企业", "2026-01-01", None).await;
    let other = s.registry().create_cluster(&sys, cluster("别的集群党委", "别的", "食品", "九亭")).await.unwrap();
    s.registry().add_cluster_member(&sys, other, w.e, false, None).await.unwrap();

    // A cluster secretary pushes within its cluster; beyond it is not found; its "own
    // scope" and a town both stay inside the cluster.
    let secretary = user(s, "c", Role::ClusterSecretary, Scope::Cluster(w.cluster)).await;
    assert!(matches!(
        s.policies().push_policies(&secretary, "", &[high_tech], &PushTarget::Cluster(other), false).await,
        Err(StoreError::NotFound)
    ));
    let own = s.policies().push_policies(&secretary, "", &[high_tech], &PushTarget::Own, false).await.unwrap();
    assert_eq!(s.policies().policy_push(&secretary, own).await.unwrap().summary.enterprises, 2);
    let town_push =
        s.policies().push_policies(&secretary, "", &[high_tech], &PushTarget::Town(town("新桥")), false).await.unwrap();
    assert_eq!(
        s.policies().policy_push(&secretary, town_push).await.unwrap().summary.enterprises,
        2,
        "c is not a member"
    );

    // A town admin cannot name another town.
    let xinqiao = user(s, "x", Role::TownAdmin, Scope::Region(town("新桥"))).await;
    assert!(matches!(
        s.policies().push_policies(&xinqiao, "", &[high_tech], &PushTarget::Town(town("九亭")), false).await,
        Err(StoreError::Invalid { field: "推送范围", .. })
    ));
    let district = user(s, "d", Role::DistrictAdmin, Scope::Region(songjiang())).await;
    let everywhere = s.policies().push_policies(&district, "", &[high_tech], &PushTarget::Own, false).await.unwrap();
    // The town admin sees the district's push counted over its own town only; the 九亭
    // secretary of the other cluster does not see the secretary's pushes at all.
    assert_eq!(s.policies().policy_push(&xinqiao, everywhere).await.unwrap().summary.enterprises, 3);
    let jiuting = user(s, "j", Role::ClusterSecretary, Scope::Cluster(other)).await;
    assert!(matches!(s.policies().policy_push(&jiuting, own).await, Err(StoreError::NotFound)));
    assert_eq!(
        s.policies().policy_pushes(&jiuting).await.unwrap().iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![everywhere]
    );
    assert_eq!(s.policies().policy_pushes(&jiuting).await.unwrap()[0].enterprises, 1);

    // Branch secretaries, leaders and enterprises do not push; enterprises see only their own.
    let leader = user(s, "l", Role::Leader, Scope::All).await;
    assert!(matches!(
        s.policies().push_policies(&leader, "", &[high_tech], &PushTarget::Own, false).await,
        Err(StoreError::Forbidden)
    ));
    let contact_e = user(s, "ee", Role::EnterpriseContact, Scope::Enterprise(w.e)).await;
    assert!(matches!(s.policies().policy_push(&contact_e, everywhere).await, Err(StoreError::Forbidden)));
    assert!(matches!(
        s.policies().push_policies(&contact_e, "", &[high_tech], &PushTarget::Own, false).await,
        Err(StoreError::Forbidden)
    ));
    let mine = s.policies().my_policies(&contact_e).await.unwrap();
    assert_eq!(mine.len(), 1);
    s.policies().open_my_policy(&contact_e, high_tech).await.unwrap();
    // e's reading marks only e's receipts.
    let d = s.policies().policy_push(&district, everywhere).await.unwrap().summary;
    assert_eq!((d.receipts, d.receipts_read), (4, 1));
    assert_eq!(s.policies().policy_push(&xinqiao, everywhere).await.unwrap().summary.receipts_read, 0);
    assert_eq!(s.policies().match_count(&secretary, high_tech).await.unwrap(), 2);
    let _ = (w.c, w.b, w.f, w.other_dept);
}

/// The seeds' package: 54 policies to every member of a cluster, some 11,000 receipts in one go.
#[tokio::test]
async fn a_package_of_54_policies_reaches_a_large_cluster() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let sys = system();
    for n in 0..300u32 {
        let mut e = enterprise(10_000 + n, &format!("上海集群成员{n:04}有限公司"), "新桥");
        e.high_tech = n % 3 == 0;
        let id = s.registry().create_enterprise(&sys, e).await.unwrap();
        s.registry().add_cluster_member(&sys, w.cluster, id, false, None).await.unwrap();
    }
    let mut ids = Vec::new();
    for n in 0..54 {
        let rule = if n % 2 == 0 { "高新技术企业" } else { "从业人数>=1" };
        ids.push(publish(s, w.dept, &format!("政策{n}"), rule, "2026-01-01", None).await);
    }
    let push =
        s.policies().push_policies(&sys, "54 项政策包", &ids, &PushTarget::Cluster(w.cluster), false).await.unwrap();
    let members = 303u64; // a, b, f and the 300 added
    let high_tech = 2 + 100u64;
    let detail = s.policies().policy_push(&sys, push).await.unwrap();
    assert_eq!(detail.summary.enterprises, members);
    assert_eq!(detail.summary.receipts, 27 * members + 27 * high_tech);
    assert_eq!(detail.items.len(), 54);
}
