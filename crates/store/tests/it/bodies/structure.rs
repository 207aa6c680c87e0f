//! A cluster's "1+8" read from the organisation tree, formal and activity-type committees,
//! the district facts, and secretary studios named by activities and projects.

use qunlian_domain::activities::{ActivityFields, ActivityKind, Attendance, Organiser, OrganiserKind};
use qunlian_domain::bodies::{RawStudio, StudioFields, StudioTarget};
use qunlian_domain::registry::{OrgForm, OrgKind};
use qunlian_store::registry::{NewCluster, NewOrg};

use super::*;

fn committee(name: &str, form: OrgForm) -> NewOrg {
    NewOrg { kind: OrgKind::Committee, form, town_code: Some(town("新桥").to_string()), ..org(name, Vec::new()) }
}

#[tokio::test]
async fn the_structure_is_counted_from_the_tree_and_the_committee_form_shown() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let sys = system();
    let reg = s.registry();
    let top = reg.create_org(&sys, committee("上海甲集群党委", OrgForm::Independent)).await.unwrap();
    let id = reg
        .create_cluster(
            &sys,
            NewCluster {
                committee: Some(top),
                structure: Some("9+9".into()),
                ..cluster("上海甲集群党委", "甲集群", "装备", "新桥")
            },
        )
        .await
        .unwrap();
    let head = UnitId(w.a.0);
    reg.add_cluster_member(&sys, id, head, true, None).await.unwrap();
    reg.add_cluster_member(&sys, id, w.b, false, None).await.unwrap();
    // Nothing under the committee yet: the typed text stays, no formula.
    let b = s.bodies();
    let before = b.cluster_structure(&w.district, id.0).await.unwrap();
    assert_eq!((before.formula.as_deref(), before.typed.as_deref()), (None, Some("9+9")));
    assert_eq!(before.form_label, "实体型");

    // The head enterprise's committee with three branches, and two member branches.
    let head_org = reg
        .create_org(&sys, NewOrg { parent: Some(top), kind: OrgKind::Committee, ..org("甲公司党委", vec![head]) })
        .await
        .unwrap();
    // Created out of order: shown by their numbers' value, not as recorded nor as strings.
    for n in [10, 2, 1] {
        reg.create_org(&sys, NewOrg { parent: Some(head_org), ..org(&format!("甲公司第{n}党支部"), vec![head]) })
            .await
            .unwrap();
    }
    reg.create_org(&sys, NewOrg { parent: Some(top), ..org("乙公司党支部", vec![w.b]) }).await.unwrap();
    let c_branch = reg.create_org(&sys, org("丙公司党支部", vec![w.c])).await.unwrap();
    reg.create_org(&sys, NewOrg { parent: Some(top), ..org("丙公司党支部（集群内）", vec![w.c]) }).await.unwrap();
    let shown = b.cluster_structure(&w.xinqiao_admin, id.0).await.unwrap();
    assert_eq!(shown.formula.as_deref(), Some("1+2"));
    assert_eq!(shown.heads.len(), 1);
    assert_eq!((shown.heads[0].name.as_str(), shown.heads[0].children.len()), ("甲公司党委", 3));
    let branches: Vec<&str> = shown.heads[0].children.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(branches, ["甲公司第1党支部", "甲公司第2党支部", "甲公司第10党支部"]);
    let members: Vec<&str> = shown.members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(members, ["丙公司党支部（集群内）", "乙公司党支部"]);
    assert!(shown.unplaced.is_empty(), "{:?}", shown.unplaced);

    // Another town's admin does not see the cluster at all (no member of its town yet).
    assert!(is_not_found(b.cluster_structure(&w.jiuting_admin, id.0).await));

    // A member's branch elsewhere in the tree is named as not placed.
    reg.add_cluster_member(&sys, id, w.c, false, None).await.unwrap();
    let shown = b.cluster_structure(&w.xinqiao_admin, id.0).await.unwrap();
    assert_eq!(shown.unplaced, vec![(c_branch.0, "丙公司党支部".to_owned())]);

    // An activity-type committee is shown so, on the structure and on the index.
    let pilot = reg.create_org(&sys, committee("上海乙活动型集群党委", OrgForm::Activity)).await.unwrap();
    let pilot_cluster = reg
        .create_cluster(
            &sys,
            NewCluster {
                committee: Some(pilot), ..cluster("上海乙活动型集群党委", "乙", "旅游", "新桥")
            },
        )
        .await
        .unwrap();
    let p = b.cluster_structure(&w.district, pilot_cluster.0).await.unwrap();
    assert!(p.activity_type && p.form_label == "活动型");
    let lines = b.clusters(&w.district).await.unwrap();
    let form_of = |cid: i64| lines.iter().find(|l| l.id == cid).map(|l| l.form).unwrap();
    assert_eq!(
        (form_of(id.0), form_of(pilot_cluster.0), form_of(w.jiuting.0)),
        ("实体型", "活动型", "未登记集群党组织")
    );
}

#[tokio::test]
async fn region_facts_are_kept_by_area_and_shown_to_its_people() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let b = s.bodies();
    b.add_region_fact(&w.district, &songjiang(), "全区人才总量31万人", Some("003"), true).await.unwrap();
    b.add_region_fact(&w.xinqiao_admin, &town("新桥"), "新桥镇的演示事实", None, true).await.unwrap();
    assert!(refused(b.add_region_fact(&w.xinqiao_admin, &songjiang(), "越界", None, true).await).contains("地区"));
    assert!(refused(b.add_region_fact(&w.district, &songjiang(), "  ", None, true).await).contains("内容"));
    assert!(is_forbidden(b.add_region_fact(&w.xinqiao_secretary, &town("新桥"), "集群", None, true).await));
    let texts = |v: Vec<qunlian_store::bodies::RegionFact>| v.into_iter().map(|f| f.text).collect::<Vec<_>>();
    // 新桥 sees the district's and its own; 九亭 the district's only.
    assert_eq!(texts(b.region_facts(&w.xinqiao_admin).await.unwrap()), ["全区人才总量31万人", "新桥镇的演示事实"]);
    assert_eq!(texts(b.region_facts(&w.jiuting_admin).await.unwrap()), ["全区人才总量31万人"]);
    let shown = b.region_facts(&w.district).await.unwrap();
    assert_eq!((shown[0].source.as_deref(), shown[0].is_demo), (Some("003"), true));
    assert!(audited(s, "region_fact").await.iter().any(|a| a == "region_fact.add"));
}

#[tokio::test]
async fn a_studio_lists_the_activities_that_name_it_for_those_who_see_them() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let b = s.bodies();
    let studio = |name: &str| {
        StudioFields::parse(&RawStudio {
            name: name.into(), org: "新桥集群党委".into(), lead: "王海云".into()
        })
        .unwrap()
    };
    let sid = b.add_studio(&w.xinqiao_admin, &town("新桥"), studio("王海云书记工作室"), false).await.unwrap();
    let jt = b.add_studio(&w.jiuting_admin, &town("九亭"), studio("九亭书记工作室"), false).await.unwrap();
    let fields = ActivityFields {
        party_group: None,
        organiser: Organiser { kind: OrganiserKind::Cluster, id: w.xinqiao.0 },
        kind: ActivityKind::Seminar,
        subject: "工作室攻关座谈".into(),
        held_on: d("2022-03-01"),
        place: "新桥".into(),
        units: vec![],
        attendance: Attendance::Headcount(9),
        minutes: String::new(),
    };
    let act = s.activities().record(&w.xinqiao_secretary, fields, false).await.unwrap();
    // The cluster secretary sees 新桥's studios (its members are there), not 九亭's.
    let seen: Vec<String> = b.studios(&w.xinqiao_secretary).await.unwrap().into_iter().map(|s| s.name).collect();
    assert_eq!(seen, ["王海云书记工作室"]);
    assert!(
        refused(b.name_studio(&w.xinqiao_secretary, StudioTarget::Activity, act, Some(jt), false).await)
            .contains("书记工作室")
    );
    assert!(is_not_found(b.name_studio(&w.jiuting_admin, StudioTarget::Activity, act, Some(jt), false).await));
    assert!(is_not_found(b.name_studio(&w.xinqiao_secretary, StudioTarget::Project, 999_999, Some(sid), false).await));
    assert!(is_forbidden(b.name_studio(&w.xinqiao_admin, StudioTarget::Project, 1, Some(sid), false).await));
    assert!(is_forbidden(b.name_studio(&w.contact_a, StudioTarget::Activity, act, Some(sid), false).await));
    b.name_studio(&w.xinqiao_secretary, StudioTarget::Activity, act, Some(sid), false).await.unwrap();
    // Naming it again changes nothing; the studio's page lists the activity.
    b.name_studio(&w.xinqiao_secretary, StudioTarget::Activity, act, Some(sid), false).await.unwrap();
    let page = b.studio(&w.xinqiao_admin, sid).await.unwrap();
    assert_eq!(page.activities.len(), 1);
    assert_eq!((page.activities[0].id, page.activities[0].link.as_str()), (act, format!("/activities/{act}").as_str()));
    assert_eq!((page.projects.len(), page.hidden), (0, 0));
    let named = b.studio_named_by(&w.xinqiao_admin, StudioTarget::Activity, act).await.unwrap();
    assert_eq!(named.map(|s| s.id), Some(sid));
    // The district sees the studio; 九亭 does not.
    assert!(is_not_found(b.studio(&w.jiuting_admin, sid).await));
    assert_eq!(b.studio(&w.district, sid).await.unwrap().activities.len(), 1);
    // Removing the name empties the page.
    b.name_studio(&w.xinqiao_secretary, StudioTarget::Activity, act, None, false).await.unwrap();
    assert!(b.studio(&w.xinqiao_admin, sid).await.unwrap().activities.is_empty());
    let audit = audited(s, "secretary_studio").await;
    for a in ["secretary_studio.link", "secretary_studio.unlink"] {
        assert!(audit.iter().any(|x| x == a), "{a} not audited: {audit:?}");
    }
}
