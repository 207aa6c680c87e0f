use qunlian_domain::auth::{Role, Scope, UnitId};
use qunlian_store::registry::{EnterpriseFilter, EnterpriseSort};
use qunlian_store::{PageRequest, StoreError};
use qunlian_testkit::*;

async fn ids(store: &qunlian_store::Store, c: &qunlian_domain::auth::Caller) -> Vec<i64> {
    let p = store
        .registry()
        .list_enterprises(
            c,
            &EnterpriseFilter::default(),
            EnterpriseSort::Name,
            false,
            PageRequest::new(Some(1), Some(500)),
        )
        .await
        .unwrap();
    let mut v: Vec<i64> = p.items.iter().map(|e| e.id.0).collect();
    v.sort();
    v
}

#[tokio::test]
async fn every_scope_sees_only_its_enterprises() {
    let db = TestDb::new().await;
    let s = &db.store;
    let sys = system();
    let [a, b, c] = enterprises(
        s,
        [("上海甲电气有限公司", "新桥"), ("上海乙轴承有限公司", "新桥"), ("上海丙食品有限公司", "九亭")],
    )
    .await;
    let cluster = s.registry().create_cluster(&sys, cluster("测试集群党委", "测试", "装备", "新桥")).await.unwrap();
    s.registry().add_cluster_member(&sys, cluster, a, true, None).await.unwrap();

    let district = user(s, "d", Role::DistrictAdmin, Scope::Region(songjiang())).await;
    let xinqiao = user(s, "x", Role::TownAdmin, Scope::Region(town("新桥"))).await;
    let secretary = user(s, "c", Role::ClusterSecretary, Scope::Cluster(cluster)).await;
    let contact = user(s, "e", Role::EnterpriseContact, Scope::Enterprise(c)).await;
    let auditor = user(s, "au", Role::AuditAdmin, Scope::Nothing).await;

    assert_eq!(ids(s, &district).await, vec![a.0, b.0, c.0]);
    assert_eq!(ids(s, &xinqiao).await, vec![a.0, b.0]);
    assert_eq!(ids(s, &secretary).await, vec![a.0]);
    assert_eq!(ids(s, &contact).await, vec![c.0]);
    assert!(matches!(
        s.registry()
            .list_enterprises(
                &auditor,
                &EnterpriseFilter::default(),
                EnterpriseSort::Name,
                false,
                PageRequest::default()
            )
            .await,
        Err(StoreError::Forbidden)
    ));

    // Out of scope by id is "not found", never the record.
    assert!(matches!(s.registry().enterprise(&secretary, b).await, Err(StoreError::NotFound)));
    assert!(matches!(s.registry().enterprise(&contact, a).await, Err(StoreError::NotFound)));
    assert!(matches!(s.registry().enterprise(&xinqiao, UnitId(c.0)).await, Err(StoreError::NotFound)));
    // ...and the cluster secretary sees its cluster only.
    assert_eq!(s.registry().list_clusters(&secretary, None).await.unwrap().len(), 1);
    assert_eq!(s.registry().list_clusters(&contact, None).await.unwrap().len(), 0);
    // A town admin cannot register an enterprise in another town.
    let err = s.registry().create_enterprise(&xinqiao, enterprise(4, "上海丁有限公司", "九亭")).await.unwrap_err();
    assert!(err.to_string().contains("管辖范围"), "{err}");
    // Writes go through the same scope: the cluster secretary cannot edit a non-member.
    assert!(matches!(
        s.registry().update_enterprise(&secretary, b, enterprise(2, "改名", "新桥")).await,
        Err(StoreError::NotFound)
    ));
}

#[tokio::test]
async fn filters_sort_and_pages_on_the_server() {
    let db = TestDb::new().await;
    let s = &db.store;
    let sys = system();
    for n in 0..30u32 {
        let mut e = enterprise(n, &format!("上海测试{n:02}科技有限公司"), if n % 2 == 0 { "新桥" } else { "九亭" });
        e.high_tech = n % 3 == 0;
        e.employees = Some(n * 10);
        s.registry().create_enterprise(&sys, e).await.unwrap();
    }
    let f = EnterpriseFilter { region: Some(town("新桥")), high_tech: Some(true), ..Default::default() };
    // n even and divisible by 3: 0, 6, 12, 18, 24
    let p = s
        .registry()
        .list_enterprises(&sys, &f, EnterpriseSort::Employees, true, PageRequest::new(Some(1), Some(2)))
        .await
        .unwrap();
    assert_eq!(p.total, 5);
    assert_eq!(p.pages(), 3);
    assert_eq!(p.items.iter().map(|e| e.employees.unwrap()).collect::<Vec<_>>(), vec![240, 180]);
    let p3 = s
        .registry()
        .list_enterprises(&sys, &f, EnterpriseSort::Employees, true, PageRequest::new(Some(3), Some(2)))
        .await
        .unwrap();
    assert_eq!(p3.items.len(), 1);
    let by_name = EnterpriseFilter { q: Some("测试07".into()), ..Default::default() };
    assert_eq!(s.registry().count_enterprises(&sys, &by_name).await.unwrap(), 1);
    // A LIKE wildcard typed by a user is a literal character, not "anything".
    let literal = EnterpriseFilter { q: Some("%".into()), ..Default::default() };
    assert_eq!(s.registry().count_enterprises(&sys, &literal).await.unwrap(), 0);
    let by_uscc = EnterpriseFilter { q: Some(uscc(5).as_str()[..18].to_owned()), ..Default::default() };
    assert_eq!(s.registry().count_enterprises(&sys, &by_uscc).await.unwrap(), 1);
}
