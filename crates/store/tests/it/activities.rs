//! Activities (issue #13): scope by organiser (organisation subtree, cluster, town); a
//! branchless firm taking part is work-covered, derived equal to the direct count; the
//! 三会一课 exceptions; an issue raised becoming a need linked back; every change audited.

use qunlian_domain::activities::{
    ActivityFields, ActivityKind, Attendance, Organiser, OrganiserKind, Raised, RaisedIssueFields,
};
use qunlian_domain::auth::{Caller, ClusterId, OrgId, Role, Scope, UnitId};
use qunlian_domain::coverage::CoverageStatus;
use qunlian_domain::matching::ListingKind;
use qunlian_store::activities::{ActivityFilter, GroupBy};
use qunlian_store::coverage::CoverageQuery;
use qunlian_store::{PageRequest, Store, StoreError};
use qunlian_testkit::*;

struct World {
    xinqiao: Caller,
    jiuting: Caller,
    branch_a: Caller,
    cluster_sec: Caller,
    org_a: OrgId,
    org_b: OrgId,
    cluster: ClusterId,
    /// 甲 has a branch; 丙 in 新桥 has none; 乙 in 九亭 has a branch.
    a: UnitId,
    c: UnitId,
    /// 丁 in 九亭, no branch.
    far: UnitId,
}

async fn world(s: &Store) -> World {
    let [a, b, c, far] = enterprises(
        s,
        [
            ("上海甲电气有限公司", "新桥"),
            ("上海乙轴承有限公司", "九亭"),
            ("上海丙精密机械有限公司", "新桥"),
            ("上海丁科技有限公司", "九亭"),
        ],
    )
    .await;
    let sys = system();
    let org_a = s.registry().create_org(&sys, org("上海甲电气有限公司党支部", vec![a])).await.unwrap();
    let org_b = s.registry().create_org(&sys, org("上海乙轴承有限公司党支部", vec![b])).await.unwrap();
    let cluster =
        s.registry().create_cluster(&sys, cluster("新桥智能装备集群", "装备集群", "智能装备", "新桥")).await.unwrap();
    s.registry().add_cluster_member(&sys, cluster, a, false, None).await.unwrap();
    World {
        xinqiao: user(s, "xq", Role::TownAdmin, Scope::Region(town("新桥"))).await,
        jiuting: user(s, "jt", Role::TownAdmin, Scope::Region(town("九亭"))).await,
        branch_a: user(s, "ba", Role::BranchSecretary, Scope::PartyOrg(org_a)).await,
        cluster_sec: user(s, "cs", Role::ClusterSecretary, Scope::Cluster(cluster)).await,
        org_a,
        org_b,
        cluster,
        a,
        c,
        far,
    }
}

fn fields(kind: OrganiserKind, id: i64, held_on: &str, units: Vec<UnitId>) -> ActivityFields {
    ActivityFields {
        party_group: None,
        organiser: Organiser { kind, id },
        kind: ActivityKind::Seminar,
        subject: "装备产业链座谈".into(),
        held_on: d(held_on),
        place: "新桥镇党群服务中心".into(),
        units: units.into_iter().map(|u| u.0).collect(),
        attendance: Attendance::Headcount(12),
        minutes: String::new(),
    }
}

/// Records the seminar of [`fields`] as `who`.
async fn record(
    s: &Store,
    who: &Caller,
    kind: OrganiserKind,
    id: i64,
    held_on: &str,
    units: Vec<UnitId>,
) -> Result<i64, StoreError> {
    s.activities().record(who, fields(kind, id, held_on, units), false).await
}

async fn subjects(s: &Store, c: &Caller) -> Vec<i64> {
    let page = s.activities().list(c, &ActivityFilter::default(), PageRequest::default()).await.unwrap();
    let mut v: Vec<i64> = page.items.into_iter().map(|a| a.id).collect();
    v.sort();
    v
}

#[tokio::test]
async fn an_activity_is_seen_where_its_organiser_is() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let of_a = record(s, &w.branch_a, OrganiserKind::Org, w.org_a.0, "2026-11-02", vec![]).await.unwrap();
    let of_b = record(s, &w.jiuting, OrganiserKind::Org, w.org_b.0, "2026-11-03", vec![]).await.unwrap();
    let of_cluster =
        record(s, &w.cluster_sec, OrganiserKind::Cluster, w.cluster.0, "2026-11-04", vec![w.a]).await.unwrap();

    // A member firm's branch sees its cluster's activities, as it sees the cluster.
    assert_eq!(subjects(s, &w.branch_a).await, vec![of_a, of_cluster]);
    assert_eq!(
        subjects(s, &w.cluster_sec).await,
        vec![of_a, of_cluster],
        "its cluster's and its member firms' branches'"
    );
    assert_eq!(subjects(s, &w.xinqiao).await, vec![of_a, of_cluster]);
    assert_eq!(subjects(s, &w.jiuting).await, vec![of_b]);
    assert_eq!(subjects(s, &system()).await, vec![of_a, of_b, of_cluster]);
    // By id: the same answer as none.
    assert!(matches!(s.activities().get(&w.xinqiao, of_b).await, Err(StoreError::NotFound)));
    assert!(matches!(s.activities().get(&w.jiuting, of_cluster).await, Err(StoreError::NotFound)));
    assert!(matches!(s.activities().get(&w.branch_a, of_b).await, Err(StoreError::NotFound)));
    // Recording for an organiser out of scope, or with a firm of another town.
    let e = record(s, &w.branch_a, OrganiserKind::Org, w.org_b.0, "2026-11-05", vec![]).await.unwrap_err();
    assert!(e.to_string().starts_with("组织方"), "{e}");
    let e = record(s, &w.branch_a, OrganiserKind::Org, w.org_a.0, "2026-11-05", vec![w.far]).await.unwrap_err();
    assert!(e.to_string().starts_with("参加单位"), "{e}");
    let e = record(s, &w.branch_a, OrganiserKind::Org, w.org_a.0, "2026-11-30", vec![]).await.unwrap_err();
    assert!(e.to_string().starts_with("活动日期"), "{e}");
    // A member firm's branch sees its cluster but does not record for it.
    let e = record(s, &w.branch_a, OrganiserKind::Cluster, w.cluster.0, "2026-11-05", vec![]).await.unwrap_err();
    assert!(e.to_string().starts_with("组织方"), "{e}");
    // Roles without the power.
    let contact = user(s, "ec", Role::EnterpriseContact, Scope::Enterprise(w.a)).await;
    assert!(matches!(
        s.activities().list(&contact, &ActivityFilter::default(), PageRequest::default()).await,
        Err(StoreError::Forbidden)
    ));
    // Audited.
    assert_eq!(crate::audit_of(s, "activity.create").await.total, 3);
}

#[tokio::test]
async fn a_branchless_firm_taking_part_is_work_covered_derived_as_counted() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let cov = s.coverage();
    assert_eq!(cov.status(&w.xinqiao, w.c).await.unwrap(), CoverageStatus::Uncovered);
    assert_eq!(s.activities().coverage_check(&w.xinqiao).await.unwrap().taking_part, 0);

    // The branch secretary chooses its neighbour 丙 (same town, no branch) from the form's list.
    let choices = s.activities().unit_choices(&w.branch_a, None, &[]).await.unwrap();
    let c = choices.iter().find(|u| u.id == w.c.0).expect("a neighbour firm is offered");
    assert_eq!(c.coverage, CoverageStatus::Uncovered);
    let id = record(s, &w.branch_a, OrganiserKind::Org, w.org_a.0, "2026-11-10", vec![w.a, w.c]).await.unwrap();
    assert_eq!(cov.status(&w.xinqiao, w.c).await.unwrap(), CoverageStatus::WorkOnly);
    assert_eq!(cov.status(&w.xinqiao, w.a).await.unwrap(), CoverageStatus::OwnOrg, "the stronger link decides");
    let got = s.activities().get(&w.branch_a, id).await.unwrap();
    assert_eq!(got.units.iter().find(|u| u.id == w.c.0).unwrap().coverage, CoverageStatus::WorkOnly);

    // Derived equals direct: every firm taking part is covered, counted both ways.
    let check = s.activities().coverage_check(&w.xinqiao).await.unwrap();
    assert_eq!((check.taking_part, check.covered), (2, 2));
    let q = CoverageQuery::default();
    let cells = cov.summary(&w.xinqiao, &q).await.unwrap();
    let counted = cov.summary_counted(&w.xinqiao, &q).await.unwrap();
    assert_eq!(format!("{:?}", cells.totals), format!("{:?}", counted.totals));
    assert_eq!(cov.statuses_on(d("2026-11-23")).await.unwrap().get(&w.c.0), Some(&CoverageStatus::WorkOnly));

    // A year on, the activity no longer covers 丙.
    assert_eq!(cov.statuses_on(d("2027-11-10")).await.unwrap().get(&w.c.0), None);
    assert_eq!(cov.statuses_on(d("2027-11-09")).await.unwrap().get(&w.c.0), Some(&CoverageStatus::WorkOnly));
    assert_eq!(cov.statuses_on(d("2026-11-09")).await.unwrap().get(&w.c.0), None, "not before the activity");
}

#[tokio::test]
async fn branches_without_a_due_meeting_are_listed_as_exceptions() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let acts = s.activities();
    let held = |kind: ActivityKind, org: OrgId, on: &str| ActivityFields {
        party_group: None,
        kind,
        ..fields(OrganiserKind::Org, org.0, on, vec![])
    };
    // 甲: a committee this month, an assembly this quarter, a lecture only last quarter.
    acts.record(&system(), held(ActivityKind::BranchCommittee, w.org_a, "2026-11-05"), false).await.unwrap();
    acts.record(&system(), held(ActivityKind::BranchAssembly, w.org_a, "2026-10-15"), false).await.unwrap();
    acts.record(&system(), held(ActivityKind::PartyLecture, w.org_a, "2026-09-20"), false).await.unwrap();
    // 乙: a committee last month only.
    acts.record(&system(), held(ActivityKind::BranchCommittee, w.org_b, "2026-10-28"), false).await.unwrap();

    let x = acts.exceptions(&system(), d("2026-11-23")).await.unwrap();
    assert_eq!(x.checked, 2);
    assert_eq!(
        x.periods.iter().map(|p| p.period.as_str()).collect::<Vec<_>>(),
        vec!["2026年11月", "2026年第四季度", "2026年第四季度"]
    );
    let row = |o: OrgId| x.rows.iter().find(|r| r.org_id == o.0).map(|r| r.missing.clone());
    assert_eq!(row(w.org_a), Some(vec![ActivityKind::PartyLecture]));
    assert_eq!(
        row(w.org_b),
        Some(vec![ActivityKind::BranchCommittee, ActivityKind::BranchAssembly, ActivityKind::PartyLecture])
    );
    // In scope only; and in October 甲 held everything but the quarter's assembly... as recorded.
    let mine = acts.exceptions(&w.branch_a, d("2026-11-23")).await.unwrap();
    assert_eq!(mine.rows.iter().map(|r| r.org_id).collect::<Vec<_>>(), vec![w.org_a.0]);
    let october = acts.exceptions(&w.jiuting, d("2026-10-31")).await.unwrap();
    assert_eq!(october.rows[0].missing, vec![ActivityKind::BranchAssembly, ActivityKind::PartyLecture]);
}

#[tokio::test]
async fn an_issue_raised_becomes_a_need_linked_to_the_activity() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let id = s
        .activities()
        .record(
            &w.cluster_sec,
            ActivityFields {
                party_group: None,
                kind: ActivityKind::Matching,
                ..fields(OrganiserKind::Cluster, w.cluster.0, "2026-11-12", vec![w.a])
            },
            false,
        )
        .await
        .unwrap();
    let need = listing(ListingKind::Need, "寻找数控机床加工协作", "", qunlian_domain::matching::Reach::Cluster);
    let f = RaisedIssueFields {
        unit: w.a.0,
        title: need.title.clone(),
        description: String::new(),
        raised: Raised::Listing(need.clone()),
    };
    let r = s.activities().raise_issue(&w.cluster_sec, id, f.clone(), false).await.unwrap();
    let listing_id: i64 = r.link.trim_start_matches("/listings/").parse().unwrap();
    let l = s.matching().listing(&w.cluster_sec, listing_id).await.unwrap();
    assert_eq!(l.title, "寻找数控机床加工协作");
    assert!(l.description.contains("要素对接会"), "{}", l.description);
    let got = s.activities().get(&w.cluster_sec, id).await.unwrap();
    assert_eq!(got.issues.len(), 1);
    assert_eq!(got.issues[0].link, r.link);
    // A unit that did not take part cannot raise one here.
    let e = s
        .activities()
        .raise_issue(&w.cluster_sec, id, RaisedIssueFields { unit: w.c.0, ..f }, false)
        .await
        .unwrap_err();
    assert!(e.to_string().starts_with("提出单位"), "{e}");
}

#[tokio::test]
async fn figures_count_activities_and_participants_by_cluster_and_town() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let acts = s.activities();
    record(s, &w.cluster_sec, OrganiserKind::Cluster, w.cluster.0, "2026-11-04", vec![w.a]).await.unwrap();
    acts.record(
        &w.cluster_sec,
        ActivityFields {
            party_group: None,
            attendance: Attendance::Headcount(30),
            ..fields(OrganiserKind::Cluster, w.cluster.0, "2026-10-04", vec![])
        },
        false,
    )
    .await
    .unwrap();
    record(s, &w.jiuting, OrganiserKind::Org, w.org_b.0, "2026-11-03", vec![]).await.unwrap();
    record(s, &w.cluster_sec, OrganiserKind::Cluster, w.cluster.0, "2025-11-04", vec![]).await.unwrap();

    let rows = acts.figures(&system(), GroupBy::Cluster, d("2026-01-01"), d("2026-12-31")).await.unwrap();
    let c = rows.iter().find(|r| r.key == w.cluster.0.to_string()).unwrap();
    assert_eq!((c.activities, c.participants), (2, 42));
    // Each figure opens its records: the list behind the link has as many.
    let opened = ActivityFilter {
        cluster: Some(w.cluster.0),
        from: Some(d("2026-01-01")),
        to: Some(d("2026-12-31")),
        ..Default::default()
    };
    assert_eq!(acts.list(&system(), &opened, PageRequest::default()).await.unwrap().total, c.activities);
    let none = rows.iter().find(|r| r.key.is_empty()).unwrap();
    assert_eq!((none.activities, none.participants), (1, 12));
    let towns = acts.figures(&w.xinqiao, GroupBy::Town, d("2026-01-01"), d("2026-12-31")).await.unwrap();
    assert_eq!(towns.len(), 1);
    assert_eq!((towns[0].name.as_str(), towns[0].activities), ("新桥镇", 2));
}

/// Derived coverage equals the direct count, over the cells and over the activities.
async fn derived_equals_direct(s: &Store, c: &Caller) -> (u64, u64) {
    let cov = s.coverage();
    let q = CoverageQuery::default();
    let cells = cov.summary(c, &q).await.unwrap();
    let counted = cov.summary_counted(c, &q).await.unwrap();
    assert_eq!(format!("{:?}", cells.totals), format!("{:?}", counted.totals));
    let check = s.activities().coverage_check(c).await.unwrap();
    assert_eq!(check.taking_part, check.covered, "every firm taking part counted as covered");
    (check.taking_part as u64, check.covered as u64)
}

#[tokio::test]
async fn an_edit_and_a_withdrawal_change_coverage_derived_as_counted() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let (acts, cov) = (s.activities(), s.coverage());
    let id = record(s, &w.branch_a, OrganiserKind::Org, w.org_a.0, "2026-11-10", vec![w.a, w.c]).await.unwrap();
    assert_eq!(cov.status(&w.xinqiao, w.c).await.unwrap(), CoverageStatus::WorkOnly);
    assert_eq!(derived_equals_direct(s, &w.xinqiao).await, (2, 2));

    // Only the organiser's side changes it: another town does not see it, a leader may not.
    let edit = |units: Vec<UnitId>, on: &str| fields(OrganiserKind::Org, w.org_a.0, on, units);
    assert!(matches!(acts.update(&w.jiuting, id, edit(vec![w.a], "2026-11-10")).await, Err(StoreError::NotFound)));
    assert!(!acts.may_change(&w.jiuting, id).await.unwrap());
    assert!(acts.may_change(&w.branch_a, id).await.unwrap());
    let leader = user(s, "ld", Role::Leader, Scope::Region(town("新桥"))).await;
    assert!(matches!(acts.withdraw(&leader, id, "重复").await, Err(StoreError::Forbidden)));
    // Checked as a new record is.
    assert!(matches!(
        acts.update(&w.branch_a, id, edit(vec![w.a], "2099-01-01")).await,
        Err(StoreError::Invalid { field: "活动日期", .. })
    ));
    assert!(matches!(
        acts.update(&w.branch_a, id, edit(vec![w.a, w.far], "2026-11-10")).await,
        Err(StoreError::Invalid { field: "参加单位", .. })
    ));

    // 丙 taken off: no longer work-covered, derived still equal to direct.
    acts.update(&w.branch_a, id, edit(vec![w.a], "2026-11-12")).await.unwrap();
    assert_eq!(cov.status(&w.xinqiao, w.c).await.unwrap(), CoverageStatus::Uncovered);
    assert_eq!(derived_equals_direct(s, &w.xinqiao).await, (1, 1));
    let raw = acts.raw(&w.branch_a, id).await.unwrap();
    assert_eq!((raw.units, raw.held_on.as_str()), (vec![w.a.0.to_string()], "2026-11-12"));
    // 丙 put back.
    acts.update(&w.branch_a, id, edit(vec![w.a, w.c], "2026-11-12")).await.unwrap();
    assert_eq!(cov.status(&w.xinqiao, w.c).await.unwrap(), CoverageStatus::WorkOnly);
    assert_eq!(derived_equals_direct(s, &w.xinqiao).await, (2, 2));
    assert_eq!(cov.statuses_on(d("2026-11-11")).await.unwrap().get(&w.c.0), None, "from the edited day");

    // Withdrawn: a reason is needed; then it counts for nothing, and stays on record.
    assert!(matches!(acts.withdraw(&w.branch_a, id, "  ").await, Err(StoreError::Invalid { field: "撤回原因", .. })));
    acts.withdraw(&w.branch_a, id, "重复登记").await.unwrap();
    assert_eq!(cov.status(&w.xinqiao, w.c).await.unwrap(), CoverageStatus::Uncovered);
    assert_eq!(derived_equals_direct(s, &w.xinqiao).await, (0, 0));
    assert_eq!(cov.statuses_on(d("2026-11-23")).await.unwrap().get(&w.c.0), None);
    assert!(subjects(s, &w.branch_a).await.is_empty(), "not listed");
    let got = acts.get(&w.branch_a, id).await.unwrap();
    assert_eq!(got.withdrawn.as_ref().map(|x| x.reason.as_str()), Some("重复登记"));
    assert!(!acts.may_change(&w.branch_a, id).await.unwrap());
    assert!(matches!(acts.withdraw(&w.branch_a, id, "再撤").await, Err(StoreError::NotFound)));
    assert!(matches!(acts.update(&w.branch_a, id, edit(vec![w.a], "2026-11-12")).await, Err(StoreError::NotFound)));

    // Audited, with what it was and what it became.
    let updates = crate::audit_of(s, "activity.update").await;
    assert_eq!(updates.total, 2);
    assert!(format!("{:?}", updates.items).contains("修改前"));
    assert_eq!(crate::audit_of(s, "activity.withdraw").await.total, 1);
}

/// A branch of more than 300 members: the form lists the first 300 by name, but all 301 named
/// on an activity are accepted (the 301st was refused as outside the register: the check read
/// the named ones through the form's 300-row page), and one past the page stays ticked on the
/// edit form.
#[tokio::test]
async fn a_member_past_the_forms_first_page_is_named_and_kept() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let sys = system();
    for n in 0..301u64 {
        s.people().create(&sys, member(5000 + n, w.org_a.0), false).await.unwrap();
    }
    let acts = s.activities();
    let page: Vec<i64> =
        acts.member_choices(&w.branch_a, None, &[]).await.unwrap().into_iter().map(|(id, _)| id).collect();
    assert_eq!(page.len(), 300, "the form's first page");
    let everyone = s.people().members(&sys, &Default::default(), PageRequest { page: 1, per_page: 500 }).await.unwrap();
    let past = everyone.items.iter().map(|m| m.id).find(|id| !page.contains(id)).expect("one past the page");

    let mut f = fields(OrganiserKind::Org, w.org_a.0, "2026-11-10", vec![w.a]);
    f.attendance = Attendance::Named(everyone.items.iter().map(|m| m.id).collect());
    let id = acts.record(&w.branch_a, f, false).await.expect("every member of the branch is named");
    let named = acts.get(&w.branch_a, id).await.unwrap().attendees;
    assert_eq!(named.len(), 301);
    assert!(named.iter().any(|(m, _)| *m == past));
    let kept = acts.member_choices(&w.branch_a, None, &[past]).await.unwrap();
    assert_eq!(kept.first().map(|(id, _)| *id), Some(past), "the edit form keeps it ticked");
    assert_eq!(kept.len(), 301);
    // The search box above the list finds it by its name, and only what matches.
    let name = everyone.items.iter().find(|m| m.id == past).unwrap().name.clone();
    let found = acts.member_choices(&w.branch_a, Some(&name), &[]).await.unwrap();
    assert!(found.iter().any(|(id, _)| *id == past), "{found:?}");
    assert!(found.iter().all(|(_, n)| n.contains(&name)), "{found:?}");
}
