//! Villages, 名誉村主任 and talent through the pages (issue #14): the town registers a village
//! and its mandatory action, nominates, checks and appoints a head, the overdue action shows
//! on the tracker's page; the enterprise's contact reports on its own head only; a talent
//! selection is refused while an opinion is missing. A refused form comes back 422 with what
//! was typed.

use axum::http::StatusCode;
use qunlian_domain::auth::{Role, Scope};
use qunlian_testkit::*;

#[tokio::test]
async fn the_town_appoints_a_head_and_the_overdue_action_shows_on_the_tracker() {
    let (app, _) = app_with_accounts().await;
    let s = &app.db.store;
    let firm = s.registry().enterprise_by_uscc(&system(), uscc(1).as_str()).await.unwrap().id.0.to_string();
    let xinqiao = town("新桥").to_string();
    let mut t = app.login("town", PASSWORD).await;

    assert_eq!(
        app.post_form(&mut t, "/bodies/villages", &[("town", &xinqiao), ("name", "春申村")]).await.status,
        StatusCode::SEE_OTHER
    );
    let refused = app
        .post_form(
            &mut t,
            "/bodies/villages/mandatory",
            &[("town", &xinqiao), ("name", "走访结对村"), ("due_days", "三十")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("完成期限（天）") && refused.body.contains("value=\"走访结对村\""),
        "{}",
        refused.body
    );
    let saved = app
        .post_form(
            &mut t,
            "/bodies/villages/mandatory",
            &[("town", &xinqiao), ("name", "走访结对村"), ("due_days", "30")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);

    let nominated = app
        .post_form(
            &mut t,
            "/bodies/villages/heads",
            &[("person", "张建国"), ("enterprise", &firm), ("identity", "secretary"), ("nominated_on", "2019-06-20")],
        )
        .await;
    assert_eq!(nominated.status, StatusCode::SEE_OTHER, "{}", nominated.body);
    let head = s.bodies().heads(&system()).await.unwrap()[0].id;
    let page = format!("/bodies/villages/heads/{head}");
    let early = app.post_form(&mut t, &format!("{page}/step"), &[("step", "qualify")]).await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.body.contains("“五有”审核未完成"), "{}", early.body);
    for (item, _) in s.bodies().check_items(&system()).await.unwrap() {
        for checker in ["committee", "chamber"] {
            let item = item.to_string();
            let fields =
                [("item", item.as_str()), ("checker", checker), ("passed", "yes"), ("checked_on", "2019-06-25")];
            assert_eq!(app.post_form(&mut t, &format!("{page}/checks"), &fields).await.status, StatusCode::SEE_OTHER);
        }
    }
    assert_eq!(
        app.post_form(&mut t, &format!("{page}/step"), &[("step", "qualify")]).await.status,
        StatusCode::SEE_OTHER
    );
    let village = s.bodies().villages(&system()).await.unwrap()[0].id.to_string();
    let appoint = [
        ("step", "appoint"),
        ("village", village.as_str()),
        ("term_start", "2019-07-01"),
        ("term_end", "2022-06-30"),
        ("pairing", "project"),
    ];
    let done = app.post_form(&mut t, &format!("{page}/step"), &appoint).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);

    let tracker = app.get(&mut t, "/bodies/villages").await;
    assert_eq!(tracker.status, StatusCode::OK);
    let overdue = tracker.body.split("id=\"summary\"").next().unwrap();
    assert!(overdue.contains("走访结对村") && overdue.contains("春申村") && overdue.contains("张建国"), "{overdue}");

    // The contact of another enterprise does not see the head; the district does.
    let mut contact = app.login("contact", PASSWORD).await;
    assert_eq!(app.get(&mut contact, &page).await.status, StatusCode::NOT_FOUND);
    let chosen = [("title", "助销农产品"), ("due_on", "2099-01-01")];
    assert_eq!(app.post_form(&mut contact, &format!("{page}/actions"), &chosen).await.status, StatusCode::NOT_FOUND);
    let mut district = app.login("district", PASSWORD).await;
    assert!(app.get(&mut district, "/bodies/villages").await.body.contains("张建国"));

    // Its own enterprise's contact reports the action done; the overdue list empties.
    let firm_id = qunlian_domain::auth::UnitId(firm.parse().unwrap());
    user(s, "own_contact", Role::EnterpriseContact, Scope::Enterprise(firm_id)).await;
    let mut own = app.login("own_contact", PASSWORD).await;
    let action = s.bodies().head_actions(&system(), head).await.unwrap()[0].id;
    let report = [("evidence", "走访记录"), ("done_on", "2019-07-20")];
    let r = app.post_form(&mut own, &format!("{page}/actions/{action}/done"), &report).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let after = app.get(&mut t, "/bodies/villages").await;
    assert!(after.body.contains("没有逾期的动作"));
}

#[tokio::test]
async fn a_selection_waits_for_the_opinion_asked() {
    let (app, _) = app_with_accounts().await;
    let s = &app.db.store;
    let firm = s.registry().enterprise_by_uscc(&system(), uscc(1).as_str()).await.unwrap().id.0.to_string();
    let org = s
        .registry()
        .create_org(
            &system(),
            org("上海甲电气有限公司党支部", vec![qunlian_domain::auth::UnitId(firm.parse().unwrap())]),
        )
        .await
        .unwrap();
    let mut t = app.login("town", PASSWORD).await;
    let opened = app
        .post_form(
            &mut t,
            "/bodies/talent/selections",
            &[("kind", "leading"), ("year", "2021"), ("candidate", "李明"), ("enterprise", &firm)],
        )
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
    let sel = s.bodies().selections(&system()).await.unwrap()[0].id;
    let org_id = org.0.to_string();
    let asked = app
        .post_form(
            &mut t,
            &format!("/bodies/talent/selections/{sel}/ask"),
            &[("org", &org_id), ("asked_on", "2021-03-01")],
        )
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.body);
    let refused =
        app.post_form(&mut t, &format!("/bodies/talent/selections/{sel}/decide"), &[("decision", "selected")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("尚未收到以下党组织的意见") && refused.body.contains("上海甲电气有限公司党支部"));
    let opinion = s.bodies().selection(&system(), sel).await.unwrap().opinions[0].id;
    let answered = app
        .post_form(
            &mut t,
            &format!("/bodies/talent/selections/{sel}/opinions/{opinion}"),
            &[("opinion", "同意推荐"), ("answered_on", "2021-03-05")],
        )
        .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER);
    let decided =
        app.post_form(&mut t, &format!("/bodies/talent/selections/{sel}/decide"), &[("decision", "selected")]).await;
    assert_eq!(decided.status, StatusCode::SEE_OTHER);
    assert!(app.get(&mut t, "/bodies/talent").await.body.contains("入选"));
}

/// The JSON API of the second slice: the town's heads, actions and tracker, apartments with
/// their service points' activities, and selections — names masked, each list the token
/// owner's scope; the OpenAPI document names every path.
#[tokio::test]
async fn the_api_gives_heads_tracker_and_talent_masked_and_scoped() {
    use qunlian_domain::activities::{ActivityFields, ActivityKind, Attendance, Organiser, OrganiserKind};
    use qunlian_domain::bodies::{
        AppointmentFields, CheckFields, Checker, HeadStep, MandatoryFields, NominationFields, PairingMode,
        RawApartment, RawMandatory, RawNomination, SelectionFields, TalentKind,
    };
    let (app, _) = app_with_accounts().await;
    let s = &app.db.store;
    let sys = system();
    let b = s.bodies();
    let firm = s.registry().enterprise_by_uscc(&sys, uscc(1).as_str()).await.unwrap().id;
    let xinqiao = town("新桥");
    let village = b.add_village(&sys, &xinqiao, "春申村", false).await.unwrap();
    let raw = RawMandatory { name: "走访结对村".into(), due_days: "30".into() };
    b.add_mandatory(&sys, &xinqiao, MandatoryFields::parse(&raw).unwrap(), false).await.unwrap();
    let raw = RawNomination {
        person: "张建国".into(),
        enterprise: firm.0.to_string(),
        identity: "secretary".into(),
        nominated_on: "2019-06-20".into(),
    };
    let head = b.nominate(&sys, NominationFields::parse(&raw).unwrap(), false).await.unwrap();
    for (item, _) in b.check_items(&sys).await.unwrap() {
        for checker in Checker::ALL {
            let check =
                CheckFields { item_id: item, checker, passed: true, note: String::new(), checked_on: d("2019-06-25") };
            b.record_check(&sys, head, check, false).await.unwrap();
        }
    }
    b.step_head(&sys, head, HeadStep::Qualify, None).await.unwrap();
    let appointment = AppointmentFields {
        village_id: village,
        term_start: d("2019-07-01"),
        term_end: d("2022-06-30"),
        pairing: PairingMode::ProjectEnriches,
    };
    b.step_head(&sys, head, HeadStep::Appoint, Some(appointment)).await.unwrap();
    let apartment = b
        .add_apartment(
            &sys,
            qunlian_domain::bodies::ApartmentFields::parse(&RawApartment {
                name: "新桥人才公寓".into(),
                town: xinqiao.to_string(),
                address: "新桥镇某路1号".into(),
                managing_org: "新桥镇综合党委".into(),
                service_point: "新桥人才公寓党建服务站".into(),
            })
            .unwrap(),
            false,
        )
        .await
        .unwrap();
    let activity = ActivityFields {
        party_group: None,
        organiser: Organiser { kind: OrganiserKind::Apartment, id: apartment },
        kind: ActivityKind::ThemeDay,
        subject: "青年人才主题党日".into(),
        held_on: d("2021-05-20"),
        place: "新桥人才公寓党建服务站".into(),
        units: vec![],
        attendance: Attendance::Headcount(20),
        minutes: String::new(),
    };
    s.activities().record(&sys, activity, false).await.unwrap();
    let f =
        SelectionFields { kind: TalentKind::Leading, year: 2021, candidate: "李明".into(), enterprise_id: firm.0 };
    b.open_selection(&sys, f, false).await.unwrap();

    let town_token = bearer(s, "town").await;
    let get = |path: String, token: String| {
        let app = &app;
        async move { app.get_with(&path, &[("authorization", &token)]).await }
    };
    let heads = get("/api/v1/villages/heads".into(), town_token.clone()).await;
    assert_eq!(heads.status, StatusCode::OK, "{}", heads.body);
    let json: serde_json::Value = serde_json::from_str(&heads.body).unwrap();
    assert_eq!((json[0]["person"].as_str(), json[0]["state"].as_str()), (Some("张*国"), Some("appointed")));
    assert!(!heads.body.contains("张建国"), "{}", heads.body);
    let actions = get(format!("/api/v1/villages/heads/{head}/actions"), town_token.clone()).await;
    let json: serde_json::Value = serde_json::from_str(&actions.body).unwrap();
    assert_eq!((json[0]["title"].as_str(), json[0]["overdue"].as_bool()), (Some("走访结对村"), Some(true)));
    let tracker = get("/api/v1/villages/overdue".into(), town_token.clone()).await;
    let json: serde_json::Value = serde_json::from_str(&tracker.body).unwrap();
    assert_eq!(json["overdue"][0]["village"], "春申村");
    assert_eq!(json["villages"][0]["overdue"], 1);
    assert!(!tracker.body.contains("张建国"));
    let apartments = get("/api/v1/talent/apartments".into(), town_token.clone()).await;
    let json: serde_json::Value = serde_json::from_str(&apartments.body).unwrap();
    assert_eq!(json[0]["activities"][0]["subject"], "青年人才主题党日");
    let selections = get("/api/v1/talent/selections".into(), town_token.clone()).await;
    let json: serde_json::Value = serde_json::from_str(&selections.body).unwrap();
    assert_eq!((json[0]["candidate"].as_str(), json[0]["state"].as_str()), (Some("李*"), Some("consulting")));

    // Another enterprise's contact sees none of it; a head outside its scope is 404.
    let contact = bearer(s, "contact").await;
    for path in ["/api/v1/villages/heads", "/api/v1/talent/apartments", "/api/v1/talent/selections"] {
        let r = get(path.into(), contact.clone()).await;
        assert_eq!((r.status, r.body.as_str()), (StatusCode::OK, "[]"), "{path}");
    }
    let hidden = get(format!("/api/v1/villages/heads/{head}/actions"), contact).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);

    let doc = app.get_with("/api/v1/openapi.json", &[]).await.body;
    for path in ["/api/v1/villages/heads", "/api/v1/villages/overdue", "/api/v1/talent/apartments"] {
        assert!(doc.contains(path), "{path} not in the OpenAPI document");
    }
}
