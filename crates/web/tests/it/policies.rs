//! Policy pages and forms as every role.

use axum::http::StatusCode;
use qunlian_domain::auth::Role;
use qunlian_testkit::*;

/// Every policy page and form as every role: readers of the registry see the library, the
/// enterprise contact its own list (a policy's page sends it there), the district admin and
/// area roles push, the department's officer writes its own department's policies only.
#[tokio::test]
async fn policy_pages_and_forms_as_every_role() {
    use qunlian_domain::auth::Action;
    use qunlian_store::policies::{NewPolicy, PushTarget};
    let (app, accounts) = app_with_accounts().await;
    let s = &app.db.store;
    let sys = system();
    let dept = department(s, 90, "上海市松江区经济委员会").await;
    let new = |title: &str| NewPolicy {
        title: title.into(),
        department_id: dept.0,
        doc_number: "松经委〔2026〕8号".into(),
        valid_from: d("2026-01-01"),
        valid_until: Some(d("2027-12-31")),
        content: "对符合条件的企业给予奖励。\n咨询电话：57771234".into(),
        rule: "从业人数>=1".into(),
        is_demo: false,
    };
    let policy = s.policies().save(&sys, None, new("稳增长奖励")).await.unwrap();
    let push = s.policies().push_policies(&sys, "测试政策包", &[policy], &PushTarget::Own, false).await.unwrap();
    let pid = policy.to_string();
    for (name, role) in accounts {
        let mut session = app.login(name, PASSWORD).await;
        let reads = role.may(Action::ReadRegistry);
        let contact = role == Role::EnterpriseContact;
        let reads_pushes = reads && !contact;
        let code = |ok: bool| if ok { StatusCode::OK } else { StatusCode::FORBIDDEN };
        for (path, expected) in [
            ("/policies".to_owned(), code(reads)),
            ("/policies?validity=all&q=稳增长".to_owned(), code(reads)),
            (format!("/policies/{policy}"), if contact { StatusCode::SEE_OTHER } else { code(reads) }),
            (format!("/policies/{policy}/enterprises"), code(reads_pushes)),
            ("/policies/new".to_owned(), code(role.may(Action::ManagePolicies))),
            (format!("/policies/push?policy={policy}"), code(role.may(Action::PushPolicies))),
            (format!("/policies/pushes/{push}"), code(reads_pushes)),
            (format!("/policies/pushes/{push}?read=0"), code(reads_pushes)),
            ("/my/policies".to_owned(), code(contact)),
            (format!("/my/policies/{policy}"), code(contact)),
        ] {
            let res = app.get(&mut session, &path).await;
            assert_eq!(res.status, expected, "{name} GET {path}: {}", res.body);
            if res.status == StatusCode::FORBIDDEN {
                assert!(res.body.contains("无权"), "{name} GET {path}");
            }
        }
        if reads_pushes {
            let page = app.get(&mut session, &format!("/policies/{policy}")).await;
            assert!(page.body.contains("id=\"matching\""), "{name}");
            assert!(page.body.contains("惠企政策"), "{name}: the sidebar offers the library");
        }

        // Preview and push.
        let may_push = role.may(Action::PushPolicies);
        let fields = [("policy", pid.as_str()), ("target", "own"), ("title", "")];
        let res = app.post_form(&mut session, "/policies/push/preview", &fields).await;
        assert_eq!(res.status, code(may_push), "{name} preview: {}", res.body);
        if may_push {
            assert!(res.body.contains("id=\"preview-enterprises\""), "{name}");
            assert!(res.body.contains("name=\"_csrf\""), "{name}: the confirm form carries the token");
        }
        let res = app.post_form(&mut session, "/policies/push", &fields).await;
        assert_eq!(res.status, if may_push { StatusCode::SEE_OTHER } else { StatusCode::FORBIDDEN }, "{name} push");
        if may_push {
            let to = res.location.unwrap();
            assert!(to.starts_with("/policies/pushes/"), "{name}: {to}");
            assert_eq!(app.get(&mut session, &to).await.status, StatusCode::OK, "{name} GET {to}");
        }

        // A new policy: the district admin creates it; the officer only for its department
        // (its account's department is not 经委 here); every other role is refused.
        let form = [
            ("title", "新政策"),
            ("department", &dept.0.to_string()),
            ("doc_number", ""),
            ("valid_from", "2026-01-01"),
            ("valid_until", ""),
            ("rule", "高新技术企业"),
            ("content", "内容"),
        ];
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, *v)).collect();
        let res = app.post_form(&mut session, "/policies", &form).await;
        let expected = match role {
            Role::DistrictAdmin => StatusCode::SEE_OTHER,
            Role::ServiceOfficer | Role::DepartmentHead => StatusCode::UNPROCESSABLE_ENTITY,
            _ => StatusCode::FORBIDDEN,
        };
        assert_eq!(res.status, expected, "{name} POST /policies: {}", res.body);
        let res = app.post_form(&mut session, &format!("/policies/{policy}"), &form).await;
        let expected = match role {
            Role::DistrictAdmin => StatusCode::SEE_OTHER,
            Role::ServiceOfficer | Role::DepartmentHead => StatusCode::FORBIDDEN,
            _ => StatusCode::FORBIDDEN,
        };
        assert_eq!(res.status, expected, "{name} POST /policies/{policy}: {}", res.body);
        // Put the rule back for the next role.
        if role == Role::DistrictAdmin {
            s.policies().save(&sys, Some(policy), new("稳增长奖励")).await.unwrap();
            let bad: Vec<(&str, &str)> =
                form.iter().map(|(k, v)| if *k == "rule" { (*k, "高新 且 独角兽") } else { (*k, *v) }).collect();
            let res = app.post_form(&mut session, "/policies", &bad).await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(res.body.contains("适用条件：") && res.body.contains("独角兽"), "{}", res.body);
        }
    }

    // The contact's opening was recorded: the push shows one enterprise read.
    let mut admin = app.login("district", PASSWORD).await;
    let page = app.get(&mut admin, &format!("/policies/pushes/{push}?read=1")).await;
    assert!(page.body.contains("上海乙轴承有限公司"), "{}", page.body);
}

/// A new policy or an edit refused for what was typed comes back as its form with the reason
/// and what was typed (each answered the bare error page: a long content lost for one wrong
/// date), and a refused push preview as the push form with the reason and the choices made.
#[tokio::test]
async fn a_refused_policy_or_push_is_the_form_again_with_what_was_typed() {
    let (app, _) = app_with_accounts().await;
    let s = &app.db.store;
    let dept = department(s, 90, "上海市松江区经济委员会").await.0;
    let policy = qunlian_store::policies::NewPolicy {
        title: "稳增长奖励".into(),
        department_id: dept,
        doc_number: "松经委〔2026〕8号".into(),
        valid_from: d("2026-01-01"),
        valid_until: None,
        content: "对符合条件的企业给予奖励。".into(),
        rule: "从业人数>=1".into(),
        is_demo: false,
    };
    let id = s.policies().save(&system(), None, policy).await.unwrap();
    let mut district = app.login("district", PASSWORD).await;
    let dept = dept.to_string();
    let typed = [
        ("title", "研发费用补贴"),
        ("department", dept.as_str()),
        ("valid_from", "2026/13/45"),
        ("content", "对研发投入给予补贴。"),
        ("rule", "高新"),
    ];
    for (path, form) in [("/policies".to_owned(), "policy-form"), (format!("/policies/{id}"), "policy-edit")] {
        let r = app.post_form(&mut district, &path, &typed).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {}", r.body);
        assert!(r.body.contains("id=\"form-error\"") && r.body.contains("生效日期"), "{path}: {}", r.body);
        assert!(r.body.contains(&format!("id=\"{form}\"")) && r.body.contains("value=\"研发费用补贴\""), "{path}");
        assert!(r.body.contains("对研发投入给予补贴。</textarea>"), "{path}: the content typed is kept");
        assert!(r.body.contains(&format!("value=\"{dept}\" selected")), "{path}: the department chosen is kept");
    }
    assert_eq!(s.policies().policy(&system(), id).await.unwrap().title, "稳增长奖励", "nothing was saved");
    assert_eq!(s.policies().list(&system(), &Default::default()).await.unwrap().len(), 1, "nothing was added");

    let id = id.to_string();
    let push = [("title", "2026 年惠企政策包"), ("target", "town:abc"), ("policy", id.as_str())];
    let r = app.post_form(&mut district, "/policies/push/preview", &push).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("推送范围") && r.body.contains("id=\"form-error\""), "{}", r.body);
    assert!(r.body.contains("value=\"2026 年惠企政策包\""), "the push's name is kept: {}", r.body);
    assert!(r.body.contains(&format!("value=\"{id}\" checked")), "the policy ticked stays ticked: {}", r.body);
}
