//! Project work groups and their temporary branches (项目工作组 与 临时党支部): seen by scope,
//! the branch counting in coverage and the organisation figures only while it stands (the
//! derived tables equal to the direct count before, during and after), the members' home
//! organisations kept, the end prompted, ended and extended, every change audited.

use qunlian_domain::auth::{Caller, Role, Scope, UnitId};
use qunlian_domain::coverage::CoverageStatus;
use qunlian_domain::registry::{OrgForm, OrgKind};
use qunlian_domain::workgroups::{
    EndFields, ExtendFields, RawWorkgroup, WorkgroupFields, WorkgroupKind, WorkgroupState,
};
use qunlian_store::coverage::{CoverageQuery, NewCategory};
use qunlian_store::registry::NewOrg;
use qunlian_store::workgroups::WorkgroupFilter;
use qunlian_store::{PageRequest, Store, StoreError};
use qunlian_testkit::*;

/// The derived coverage (cells and each enterprise's stored status) equals the direct count
/// (the summary counted over the enterprises, the statuses computed from the records today);
/// returns the lead unit's status.
async fn coverage_agrees(s: &Store, units: &[UnitId], lead: UnitId) -> CoverageStatus {
    let sys = system();
    let q = CoverageQuery::default();
    let derived = s.coverage().summary(&sys, &q).await.unwrap();
    let counted = s.coverage().summary_counted(&sys, &q).await.unwrap();
    assert_eq!(serde_json::to_value(&derived.totals).unwrap(), serde_json::to_value(&counted.totals).unwrap());
    assert_eq!(serde_json::to_value(&derived.cells).unwrap(), serde_json::to_value(&counted.cells).unwrap());
    let direct = s.coverage().statuses_on(s.today()).await.unwrap();
    for u in units {
        let stored = s.coverage().status(&sys, *u).await.unwrap();
        assert_eq!(stored, direct.get(&u.0).copied().unwrap_or(CoverageStatus::Uncovered), "unit {u}");
    }
    s.coverage().status(&sys, lead).await.unwrap()
}

fn raw(town_code: &str, units: &[UnitId], parent: i64, members: &[i64]) -> RawWorkgroup {
    RawWorkgroup {
        name: "智能装备招商引资项目工作组".into(),
        kind: "招商".into(),
        town: town_code.into(),
        lead_unit: units[0].0.to_string(),
        units: units[1..].iter().map(|u| u.0.to_string()).collect(),
        started_on: "2026-11-23".into(),
        planned_end_on: "2026-12-10".into(),
        description: "引进装备制造项目，镇招商中心牵头".into(),
        parent_org: parent.to_string(),
        branch_name: "智能装备招商项目临时党支部".into(),
        secretary: "周明".into(),
        members: members.iter().map(i64::to_string).collect(),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_temporary_branch_counts_while_it_stands_and_its_members_stay_home() {
    let db = TestDb::new().await;
    let s = &db.store;
    let sys = system();
    let units = enterprises(
        s,
        [
            ("上海招商牵头装备有限公司", "新桥"),
            ("上海甲电气有限公司", "新桥"),
            ("上海乙轴承有限公司", "新桥"),
            ("上海丙精工有限公司", "九亭"),
        ],
    )
    .await;
    let [lead, a, b, far] = units;
    let org_a = s.registry().create_org(&sys, org("上海甲电气有限公司党支部", vec![a])).await.unwrap();
    let org_b = s.registry().create_org(&sys, org("上海乙轴承有限公司党支部", vec![b])).await.unwrap();
    let xq = town("新桥");
    let committee = s
        .registry()
        .create_org(
            &sys,
            NewOrg {
                kind: OrgKind::Committee, town_code: Some(xq.to_string()), ..org("新桥镇综合党委", vec![])
            },
        )
        .await
        .unwrap();
    let mut members = Vec::new();
    for (n, home) in [(1, org_a), (2, org_a), (3, org_b), (4, org_b)] {
        members.push(s.people().create(&sys, member(n, home.0), false).await.unwrap());
    }
    s.coverage()
        .save_category(
            &sys,
            None,
            NewCategory {
                name: "十人以上".into(),
                rule: "从业人数>=10".into(),
                target_pct: 100.0,
                deadline: None,
                position: 0,
                is_demo: false,
            },
        )
        .await
        .unwrap();
    let xinqiao = user(s, "xq", Role::TownAdmin, Scope::Region(xq)).await;
    let jiuting = user(s, "jt", Role::TownAdmin, Scope::Region(town("九亭"))).await;
    let branch_a = user(s, "ba", Role::BranchSecretary, Scope::PartyOrg(org_a)).await;
    let contact = user(s, "ec", Role::EnterpriseContact, Scope::Enterprise(lead)).await;
    let homes_before = s.people().direct_counts(&sys).await.unwrap();
    let orgs_before = s.registry().figures(&sys).await.unwrap().orgs;

    // Before: the lead unit has no organisation.
    assert_eq!(coverage_agrees(s, &units, lead).await, CoverageStatus::Uncovered);

    // Created by the town; 九亭 cannot put it in 新桥, nor name 九亭's firm from 新桥.
    let fields =
        |units: &[UnitId]| WorkgroupFields::parse(&raw(&xq.to_string(), units, committee.0, &members)).unwrap();
    assert!(matches!(
        s.workgroups().create(&jiuting, fields(&[lead, a, b]), false).await,
        Err(StoreError::Invalid { field: "所属街镇", .. })
    ));
    assert!(matches!(
        s.workgroups().create(&xinqiao, fields(&[lead, a, far]), false).await,
        Err(StoreError::Invalid { field: "工作组成员单位", .. })
    ));
    assert!(matches!(s.workgroups().create(&contact, fields(&[lead, a, b]), false).await, Err(StoreError::Forbidden)));
    let id = s.workgroups().create(&xinqiao, fields(&[lead, a, b]), false).await.unwrap();

    // Seen by scope: the town and the lead unit's contact; not 九亭, not a branch elsewhere.
    let ids = |c: &Caller| {
        let c = c.clone();
        async move {
            let page = s.workgroups().list(&c, &WorkgroupFilter::default(), PageRequest::default()).await.unwrap();
            page.items.into_iter().map(|l| l.id).collect::<Vec<_>>()
        }
    };
    assert_eq!(ids(&xinqiao).await, vec![id]);
    assert_eq!(ids(&contact).await, vec![id]);
    assert!(ids(&jiuting).await.is_empty());
    assert!(ids(&branch_a).await.is_empty());
    assert!(matches!(s.workgroups().workgroup(&jiuting, id).await, Err(StoreError::NotFound)));

    // During: the branch is a temporary organisation under the committee, covering the units.
    let g = s.workgroups().workgroup(&xinqiao, id).await.unwrap();
    assert_eq!(g.line.kind, WorkgroupKind::Investment);
    assert_eq!(g.units.iter().map(|u| u.0).collect::<Vec<_>>(), vec![lead.0, a.0, b.0]);
    let branch = s.registry().party_org(&sys, qunlian_domain::auth::OrgId(g.line.branch_org_id)).await.unwrap();
    assert_eq!(branch.org.form, OrgForm::Temporary.label());
    assert_eq!(branch.parent.map(|p| p.0), Some(committee.0));
    assert_eq!(coverage_agrees(s, &units, lead).await, CoverageStatus::JointOrg);
    assert_eq!(s.registry().figures(&sys).await.unwrap().orgs, orgs_before + 1);

    // The members take part from their home organisations, which keep them and their counts.
    assert_eq!(g.members.len(), 4);
    assert_eq!(g.members.iter().map(|m| m.home_org_id).collect::<Vec<_>>(), vec![org_a.0, org_a.0, org_b.0, org_b.0]);
    assert!(g.members.iter().all(|m| m.name.contains('*')), "names masked");
    for m in &members {
        assert_ne!(s.people().member(&sys, *m).await.unwrap().org_id, g.line.branch_org_id);
    }
    let homes = s.people().direct_counts(&sys).await.unwrap();
    assert_eq!(homes.get(&org_a.0).map(|c| c.total()), homes_before.get(&org_a.0).map(|c| c.total()));
    assert_eq!(homes.get(&org_b.0).map(|c| c.total()), Some(2));
    assert_eq!(homes.get(&g.line.branch_org_id), None);
    assert_eq!(s.people().derived_counts(&sys).await.unwrap(), homes, "derived member counts equal the records");

    // Due within 30 days: prompted to the town, on the committee's page too; not to a branch.
    assert_eq!(g.line.state, WorkgroupState::Due);
    let prompts = s.workgroups().prompts(&xinqiao, None).await.unwrap();
    assert_eq!(prompts.len(), 1);
    assert_eq!(prompts[0].message(), "智能装备招商项目临时党支部计划于2026年12月10日结束，请确认撤销或延期");
    assert_eq!(s.workgroups().prompts(&xinqiao, Some(committee.0)).await.unwrap().len(), 1);
    assert!(s.workgroups().prompts(&xinqiao, Some(org_a.0)).await.unwrap().is_empty());
    assert!(s.workgroups().prompts(&contact, None).await.unwrap().is_empty(), "a contact keeps none");

    // Extended: not to an earlier day; later, it is no longer due.
    let extend = |day: &str| ExtendFields { planned_end_on: d(day), reason: "项目签约延后".into() };
    assert!(matches!(
        s.workgroups().extend(&xinqiao, id, extend("2026-12-01")).await,
        Err(StoreError::Invalid { field: "新的计划结束日期", .. })
    ));
    s.workgroups().extend(&xinqiao, id, extend("2027-03-31")).await.unwrap();
    assert!(s.workgroups().prompts(&xinqiao, None).await.unwrap().is_empty());
    let by_state = |state| WorkgroupFilter { state: Some(state), ..Default::default() };
    let active = s.workgroups().list(&xinqiao, &by_state(WorkgroupState::Active), PageRequest::default()).await;
    assert_eq!(active.unwrap().total, 1);

    // Past the planned end and not ended: still counted (until an end is recorded), prompted.
    db.clock.advance(chrono::Duration::days(140));
    let line = s.workgroups().workgroup(&xinqiao, id).await.unwrap().line;
    assert!(line.overdue && line.state == WorkgroupState::Due);
    assert!(s.workgroups().prompts(&xinqiao, None).await.unwrap()[0].message().contains("原计划于2027年3月31日"));
    assert_eq!(coverage_agrees(s, &units, lead).await, CoverageStatus::JointOrg);

    // Ended: not after today, not before the start; then it stops counting that day.
    let today = s.today();
    let end = |day| EndFields { ended_on: day, reason: "项目已落地投产".into() };
    assert!(matches!(
        s.workgroups().end(&xinqiao, id, end(today + chrono::Duration::days(1))).await,
        Err(StoreError::Invalid { field: "撤销日期", .. })
    ));
    assert!(matches!(
        s.workgroups().end(&xinqiao, id, end(d("2026-11-01"))).await,
        Err(StoreError::Invalid { field: "撤销日期", .. })
    ));
    s.workgroups().end(&xinqiao, id, end(today)).await.unwrap();
    assert_eq!(coverage_agrees(s, &units, lead).await, CoverageStatus::Uncovered);
    assert_eq!(s.registry().figures(&sys).await.unwrap().orgs, orgs_before);
    let g = s.workgroups().workgroup(&xinqiao, id).await.unwrap();
    assert_eq!(g.line.state, WorkgroupState::Ended);
    assert!(g.members.iter().all(|m| m.until == Some(today)));
    assert!(s.workgroups().prompts(&xinqiao, None).await.unwrap().is_empty());
    assert!(matches!(
        s.workgroups().end(&xinqiao, id, end(today)).await,
        Err(StoreError::Invalid { field: "撤销日期", .. })
    ));
    // History: standing in December, not the day before its start, not after its end.
    let on = |day| async move { s.coverage().statuses_on(day).await.unwrap().get(&lead.0).copied() };
    assert_eq!(on(d("2026-12-15")).await, Some(CoverageStatus::JointOrg));
    assert_eq!(on(d("2026-11-22")).await, None);
    assert_eq!(on(today).await, None);
    // A day later the derived tables are rebuilt for the new day and still agree.
    db.clock.advance(chrono::Duration::days(1));
    assert_eq!(coverage_agrees(s, &units, lead).await, CoverageStatus::Uncovered);
    assert_eq!(s.people().direct_counts(&sys).await.unwrap(), homes, "home counts never moved");

    // Audited.
    for action in ["workgroup.create", "workgroup.extend", "workgroup.end"] {
        assert_eq!(crate::audit_of(s, action).await.total, 1, "{action}");
    }
}

#[tokio::test]
async fn the_list_filters_by_kind_and_state_within_scope() {
    let db = TestDb::new().await;
    let s = &db.store;
    let sys = system();
    let units = enterprises(s, [("上海科研牵头有限公司", "新桥"), ("上海科研协作有限公司", "新桥")]).await;
    let home = s.registry().create_org(&sys, org("上海科研牵头有限公司党支部", vec![units[0]])).await.unwrap();
    let mut members = Vec::new();
    for n in 1..=3 {
        members.push(s.people().create(&sys, member(n, home.0), false).await.unwrap());
    }
    let xq = town("新桥");
    let mut r = raw(&xq.to_string(), &units, home.0, &members);
    r.kind = "科研".into();
    r.planned_end_on = "2027-06-30".into();
    let id = s.workgroups().create(&sys, WorkgroupFields::parse(&r).unwrap(), false).await.unwrap();
    let by = &sys;
    let count = |kind, state| async move {
        let f = WorkgroupFilter { kind, state, ..Default::default() };
        s.workgroups().list(by, &f, PageRequest::default()).await.unwrap().total
    };
    assert_eq!(count(Some(WorkgroupKind::Research), None).await, 1);
    assert_eq!(count(Some(WorkgroupKind::Investment), None).await, 0);
    assert_eq!(count(None, Some(WorkgroupState::Active)).await, 1);
    assert_eq!(count(None, Some(WorkgroupState::Due)).await, 0);
    assert_eq!(count(None, Some(WorkgroupState::Ended)).await, 0);
    // The home branch's secretary sees the group standing under its branch.
    let secretary = user(s, "bs", Role::BranchSecretary, Scope::PartyOrg(home)).await;
    let seen = s.workgroups().list(&secretary, &WorkgroupFilter::default(), PageRequest::default()).await.unwrap();
    assert_eq!(seen.items.iter().map(|l| l.id).collect::<Vec<_>>(), vec![id]);
    // Members and a parent out of the caller's scope cannot be named.
    let jiuting = user(s, "jt", Role::TownAdmin, Scope::Region(town("九亭"))).await;
    let far = s.registry().create_enterprise(&sys, enterprise(50, "上海九亭协作有限公司", "九亭")).await.unwrap();
    let mut other = raw(&town("九亭").to_string(), &[far, far], home.0, &members);
    other.units.clear();
    assert!(WorkgroupFields::parse(&other).is_err(), "one unit is no work group");
    let ours =
        s.registry().create_org(&sys, NewOrg { town_code: Some(town("九亭").to_string()), ..org("九亭党委", vec![]) });
    let ours = ours.await.unwrap();
    let far2 = s.registry().create_enterprise(&sys, enterprise(51, "上海九亭二号有限公司", "九亭")).await.unwrap();
    let theirs = raw(&town("九亭").to_string(), &[far, far2], ours.0, &members);
    assert!(matches!(
        s.workgroups().create(&jiuting, WorkgroupFields::parse(&theirs).unwrap(), false).await,
        Err(StoreError::Invalid { field: "临时参加党员", .. })
    ));
}

/// The temporary branch and its work group are written in one transaction: a create that
/// fails after the branch's row is written (here a unit named twice, refused by the
/// database's unique index on the branch's units) leaves no branch, no event, no audit line.
#[tokio::test]
async fn a_failed_create_leaves_no_temporary_branch() {
    let db = TestDb::new().await;
    let s = &db.store;
    let sys = system();
    let units = enterprises(s, [("上海原子牵头有限公司", "新桥"), ("上海原子协作有限公司", "新桥")]).await;
    let home = s.registry().create_org(&sys, org("上海原子牵头有限公司党支部", vec![units[0]])).await.unwrap();
    let mut members = Vec::new();
    for n in 1..=3 {
        members.push(s.people().create(&sys, member(n, home.0), false).await.unwrap());
    }
    let mut f = WorkgroupFields::parse(&raw(&town("新桥").to_string(), &units, home.0, &members)).unwrap();
    // The parser keeps each unit once; the store's callers could still pass one twice.
    f.units.push(units[1].0);
    let orgs = || async { s.registry().org_tree(&sys, None, true).await.unwrap().len() };
    let audit = |action: &'static str| async move { crate::audit_of(s, action).await.total };
    let (orgs_before, created_before) = (orgs().await, audit("org.create").await);
    let failed = s.workgroups().create(&sys, f.clone(), false).await;
    assert!(failed.is_err(), "a unit named twice is refused");
    assert_eq!(orgs().await, orgs_before, "no temporary branch left behind");
    assert_eq!(audit("org.create").await, created_before, "no audit line of a branch never made");
    assert_eq!(audit("workgroup.create").await, 0);
    let seen = s.workgroups().list(&sys, &WorkgroupFilter::default(), PageRequest::default()).await.unwrap();
    assert_eq!(seen.total, 0);
    // The same, each unit once, is made: branch and work group together.
    f.units.pop();
    let id = s.workgroups().create(&sys, f, false).await.unwrap();
    assert_eq!(orgs().await, orgs_before + 1);
    let g = s.workgroups().workgroup(&sys, id).await.unwrap();
    assert_eq!(
        s.registry().party_org(&sys, qunlian_domain::auth::OrgId(g.line.branch_org_id)).await.unwrap().org.name,
        "智能装备招商项目临时党支部"
    );
}
