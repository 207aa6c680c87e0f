use qunlian_domain::bodies::{GrantFields, RawGrant, RawUse, UseFields};

use super::*;

fn grant(scope: i64, on: &str) -> GrantFields {
    GrantFields::parse(&RawGrant {
        scope: scope.to_string(),
        granted_by: "新桥镇党委".into(),
        document_no: "新委〔2019〕8号".into(),
        granted_on: on.into(),
        content: "对集群内人才评选出具推荐意见".into(),
    })
    .unwrap()
}

fn use_of(power: i64, on: &str) -> UseFields {
    UseFields::parse(&RawUse {
        power: power.to_string(),
        used_on: on.into(),
        matter: "人才评选中出具集群党委意见".into(),
        concerned: "上海甲装备有限公司".into(),
        outcome: "推荐2人，均入选".into(),
    })
    .unwrap()
}

#[tokio::test]
async fn the_town_grants_its_clusters_powers_and_the_secretary_logs_their_uses() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let b = s.bodies();
    let scopes = b.scopes(&w.xinqiao_admin).await.unwrap();
    assert_eq!(scopes.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["人才服务", "建议咨询", "监督评价"]);
    let talent = scopes[0].id;

    // Granting: the town its own cluster, the district any of its area; no one else.
    let p = b.grant(&w.xinqiao_admin, w.xinqiao.0, grant(talent, "2019-06-01"), false).await.unwrap();
    assert!(is_not_found(b.grant(&w.jiuting_admin, w.xinqiao.0, grant(talent, "2019-06-01"), false).await));
    assert!(is_forbidden(b.grant(&w.xinqiao_secretary, w.xinqiao.0, grant(talent, "2019-06-01"), false).await));
    assert!(is_forbidden(b.grant(&w.hr_officer, w.xinqiao.0, grant(talent, "2019-06-01"), false).await));
    let other = b.grant(&w.district, w.jiuting.0, grant(scopes[2].id, "2020-01-01"), false).await.unwrap();
    assert!(
        refused(b.grant(&w.district, w.jiuting.0, grant(9_999, "2020-01-01"), false).await).starts_with("赋权范围")
    );

    // Logging uses: the cluster's own secretary, of its own committee's powers, after the grant.
    let u = b.log_use(&w.xinqiao_secretary, w.xinqiao.0, use_of(p, "2026-03-02"), false).await.unwrap();
    assert!(u > 0);
    assert!(is_not_found(b.log_use(&w.jiuting_secretary, w.xinqiao.0, use_of(p, "2026-03-02"), false).await));
    assert!(is_forbidden(b.log_use(&w.xinqiao_admin, w.xinqiao.0, use_of(p, "2026-03-02"), false).await));
    assert!(
        refused(b.log_use(&w.xinqiao_secretary, w.xinqiao.0, use_of(p, "2019-05-31"), false).await)
            .contains("行使日期：不能早于赋权日期（2019-06-01）")
    );
    assert!(
        refused(b.log_use(&w.xinqiao_secretary, w.xinqiao.0, use_of(other, "2026-03-02"), false).await)
            .starts_with("行使的权限")
    );

    // What each sees.
    let seen = b.powers(&w.xinqiao_admin, w.xinqiao.0).await.unwrap();
    assert_eq!(seen.powers.len(), 1);
    assert_eq!((seen.powers[0].scope.as_str(), seen.powers[0].uses), ("人才服务", 1));
    assert_eq!(seen.uses[0].outcome, "推荐2人，均入选");
    assert!(is_not_found(b.powers(&w.jiuting_admin, w.xinqiao.0).await));
    assert!(is_not_found(b.powers(&w.jiuting_secretary, w.xinqiao.0).await));
    let listed: Vec<(String, usize)> =
        b.clusters(&w.xinqiao_admin).await.unwrap().into_iter().map(|c| (c.name, c.powers)).collect();
    assert_eq!(listed, [("新桥现代装备产业集群党委".to_owned(), 1)]);
    assert_eq!(audited(s, "cluster_power.").await.len(), 3);
}

#[tokio::test]
async fn an_administrator_adds_to_the_list_of_scopes() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let b = s.bodies();
    b.add_scope(&w.district, " 人才公寓服务 ").await.unwrap();
    assert_eq!(b.scopes(&w.contact_a).await.unwrap().last().unwrap().name, "人才公寓服务");
    assert!(refused(b.add_scope(&w.xinqiao_admin, "人才服务").await).contains("“人才服务”已在列表中"));
    assert!(refused(b.add_scope(&w.xinqiao_admin, "  ").await).contains("赋权范围名称：不能为空"));
    assert!(is_forbidden(b.add_scope(&w.xinqiao_secretary, "评优推荐").await));
    assert_eq!(audited(s, "power_scope.").await, ["power_scope.add"]);
}
