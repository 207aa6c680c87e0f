//! Villages and their 名誉村主任: who registers villages, nominates, checks the 五有
//! checklist, appoints; the town's mandatory actions made due at the appointment; the
//! enterprise contact's view and reports; the overdue list and the per-village summary.

use qunlian_domain::bodies::{
    AppointmentFields, CheckFields, CompletionFields, HeadActionFields, HeadState, HeadStep, MandatoryFields,
    NominationFields, RawAppointment, RawCheck, RawCompletion, RawHeadAction, RawMandatory, RawNomination,
};

use super::*;

fn nomination(person: &str, firm: UnitId) -> NominationFields {
    NominationFields::parse(&RawNomination {
        person: person.into(),
        enterprise: firm.0.to_string(),
        identity: "党组织书记".into(),
        nominated_on: "2019-06-20".into(),
    })
    .unwrap()
}

fn check(item: i64, checker: &str, passed: bool) -> CheckFields {
    CheckFields::parse(&RawCheck {
        item: item.to_string(),
        checker: checker.into(),
        passed: if passed { "yes" } else { "no" }.into(),
        note: String::new(),
        checked_on: "2019-06-25".into(),
    })
    .unwrap()
}

fn appointment(village: i64, start: &str) -> AppointmentFields {
    AppointmentFields::parse(&RawAppointment {
        village: village.to_string(),
        term_start: start.into(),
        term_end: "2099-06-30".into(),
        pairing: "企业帮村".into(),
    })
    .unwrap()
}

fn mandatory(name: &str, days: u32) -> MandatoryFields {
    MandatoryFields::parse(&RawMandatory { name: name.into(), due_days: days.to_string() }).unwrap()
}

#[tokio::test]
async fn the_town_nominates_checks_and_appoints_a_head_and_its_actions_fall_due() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let b = s.bodies();
    let xinqiao = town("新桥");

    // Villages: the town registers its own, not another town's; a name once per town.
    let village = b.add_village(&w.xinqiao_admin, &xinqiao, "春申村", false).await.unwrap();
    assert!(refused(b.add_village(&w.xinqiao_admin, &xinqiao, "春申村", false).await).contains("已有“春申村”"));
    assert!(refused(b.add_village(&w.jiuting_admin, &xinqiao, "新桥村", false).await).contains("不在您的管辖范围内"));
    assert!(is_forbidden(b.add_village(&w.xinqiao_secretary, &xinqiao, "新桥村", false).await));
    let other = b.add_village(&w.jiuting_admin, &town("九亭"), "九亭村", false).await.unwrap();
    let seen: Vec<i64> = b.villages(&w.xinqiao_admin).await.unwrap().iter().map(|v| v.id).collect();
    assert_eq!(seen, [village]);

    // The town's mandatory actions, entered by the town: one due long ago, one far ahead.
    b.add_mandatory(&w.xinqiao_admin, &xinqiao, mandatory("走访结对村并制定帮扶计划", 30), false).await.unwrap();
    b.add_mandatory(&w.xinqiao_admin, &xinqiao, mandatory("年度履职报告", 3650), false).await.unwrap();
    assert!(is_forbidden(b.add_mandatory(&w.jiuting_admin, &xinqiao, mandatory("x", 10), false).await));

    // Nomination: from an enterprise of the town's area only.
    assert!(refused(b.nominate(&w.xinqiao_admin, nomination("丙", w.c), false).await).contains("所在企业"));
    assert!(is_forbidden(b.nominate(&w.contact_a, nomination("甲", w.a), false).await));
    let head = b.nominate(&w.xinqiao_admin, nomination("张建国", w.a), false).await.unwrap();
    assert!(is_not_found(b.head(&w.jiuting_admin, head).await));

    // 五有: qualifying needs every item passed by both checkers; appointing needs qualifying.
    let items = b.check_items(&w.xinqiao_admin).await.unwrap();
    assert_eq!(items.len(), 5);
    assert!(
        refused(b.step_head(&w.xinqiao_admin, head, HeadStep::Appoint, Some(appointment(village, "2019-07-01"))).await)
            .contains("不能聘任")
    );
    for (id, _) in &items {
        b.record_check(&w.xinqiao_admin, head, check(*id, "综合工作党委", true), false).await.unwrap();
        b.record_check(&w.xinqiao_admin, head, check(*id, "商会", *id != items[4].0), false).await.unwrap();
    }
    let e = refused(b.step_head(&w.xinqiao_admin, head, HeadStep::Qualify, None).await);
    assert!(e.contains("镇商会：参政议政有能力") && !e.contains("综合工作党委："), "{e}");
    assert!(is_not_found(b.record_check(&w.jiuting_admin, head, check(items[4].0, "商会", true), false).await));
    b.record_check(&w.xinqiao_admin, head, check(items[4].0, "商会", true), false).await.unwrap();
    assert_eq!(b.checks(&w.xinqiao_admin, head).await.unwrap().len(), 10, "the later line replaces the earlier");
    assert_eq!(b.step_head(&w.xinqiao_admin, head, HeadStep::Qualify, None).await.unwrap(), HeadState::Qualified);

    // Appointment: to a village of the head's own town.
    assert!(
        refused(b.step_head(&w.xinqiao_admin, head, HeadStep::Appoint, Some(appointment(other, "2019-07-01"))).await)
            .contains("结对村")
    );
    let to = b.step_head(&w.xinqiao_admin, head, HeadStep::Appoint, Some(appointment(village, "2019-07-01"))).await;
    assert_eq!(to.unwrap(), HeadState::Appointed);
    let shown = b.head(&w.xinqiao_admin, head).await.unwrap();
    assert_eq!((shown.village.as_deref(), shown.term_start), (Some("春申村"), Some(d("2019-07-01"))));

    // The mandatory actions are due from the term's start; the first is overdue.
    let actions = b.head_actions(&w.xinqiao_admin, head).await.unwrap();
    assert_eq!(actions.len(), 2);
    assert_eq!((actions[0].due_on, actions[0].overdue), (d("2019-07-31"), true));
    assert!(!actions[1].overdue);
    let overdue = b.overdue_actions(&w.xinqiao_admin).await.unwrap();
    assert_eq!(overdue.len(), 1);
    assert_eq!((overdue[0].village.as_str(), overdue[0].person.as_str()), ("春申村", "张建国"));
    assert!(b.overdue_actions(&w.jiuting_admin).await.unwrap().is_empty());
    assert_eq!(b.overdue_actions(&w.district).await.unwrap().len(), 1);

    // The enterprise's contact sees its head, adds a chosen action and reports one done;
    // another enterprise's contact does not see it.
    assert_eq!(b.heads(&w.contact_a).await.unwrap().len(), 1);
    let contact_b = user(s, "contact_b", Role::EnterpriseContact, Scope::Enterprise(w.b)).await;
    assert!(b.heads(&contact_b).await.unwrap().is_empty());
    assert!(is_not_found(b.head_actions(&contact_b, head).await));
    let chosen =
        HeadActionFields::parse(&RawHeadAction { title: "助销村民农产品".into(), due_on: "2099-12-31".into() });
    b.add_chosen_action(&w.contact_a, head, chosen.unwrap(), false).await.unwrap();
    let done = CompletionFields::parse(&RawCompletion {
        evidence: "走访记录及帮扶计划".into(),
        done_on: "2019-08-05".into(),
    });
    b.complete_action(&w.contact_a, actions[0].id, done.clone().unwrap()).await.unwrap();
    assert!(is_not_found(b.complete_action(&contact_b, actions[0].id, done.unwrap()).await));
    let early = CompletionFields::parse(&RawCompletion { evidence: "x".into(), done_on: "2019-06-01".into() }).unwrap();
    assert!(refused(b.complete_action(&w.xinqiao_admin, actions[1].id, early).await).contains("任期开始"));
    assert!(b.overdue_actions(&w.xinqiao_admin).await.unwrap().is_empty());

    let summary = b.village_summary(&w.xinqiao_admin).await.unwrap();
    assert_eq!(summary.len(), 1);
    let v = &summary[0];
    assert_eq!((v.mandatory, v.mandatory_done, v.chosen, v.chosen_done, v.overdue), (2, 1, 1, 0, 0));

    // Ending the term; nothing more to appoint.
    assert_eq!(b.step_head(&w.xinqiao_admin, head, HeadStep::End, None).await.unwrap(), HeadState::Ended);
    assert!(refused(b.step_head(&w.xinqiao_admin, head, HeadStep::End, None).await).contains("已离任"));
    assert!(b.village_summary(&w.xinqiao_admin).await.unwrap().is_empty());

    let audit = audited(s, "village").await;
    for a in ["village.add", "village.mandatory", "village_head.nominate", "village_head.check", "village_head.step"] {
        assert!(audit.iter().any(|x| x == a), "{a} not audited: {audit:?}");
    }
    assert!(audit.iter().any(|x| x == "village_head.action") && audit.iter().any(|x| x == "village_head.action_done"));
}
