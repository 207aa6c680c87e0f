//! Development (发展党员): the time rules checked before a step is saved (too early refused
//! with the rule and the earliest date, on time accepted), the member record made at step 17
//! and made full at step 24, the list by stage scoped by the caller, every step audited.

use qunlian_domain::IdNumber;
use qunlian_domain::people::development::{Stage, current};
use qunlian_domain::people::{ApplicantFields, Gender, MemberCategory, OrgRef, Standing, StepFields};
use qunlian_store::people::MemberFilter;
use qunlian_store::{PageRequest, Store, StoreError};
use qunlian_testkit::*;

use super::{audit, world};

fn applicant(name: &str, org: i64, on: &str) -> ApplicantFields {
    ApplicantFields {
        name: name.into(),
        category: MemberCategory::IndustrialWorker,
        org: OrgRef::Id(org),
        work_unit: None,
        id_number: None,
        applied_on: d(on),
        doc_name: String::new(),
        doc_number: String::new(),
    }
}

fn step(n: u8, on: &str) -> StepFields {
    StepFields {
        step: current().step(n).unwrap(),
        done_on: d(on),
        doc_name: format!("第{n}步材料"),
        doc_number: format!("委〔2025〕{n}号"),
        note: String::new(),
    }
}

/// Records steps 2.. in order on the dates given.
async fn walk(s: &Store, c: &qunlian_domain::auth::Caller, id: i64, dates: &[(u8, &str)]) {
    for (n, on) in dates {
        s.people().record_step(c, id, step(*n, on), false).await.unwrap_or_else(|e| panic!("step {n}: {e}"));
    }
}

#[tokio::test]
async fn a_step_too_early_is_refused_with_its_rule_and_date_and_on_time_accepted() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let p = s.people().enter(&w.branch_a, applicant("王小明", w.org_a.0, "2025-01-10"), false).await.unwrap();
    // The talk later than a month after the application.
    let e = s.people().record_step(&w.branch_a, p, step(2, "2025-02-11"), false).await.unwrap_err();
    assert!(e.to_string().contains("1个月内完成，最迟 2025-02-10"), "{e}");
    walk(
        s,
        &w.branch_a,
        p,
        &[(2, "2025-02-05"), (3, "2025-03-01"), (4, "2025-03-05"), (5, "2025-03-05"), (6, "2025-09-01")],
    )
    .await;
    let person = s.people().development_person(&w.branch_a, p).await.unwrap();
    assert_eq!(person.stage, Stage::Activist);
    let due = person.next.as_ref().unwrap();
    assert_eq!((due.step.number, due.earliest), (7, Some(d("2026-03-01"))));

    // 发展对象 a day before a year as 积极分子: refused, naming the rule and the earliest date.
    let e = s.people().record_step(&w.branch_a, p, step(7, "2026-02-28"), false).await.unwrap_err();
    assert!(matches!(e, StoreError::Fields(_)), "{e:?}");
    let text = e.to_string();
    assert!(text.contains("第3步") && text.contains("满1年") && text.contains("最早 2026-03-01"), "{text}");
    assert_eq!(s.people().development_person(&w.branch_a, p).await.unwrap().steps.len(), 6, "nothing saved");
    // A step out of order, and a date after today, refused too.
    assert!(s.people().record_step(&w.branch_a, p, step(9, "2026-03-02"), false).await.is_err());
    let e = s.people().record_step(&w.branch_a, p, step(7, "2026-11-24"), false).await.unwrap_err();
    assert!(e.to_string().contains("晚于今天"), "{e}");
    // On the day: accepted.
    s.people().record_step(&w.branch_a, p, step(7, "2026-03-01"), false).await.unwrap();
    let person = s.people().development_person(&w.branch_a, p).await.unwrap();
    assert_eq!(person.stage, Stage::Candidate);
    assert_eq!(
        person.steps.last().map(|r| (r.step, r.actor.as_str(), r.pipeline_version.as_str())),
        Some((7, "ba", "2014"))
    );
    assert_eq!(person.steps[6].doc_number, "委〔2025〕7号");
    assert!(person.steps[3].filing, "step 4 is the filing with the higher committee");

    // Through to 预备党员: the member record is made, probationary, joined on the branch meeting.
    walk(
        s,
        &w.branch_a,
        p,
        &[
            (8, "2026-03-05"),
            (9, "2026-03-10"),
            (10, "2026-04-01"),
            (11, "2026-05-10"),
            (12, "2026-05-20"),
            (13, "2026-05-25"),
            (14, "2026-06-01"),
            (15, "2026-06-10"),
            (16, "2026-06-20"),
        ],
    )
    .await;
    // Step 17 makes the member record, which needs the ID number: refused until it is there.
    let e = s.people().record_step(&w.branch_a, p, step(17, "2026-07-15"), false).await.unwrap_err();
    assert!(matches!(e, StoreError::Fields(_)), "{e:?}");
    assert!(e.to_string().contains("第17步“上级党委审批”：请先在本页登记“王小明”的身份证号码"), "{e}");
    let number = IdNumber::from_body("31011719950412002").unwrap();
    s.people().set_applicant_id_number(&w.branch_a, p, &number).await.unwrap();
    let shown = s.people().development_person(&w.branch_a, p).await.unwrap().id_number;
    assert_eq!(shown, Some(number.masked()), "masked on the person's page");
    walk(s, &w.branch_a, p, &[(17, "2026-07-15")]).await;
    let person = s.people().development_person(&w.branch_a, p).await.unwrap();
    assert_eq!(person.stage, Stage::Probationary);
    let m = s.people().member(&w.branch_a, person.member_id.unwrap()).await.unwrap();
    assert_eq!((m.standing, m.joined_on, m.org_id), (Standing::Probationary, d("2026-06-10"), w.org_a.0));
    // The member record took the applicant's number (masked), its gender and birth date.
    assert_eq!(m.id_number, Some(number.masked()));
    assert_eq!((m.gender, m.birth_date), (Some(Gender::Female), Some(d("1995-04-12"))));
    // Once a member, the number is the member's page's to change.
    let e = s.people().set_applicant_id_number(&w.branch_a, p, &number).await.unwrap_err();
    assert!(e.to_string().contains("已登记为党员"), "{e}");
    let counts = s.people().derived_counts(&w.branch_a).await.unwrap();
    assert_eq!(counts.get(&w.org_a.0).map(|c| c.probationary), Some(1));
    // 转正 before a year of probation: refused with the earliest date.
    walk(
        s,
        &w.branch_a,
        p,
        &[(18, "2026-07-20"), (19, "2026-07-20"), (20, "2026-07-21"), (21, "2026-08-01"), (22, "2026-11-01")],
    )
    .await;
    let e = s.people().record_step(&w.branch_a, p, step(23, "2026-11-23"), false).await.unwrap_err();
    assert!(e.to_string().contains("最早 2027-06-10"), "{e}");

    let auditor = user(s, "au", qunlian_domain::auth::Role::AuditAdmin, qunlian_domain::auth::Scope::Nothing).await;
    assert_eq!(audit(s, &auditor, Some("development.step"), None).await.total, 21, "steps 2–22 each audited");
    assert_eq!(audit(s, &auditor, Some("development.create"), None).await.total, 1);
}

#[tokio::test]
async fn the_development_list_is_scoped_by_the_caller() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let a = s.people().enter(&w.xinqiao, applicant("甲申请人", w.org_a.0, "2026-10-01"), false).await.unwrap();
    let b = s.people().enter(&w.jiuting, applicant("乙申请人", w.org_b.0, "2026-10-01"), false).await.unwrap();
    // Into another town's organisation: refused.
    assert!(s.people().enter(&w.xinqiao, applicant("越权", w.org_b.0, "2026-10-01"), false).await.is_err());
    let names = |v: Vec<qunlian_store::people::DevPerson>| v.into_iter().map(|p| p.name).collect::<Vec<_>>();
    assert_eq!(names(s.people().development(&w.xinqiao, None).await.unwrap()), vec!["甲申请人"]);
    assert_eq!(names(s.people().development(&w.jiuting, None).await.unwrap()), vec!["乙申请人"]);
    assert_eq!(names(s.people().development(&w.branch_a, Some(w.org_a.0)).await.unwrap()), vec!["甲申请人"]);
    assert!(s.people().development(&w.branch_a, Some(w.org_b.0)).await.unwrap().is_empty(), "another org by filter");
    assert_eq!(s.people().development(&system(), None).await.unwrap().len(), 2);
    // By id: not found, for reading and for a step.
    assert!(matches!(s.people().development_person(&w.branch_a, b).await, Err(StoreError::NotFound)));
    assert!(matches!(
        s.people().record_step(&w.xinqiao, b, step(2, "2026-10-05"), false).await,
        Err(StoreError::NotFound)
    ));
    s.people().record_step(&w.jiuting, b, step(2, "2026-10-05"), false).await.unwrap();
    // The applicant is no member yet.
    let members = s.people().members(&system(), &MemberFilter::default(), PageRequest::default()).await.unwrap();
    assert_eq!(members.total, 0);
    let due = s.people().development_person(&w.xinqiao, a).await.unwrap().next.unwrap();
    assert_eq!((due.step.number, due.latest, due.overdue), (2, Some(d("2026-11-01")), true), "the talk is overdue");
}

/// An applicant's ID number from the application on: refused when invalid (by the parser) or
/// already a member's or another applicant's, encrypted (never in a column in clear), masked
/// on the page, in full only through a reveal with a reason, which is audited without it.
#[tokio::test]
async fn an_applicants_id_number_is_encrypted_masked_and_revealed_with_a_reason() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let number = IdNumber::from_body("31011719900307123").unwrap();
    let f = ApplicantFields { id_number: Some(number.clone()), ..applicant("李红", w.org_a.0, "2025-01-10") };
    let p = s.people().enter(&w.branch_a, f, false).await.unwrap();
    for column in ["id_number_enc", "id_number_bidx"] {
        let sql = format!("SELECT {column} FROM development_people");
        let raw = crate::registry::personal_data::raw_column(&db, &sql).await;
        assert!(!raw.is_empty() && !raw.contains("19900307"), "{column} encrypted: {raw}");
    }
    assert_eq!(s.people().development_person(&w.branch_a, p).await.unwrap().id_number, Some(number.masked()));

    // The same number again: refused, naming the first.
    let again = ApplicantFields { id_number: Some(number.clone()), ..applicant("李红", w.org_a.0, "2025-02-01") };
    let e = s.people().enter(&w.branch_a, again, false).await.unwrap_err();
    assert!(e.to_string().contains("身份证号码") && e.to_string().contains("已列入发展"), "{e}");
    // Recorded later for another applicant, a member's number is refused too.
    let q = s.people().enter(&w.branch_a, applicant("赵强", w.org_a.0, "2025-01-10"), false).await.unwrap();
    let e = s.people().set_applicant_id_number(&w.branch_a, q, &number).await.unwrap_err();
    assert!(e.to_string().contains("已列入发展"), "{e}");

    // Reveal: a reason, the number in full, audited without the number.
    let reason = qunlian_domain::people::RevealReason::parse("核对政治审查材料").unwrap();
    let full = s.people().reveal_applicant(&w.branch_a, p, &reason).await.unwrap();
    assert_eq!(full.as_deref(), Some(number.as_str()));
    let auditor = user(s, "au", qunlian_domain::auth::Role::AuditAdmin, qunlian_domain::auth::Scope::Nothing).await;
    let lines = audit(s, &auditor, Some("personal.read"), None).await.items;
    assert_eq!(lines.len(), 1);
    assert!(lines[0].detail.contains("李红") && lines[0].detail.contains("核对政治审查材料"), "{:?}", lines[0]);
    assert!(!lines[0].detail.contains("19900307"));
    // Outside the scope: as if it did not exist.
    assert!(matches!(s.people().reveal_applicant(&w.jiuting, p, &reason).await, Err(StoreError::NotFound)));
    let other = IdNumber::from_body("31011719920101001").unwrap();
    assert!(matches!(s.people().set_applicant_id_number(&w.jiuting, q, &other).await, Err(StoreError::NotFound)));
}
