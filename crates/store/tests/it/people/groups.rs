//! Party groups (党小组): set up on a branch from its own roster, a member in at most one
//! group of the branch, scoped as the branch's members; a 党小组会 names one of the branch's
//! groups; the month's 三会一课 exceptions name each group that has held none.

use qunlian_domain::activities::{ActivityFields, ActivityKind, Attendance, Organiser, OrganiserKind};
use qunlian_domain::people::groups::GroupFields;
use qunlian_store::StoreError;
use qunlian_testkit::*;

use super::{audit, world};

fn group(name: &str, leader: Option<i64>, members: Vec<i64>) -> GroupFields {
    let mut members = members;
    if let Some(l) = leader
        && !members.contains(&l)
    {
        members.insert(0, l);
    }
    GroupFields { name: name.into(), leader, members }
}

fn meeting(org: i64, on: &str, party_group: Option<i64>) -> ActivityFields {
    ActivityFields {
        organiser: Organiser { kind: OrganiserKind::Org, id: org },
        kind: ActivityKind::GroupMeeting,
        subject: "学习研讨".into(),
        held_on: d(on),
        place: "车间会议室".into(),
        units: vec![],
        attendance: Attendance::Headcount(6),
        minutes: String::new(),
        party_group,
    }
}

#[tokio::test]
async fn party_groups_hold_the_branchs_members_once_and_each_is_checked_for_its_meeting() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let p = s.people();
    let mut a = Vec::new();
    for n in 1..=3 {
        a.push(p.create(&w.branch_a, member(n, w.org_a.0), false).await.unwrap());
    }
    let b1 = p.create(&w.jiuting, member(4, w.org_b.0), false).await.unwrap();

    // 甲's first group: its leader among its members.
    let g1 =
        p.create_party_group(&w.branch_a, w.org_a.0, group("第一党小组", Some(a[0]), vec![a[1]]), false).await.unwrap();
    // A member already in a group, another branch's member, a name taken: refused, by field.
    let e =
        p.create_party_group(&w.branch_a, w.org_a.0, group("第二党小组", None, vec![a[1]]), false).await.unwrap_err();
    assert!(e.to_string().contains("已在“第一党小组”"), "{e}");
    let e =
        p.create_party_group(&w.branch_a, w.org_a.0, group("第二党小组", Some(b1), vec![]), false).await.unwrap_err();
    assert!(
        e.to_string().starts_with("党小组组长") && e.to_string().contains("不是上海甲电气有限公司党支部的党员"),
        "{e}"
    );
    let e =
        p.create_party_group(&w.branch_a, w.org_a.0, group("第一党小组", None, vec![a[2]]), false).await.unwrap_err();
    assert!(e.to_string().starts_with("党小组名称"), "{e}");
    // Another town's admin does not see 甲's branch.
    let e = p.create_party_group(&w.jiuting, w.org_a.0, group("第三党小组", None, vec![]), false).await;
    assert!(matches!(e, Err(StoreError::NotFound)), "{e:?}");
    assert!(matches!(p.party_groups(&w.jiuting, w.org_a.0).await, Err(StoreError::NotFound)));
    let g2 = p.create_party_group(&w.xinqiao, w.org_a.0, group("第二党小组", None, vec![a[2]]), false).await.unwrap();

    let groups = p.party_groups(&w.branch_a, w.org_a.0).await.unwrap();
    assert_eq!(
        groups.iter().map(|g| (g.name.as_str(), g.members.len())).collect::<Vec<_>>(),
        vec![("第一党小组", 2), ("第二党小组", 1)]
    );
    assert_eq!(groups[0].leader.as_ref().map(|l| l.0), Some(a[0]));

    // A member moves: out of the first group first, then into the second.
    let e = p.update_party_group(&w.branch_a, g2, group("第二党小组", None, vec![a[2], a[1]])).await.unwrap_err();
    assert!(e.to_string().contains("已在“第一党小组”"), "{e}");
    p.update_party_group(&w.branch_a, g1, group("第一党小组", Some(a[0]), vec![])).await.unwrap();
    p.update_party_group(&w.branch_a, g2, group("第二党小组", Some(a[1]), vec![a[2]])).await.unwrap();
    let groups = p.party_groups(&w.branch_a, w.org_a.0).await.unwrap();
    assert_eq!(groups.iter().map(|g| g.members.len()).collect::<Vec<_>>(), vec![1, 2]);

    // A 党小组会 names one of the organiser's groups.
    let acts = s.activities();
    let e = acts.record(&w.branch_a, meeting(w.org_a.0, "2026-11-10", None), false).await.unwrap_err();
    assert!(e.to_string().contains("请选择召开本次党小组会的党小组"), "{e}");
    let e = acts.record(&system(), meeting(w.org_b.0, "2026-11-10", Some(g1)), false).await.unwrap_err();
    assert!(e.to_string().contains("尚未设立党小组"), "{e}");
    let e = acts.record(&w.branch_a, meeting(w.org_a.0, "2026-11-10", Some(g1 + g2 + 100)), false).await.unwrap_err();
    assert!(e.to_string().contains("不是上海甲电气有限公司党支部的党小组"), "{e}");
    let held = acts.record(&w.branch_a, meeting(w.org_a.0, "2026-11-10", Some(g1)), false).await.unwrap();
    assert_eq!(acts.get(&w.branch_a, held).await.unwrap().party_group.map(|g| g.1), Some("第一党小组".into()));
    // Last month's meeting of the second group does not count for this month.
    acts.record(&w.branch_a, meeting(w.org_a.0, "2026-10-30", Some(g2)), false).await.unwrap();

    let x = acts.exceptions(&system(), d("2026-11-23")).await.unwrap();
    assert_eq!((x.groups_checked, x.group_period.as_ref().map(|p| p.period.as_str())), (2, Some("2026年11月")));
    let row = x.rows.iter().find(|r| r.org_id == w.org_a.0).unwrap();
    assert_eq!(row.groups_missing, vec![(g2, "第二党小组".to_owned())]);
    assert!(!row.missing.contains(&ActivityKind::GroupMeeting), "groups are named, not the kind");
    let b_row = x.rows.iter().find(|r| r.org_id == w.org_b.0).unwrap();
    assert!(b_row.groups_missing.is_empty(), "乙 has no groups to hold meetings");
    // In October the second group held its meeting and the first none.
    let october = acts.exceptions(&w.branch_a, d("2026-10-31")).await.unwrap();
    assert_eq!(october.rows[0].groups_missing, vec![(g1, "第一党小组".to_owned())]);

    let auditor = user(s, "au", qunlian_domain::auth::Role::AuditAdmin, qunlian_domain::auth::Scope::Nothing).await;
    assert_eq!(audit(s, &auditor, Some("party_group.create"), None).await.total, 2);
    let updates = audit(s, &auditor, Some("party_group.update"), None).await.items;
    assert_eq!(updates.len(), 2);
    assert!(updates.iter().any(|u| u.detail.contains("修改前：“第一党小组”2人")), "{updates:?}");
}
