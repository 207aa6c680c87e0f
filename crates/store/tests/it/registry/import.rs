use qunlian_domain::auth::{Role, Scope};
use qunlian_store::registry::ImportCounts;
use qunlian_testkit::*;

#[tokio::test]
async fn rerun_changes_nothing_and_edits_count_as_updates() {
    let db = TestDb::new().await;
    let s = &db.store;
    let rows: Vec<_> = (0..2500u32).map(|n| enterprise(n, &format!("上海导入{n}有限公司"), "新桥")).collect();
    let mut imp = s.registry().begin_import(&system(), false).await.unwrap();
    assert!(imp.add(&rows).await.unwrap().is_empty());
    assert_eq!(imp.commit("t1", 0).await.unwrap(), ImportCounts { imported: 2500, updated: 0, unchanged: 0 });

    let mut changed = rows.clone();
    changed[7].employees = Some(999);
    changed[2001].name = "上海改名有限公司".into();
    let mut imp = s.registry().begin_import(&system(), false).await.unwrap();
    imp.add(&changed).await.unwrap();
    assert_eq!(imp.commit("t2", 0).await.unwrap(), ImportCounts { imported: 0, updated: 2, unchanged: 2498 });
    let e = s.registry().enterprise_by_uscc(&system(), uscc(2001).as_str()).await.unwrap();
    assert_eq!(e.name, "上海改名有限公司");
    assert_eq!(s.registry().count_enterprises(&system(), &Default::default()).await.unwrap(), 2500);
}

#[tokio::test]
async fn rows_outside_the_area_are_rejected_and_a_rollback_keeps_nothing() {
    let db = TestDb::new().await;
    let s = &db.store;
    let xinqiao = user(s, "x", Role::TownAdmin, Scope::Region(town("新桥"))).await;
    let rows = vec![enterprise(1, "上海甲有限公司", "新桥"), enterprise(2, "上海乙有限公司", "九亭")];
    let mut imp = s.registry().begin_import(&xinqiao, false).await.unwrap();
    let rejects = imp.add(&rows).await.unwrap();
    assert_eq!(rejects.len(), 1);
    assert_eq!(rejects[0].index, 1);
    assert!(rejects[0].reason.contains("九亭"), "{}", rejects[0].reason);
    imp.rollback().await.unwrap();
    assert_eq!(s.registry().count_enterprises(&system(), &Default::default()).await.unwrap(), 0);

    let cluster_secretary =
        user(s, "c", Role::ClusterSecretary, Scope::Cluster(qunlian_domain::auth::ClusterId(1))).await;
    assert!(s.registry().begin_import(&cluster_secretary, false).await.is_err());
}
