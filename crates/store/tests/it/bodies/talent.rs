//! Talent apartments with their service points, secretary studios, and talent selections
//! in which the Party organisations' opinion is asked before the decision.

use qunlian_domain::activities::{ActivityFields, ActivityKind, Attendance, Organiser, OrganiserKind};
use qunlian_domain::bodies::{
    ApartmentFields, RawApartment, RawSelection, RawStudio, SelectionFields, SelectionState, StudioFields,
};

use super::*;

fn apartment(name: &str, town_code: &str) -> ApartmentFields {
    ApartmentFields::parse(&RawApartment {
        name: name.into(),
        town: town_code.into(),
        address: "松江区某路1号".into(),
        managing_org: "新桥镇综合党委".into(),
        service_point: format!("{name}党建服务站"),
    })
    .unwrap()
}

#[tokio::test]
async fn the_town_keeps_its_apartments_and_residents_see_theirs() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let b = s.bodies();
    let xq = town("新桥").to_string();

    let id = b.add_apartment(&w.xinqiao_admin, apartment("新桥人才公寓", &xq), false).await.unwrap();
    assert!(refused(b.add_apartment(&w.jiuting_admin, apartment("越界公寓", &xq), false).await).contains("所属街镇"));
    assert!(is_forbidden(b.add_apartment(&w.contact_a, apartment("企业公寓", &xq), false).await));
    b.add_resident(&w.xinqiao_admin, id, w.a.0).await.unwrap();
    assert!(refused(b.add_resident(&w.xinqiao_admin, id, w.a.0).await).contains("已在名单中"));
    assert!(refused(b.add_resident(&w.xinqiao_admin, id, w.c.0).await).contains("入住企业"));
    assert!(is_not_found(b.add_resident(&w.jiuting_admin, id, w.c.0).await));
    // The service point's activities are records of the activities capability.
    let activity = |organiser: Organiser| ActivityFields {
        party_group: None,
        organiser,
        kind: ActivityKind::PartyHistory,
        subject: "青年人才党史学习分享会".into(),
        held_on: d("2021-05-20"),
        place: "新桥人才公寓党建服务站".into(),
        units: vec![w.a.0],
        attendance: Attendance::Headcount(18),
        minutes: String::new(),
    };
    let point = Organiser { kind: OrganiserKind::Apartment, id };
    let organisers = s.activities().recordable_organisers(&w.xinqiao_admin).await.unwrap();
    assert!(organisers.iter().any(|o| o.value == point.value() && o.name.contains("新桥人才公寓党建服务站")));
    let act = s.activities().record(&w.xinqiao_admin, activity(point), false).await.unwrap();
    // Another town's admin, and a cluster secretary (who does not keep apartments), may not.
    assert!(refused(s.activities().record(&w.jiuting_admin, activity(point), false).await).contains("组织方"));
    assert!(refused(s.activities().record(&w.xinqiao_secretary, activity(point), false).await).contains("组织方"));
    let recorded = s.activities().get(&w.xinqiao_admin, act).await.unwrap();
    assert_eq!((recorded.organiser, recorded.organiser_name.as_str()), (point, "新桥人才公寓党建服务站"));
    assert!(is_not_found(s.activities().get(&w.jiuting_admin, act).await));

    let shown = b.apartment(&w.xinqiao_admin, id).await.unwrap();
    assert_eq!((shown.residents.len(), shown.activities.len()), (1, 1));
    assert_eq!((shown.activities[0].id, shown.organiser.as_str()), (act, point.value().as_str()));
    // The resident enterprise's contact sees it; another's does not; nor the other town.
    assert_eq!(b.apartments(&w.contact_a).await.unwrap().len(), 1);
    let contact_c = user(s, "contact_c", Role::EnterpriseContact, Scope::Enterprise(w.c)).await;
    assert!(b.apartments(&contact_c).await.unwrap().is_empty());
    assert!(b.apartments(&w.jiuting_admin).await.unwrap().is_empty());
    assert_eq!(b.apartments(&w.district).await.unwrap().len(), 1);

    let studio = StudioFields::parse(&RawStudio {
        name: "王海云书记工作室".into(),
        org: "佘山集群党委".into(),
        lead: "王海云".into(),
    });
    b.add_studio(&w.xinqiao_admin, &town("新桥"), studio.clone().unwrap(), false).await.unwrap();
    assert!(is_forbidden(b.add_studio(&w.xinqiao_secretary, &town("新桥"), studio.unwrap(), false).await));
    assert_eq!(b.studios(&w.xinqiao_admin).await.unwrap().len(), 1);
    assert!(b.studios(&w.jiuting_admin).await.unwrap().is_empty());

    let audit = audited(s, "talent_apartment").await;
    for a in ["talent_apartment.add", "talent_apartment.resident"] {
        assert!(audit.iter().any(|x| x == a), "{a} not audited: {audit:?}");
    }
    assert!(audited(s, "activity").await.iter().any(|x| x == "activity.create"));
}

#[tokio::test]
async fn a_selection_is_decided_only_after_every_asked_opinion() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let b = s.bodies();
    let sys = system();
    let org_a = s.registry().create_org(&sys, org("上海甲装备有限公司党支部", vec![w.a])).await.unwrap();
    let org_b = s.registry().create_org(&sys, org("上海乙装备有限公司党支部", vec![w.b])).await.unwrap();
    let org_c = s.registry().create_org(&sys, org("上海丙科技有限公司党支部", vec![w.c])).await.unwrap();

    let raw = RawSelection {
        kind: "领军人才".into(),
        year: "2021".into(),
        candidate: "李明".into(),
        enterprise: w.a.0.to_string(),
    };
    let sel = b.open_selection(&w.xinqiao_admin, SelectionFields::parse(&raw).unwrap(), false).await.unwrap();
    let other = RawSelection { enterprise: w.c.0.to_string(), ..raw };
    assert!(
        refused(b.open_selection(&w.xinqiao_admin, SelectionFields::parse(&other).unwrap(), false).await)
            .contains("所在企业")
    );
    assert!(is_not_found(b.selection(&w.jiuting_admin, sel).await));

    // Nothing asked yet: no decision.
    assert!(refused(b.decide_selection(&w.xinqiao_admin, sel, true, String::new()).await).contains("尚未征求"));
    let asked_a = b.ask_opinion(&w.xinqiao_admin, sel, org_a.0, d("2021-03-01")).await.unwrap();
    b.ask_opinion(&w.xinqiao_admin, sel, org_b.0, d("2021-03-01")).await.unwrap();
    assert!(refused(b.ask_opinion(&w.xinqiao_admin, sel, org_a.0, d("2021-03-02")).await).contains("已征求"));
    assert!(refused(b.ask_opinion(&w.xinqiao_admin, sel, org_c.0, d("2021-03-02")).await).contains("管辖范围"));
    b.record_opinion(&w.xinqiao_admin, sel, asked_a, "政治表现良好，同意推荐".into(), d("2021-03-05")).await.unwrap();

    // One opinion still missing: refused, naming the organisation.
    let e = refused(b.decide_selection(&w.xinqiao_admin, sel, true, String::new()).await);
    assert!(e.contains("尚未收到") && e.contains("上海乙装备有限公司党支部") && !e.contains("上海甲"), "{e}");
    let shown = b.selection(&w.xinqiao_admin, sel).await.unwrap();
    let asked_b = shown.opinions.iter().find(|o| o.answered_on.is_none()).unwrap().id;
    assert!(
        refused(b.record_opinion(&w.xinqiao_admin, sel, asked_b, "同意".into(), d("2021-02-01")).await)
            .contains("回复日期")
    );
    b.record_opinion(&w.xinqiao_admin, sel, asked_b, "同意".into(), d("2021-03-06")).await.unwrap();
    assert!(is_forbidden(b.decide_selection(&w.xinqiao_secretary, sel, true, String::new()).await));
    let to = b.decide_selection(&w.xinqiao_admin, sel, true, "区人才办评审通过".into()).await.unwrap();
    assert_eq!(to, SelectionState::Selected);
    assert!(refused(b.decide_selection(&w.xinqiao_admin, sel, false, String::new()).await).contains("入选"));

    // The candidate's enterprise contact sees it; the district too.
    assert_eq!(b.selections(&w.contact_a).await.unwrap().len(), 1);
    assert_eq!(b.selections(&w.district).await.unwrap().len(), 1);
    let audit = audited(s, "talent_selection").await;
    for a in ["talent_selection.open", "talent_selection.ask", "talent_selection.opinion", "talent_selection.decide"] {
        assert!(audit.iter().any(|x| x == a), "{a} not audited: {audit:?}");
    }
}

/// The enterprise pickers of these forms list the first 500 by name; a town holds thousands,
/// so the search box finds the others by a part of the name or the start of the credit code
/// (as typed, lower case too), only inside the caller's scope, and what a refused form had
/// chosen stays on the list whatever its name.
#[tokio::test]
async fn the_enterprise_picker_searches_inside_the_scope_and_keeps_the_choice() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let b = s.bodies();
    let ids = |v: Vec<(i64, String)>| v.into_iter().map(|(id, _)| id).collect::<Vec<_>>();
    let town = &w.xinqiao_admin;

    assert_eq!(ids(b.enterprise_choices(town, Some("乙装备"), &[]).await.unwrap()), vec![w.b.0]);
    let code = uscc(2).as_str().to_lowercase();
    assert_eq!(ids(b.enterprise_choices(town, Some(&code), &[]).await.unwrap()), vec![w.b.0], "by credit code");
    let (one, two) = (uscc(1), uscc(2));
    let common = one.as_str().chars().zip(two.as_str().chars()).take_while(|(x, y)| x == y).count();
    let start = &one.as_str()[..common];
    assert_eq!(ids(b.enterprise_choices(town, Some(start), &[]).await.unwrap()).len(), 2, "a code's start");
    // 丙 is in 九亭: neither found nor kept for the 新桥 admin; the district finds it.
    assert!(b.enterprise_choices(town, Some("丙科技"), &[w.c.0]).await.unwrap().is_empty());
    assert_eq!(ids(b.enterprise_choices(&w.district, Some("丙科技"), &[]).await.unwrap()), vec![w.c.0]);
    // The form's choice first, then the matches; no repeats.
    assert_eq!(ids(b.enterprise_choices(town, Some("乙装备"), &[w.a.0]).await.unwrap()), vec![w.a.0, w.b.0]);
    assert_eq!(ids(b.enterprise_choices(town, Some("乙装备"), &[w.b.0]).await.unwrap()), vec![w.b.0]);
    // A search past the limit is refused, naming the box.
    let long = "装".repeat(201);
    let e = b.enterprise_choices(town, Some(&long), &[]).await.unwrap_err();
    assert!(e.to_string().starts_with("搜索词"), "{e}");
}
