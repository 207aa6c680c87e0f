//! The storage layer against a real database: SQLite by default, PostgreSQL when the test
//! command sets TEST_DATABASE_URL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod scope {
    use qunlian_domain::auth::{Role, Scope, UnitId};
    use qunlian_store::registry::{EnterpriseFilter, EnterpriseSort, NewCluster};
    use qunlian_store::{PageRequest, StoreError};
    use qunlian_testkit::*;

    async fn ids(store: &qunlian_store::Store, c: &qunlian_domain::auth::Caller) -> Vec<i64> {
        let p = store
            .list_enterprises(
                c,
                &EnterpriseFilter::default(),
                EnterpriseSort::Name,
                false,
                PageRequest::new(Some(1), Some(500)),
            )
            .await
            .unwrap();
        let mut v: Vec<i64> = p.items.iter().map(|e| e.id.0).collect();
        v.sort();
        v
    }

    #[tokio::test]
    async fn every_scope_sees_only_its_enterprises() {
        let db = TestDb::new().await;
        let s = &db.store;
        let sys = system();
        let a = s.create_enterprise(&sys, enterprise(1, "上海甲电气有限公司", "新桥")).await.unwrap();
        let b = s.create_enterprise(&sys, enterprise(2, "上海乙轴承有限公司", "新桥")).await.unwrap();
        let c = s.create_enterprise(&sys, enterprise(3, "上海丙食品有限公司", "九亭")).await.unwrap();
        let cluster = s
            .create_cluster(
                &sys,
                NewCluster {
                    name: "测试集群党委".into(),
                    short_name: "测试".into(),
                    industry_focus: "装备".into(),
                    industry_codes: vec![],
                    town: town("新桥"),
                    structure: None,
                    committee: None,
                    description: String::new(),
                    established_on: None,
                    is_demo: false,
                },
            )
            .await
            .unwrap();
        s.add_cluster_member(&sys, cluster, a, true, None).await.unwrap();

        let district = user(s, "d", Role::DistrictAdmin, Scope::Region(songjiang())).await;
        let xinqiao = user(s, "x", Role::TownAdmin, Scope::Region(town("新桥"))).await;
        let secretary = user(s, "c", Role::ClusterSecretary, Scope::Cluster(cluster)).await;
        let contact = user(s, "e", Role::EnterpriseContact, Scope::Enterprise(c)).await;
        let auditor = user(s, "au", Role::AuditAdmin, Scope::Nothing).await;

        assert_eq!(ids(s, &district).await, vec![a.0, b.0, c.0]);
        assert_eq!(ids(s, &xinqiao).await, vec![a.0, b.0]);
        assert_eq!(ids(s, &secretary).await, vec![a.0]);
        assert_eq!(ids(s, &contact).await, vec![c.0]);
        assert!(matches!(
            s.list_enterprises(
                &auditor,
                &EnterpriseFilter::default(),
                EnterpriseSort::Name,
                false,
                PageRequest::default()
            )
            .await,
            Err(StoreError::Forbidden)
        ));

        // Out of scope by id is "not found", never the record.
        assert!(matches!(s.enterprise(&secretary, b).await, Err(StoreError::NotFound)));
        assert!(matches!(s.enterprise(&contact, a).await, Err(StoreError::NotFound)));
        assert!(matches!(s.enterprise(&xinqiao, UnitId(c.0)).await, Err(StoreError::NotFound)));
        // ...and the cluster secretary sees its cluster only.
        assert_eq!(s.list_clusters(&secretary, None).await.unwrap().len(), 1);
        assert_eq!(s.list_clusters(&contact, None).await.unwrap().len(), 0);
        // A town admin cannot register an enterprise in another town.
        let err = s.create_enterprise(&xinqiao, enterprise(4, "上海丁有限公司", "九亭")).await.unwrap_err();
        assert!(err.to_string().contains("管辖范围"), "{err}");
        // Writes go through the same scope: the cluster secretary cannot edit a non-member.
        assert!(matches!(
            s.update_enterprise(&secretary, b, enterprise(2, "改名", "新桥")).await,
            Err(StoreError::NotFound)
        ));
    }

    #[tokio::test]
    async fn filters_sort_and_pages_on_the_server() {
        let db = TestDb::new().await;
        let s = &db.store;
        let sys = system();
        for n in 0..30u32 {
            let mut e = enterprise(n, &format!("上海测试{n:02}科技有限公司"), if n % 2 == 0 { "新桥" } else { "九亭" });
            e.high_tech = n % 3 == 0;
            e.employees = Some(n * 10);
            s.create_enterprise(&sys, e).await.unwrap();
        }
        let f = EnterpriseFilter { region: Some(town("新桥")), high_tech: Some(true), ..Default::default() };
        // n even and divisible by 3: 0, 6, 12, 18, 24
        let p = s
            .list_enterprises(&sys, &f, EnterpriseSort::Employees, true, PageRequest::new(Some(1), Some(2)))
            .await
            .unwrap();
        assert_eq!(p.total, 5);
        assert_eq!(p.pages(), 3);
        assert_eq!(p.items.iter().map(|e| e.employees.unwrap()).collect::<Vec<_>>(), vec![240, 180]);
        let p3 = s
            .list_enterprises(&sys, &f, EnterpriseSort::Employees, true, PageRequest::new(Some(3), Some(2)))
            .await
            .unwrap();
        assert_eq!(p3.items.len(), 1);
        let by_name = EnterpriseFilter { q: Some("测试07".into()), ..Default::default() };
        assert_eq!(s.count_enterprises(&sys, &by_name).await.unwrap(), 1);
        // A LIKE wildcard typed by a user is a literal character, not "anything".
        let literal = EnterpriseFilter { q: Some("%".into()), ..Default::default() };
        assert_eq!(s.count_enterprises(&sys, &literal).await.unwrap(), 0);
        let by_uscc = EnterpriseFilter { q: Some(uscc(5).as_str()[..18].to_owned()), ..Default::default() };
        assert_eq!(s.count_enterprises(&sys, &by_uscc).await.unwrap(), 1);
    }
}

mod import {
    use qunlian_domain::auth::{Role, Scope};
    use qunlian_store::registry::ImportCounts;
    use qunlian_testkit::*;

    #[tokio::test]
    async fn rerun_changes_nothing_and_edits_count_as_updates() {
        let db = TestDb::new().await;
        let s = &db.store;
        let rows: Vec<_> = (0..2500u32).map(|n| enterprise(n, &format!("上海导入{n}有限公司"), "新桥")).collect();
        let mut imp = s.begin_import(&system(), false).await.unwrap();
        assert!(imp.add(&rows).await.unwrap().is_empty());
        assert_eq!(imp.commit("t1", 0).await.unwrap(), ImportCounts { imported: 2500, updated: 0, unchanged: 0 });

        let mut changed = rows.clone();
        changed[7].employees = Some(999);
        changed[2001].name = "上海改名有限公司".into();
        let mut imp = s.begin_import(&system(), false).await.unwrap();
        imp.add(&changed).await.unwrap();
        assert_eq!(imp.commit("t2", 0).await.unwrap(), ImportCounts { imported: 0, updated: 2, unchanged: 2498 });
        let e = s.enterprise_by_uscc(&system(), uscc(2001).as_str()).await.unwrap();
        assert_eq!(e.name, "上海改名有限公司");
        assert_eq!(s.count_enterprises(&system(), &Default::default()).await.unwrap(), 2500);
    }

    #[tokio::test]
    async fn rows_outside_the_area_are_rejected_and_a_rollback_keeps_nothing() {
        let db = TestDb::new().await;
        let s = &db.store;
        let xinqiao = user(s, "x", Role::TownAdmin, Scope::Region(town("新桥"))).await;
        let rows = vec![enterprise(1, "上海甲有限公司", "新桥"), enterprise(2, "上海乙有限公司", "九亭")];
        let mut imp = s.begin_import(&xinqiao, false).await.unwrap();
        let rejects = imp.add(&rows).await.unwrap();
        assert_eq!(rejects.len(), 1);
        assert_eq!(rejects[0].index, 1);
        assert!(rejects[0].reason.contains("九亭"), "{}", rejects[0].reason);
        imp.rollback().await.unwrap();
        assert_eq!(s.count_enterprises(&system(), &Default::default()).await.unwrap(), 0);

        let cluster_secretary =
            user(s, "c", Role::ClusterSecretary, Scope::Cluster(qunlian_domain::auth::ClusterId(1))).await;
        assert!(s.begin_import(&cluster_secretary, false).await.is_err());
    }
}

mod personal_data {
    use qunlian_domain::Phone;
    use qunlian_domain::auth::{Role, Scope};
    use qunlian_store::PageRequest;
    use qunlian_store::audit::AuditFilter;
    use qunlian_testkit::*;

    #[tokio::test]
    async fn phones_are_encrypted_masked_and_every_reveal_is_audited() {
        let db = TestDb::new().await;
        let s = &db.store;
        let mut e = enterprise(1, "上海甲有限公司", "新桥");
        e.contact_phone = Some(Phone::parse("13812345678").unwrap());
        let id = s.create_enterprise(&system(), e).await.unwrap();
        let shown = s.enterprise(&system(), id).await.unwrap();
        assert_eq!(shown.contact_phone.as_deref(), Some("138****5678"));

        // At rest: no digits of the phone in the row.
        let raw = raw_column(&db, "SELECT contact_phone_enc FROM units").await;
        assert!(!raw.contains("12345678") && !raw.is_empty(), "{raw}");

        let leader = user(s, "l", Role::Leader, Scope::All).await;
        assert!(s.reveal_contact_phone(&leader, id).await.is_err(), "a leader reads but does not reveal");
        let admin = user(s, "a", Role::DistrictAdmin, Scope::All).await;
        assert_eq!(s.reveal_contact_phone(&admin, id).await.unwrap().as_deref(), Some("13812345678"));
        let found = s.enterprises_by_phone(&admin, &Phone::parse("138 1234 5678").unwrap()).await.unwrap();
        assert_eq!(found.len(), 1);

        let auditor = user(s, "au", Role::AuditAdmin, Scope::Nothing).await;
        let log = s
            .audit_search(
                &auditor,
                &AuditFilter { action: Some("personal.read".into()), ..Default::default() },
                PageRequest::default(),
            )
            .await
            .unwrap();
        assert_eq!(log.total, 1);
        assert_eq!(log.items[0].username, "a");
    }

    /// Reads one text column through a separate connection, as an attacker with the file would.
    async fn raw_column(db: &TestDb, sql: &str) -> String {
        use sqlx::{Connection, Row};
        if db.is_postgres() {
            let mut c = sqlx::PgConnection::connect(&db.url).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(sql.to_owned())).fetch_one(&mut c).await.unwrap().get::<String, _>(0)
        } else {
            let mut c = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(sql.to_owned())).fetch_one(&mut c).await.unwrap().get::<String, _>(0)
        }
    }

    #[tokio::test]
    async fn the_audit_log_refuses_updates_and_deletes() {
        let db = TestDb::new().await;
        db.store.audit(&system(), "test", "x", None, "一条记录").await.unwrap();
        use sqlx::Connection;
        for sql in ["UPDATE audit_log SET detail = 'changed'", "DELETE FROM audit_log"] {
            let result = if db.is_postgres() {
                let mut c = sqlx::PgConnection::connect(&db.url).await.unwrap();
                sqlx::query(sql).execute(&mut c).await.map(|_| ())
            } else {
                let mut c = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
                sqlx::query(sql).execute(&mut c).await.map(|_| ())
            };
            assert!(result.is_err(), "{sql} must be refused");
        }
    }
}

mod accounts {
    use qunlian_domain::auth::{Role, Scope};
    use qunlian_store::users::{LoginOutcome, MAX_FAILED_LOGINS};
    use qunlian_testkit::*;

    #[tokio::test]
    async fn lockout_after_repeated_failures_then_release() {
        let db = TestDb::new().await;
        let s = &db.store;
        user(s, "u", Role::Leader, Scope::All).await;
        for _ in 0..MAX_FAILED_LOGINS - 1 {
            assert!(matches!(s.login("u", "wrong", None).await.unwrap(), LoginOutcome::BadCredentials));
        }
        assert!(matches!(s.login("u", "wrong", None).await.unwrap(), LoginOutcome::Locked { .. }));
        // Even the right password is refused while locked.
        assert!(matches!(s.login("u", PASSWORD, None).await.unwrap(), LoginOutcome::Locked { .. }));
        db.clock.advance(chrono::Duration::minutes(16));
        assert!(matches!(s.login("u", PASSWORD, None).await.unwrap(), LoginOutcome::Ok(_)));
        assert!(matches!(s.login("nobody", PASSWORD, None).await.unwrap(), LoginOutcome::BadCredentials));
    }

    #[tokio::test]
    async fn weak_passwords_and_wrong_scopes_are_refused() {
        let db = TestDb::new().await;
        let s = &db.store;
        let new = |pw: &str, role, scope| qunlian_store::users::NewUser {
            username: "n".into(),
            display_name: "n".into(),
            password: pw.into(),
            role,
            scope,
            must_change_password: false,
        };
        let err = s.create_user(&system(), new("short", Role::Leader, Scope::All)).await.unwrap_err();
        assert!(err.to_string().contains("密码"), "{err}");
        let err = s.create_user(&system(), new(PASSWORD, Role::AuditAdmin, Scope::All)).await.unwrap_err();
        assert!(err.to_string().contains("范围"), "{err}");
        // Only the system administrator manages users.
        let admin = user(s, "a", Role::DistrictAdmin, Scope::All).await;
        assert!(s.create_user(&admin, new(PASSWORD, Role::Leader, Scope::All)).await.is_err());
    }

    #[tokio::test]
    async fn tokens_are_stored_as_digests_and_resolve_to_their_user() {
        let db = TestDb::new().await;
        let s = &db.store;
        let u = user(s, "api", Role::Leader, Scope::All).await;
        let token = s.create_token(&system(), u.user_id, "测试").await.unwrap();
        assert!(token.starts_with("qlt_"));
        assert_eq!(s.user_by_token(&token).await.unwrap().unwrap().username, "api");
        assert!(s.user_by_token("qlt_guess").await.unwrap().is_none());
    }
}

mod orgs {
    use qunlian_domain::auth::{Role, Scope};
    use qunlian_domain::registry::{OrgForm, OrgKind};
    use qunlian_store::registry::{EnterpriseFilter, NewOrg};
    use qunlian_testkit::*;

    fn org(name: &str, units: Vec<qunlian_domain::auth::UnitId>, form: OrgForm) -> NewOrg {
        NewOrg {
            name: name.into(),
            kind: OrgKind::Branch,
            form,
            parent: None,
            units,
            town_code: None,
            secretary_name: None,
            members_count: Some(5),
            established_on: d("2020-07-01"),
            is_demo: false,
        }
    }

    #[tokio::test]
    async fn history_of_renames_dissolutions_and_merges() {
        let db = TestDb::new().await;
        let s = &db.store;
        let sys = system();
        let a = s.create_enterprise(&sys, enterprise(1, "上海甲有限公司", "新桥")).await.unwrap();
        let b = s.create_enterprise(&sys, enterprise(2, "上海乙有限公司", "新桥")).await.unwrap();
        let c = s.create_enterprise(&sys, enterprise(3, "上海丙有限公司", "新桥")).await.unwrap();
        let err = s.create_org(&sys, org("联合支部", vec![a], OrgForm::Joint)).await.unwrap_err();
        assert!(err.to_string().contains("两个"), "{err}");
        let joint = s.create_org(&sys, org("新桥联合党支部", vec![a, b], OrgForm::Joint)).await.unwrap();
        let own = s.create_org(&sys, org("丙公司党支部", vec![c], OrgForm::Independent)).await.unwrap();
        let covered = EnterpriseFilter { has_org: Some(true), ..Default::default() };
        assert_eq!(s.count_enterprises(&sys, &covered).await.unwrap(), 3);

        s.rename_org(&sys, joint, "新桥第一联合党支部", d("2024-01-10")).await.unwrap();
        s.merge_org(&sys, own, joint, d("2025-03-01")).await.unwrap();
        let merged = s.party_org(&sys, joint).await.unwrap();
        assert_eq!(merged.org.name, "新桥第一联合党支部");
        assert_eq!(merged.units.len(), 3);
        assert_eq!(
            merged.events.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(),
            vec!["established", "renamed", "absorbed"]
        );
        let gone = s.party_org(&sys, own).await.unwrap();
        assert_eq!(gone.org.dissolved_on, Some(d("2025-03-01")));

        s.dissolve_org(&sys, joint, d("2026-10-31"), "企业迁出").await.unwrap();
        assert_eq!(s.count_enterprises(&sys, &covered).await.unwrap(), 0, "a dissolved organisation covers nobody");
        assert_eq!(s.org_tree(&sys, None, false).await.unwrap().len(), 0);
        assert_eq!(s.org_tree(&sys, None, true).await.unwrap().len(), 2);

        // A branch secretary sees its own organisation and not the others.
        let other = s.create_org(&sys, org("另一个支部", vec![b], OrgForm::Independent)).await.unwrap();
        let sec = user(s, "b", Role::BranchSecretary, Scope::PartyOrg(other)).await;
        let seen = s.org_tree(&sec, None, true).await.unwrap();
        assert_eq!(seen.iter().map(|o| o.id).collect::<Vec<_>>(), vec![other]);
    }
}
