//! Integration projects through the store: filing, the cluster's recommendation, conflicts
//! found from each relationship, the quota assignment, the blind rule, veto, the ranking
//! and the decision, with the refusals on the way.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Duration;
use qunlian_domain::auth::{Caller, OrgId, Role, Scope, UnitId};
use qunlian_domain::projects::{
    self, ApplicantKind, ApplicationAction as A, ApplicationState as S, ConflictKind, Decision, Pin, ReviewSide,
    RoundDates, ScoreSheet, Tier,
};
use qunlian_store::projects::{ApplicationInput, NewRound};
use qunlian_store::{Store, StoreError};
use qunlian_testkit::*;

pub(super) fn round() -> NewRound {
    NewRound {
        year: 2026,
        name: "2026年度深度融合项目".into(),
        two_stage: false,
        dates: RoundDates {
            filing_opens: d("2026-11-20"),
            filing_closes: d("2026-11-30"),
            recommend_closes: d("2026-12-05"),
            review_closes: d("2026-12-20"),
            publicity_closes: d("2026-12-25"),
            objections_close: d("2026-12-31"),
        },
        subjects: projects::DEFAULT_SUBJECTS.iter().map(|s| s.to_string()).collect(),
        directions: projects::DEFAULT_DIRECTIONS.iter().map(|s| s.to_string()).collect(),
        carrier_kinds: projects::DEFAULT_CARRIERS.iter().map(|s| s.to_string()).collect(),
        eligible: vec![ApplicantKind::EnterpriseBranch, ApplicantKind::JointBranch, ApplicantKind::ClusterCommittee],
        quota_per_side: 1,
        reviewer_cap: 10,
        rubric: projects::default_rubric(),
        is_demo: false,
    }
}

pub(super) fn application(round_id: i64, org: OrgId, title: &str) -> ApplicationInput {
    ApplicationInput {
        round_id,
        org_id: org.0,
        title: title.into(),
        subject: projects::DEFAULT_SUBJECTS[0].into(),
        direction: "科技攻关".into(),
        summary: "党员创新工作室牵头攻关".into(),
        lead_name: "崔建华".into(),
        targets: vec![("发明专利（件）".into(), 3.0), ("市场占有率提升（%）".into(), 20.0)],
        ..Default::default()
    }
}

fn sheet(scores: &[(&str, u8)]) -> ScoreSheet {
    ScoreSheet { scores: scores.iter().map(|(k, v)| (k.to_string(), *v)).collect(), ..Default::default() }
}

pub(super) fn refused(r: Result<impl std::fmt::Debug, StoreError>, words: &str) {
    match r {
        Err(StoreError::Invalid { field, message }) => {
            assert!(format!("{field}：{message}").contains(words), "“{field}：{message}” lacks “{words}”")
        }
        other => panic!("expected a refusal with “{words}”, got {other:?}"),
    }
}

pub(super) struct World {
    pub(super) round: i64,
    pub(super) a1: i64,
    pub(super) a2: i64,
    pub(super) branch1: Caller,
    pub(super) branch2: Caller,
    pub(super) secretary: Caller,
    pub(super) reviewers: BTreeMap<&'static str, (Caller, i64)>,
    pub(super) e1: UnitId,
    pub(super) e2: UnitId,
}

pub(super) async fn world(db: &TestDb) -> World {
    let s: &Store = &db.store;
    let admin = system();
    let reg = s.registry();
    let e1 = reg.create_enterprise(&admin, enterprise(1, "上海昱章电气成套设备有限公司", "新桥")).await.unwrap();
    let e2 = reg.create_enterprise(&admin, enterprise(2, "世格流体控制（上海）有限公司", "新桥")).await.unwrap();
    let c =
        reg.create_cluster(&admin, cluster("新桥现代装备制造产业集群", "装备集群", "装备制造", "新桥")).await.unwrap();
    for e in [e1, e2] {
        reg.add_cluster_member(&admin, c, e, false, None).await.unwrap();
    }
    let org1 = reg.create_org(&admin, org("昱章电气党支部", vec![e1])).await.unwrap();
    let org2 = reg.create_org(&admin, org("世格流体党支部", vec![e2])).await.unwrap();
    let branch1 = user(s, "branch1", Role::BranchSecretary, Scope::PartyOrg(org1)).await;
    let branch2 = user(s, "branch2", Role::BranchSecretary, Scope::PartyOrg(org2)).await;
    let secretary = user(s, "xq_cluster", Role::ClusterSecretary, Scope::Cluster(c)).await;
    let round = s.projects().create_round(&admin, round()).await.unwrap();
    let p = s.projects();
    let a1 = p.create_application(&branch1, application(round, org1, "安全级超速继电器")).await.unwrap();
    let a2 = p.create_application(&branch2, application(round, org2, "机器人去毛刺")).await.unwrap();

    let dept_org = department(s, 10, "区委组织部").await;
    let dept_econ = department(s, 11, "区经委").await;
    let dept_sci = department(s, 12, "区科委").await;
    let mut reviewers = BTreeMap::new();
    for (name, side, unit) in [
        ("r_org", ReviewSide::Organisation, Some(dept_org)),
        ("r_econ", ReviewSide::Economy, Some(dept_econ)),
        ("r_econ2", ReviewSide::Economy, None),
        ("r_sci", ReviewSide::Science, Some(dept_sci)),
        ("r_sci2", ReviewSide::Science, Some(e2)),
    ] {
        let u = user(s, name, Role::Reviewer, Scope::Nothing).await;
        let id = p.add_reviewer(&admin, round, u.user_id.0, side, unit.map(|u| u.0)).await.unwrap();
        reviewers.insert(name, (u, id));
    }
    // A live service request of 昱章 with 区经委: its reviewer may not review 昱章.
    let item = s.services().save_item(&admin, service_item(dept_econ.0, "JW-01", "技改项目备案")).await.unwrap();
    s.services().file_request(&admin, service_request(item, e1)).await.unwrap();
    World { round, a1, a2, branch1, branch2, secretary, reviewers, e1, e2 }
}

/// Both applications filed and forwarded (昱章's first), then two weeks on the review of
/// both started.
pub(super) async fn under_review(db: &TestDb, w: &World) {
    let p = db.store.projects();
    for (who, id) in [(&w.branch1, w.a1), (&w.branch2, w.a2)] {
        p.act(who, id, A::Submit, "", None).await.unwrap();
    }
    p.act(&w.secretary, w.a1, A::Recommend, "", Some(1)).await.unwrap();
    p.act(&w.secretary, w.a2, A::Recommend, "", Some(2)).await.unwrap();
    db.clock.advance(Duration::days(14));
    for id in [w.a1, w.a2] {
        p.act(&system(), id, A::StartReview, "", None).await.unwrap();
    }
}

#[tokio::test]
async fn a_round_from_filing_to_decision() {
    let db = TestDb::new().await;
    let s = &db.store;
    let p = s.projects();
    let admin = system();
    let w = world(&db).await;
    let r = |name: &str| w.reviewers[name].clone();

    // Scope: a branch sees its own application only; the cluster's secretary sees both.
    assert!(matches!(p.application(&w.branch1, w.a2).await, Err(StoreError::NotFound)));
    assert_eq!(p.applications(&w.secretary, w.round, None).await.unwrap().len(), 2);
    assert_eq!(
        p.application(&w.branch1, w.a1).await.unwrap().units,
        vec![(w.e1.0, "上海昱章电气成套设备有限公司".into())]
    );

    // Filing, a return with its reason, and the cluster's ranked batch.
    for (who, id) in [(&w.branch1, w.a1), (&w.branch2, w.a2)] {
        assert_eq!(p.act(who, id, A::Submit, "", None).await.unwrap(), S::Submitted);
    }
    assert!(matches!(p.act(&w.branch1, w.a1, A::Recommend, "", Some(1)).await, Err(StoreError::Forbidden)));
    refused(p.act(&w.secretary, w.a2, A::Return, "", None).await, "须写明理由");
    assert_eq!(p.act(&w.secretary, w.a2, A::Return, "补充专利清单", None).await.unwrap(), S::Draft);
    assert_eq!(p.application(&w.branch2, w.a2).await.unwrap().return_reason.as_deref(), Some("补充专利清单"));
    p.act(&w.branch2, w.a2, A::Submit, "", None).await.unwrap();
    refused(p.act(&w.secretary, w.a1, A::Recommend, "", None).await, "推荐排序");
    p.act(&w.secretary, w.a1, A::Recommend, "", Some(1)).await.unwrap();
    p.act(&w.secretary, w.a2, A::Recommend, "", Some(2)).await.unwrap();
    refused(p.act(&admin, w.a1, A::StartReview, "", None).await, "申报中");

    // 12-01: recommendation closed for filing; the officer opens the review.
    db.clock.advance(Duration::days(8));
    refused(p.act(&w.branch1, w.a1, A::Withdraw, "", None).await, "不能撤回");
    for id in [w.a1, w.a2] {
        assert_eq!(p.act(&admin, id, A::StartReview, "", None).await.unwrap(), S::UnderReview);
    }

    // Conflicts from each relationship the data shows.
    assert_eq!(p.conflicts(&admin, w.a1, r("r_econ").1).await.unwrap(), vec![ConflictKind::ServiceRequest]);
    assert_eq!(p.conflicts(&admin, w.a2, r("r_sci2").1).await.unwrap(), vec![ConflictKind::SameEnterprise]);
    assert!(p.conflicts(&admin, w.a1, r("r_sci").1).await.unwrap().is_empty());
    refused(p.assign(&admin, w.a1, r("r_econ").1).await, "利益冲突");

    // The quota assignment: one of each department per application, none conflicted.
    let proposal = p.assign_automatically(&admin, w.round).await.unwrap();
    assert!(proposal.shortfalls.is_empty(), "{:?}", proposal.shortfalls);
    assert_eq!(proposal.added, 6);
    let mine = |c: &Caller| {
        let c = c.clone();
        async move { p.my_reviews(&c).await.unwrap().into_iter().map(|(a, _)| a.id).collect::<BTreeSet<_>>() }
    };
    assert_eq!(mine(&r("r_econ2").0).await, BTreeSet::from([w.a1]));
    // 世格 can only have r_sci (r_sci2 works there); the load then sends r_sci2 to 昱章.
    assert_eq!(mine(&r("r_sci").0).await, BTreeSet::from([w.a2]));
    assert_eq!(mine(&r("r_sci2").0).await, BTreeSet::from([w.a1]));
    assert!(matches!(p.open_review(&r("r_econ").0, w.a1).await, Err(StoreError::NotFound)), "not assigned");

    // Scores only while the review runs.
    refused(p.save_sheet(&r("r_sci2").0, w.a1, sheet(&[("technology", 9)]), true).await, "不能评分");
    db.clock.advance(Duration::days(6)); // 12-07
    refused(p.save_sheet(&r("r_sci2").0, w.a1, sheet(&[("technology", 11)]), true).await, "超过满分");
    p.save_sheet(&r("r_sci2").0, w.a1, sheet(&[("technology", 9)]), true).await.unwrap();

    // The blind rule: the others' sheets only after one's own, without names.
    let view = p.open_review(&r("r_org").0, w.a1).await.unwrap();
    assert!(!view.submitted && view.others.is_empty());
    assert_eq!(view.criteria.iter().filter(|c| !c.veto).count(), 2, "组织部's two criteria");
    p.save_sheet(&r("r_org").0, w.a1, sheet(&[("party_lead", 8), ("members_role", 9)]), true).await.unwrap();
    let view = p.open_review(&r("r_org").0, w.a1).await.unwrap();
    assert_eq!(view.others, vec![(ReviewSide::Science, 0.9)]);
    p.save_sheet(&r("r_econ2").0, w.a1, sheet(&[("industry_value", 7)]), true).await.unwrap();

    // A change after submission is audited with before and after.
    p.save_sheet(&r("r_sci2").0, w.a1, sheet(&[("technology", 10)]), false).await.unwrap();
    let audit = crate::audit_mentioning(s, "project.sheet.change").await;
    assert_eq!(audit.len(), 1);
    assert!(audit[0].detail.contains("\"technology\":9") && audit[0].detail.contains("\"technology\":10"));

    // A veto needs its reason and keeps the application out of any tier.
    let mut veto = sheet(&[("party_lead", 6), ("members_role", 6)]);
    veto.vetoes.insert("discipline".into());
    refused(p.save_sheet(&r("r_org").0, w.a2, veto.clone(), true).await, "须写明理由");
    veto.comments.insert("discipline".into(), "核查发现违规问题".into());
    p.save_sheet(&r("r_org").0, w.a2, veto, true).await.unwrap();

    // A conflict that arises later blocks a reviewer already assigned.
    let dept_sci = UnitId(
        db.store
            .projects()
            .reviewers(&admin, w.round)
            .await
            .unwrap()
            .iter()
            .find(|x| x.display_name == "r_sci")
            .unwrap()
            .unit_id
            .unwrap(),
    );
    let item = s.services().save_item(&admin, service_item(dept_sci.0, "KW-09", "研发机构认定")).await.unwrap();
    s.services().file_request(&admin, service_request(item, w.e2)).await.unwrap();
    refused(p.open_review(&r("r_sci").0, w.a2).await, "利益冲突");
    assert_eq!(mine(&r("r_sci").0).await, BTreeSet::new());
    // The officer may clear a stale relationship conflict, never the same enterprise.
    p.pin(&admin, w.a2, r("r_sci").1, Pin::Clear, "该事项已由他人办理").await.unwrap();
    assert!(p.open_review(&r("r_sci").0, w.a2).await.is_ok());
    p.pin(&admin, w.a2, r("r_sci2").1, Pin::Clear, "试图清除").await.unwrap();
    assert_eq!(p.conflicts(&admin, w.a2, r("r_sci2").1).await.unwrap(), vec![ConflictKind::SameEnterprise]);

    // The ranking: 昱章 first, the vetoed one last; the officer decides.
    let ranking = p.ranking(&admin, w.round).await.unwrap();
    assert_eq!(
        ranking.iter().map(|r| (r.application_id, r.vetoed)).collect::<Vec<_>>(),
        vec![(w.a1, false), (w.a2, true)]
    );
    // 组织部 40 × (8+9)/20, 经委 30 × 0.7, 科委 30 × 1.0 = 34 + 21 + 30 = 85.
    assert!((ranking[0].raw - 85.0).abs() < 1e-9, "{}", ranking[0].raw);
    refused(p.act(&admin, w.a2, A::Decide(Decision::Award(Tier::Selected)), "", None).await, "否决项");
    assert_eq!(p.act(&admin, w.a2, A::Decide(Decision::Decline), "", None).await.unwrap(), S::NotSelected);
    assert_eq!(
        p.act(&admin, w.a1, A::Decide(Decision::Award(Tier::Excellent)), "打破国外垄断", None).await.unwrap(),
        S::Excellent
    );
    assert!(matches!(p.act(&w.secretary, w.a1, A::StartImplementation, "", None).await, Err(StoreError::Forbidden)));
    let detail = p.application(&w.branch1, w.a1).await.unwrap();
    assert_eq!(detail.row.state, S::Excellent);
    assert_eq!(detail.events.len(), 4, "submitted, recommended, review started, decided");
    let _ = (&w.branch2, w.e2);
}

#[tokio::test]
async fn rounds_refuse_what_a_review_cannot_use() {
    let db = TestDb::new().await;
    let p = db.store.projects();
    let mut bad = round();
    bad.dates.review_closes = d("2026-12-01");
    refused(p.create_round(&system(), bad).await, "评审截止日期应晚于集群推荐截止日期");
    let mut bad = round();
    bad.rubric.criteria.retain(|c| c.side != ReviewSide::Science);
    refused(p.create_round(&system(), bad).await, "区科委没有评分项");
    let branch = user(&db.store, "b", Role::BranchSecretary, Scope::PartyOrg(OrgId(1))).await;
    assert!(matches!(p.create_round(&branch, round()).await, Err(StoreError::Forbidden)));
}

/// The officer's board and edits: a round's dates moved (and its two-stage option frozen once
/// filed), the board with each conflict's reason, taking an assignment back until its sheet
/// is in, and the reviewer's own blocked assignments by reason.
#[tokio::test]
async fn the_board_edits_and_unassignment() {
    let db = TestDb::new().await;
    let s = &db.store;
    let p = s.projects();
    let admin = system();
    let w = world(&db).await;
    let r = |name: &str| w.reviewers[name].clone();

    // Edits: the calendar moves the phase; two-stage cannot change once applications exist.
    let mut edit = round();
    edit.two_stage = true;
    refused(p.update_round(&admin, w.round, edit).await, "不能再改变是否分两阶段");
    let mut edit = round();
    edit.name = "2026年度深度融合项目（修订）".into();
    edit.dates.filing_opens = d("2026-11-01");
    edit.dates.filing_closes = d("2026-11-10");
    assert!(matches!(p.update_round(&w.branch1, w.round, edit.clone()).await, Err(StoreError::Forbidden)));
    p.update_round(&admin, w.round, edit).await.unwrap();
    let after = p.round(&admin, w.round).await.unwrap();
    assert_eq!((after.name.as_str(), after.phase.code()), ("2026年度深度融合项目（修订）", "recommending"));

    // Filing closed by the edit: submitting is refused; reopened, the branches submit.
    refused(p.act(&w.branch1, w.a1, A::Submit, "", None).await, "不能提交申报");
    p.update_round(&admin, w.round, round()).await.unwrap();
    for (who, id, rank) in [(&w.branch1, w.a1, 1), (&w.branch2, w.a2, 2)] {
        p.act(who, id, A::Submit, "", None).await.unwrap();
        p.act(&w.secretary, id, A::Recommend, "", Some(rank)).await.unwrap();
    }
    db.clock.advance(Duration::days(8));
    for id in [w.a1, w.a2] {
        p.act(&admin, id, A::StartReview, "", None).await.unwrap();
    }

    // The board: each conflict with its reason, none assigned yet.
    let board = p.board(&admin, w.round).await.unwrap();
    assert_eq!(board.len(), 2);
    let a1 = board.iter().find(|b| b.application.id == w.a1).unwrap();
    assert!(a1.assigned.is_empty());
    assert!(a1.conflicts.contains(&(r("r_econ").1, vec![ConflictKind::ServiceRequest])), "{:?}", a1.conflicts);
    assert!(matches!(p.board(&w.secretary, w.round).await, Err(StoreError::Forbidden)));

    // Unassign: only an assignment that exists, and not after the sheet is in.
    p.assign(&admin, w.a1, r("r_sci2").1).await.unwrap();
    p.assign(&admin, w.a1, r("r_org").1).await.unwrap();
    db.clock.advance(Duration::days(6));
    p.save_sheet(&r("r_org").0, w.a1, sheet(&[("party_lead", 8), ("members_role", 9)]), true).await.unwrap();
    refused(p.unassign(&admin, w.a1, r("r_org").1).await, "已提交评分");
    p.unassign(&admin, w.a1, r("r_sci2").1).await.unwrap();
    assert!(matches!(p.unassign(&admin, w.a1, r("r_sci2").1).await, Err(StoreError::NotFound)));
    let a1 = p.board(&admin, w.round).await.unwrap().into_iter().find(|b| b.application.id == w.a1).unwrap();
    assert_eq!(
        a1.assigned.iter().map(|x| (x.reviewer_id, x.submitted)).collect::<Vec<_>>(),
        vec![(r("r_org").1, true)]
    );

    // A conflict that arises after the assignment: the reviewer sees the number and the reason only.
    p.assign(&admin, w.a2, r("r_sci").1).await.unwrap();
    assert!(p.my_blocked(&r("r_sci").0).await.unwrap().is_empty());
    let dept_sci =
        p.reviewers(&admin, w.round).await.unwrap().into_iter().find(|x| x.display_name == "r_sci").unwrap().unit_id;
    let item = s.services().save_item(&admin, service_item(dept_sci.unwrap(), "KW-09", "研发机构认定")).await.unwrap();
    s.services().file_request(&admin, service_request(item, w.e2)).await.unwrap();
    assert_eq!(p.my_blocked(&r("r_sci").0).await.unwrap(), vec![(w.a2, vec![ConflictKind::ServiceRequest])]);
    assert!(matches!(p.my_blocked(&admin).await, Err(StoreError::Forbidden)));

    // The reviewer accounts the officer may appoint.
    let accounts = p.reviewer_accounts(&admin).await.unwrap();
    assert_eq!(accounts.len(), 5);
    assert!(matches!(p.reviewer_accounts(&r("r_org").0).await, Err(StoreError::Forbidden)));
}

mod parts;
