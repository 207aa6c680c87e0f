use qunlian_domain::bodies::{DecisionFields, MeetingFields, RawDecision, RawMeeting};

use super::*;

fn meeting(attendees: &[UnitId]) -> MeetingFields {
    MeetingFields::parse(&RawMeeting {
        kind: "联席会议".into(),
        held_on: "2026-10-09".into(),
        subject: "企业用工与子女入学".into(),
        summary: String::new(),
        attendees: attendees.iter().map(|u| u.0.to_string()).collect(),
    })
    .unwrap()
}

#[tokio::test]
async fn a_town_sees_its_alliances_and_a_secretary_those_of_its_members() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let b = s.bodies();
    let names = |v: Vec<qunlian_store::bodies::AllianceLine>| v.into_iter().map(|a| a.id).collect::<Vec<_>>();
    assert_eq!(names(b.alliances(&w.xinqiao_admin).await.unwrap()), [w.tongxin]);
    assert_eq!(names(b.alliances(&w.jiuting_admin).await.unwrap()), [w.jiuting_alliance]);
    assert_eq!(names(b.alliances(&w.xinqiao_secretary).await.unwrap()), [w.tongxin]);
    assert_eq!(names(b.alliances(&w.district).await.unwrap()), [w.tongxin, w.jiuting_alliance]);
    assert!(is_not_found(b.alliance_work(&w.jiuting_admin, w.tongxin).await));
    assert!(is_not_found(b.record_meeting(&w.jiuting_admin, w.tongxin, meeting(&[w.a]), false).await));
    // An enterprise of the alliance sees it, and keeps none of its records.
    assert!(b.alliance_work(&w.contact_a, w.tongxin).await.is_ok());
    assert!(is_forbidden(b.record_meeting(&w.contact_a, w.tongxin, meeting(&[w.a]), false).await));
    // The town sees its members, departments registered elsewhere counted only.
    let work = b.alliance_work(&w.xinqiao_admin, w.tongxin).await.unwrap();
    assert_eq!((work.members.len(), work.hidden_members), (2, 2));
}

#[tokio::test]
async fn the_service_list_links_catalogue_items() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let b = s.bodies();
    let item = catalogue_item(s, service_item(w.hr.0, "RS-01", "人才引进落户")).await;
    b.add_service(&w.xinqiao_admin, w.tongxin, Some(item), "", false).await.unwrap();
    b.add_service(&w.xinqiao_secretary, w.tongxin, None, "企业上下游产品需求对接", false).await.unwrap();
    assert!(
        refused(b.add_service(&w.xinqiao_admin, w.tongxin, Some(item), "", false).await)
            .contains("已在本联盟的服务清单中")
    );
    assert!(refused(b.add_service(&w.xinqiao_admin, w.tongxin, Some(99_999), "", false).await).starts_with("服务事项"));
    assert!(refused(b.add_service(&w.xinqiao_admin, w.tongxin, None, " ", false).await).starts_with("服务名称"));
    let work = b.alliance_work(&w.district, w.tongxin).await.unwrap();
    let lines: Vec<(&str, Option<&str>)> =
        work.services.iter().map(|l| (l.name.as_str(), l.department.as_deref())).collect();
    assert_eq!(lines, [("人才引进落户", Some("上海市松江区人力资源和社会保障局")), ("企业上下游产品需求对接", None)]);
    assert_eq!(work.linked, 1);
    let listed = b.alliances(&w.district).await.unwrap();
    assert_eq!(listed.iter().find(|a| a.id == w.tongxin).unwrap().services, 2);
    assert_eq!(audited(s, "alliance.service").await.len(), 2);
}

#[tokio::test]
async fn meetings_record_who_came_and_decisions_are_followed_up() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let b = s.bodies();
    assert!(
        refused(b.record_meeting(&w.district, w.tongxin, meeting(&[w.a, w.c]), false).await).starts_with("参会成员")
    );
    let m = b.record_meeting(&w.district, w.tongxin, meeting(&[w.a, w.hr]), false).await.unwrap();
    let decision = |owner: UnitId, due: &str| {
        DecisionFields::parse(&RawDecision {
            content: "梳理集群企业用工需求清单".into(),
            owner: owner.0.to_string(),
            due_on: due.into(),
        })
        .unwrap()
    };
    assert!(refused(b.add_decision(&w.district, w.tongxin, m, decision(w.c, ""), false).await).starts_with("落实单位"));
    let late = b.add_decision(&w.district, w.tongxin, m, decision(w.hr, "2026-11-01"), false).await.unwrap();
    b.add_decision(&w.district, w.tongxin, m, decision(w.a, "2026-12-31"), false).await.unwrap();
    assert!(is_not_found(b.add_decision(&w.district, w.jiuting_alliance, m, decision(w.c, ""), false).await));

    let work = b.alliance_work(&w.district, w.tongxin).await.unwrap();
    let held = &work.meetings[0];
    assert_eq!(held.kind.label(), "联席会议");
    assert_eq!(held.attendees.len(), 2);
    assert_eq!(held.decisions.iter().map(|d| d.overdue).collect::<Vec<_>>(), [true, false], "today is 2026-11-23");

    b.finish_decision(&w.district, w.tongxin, late, d("2026-11-20"), "已形成清单").await.unwrap();
    assert!(
        refused(b.finish_decision(&w.district, w.tongxin, late, d("2026-11-21"), "").await)
            .contains("已于 2026-11-20 落实")
    );
    let work = b.alliance_work(&w.district, w.tongxin).await.unwrap();
    assert_eq!(work.meetings[0].decisions[0].done_on, Some(d("2026-11-20")));
    assert!(!work.meetings[0].decisions[0].overdue);
    let actions = audited(s, "alliance.").await;
    for a in ["alliance.meeting", "alliance.decision", "alliance.decision_done"] {
        assert!(actions.iter().any(|x| x == a), "{a} not audited: {actions:?}");
    }
}
