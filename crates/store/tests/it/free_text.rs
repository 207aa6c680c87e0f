//! Issue #11, point 2: the free-text fields without a parser of their own (service request,
//! cluster and Party organisation forms) are refused past their limits through the store,
//! by the domain's `free_text` parsers, naming the field; nothing is written.

use qunlian_domain::auth::UnitId;
use qunlian_store::StoreError;
use qunlian_store::registry::NewCluster;
use qunlian_testkit::*;

fn refused(r: Result<impl std::fmt::Debug, StoreError>) -> String {
    match r {
        Err(e @ StoreError::Fields(_)) => e.to_string(),
        other => panic!("expected a refusal by the free-text parser, got {other:?}"),
    }
}

#[tokio::test]
async fn overlong_free_text_is_refused_naming_the_field() {
    let db = TestDb::new().await;
    let s = &db.store;
    let sys = system();
    let long = "长".repeat(201);
    let a = s.registry().create_enterprise(&sys, enterprise(901, "上海限长有限公司", "新桥")).await.unwrap();

    let e = refused(s.registry().create_org(&sys, org(&long, vec![a])).await);
    assert!(e.starts_with("组织名称：不能超过200个字（现有201个字）"), "{e}");
    let id = s.registry().create_org(&sys, org("限长党支部", vec![a])).await.unwrap();
    assert!(refused(s.registry().rename_org(&sys, id, &long, s.today()).await).starts_with("组织名称："));
    assert_eq!(s.registry().party_org(&sys, id).await.unwrap().org.name, "限长党支部");

    let new =
        NewCluster { description: "简".repeat(20_001), ..cluster("限长集群党委", "限长", "装备", "新桥") };
    assert!(refused(s.registry().create_cluster(&sys, new).await).starts_with("简介：不能超过20000个字"));
    let clusters = s.registry().list_clusters(&sys, None).await.unwrap();
    assert!(clusters.iter().all(|c| c.name != "限长集群党委"));

    let dept = department(s, 902, "上海市松江区经济委员会").await;
    let item = catalogue_item(s, service_item(dept.0, "JW-901", "限长事项")).await;
    let mut req = service_request(item, UnitId(a.0));
    req.title = long.clone();
    req.detail = "述".repeat(5_001);
    let e = refused(s.services().file_request(&sys, req).await);
    assert!(e.contains("标题：不能超过200个字") && e.contains("诉求描述：不能超过5000个字"), "{e}");
}
