//! The web tests' shared fixture: a small registry and one account per role.

use qunlian_domain::auth::{Role, Scope};
use qunlian_store::registry::NewCluster;

use crate::*;

/// A small registry and one account per role, each scoped as it would be in a district.
pub async fn app_with_accounts() -> (TestApp, Vec<(&'static str, Role)>) {
    app_with_accounts_in(TestApp::spawn().await).await
}

/// [`app_with_accounts`] in an app already spawned (e.g. with the semantic stage on).
pub async fn app_with_accounts_in(app: TestApp) -> (TestApp, Vec<(&'static str, Role)>) {
    let s = &app.db.store;
    let sys = system();
    let a = s.registry().create_enterprise(&sys, enterprise(1, "上海甲电气有限公司", "新桥")).await.unwrap();
    let b = s.registry().create_enterprise(&sys, enterprise(2, "上海乙轴承有限公司", "九亭")).await.unwrap();
    let cluster = s
        .registry()
        .create_cluster(
            &sys,
            NewCluster { structure: Some("1+1".into()), ..cluster("测试集群党委", "测试", "装备", "新桥") },
        )
        .await
        .unwrap();
    s.registry().add_cluster_member(&sys, cluster, a, true, None).await.unwrap();
    let org = s
        .registry()
        .create_org(
            &sys,
            qunlian_store::registry::NewOrg { established_on: d("2021-07-01"), ..org("乙公司党支部", vec![b]) },
        )
        .await
        .unwrap();
    // Both enterprises are high-tech: the category has one organised, one not.
    let rule = qunlian_store::coverage::NewCategory {
        name: "全部企业".into(),
        rule: "从业人数>=1".into(),
        target_pct: 100.0,
        deadline: Some(d("2027-12-31")),
        position: 1,
        is_demo: false,
    };
    s.coverage().save_category(&sys, None, rule).await.unwrap();
    let accounts = vec![
        ("district", Role::DistrictAdmin, Scope::Region(songjiang())),
        ("town", Role::TownAdmin, Scope::Region(town("新桥"))),
        ("secretary", Role::ClusterSecretary, Scope::Cluster(cluster)),
        ("branch", Role::BranchSecretary, Scope::PartyOrg(org)),
        ("contact", Role::EnterpriseContact, Scope::Enterprise(b)),
        ("officer", Role::ServiceOfficer, Scope::Department(a)),
        ("reviewer", Role::Reviewer, Scope::Nothing),
        ("leader", Role::Leader, Scope::All),
        ("sysadmin", Role::SystemAdmin, Scope::Nothing),
        ("security", Role::SecurityAdmin, Scope::Nothing),
        ("auditor", Role::AuditAdmin, Scope::Nothing),
        ("head", Role::DepartmentHead, Scope::Department(a)),
    ];
    for (name, role, scope) in &accounts {
        user(s, name, *role, scope.clone()).await;
    }
    (app, accounts.into_iter().map(|(n, r, _)| (n, r)).collect())
}

/// An `Authorization` header value for the API: a new token of the named user.
pub async fn bearer(store: &qunlian_store::Store, username: &str) -> String {
    let user = store.accounts().user_by_name(username).await.unwrap().unwrap();
    let name = format!("test-{}", hex::encode(rand::random::<[u8; 4]>()));
    format!("Bearer {}", store.accounts().create_token(&system(), user.id, &name).await.unwrap())
}
