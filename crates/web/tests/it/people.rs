//! Member pages (issue #13): the form refuses by field and keeps what was typed, the list and
//! the API mask, the reveal needs a reason, the roster import reports by line and a re-run
//! adds nobody; the roles without members are refused and not offered the section; a
//! development step too late comes back on the form, a transfer is decided by the receiving side.

use axum::http::StatusCode;
use qunlian_testkit::*;

use crate::between;

/// The organisation of the fixture's branch secretary (乙公司党支部, 九亭).
const ORG: &str = "乙公司党支部";

#[tokio::test]
async fn a_branch_secretary_adds_a_member_by_the_form_and_reveals_the_number_with_a_reason() {
    let (app, _) = app_with_accounts().await;
    let store = &app.db.store;
    let org = store.registry().org_tree(&system(), Some(ORG), false).await.unwrap()[0].id.to_string();
    let mut branch = app.login("branch", PASSWORD).await;
    assert!(app.get(&mut branch, "/").await.body.contains("href=\"/members\""), "the nav offers 党员名册");
    let form = app.get(&mut branch, "/members/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("name=\"_csrf\""));

    let id = qunlian_io::synth::id_number(5).as_str().to_owned();
    let mut wrong = id.clone();
    wrong.replace_range(17..18, if id.ends_with('0') { "1" } else { "0" });
    let typed = [
        ("name", "周明"),
        ("id_number", wrong.as_str()),
        ("phone", "13812345678"),
        ("category", ""),
        ("joined_on", "2018-07-01"),
        ("standing", "probationary"),
        ("org", org.as_str()),
        ("work_unit", "上海乙轴承有限公司"),
    ];
    let refused = app.post_form(&mut branch, "/members", &typed).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("data-for=\"id_number\">身份证号码校验位错误"), "{}", refused.body);
    assert!(refused.body.contains("data-for=\"category\">人员类别：不能为空"), "{}", refused.body);
    for kept in
        ["value=\"周明\"", &format!("value=\"{wrong}\""), "value=\"2018-07-01\"", "value=\"上海乙轴承有限公司\""]
    {
        assert!(refused.body.contains(kept), "the form keeps {kept}");
    }
    let mut good = typed.to_vec();
    good[1] = ("id_number", id.as_str());
    good[3] = ("category", "high_knowledge");
    let saved = app.post_form(&mut branch, "/members", &good).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page_path = saved.location.unwrap();

    let masked = qunlian_domain::IdNumber::parse(&id).unwrap().masked();
    let list = app.get(&mut branch, "/members?standing=probationary").await;
    assert!(list.body.contains("周明") && list.body.contains(&masked) && list.body.contains("138****5678"));
    assert!(!list.body.contains(&id) && !list.body.contains("13812345678"), "the list is masked");
    let page = app.get(&mut branch, &page_path).await;
    assert!(page.body.contains(&masked) && !page.body.contains(&id));
    let token = bearer(store, "branch").await;
    let api = app.get_with("/api/v1/members", &[("authorization", &token)]).await;
    assert_eq!(api.status, StatusCode::OK);
    assert!(api.body.contains(&masked) && !api.body.contains(&id), "{}", api.body);
    let one_path = page_path.replace("/members/", "/api/v1/members/");
    let one = app.get_with(&one_path, &[("authorization", &token)]).await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.body);
    assert!(one.body.contains(&masked) && one.body.contains("138****5678") && !one.body.contains(&id), "{}", one.body);

    let no_reason = app.post_form(&mut branch, &format!("{page_path}/reveal"), &[("reason", "看")]).await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason.body.contains("查看原因：请写明") && !no_reason.body.contains(&id));
    let revealed = app.post_form(&mut branch, &format!("{page_path}/reveal"), &[("reason", "核对发展材料")]).await;
    assert_eq!(revealed.status, StatusCode::OK);
    assert!(revealed.body.contains(&id) && revealed.body.contains("13812345678"));

    // The edit keeps the stored numbers when their fields are left empty.
    let mut edit = good.clone();
    edit[1] = ("id_number", "");
    edit[2] = ("phone", "");
    edit[5] = ("standing", "full");
    let edited = app.post_form(&mut branch, &format!("{page_path}/edit"), &edit).await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);
    let page = app.get(&mut branch, &page_path).await;
    assert!(page.body.contains(&masked) && page.body.contains("正式党员"));

    // 新桥's admin does not reach 九亭's member; an officer has no members at all.
    let mut xinqiao = app.login("town", PASSWORD).await;
    assert_eq!(app.get(&mut xinqiao, &page_path).await.status, StatusCode::NOT_FOUND);
    assert!(!app.get(&mut xinqiao, "/members").await.body.contains("周明"));
    let town_token = bearer(store, "town").await;
    assert_eq!(app.get_with(&one_path, &[("authorization", &town_token)]).await.status, StatusCode::NOT_FOUND);
    let mut officer = app.login("officer", PASSWORD).await;
    assert_eq!(app.get(&mut officer, "/members").await.status, StatusCode::FORBIDDEN);
    assert!(!app.get(&mut officer, "/").await.body.contains("href=\"/members\""));
}

#[tokio::test]
async fn a_roster_is_imported_from_the_page_by_line_and_a_rerun_adds_nobody() {
    let (app, _) = app_with_accounts().await;
    let mut branch = app.login("branch", PASSWORD).await;
    assert_eq!(app.get(&mut branch, "/members/import").await.status, StatusCode::OK);
    let template = app.get(&mut branch, "/members/import/template.xlsx").await;
    assert_eq!(template.status, StatusCode::OK);
    let (a, b) = (qunlian_io::synth::id_number(21), qunlian_io::synth::id_number(22));
    let csv = format!(
        "党员名册\n姓名,身份证号,手机,人员类别,入党时间,正式/预备,所在党支部,工作单位\n\
         甲一,{a},13900000021,产业工人,2016-07-01,正式,{ORG},上海乙轴承有限公司\n\
         甲二,{b},,专业技术人员,2025/7/1,预备,{ORG},\n\
         甲三,,,产业工人,2016-07-01,正式,上海甲电气有限公司党支部,\n\
         甲四,{a},,产业工人,2016-07-01,正式,{ORG},\n",
        a = a.as_str(),
        b = b.as_str()
    );
    let first = app.post_file(&mut branch, "/members/import", "名册.csv", csv.as_bytes()).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let counts = between(&first.body, "id=\"counts\">", "</p>");
    assert_eq!(counts, "新增 2 人，更新 0 人，未变 0 人，未导入 2 行。");
    assert!(first.body.contains("第5行：身份证号码：导入时必填"), "{}", first.body);
    assert!(first.body.contains("第6行：身份证号码：与第3行重复"), "{}", first.body);
    let again = app.post_file(&mut branch, "/members/import", "名册.csv", csv.as_bytes()).await;
    assert_eq!(between(&again.body, "id=\"counts\">", "</p>"), "新增 0 人，更新 0 人，未变 2 人，未导入 2 行。");
    let list = app.get(&mut branch, "/members").await;
    assert!(list.body.contains("共 2 人"), "{}", list.body);
    // The organisation's count now comes from the roster.
    let org = app.db.store.registry().org_tree(&system(), Some(ORG), false).await.unwrap()[0].id;
    let page = app.get(&mut branch, &format!("/orgs/{org}")).await;
    assert!(between(&page.body, "id=\"members-count\">", "</dd>").starts_with("2 名"), "{}", page.body);
    let bad = app.post_file(&mut branch, "/members/import", "x.csv", "a,b\n1,2\n".as_bytes()).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("没有找到表头"));
    let export = app.get(&mut branch, "/members/export.xlsx").await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(export.content_type.unwrap_or_default().contains("spreadsheetml"));
}

#[tokio::test]
async fn a_step_too_late_comes_back_on_the_form_and_a_transfer_is_decided_by_the_receiving_side() {
    use qunlian_store::people::TransferSide;
    let (app, _) = app_with_accounts().await;
    let store = &app.db.store;
    let sys = system();
    let from = store.registry().org_tree(&sys, Some(ORG), false).await.unwrap()[0].id.0;
    let mut branch = app.login("branch", PASSWORD).await;
    assert!(app.get(&mut branch, "/").await.body.contains("href=\"/people/development\""));

    let applicant = [
        ("name", "吴思远"),
        ("category", "professional"),
        ("org", &from.to_string()),
        ("done_on", "2026-09-01"),
        ("doc_name", ""),
        ("doc_number", ""),
    ];
    let saved = app.post_form(&mut branch, "/people/development", &applicant).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let person = saved.location.unwrap();
    let late = [
        ("step", "2"),
        ("done_on", "2026-10-05"),
        ("doc_name", "谈话记录"),
        ("doc_number", "谈〔2026〕2号"),
        ("note", ""),
    ];
    let refused = app.post_form(&mut branch, &format!("{person}/steps"), &late).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("1个月内完成，最迟 2026-10-01"), "{}", refused.body);
    assert!(refused.body.contains("value=\"谈〔2026〕2号\""), "the form keeps what was typed");
    let on_time =
        [("step", "2"), ("done_on", "2026-09-20"), ("doc_name", "谈话记录"), ("doc_number", ""), ("note", "")];
    assert_eq!(app.post_form(&mut branch, &format!("{person}/steps"), &on_time).await.status, StatusCode::SEE_OTHER);
    let page = app.get(&mut branch, &person).await;
    assert!(page.body.contains("第2步 党组织派人谈话") && page.body.contains("谈话记录"));

    // A transfer from 乙 (九亭) to 甲's branch (新桥): only 新桥's side decides it.
    let a = store.registry().create_enterprise(&sys, enterprise(7, "上海甲新设备有限公司", "新桥")).await.unwrap();
    let to = store.registry().create_org(&sys, org("上海甲新设备有限公司党支部", vec![a])).await.unwrap().0;
    let m = store.people().create(&sys, member(31, from), false).await.unwrap();
    let issued = app
        .post_form(&mut branch, &format!("/members/{m}/transfer"), &[("to_org", &to.to_string()), ("note", "调动")])
        .await;
    assert_eq!(issued.status, StatusCode::SEE_OTHER, "{}", issued.body);
    let t = store.people().transfers(&sys, TransferSide::Outgoing).await.unwrap()[0].id;
    assert!(app.get(&mut branch, "/people/transfers").await.body.contains("上海甲新设备有限公司党支部"));
    let own = app.post_form(&mut branch, &format!("/people/transfers/{t}/accept"), &[]).await;
    assert_eq!(own.status, StatusCode::NOT_FOUND, "the sending side does not accept");
    let mut town = app.login("town", PASSWORD).await;
    let no_reason = app.post_form(&mut town, &format!("/people/transfers/{t}/return"), &[("reason", "")]).await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason.body.contains("退回原因：必须填写"), "{}", no_reason.body);
    let accepted = app.post_form(&mut town, &format!("/people/transfers/{t}/accept"), &[]).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    assert_eq!(store.people().member(&sys, m).await.unwrap().org_id, to);
}
