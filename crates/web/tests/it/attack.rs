//! The attacker's pass over this stop's routes (issue #11; docs/security.md, "This stop's
//! routes by hand"): what it found, each with the test that failed before the fix.

use axum::http::StatusCode;
use qunlian_testkit::*;

/// A step on an alliance's issue goes back to the list it came from: the `back_state` sent
/// went into the Location header as it was, so a line break answered 500 (axum's English
/// "failed to parse header value") and 100 KB made a response no proxy passes.
#[tokio::test]
async fn a_step_on_an_issue_goes_back_only_to_a_list_the_list_reads() {
    let (app, _) = app_with_accounts().await;
    let s = &app.db.store;
    let a = s.registry().enterprise_by_uscc(&system(), uscc(1).as_str()).await.unwrap().id;
    let hr = department(s, 900, "上海市松江区人力资源和社会保障局").await;
    let alliance = s.registry().create_alliance(&system(), "同心园党建联盟", "", None, &[a, hr], false).await.unwrap();
    let hundred_kb = "A".repeat(100_000);
    let backs = ["open\r\nSet-Cookie: x=1", hundred_kb.as_str(), "<b>", "open"];
    let mut town = app.login("town", PASSWORD).await;
    let owner = hr.0.to_string();
    for (n, back) in backs.iter().enumerate() {
        let raw = qunlian_domain::bodies::RawIssue {
            title: format!("问题{n}"),
            raised_by: a.0.to_string(),
            raised_on: "2026-11-02".into(),
            ..Default::default()
        };
        let f = qunlian_domain::bodies::IssueFields::parse(&raw).unwrap();
        let iid = s.bodies().raise_issue(&system(), alliance, f, false).await.unwrap();
        let step = format!("/bodies/alliances/{alliance}/issues/{iid}");
        let r = app
            .post_form(
                &mut town,
                &step,
                &[("action", "assign"), ("owner", &owner), ("due_on", ""), ("back_state", back)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{back:.40}: {}", r.body);
        let want = if *back == "open" {
            format!("/bodies/alliances/{alliance}/issues?state=open#issue-{iid}")
        } else {
            format!("/bodies/alliances/{alliance}/issues#issue-{iid}")
        };
        assert_eq!(r.location.as_deref(), Some(want.as_str()), "{back:.40}");
    }
}

/// A scope or list name sent in an address comes back in the refusal at most 30 characters
/// long (the 大屏, the briefing and a cluster's records repeated all of it: 30 KB in, 30 KB out).
#[tokio::test]
async fn refusals_repeat_at_most_thirty_characters_of_an_address() {
    let (app, _) = app_with_accounts().await;
    let mut district = app.login("district", PASSWORD).await;
    let long = "A".repeat(30_000);
    for path in [
        format!("/results/screen?scope={long}"),
        format!("/results/screen/figures?scope=town:{long}&period=2026"),
        format!("/results/briefing/file?scope={long}"),
        format!("/results/clusters/1/records?period=2026&of={long}"),
    ] {
        let r = app.get(&mut district, &path).await;
        assert!(r.status.is_client_error(), "{path:.50}: {}", r.status);
        assert!(!r.body.contains(&"A".repeat(31)), "{path:.50} repeats what was sent");
        assert!(r.body.len() < 20_000, "{path:.50}: {} bytes", r.body.len());
    }
}

/// A form over the 2 MB body limit is refused in Chinese with 413, on every page (axum
/// answered some with English plain text, and `Unread::form` called it an incomplete form).
#[tokio::test]
async fn a_form_past_the_body_limit_is_refused_in_chinese() {
    let (app, _) = app_with_accounts().await;
    let mut district = app.login("district", PASSWORD).await;
    let big = "字".repeat(1_000_000);
    for path in ["/bodies/talent/studios", "/people/development", "/bodies/villages/heads", "/activities"] {
        let r = app.post_form(&mut district, path, &[("name", &big), ("subject", "x")]).await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{path}: {:.200}", r.body);
        assert!(r.content_type.as_deref().is_some_and(|c| c.starts_with("text/html")), "{path}");
        assert!(r.body.contains("内容过大") && r.body.contains("2 MB"), "{path}: {:.300}", r.body);
    }
}
