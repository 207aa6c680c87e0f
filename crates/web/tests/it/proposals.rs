//! Issue #11, point 10 through the pages: an enterprise contact proposes a change from its
//! organisation's and its enterprise's pages (提出变更), the town admin confirms it from its
//! queue (待确认的变更, counted on the workbench). Point 3: a role without the power is
//! refused before anything it sent is read.

use axum::http::StatusCode;
use qunlian_domain::auth::{Role, Scope};
use qunlian_testkit::*;

use crate::between;

#[tokio::test]
async fn a_contact_proposes_a_rename_and_the_town_admin_confirms_it() {
    let (app, _) = app_with_accounts().await;
    let store = &app.db.store;
    user(store, "jiuting", Role::TownAdmin, Scope::Region(town("九亭"))).await;
    let org = store.registry().org_tree(&system(), None, false).await.unwrap()[0].id;

    let mut contact = app.login("contact", PASSWORD).await;
    let page = app.get(&mut contact, &format!("/orgs/{org}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("提出更名") && !page.body.contains("/rename\""), "no direct rename for a contact");
    let direct = app.post_form(&mut contact, &format!("/orgs/{org}/rename"), &[("name", "改名")]).await;
    assert_eq!(direct.status, StatusCode::FORBIDDEN);
    let form = app.get(&mut contact, &format!("/proposals/new?kind=rename_org&org={org}")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let org_s = org.to_string();
    let mut fields = vec![("kind", "rename_org"), ("org", org_s.as_str()), ("new_name", "乙公司第一党支部")];
    let refused = app.post_form(&mut contact, "/proposals", &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("变更理由：请填写"), "{}", refused.body);
    fields.push(("reason", "企业更名后支部随之更名"));
    let sent = app.post_form(&mut contact, "/proposals", &fields).await;
    assert_eq!((sent.status, sent.location.as_deref()), (StatusCode::SEE_OTHER, Some("/proposals")), "{}", sent.body);
    let mine = app.get(&mut contact, "/proposals").await;
    assert!(mine.body.contains("待确认") && mine.body.contains("乙公司第一党支部"), "{}", mine.body);
    // The contact's enterprise page leads to the flags' form.
    let firm = store.registry().enterprise_by_uscc(&system(), uscc(2).as_str()).await.unwrap();
    let e = app.get(&mut contact, &format!("/enterprises/{}", firm.id)).await;
    assert!(e.body.contains("id=\"propose-flags\""));
    assert_eq!(app.get(&mut contact, "/proposals/new?kind=firm_flags").await.status, StatusCode::OK);

    let id = between(&mine.body, "id=\"proposal-", "\"");
    // 新桥's admin does not see 九亭's firm: neither the count nor the decision.
    let mut xinqiao = app.login("town", PASSWORD).await;
    assert!(!app.get(&mut xinqiao, "/").await.body.contains("pending-proposals"));
    let other = app.post_form(&mut xinqiao, &format!("/proposals/{id}/confirm"), &[]).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.post_form(&mut contact, &format!("/proposals/{id}/confirm"), &[]).await.status,
        StatusCode::FORBIDDEN
    );

    let mut jiuting = app.login("jiuting", PASSWORD).await;
    let home = app.get(&mut jiuting, "/").await;
    assert!(home.body.contains("1 项企业提出的变更待确认"), "{}", home.body);
    let queue = app.get(&mut jiuting, "/proposals").await;
    assert!(queue.body.contains(&format!("/proposals/{id}/confirm")));
    let done = app.post_form(&mut jiuting, &format!("/proposals/{id}/confirm"), &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let twice = app.post_form(&mut jiuting, &format!("/proposals/{id}/confirm"), &[]).await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(twice.body.contains("已确认"), "{}", twice.body);
    let renamed = app.get(&mut contact, &format!("/orgs/{org}")).await;
    assert!(renamed.body.contains("<h1>乙公司第一党支部</h1>"), "{}", renamed.body);
    assert!(!app.get(&mut jiuting, "/").await.body.contains("pending-proposals"));
}

/// A role that may not take an action gets 403 whatever it sends, a malformed body
/// included: the role is checked before the input is read (these answered 422 before).
#[tokio::test]
async fn a_refused_role_is_refused_before_its_input_is_read() {
    let (app, _) = app_with_accounts().await;
    let mut leader = app.login("leader", PASSWORD).await;
    for path in
        ["/services/1/step", "/coverage/assignments", "/enterprises/1/work-links", "/regions/parks", "/orgs/1/dissolve"]
    {
        for body in [&[][..], &[("unit_id", "not a number"), ("action", "x")][..]] {
            let r = app.post_form(&mut leader, path, body).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{path} {body:?}: {}", r.body);
        }
    }
    let token = bearer(&app.db.store, "officer").await;
    for path in ["/api/v1/listings", "/api/v1/service-requests"] {
        let req = axum::http::Request::post(path)
            .header("authorization", &token)
            .header("content-type", "application/json")
            .body(axum::body::Body::from("{not json"))
            .unwrap();
        let r = app.send(&mut Session::default(), req).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}: {}", r.body);
    }
    // A role that may still gets its input checked.
    let mut district = app.login("district", PASSWORD).await;
    let r = app.post_form(&mut district, "/regions/parks", &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
}

/// The contact's edit form of its enterprise has no inputs for what only admins set (高新,
/// 规上, 专精特新: before, it showed them and the save was refused when one changed); it shows
/// them as text with the way to propose, and a save keeps them as stored. An admin's form
/// still has the inputs.
#[tokio::test]
async fn the_contacts_edit_form_shows_the_admin_flags_as_text_and_keeps_them() {
    let (app, _) = app_with_accounts().await;
    let store = &app.db.store;
    let firm = store.registry().enterprise_by_uscc(&system(), uscc(2).as_str()).await.unwrap();
    let flagged = qunlian_domain::registry::EnterpriseInput {
        high_tech: true,
        above_scale: true,
        srdi: qunlian_domain::registry::SrdiLevel::Municipal,
        ..enterprise(2, "上海乙轴承有限公司", "九亭")
    };
    store.registry().update_enterprise(&system(), firm.id, flagged).await.unwrap();
    let path = format!("/enterprises/{}/edit", firm.id);

    let mut contact = app.login("contact", PASSWORD).await;
    let form = app.get(&mut contact, &path).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    for input in ["name=\"high_tech\"", "name=\"above_scale\"", "name=\"srdi\""] {
        assert!(!form.body.contains(input), "{input} on the contact's form");
    }
    let text = between(&form.body, "id=\"admin-flags\">", "</p>");
    assert!(
        text.contains("高新技术企业：是") && text.contains("规上企业：是") && text.contains("专精特新（市级）"),
        "{text}"
    );
    assert!(text.contains("/proposals/new?kind=firm_flags"), "{text}");

    // A save from that form (no flag fields) changes the address and keeps the flags.
    let uscc2 = uscc(2).to_string();
    let town = town("九亭").to_string();
    let fields = [
        ("name", "上海乙轴承有限公司"),
        ("uscc", uscc2.as_str()),
        ("town", town.as_str()),
        ("employees", "50"),
        ("address", "九亭镇新址1号"),
    ];
    let saved = app.post_form(&mut contact, &path, &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let after = store.registry().enterprise(&system(), firm.id).await.unwrap();
    assert_eq!(after.address.as_deref(), Some("九亭镇新址1号"));
    assert!(after.high_tech && after.above_scale, "flags kept");
    assert_eq!(after.srdi, qunlian_domain::registry::SrdiLevel::Municipal);
    // Sending them anyway does not set them either: the store refuses 规上 too.
    let mut sneaky = fields.to_vec();
    sneaky.push(("srdi", "national"));
    let _ = app.post_form(&mut contact, &path, &sneaky).await;
    assert_eq!(store.registry().enterprise(&system(), firm.id).await.unwrap().srdi, after.srdi);
    let mut unit = qunlian_domain::registry::EnterpriseInput {
        high_tech: true,
        srdi: qunlian_domain::registry::SrdiLevel::Municipal,
        ..enterprise(2, "上海乙轴承有限公司", "九亭")
    };
    unit.above_scale = false;
    let contact_caller = user(store, "contact2", Role::EnterpriseContact, Scope::Enterprise(firm.id)).await;
    let r = store.registry().update_enterprise(&contact_caller, firm.id, unit).await;
    assert!(matches!(r, Err(qunlian_store::StoreError::Invalid { field: "规上企业", .. })), "{r:?}");

    let mut district = app.login("district", PASSWORD).await;
    let admin_form = app.get(&mut district, &path).await;
    assert!(admin_form.body.contains("name=\"high_tech\"") && admin_form.body.contains("name=\"srdi\""));
}

async fn api_post(app: &TestApp, token: &str, body: serde_json::Value) -> (StatusCode, serde_json::Value) {
    let req = axum::http::Request::post("/api/v1/proposals")
        .header("authorization", token)
        .header("content-type", "application/json")
        .body(axum::body::Body::from(body.to_string()))
        .unwrap();
    let r = app.send(&mut Session::default(), req).await;
    (r.status, serde_json::from_str(&r.body).unwrap_or_else(|_| panic!("not JSON: {}", r.body)))
}

async fn api_list(app: &TestApp, token: &str, query: &str) -> (StatusCode, serde_json::Value) {
    let r = app.get_with(&format!("/api/v1/proposals{query}"), &[("authorization", token)]).await;
    (r.status, serde_json::from_str(&r.body).unwrap_or_else(|_| panic!("not JSON: {}", r.body)))
}

/// The proposals API: a contact proposes with its token and lists its own; an admin lists
/// its scope's; refusals are the API's JSON with a stable code and a message naming the field.
#[tokio::test]
async fn the_api_takes_a_contacts_proposal_and_lists_proposals_by_scope() {
    let (app, _) = app_with_accounts().await;
    let store = &app.db.store;
    user(store, "jiuting", Role::TownAdmin, Scope::Region(town("九亭"))).await;
    let org = store.registry().org_tree(&system(), None, false).await.unwrap()[0].id.0;
    let contact = bearer(store, "contact").await;

    let rename =
        serde_json::json!({"kind": "rename_org", "org": org, "new_name": "乙公司第一党支部", "reason": "企业更名"});
    let (status, made) = api_post(&app, &contact, rename.clone()).await;
    assert_eq!(status, StatusCode::OK, "{made}");
    assert_eq!((made["state"].as_str(), made["kind"].as_str()), (Some("pending"), Some("rename_org")));
    assert!(made["summary"].as_str().unwrap().contains("乙公司第一党支部"), "{made}");
    let id = made["id"].as_i64().unwrap();

    // Refusals: the field named, in Chinese, with the stable code.
    let blank = serde_json::json!({"kind": "dissolve_org", "org": org, "reason": " "});
    let (status, e) = api_post(&app, &contact, blank).await;
    assert_eq!((status, e["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid")), "{e}");
    assert!(e["message"].as_str().unwrap().contains("变更理由"), "{e}");
    let (status, e) = api_post(&app, &contact, serde_json::json!({"kind": "rename", "reason": "x"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e["message"].as_str().unwrap().starts_with("kind："), "{e}");
    let (status, e) = api_post(&app, &contact, rename).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "one pending rename per organisation: {e}");
    let long = serde_json::json!({"kind": "dissolve_org", "org": org, "reason": "理".repeat(501)});
    let (status, e) = api_post(&app, &contact, long).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e["message"].as_str().unwrap().contains("变更理由：不能超过500个字"), "{e}");
    // An admin proposes nothing.
    let district = bearer(store, "district").await;
    let (status, e) =
        api_post(&app, &district, serde_json::json!({"kind": "dissolve_org", "org": org, "reason": "x"})).await;
    assert_eq!((status, e["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")));

    // Lists: the contact's own, 九亭's admin (the firm's town) sees it, 新桥's does not.
    let ids =
        |v: &serde_json::Value| v.as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).collect::<Vec<_>>();
    let (status, mine) = api_list(&app, &contact, "").await;
    assert_eq!((status, ids(&mine)), (StatusCode::OK, vec![id]));
    let (_, queue) = api_list(&app, &bearer(store, "jiuting").await, "?pending=1").await;
    assert_eq!(ids(&queue), vec![id]);
    assert_eq!(queue[0]["state_label"], "待确认");
    let (status, other) = api_list(&app, &bearer(store, "town").await, "?pending=1").await;
    assert_eq!((status, ids(&other)), (StatusCode::OK, vec![]));
    let (status, e) = api_list(&app, &bearer(store, "leader").await, "").await;
    assert_eq!((status, e["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")));
    let (status, e) = api_list(&app, &contact, "?pending=2").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
}
