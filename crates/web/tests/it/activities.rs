//! Activity pages (issue #13): a branch secretary records an activity with a neighbour firm
//! without a branch and sees its coverage change; a refused form names its fields and keeps
//! what was typed; the API lists the activities of the token's scope only.

use axum::http::StatusCode;
use qunlian_testkit::*;

/// The activity form as the branch secretary fills it: a seminar of `organiser` on 2026-11-20
/// with the firm `unit`, at `place`, `headcount` as typed.
fn seminar<'a>(organiser: &'a str, unit: &'a str, place: &'a str, headcount: &'a str) -> [(&'a str, &'a str); 7] {
    [
        ("organiser", organiser),
        ("kind", "seminar"),
        ("subject", "轴承产业链座谈"),
        ("held_on", "2026-11-20"),
        ("place", place),
        ("units", unit),
        ("headcount", headcount),
    ]
}

#[tokio::test]
async fn a_branch_secretary_records_an_activity_and_the_branchless_firm_is_work_covered() {
    let (app, _) = app_with_accounts().await;
    let store = &app.db.store;
    let c = store.registry().create_enterprise(&system(), enterprise(3, "上海丙机械有限公司", "九亭")).await.unwrap();
    let org = store.registry().org_tree(&system(), Some("乙公司党支部"), false).await.unwrap()[0].id;
    let mut branch = app.login("branch", PASSWORD).await;
    assert!(app.get(&mut branch, "/").await.body.contains("href=\"/activities\""), "the nav offers 活动记录");
    let form = app.get(&mut branch, "/activities/new").await;
    assert_eq!(form.status, StatusCode::OK);
    let offered = format!("name=\"units\" value=\"{c}\"");
    assert!(form.body.contains(&offered), "the neighbour firm is offered: {}", form.body);
    assert!(form.body.contains("未覆盖"));

    let organiser = format!("org:{org}");
    let unit = c.to_string();
    let typed = seminar(&organiser, &unit, "", "零");
    let refused = app.post_form(&mut branch, "/activities", &typed).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("data-for=\"place\">活动地点：不能为空"), "{}", refused.body);
    assert!(refused.body.contains("data-for=\"headcount\">参加人数"), "{}", refused.body);
    assert!(refused.body.contains("value=\"轴承产业链座谈\"") && refused.body.contains(&format!("{offered} checked")));

    let mut good = typed.to_vec();
    good[4] = ("place", "九亭镇党群服务中心");
    good[6] = ("headcount", "15人");
    let saved = app.post_form(&mut branch, "/activities", &good).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = app.get(&mut branch, &saved.location.unwrap()).await;
    assert!(
        page.body.contains("上海丙机械有限公司") && page.body.contains("data-coverage=\"work_only\""),
        "{}",
        page.body
    );

    let token = bearer(store, "branch").await;
    let api = app.get_with("/api/v1/activities", &[("authorization", &token)]).await;
    assert_eq!(api.status, StatusCode::OK);
    assert!(api.body.contains("轴承产业链座谈") && api.body.contains("\"total\":1"), "{}", api.body);
    let town = bearer(store, "town").await;
    let other = app.get_with("/api/v1/activities", &[("authorization", &town)]).await;
    assert!(other.body.contains("\"total\":0"), "新桥 sees none of 九亭's: {}", other.body);
    let bad = app.get_with("/api/v1/activities?kind=checkin", &[("authorization", &token)]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    for path in ["/activities", "/activities/exceptions", "/activities/figures?by=town"] {
        let r = app.get(&mut branch, path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
    }
    assert!(app.get(&mut branch, "/activities/exceptions").await.body.contains("乙公司党支部"));
}

#[tokio::test]
async fn the_organisers_side_edits_then_withdraws_an_activity_and_coverage_follows() {
    let (app, _) = app_with_accounts().await;
    let store = &app.db.store;
    let c = store.registry().create_enterprise(&system(), enterprise(3, "上海丙机械有限公司", "九亭")).await.unwrap();
    let org = store.registry().org_tree(&system(), Some("乙公司党支部"), false).await.unwrap()[0].id;
    let mut branch = app.login("branch", PASSWORD).await;
    let organiser = format!("org:{org}");
    let unit = c.to_string();
    let typed = seminar(&organiser, &unit, "九亭镇党群服务中心", "15");
    let saved = app.post_form(&mut branch, "/activities", &typed).await;
    let page_path = saved.location.unwrap();
    let id = page_path.trim_start_matches("/activities/").to_owned();
    let status = |id| async move { store.coverage().status(&system(), id).await };
    assert_eq!(status(c).await.unwrap(), qunlian_domain::coverage::CoverageStatus::WorkOnly);
    let page = app.get(&mut branch, &page_path).await;
    assert!(page.body.contains("id=\"withdraw-form\"") && page.body.contains(&format!("/activities/{id}/edit")));

    // The edit form starts from what is recorded; a refusal keeps what was typed.
    let form = app.get(&mut branch, &format!("/activities/{id}/edit")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("value=\"轴承产业链座谈\"") && form.body.contains(&format!("value=\"{c}\" checked")));
    let mut edited: Vec<(&str, &str)> = typed.iter().copied().filter(|(k, _)| *k != "units").collect();
    edited[2] = ("subject", "轴承产业链座谈（更正）");
    edited[4] = ("place", "");
    let refused = app.post_form(&mut branch, &format!("/activities/{id}/edit"), &edited).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("data-for=\"place\">活动地点：不能为空"));
    assert!(refused.body.contains("value=\"轴承产业链座谈（更正）\""), "typing kept");
    edited[4] = ("place", "九亭镇党群服务中心");
    let ok = app.post_form(&mut branch, &format!("/activities/{id}/edit"), &edited).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(status(c).await.unwrap(), qunlian_domain::coverage::CoverageStatus::Uncovered, "丙 taken off");

    // Withdrawn: a reason is needed; then it is shown as withdrawn and no longer listed.
    let none = app.post_form(&mut branch, &format!("/activities/{id}/withdraw"), &[("reason", " ")]).await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(none.body.contains("data-for=\"reason\"") && none.body.contains("撤回原因：不能为空"));
    let gone = app.post_form(&mut branch, &format!("/activities/{id}/withdraw"), &[("reason", "重复登记")]).await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER);
    let page = app.get(&mut branch, &page_path).await;
    assert!(page.body.contains("id=\"withdrawn\"") && page.body.contains("重复登记"));
    assert!(!page.body.contains("id=\"withdraw-form\""));
    assert!(!app.get(&mut branch, "/activities").await.body.contains("轴承产业链座谈"));
    // Another town's admin does not see it to change it.
    let mut town = app.login("town", PASSWORD).await;
    assert_eq!(app.get(&mut town, &format!("/activities/{id}/edit")).await.status, StatusCode::NOT_FOUND);
}

/// A town holds more enterprises than the form lists (the first 300 by name): the search box
/// above the list (`/units/choices`) finds the others inside the caller's scope and keeps the
/// ticked ones ticked; an activity's edit form keeps a unit beyond the first 300 ticked, so
/// saving it loses nothing (before, the edit form listed only the first 300 and a save
/// dropped the rest).
#[tokio::test]
async fn an_enterprise_beyond_the_first_page_is_found_ticked_and_kept_on_edit() {
    let (app, _) = app_with_accounts().await;
    let store = &app.db.store;
    let sys = system();
    for n in 0..300u32 {
        let firm = enterprise(1000 + n, &format!("上海A{n:03}科技有限公司"), "九亭");
        store.registry().create_enterprise(&sys, firm).await.unwrap();
    }
    let z = store.registry().create_enterprise(&sys, enterprise(999, "上海Z精工有限公司", "九亭")).await.unwrap();
    let far = store.registry().create_enterprise(&sys, enterprise(998, "上海Z远方有限公司", "新桥")).await.unwrap();
    let org = store.registry().org_tree(&sys, Some("乙公司党支部"), false).await.unwrap()[0].id;
    let mut branch = app.login("branch", PASSWORD).await;
    let box_ = |id: qunlian_domain::auth::UnitId| format!("name=\"units\" value=\"{id}\"");

    let form = app.get(&mut branch, "/activities/new").await;
    assert!(form.body.contains("hx-get=\"/units/choices?for=activities\""), "the form has a search box");
    assert!(!form.body.contains(&box_(z)), "a firm after the first 300 by name is not on the first page");
    let found = app.get(&mut branch, &format!("/units/choices?for=activities&q=Z精工&units={z}")).await;
    assert_eq!(found.status, StatusCode::OK);
    assert!(found.body.contains(&format!("{} checked", box_(z))), "{}", found.body);
    let found = app.get(&mut branch, "/units/choices?for=activities&q=%E7%B2%BE%E5%B7%A5").await;
    assert!(found.body.contains(&box_(z)) && !found.body.contains("checked"), "{}", found.body);
    // Thousands of values sent back as ticked (another town's id among them, the rest not
    // ids at all): the list answers, keeps what the scope allows, names no other town's firm.
    let many: String =
        (0..3000).map(|i| format!("&units={}", if i == 0 { far.to_string() } else { format!("x{i}") })).collect();
    let flood = app.get(&mut branch, &format!("/units/choices?for=activities&q=Z{many}&units={z}")).await;
    assert_eq!(flood.status, StatusCode::OK);
    assert!(!flood.body.contains(&box_(far)) && flood.body.contains(&box_(z)), "{}", flood.body);
    let other = app.get(&mut branch, "/units/choices?for=activities&q=Z").await;
    assert!(other.body.contains(&box_(z)) && !other.body.contains(&box_(far)), "新桥's firm is never offered");

    let organiser = format!("org:{org}");
    let unit = z.to_string();
    let saved =
        app.post_form(&mut branch, "/activities", &seminar(&organiser, &unit, "九亭镇党群服务中心", "15")).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let edit = format!("{}/edit", saved.location.unwrap());
    let form = app.get(&mut branch, &edit).await;
    assert!(form.body.contains(&format!("{} checked", box_(z))), "the recorded firm stays ticked");

    // The member list's search box answers the recorder (members of its scope only), not an
    // officer, who records no activity.
    let members = app.get(&mut branch, "/units/choices?for=members&q=%E5%BC%A0").await;
    assert_eq!(members.status, StatusCode::OK, "{}", members.body);
    let mut officer = app.login("officer", PASSWORD).await;
    assert_eq!(app.get(&mut officer, "/units/choices?for=members&q=a").await.status, StatusCode::FORBIDDEN);

    // The bodies' enterprise selects: the town admin of 新桥 finds its own firm, not 九亭's,
    // and the chosen one stays selected.
    let mut town = app.login("town", PASSWORD).await;
    let sel = app.get(&mut town, &format!("/units/choices?for=bodies&name=enterprise&enterprise={far}&q=Z")).await;
    assert!(sel.body.contains(&format!("value=\"{far}\" selected")) && !sel.body.contains(&format!("value=\"{z}\"")));
    let none = app.get(&mut town, "/units/choices?for=bodies&q=Z精工").await;
    assert!(none.body.contains("未找到匹配的企业"), "{}", none.body);
    let long = format!("/units/choices?for=bodies&q={}", "A".repeat(201));
    assert!(app.get(&mut town, &long).await.body.contains("搜索词"), "too long a search says why");
}
