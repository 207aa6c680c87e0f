use qunlian_domain::auth::{Role, Scope};
use qunlian_domain::registry::{OrgEventKind, OrgForm};
use qunlian_store::registry::{EnterpriseFilter, NewOrg};
use qunlian_testkit::*;

fn org(name: &str, units: Vec<qunlian_domain::auth::UnitId>, form: OrgForm) -> NewOrg {
    NewOrg { form, members_count: Some(5), ..qunlian_testkit::org(name, units) }
}

#[tokio::test]
async fn history_of_renames_dissolutions_and_merges() {
    let db = TestDb::new().await;
    let s = &db.store;
    let sys = system();
    let [a, b, c] =
        enterprises(s, [("上海甲有限公司", "新桥"), ("上海乙有限公司", "新桥"), ("上海丙有限公司", "新桥")]).await;
    let err = s.registry().create_org(&sys, org("联合支部", vec![a], OrgForm::Joint)).await.unwrap_err();
    assert!(err.to_string().contains("两个"), "{err}");
    let joint = s.registry().create_org(&sys, org("新桥联合党支部", vec![a, b], OrgForm::Joint)).await.unwrap();
    let own = s.registry().create_org(&sys, org("丙公司党支部", vec![c], OrgForm::Independent)).await.unwrap();
    let covered = EnterpriseFilter { has_org: Some(true), ..Default::default() };
    assert_eq!(s.registry().count_enterprises(&sys, &covered).await.unwrap(), 3);

    s.registry().rename_org(&sys, joint, "新桥第一联合党支部", d("2024-01-10")).await.unwrap();
    s.registry().merge_org(&sys, own, joint, d("2025-03-01")).await.unwrap();
    let merged = s.registry().party_org(&sys, joint).await.unwrap();
    assert_eq!(merged.org.name, "新桥第一联合党支部");
    assert_eq!(merged.units.len(), 3);
    assert_eq!(
        merged.events.iter().map(|e| e.kind).collect::<Vec<_>>(),
        vec![OrgEventKind::Established, OrgEventKind::Renamed, OrgEventKind::Absorbed]
    );
    let gone = s.registry().party_org(&sys, own).await.unwrap();
    assert_eq!(gone.org.dissolved_on, Some(d("2025-03-01")));

    s.registry().dissolve_org(&sys, joint, d("2026-10-31"), "企业迁出").await.unwrap();
    assert_eq!(
        s.registry().count_enterprises(&sys, &covered).await.unwrap(),
        0,
        "a dissolved organisation covers nobody"
    );
    assert_eq!(s.registry().org_tree(&sys, None, false).await.unwrap().len(), 0);
    assert_eq!(s.registry().org_tree(&sys, None, true).await.unwrap().len(), 2);

    // A branch secretary sees its own organisation and not the others.
    let other = s.registry().create_org(&sys, org("另一个支部", vec![b], OrgForm::Independent)).await.unwrap();
    let sec = user(s, "b", Role::BranchSecretary, Scope::PartyOrg(other)).await;
    let seen = s.registry().org_tree(&sec, None, true).await.unwrap();
    assert_eq!(seen.iter().map(|o| o.id).collect::<Vec<_>>(), vec![other]);
}
