//! Issue #11, point 2: the free-text fields without a parser of their own (service request,
//! cluster and Party organisation forms) are refused past their limits through the store,
//! by the domain's `free_text` parsers, naming the field; nothing is written.

use qunlian_domain::auth::UnitId;
use qunlian_store::StoreError;
use qunlian_store::registry::NewCluster;
use qunlian_testkit::*;

fn refused(r: Result<impl std::fmt::Debug, StoreError>) -> String {
    match r {
        Err(e @ StoreError::Fields(_)) => e.to_string(),
        other => panic!("expected a refusal by the free-text parser, got {other:?}"),
    }
}

#[tokio::test]
async fn overlong_free_text_is_refused_naming_the_field() {
    let db = TestDb::new().await;
    let s = &db.store;
    let sys = system();
    let long = "长".repeat(201);
    let a = s.registry().create_enterprise(&sys, enterprise(901, "上海限长有限公司", "新桥")).await.unwrap();

    let e = refused(s.registry().create_org(&sys, org(&long, vec![a])).await);
    assert!(e.starts_with("组织名称：不能超过200个字（现有201个字）"), "{e}");
    let id = s.registry().create_org(&sys, org("限长党支部", vec![a])).await.unwrap();
    assert!(refused(s.registry().rename_org(&sys, id, &long, s.today()).await).starts_with("组织名称："));
    assert_eq!(s.registry().party_org(&sys, id).await.unwrap().org.name, "限长党支部");

    let new =
        NewCluster { description: "简".repeat(20_001), ..cluster("限长集群党委", "限长", "装备", "新桥") };
    assert!(refused(s.registry().create_cluster(&sys, new).await).starts_with("简介：不能超过20000个字"));
    let clusters = s.registry().list_clusters(&sys, None).await.unwrap();
    assert!(clusters.iter().all(|c| c.name != "限长集群党委"));

    let dept = department(s, 902, "上海市松江区经济委员会").await;
    let item = catalogue_item(s, service_item(dept.0, "JW-901", "限长事项")).await;
    let mut req = service_request(item, UnitId(a.0));
    req.title = long.clone();
    req.detail = "述".repeat(5_001);
    let e = refused(s.services().file_request(&sys, req).await);
    assert!(e.contains("标题：不能超过200个字") && e.contains("诉求描述：不能超过5000个字"), "{e}");
}

/// Every reason and note a form takes (issue #11, point 2, the rest): 20,001 characters are
/// refused, the message naming the field, before anything is written. Before, each was
/// stored whole.
#[tokio::test]
async fn every_reason_and_note_is_refused_at_twenty_thousand_and_one_characters() {
    use qunlian_domain::auth::{Role, Scope};
    use qunlian_domain::coverage::WorkLinkKind;
    use qunlian_domain::matching::{IntroductionState, ListingKind, Reach};
    use qunlian_store::coverage::{NewAssignment, NewWorkLink};
    use qunlian_store::matching::NewIntroduction;
    use qunlian_store::services::RequestStep;

    let db = TestDb::new().await;
    let s = &db.store;
    let sys = system();
    let long = "长".repeat(20_001);
    let names = |e: String, fields: &[&str]| {
        for f in fields {
            assert!(e.contains(&format!("{f}：不能超过")) && e.contains("现有20001个字"), "{f} not named: {e}");
        }
    };
    let [a, b] = enterprises(s, [("上海限长甲有限公司", "新桥"), ("上海限长乙有限公司", "新桥")]).await;
    let today = s.today();

    // A Party organisation's dissolution.
    let org_id = s.registry().create_org(&sys, org("限长党支部", vec![b])).await.unwrap();
    names(refused(s.registry().dissolve_org(&sys, org_id, today, &long).await), &["撤销原因"]);
    assert!(s.registry().party_org(&sys, org_id).await.unwrap().org.dissolved_on.is_none());

    // Coverage: an assignment, its withdrawal, a work link.
    let assignment = |responsible: &str, instructor: &str, note: &str| NewAssignment {
        unit: a,
        responsible_unit: responsible.into(),
        instructor_name: Some(instructor.into()),
        due_on: d("2027-06-30"),
        note: Some(note.into()),
        is_demo: false,
    };
    let e = refused(s.coverage().create_assignment(&sys, assignment(&long, &long, &long)).await);
    names(e, &["责任单位", "指导员", "备注"]);
    let open = s.coverage().create_assignment(&sys, assignment("新桥镇党委", "张三", "")).await.unwrap();
    names(refused(s.coverage().withdraw_assignment(&sys, open, &long).await), &["撤回理由"]);
    let link = NewWorkLink {
        unit: a,
        kind: WorkLinkKind::Instructor,
        instructor_name: Some(long.clone()),
        party_org: None,
        since: today,
        note: Some(long.clone()),
        is_demo: false,
    };
    names(refused(s.coverage().add_work_link(&sys, link).await), &["指导员姓名", "备注"]);

    // Matching: an introduction and its step.
    let need =
        s.matching().publish(&sys, a, listing(ListingKind::Need, "限长需求", "数控加工", Reach::District), false);
    let need = need.await.unwrap();
    let offer =
        s.matching().publish(&sys, b, listing(ListingKind::Offer, "限长供给", "数控加工", Reach::District), false);
    let offer = offer.await.unwrap();
    let intro = |note: &str| NewIntroduction {
        need_listing: need,
        offer_listing: offer,
        state: IntroductionState::Suggested,
        note: note.into(),
        is_demo: false,
    };
    names(refused(s.matching().introduce(&sys, intro(&long)).await), &["说明"]);
    let id = s.matching().introduce(&sys, intro("")).await.unwrap();
    let step = s.matching().introduction_step(&sys, id, IntroductionState::Lost, None, Some(&long), &long).await;
    names(refused(step), &["未成交原因", "说明"]);

    // A service request's steps, as the handling department's officer.
    let dept = department(s, 903, "上海市松江区科学技术委员会").await;
    let item = catalogue_item(s, service_item(dept.0, "KW-903", "限长事项")).await;
    let req = s.services().file_request(&sys, service_request(item, a)).await.unwrap();
    let officer = user(s, "kw", Role::ServiceOfficer, Scope::Department(dept)).await;
    let steps: [(RequestStep, &str); 7] = [
        (RequestStep::Assign("长".repeat(201)), "经办人"),
        (RequestStep::Pause(long.clone()), "待补材料"),
        (RequestStep::Resume(long.clone()), "材料已补齐"),
        (RequestStep::Transfer { department_id: dept.0, reason: long.clone() }, "转办原因"),
        (RequestStep::Comment(long.clone()), "备注"),
        (RequestStep::Finish(long.clone()), "办理结果"),
        (RequestStep::Reject(long.clone()), "不予办理的理由"),
    ];
    for (step, field) in steps {
        let e = refused(s.services().step(&officer, req, step).await);
        assert!(e.starts_with(&format!("{field}：不能超过")), "{field}: {e}");
    }
    let history = s.services().request(&officer, req).await.unwrap();
    assert!(history.events.iter().all(|e| e.detail.chars().count() < 20_000), "nothing overlong was stored");
}
