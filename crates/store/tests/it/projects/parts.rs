//! What an application carries besides its fields and what ends a concept review: partner
//! enterprises (and the conflicts each relationship of a partner raises), carriers chosen
//! again, attachments, the rubric the officer edits before the first sheet, the end of a
//! two-stage round's concept review, and the reviewer's pending count.

use chrono::Duration;
use qunlian_domain::auth::{Caller, Role, Scope, UnitId};
use qunlian_domain::matching::{IntroductionState, ListingKind, Reach};
use qunlian_domain::projects::{
    ApplicationAction as A, ApplicationState as S, ConflictKind as K, Decision, ReviewSide, ScoreSheet,
};
use qunlian_domain::registry::{OfficerRole, PairingKind};
use qunlian_store::StoreError;
use qunlian_store::projects::{ApplicationInput, NewCarrier};
use qunlian_store::registry::NewOfficer;
use qunlian_testkit::*;

use super::{application, refused, round, world};

/// A reviewer of `round` for 区科委 working at `unit`.
async fn reviewer(db: &TestDb, round: i64, name: &str, unit: Option<UnitId>) -> (Caller, i64) {
    let u = user(&db.store, name, Role::Reviewer, Scope::Nothing).await;
    let id = db
        .store
        .projects()
        .add_reviewer(&system(), round, u.user_id.0, ReviewSide::Science, unit.map(|u| u.0))
        .await
        .unwrap();
    (u, id)
}

/// Each relationship the platform records, with a partner enterprise of the application
/// rather than its applicant: no conflict before the partner is named, exactly that one after.
#[tokio::test]
async fn a_partner_enterprise_raises_each_conflict_of_its_own() {
    let db = TestDb::new().await;
    let s = &db.store;
    let p = s.projects();
    let admin = system();
    let w = world(&db).await;
    let reg = s.registry();
    // The partner 新桥 member 恒谊 (in the applicant's cluster, so the branch may name it) and
    // a second cluster it belongs to; its group head 上海电气 and a sibling of the group.
    let partner = reg.create_enterprise(&admin, enterprise(21, "上海恒谊制药设备有限公司", "新桥")).await.unwrap();
    let head = reg.create_enterprise(&admin, enterprise(22, "上海电气集团股份有限公司", "方松")).await.unwrap();
    let sibling = reg.create_enterprise(&admin, enterprise(23, "上海电气自动化有限公司", "方松")).await.unwrap();
    let paired = reg.create_enterprise(&admin, enterprise(24, "上海松江职业技术学校实训中心", "方松")).await.unwrap();
    let far = reg.create_enterprise(&admin, enterprise(25, "泖港农业科技有限公司", "泖港")).await.unwrap();
    let clusters = reg.list_clusters(&admin, None).await.unwrap();
    let xinqiao = clusters[0].id;
    reg.add_cluster_member(&admin, xinqiao, partner, false, None).await.unwrap();
    let biomed =
        reg.create_cluster(&admin, cluster("松江生物医药产业集群", "生物医药", "生物医药", "方松")).await.unwrap();
    reg.add_cluster_member(&admin, biomed, partner, false, None).await.unwrap();
    for unit in [partner, sibling] {
        reg.set_group_head(&admin, unit, Some(&uscc(22))).await.unwrap();
    }
    refused(reg.set_group_head(&admin, head, Some(&uscc(22))).await, "不能是自己的集团总部");
    refused(reg.set_group_head(&admin, far, Some(&uscc(21))).await, "属于另一集团");
    reg.create_pairing(
        &admin,
        PairingKind::EnterpriseSchool,
        partner,
        Some(paired),
        None,
        Some(d("2025-09-01")),
        "实训",
        false,
    )
    .await
    .unwrap();
    let dept_seat = department(s, 31, "区经委产业处").await;
    let dept_request = department(s, 32, "区市场监管局").await;
    reg.add_cluster_officer(
        &admin,
        biomed,
        NewOfficer {
            name: "r_seat".into(),
            role: OfficerRole::PartTimeDeputy,
            title: "兼职副书记".into(),
            seconded_from: Some(dept_seat),
            phone: None,
            since: Some(d("2025-01-01")),
        },
    )
    .await
    .unwrap();
    let item = s.services().save_item(&admin, service_item(dept_request.0, "SJ-01", "质量认证")).await.unwrap();
    s.services().file_request(&admin, service_request(item, partner)).await.unwrap();
    // A live introduction for the partner's need, which 区科委成果转化中心 helps to broker.
    let dept_intro = department(s, 33, "区科委成果转化中心").await;
    let m = s.matching();
    let need = m
        .publish(&admin, partner, listing(ListingKind::Need, "求购伺服电机", "继电器产线用", Reach::District), false)
        .await
        .unwrap();
    let offer = m
        .publish(&admin, far, listing(ListingKind::Offer, "供应伺服电机", "现货", Reach::District), false)
        .await
        .unwrap();
    let intro =
        m.introduce(&admin, crate::matching::introduction(need, offer, IntroductionState::Introduced)).await.unwrap();
    refused(m.set_assisting_department(&admin, intro, Some(partner.0)).await, "不是政府部门");
    m.set_assisting_department(&admin, intro, Some(dept_intro.0)).await.unwrap();
    assert_eq!(
        m.introduction(&admin, intro).await.unwrap().introduction.assisting_department.as_deref(),
        Some("区科委成果转化中心")
    );
    let cases = [
        ("r_same", Some(partner), K::SameEnterprise),
        ("r_head", Some(head), K::SameGroup),
        ("r_sibling", Some(sibling), K::SameGroup),
        ("r_seat", Some(dept_seat), K::ClusterCommittee),
        ("r_request", Some(dept_request), K::ServiceRequest),
        ("r_paired", Some(paired), K::Pairing),
        ("r_intro", Some(dept_intro), K::Introduction),
    ];
    let mut ids = Vec::new();
    for (name, unit, _) in &cases {
        let (_, id) = reviewer(&db, w.round, name, *unit).await;
        assert!(p.conflicts(&admin, w.a1, id).await.unwrap().is_empty(), "{name} before the partner is named");
        ids.push(id);
    }
    // The branch names 恒谊 beside its own enterprise; not one outside what it may see.
    let with = |units: Vec<UnitId>| ApplicationInput {
        units: units.iter().map(|u| u.0).collect(),
        ..application(w.round, org_of(&w.branch1), "安全级超速继电器")
    };
    refused(p.update_application(&w.branch1, w.a1, with(vec![w.e1, far])).await, "不在您可选的范围内");
    p.update_application(&w.branch1, w.a1, with(vec![w.e1, partner])).await.unwrap();
    let names: Vec<String> = p.application(&w.branch1, w.a1).await.unwrap().units.into_iter().map(|(_, n)| n).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(p.partner_choices(&w.branch1, "恒谊", &[]).await.unwrap().iter().any(|(id, _)| *id == partner.0));
    assert!(p.partner_choices(&w.branch1, "泖港", &[]).await.unwrap().is_empty());
    for ((name, _, kind), id) in cases.iter().zip(&ids) {
        assert_eq!(p.conflicts(&admin, w.a1, *id).await.unwrap(), vec![*kind], "{name}");
    }
    // And the other application, without the partner, is free of them all.
    for id in &ids[1..] {
        assert!(p.conflicts(&admin, w.a2, *id).await.unwrap().is_empty());
    }
}

fn org_of(c: &Caller) -> qunlian_domain::auth::OrgId {
    match c.scope {
        Scope::PartyOrg(o) => o,
        _ => panic!("a branch secretary"),
    }
}

/// A carrier is registered with one application and chosen by the next; another
/// organisation may neither choose nor see it; its page lists its projects in scope.
#[tokio::test]
async fn a_carrier_is_registered_once_and_chosen_again() {
    let db = TestDb::new().await;
    let p = db.store.projects();
    let w = world(&db).await;
    let org1 = org_of(&w.branch1);
    let first = ApplicationInput {
        new_carrier: Some(NewCarrier {
            kind: "党员科技创新工作室".into(),
            name: "崔建华党员创新研发工作室".into(),
            lead_name: "崔建华".into(),
        }),
        ..application(w.round, org1, "安全级超速继电器二期")
    };
    refused(
        p.create_application(
            &w.branch1,
            ApplicationInput {
                new_carrier: Some(NewCarrier { kind: "创新小组".into(), name: "x".into(), lead_name: "y".into() }),
                ..first.clone()
            },
        )
        .await,
        "工作载体",
    );
    let a = p.create_application(&w.branch1, first).await.unwrap();
    let carriers = p.carriers(&w.branch1, Some(org1.0)).await.unwrap();
    assert_eq!(
        carriers.iter().map(|c| (c.name.as_str(), c.lead_name.as_str())).collect::<Vec<_>>(),
        [("崔建华党员创新研发工作室", "崔建华")]
    );
    let carrier = carriers[0].id;
    let b = p
        .create_application(
            &w.branch1,
            ApplicationInput { carrier_id: Some(carrier), ..application(w.round, org1, "继电器检测平台") },
        )
        .await
        .unwrap();
    assert_eq!(p.application(&w.branch1, b).await.unwrap().carrier_id, Some(carrier));
    // 世格's branch: not its carrier, not in its list, not its page.
    assert!(p.carriers(&w.branch2, None).await.unwrap().is_empty());
    refused(
        p.create_application(
            &w.branch2,
            ApplicationInput { carrier_id: Some(carrier), ..application(w.round, org_of(&w.branch2), "借用载体") },
        )
        .await,
        "不是本组织登记的载体",
    );
    assert!(matches!(p.carrier(&w.branch2, carrier).await, Err(StoreError::NotFound)));
    let page = p.carrier(&w.secretary, carrier).await.unwrap();
    assert_eq!(page.projects.iter().map(|r| r.id).collect::<Vec<_>>(), [a, b]);
}

/// Attachments: the types and sizes accepted, added while editable, read by whoever sees
/// the application and by an assigned reviewer free of conflict, never by a conflicted one.
#[tokio::test]
async fn attachments_are_limited_scoped_and_audited() {
    let db = TestDb::new().await;
    let s = &db.store;
    let p = s.projects();
    let admin = system();
    let w = world(&db).await;
    refused(p.add_application_file(&w.branch1, w.a1, "说明.exe", b"MZ".to_vec()).await, "只接受 PDF");
    refused(p.add_application_file(&w.branch1, w.a1, "空.pdf", Vec::new()).await, "空文件");
    refused(p.add_application_file(&w.branch1, w.a1, "大.pdf", vec![0; 10 * 1024 * 1024 + 1]).await, "超过 10 MB");
    assert!(matches!(
        p.add_application_file(&w.branch2, w.a1, "可行性报告.pdf", b"%PDF".to_vec()).await,
        Err(StoreError::NotFound)
    ));
    let f = p.add_application_file(&w.branch1, w.a1, "C:\\材料\\可行性报告.PDF", b"%PDF-1.7".to_vec()).await.unwrap();
    let files = p.application_files(&w.secretary, w.a1).await.unwrap();
    assert_eq!(files.iter().map(|f| f.file_name.as_str()).collect::<Vec<_>>(), ["可行性报告.PDF"]);
    let (_, bytes) = p.application_file(&w.secretary, w.a1, f).await.unwrap();
    assert_eq!(bytes, b"%PDF-1.7");
    assert!(matches!(p.application_file(&w.branch2, w.a1, f).await, Err(StoreError::NotFound)));

    // Filed, it keeps its files; the review opens; r_sci2 (世格) and r_econ (a live request
    // of 昱章 with 区经委) are conflicted, r_sci is not.
    p.act(&w.branch1, w.a1, A::Submit, "", None).await.unwrap();
    refused(p.add_application_file(&w.branch1, w.a1, "补充.pdf", b"%PDF".to_vec()).await, "不能再增删附件");
    p.act(&w.secretary, w.a1, A::Recommend, "", Some(1)).await.unwrap();
    db.clock.advance(Duration::days(8));
    p.act(&admin, w.a1, A::StartReview, "", None).await.unwrap();
    let r = |n: &str| w.reviewers[n].clone();
    p.assign(&admin, w.a1, r("r_sci").1).await.unwrap();
    assert!(p.application_file(&r("r_sci").0, w.a1, f).await.is_ok());
    // A conflict arising after the assignment (a live request of 昱章 with 区科委) closes them.
    let dept_sci =
        p.reviewers(&admin, w.round).await.unwrap().into_iter().find(|x| x.display_name == "r_sci").unwrap().unit_id;
    let item = s.services().save_item(&admin, service_item(dept_sci.unwrap(), "KW-09", "研发机构认定")).await.unwrap();
    s.services().file_request(&admin, service_request(item, w.e1)).await.unwrap();
    refused(p.application_file(&r("r_sci").0, w.a1, f).await, "利益冲突");
    refused(p.application_files(&r("r_sci").0, w.a1).await, "利益冲突");
    assert!(matches!(p.application_file(&r("r_econ2").0, w.a1, f).await, Err(StoreError::NotFound)), "not assigned");
    let audit = crate::audit_mentioning(s, "project.application.file").await;
    assert_eq!(audit.len(), 3, "one upload, two downloads");
}

fn sheet(scores: &[(&str, u8)]) -> ScoreSheet {
    ScoreSheet { scores: scores.iter().map(|(k, v)| (k.to_string(), *v)).collect(), ..Default::default() }
}

/// The officer edits a round's rubric until the first sheet is in; the weights must sum to 100.
#[tokio::test]
async fn the_rubric_is_edited_until_the_first_sheet() {
    let db = TestDb::new().await;
    let s = &db.store;
    let p = s.projects();
    let admin = system();
    let w = world(&db).await;
    let mut rubric = p.round(&admin, w.round).await.unwrap().rubric;
    rubric.criteria[0].weight = 25;
    refused(p.set_rubric(&admin, w.round, rubric.clone()).await, "权重之和应为 100，现为 105");
    rubric.criteria[1].weight = 15;
    rubric.criteria[0].name = "党建引领作用".into();
    assert!(matches!(p.set_rubric(&w.branch1, w.round, rubric.clone()).await, Err(StoreError::Forbidden)));
    p.set_rubric(&admin, w.round, rubric.clone()).await.unwrap();
    assert_eq!(p.round(&admin, w.round).await.unwrap().rubric, rubric);

    p.act(&w.branch1, w.a1, A::Submit, "", None).await.unwrap();
    p.act(&w.secretary, w.a1, A::Recommend, "", Some(1)).await.unwrap();
    db.clock.advance(Duration::days(8));
    p.act(&admin, w.a1, A::StartReview, "", None).await.unwrap();
    let (sci, sci_id) = w.reviewers["r_sci"].clone();
    p.assign(&admin, w.a1, sci_id).await.unwrap();
    // Assigned but nothing saved: still editable.
    p.set_rubric(&admin, w.round, rubric.clone()).await.unwrap();
    db.clock.advance(Duration::days(6));
    p.save_sheet(&sci, w.a1, sheet(&[("technology", 8)]), false).await.unwrap();
    refused(p.set_rubric(&admin, w.round, rubric).await, "评分细则不能再修改");
    let audit = crate::audit_mentioning(s, "project.round.rubric").await;
    assert_eq!(audit.len(), 2);
    assert!(audit.iter().any(|e| e.detail.contains("党建引领作用（区委组织部 25）")), "{:?}", audit[0].detail);
}

/// A two-stage round: concepts reviewed, one accepted; the officer ends the concept stage
/// (refused before a concept is accepted and without a reason), the other is closed, the
/// accepted one is completed and filed, returns to the review with empty sheets; the
/// reviewer's pending count follows his assignments.
#[tokio::test]
async fn the_concept_stage_ends_with_invitations_and_closures() {
    let db = TestDb::new().await;
    let s = &db.store;
    let p = s.projects();
    let admin = system();
    let w = world(&db).await;
    p.update_round(&admin, w.round, qunlian_store::projects::NewRound { two_stage: true, ..round() })
        .await
        .unwrap_err();
    // A fresh two-stage round for the same branches.
    let two = p
        .create_round(
            &admin,
            qunlian_store::projects::NewRound {
                two_stage: true,
                name: "2026年度深度融合项目（两阶段）".into(),
                ..round()
            },
        )
        .await
        .unwrap();
    let c1 = p.create_application(&w.branch1, application(two, org_of(&w.branch1), "继电器概念")).await.unwrap();
    let c2 = p.create_application(&w.branch2, application(two, org_of(&w.branch2), "去毛刺概念")).await.unwrap();
    for (who, id, rank) in [(&w.branch1, c1, 1), (&w.branch2, c2, 2)] {
        p.act(who, id, A::Submit, "", None).await.unwrap();
        p.act(&w.secretary, id, A::Recommend, "", Some(rank)).await.unwrap();
    }
    db.clock.advance(Duration::days(8));
    refused(p.end_concept_stage(&admin, two, "").await, "评审开始后");
    for id in [c1, c2] {
        p.act(&admin, id, A::StartReview, "", None).await.unwrap();
    }
    let sci = user(s, "r_sci_two", Role::Reviewer, Scope::Nothing).await;
    let sci_id = p.add_reviewer(&admin, two, sci.user_id.0, ReviewSide::Science, None).await.unwrap();
    for id in [c1, c2] {
        p.assign(&admin, id, sci_id).await.unwrap();
    }
    assert_eq!(p.pending_count(&sci).await.unwrap(), 2);
    assert!(matches!(p.pending_count(&w.branch1).await, Err(StoreError::Forbidden)));
    db.clock.advance(Duration::days(6));
    p.save_sheet(&sci, c1, sheet(&[("technology", 9)]), true).await.unwrap();
    assert_eq!(p.pending_count(&sci).await.unwrap(), 1, "one submitted");
    refused(p.end_concept_stage(&admin, two, "").await, "还没有决定入围");
    refused(
        p.act(&admin, c1, A::Decide(Decision::Award(qunlian_domain::projects::Tier::Selected)), "", None).await,
        "概念评审只能",
    );
    assert_eq!(
        p.act(&admin, c1, A::Decide(Decision::AcceptConcept), "方向明确", None).await.unwrap(),
        S::ConceptAccepted
    );
    // Accepted, not yet invited: the full application waits for the end of the stage.
    refused(p.act(&w.branch1, c1, A::Submit, "", None).await, "概念评审尚未结束");
    assert!(matches!(p.end_concept_stage(&w.secretary, two, "x").await, Err(StoreError::Forbidden)));
    refused(p.end_concept_stage(&admin, two, " ").await, "须写明理由");
    let done = p.end_concept_stage(&admin, two, "技术路线尚不成熟").await.unwrap();
    assert_eq!((done.invited, done.closed, done.sheets_kept), (1, 1, 1));
    refused(p.end_concept_stage(&admin, two, "again").await, "不在概念评审阶段");
    let closed = p.application(&w.branch2, c2).await.unwrap();
    assert_eq!((closed.row.state, closed.decision_note.as_deref()), (S::NotSelected, Some("技术路线尚不成熟")));
    assert_eq!(closed.events.last().unwrap().action, "结束概念评审");
    assert_eq!(p.pending_count(&sci).await.unwrap(), 0, "neither is under review now");

    // The invited applicant completes the full application and files it: back to the officer.
    let full = ApplicationInput {
        summary: "完整申报：样机、工艺与产业化方案".into(),
        ..application(two, org_of(&w.branch1), "继电器（完整申报）")
    };
    p.update_application(&w.branch1, c1, full).await.unwrap();
    assert_eq!(p.act(&w.branch1, c1, A::Submit, "", None).await.unwrap(), S::Recommended);
    let detail = p.application(&w.branch1, c1).await.unwrap();
    assert!(!detail.concept && detail.row.cluster_rank == Some(1));
    p.act(&admin, c1, A::StartReview, "", None).await.unwrap();
    assert_eq!(p.pending_count(&sci).await.unwrap(), 1, "the full review starts with an empty sheet");
    let view = p.open_review(&sci, c1).await.unwrap();
    assert!(view.sheet.is_none() && !view.submitted);
    refused(p.act(&admin, c1, A::Decide(Decision::AcceptConcept), "", None).await, "完整申报的评审");
}
