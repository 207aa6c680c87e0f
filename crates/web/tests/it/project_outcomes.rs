//! The pages after the award as every role: a project's outcomes and support, filing a
//! report with evidence, the officer's check and support, the overdue list, the figures
//! opening their lists, the .xlsx export.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::Duration;
use qunlian_domain::auth::{Action, Caller, Scope};
use qunlian_domain::projects::{self, ApplicantKind, ApplicationAction as A, Decision, RoundDates, Tier};
use qunlian_store::projects::{ApplicationInput, NewRound};
use qunlian_testkit::*;

async fn caller(app: &TestApp, name: &str) -> Caller {
    app.db.store.accounts().user_by_name(name).await.unwrap().unwrap().caller(None)
}

/// The branch's project of the 2025 round (filed in November 2026), decided 优秀 and in
/// implementation on the test clock's day, 2026-11-23: sessions are stamped by the wall
/// clock, so the test clock is moved back for the filing and returned, never past today.
async fn implementing(app: &TestApp) -> i64 {
    let s = &app.db.store;
    let p = s.projects();
    let sys = system();
    app.db.clock.advance(Duration::days(-10)); // 11-13, filing
    let round = p
        .create_round(
            &sys,
            NewRound {
                eligible: vec![ApplicantKind::EnterpriseBranch],
                ..NewRound::standard(
                    2025,
                    "2025年度深度融合项目",
                    RoundDates {
                        filing_opens: d("2026-11-01"),
                        filing_closes: d("2026-11-15"),
                        recommend_closes: d("2026-11-20"),
                        review_closes: d("2026-11-30"),
                        publicity_closes: d("2026-12-05"),
                        objections_close: d("2026-12-10"),
                    },
                )
            },
        )
        .await
        .unwrap();
    let branch = caller(app, "branch").await;
    let Scope::PartyOrg(org) = branch.scope.clone() else { panic!("the branch's scope") };
    let id = p
        .create_application(
            &branch,
            ApplicationInput {
                round_id: round,
                org_id: org.0,
                title: "轴承精密磨削攻关".into(),
                subject: projects::DEFAULT_SUBJECTS[0].into(),
                direction: "科技攻关".into(),
                summary: "党员先锋岗牵头".into(),
                lead_name: "李强".into(),
                participants: "李强、张华、王敏".into(),
                targets: vec![("发明专利（件）".into(), 2.0)],
                ..Default::default()
            },
        )
        .await
        .unwrap();
    p.act(&branch, id, A::Submit, "", None).await.unwrap();
    p.act(&sys, id, A::Recommend, "", Some(1)).await.unwrap();
    app.db.clock.advance(Duration::days(10)); // 11-23, the review runs
    p.act(&sys, id, A::StartReview, "", None).await.unwrap();
    p.act(&sys, id, A::Decide(Decision::Award(Tier::Excellent)), "", None).await.unwrap();
    p.act(&sys, id, A::StartImplementation, "", None).await.unwrap();
    id
}

/// A report form as a browser posts it: the text fields and evidence files.
async fn post_report(
    app: &TestApp,
    session: &mut Session,
    path: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &[u8])],
) -> Response {
    let boundary = "----qunlianOutcome";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes(),
        );
    }
    for (name, bytes) in files {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n").as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let uri = format!("{path}?_csrf={}", session.csrf.clone().unwrap_or_default());
    let req = Request::post(uri)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap();
    app.send(session, req).await
}

#[tokio::test]
async fn outcome_pages_as_every_role() {
    let (app, accounts) = app_with_accounts().await;
    let id = implementing(&app).await;
    let page = format!("/projects/applications/{id}/outcomes");
    let s = &app.db.store;
    for (name, role) in &accounts {
        let mut session = app.login(name, PASSWORD).await;
        let who = caller(&app, name).await;
        let sees = s.projects().application(&who, id).await.is_ok();
        let reads = role.may(Action::ReadProjects);
        let manages = role.may(Action::ManageProjects);
        let code = |ok: bool| if ok { StatusCode::OK } else { StatusCode::FORBIDDEN };
        let res = app.get(&mut session, &page).await;
        assert_eq!(
            res.status,
            expect(reads, sees, StatusCode::OK),
            "{name} GET {page}: {:?} {}",
            res.location,
            res.body
        );
        for (path, expected) in [
            ("/projects/figures?by=cluster", code(reads)),
            ("/projects/outcomes/overdue", code(manages)),
            ("/projects/export/outcomes.xlsx", code(reads)),
        ] {
            let res = app.get(&mut session, path).await;
            assert_eq!(res.status, expected, "{name} GET {path}: {}", res.body);
        }
        if reads && !matches!(name, &"branch") {
            let res = post_report(&app, &mut session, &page, &[("year", "2025"), ("note", "x")], &[]).await;
            assert!(
                matches!(res.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
                "{name} may not file the branch's report: {}",
                res.status
            );
        }
        let res = app
            .post_form(
                &mut session,
                &format!("/projects/applications/{id}/support"),
                &[("kind", "party_resource"), ("description", "挂牌")],
            )
            .await;
        assert_eq!(res.status == StatusCode::FORBIDDEN, !manages, "{name} POST support: {}", res.status);
    }
    // The district admin named on the row: at least one reader sees it, one does not.
    assert!(accounts.iter().any(|(n, _)| *n == "district"));
}

fn expect(may: bool, in_scope: bool, ok: StatusCode) -> StatusCode {
    crate::expect(may, in_scope, ok)
}

#[tokio::test]
async fn a_report_is_filed_with_evidence_checked_and_counted() {
    let (app, _) = app_with_accounts().await;
    let id = implementing(&app).await;
    let page = format!("/projects/applications/{id}/outcomes");
    let mut district = app.login("district", PASSWORD).await;
    let mut branch = app.login("branch", PASSWORD).await;
    let mut town = app.login("town", PASSWORD).await;

    // The 2025 report was due on 2026-03-31.
    let overdue = app.get(&mut district, "/projects/outcomes/overdue").await;
    assert!(overdue.body.contains("轴承精密磨削攻关"), "{}", overdue.body);

    // A wrong report is refused: the form again, naming the field, with what was typed kept;
    // a right one is filed with its evidence.
    let bad = post_report(
        &app,
        &mut branch,
        &page,
        &[("year", "2025"), ("yield_rate", "120"), ("members", "李强、张华"), ("note", "试产阶段")],
        &[("专利证书.pdf", b"%PDF-cert")],
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let form = &bad.body[bad.body.find("id=\"outcome-form\"").expect("the form shown again")..];
    let error = crate::between(&bad.body, "id=\"form-error\">", "</p>");
    assert!(error.contains("良品率") && !error.contains("年度"), "{error}");
    for kept in ["value=\"2025\"", "value=\"120\"", "value=\"李强、张华\"", ">试产阶段</textarea>"] {
        assert!(form.contains(kept), "{kept} kept: {form}");
    }
    let refused = app.get(&mut district, &page).await;
    assert!(refused.body.contains("尚未报送成果报告"), "nothing filed: {}", refused.body);
    let res = post_report(
        &app,
        &mut branch,
        &page,
        &[
            ("year", "2025"),
            ("patents", "ZL202510000001.1 精密磨削装置 2025-06-18\nZL202510000002.X 磨削检测方法 2025-09-01"),
            ("output", "800"),
            ("members", "李强、张华"),
        ],
        &[("专利证书.pdf", b"%PDF-cert"), ("销售证明.pdf", b"%PDF-sales")],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let overdue = app.get(&mut district, "/projects/outcomes/overdue").await;
    assert!(overdue.body.contains("id=\"none\""), "{}", overdue.body);

    let shown = app.get(&mut district, &page).await;
    assert!(shown.body.contains("ZL202510000001.1") && shown.body.contains("已达成"), "{}", shown.body);
    let link = crate::between(&shown.body, &format!("{page}/files/"), "\"");
    let file = app.get(&mut district, &format!("{page}/files/{link}")).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.bytes, b"%PDF-cert");
    assert_eq!(app.get(&mut town, &format!("{page}/files/{link}")).await.status, StatusCode::NOT_FOUND);

    // The officer checks it; support with a description shows on the page and in the story.
    let end = shown.body.find("/check\"").unwrap();
    let oid = &shown.body[shown.body[..end].rfind('/').unwrap() + 1..end];
    let res = app.post_form(&mut branch, &format!("{page}/{oid}/check"), &[("verdict", "accept")]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = app.post_form(&mut district, &format!("{page}/{oid}/check"), &[("verdict", "accept")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = app
        .post_form(
            &mut district,
            &format!("/projects/applications/{id}/support"),
            &[("kind", "party_resource"), ("description", "党员先锋岗挂牌")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let shown = app.get(&mut branch, &page).await;
    assert!(shown.body.contains("已核实") && shown.body.contains("党员先锋岗挂牌"), "{}", shown.body);

    // The figures count it and open the list behind the number.
    let figures = app.get(&mut district, "/projects/figures?by=year").await;
    let table = &figures.body[figures.body.find("id=\"figures\"").unwrap()..];
    let href = crate::between(table, "<a href=\"", "\"").replace("&#38;", "&");
    assert!(href.contains("year=2025"), "{href}");
    let list = app.get(&mut district, &href).await;
    assert!(list.body.contains("轴承精密磨削攻关") && list.body.contains("对应项目（1 个）"), "{}", list.body);
    let by_tier = app.get(&mut district, "/projects/figures?by=tier&tier=excellent").await;
    assert!(by_tier.body.contains("轴承精密磨削攻关"));
    assert_eq!(app.get(&mut district, "/projects/figures?by=nothing").await.status, StatusCode::UNPROCESSABLE_ENTITY);

    let xlsx = app.get(&mut district, "/projects/export/outcomes.xlsx").await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.content_type.unwrap_or_default().contains("spreadsheetml"));
    assert!(xlsx.bytes.starts_with(b"PK"));
}

/// A refused report deadline comes back as the overdue page with the reason by the form, the
/// round chosen and the deadline typed kept (it answered the bare error page).
#[tokio::test]
async fn a_refused_report_deadline_is_the_form_again_with_what_was_typed() {
    let (app, _) = app_with_accounts().await;
    let s = &app.db.store;
    let dates = crate::open_round(s.today());
    for (year, name) in [(2025, "2025年度深度融合项目"), (2026, "2026年度深度融合项目")] {
        s.projects().create_round(&system(), NewRound::standard(year, name, dates)).await.unwrap();
    }
    let second = s.projects().rounds(&system()).await.unwrap().into_iter().find(|r| r.year == 2026).unwrap().id;
    let mut district = app.login("district", PASSWORD).await;
    let round = second.to_string();
    let r =
        app.post_form(&mut district, "/projects/outcomes/due", &[("round", round.as_str()), ("due", "13-45")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("报告截止日：“13-45”应写作月-日") && r.body.contains("id=\"due-form\""), "{}", r.body);
    assert!(r.body.contains(&format!("value=\"{second}\" selected")), "the round chosen is kept: {}", r.body);
    assert!(r.body.contains("value=\"13-45\""), "the deadline typed is kept: {}", r.body);
}
