//! Coverage writes as every role, and the coverage API against its lists.

use axum::http::StatusCode;
use qunlian_domain::auth::Role;
use qunlian_testkit::*;

/// Every coverage write as every role: allowed roles are redirected to the result, the
/// others refused; nothing outside a scope can be reached.
#[tokio::test]
async fn coverage_writes_as_every_role() {
    use qunlian_domain::auth::Action;
    let (app, accounts) = app_with_accounts().await;
    for (i, (name, role)) in accounts.into_iter().enumerate() {
        let mut s = app.login(name, PASSWORD).await;
        let snap = app.post_form(&mut s, "/coverage/snapshots", &[]).await;
        let expected = if role.may(Action::AssignCoverage) { StatusCode::SEE_OTHER } else { StatusCode::FORBIDDEN };
        assert_eq!(snap.status, expected, "{name} POST /coverage/snapshots");
        let cat_name = format!("类别{i}");
        let cat = app
            .post_form(
                &mut s,
                "/coverage/categories",
                &[("name", &cat_name), ("rule", "高新技术企业 或 规上"), ("target_pct", "95")],
            )
            .await;
        let expected = if role.may(Action::DefineCoverage) { StatusCode::SEE_OTHER } else { StatusCode::FORBIDDEN };
        assert_eq!(cat.status, expected, "{name} POST /coverage/categories");
        let link = app
            .post_form(
                &mut s,
                "/enterprises/1/work-links",
                &[("kind", "instructor"), ("instructor_name", "王指导"), ("since", "2026-11-01")],
            )
            .await;
        let expected = match role {
            // 甲 (enterprise 1) is in 新桥: inside both the district and the town admin's scope.
            Role::DistrictAdmin | Role::TownAdmin => StatusCode::SEE_OTHER,
            _ => StatusCode::FORBIDDEN,
        };
        assert_eq!(link.status, expected, "{name} POST work link");
    }
    // A bad rule is refused with the field named; nothing is saved.
    let mut s = app.login("district", PASSWORD).await;
    let bad = app.post_form(&mut s, "/coverage/categories", &[("name", "坏规则"), ("rule", "高新 且 且")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("规则"), "{}", bad.body);
    let page = app.get(&mut s, "/coverage").await;
    assert!(!page.body.contains("坏规则"));
    // The responsibility list: the town admin assigns 甲, and sees the entry; 九亭 does not.
    let mut town = app.login("town", PASSWORD).await;
    let ok = app
        .post_form(
            &mut town,
            "/coverage/assignments",
            &[("unit_id", "1"), ("responsible_unit", "新桥镇党建办"), ("due_on", "2027-01-31")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let list = app.get(&mut town, "/coverage/assignments?state=open").await;
    assert!(list.body.contains("上海甲电气有限公司") && list.body.contains("新桥镇党建办"));
    assert!(list.body.contains(r#"<option value="open" selected>办理中</option>"#), "the filter shows its state");
    let closed = app.get(&mut town, "/coverage/assignments?state=closed").await;
    assert!(!closed.body.contains("新桥镇党建办"), "the entry is open");
    let unknown = app.get(&mut town, "/coverage/assignments?state=paused").await;
    assert!(unknown.body.contains("办理状态"), "an unknown state is refused by its field's name: {}", unknown.body);
    let outside = app
        .post_form(
            &mut town,
            "/coverage/assignments",
            &[("unit_id", "2"), ("responsible_unit", "x"), ("due_on", "2027-01-31")],
        )
        .await;
    assert_eq!(outside.status, StatusCode::NOT_FOUND, "乙 is in 九亭, outside the town admin's scope");
    let no_date = app.post_form(&mut s, "/coverage/assignments", &[("unit_id", "1"), ("responsible_unit", "x")]).await;
    assert_eq!(no_date.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_date.body.contains("完成期限"));
}

#[tokio::test]
async fn the_coverage_api_counts_what_its_list_pages() {
    let (app, _) = app_with_accounts().await;
    let s = &app.db.store;
    let auth = bearer(s, "district").await;
    let res = app.get_with("/api/v1/coverage?category=1", &[("authorization", &auth)]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let rows: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows[0]["region_code"], serde_json::Value::Null, "the first row is the whole scope");
    assert_eq!(
        (rows[0]["total"].as_u64(), rows[0]["own_org"].as_u64(), rows[0]["uncovered"].as_u64()),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(rows[0]["org_rate"], 50.0);
    assert_eq!(rows[0]["target"], 100.0);
    assert_eq!(rows[0]["as_of"], "2026-11-23");
    for row in rows {
        for status in ["own_org", "joint_org", "work_only", "uncovered"] {
            let region = row["region_code"].as_str().map(|r| format!("&region={r}")).unwrap_or_default();
            let list = app
                .get_with(
                    &format!("/api/v1/coverage/enterprises?category=1&status={status}{region}"),
                    &[("authorization", &auth)],
                )
                .await;
            let list: serde_json::Value = serde_json::from_str(&list.body).unwrap();
            assert_eq!(list["total"], row[status], "{status} in {}", row["region_name"]);
        }
    }
    let bad = app.get_with("/api/v1/coverage/enterprises?status=covered", &[("authorization", &auth)]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("status"));
    assert_eq!(serde_json::from_str::<serde_json::Value>(&bad.body).unwrap()["code"], "invalid");
    // The cluster secretary's figures are its cluster's only.
    let res = app.get_with("/api/v1/coverage", &[("authorization", &bearer(s, "secretary").await)]).await;
    let rows: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    assert_eq!(rows[0]["total"], 1);
    assert_eq!(rows[0]["uncovered"], 1);
}

/// A refused coverage form comes back as its page with the reason by the form and the other
/// fields as typed: the enterprise page's 列入责任清单 and 登记工作覆盖, and a category's edit
/// (each answered the bare error page, what was typed lost).
#[tokio::test]
async fn a_refused_coverage_form_is_its_page_again_with_what_was_typed() {
    let (app, _) = app_with_accounts().await;
    let mut district = app.login("district", PASSWORD).await;
    let fields = [("unit_id", "1"), ("responsible_unit", "新桥镇党建办"), ("due_on", "2027/13/45")];
    let r = app.post_form(&mut district, "/coverage/assignments", &fields).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body.contains("完成期限：“2027/13/45”不是有效日期") && r.body.contains("id=\"assign-form\""),
        "{}",
        r.body
    );
    assert!(r.body.contains("value=\"新桥镇党建办\""), "the responsible unit is kept: {}", r.body);

    let fields = [("kind", "activities"), ("party_org", "abc"), ("since", "2026-11-01"), ("note", "每月联学")];
    let r = app.post_form(&mut district, "/enterprises/1/work-links", &fields).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("党组织：请从列表中选择") && r.body.contains("id=\"work-link-form\""), "{}", r.body);
    assert!(r.body.contains("value=\"每月联学\"") && r.body.contains("value=\"activities\" selected"), "{}", r.body);

    let made = [("name", "百人以上企业"), ("rule", "从业人数>=100"), ("target_pct", "100")];
    let made = app.post_form(&mut district, "/coverage/categories", &made).await;
    let at = made.location.expect("the new category's page");
    let edit = [("name", "百人以上企业（调整）"), ("rule", "从业人数>=100"), ("target_pct", "百分百")];
    let r = app.post_form(&mut district, &at, &edit).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("目标覆盖率：“百分百”不是数字") && r.body.contains("id=\"category-edit\""), "{}", r.body);
    assert!(r.body.contains("value=\"百人以上企业（调整）\"") && r.body.contains("value=\"百分百\""), "{}", r.body);
}
