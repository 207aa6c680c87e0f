//! Park, cluster, alliance and pairing edits, other kinds of unit, and org mergers from the
//! page: who may, within which scope, what is refused by name, and what is audited.

use qunlian_domain::RegionCode;
use qunlian_domain::auth::{Caller, ClusterId, Role, Scope};
use qunlian_domain::registry::{OrgForm, OrgKind, UnitKind};
use qunlian_store::audit::AuditFilter;
use qunlian_store::registry::{ClusterEdit, EnterpriseFilter, EnterpriseSort, NewCluster, NewOrg};
use qunlian_store::{PageRequest, Store, StoreError};
use qunlian_testkit::*;

async fn audited(s: &Store, action: &str) -> Vec<String> {
    crate::audit_of(s, action).await.items.into_iter().map(|e| e.detail).collect()
}

fn invalid_field(e: StoreError) -> &'static str {
    match e {
        StoreError::Invalid { field, .. } => field,
        other => panic!("expected a field error, got {other:?}"),
    }
}

async fn cluster(s: &Store, town_name: &str) -> ClusterId {
    s.registry()
        .create_cluster(
            &system(),
            NewCluster {
                structure: Some("1+1".into()),
                established_on: Some(d("2021-06-01")),
                ..qunlian_testkit::cluster(&format!("{town_name}装备产业集群党委"), "", "装备", town_name)
            },
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn parks_are_renamed_moved_and_nested_within_the_callers_area() {
    let db = TestDb::new().await;
    let s = &db.store;
    let sys = system();
    let zone = s.registry().create_park(&sys, "松江经济技术开发区", &town("新桥"), None).await.unwrap();
    let sub = s.registry().create_park(&sys, "新桥园", &town("新桥"), None).await.unwrap();
    let other = s.registry().create_park(&sys, "九亭园", &town("九亭"), None).await.unwrap();
    let mut input = enterprise(1, "上海甲有限公司", "新桥");
    input.park = Some("新桥园".into());
    s.registry().create_enterprise(&sys, input).await.unwrap();
    let dup = s.registry().create_park(&sys, "新桥园", &town("新桥"), None).await.unwrap_err();
    assert_eq!(invalid_field(dup), "园区名称");

    s.registry().update_park(&sys, sub, "新桥分园", &town("新桥"), Some(zone)).await.unwrap();
    let detail = s.registry().park(&sys, zone).await.unwrap();
    assert_eq!(detail.children.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), vec!["新桥分园"]);
    assert_eq!(detail.park.enterprises, 1, "a park counts the enterprises of its sub-parks");
    let listed = EnterpriseFilter { park: Some(zone), ..Default::default() };
    assert_eq!(s.registry().count_enterprises(&sys, &listed).await.unwrap(), 1, "the figure is its drill-down");
    assert_eq!(s.registry().park(&sys, sub).await.unwrap().parent, Some((zone, "松江经济技术开发区".into())));

    // A park cannot sit below itself or below its own sub-park.
    assert_eq!(
        invalid_field(
            s.registry().update_park(&sys, zone, "松江经济技术开发区", &town("新桥"), Some(zone)).await.unwrap_err()
        ),
        "上级园区"
    );
    assert_eq!(
        invalid_field(
            s.registry().update_park(&sys, zone, "松江经济技术开发区", &town("新桥"), Some(sub)).await.unwrap_err()
        ),
        "上级园区"
    );
    assert_eq!(
        invalid_field(s.registry().update_park(&sys, sub, "九亭园", &town("新桥"), None).await.unwrap_err()),
        "园区名称"
    );
    assert_eq!(
        invalid_field(s.registry().update_park(&sys, sub, " ", &town("新桥"), None).await.unwrap_err()),
        "园区名称"
    );
    let district = RegionCode::parse("310117").unwrap();
    assert_eq!(
        invalid_field(s.registry().update_park(&sys, sub, "新桥分园", &district, None).await.unwrap_err()),
        "所属街镇"
    );

    // A town administrator works on its own parks only, and keeps them in its town.
    let xinqiao = user(s, "xq", Role::TownAdmin, Scope::Region(town("新桥"))).await;
    assert!(matches!(s.registry().park(&xinqiao, other).await, Err(StoreError::NotFound)));
    assert!(matches!(
        s.registry().update_park(&xinqiao, other, "九亭园", &town("九亭"), None).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        invalid_field(s.registry().update_park(&xinqiao, sub, "新桥分园", &town("九亭"), None).await.unwrap_err()),
        "所属街镇"
    );
    assert_eq!(
        invalid_field(
            s.registry().update_park(&xinqiao, sub, "新桥分园", &town("新桥"), Some(other)).await.unwrap_err()
        ),
        "上级园区",
        "a parent outside the area is not offered"
    );
    s.registry().update_park(&xinqiao, sub, "新桥园", &town("新桥"), None).await.unwrap();
    let leader = user(s, "leader", Role::Leader, Scope::All).await;
    assert!(s.registry().park(&leader, sub).await.is_ok());
    assert!(matches!(
        s.registry().update_park(&leader, sub, "x", &town("新桥"), None).await,
        Err(StoreError::Forbidden)
    ));
    let log = audited(s, "park.update").await;
    assert_eq!(log.len(), 2, "{log:?}");
    assert!(
        log.iter().any(|l| l.contains("新桥园 → 新桥分园") && l.contains("上级园区：松江经济技术开发区")),
        "{log:?}"
    );
}

#[tokio::test]
async fn clusters_are_edited_and_members_leave_with_their_history() {
    let db = TestDb::new().await;
    let s = &db.store;
    let sys = system();
    let [a, b] = enterprises(s, [("上海甲有限公司", "新桥"), ("上海乙有限公司", "九亭")]).await;
    let c = cluster(s, "新桥").await;
    s.registry().add_cluster_member(&sys, c, a, true, Some(d("2021-06-01"))).await.unwrap();
    s.registry().add_cluster_member(&sys, c, b, false, Some(d("2022-01-01"))).await.unwrap();
    let org = |name: &str, units| NewOrg {
        kind: OrgKind::Committee,
        form: OrgForm::Activity,
        town_code: Some(town("新桥").to_string()),
        established_on: d("2021-06-01"),
        ..org(name, units)
    };
    let committee = s.registry().create_org(&sys, org("新桥装备集群党委", vec![])).await.unwrap();
    let outsider = s.registry().create_enterprise(&sys, enterprise(3, "上海丙有限公司", "新桥")).await.unwrap();
    let elsewhere = s.registry().create_org(&sys, org("丙公司党委", vec![outsider])).await.unwrap();

    let edit = ClusterEdit {
        name: "新桥高端装备产业集群党委".into(),
        short_name: "新桥装备".into(),
        industry_focus: "高端装备".into(),
        industry_codes: vec!["34".into()],
        structure: Some("1+8".into()),
        committee: Some(committee),
        description: "龙头带动".into(),
        established_on: Some(d("2021-07-01")),
    };
    s.registry().update_cluster(&sys, c, edit.clone()).await.unwrap();
    let detail = s.registry().cluster(&sys, c).await.unwrap();
    assert_eq!(detail.committee, Some((committee.0, "新桥装备集群党委".into())));
    assert_eq!(
        (detail.cluster.name.as_str(), detail.cluster.structure.as_deref(), detail.description.as_str()),
        ("新桥高端装备产业集群党委", Some("1+8"), "龙头带动")
    );
    assert_eq!(detail.cluster.established_on, Some(d("2021-07-01")));
    let empty = ClusterEdit { name: " ".into(), ..edit.clone() };
    assert_eq!(invalid_field(s.registry().update_cluster(&sys, c, empty).await.unwrap_err()), "集群名称");

    // 九亭 sees the cluster through its member, but the cluster is seated in 新桥.
    let jiuting = user(s, "jt", Role::TownAdmin, Scope::Region(town("九亭"))).await;
    assert!(s.registry().cluster(&jiuting, c).await.is_ok());
    assert!(matches!(s.registry().update_cluster(&jiuting, c, edit.clone()).await, Err(StoreError::Forbidden)));
    // Its own member it may let go; not the head enterprise in 新桥.
    assert!(matches!(
        s.registry().remove_cluster_member(&jiuting, c, a, d("2026-01-01")).await,
        Err(StoreError::NotFound)
    ));
    // An enterprise contact sees the cluster but does not run it.
    let contact = user(s, "ct", Role::EnterpriseContact, Scope::Enterprise(b)).await;
    assert!(matches!(
        s.registry().remove_cluster_member(&contact, c, b, d("2026-01-01")).await,
        Err(StoreError::Forbidden)
    ));
    assert!(matches!(s.registry().update_cluster(&contact, c, edit.clone()).await, Err(StoreError::Forbidden)));
    // The cluster's own secretary edits it.
    let secretary = user(s, "sec", Role::ClusterSecretary, Scope::Cluster(c)).await;
    s.registry()
        .update_cluster(&secretary, c, ClusterEdit { structure: Some("1+9".into()), ..edit.clone() })
        .await
        .unwrap();
    // Its committee it keeps or changes to one of its own organisations only.
    let moved = ClusterEdit { committee: Some(elsewhere), ..edit.clone() };
    assert_eq!(invalid_field(s.registry().update_cluster(&secretary, c, moved).await.unwrap_err()), "集群党组织");

    assert_eq!(
        invalid_field(s.registry().remove_cluster_member(&jiuting, c, b, d("2021-12-31")).await.unwrap_err()),
        "退出日期"
    );
    s.registry().remove_cluster_member(&jiuting, c, b, d("2026-03-31")).await.unwrap();
    let detail = s.registry().cluster(&sys, c).await.unwrap();
    assert_eq!(detail.members.iter().map(|m| m.unit_id).collect::<Vec<_>>(), vec![a.0]);
    assert_eq!(detail.former_members.len(), 1);
    assert_eq!(
        (detail.former_members[0].joined_on, detail.former_members[0].left_on),
        (Some(d("2022-01-01")), Some(d("2026-03-31")))
    );
    assert_eq!(detail.cluster.members, 1);
    assert!(matches!(s.registry().remove_cluster_member(&sys, c, b, d("2026-04-01")).await, Err(StoreError::NotFound)));
    // Having left, 九亭 no longer sees the cluster at all.
    assert!(matches!(s.registry().cluster(&jiuting, c).await, Err(StoreError::NotFound)));

    // Member regions across provinces; adding one twice changes nothing.
    let jiashan = RegionCode::parse("330421").unwrap();
    s.registry().add_cluster_region(&secretary, c, &jiashan).await.unwrap();
    s.registry().add_cluster_region(&secretary, c, &jiashan).await.unwrap();
    let regions = s.registry().cluster(&sys, c).await.unwrap().regions;
    assert_eq!(regions.iter().filter(|r| r.0 == "330421").count(), 1);
    assert!(regions.iter().any(|r| r.1.starts_with("浙江省")), "{regions:?}");
    assert!(matches!(s.registry().add_cluster_region(&contact, c, &jiashan).await, Err(StoreError::Forbidden)));

    assert_eq!(audited(s, "cluster.update").await.len(), 2);
    assert!(audited(s, "cluster.member.remove").await[0].contains("上海乙有限公司"));
    assert_eq!(audited(s, "cluster.region.add").await.len(), 1);
}

#[tokio::test]
async fn alliances_keep_the_members_a_caller_cannot_see() {
    let db = TestDb::new().await;
    let s = &db.store;
    let sys = system();
    let [a, b, c] =
        enterprises(s, [("上海甲有限公司", "新桥"), ("上海乙有限公司", "九亭"), ("上海丙有限公司", "新桥")]).await;
    let id = s.registry().create_alliance(&sys, "跨镇党建联盟", "", None, &[a, b], false).await.unwrap();
    let xinqiao = user(s, "xq", Role::TownAdmin, Scope::Region(town("新桥"))).await;
    let seen = s.registry().alliance(&xinqiao, id).await.unwrap();
    assert_eq!(seen.alliance.members, vec![(a.0, "上海甲有限公司".to_owned())]);
    assert_eq!(seen.hidden_members, 1);

    // 新桥 swaps 甲 for 丙; 乙 in 九亭 stays a member.
    s.registry()
        .update_alliance(&xinqiao, id, "松江跨镇党建联盟", "共建共享", Some(d("2024-05-01")), &[c])
        .await
        .unwrap();
    let all = s.registry().alliance(&sys, id).await.unwrap();
    assert_eq!(all.alliance.name, "松江跨镇党建联盟");
    let mut members: Vec<i64> = all.alliance.members.iter().map(|m| m.0).collect();
    members.sort();
    assert_eq!(members, vec![b.0, c.0]);
    assert_eq!(all.alliance.established_on, Some(d("2024-05-01")));
    assert!(audited(s, "alliance.update").await[0].contains("加入1家，退出1家"));

    // An enterprise sees the alliance but may not rename what others belong to.
    let contact = user(s, "ct", Role::EnterpriseContact, Scope::Enterprise(b)).await;
    assert!(s.registry().alliance(&contact, id).await.is_ok());
    assert!(matches!(
        s.registry().update_alliance(&contact, id, "x", "", None, &[b]).await,
        Err(StoreError::Forbidden)
    ));
    // Outside every member, the alliance does not exist for the caller.
    let jiuting_only = s.registry().create_alliance(&sys, "九亭联盟", "", None, &[b], false).await.unwrap();
    assert!(matches!(s.registry().alliance(&xinqiao, jiuting_only).await, Err(StoreError::NotFound)));
    assert!(matches!(
        s.registry().update_alliance(&xinqiao, jiuting_only, "x", "", None, &[a]).await,
        Err(StoreError::NotFound)
    ));
    // Its only member may edit it, but not leave it empty.
    s.registry().update_alliance(&contact, jiuting_only, "九亭企业联盟", "", None, &[b]).await.unwrap();
    let e = s.registry().update_alliance(&contact, jiuting_only, "九亭企业联盟", "", None, &[]).await.unwrap_err();
    assert_eq!(invalid_field(e), "成员单位");
    let e = s.registry().update_alliance(&sys, id, "", "", None, &[a]).await.unwrap_err();
    assert_eq!(invalid_field(e), "联盟名称");
    let leader = user(s, "leader", Role::Leader, Scope::All).await;
    assert!(matches!(s.registry().update_alliance(&leader, id, "x", "", None, &[a]).await, Err(StoreError::Forbidden)));
}

#[tokio::test]
async fn pairings_are_edited_and_ended_with_a_date() {
    let db = TestDb::new().await;
    let s = &db.store;
    let sys = system();
    let [a, b] = enterprises(s, [("上海甲有限公司", "新桥"), ("上海乙有限公司", "九亭")]).await;
    let p = school_pairing(s, a).await;
    let contact = user(s, "ct", Role::EnterpriseContact, Scope::Enterprise(a)).await;
    s.registry().update_pairing(&contact, p, "共建实训基地", Some(d("2023-09-01")), None).await.unwrap();
    assert_eq!(s.registry().pairing(&sys, p).await.unwrap().content, "共建实训基地");
    let e =
        s.registry().update_pairing(&contact, p, "", Some(d("2023-09-01")), Some(d("2023-08-01"))).await.unwrap_err();
    assert_eq!(invalid_field(e), "结束日期");
    assert_eq!(invalid_field(s.registry().end_pairing(&contact, p, d("2023-01-01")).await.unwrap_err()), "结束日期");
    s.registry().end_pairing(&contact, p, d("2026-07-01")).await.unwrap();
    let ended = s.registry().pairing(&sys, p).await.unwrap();
    assert_eq!(ended.ended_on, Some(d("2026-07-01")));
    assert_eq!(s.registry().list_pairings(&sys).await.unwrap()[0].ended_on, Some(d("2026-07-01")), "the list keeps it");
    let again = s.registry().end_pairing(&contact, p, d("2026-08-01")).await.unwrap_err();
    assert!(again.to_string().contains("已于2026-07-01结束"), "{again}");

    let other = user(s, "other", Role::EnterpriseContact, Scope::Enterprise(b)).await;
    assert!(matches!(s.registry().pairing(&other, p).await, Err(StoreError::NotFound)));
    assert!(matches!(s.registry().end_pairing(&other, p, d("2026-08-01")).await, Err(StoreError::NotFound)));
    let leader = user(s, "leader", Role::Leader, Scope::All).await;
    assert!(s.registry().pairing(&leader, p).await.is_ok());
    assert!(matches!(s.registry().update_pairing(&leader, p, "", None, None).await, Err(StoreError::Forbidden)));
    assert_eq!(audited(s, "pairing.update").await.len(), 1);
    assert_eq!(audited(s, "pairing.end").await.len(), 1);
}

#[tokio::test]
async fn schools_cooperatives_and_departments_are_units_like_enterprises() {
    let db = TestDb::new().await;
    let s = &db.store;
    let sys = system();
    s.registry().create_enterprise(&sys, enterprise(1, "上海甲有限公司", "新桥")).await.unwrap();
    let school = s
        .registry()
        .create_unit(&sys, enterprise(2, "上海市新桥职业技术学校", "新桥"), UnitKind::School, false)
        .await
        .unwrap();
    let coop = s
        .registry()
        .create_unit(&sys, enterprise(3, "新桥蔬果专业合作社", "新桥"), UnitKind::Cooperative, false)
        .await
        .unwrap();
    let list = |s: &Store, c: &Caller, kind: UnitKind| {
        let f = EnterpriseFilter { kind: Some(kind), ..Default::default() };
        let s = s.clone();
        let c = c.clone();
        async move {
            s.registry()
                .list_enterprises(&c, &f, EnterpriseSort::Name, false, PageRequest::default())
                .await
                .unwrap()
                .items
                .into_iter()
                .map(|e| e.name)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(list(s, &sys, UnitKind::School).await, vec!["上海市新桥职业技术学校"]);
    assert_eq!(list(s, &sys, UnitKind::Enterprise).await, vec!["上海甲有限公司"]);
    // A kind registered by mistake is corrected; the audit names the change.
    s.registry()
        .update_unit(&sys, coop, enterprise(3, "新桥蔬果专业合作社", "新桥"), Some(UnitKind::Research))
        .await
        .unwrap();
    assert_eq!(s.registry().enterprise(&sys, coop).await.unwrap().kind_label, "科研院所");
    assert!(audited(s, "unit.update").await[0].contains("单位类型：合作社 → 科研院所"));
    // Editing without a kind keeps it.
    s.registry().update_enterprise(&sys, school, enterprise(2, "上海市新桥职业学校", "新桥")).await.unwrap();
    assert_eq!(s.registry().enterprise(&sys, school).await.unwrap().kind, UnitKind::School);
}

#[tokio::test]
async fn a_merger_needs_a_living_target_in_scope() {
    let db = TestDb::new().await;
    let s = &db.store;
    let sys = system();
    let [a, b] = enterprises(s, [("上海甲有限公司", "新桥"), ("上海乙有限公司", "九亭")]).await;
    let org = |name: &str, unit| org(name, vec![unit]);
    let oa = s.registry().create_org(&sys, org("甲支部", a)).await.unwrap();
    let ob = s.registry().create_org(&sys, org("乙支部", b)).await.unwrap();
    let gone = s.registry().create_org(&sys, org("已撤销支部", a)).await.unwrap();
    s.registry().dissolve_org(&sys, gone, d("2024-01-01"), "企业迁出").await.unwrap();
    assert_eq!(invalid_field(s.registry().merge_org(&sys, oa, gone, d("2025-01-01")).await.unwrap_err()), "并入组织");
    assert_eq!(invalid_field(s.registry().merge_org(&sys, gone, oa, d("2025-01-01")).await.unwrap_err()), "并入日期");
    assert_eq!(invalid_field(s.registry().merge_org(&sys, oa, ob, d("2019-01-01")).await.unwrap_err()), "并入日期");
    // 新桥 cannot merge its branch into one in 九亭 it does not see.
    let xinqiao = user(s, "xq", Role::TownAdmin, Scope::Region(town("新桥"))).await;
    assert_eq!(invalid_field(s.registry().merge_org(&xinqiao, oa, ob, d("2025-01-01")).await.unwrap_err()), "并入组织");
    s.registry().merge_org(&sys, oa, ob, d("2025-01-01")).await.unwrap();
    assert_eq!(s.registry().party_org(&sys, ob).await.unwrap().units.len(), 2);
    assert_eq!(s.registry().party_org(&sys, oa).await.unwrap().org.dissolved_on, Some(d("2025-01-01")));
}

#[tokio::test]
async fn an_organisation_changes_parent_secretary_and_size_with_its_history() {
    use qunlian_store::registry::OrgEdit;
    let db = TestDb::new().await;
    let s = &db.store;
    let sys = system();
    let [a, b] = enterprises(s, [("上海甲有限公司", "新桥"), ("上海乙有限公司", "九亭")]).await;
    let org = |name: &str, unit, parent| NewOrg { parent, ..org(name, vec![unit]) };
    let top = s.registry().create_org(&sys, org("新桥党委", a, None)).await.unwrap();
    let branch = s.registry().create_org(&sys, org("甲支部", a, None)).await.unwrap();
    let jiuting = s.registry().create_org(&sys, org("乙支部", b, None)).await.unwrap();
    let edit =
        |parent, n| OrgEdit { parent, secretary_name: Some("王芳".into()), members_count: n, on: d("2026-01-01") };
    s.registry().update_org(&sys, branch, edit(Some(top), Some(12))).await.unwrap();
    let detail = s.registry().party_org(&sys, branch).await.unwrap();
    assert_eq!(detail.parent, Some((top.0, "新桥党委".into())));
    assert_eq!((detail.org.secretary_name.as_deref(), detail.org.members_count), (Some("王芳"), Some(12)));
    assert_eq!(detail.events.last().map(|e| e.kind_label), Some("隶属关系调整"));
    assert_eq!(
        s.registry().org_tree(&sys, None, false).await.unwrap().iter().find(|o| o.id == branch).unwrap().depth,
        1
    );
    assert_eq!(
        invalid_field(s.registry().update_org(&sys, top, edit(Some(branch), None)).await.unwrap_err()),
        "上级组织"
    );
    assert_eq!(invalid_field(s.registry().update_org(&sys, top, edit(Some(top), None)).await.unwrap_err()), "上级组织");
    assert_eq!(invalid_field(s.registry().update_org(&sys, top, edit(None, Some(-1))).await.unwrap_err()), "党员数");
    let xinqiao = user(s, "xq", Role::TownAdmin, Scope::Region(town("新桥"))).await;
    assert_eq!(
        invalid_field(s.registry().update_org(&xinqiao, branch, edit(Some(jiuting), None)).await.unwrap_err()),
        "上级组织"
    );
    assert!(matches!(s.registry().update_org(&xinqiao, jiuting, edit(None, None)).await, Err(StoreError::NotFound)));
    let leader = user(s, "leader", Role::Leader, Scope::All).await;
    assert!(matches!(s.registry().update_org(&leader, branch, edit(None, None)).await, Err(StoreError::Forbidden)));
    assert_eq!(audited(s, "org.update").await.len(), 1);
}

/// What the audit administrator reads is Chinese, whichever way the enterprise was changed:
/// the form's text once read “从业人数：Some(80) → Some(120)；高新：false → true” and the log's
/// own search line “查询审计日志：None”; the form and the import now share one wording.
#[tokio::test]
async fn an_edit_and_an_audit_search_read_in_chinese() {
    let db = TestDb::new().await;
    let s = &db.store;
    let sys = system();
    let mut before = enterprise(1, "上海甲有限公司", "新桥");
    before.employees = Some(80);
    let id = s.registry().create_enterprise(&sys, before.clone()).await.unwrap();
    let mut after = before.clone();
    after.employees = Some(120);
    after.high_tech = true;
    after.industry = Some(qunlian_domain::IndustryCode::parse("C3421").unwrap());
    after.address = Some("新桥镇新茸路1号".into());
    s.registry().update_enterprise(&sys, id, after).await.unwrap();
    let text = audited(s, "unit.update").await.remove(0);
    for part in [
        "从业人数：80 → 120",
        "高新：否 → 是",
        "行业：（空） → 3421 金属切削机床制造",
        "地址：（空） → 新桥镇新茸路1号",
    ] {
        assert!(text.contains(part), "{part} not in {text}");
    }
    for debug in ["Some(", "None", "true", "false"] {
        assert!(!text.contains(debug), "{debug} in {text}");
    }
    let auditor = user(s, "auditor", Role::AuditAdmin, Scope::Nothing).await;
    let filter = AuditFilter { q: Some("上海甲".into()), ..Default::default() };
    s.audit().search(&auditor, &filter, PageRequest::default()).await.unwrap();
    s.audit().search(&auditor, &AuditFilter::default(), PageRequest::default()).await.unwrap();
    let searches = audited(s, "audit.search").await;
    assert!(searches.iter().any(|t| t == "查询审计日志：关键词“上海甲”"), "{searches:?}");
    assert!(searches.iter().any(|t| t == "查询审计日志：全部"), "{searches:?}");
}
