use qunlian_domain::bodies::IssueState;
use qunlian_store::bodies::{IssueFilter, IssueStep, OwnerFilter};

use super::*;

async fn state(s: &Store, caller: &Caller, alliance: i64, id: i64) -> IssueState {
    let all = s.bodies().issues(caller, alliance, &IssueFilter::default()).await.unwrap();
    all.into_iter().find(|r| r.id == id).unwrap().state
}

fn resolve(on: &str) -> IssueStep {
    IssueStep::Resolve { answer: "已协调解决".into(), on: Some(d(on)) }
}

fn assign(owner: UnitId) -> IssueStep {
    IssueStep::Assign { owner: owner.0, due_on: None }
}

#[tokio::test]
async fn every_step_of_an_issue_and_who_may_take_it() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let b = s.bodies();
    let (t, admin) = (w.tongxin, &w.xinqiao_admin);
    let i = b.raise_issue(admin, t, issue("员工子女入学", w.a, "2026-11-02", None), false).await.unwrap();
    assert_eq!(state(s, &w.district, t, i).await, IssueState::Open);
    // Refusals name the state and the verb.
    let m = refused(b.act_on_issue(admin, t, i, resolve("2026-11-05")).await);
    assert!(m.contains("待交办") && m.contains("办结"), "{m}");
    assert!(refused(b.act_on_issue(admin, t, i, IssueStep::Reopen).await).contains("不能重新办理"));
    assert!(refused(b.act_on_issue(admin, t, i, assign(w.a)).await).starts_with("责任部门"));
    // Only those who run the alliance give issues to a department.
    assert!(is_forbidden(b.act_on_issue(&w.hr_officer, t, i, assign(w.hr)).await));
    assert!(is_not_found(b.act_on_issue(&w.jiuting_admin, t, i, assign(w.hr)).await));
    assert_eq!(b.act_on_issue(admin, t, i, assign(w.edu)).await.unwrap(), IssueState::Assigned);
    assert_eq!(b.act_on_issue(admin, t, i, assign(w.hr)).await.unwrap(), IssueState::Assigned, "transferred");
    // The owner department answers; another department may not.
    assert!(is_forbidden(b.act_on_issue(&w.edu_officer, t, i, resolve("2026-11-05")).await));
    assert!(
        refused(b.act_on_issue(&w.hr_officer, t, i, resolve("2026-11-01")).await)
            .contains("办结日期：不能早于提出日期（2026-11-02）")
    );
    assert_eq!(b.act_on_issue(&w.hr_officer, t, i, resolve("2026-11-05")).await.unwrap(), IssueState::Resolved);
    assert!(refused(b.act_on_issue(admin, t, i, resolve("2026-11-06")).await).contains("已解决"));
    assert!(refused(b.act_on_issue(admin, t, i, assign(w.hr)).await).contains("不能交办"));
    assert!(is_forbidden(b.act_on_issue(&w.hr_officer, t, i, IssueStep::Reopen).await));
    assert_eq!(b.act_on_issue(admin, t, i, IssueStep::Reopen).await.unwrap(), IssueState::Assigned);
    let row = b.issues(admin, t, &IssueFilter::default()).await.unwrap().remove(0);
    assert_eq!((row.resolved_on, row.days), (None, None), "reopened: no longer solved");
    let declined = IssueStep::Decline { answer: "不属于联盟协调范围".into() };
    assert_eq!(b.act_on_issue(&w.hr_officer, t, i, declined.clone()).await.unwrap(), IssueState::Declined);
    assert!(refused(b.act_on_issue(admin, t, i, declined).await).contains("不予受理"));
    assert_eq!(b.act_on_issue(admin, t, i, IssueStep::Reopen).await.unwrap(), IssueState::Assigned);

    // Raised with an owner, it starts with the department; the raiser must be a member.
    let j = b.raise_issue(admin, t, issue("厂房消防验收", w.b, "2026-11-03", Some(w.hr)), false).await.unwrap();
    assert_eq!(state(s, &w.district, t, j).await, IssueState::Assigned);
    assert!(
        refused(b.raise_issue(&w.district, t, issue("x", w.c, "2026-11-03", None), false).await)
            .starts_with("提出单位")
    );
    assert!(is_forbidden(b.raise_issue(&w.contact_a, t, issue("x", w.a, "2026-11-03", None), false).await));
    assert!(is_not_found(b.issues(&w.jiuting_admin, t, &IssueFilter::default()).await));
    assert_eq!(audited(s, "alliance.issue").await.len(), 2 + 6);
}

#[tokio::test]
async fn the_figures_are_the_hand_computed_ones_and_their_lists() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let b = s.bodies();
    let (t, admin) = (w.tongxin, &w.district);
    let empty = b.issue_figures(admin, t).await.unwrap();
    assert_eq!((empty.resolved, empty.median_days, empty.open), (0, None, 0));

    // Solved: Mon 11-02 → Thu 11-05 (3 days, 3 working), Fri 11-06 → Fri 11-13 (7, 5),
    // Mon 11-09 → Thu 11-19 (10, 8), Tue 11-10 → Wed 11-11 (1, 1): medians 5 and 4.
    for (title, raised, solved) in [
        ("一", "2026-11-02", "2026-11-05"),
        ("二", "2026-11-06", "2026-11-13"),
        ("三", "2026-11-09", "2026-11-19"),
        ("四", "2026-11-10", "2026-11-11"),
    ] {
        let i = b.raise_issue(admin, t, issue(title, w.a, raised, Some(w.hr)), false).await.unwrap();
        b.act_on_issue(admin, t, i, resolve(solved)).await.unwrap();
    }
    // Open: two with 人社局, one with 教育局, one not given yet; one declined (not open).
    let mut hr_open = Vec::new();
    for title in ["五", "六"] {
        hr_open.push(b.raise_issue(admin, t, issue(title, w.b, "2026-11-16", Some(w.hr)), false).await.unwrap());
    }
    b.raise_issue(admin, t, issue("七", w.b, "2026-11-16", Some(w.edu)), false).await.unwrap();
    b.raise_issue(admin, t, issue("八", w.b, "2026-11-17", None), false).await.unwrap();
    let nine = b.raise_issue(admin, t, issue("九", w.b, "2026-11-17", None), false).await.unwrap();
    b.act_on_issue(admin, t, nine, IssueStep::Decline { answer: "重复提出".into() }).await.unwrap();

    let f = b.issue_figures(admin, t).await.unwrap();
    assert_eq!((f.resolved, f.median_days, f.median_working_days), (4, Some(5.0), Some(4.0)));
    assert_eq!(f.open, 4);
    let by: Vec<(&str, usize)> = f.open_by_owner.iter().map(|o| (o.name.as_str(), o.count)).collect();
    assert_eq!(by, [("上海市松江区人力资源和社会保障局", 2), ("上海市松江区教育局", 1), ("未交办", 1)]);

    // Each figure is the length of the list behind it.
    let open = vec![IssueState::Open, IssueState::Assigned];
    for o in &f.open_by_owner {
        let list = b.issues(admin, t, &IssueFilter { states: open.clone(), owner: o.owner }).await.unwrap();
        assert_eq!(list.len(), o.count, "{}", o.name);
    }
    let solved =
        b.issues(admin, t, &IssueFilter { states: vec![IssueState::Resolved], owner: OwnerFilter::Any }).await.unwrap();
    let mut days: Vec<i64> = solved.iter().map(|r| r.days.unwrap()).collect();
    days.sort_unstable();
    assert_eq!(days, [1, 3, 7, 10]);

    // Solving one moves both figures.
    b.act_on_issue(&w.hr_officer, t, hr_open[0], resolve("2026-11-23")).await.unwrap();
    let g = b.issue_figures(admin, t).await.unwrap();
    assert_eq!((g.resolved, g.median_days, g.open), (5, Some(7.0), 3));
    assert_eq!(g.open_by_owner[0].count, 1);
}
