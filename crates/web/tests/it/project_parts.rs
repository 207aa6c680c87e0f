//! The pages added to integration projects: the officer's rubric (refused weights shown
//! again), a carrier registered once and chosen again with its page, partner enterprises
//! ticked on the form, attachments uploaded, refused by type and downloaded, the end of the
//! concept stage refused on a one-stage round, and the reviewer's pending count in the
//! sidebar.

use axum::http::StatusCode;
use chrono::Duration;
use qunlian_domain::auth::{Role, Scope};
use qunlian_domain::projects::{ApplicationAction as A, ReviewSide, RoundDates};
use qunlian_store::projects::NewRound;
use qunlian_testkit::*;

fn refs(f: &[(String, String)]) -> Vec<(&str, &str)> {
    f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

#[tokio::test]
async fn rubric_carrier_partners_files_and_the_pending_count() {
    let (app, _) = app_with_accounts().await;
    let s = &app.db.store;
    let today = s.today();
    let day = |n: i64| today + Duration::days(n);
    let dates = crate::open_round(today);
    let round =
        s.projects().create_round(&system(), NewRound::standard(2026, "2026年度深度融合项目", dates)).await.unwrap();
    // The branch's enterprise joins the test cluster: its member 甲电气 becomes a partner to choose.
    let branch_user = s.accounts().user_by_name("branch").await.unwrap().unwrap();
    let org = match branch_user.scope {
        Scope::PartyOrg(o) => o,
        other => panic!("{other:?}"),
    };
    let cluster = s.registry().list_clusters(&system(), None).await.unwrap()[0].id;
    let firm = |n: u32| async move { s.registry().enterprise_by_uscc(&system(), uscc(n).as_str()).await.unwrap().id };
    let (jia, yi) = (firm(1).await, firm(2).await);
    s.registry().add_cluster_member(&system(), cluster, yi, false, None).await.unwrap();

    // The rubric: rows shown, a wrong total refused and shown again, a right one saved.
    let mut district = app.login("district", PASSWORD).await;
    let path = format!("/projects/rounds/{round}/rubric");
    let page = app.get(&mut district, &path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("党建引领") && page.body.contains("6：党组织牵头组织"), "{}", page.body);
    let rubric = s.projects().round(&system(), round).await.unwrap().rubric;
    let mut fields: Vec<(String, String)> = vec![("rows".into(), rubric.criteria.len().to_string())];
    for (i, c) in rubric.criteria.iter().enumerate() {
        let raw = qunlian_domain::projects::RawCriterion::of(c);
        fields.extend([
            (format!("key_{i}"), raw.key),
            (format!("name_{i}"), if i == 0 { "党建引领作用".into() } else { raw.name }),
            (format!("side_{i}"), raw.side),
            (format!("weight_{i}"), raw.weight),
            (format!("max_{i}"), raw.max),
            (format!("levels_{i}"), raw.levels),
        ]);
        if raw.veto {
            fields.push((format!("veto_{i}"), "1".into()));
        }
    }
    let as_refs = |f: &[(String, String)]| f.iter().map(|(k, v)| (k.clone(), v.clone())).collect::<Vec<_>>();
    let mut wrong = as_refs(&fields);
    wrong.iter_mut().find(|(k, _)| k == "weight_0").unwrap().1 = "30".into();
    let res = app.post_form(&mut district, &path, &refs(&wrong)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("权重之和应为 100，现为 110") && res.body.contains("value=\"30\""), "{}", res.body);
    let res = app.post_form(&mut district, &path, &refs(&as_refs(&fields))).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(app.get(&mut district, &format!("/projects/rounds/{round}")).await.body.contains("党建引领作用"));
    let mut branch = app.login("branch", PASSWORD).await;
    assert_eq!(app.get(&mut branch, &path).await.status, StatusCode::FORBIDDEN);

    // A carrier registered with the first application, chosen by the second; a partner ticked.
    let apply = format!("/projects/rounds/{round}/apply");
    let form = app.get(&mut branch, &apply).await;
    assert!(form.body.contains("上海甲电气有限公司"), "the cluster's member is offered as a partner");
    let org_s = org.0.to_string();
    let jia_s = jia.0.to_string();
    let base = |title: &'static str| {
        vec![
            ("org", org_s.as_str()),
            ("title", title),
            ("subject", "“卡脖子”关键核心技术"),
            ("direction", "科技攻关"),
            ("lead_name", "崔建华"),
            ("summary", "党员创新工作室牵头攻关。"),
        ]
    };
    let mut first = base("安全级超速继电器");
    first.extend([
        ("carrier_kind", "党员科技创新工作室"),
        ("carrier_name", "崔建华党员创新研发工作室"),
        ("carrier_lead", "崔建华"),
        ("units", jia_s.as_str()),
    ]);
    let res = app.post_form(&mut branch, &apply, &first).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let a1 = res.location.unwrap();
    let page = app.get(&mut branch, &a1).await.body;
    assert!(page.contains("上海甲电气有限公司") && page.contains("上海乙轴承有限公司"), "own and partner enterprise");
    let carrier = s.projects().carriers(&system(), None).await.unwrap()[0].id;
    assert!(page.contains(&format!("/projects/carriers/{carrier}")));
    let form = app.get(&mut branch, &apply).await.body;
    assert!(form.contains("崔建华党员创新研发工作室（党员科技创新工作室，负责人 崔建华）"), "{form}");
    let carrier_s = carrier.to_string();
    let mut second = base("继电器检测平台");
    second.push(("carrier_id", carrier_s.as_str()));
    let res = app.post_form(&mut branch, &apply, &second).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let mut bad = base("越权伙伴");
    bad.push(("units", "999999"));
    let res = app.post_form(&mut branch, &apply, &bad).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("不在您可选的范围内"));
    let page = app.get(&mut branch, &format!("/projects/carriers/{carrier}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("安全级超速继电器") && page.body.contains("继电器检测平台") && page.body.contains("崔建华")
    );

    // Attachments: a program refused by its type, a PDF kept and downloaded.
    let res = app.post_file(&mut branch, &format!("{a1}/files"), "setup.exe", b"MZ").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("只接受 PDF、Word、Excel、OFD、JPG、PNG"), "{}", res.body);
    let res = app.post_file(&mut branch, &format!("{a1}/files"), "可行性报告.pdf", b"%PDF-1.7 test").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = app.get(&mut branch, &a1).await.body;
    assert!(page.contains("可行性报告.pdf"));
    let fid =
        s.projects().application_files(&system(), a1.rsplit('/').next().unwrap().parse().unwrap()).await.unwrap()[0].id;
    let file = app.get(&mut district, &format!("{a1}/files/{fid}")).await;
    assert_eq!((file.status, file.body.as_str()), (StatusCode::OK, "%PDF-1.7 test"));

    // A one-stage round has no concept stage to end; the refusal is shown on the ranking.
    let res = app.post_form(&mut district, &format!("/projects/rounds/{round}/end-concept"), &[("reason", "x")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("本批次不在概念评审阶段") && res.body.contains("排名与评定"));

    // The reviewer's pending count: none, then one sheet assigned under review.
    let mut reviewer = app.login("reviewer", PASSWORD).await;
    let pending = |body: &str| {
        body.split("id=\"nav-pending\" title=\"待评分\">").nth(1).map(|r| r.split('<').next().unwrap().to_owned())
    };
    assert_eq!(pending(&app.get(&mut reviewer, "/projects/reviews").await.body).as_deref(), Some("0"));
    let id: i64 = a1.rsplit('/').next().unwrap().parse().unwrap();
    let p = s.projects();
    let branch_caller = branch_user.caller(None);
    p.act(&branch_caller, id, A::Submit, "", None).await.unwrap();
    let secretary = s.accounts().user_by_name("secretary").await.unwrap().unwrap().caller(None);
    p.act(&secretary, id, A::Recommend, "", Some(1)).await.unwrap();
    p.update_round(
        &system(),
        round,
        NewRound {
            dates: RoundDates { filing_opens: day(-5), filing_closes: day(-4), recommend_closes: day(-1), ..dates },
            ..NewRound::standard(2026, "2026年度深度融合项目", dates)
        },
    )
    .await
    .unwrap();
    p.act(&system(), id, A::StartReview, "", None).await.unwrap();
    let reviewer_id = s.accounts().user_by_name("reviewer").await.unwrap().unwrap().id;
    let rid = p.add_reviewer(&system(), round, reviewer_id.0, ReviewSide::Science, None).await.unwrap();
    p.assign(&system(), id, rid).await.unwrap();
    let queue = app.get(&mut reviewer, "/projects/reviews").await.body;
    assert_eq!(pending(&queue).as_deref(), Some("1"), "{queue}");
    // The reviewer reads the attachment on his sheet.
    assert!(app.get(&mut reviewer, &format!("/projects/reviews/{id}")).await.body.contains("可行性报告.pdf"));
    assert_eq!(app.get(&mut reviewer, &format!("{a1}/files/{fid}")).await.status, StatusCode::OK);
    let _ = Role::Reviewer;
}
