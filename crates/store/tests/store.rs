//! The storage layer against a real database: SQLite by default, PostgreSQL when the test
//! command sets TEST_DATABASE_URL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod scope {
    use qunlian_domain::auth::{Role, Scope, UnitId};
    use qunlian_store::registry::{EnterpriseFilter, EnterpriseSort};
    use qunlian_store::{PageRequest, StoreError};
    use qunlian_testkit::*;

    async fn ids(store: &qunlian_store::Store, c: &qunlian_domain::auth::Caller) -> Vec<i64> {
        let p = store
            .registry()
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
        let a = s.registry().create_enterprise(&sys, enterprise(1, "上海甲电气有限公司", "新桥")).await.unwrap();
        let b = s.registry().create_enterprise(&sys, enterprise(2, "上海乙轴承有限公司", "新桥")).await.unwrap();
        let c = s.registry().create_enterprise(&sys, enterprise(3, "上海丙食品有限公司", "九亭")).await.unwrap();
        let cluster = s.registry().create_cluster(&sys, cluster("测试集群党委", "测试", "装备", "新桥")).await.unwrap();
        s.registry().add_cluster_member(&sys, cluster, a, true, None).await.unwrap();

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
            s.registry()
                .list_enterprises(
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
        assert!(matches!(s.registry().enterprise(&secretary, b).await, Err(StoreError::NotFound)));
        assert!(matches!(s.registry().enterprise(&contact, a).await, Err(StoreError::NotFound)));
        assert!(matches!(s.registry().enterprise(&xinqiao, UnitId(c.0)).await, Err(StoreError::NotFound)));
        // ...and the cluster secretary sees its cluster only.
        assert_eq!(s.registry().list_clusters(&secretary, None).await.unwrap().len(), 1);
        assert_eq!(s.registry().list_clusters(&contact, None).await.unwrap().len(), 0);
        // A town admin cannot register an enterprise in another town.
        let err = s.registry().create_enterprise(&xinqiao, enterprise(4, "上海丁有限公司", "九亭")).await.unwrap_err();
        assert!(err.to_string().contains("管辖范围"), "{err}");
        // Writes go through the same scope: the cluster secretary cannot edit a non-member.
        assert!(matches!(
            s.registry().update_enterprise(&secretary, b, enterprise(2, "改名", "新桥")).await,
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
            s.registry().create_enterprise(&sys, e).await.unwrap();
        }
        let f = EnterpriseFilter { region: Some(town("新桥")), high_tech: Some(true), ..Default::default() };
        // n even and divisible by 3: 0, 6, 12, 18, 24
        let p = s
            .registry()
            .list_enterprises(&sys, &f, EnterpriseSort::Employees, true, PageRequest::new(Some(1), Some(2)))
            .await
            .unwrap();
        assert_eq!(p.total, 5);
        assert_eq!(p.pages(), 3);
        assert_eq!(p.items.iter().map(|e| e.employees.unwrap()).collect::<Vec<_>>(), vec![240, 180]);
        let p3 = s
            .registry()
            .list_enterprises(&sys, &f, EnterpriseSort::Employees, true, PageRequest::new(Some(3), Some(2)))
            .await
            .unwrap();
        assert_eq!(p3.items.len(), 1);
        let by_name = EnterpriseFilter { q: Some("测试07".into()), ..Default::default() };
        assert_eq!(s.registry().count_enterprises(&sys, &by_name).await.unwrap(), 1);
        // A LIKE wildcard typed by a user is a literal character, not "anything".
        let literal = EnterpriseFilter { q: Some("%".into()), ..Default::default() };
        assert_eq!(s.registry().count_enterprises(&sys, &literal).await.unwrap(), 0);
        let by_uscc = EnterpriseFilter { q: Some(uscc(5).as_str()[..18].to_owned()), ..Default::default() };
        assert_eq!(s.registry().count_enterprises(&sys, &by_uscc).await.unwrap(), 1);
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
        let mut imp = s.registry().begin_import(&system(), false).await.unwrap();
        assert!(imp.add(&rows).await.unwrap().is_empty());
        assert_eq!(imp.commit("t1", 0).await.unwrap(), ImportCounts { imported: 2500, updated: 0, unchanged: 0 });

        let mut changed = rows.clone();
        changed[7].employees = Some(999);
        changed[2001].name = "上海改名有限公司".into();
        let mut imp = s.registry().begin_import(&system(), false).await.unwrap();
        imp.add(&changed).await.unwrap();
        assert_eq!(imp.commit("t2", 0).await.unwrap(), ImportCounts { imported: 0, updated: 2, unchanged: 2498 });
        let e = s.registry().enterprise_by_uscc(&system(), uscc(2001).as_str()).await.unwrap();
        assert_eq!(e.name, "上海改名有限公司");
        assert_eq!(s.registry().count_enterprises(&system(), &Default::default()).await.unwrap(), 2500);
    }

    #[tokio::test]
    async fn rows_outside_the_area_are_rejected_and_a_rollback_keeps_nothing() {
        let db = TestDb::new().await;
        let s = &db.store;
        let xinqiao = user(s, "x", Role::TownAdmin, Scope::Region(town("新桥"))).await;
        let rows = vec![enterprise(1, "上海甲有限公司", "新桥"), enterprise(2, "上海乙有限公司", "九亭")];
        let mut imp = s.registry().begin_import(&xinqiao, false).await.unwrap();
        let rejects = imp.add(&rows).await.unwrap();
        assert_eq!(rejects.len(), 1);
        assert_eq!(rejects[0].index, 1);
        assert!(rejects[0].reason.contains("九亭"), "{}", rejects[0].reason);
        imp.rollback().await.unwrap();
        assert_eq!(s.registry().count_enterprises(&system(), &Default::default()).await.unwrap(), 0);

        let cluster_secretary =
            user(s, "c", Role::ClusterSecretary, Scope::Cluster(qunlian_domain::auth::ClusterId(1))).await;
        assert!(s.registry().begin_import(&cluster_secretary, false).await.is_err());
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
        let id = s.registry().create_enterprise(&system(), e).await.unwrap();
        let shown = s.registry().enterprise(&system(), id).await.unwrap();
        assert_eq!(shown.contact_phone.as_deref(), Some("138****5678"));

        // At rest: no digits of the phone in the row.
        let raw = raw_column(&db, "SELECT contact_phone_enc FROM units").await;
        assert!(!raw.contains("12345678") && !raw.is_empty(), "{raw}");

        let leader = user(s, "l", Role::Leader, Scope::All).await;
        assert!(s.registry().reveal_contact_phone(&leader, id).await.is_err(), "a leader reads but does not reveal");
        let admin = user(s, "a", Role::DistrictAdmin, Scope::All).await;
        assert_eq!(s.registry().reveal_contact_phone(&admin, id).await.unwrap().as_deref(), Some("13812345678"));
        let found = s.registry().enterprises_by_phone(&admin, &Phone::parse("138 1234 5678").unwrap()).await.unwrap();
        assert_eq!(found.len(), 1);

        let auditor = user(s, "au", Role::AuditAdmin, Scope::Nothing).await;
        let log = s
            .audit()
            .search(
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
        db.store.audit().record(&system(), "test", "x", None, "一条记录").await.unwrap();
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
    use qunlian_store::accounts::{LoginOutcome, MAX_FAILED_LOGINS};
    use qunlian_testkit::*;

    #[tokio::test]
    async fn lockout_after_repeated_failures_then_release() {
        let db = TestDb::new().await;
        let s = &db.store;
        user(s, "u", Role::Leader, Scope::All).await;
        for _ in 0..MAX_FAILED_LOGINS - 1 {
            assert!(matches!(s.accounts().login("u", "wrong", None).await.unwrap(), LoginOutcome::BadCredentials));
        }
        assert!(matches!(s.accounts().login("u", "wrong", None).await.unwrap(), LoginOutcome::Locked { .. }));
        // Even the right password is refused while locked.
        assert!(matches!(s.accounts().login("u", PASSWORD, None).await.unwrap(), LoginOutcome::Locked { .. }));
        db.clock.advance(chrono::Duration::minutes(16));
        assert!(matches!(s.accounts().login("u", PASSWORD, None).await.unwrap(), LoginOutcome::Ok(_)));
        assert!(matches!(s.accounts().login("nobody", PASSWORD, None).await.unwrap(), LoginOutcome::BadCredentials));
    }

    #[tokio::test]
    async fn weak_passwords_and_wrong_scopes_are_refused() {
        let db = TestDb::new().await;
        let s = &db.store;
        let new = |pw: &str, role, scope| qunlian_store::accounts::NewUser {
            username: "n".into(),
            display_name: "n".into(),
            password: pw.into(),
            role,
            scope,
            must_change_password: false,
        };
        let err = s.accounts().create_user(&system(), new("short", Role::Leader, Scope::All)).await.unwrap_err();
        assert!(err.to_string().contains("密码"), "{err}");
        let err = s.accounts().create_user(&system(), new(PASSWORD, Role::AuditAdmin, Scope::All)).await.unwrap_err();
        assert!(err.to_string().contains("范围"), "{err}");
        // Only the system administrator manages users.
        let admin = user(s, "a", Role::DistrictAdmin, Scope::All).await;
        assert!(s.accounts().create_user(&admin, new(PASSWORD, Role::Leader, Scope::All)).await.is_err());
    }

    #[tokio::test]
    async fn tokens_are_stored_as_digests_and_resolve_to_their_user() {
        let db = TestDb::new().await;
        let s = &db.store;
        let u = user(s, "api", Role::Leader, Scope::All).await;
        let token = s.accounts().create_token(&system(), u.user_id, "测试").await.unwrap();
        assert!(token.starts_with("qlt_"));
        assert_eq!(s.accounts().user_by_token(&token).await.unwrap().unwrap().username, "api");
        assert!(s.accounts().user_by_token("qlt_guess").await.unwrap().is_none());
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
        let a = s.registry().create_enterprise(&sys, enterprise(1, "上海甲有限公司", "新桥")).await.unwrap();
        let b = s.registry().create_enterprise(&sys, enterprise(2, "上海乙有限公司", "新桥")).await.unwrap();
        let c = s.registry().create_enterprise(&sys, enterprise(3, "上海丙有限公司", "新桥")).await.unwrap();
        let err = s.registry().create_org(&sys, org("联合支部", vec![a], OrgForm::Joint)).await.unwrap_err();
        assert!(err.to_string().contains("两个"), "{err}");
        let joint = s.registry().create_org(&sys, org("新桥联合党支部", vec![a, b], OrgForm::Joint)).await.unwrap();
        let own = s.registry().create_org(&sys, org("丙公司党支部", vec![c], OrgForm::Independent)).await.unwrap();
        let covered = EnterpriseFilter { has_org: Some(true), ..Default::default() };
        assert_eq!(s.registry().count_enterprises(&sys, &covered).await.unwrap(), 3);

        s.registry().rename_org(&sys, joint, "新桥第一联合党支部", d("2024-01-10")).await.unwrap();
        s.registry().merge_org(&sys, own, joint, d("2025-03-01")).await.unwrap();
        let merged = s.registry().party_org(&sys, joint).await.unwrap();
        assert_eq!(merged.org.name, "新桥第一联合党支部");
        assert_eq!(merged.units.len(), 3);
        assert_eq!(
            merged.events.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(),
            vec!["established", "renamed", "absorbed"]
        );
        let gone = s.registry().party_org(&sys, own).await.unwrap();
        assert_eq!(gone.org.dissolved_on, Some(d("2025-03-01")));

        s.registry().dissolve_org(&sys, joint, d("2026-10-31"), "企业迁出").await.unwrap();
        assert_eq!(
            s.registry().count_enterprises(&sys, &covered).await.unwrap(),
            0,
            "a dissolved organisation covers nobody"
        );
        assert_eq!(s.registry().org_tree(&sys, None, false).await.unwrap().len(), 0);
        assert_eq!(s.registry().org_tree(&sys, None, true).await.unwrap().len(), 2);

        // A branch secretary sees its own organisation and not the others.
        let other = s.registry().create_org(&sys, org("另一个支部", vec![b], OrgForm::Independent)).await.unwrap();
        let sec = user(s, "b", Role::BranchSecretary, Scope::PartyOrg(other)).await;
        let seen = s.registry().org_tree(&sec, None, true).await.unwrap();
        assert_eq!(seen.iter().map(|o| o.id).collect::<Vec<_>>(), vec![other]);
    }
}

mod coverage {
    use qunlian_domain::auth::{CategoryId, Role, Scope, UnitId};
    use qunlian_domain::coverage::CoverageStatus;
    use qunlian_domain::registry::{OrgForm, OrgKind, SrdiLevel};
    use qunlian_domain::rules::{Rule, UnitFacts};
    use qunlian_domain::{IndustryCode, RegionCode};
    use qunlian_store::Store;
    use qunlian_store::coverage::{
        AssignmentFilter, CoverageQuery, NewAssignment, NewCategory, NewWorkLink, WorkLinkKind,
    };
    use qunlian_store::registry::{EnterpriseFilter, NewOrg};
    use qunlian_testkit::*;

    fn category(name: &str, rule: &str) -> NewCategory {
        NewCategory {
            name: name.into(),
            rule: rule.into(),
            target_pct: 100.0,
            deadline: Some(d("2027-12-31")),
            position: 0,
            is_demo: false,
        }
    }

    async fn org(s: &Store, name: &str, form: OrgForm, units: Vec<UnitId>, on: &str) -> qunlian_domain::auth::OrgId {
        s.registry()
            .create_org(
                &system(),
                NewOrg {
                    name: name.into(),
                    kind: OrgKind::Branch,
                    form,
                    parent: None,
                    units,
                    town_code: None,
                    secretary_name: None,
                    members_count: Some(5),
                    established_on: d(on),
                    is_demo: false,
                },
            )
            .await
            .unwrap()
    }

    fn high_tech(n: u32, name: &str, town_name: &str) -> qunlian_domain::registry::EnterpriseInput {
        let mut e = enterprise(n, name, town_name);
        e.high_tech = true;
        e
    }

    /// The hand-built cases of the issue: own branch, joint branch, instructor only,
    /// activities with a neighbour, a branch dissolved last month, nothing at all.
    #[tokio::test]
    async fn statuses_follow_the_records() {
        let db = TestDb::new().await;
        let s = &db.store;
        let sys = system();
        let own = s.registry().create_enterprise(&sys, high_tech(1, "上海独建电气有限公司", "新桥")).await.unwrap();
        let j1 = s.registry().create_enterprise(&sys, high_tech(2, "上海联建一号有限公司", "新桥")).await.unwrap();
        let j2 = s.registry().create_enterprise(&sys, high_tech(3, "上海联建二号有限公司", "九亭")).await.unwrap();
        let instructed =
            s.registry().create_enterprise(&sys, high_tech(4, "上海指导员企业有限公司", "新桥")).await.unwrap();
        let dissolved =
            s.registry().create_enterprise(&sys, high_tech(5, "上海撤销支部有限公司", "九亭")).await.unwrap();
        let bare = s.registry().create_enterprise(&sys, high_tech(6, "上海未覆盖有限公司", "九亭")).await.unwrap();
        let joins = s.registry().create_enterprise(&sys, high_tech(7, "上海参加活动有限公司", "新桥")).await.unwrap();
        let plain = s.registry().create_enterprise(&sys, enterprise(8, "上海普通商贸有限公司", "新桥")).await.unwrap();

        org(s, "上海独建电气有限公司党支部", OrgForm::Independent, vec![own], "2024-05-01").await;
        let neighbour = org(s, "新桥联合党支部", OrgForm::Joint, vec![j1, j2], "2025-03-01").await;
        let gone = org(s, "上海撤销支部有限公司党支部", OrgForm::Independent, vec![dissolved], "2023-01-01").await;
        s.registry().dissolve_org(&sys, gone, d("2026-10-15"), "企业迁出").await.unwrap();
        org(s, "普通商贸党支部", OrgForm::Independent, vec![plain], "2024-01-01").await;
        s.coverage()
            .add_work_link(
                &sys,
                NewWorkLink {
                    unit: instructed,
                    kind: WorkLinkKind::Instructor,
                    instructor_name: Some("王指导".into()),
                    party_org: None,
                    since: d("2026-03-01"),
                    note: None,
                    is_demo: false,
                },
            )
            .await
            .unwrap();
        s.coverage()
            .add_work_link(
                &sys,
                NewWorkLink {
                    unit: joins,
                    kind: WorkLinkKind::Activities,
                    instructor_name: None,
                    party_org: Some(neighbour.0),
                    since: d("2026-06-01"),
                    note: None,
                    is_demo: false,
                },
            )
            .await
            .unwrap();

        let expect = [
            (own, CoverageStatus::OwnOrg),
            (j1, CoverageStatus::JointOrg),
            (j2, CoverageStatus::JointOrg),
            (instructed, CoverageStatus::WorkOnly),
            (joins, CoverageStatus::WorkOnly),
            (dissolved, CoverageStatus::Uncovered),
            (bare, CoverageStatus::Uncovered),
            (plain, CoverageStatus::OwnOrg),
        ];
        for (id, status) in expect {
            assert_eq!(s.coverage().status(&sys, id).await.unwrap(), status, "unit {id}");
        }

        let cat = s.coverage().save_category(&sys, None, category("高新技术企业", "高新技术企业")).await.unwrap();
        let sum = s.coverage().summary(&sys, &CoverageQuery::default()).await.unwrap();
        let t = sum.total_of(cat);
        assert_eq!((t.total, t.own_org, t.joint_org, t.work_only, t.uncovered), (7, 1, 2, 2, 2));
        assert_eq!(t.gap(100.0), 4);
        let xinqiao = sum.cells.iter().find(|c| c.town_name == "新桥镇").unwrap().counts;
        assert_eq!((xinqiao.total, xinqiao.own_org, xinqiao.joint_org, xinqiao.work_only), (4, 1, 1, 2));

        // A month ago the dissolved branch still stood; in May the activities had not begun.
        let october = s.coverage().statuses_on(d("2026-10-01")).await.unwrap();
        assert_eq!(october.get(&dissolved.0), Some(&CoverageStatus::OwnOrg));
        assert_eq!(october.get(&joins.0), Some(&CoverageStatus::WorkOnly));
        let may = s.coverage().statuses_on(d("2026-05-01")).await.unwrap();
        assert_eq!(may.get(&joins.0), None);
        assert_eq!(may.get(&instructed.0), Some(&CoverageStatus::WorkOnly));

        // The snapshot of October counts the dissolved branch's enterprise as covered then.
        let snap = s.coverage().take_snapshot(&sys, d("2026-10-01"), "manual", false).await.unwrap();
        let now = s.coverage().snapshot_now(&sys).await.unwrap();
        let trend = s.coverage().trend(&sys, cat, None).await.unwrap();
        assert_eq!(trend.iter().map(|p| p.snapshot_id).collect::<Vec<_>>(), vec![snap, now]);
        assert_eq!(trend[0].counts.own_org, 2);
        assert_eq!(trend[1].counts, t, "today's snapshot equals today's summary");

        // Snapshots are immutable: the database itself refuses.
        let raw = sea_orm::Database::connect(&db.url).await.unwrap();
        use sea_orm::ConnectionTrait;
        assert!(raw.execute_unprepared("UPDATE coverage_snapshot_rows SET total = 0").await.is_err());
        assert!(raw.execute_unprepared("DELETE FROM coverage_snapshots").await.is_err());
    }

    /// Every figure of the summary equals the length of the enterprise list it links to.
    #[tokio::test]
    async fn every_figure_equals_its_drill_down() {
        let db = TestDb::new().await;
        let s = &db.store;
        let sys = system();
        let mut ids = Vec::new();
        for n in 0..40u32 {
            let mut e =
                enterprise(100 + n, &format!("上海钻取测试{n:02}有限公司"), ["新桥", "九亭", "泗泾"][n as usize % 3]);
            e.high_tech = n % 2 == 0;
            e.employees = Some(n * 10);
            e.above_scale = n % 5 == 0;
            ids.push(s.registry().create_enterprise(&sys, e).await.unwrap());
        }
        for (i, chunk) in ids.chunks(4).enumerate() {
            match i % 4 {
                0 => {
                    org(s, &format!("独建支部{i}"), OrgForm::Independent, vec![chunk[0]], "2025-01-01").await;
                }
                1 => {
                    org(s, &format!("联合支部{i}"), OrgForm::Joint, chunk[..3].to_vec(), "2025-01-01").await;
                }
                2 => {
                    s.coverage()
                        .add_work_link(
                            &sys,
                            NewWorkLink {
                                unit: chunk[1],
                                kind: WorkLinkKind::Instructor,
                                instructor_name: Some(format!("指导员{i}")),
                                party_org: None,
                                since: d("2026-01-01"),
                                note: None,
                                is_demo: false,
                            },
                        )
                        .await
                        .unwrap();
                }
                _ => {}
            }
        }
        let c1 = s.coverage().save_category(&sys, None, category("高新", "高新技术企业")).await.unwrap();
        let c2 =
            s.coverage().save_category(&sys, None, category("百人以上", "从业人数>=100 或 规上企业")).await.unwrap();
        let town_admin = user(s, "jt", Role::TownAdmin, Scope::Region(town("九亭"))).await;
        for caller in [&sys, &town_admin] {
            let sum = s.coverage().summary(caller, &CoverageQuery::default()).await.unwrap();
            // The derived cells say what counting the enterprises says.
            let counted = s.coverage().summary_counted(caller, &CoverageQuery::default()).await.unwrap();
            assert_eq!(serde_json::to_value(&sum.totals).unwrap(), serde_json::to_value(&counted.totals).unwrap());
            assert_eq!(serde_json::to_value(&sum.cells).unwrap(), serde_json::to_value(&counted.cells).unwrap());
            for cat in [c1, c2] {
                let total = sum.total_of(cat);
                assert!(total.total > 0);
                let list = |region: Option<RegionCode>, status: Option<CoverageStatus>| EnterpriseFilter {
                    region,
                    category: Some(cat),
                    coverage: status,
                    ..EnterpriseFilter::default()
                };
                assert_eq!(s.registry().count_enterprises(caller, &list(None, None)).await.unwrap(), total.total);
                for status in CoverageStatus::ALL {
                    assert_eq!(
                        s.registry().count_enterprises(caller, &list(None, Some(status))).await.unwrap(),
                        total.of(status),
                        "{status:?}"
                    );
                }
                for cell in sum.cells.iter().filter(|c| c.category_id == cat) {
                    let region = RegionCode::parse(&cell.town_code).unwrap();
                    assert_eq!(
                        s.registry().count_enterprises(caller, &list(Some(region), None)).await.unwrap(),
                        cell.counts.total
                    );
                    for status in CoverageStatus::ALL {
                        assert_eq!(
                            s.registry().count_enterprises(caller, &list(Some(region), Some(status))).await.unwrap(),
                            cell.counts.of(status),
                            "{} {status:?}",
                            cell.town_name
                        );
                    }
                }
            }
            if caller.scope != Scope::All {
                assert!(sum.cells.iter().all(|c| c.town_name == "九亭镇"), "a town admin sees only its town");
            }
        }
        // A cluster secretary's summary is counted live over its members, and drills down the same.
        let cluster = s.registry().create_cluster(&sys, cluster("钻取集群", "钻取", "装备", "新桥")).await.unwrap();
        for id in &ids[..10] {
            s.registry().add_cluster_member(&sys, cluster, *id, false, None).await.unwrap();
        }
        let secretary = user(s, "sec", Role::ClusterSecretary, Scope::Cluster(cluster)).await;
        let sum = s.coverage().summary(&secretary, &CoverageQuery::default()).await.unwrap();
        let t = sum.total_of(c1);
        assert_eq!(t.total, 5, "five of the ten members are high-tech");
        for status in CoverageStatus::ALL {
            let f = EnterpriseFilter { category: Some(c1), coverage: Some(status), ..EnterpriseFilter::default() };
            assert_eq!(s.registry().count_enterprises(&secretary, &f).await.unwrap(), t.of(status));
        }
    }

    #[tokio::test]
    async fn an_assignment_closes_itself_when_the_enterprise_gets_an_organisation() {
        let db = TestDb::new().await;
        let s = &db.store;
        let sys = system();
        let a = s.registry().create_enterprise(&sys, high_tech(201, "上海待建支部有限公司", "新桥")).await.unwrap();
        let b = s.registry().create_enterprise(&sys, high_tech(202, "上海已建支部有限公司", "新桥")).await.unwrap();
        org(s, "已建支部", OrgForm::Independent, vec![b], "2025-01-01").await;
        let xinqiao = user(s, "xq", Role::TownAdmin, Scope::Region(town("新桥"))).await;
        let leader = user(s, "ld", Role::Leader, Scope::All).await;
        let new = |unit| NewAssignment {
            unit,
            responsible_unit: "新桥镇党建办".into(),
            instructor_name: Some("李指导".into()),
            due_on: d("2026-12-31"),
            note: None,
            is_demo: false,
        };
        assert!(matches!(
            s.coverage().create_assignment(&leader, new(a)).await,
            Err(qunlian_store::StoreError::Forbidden)
        ));
        let err = s.coverage().create_assignment(&xinqiao, new(b)).await.unwrap_err().to_string();
        assert!(err.contains("已建立党组织"), "{err}");
        s.coverage().create_assignment(&xinqiao, new(a)).await.unwrap();
        assert!(
            s.coverage().create_assignment(&xinqiao, new(a)).await.unwrap_err().to_string().contains("已在责任清单")
        );
        let open = AssignmentFilter { state: Some("open".into()), ..AssignmentFilter::default() };
        assert_eq!(s.coverage().assignments(&xinqiao, &open).await.unwrap().len(), 1);

        org(s, "待建支部", OrgForm::Independent, vec![a], "2026-11-20").await;
        assert!(s.coverage().assignments(&xinqiao, &open).await.unwrap().is_empty());
        let all = s.coverage().assignments(&xinqiao, &AssignmentFilter::default()).await.unwrap();
        assert_eq!(all.len(), 1);
        assert!(!all[0].open);
        assert_eq!(all[0].closed_on, Some(d("2026-11-23")));
        assert_eq!(all[0].status, CoverageStatus::OwnOrg);

        // Outside its town, a town admin can neither see nor assign.
        let jiuting = user(s, "jt2", Role::TownAdmin, Scope::Region(town("九亭"))).await;
        assert!(s.coverage().assignments(&jiuting, &AssignmentFilter::default()).await.unwrap().is_empty());
        let c = s.registry().create_enterprise(&sys, high_tech(203, "上海另一家有限公司", "新桥")).await.unwrap();
        assert!(matches!(
            s.coverage().create_assignment(&jiuting, new(c)).await,
            Err(qunlian_store::StoreError::NotFound)
        ));
    }

    #[tokio::test]
    async fn a_rule_with_an_unknown_park_or_bad_words_is_refused_by_name() {
        let db = TestDb::new().await;
        let s = &db.store;
        let sys = system();
        let err = s
            .coverage()
            .save_category(&sys, None, category("园区企业", "园区=不存在的园区"))
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("规则") && err.contains("不存在的园区"), "{err}");
        let err =
            s.coverage().save_category(&sys, None, category("独角兽", "独角兽企业")).await.unwrap_err().to_string();
        assert!(err.contains("独角兽"), "{err}");
        let town_admin = user(s, "t", Role::TownAdmin, Scope::Region(town("新桥"))).await;
        assert!(matches!(
            s.coverage().save_category(&town_admin, None, category("高新", "高新")).await,
            Err(qunlian_store::StoreError::Forbidden)
        ));
        let id = s.coverage().save_category(&sys, None, category("高新", "高新")).await.unwrap();
        assert_eq!(
            s.coverage().category(&sys, id).await.unwrap().rule,
            "高新技术企业",
            "saved in its canonical spelling"
        );
        assert!(
            s.coverage()
                .save_category(&sys, None, category("高新", "规上"))
                .await
                .unwrap_err()
                .to_string()
                .contains("已存在")
        );
    }

    /// The SQL a rule compiles to selects exactly the enterprises the rule matches in Rust.
    #[tokio::test]
    async fn sql_and_rust_agree_on_every_rule() {
        let db = TestDb::new().await;
        let s = &db.store;
        let sys = system();
        let park = s.registry().create_park(&sys, "松江综合保税区", &town("新桥"), None).await.unwrap();
        let _ = park;
        let cluster = s
            .registry()
            .create_cluster(&sys, cluster("新桥现代装备产业集群", "新桥装备", "装备", "新桥"))
            .await
            .unwrap();
        let industries = [None, Some("3821"), Some("39"), Some("65"), Some("13")];
        let mut facts = Vec::new();
        for n in 0..30u32 {
            let mut e = enterprise(300 + n, &format!("上海规则{n:02}有限公司"), "新桥");
            e.high_tech = n % 2 == 0;
            e.above_scale = n % 3 == 0;
            e.listed = n % 7 == 0;
            e.key_project = n % 4 == 1;
            e.srdi = SrdiLevel::from_code((n % 4) as i16);
            e.employees = if n % 6 == 5 { None } else { Some(n * 15) };
            e.industry = industries[n as usize % 5].map(|c| IndustryCode::parse(c).unwrap());
            e.park = (n % 3 == 1).then(|| "松江综合保税区".to_owned());
            let id = s.registry().create_enterprise(&sys, e.clone()).await.unwrap();
            let in_cluster = n % 5 == 2;
            if in_cluster {
                s.registry().add_cluster_member(&sys, cluster, id, false, None).await.unwrap();
            }
            facts.push((
                id,
                UnitFacts {
                    high_tech: e.high_tech,
                    above_scale: e.above_scale,
                    listed: e.listed,
                    key_project: e.key_project,
                    srdi: e.srdi,
                    employees: e.employees.map(i64::from),
                    industry: e.industry.map(|c| c.as_str().to_owned()),
                    park: e.park.clone(),
                    clusters: if in_cluster { vec!["新桥现代装备产业集群".to_owned()] } else { vec![] },
                },
            ));
        }
        let atoms = [
            "高新技术企业",
            "规上企业",
            "上市企业",
            "重点项目企业",
            "创新型中小企业",
            "专精特新",
            "小巨人",
            "集群成员",
            "集群=新桥现代装备产业集群",
            "园区=松江综合保税区",
            "从业人数>=150",
            "从业人数<60",
            "从业人数=45",
            "行业=C",
            "行业=38",
            "行业=I65",
        ];
        let mut seed = 0x9e3779b97f4a7c15u64;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut id: Option<CategoryId> = None;
        for round in 0..80 {
            let mut text = String::new();
            for i in 0..(1 + next(4)) {
                if i > 0 {
                    text.push_str([" 且 ", " 或 "][next(2)]);
                }
                if next(4) == 0 {
                    text.push('非');
                }
                if next(3) == 0 {
                    text.push_str(&format!("({} 或 {})", atoms[next(atoms.len())], atoms[next(atoms.len())]));
                } else {
                    text.push_str(atoms[next(atoms.len())]);
                }
            }
            let rule = Rule::parse(&text).unwrap();
            id = Some(s.coverage().save_category(&sys, id, category("随机规则", &text)).await.unwrap());
            let mut expected: Vec<i64> = facts.iter().filter(|(_, f)| rule.matches(f)).map(|(id, _)| id.0).collect();
            expected.sort();
            let filter = EnterpriseFilter { category: id, ..EnterpriseFilter::default() };
            let got = s
                .registry()
                .list_enterprises(
                    &sys,
                    &filter,
                    qunlian_store::registry::EnterpriseSort::Name,
                    false,
                    qunlian_store::PageRequest::new(Some(1), Some(500)),
                )
                .await
                .unwrap();
            let mut got: Vec<i64> = got.items.iter().map(|e| e.id.0).collect();
            got.sort();
            assert_eq!(got, expected, "round {round}: {text}");
        }
    }
}

/// Park, cluster, alliance and pairing edits, other kinds of unit, and org mergers from the
/// page: who may, within which scope, what is refused by name, and what is audited.
mod registry_edits {
    use qunlian_domain::RegionCode;
    use qunlian_domain::auth::{Caller, ClusterId, Role, Scope};
    use qunlian_domain::registry::{OrgForm, OrgKind, UnitKind};
    use qunlian_store::audit::AuditFilter;
    use qunlian_store::registry::{ClusterEdit, EnterpriseFilter, EnterpriseSort, NewCluster, NewOrg};
    use qunlian_store::{PageRequest, Store, StoreError};
    use qunlian_testkit::*;

    async fn audited(s: &Store, action: &str) -> Vec<String> {
        let auditor = user(s, &format!("audit-{action}"), Role::AuditAdmin, Scope::Nothing).await;
        let filter = AuditFilter { action: Some(action.into()), ..Default::default() };
        s.audit()
            .search(&auditor, &filter, PageRequest::default())
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|e| e.detail)
            .collect()
    }

    fn invalid_field(e: StoreError) -> &'static str {
        match e {
            StoreError::Invalid { field, .. } => field,
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    async fn cluster(s: &Store, town_name: &str) -> ClusterId {
        s.registry()
            .create_cluster(
                &system(),
                NewCluster {
                    structure: Some("1+1".into()),
                    established_on: Some(d("2021-06-01")),
                    ..qunlian_testkit::cluster(&format!("{town_name}装备产业集群党委"), "", "装备", town_name)
                },
            )
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn parks_are_renamed_moved_and_nested_within_the_callers_area() {
        let db = TestDb::new().await;
        let s = &db.store;
        let sys = system();
        let zone = s.registry().create_park(&sys, "松江经济技术开发区", &town("新桥"), None).await.unwrap();
        let sub = s.registry().create_park(&sys, "新桥园", &town("新桥"), None).await.unwrap();
        let other = s.registry().create_park(&sys, "九亭园", &town("九亭"), None).await.unwrap();
        let mut input = enterprise(1, "上海甲有限公司", "新桥");
        input.park = Some("新桥园".into());
        s.registry().create_enterprise(&sys, input).await.unwrap();
        let dup = s.registry().create_park(&sys, "新桥园", &town("新桥"), None).await.unwrap_err();
        assert_eq!(invalid_field(dup), "园区名称");

        s.registry().update_park(&sys, sub, "新桥分园", &town("新桥"), Some(zone)).await.unwrap();
        let detail = s.registry().park(&sys, zone).await.unwrap();
        assert_eq!(detail.children.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), vec!["新桥分园"]);
        assert_eq!(detail.park.enterprises, 1, "a park counts the enterprises of its sub-parks");
        let listed = EnterpriseFilter { park: Some(zone), ..Default::default() };
        assert_eq!(s.registry().count_enterprises(&sys, &listed).await.unwrap(), 1, "the figure is its drill-down");
        assert_eq!(s.registry().park(&sys, sub).await.unwrap().parent, Some((zone, "松江经济技术开发区".into())));

        // A park cannot sit below itself or below its own sub-park.
        assert_eq!(
            invalid_field(
                s.registry()
                    .update_park(&sys, zone, "松江经济技术开发区", &town("新桥"), Some(zone))
                    .await
                    .unwrap_err()
            ),
            "上级园区"
        );
        assert_eq!(
            invalid_field(
                s.registry().update_park(&sys, zone, "松江经济技术开发区", &town("新桥"), Some(sub)).await.unwrap_err()
            ),
            "上级园区"
        );
        assert_eq!(
            invalid_field(s.registry().update_park(&sys, sub, "九亭园", &town("新桥"), None).await.unwrap_err()),
            "园区名称"
        );
        assert_eq!(
            invalid_field(s.registry().update_park(&sys, sub, " ", &town("新桥"), None).await.unwrap_err()),
            "园区名称"
        );
        let district = RegionCode::parse("310117").unwrap();
        assert_eq!(
            invalid_field(s.registry().update_park(&sys, sub, "新桥分园", &district, None).await.unwrap_err()),
            "所属街镇"
        );

        // A town administrator works on its own parks only, and keeps them in its town.
        let xinqiao = user(s, "xq", Role::TownAdmin, Scope::Region(town("新桥"))).await;
        assert!(matches!(s.registry().park(&xinqiao, other).await, Err(StoreError::NotFound)));
        assert!(matches!(
            s.registry().update_park(&xinqiao, other, "九亭园", &town("九亭"), None).await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(
            invalid_field(s.registry().update_park(&xinqiao, sub, "新桥分园", &town("九亭"), None).await.unwrap_err()),
            "所属街镇"
        );
        assert_eq!(
            invalid_field(
                s.registry().update_park(&xinqiao, sub, "新桥分园", &town("新桥"), Some(other)).await.unwrap_err()
            ),
            "上级园区",
            "a parent outside the area is not offered"
        );
        s.registry().update_park(&xinqiao, sub, "新桥园", &town("新桥"), None).await.unwrap();
        let leader = user(s, "leader", Role::Leader, Scope::All).await;
        assert!(s.registry().park(&leader, sub).await.is_ok());
        assert!(matches!(
            s.registry().update_park(&leader, sub, "x", &town("新桥"), None).await,
            Err(StoreError::Forbidden)
        ));
        let log = audited(s, "park.update").await;
        assert_eq!(log.len(), 2, "{log:?}");
        assert!(
            log.iter().any(|l| l.contains("新桥园 → 新桥分园") && l.contains("上级园区：松江经济技术开发区")),
            "{log:?}"
        );
    }

    #[tokio::test]
    async fn clusters_are_edited_and_members_leave_with_their_history() {
        let db = TestDb::new().await;
        let s = &db.store;
        let sys = system();
        let a = s.registry().create_enterprise(&sys, enterprise(1, "上海甲有限公司", "新桥")).await.unwrap();
        let b = s.registry().create_enterprise(&sys, enterprise(2, "上海乙有限公司", "九亭")).await.unwrap();
        let c = cluster(s, "新桥").await;
        s.registry().add_cluster_member(&sys, c, a, true, Some(d("2021-06-01"))).await.unwrap();
        s.registry().add_cluster_member(&sys, c, b, false, Some(d("2022-01-01"))).await.unwrap();
        let org = |name: &str, units| NewOrg {
            name: name.into(),
            kind: OrgKind::Committee,
            form: OrgForm::Activity,
            parent: None,
            units,
            town_code: Some(town("新桥").to_string()),
            secretary_name: None,
            members_count: None,
            established_on: d("2021-06-01"),
            is_demo: false,
        };
        let committee = s.registry().create_org(&sys, org("新桥装备集群党委", vec![])).await.unwrap();
        let outsider = s.registry().create_enterprise(&sys, enterprise(3, "上海丙有限公司", "新桥")).await.unwrap();
        let elsewhere = s.registry().create_org(&sys, org("丙公司党委", vec![outsider])).await.unwrap();

        let edit = ClusterEdit {
            name: "新桥高端装备产业集群党委".into(),
            short_name: "新桥装备".into(),
            industry_focus: "高端装备".into(),
            industry_codes: vec!["34".into()],
            structure: Some("1+8".into()),
            committee: Some(committee),
            description: "龙头带动".into(),
            established_on: Some(d("2021-07-01")),
        };
        s.registry().update_cluster(&sys, c, edit.clone()).await.unwrap();
        let detail = s.registry().cluster(&sys, c).await.unwrap();
        assert_eq!(detail.committee, Some((committee.0, "新桥装备集群党委".into())));
        assert_eq!(
            (detail.cluster.name.as_str(), detail.cluster.structure.as_deref(), detail.description.as_str()),
            ("新桥高端装备产业集群党委", Some("1+8"), "龙头带动")
        );
        assert_eq!(detail.cluster.established_on, Some(d("2021-07-01")));
        let empty = ClusterEdit { name: " ".into(), ..edit.clone() };
        assert_eq!(invalid_field(s.registry().update_cluster(&sys, c, empty).await.unwrap_err()), "集群名称");

        // 九亭 sees the cluster through its member, but the cluster is seated in 新桥.
        let jiuting = user(s, "jt", Role::TownAdmin, Scope::Region(town("九亭"))).await;
        assert!(s.registry().cluster(&jiuting, c).await.is_ok());
        assert!(matches!(s.registry().update_cluster(&jiuting, c, edit.clone()).await, Err(StoreError::Forbidden)));
        // Its own member it may let go; not the head enterprise in 新桥.
        assert!(matches!(
            s.registry().remove_cluster_member(&jiuting, c, a, d("2026-01-01")).await,
            Err(StoreError::NotFound)
        ));
        // An enterprise contact sees the cluster but does not run it.
        let contact = user(s, "ct", Role::EnterpriseContact, Scope::Enterprise(b)).await;
        assert!(matches!(
            s.registry().remove_cluster_member(&contact, c, b, d("2026-01-01")).await,
            Err(StoreError::Forbidden)
        ));
        assert!(matches!(s.registry().update_cluster(&contact, c, edit.clone()).await, Err(StoreError::Forbidden)));
        // The cluster's own secretary edits it.
        let secretary = user(s, "sec", Role::ClusterSecretary, Scope::Cluster(c)).await;
        s.registry()
            .update_cluster(&secretary, c, ClusterEdit { structure: Some("1+9".into()), ..edit.clone() })
            .await
            .unwrap();
        // Its committee it keeps or changes to one of its own organisations only.
        let moved = ClusterEdit { committee: Some(elsewhere), ..edit.clone() };
        assert_eq!(invalid_field(s.registry().update_cluster(&secretary, c, moved).await.unwrap_err()), "集群党组织");

        assert_eq!(
            invalid_field(s.registry().remove_cluster_member(&jiuting, c, b, d("2021-12-31")).await.unwrap_err()),
            "退出日期"
        );
        s.registry().remove_cluster_member(&jiuting, c, b, d("2026-03-31")).await.unwrap();
        let detail = s.registry().cluster(&sys, c).await.unwrap();
        assert_eq!(detail.members.iter().map(|m| m.unit_id).collect::<Vec<_>>(), vec![a.0]);
        assert_eq!(detail.former_members.len(), 1);
        assert_eq!(
            (detail.former_members[0].joined_on, detail.former_members[0].left_on),
            (Some(d("2022-01-01")), Some(d("2026-03-31")))
        );
        assert_eq!(detail.cluster.members, 1);
        assert!(matches!(
            s.registry().remove_cluster_member(&sys, c, b, d("2026-04-01")).await,
            Err(StoreError::NotFound)
        ));
        // Having left, 九亭 no longer sees the cluster at all.
        assert!(matches!(s.registry().cluster(&jiuting, c).await, Err(StoreError::NotFound)));

        // Member regions across provinces; adding one twice changes nothing.
        let jiashan = RegionCode::parse("330421").unwrap();
        s.registry().add_cluster_region(&secretary, c, &jiashan).await.unwrap();
        s.registry().add_cluster_region(&secretary, c, &jiashan).await.unwrap();
        let regions = s.registry().cluster(&sys, c).await.unwrap().regions;
        assert_eq!(regions.iter().filter(|r| r.0 == "330421").count(), 1);
        assert!(regions.iter().any(|r| r.1.starts_with("浙江省")), "{regions:?}");
        assert!(matches!(s.registry().add_cluster_region(&contact, c, &jiashan).await, Err(StoreError::Forbidden)));

        assert_eq!(audited(s, "cluster.update").await.len(), 2);
        assert!(audited(s, "cluster.member.remove").await[0].contains("上海乙有限公司"));
        assert_eq!(audited(s, "cluster.region.add").await.len(), 1);
    }

    #[tokio::test]
    async fn alliances_keep_the_members_a_caller_cannot_see() {
        let db = TestDb::new().await;
        let s = &db.store;
        let sys = system();
        let a = s.registry().create_enterprise(&sys, enterprise(1, "上海甲有限公司", "新桥")).await.unwrap();
        let b = s.registry().create_enterprise(&sys, enterprise(2, "上海乙有限公司", "九亭")).await.unwrap();
        let c = s.registry().create_enterprise(&sys, enterprise(3, "上海丙有限公司", "新桥")).await.unwrap();
        let id = s.registry().create_alliance(&sys, "跨镇党建联盟", "", None, &[a, b], false).await.unwrap();
        let xinqiao = user(s, "xq", Role::TownAdmin, Scope::Region(town("新桥"))).await;
        let seen = s.registry().alliance(&xinqiao, id).await.unwrap();
        assert_eq!(seen.alliance.members, vec![(a.0, "上海甲有限公司".to_owned())]);
        assert_eq!(seen.hidden_members, 1);

        // 新桥 swaps 甲 for 丙; 乙 in 九亭 stays a member.
        s.registry()
            .update_alliance(&xinqiao, id, "松江跨镇党建联盟", "共建共享", Some(d("2024-05-01")), &[c])
            .await
            .unwrap();
        let all = s.registry().alliance(&sys, id).await.unwrap();
        assert_eq!(all.alliance.name, "松江跨镇党建联盟");
        let mut members: Vec<i64> = all.alliance.members.iter().map(|m| m.0).collect();
        members.sort();
        assert_eq!(members, vec![b.0, c.0]);
        assert_eq!(all.alliance.established_on, Some(d("2024-05-01")));
        assert!(audited(s, "alliance.update").await[0].contains("加入1家，退出1家"));

        // An enterprise sees the alliance but may not rename what others belong to.
        let contact = user(s, "ct", Role::EnterpriseContact, Scope::Enterprise(b)).await;
        assert!(s.registry().alliance(&contact, id).await.is_ok());
        assert!(matches!(
            s.registry().update_alliance(&contact, id, "x", "", None, &[b]).await,
            Err(StoreError::Forbidden)
        ));
        // Outside every member, the alliance does not exist for the caller.
        let jiuting_only = s.registry().create_alliance(&sys, "九亭联盟", "", None, &[b], false).await.unwrap();
        assert!(matches!(s.registry().alliance(&xinqiao, jiuting_only).await, Err(StoreError::NotFound)));
        assert!(matches!(
            s.registry().update_alliance(&xinqiao, jiuting_only, "x", "", None, &[a]).await,
            Err(StoreError::NotFound)
        ));
        // Its only member may edit it, but not leave it empty.
        s.registry().update_alliance(&contact, jiuting_only, "九亭企业联盟", "", None, &[b]).await.unwrap();
        let e = s.registry().update_alliance(&contact, jiuting_only, "九亭企业联盟", "", None, &[]).await.unwrap_err();
        assert_eq!(invalid_field(e), "成员单位");
        let e = s.registry().update_alliance(&sys, id, "", "", None, &[a]).await.unwrap_err();
        assert_eq!(invalid_field(e), "联盟名称");
        let leader = user(s, "leader", Role::Leader, Scope::All).await;
        assert!(matches!(
            s.registry().update_alliance(&leader, id, "x", "", None, &[a]).await,
            Err(StoreError::Forbidden)
        ));
    }

    #[tokio::test]
    async fn pairings_are_edited_and_ended_with_a_date() {
        let db = TestDb::new().await;
        let s = &db.store;
        let sys = system();
        let a = s.registry().create_enterprise(&sys, enterprise(1, "上海甲有限公司", "新桥")).await.unwrap();
        let b = s.registry().create_enterprise(&sys, enterprise(2, "上海乙有限公司", "九亭")).await.unwrap();
        let p = s
            .registry()
            .create_pairing(&sys, "enterprise_school", a, None, Some("新桥职校"), Some(d("2023-09-01")), "实训", false)
            .await
            .unwrap();
        let contact = user(s, "ct", Role::EnterpriseContact, Scope::Enterprise(a)).await;
        s.registry().update_pairing(&contact, p, "共建实训基地", Some(d("2023-09-01")), None).await.unwrap();
        assert_eq!(s.registry().pairing(&sys, p).await.unwrap().content, "共建实训基地");
        let e = s
            .registry()
            .update_pairing(&contact, p, "", Some(d("2023-09-01")), Some(d("2023-08-01")))
            .await
            .unwrap_err();
        assert_eq!(invalid_field(e), "结束日期");
        assert_eq!(
            invalid_field(s.registry().end_pairing(&contact, p, d("2023-01-01")).await.unwrap_err()),
            "结束日期"
        );
        s.registry().end_pairing(&contact, p, d("2026-07-01")).await.unwrap();
        let ended = s.registry().pairing(&sys, p).await.unwrap();
        assert_eq!(ended.ended_on, Some(d("2026-07-01")));
        assert_eq!(
            s.registry().list_pairings(&sys).await.unwrap()[0].ended_on,
            Some(d("2026-07-01")),
            "the list keeps it"
        );
        let again = s.registry().end_pairing(&contact, p, d("2026-08-01")).await.unwrap_err();
        assert!(again.to_string().contains("已于2026-07-01结束"), "{again}");

        let other = user(s, "other", Role::EnterpriseContact, Scope::Enterprise(b)).await;
        assert!(matches!(s.registry().pairing(&other, p).await, Err(StoreError::NotFound)));
        assert!(matches!(s.registry().end_pairing(&other, p, d("2026-08-01")).await, Err(StoreError::NotFound)));
        let leader = user(s, "leader", Role::Leader, Scope::All).await;
        assert!(s.registry().pairing(&leader, p).await.is_ok());
        assert!(matches!(s.registry().update_pairing(&leader, p, "", None, None).await, Err(StoreError::Forbidden)));
        assert_eq!(audited(s, "pairing.update").await.len(), 1);
        assert_eq!(audited(s, "pairing.end").await.len(), 1);
    }

    #[tokio::test]
    async fn schools_cooperatives_and_departments_are_units_like_enterprises() {
        let db = TestDb::new().await;
        let s = &db.store;
        let sys = system();
        s.registry().create_enterprise(&sys, enterprise(1, "上海甲有限公司", "新桥")).await.unwrap();
        let school = s
            .registry()
            .create_unit(&sys, enterprise(2, "上海市新桥职业技术学校", "新桥"), UnitKind::School, false)
            .await
            .unwrap();
        let coop = s
            .registry()
            .create_unit(&sys, enterprise(3, "新桥蔬果专业合作社", "新桥"), UnitKind::Cooperative, false)
            .await
            .unwrap();
        let list = |s: &Store, c: &Caller, kind: UnitKind| {
            let f = EnterpriseFilter { kind: Some(kind), ..Default::default() };
            let s = s.clone();
            let c = c.clone();
            async move {
                s.registry()
                    .list_enterprises(&c, &f, EnterpriseSort::Name, false, PageRequest::default())
                    .await
                    .unwrap()
                    .items
                    .into_iter()
                    .map(|e| e.name)
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(list(s, &sys, UnitKind::School).await, vec!["上海市新桥职业技术学校"]);
        assert_eq!(list(s, &sys, UnitKind::Enterprise).await, vec!["上海甲有限公司"]);
        // A kind registered by mistake is corrected; the audit names the change.
        s.registry()
            .update_unit(&sys, coop, enterprise(3, "新桥蔬果专业合作社", "新桥"), Some(UnitKind::Research))
            .await
            .unwrap();
        assert_eq!(s.registry().enterprise(&sys, coop).await.unwrap().kind_label, "科研院所");
        assert!(audited(s, "unit.update").await[0].contains("单位类型：合作社 → 科研院所"));
        // Editing without a kind keeps it.
        s.registry().update_enterprise(&sys, school, enterprise(2, "上海市新桥职业学校", "新桥")).await.unwrap();
        assert_eq!(s.registry().enterprise(&sys, school).await.unwrap().kind, "school");
    }

    #[tokio::test]
    async fn a_merger_needs_a_living_target_in_scope() {
        let db = TestDb::new().await;
        let s = &db.store;
        let sys = system();
        let a = s.registry().create_enterprise(&sys, enterprise(1, "上海甲有限公司", "新桥")).await.unwrap();
        let b = s.registry().create_enterprise(&sys, enterprise(2, "上海乙有限公司", "九亭")).await.unwrap();
        let org = |name: &str, unit| NewOrg {
            name: name.into(),
            kind: OrgKind::Branch,
            form: OrgForm::Independent,
            parent: None,
            units: vec![unit],
            town_code: None,
            secretary_name: None,
            members_count: None,
            established_on: d("2020-07-01"),
            is_demo: false,
        };
        let oa = s.registry().create_org(&sys, org("甲支部", a)).await.unwrap();
        let ob = s.registry().create_org(&sys, org("乙支部", b)).await.unwrap();
        let gone = s.registry().create_org(&sys, org("已撤销支部", a)).await.unwrap();
        s.registry().dissolve_org(&sys, gone, d("2024-01-01"), "企业迁出").await.unwrap();
        assert_eq!(
            invalid_field(s.registry().merge_org(&sys, oa, gone, d("2025-01-01")).await.unwrap_err()),
            "并入组织"
        );
        assert_eq!(
            invalid_field(s.registry().merge_org(&sys, gone, oa, d("2025-01-01")).await.unwrap_err()),
            "并入日期"
        );
        assert_eq!(invalid_field(s.registry().merge_org(&sys, oa, ob, d("2019-01-01")).await.unwrap_err()), "并入日期");
        // 新桥 cannot merge its branch into one in 九亭 it does not see.
        let xinqiao = user(s, "xq", Role::TownAdmin, Scope::Region(town("新桥"))).await;
        assert_eq!(
            invalid_field(s.registry().merge_org(&xinqiao, oa, ob, d("2025-01-01")).await.unwrap_err()),
            "并入组织"
        );
        s.registry().merge_org(&sys, oa, ob, d("2025-01-01")).await.unwrap();
        assert_eq!(s.registry().party_org(&sys, ob).await.unwrap().units.len(), 2);
        assert_eq!(s.registry().party_org(&sys, oa).await.unwrap().org.dissolved_on, Some(d("2025-01-01")));
    }

    #[tokio::test]
    async fn an_organisation_changes_parent_secretary_and_size_with_its_history() {
        use qunlian_store::registry::OrgEdit;
        let db = TestDb::new().await;
        let s = &db.store;
        let sys = system();
        let a = s.registry().create_enterprise(&sys, enterprise(1, "上海甲有限公司", "新桥")).await.unwrap();
        let b = s.registry().create_enterprise(&sys, enterprise(2, "上海乙有限公司", "九亭")).await.unwrap();
        let org = |name: &str, unit, parent| NewOrg {
            name: name.into(),
            kind: OrgKind::Branch,
            form: OrgForm::Independent,
            parent,
            units: vec![unit],
            town_code: None,
            secretary_name: None,
            members_count: None,
            established_on: d("2020-07-01"),
            is_demo: false,
        };
        let top = s.registry().create_org(&sys, org("新桥党委", a, None)).await.unwrap();
        let branch = s.registry().create_org(&sys, org("甲支部", a, None)).await.unwrap();
        let jiuting = s.registry().create_org(&sys, org("乙支部", b, None)).await.unwrap();
        let edit =
            |parent, n| OrgEdit {
                parent, secretary_name: Some("王芳".into()), members_count: n, on: d("2026-01-01")
            };
        s.registry().update_org(&sys, branch, edit(Some(top), Some(12))).await.unwrap();
        let detail = s.registry().party_org(&sys, branch).await.unwrap();
        assert_eq!(detail.parent, Some((top.0, "新桥党委".into())));
        assert_eq!((detail.org.secretary_name.as_deref(), detail.org.members_count), (Some("王芳"), Some(12)));
        assert_eq!(detail.events.last().map(|e| e.kind_label), Some("隶属关系调整"));
        assert_eq!(
            s.registry().org_tree(&sys, None, false).await.unwrap().iter().find(|o| o.id == branch).unwrap().depth,
            1
        );
        assert_eq!(
            invalid_field(s.registry().update_org(&sys, top, edit(Some(branch), None)).await.unwrap_err()),
            "上级组织"
        );
        assert_eq!(
            invalid_field(s.registry().update_org(&sys, top, edit(Some(top), None)).await.unwrap_err()),
            "上级组织"
        );
        assert_eq!(
            invalid_field(s.registry().update_org(&sys, top, edit(None, Some(-1))).await.unwrap_err()),
            "党员数"
        );
        let xinqiao = user(s, "xq", Role::TownAdmin, Scope::Region(town("新桥"))).await;
        assert_eq!(
            invalid_field(s.registry().update_org(&xinqiao, branch, edit(Some(jiuting), None)).await.unwrap_err()),
            "上级组织"
        );
        assert!(matches!(
            s.registry().update_org(&xinqiao, jiuting, edit(None, None)).await,
            Err(StoreError::NotFound)
        ));
        let leader = user(s, "leader", Role::Leader, Scope::All).await;
        assert!(matches!(s.registry().update_org(&leader, branch, edit(None, None)).await, Err(StoreError::Forbidden)));
        assert_eq!(audited(s, "org.update").await.len(), 1);
    }
}

mod services {
    use chrono::Duration;
    use qunlian_domain::auth::{Role, Scope, UnitId};
    use qunlian_domain::registry::UnitKind;
    use qunlian_domain::services::{Colour, TimeLimit};
    use qunlian_store::Store;
    use qunlian_store::services::{NewServiceItem, NewServiceRequest, RequestStep};
    use qunlian_testkit::*;

    async fn department(s: &Store, n: u32, name: &str) -> UnitId {
        s.registry().create_unit(&system(), enterprise(n, name, "方松"), UnitKind::Government, false).await.unwrap()
    }

    #[tokio::test]
    async fn the_shipped_calendar_is_loaded_and_a_year_can_be_replaced() {
        let db = TestDb::new().await;
        let s = &db.store;
        let years: Vec<i32> = s.services().calendar_years().await.unwrap().iter().map(|y| y.year).collect();
        assert_eq!(years, vec![2026, 2025, 2024]);
        // Over the 2026 Spring Festival: Fri 13 Feb → Tue 24 Feb counts Sat 14 (调休) and Tue 24.
        assert_eq!(s.services().working_days_between(d("2026-02-13"), d("2026-02-24")).await.unwrap(), (2, true));
        assert_eq!(
            s.services().working_days_between(d("2027-01-04"), d("2027-01-08")).await.unwrap(),
            (4, false),
            "2027 is not loaded: weekends only, flagged"
        );
        let bad = s
            .services()
            .import_calendar_year(&system(), "2027-01-01,holiday,元旦\n2027-01-05,workday,周二\n")
            .await
            .unwrap_err()
            .to_string();
        assert!(bad.contains("第 2 行"), "{bad}");
        let y = s
            .services()
            .import_calendar_year(
                &system(),
                "# 来源：测试通知\n2027-01-01,holiday,元旦\n2027-02-06,workday,春节调休上班\n",
            )
            .await
            .unwrap();
        assert_eq!(y, 2027);
        assert_eq!(
            s.services().working_days_between(d("2027-02-05"), d("2027-02-06")).await.unwrap(),
            (1, true),
            "the make-up Saturday counts"
        );
        let leader = user(s, "o", Role::Leader, Scope::All).await;
        assert!(matches!(
            s.services().import_calendar_year(&leader, "2028-01-03,holiday,x\n").await,
            Err(qunlian_store::StoreError::Forbidden)
        ));
    }

    /// Routing to the owning department, pause while waiting on the enterprise, transfer
    /// keeping the elapsed time, the colours along the way, and who may do what.
    #[tokio::test]
    async fn a_request_is_routed_paused_transferred_and_finished() {
        let db = TestDb::new().await;
        let s = &db.store;
        let sys = system();
        let jingwei = department(s, 900, "松江区经济委员会").await;
        let guihua = department(s, 901, "松江区规划和自然资源局").await;
        let firm = s.registry().create_enterprise(&sys, enterprise(902, "上海申办企业有限公司", "新桥")).await.unwrap();
        let other =
            s.registry().create_enterprise(&sys, enterprise(903, "上海别家企业有限公司", "九亭")).await.unwrap();
        let item = s
            .services()
            .save_item(
                &sys,
                NewServiceItem {
                    code: "jw-01".into(),
                    name: "工业项目全程代办".into(),
                    department_id: jingwei.0,
                    materials: vec!["营业执照".into(), "项目建议书".into()],
                    limit: TimeLimit::WorkingDays(5),
                    stages: vec!["拿地".into(), "施工许可".into()],
                    is_demo: false,
                },
            )
            .await
            .unwrap();
        let contact = user(s, "c", Role::EnterpriseContact, Scope::Enterprise(firm)).await;
        let officer = user(s, "jw", Role::ServiceOfficer, Scope::Department(jingwei)).await;
        let planner = user(s, "gh", Role::ServiceOfficer, Scope::Department(guihua)).await;
        let stranger = user(s, "x", Role::EnterpriseContact, Scope::Enterprise(other)).await;

        // Monday 2026-11-23 10:00 Beijing.
        let req = s
            .services()
            .file_request(
                &contact,
                NewServiceRequest {
                    item_id: item,
                    unit: firm,
                    title: String::new(),
                    detail: "新建厂房".into(),
                    is_demo: false,
                },
            )
            .await
            .unwrap();
        assert!(matches!(
            s.services()
                .file_request(
                    &contact,
                    NewServiceRequest {
                        item_id: item,
                        unit: other,
                        title: String::new(),
                        detail: String::new(),
                        is_demo: false
                    }
                )
                .await,
            Err(qunlian_store::StoreError::NotFound)
        ));
        let r = s.services().request(&officer, req).await.unwrap().request;
        assert_eq!((r.department_id, r.title.as_str(), r.clock.colour), (jingwei.0, "工业项目全程代办", Colour::Blue));
        assert!(matches!(s.services().request(&stranger, req).await, Err(qunlian_store::StoreError::NotFound)));
        assert!(
            matches!(s.services().request(&planner, req).await, Err(qunlian_store::StoreError::NotFound)),
            "not routed to 规划 yet"
        );
        assert!(matches!(
            s.services().step(&contact, req, RequestStep::Comment("x".into())).await,
            Err(qunlian_store::StoreError::Forbidden)
        ));

        s.services().step(&officer, req, RequestStep::Assign("张店小二".into())).await.unwrap();
        s.services().step(&officer, req, RequestStep::StartStage("拿地".into())).await.unwrap();
        db.clock.advance(Duration::days(1)); // Tuesday
        s.services().step(&officer, req, RequestStep::Pause("缺少环评批复".into())).await.unwrap();
        let waiting = s.services().request(&officer, req).await.unwrap().request;
        assert!(waiting.clock.paused);
        db.clock.advance(Duration::days(7)); // a week later, still waiting: nothing counts
        let later = s.services().request(&officer, req).await.unwrap().request;
        assert_eq!(later.clock.elapsed_minutes, waiting.clock.elapsed_minutes);
        s.services().step(&officer, req, RequestStep::Resume("材料已补齐".into())).await.unwrap();
        s.services().step(&officer, req, RequestStep::FinishStage("拿地".into())).await.unwrap();
        let before = s.services().request(&officer, req).await.unwrap().request.clock.elapsed_minutes;
        s.services()
            .step(
                &officer,
                req,
                RequestStep::Transfer {
                    department_id: guihua.0, reason: "施工许可由规划资源局办理".into()
                },
            )
            .await
            .unwrap();
        let moved = s.services().request(&planner, req).await.unwrap().request;
        assert_eq!(moved.department_id, guihua.0);
        assert_eq!(moved.clock.elapsed_minutes, before, "a transfer keeps the elapsed time");
        assert!(
            s.services()
                .step(&officer, req, RequestStep::Comment("x".into()))
                .await
                .unwrap_err()
                .to_string()
                .contains("转办")
        );
        assert!(s.services().request(&officer, req).await.is_ok(), "the first department still sees what it handled");

        // Four more working days pass: yellow, then red.
        db.clock.advance(Duration::days(4)); // Tuesday → Saturday: 3 working days
        assert_eq!(s.services().request(&planner, req).await.unwrap().request.clock.colour, Colour::Yellow);
        db.clock.advance(Duration::days(3)); // → Tuesday
        assert_eq!(s.services().request(&planner, req).await.unwrap().request.clock.colour, Colour::Red);
        s.services().step(&planner, req, RequestStep::StartStage("施工许可".into())).await.unwrap();
        s.services().step(&planner, req, RequestStep::FinishStage("施工许可".into())).await.unwrap();
        s.services().step(&planner, req, RequestStep::Finish("施工许可证已核发".into())).await.unwrap();
        let done = s.services().request(&contact, req).await.unwrap();
        assert_eq!(done.request.clock.colour, Colour::Green);
        assert_eq!(done.request.state, "done");
        assert_eq!(done.stages.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["拿地", "施工许可"]);
        assert!(done.stages.iter().all(|s| s.finished.is_some()));
        assert!(done.events.iter().any(|e| e.kind == "paused" && e.detail == "缺少环评批复"));
        assert!(
            s.services()
                .step(&planner, req, RequestStep::Comment("x".into()))
                .await
                .unwrap_err()
                .to_string()
                .contains("已办结")
        );
        let mine = s.services().requests(&contact, None).await.unwrap();
        assert_eq!(mine.len(), 1);
        assert!(s.services().requests(&stranger, None).await.unwrap().is_empty());
    }

    async fn catalogue_and_firm(s: &Store) -> (UnitId, UnitId, i64) {
        let sys = system();
        let jingwei = department(s, 910, "上海市松江区经济委员会").await;
        let firm = s.registry().create_enterprise(&sys, enterprise(911, "上海督办企业有限公司", "新桥")).await.unwrap();
        let item = s
            .services()
            .save_item(
                &sys,
                NewServiceItem {
                    code: "JW-09".into(),
                    name: "技术改造项目备案".into(),
                    department_id: jingwei.0,
                    materials: vec!["备案申请表".into()],
                    limit: TimeLimit::WorkingDays(2),
                    stages: vec![],
                    is_demo: false,
                },
            )
            .await
            .unwrap();
        (jingwei, firm, item)
    }

    #[tokio::test]
    async fn an_overdue_request_is_escalated_once_by_the_first_read_that_finds_it_red() {
        use qunlian_store::services::ServiceFilter;
        let db = TestDb::new().await;
        let s = &db.store;
        let (jingwei, firm, item) = catalogue_and_firm(s).await;
        let officer = user(s, "jw", Role::ServiceOfficer, Scope::Department(jingwei)).await;
        let new = |title: &str| NewServiceRequest {
            item_id: item,
            unit: firm,
            title: title.into(),
            detail: String::new(),
            is_demo: false,
        };
        let late = s.services().file_request(&system(), new("逾期的")).await.unwrap();
        let paused = s.services().file_request(&system(), new("等材料的")).await.unwrap();
        s.services().step(&officer, paused, RequestStep::Pause("缺少申请表".into())).await.unwrap();
        // Monday 10:00 + 2 working days: due Wednesday 10:00. Thursday it is red.
        db.clock.advance(Duration::days(3));
        let district = user(s, "d", Role::DistrictAdmin, Scope::Region(songjiang())).await;
        let escalated = ServiceFilter { escalated: true, ..ServiceFilter::default() };
        let found = s.services().requests_filtered(&district, &escalated).await.unwrap();
        assert_eq!(found.iter().map(|r| r.id).collect::<Vec<_>>(), vec![late], "the paused one is not overdue");
        assert!(found[0].escalated);
        // Reading again changes nothing: one event, one audit entry.
        s.services().requests_filtered(&district, &ServiceFilter::default()).await.unwrap();
        let d = s.services().request(&officer, late).await.unwrap();
        assert_eq!(d.events.iter().filter(|e| e.kind == "escalated").count(), 1);
        assert!(d.events.iter().any(|e| e.kind == "escalated" && e.detail.contains("督办")));
        let audit = s
            .audit()
            .search(
                &user(s, "aud", Role::AuditAdmin, Scope::Nothing).await,
                &qunlian_store::audit::AuditFilter {
                    action: Some("service.request.escalate".into()),
                    ..Default::default()
                },
                qunlian_store::PageRequest::default(),
            )
            .await
            .unwrap();
        assert_eq!(audit.total, 1);
        let red = ServiceFilter { colour: Some(Colour::Red), ..ServiceFilter::default() };
        assert_eq!(s.services().requests_filtered(&officer, &red).await.unwrap().len(), 1);
    }

    /// Red escalates to the department head: its 超期督办 list holds the overdue requests its
    /// department holds, and a transfer hands one to the new department's head.
    #[tokio::test]
    async fn the_department_head_supervises_what_its_department_holds_overdue() {
        use qunlian_store::services::ServiceFilter;
        let db = TestDb::new().await;
        let s = &db.store;
        let (jingwei, firm, item) = catalogue_and_firm(s).await;
        let guihua = department(s, 912, "上海市松江区规划和自然资源局").await;
        let head = user(s, "jwhead", Role::DepartmentHead, Scope::Department(jingwei)).await;
        let other_head = user(s, "ghhead", Role::DepartmentHead, Scope::Department(guihua)).await;
        let new = |title: &str| NewServiceRequest {
            item_id: item,
            unit: firm,
            title: title.into(),
            detail: String::new(),
            is_demo: false,
        };
        let late = s.services().file_request(&system(), new("逾期的")).await.unwrap();
        let moved = s.services().file_request(&system(), new("转走的")).await.unwrap();
        db.clock.advance(Duration::days(3)); // past the two working days
        let overdue = ServiceFilter { escalated: true, colour: Some(Colour::Red), ..ServiceFilter::default() };
        let ids = |v: Vec<qunlian_store::services::ServiceRequest>| v.iter().map(|r| r.id).collect::<Vec<_>>();
        assert_eq!(ids(s.services().requests_filtered(&head, &overdue).await.unwrap()), vec![moved, late]);
        // The head handles its department's requests as its officers do.
        s.services()
            .step(&head, moved, RequestStep::Transfer { department_id: guihua.0, reason: "属规划资源".into() })
            .await
            .unwrap();
        assert_eq!(ids(s.services().requests_filtered(&head, &overdue).await.unwrap()), vec![late]);
        assert_eq!(ids(s.services().requests_filtered(&other_head, &overdue).await.unwrap()), vec![moved]);
        assert!(
            s.services().requests_filtered(&head, &ServiceFilter::default()).await.unwrap().len() == 2,
            "it still reads what its department handled"
        );
        assert!(matches!(
            s.services().step(&other_head, late, RequestStep::Comment("x".into())).await,
            Err(qunlian_store::StoreError::NotFound)
        ));
    }

    #[tokio::test]
    async fn a_catalogue_import_keeps_good_rows_names_bad_ones_and_a_rerun_changes_nothing() {
        use qunlian_store::services::CatalogueLine;
        let db = TestDb::new().await;
        let s = &db.store;
        let (jingwei, _, _) = catalogue_and_firm(s).await;
        department(s, 912, "上海市松江区市场监督管理局").await;
        let line = |line: usize, code: &str, dept: &str| CatalogueLine {
            line,
            code: code.into(),
            name: format!("事项{code}"),
            department: dept.into(),
            materials: vec!["营业执照".into()],
            limit: TimeLimit::WorkingHours(4),
            stages: vec![],
        };
        let lines = || vec![line(2, "SC-01", "市场监管"), line(3, "JW-09", "经委"), line(4, "XX-01", "外星局")];
        let first = s.services().import_items(&system(), lines()).await.unwrap();
        assert_eq!((first.added, first.updated, first.unchanged), (1, 1, 0));
        assert_eq!(first.rejects.len(), 1);
        assert_eq!(first.rejects[0].0, 4);
        assert!(first.rejects[0].1.contains("外星局"), "{:?}", first.rejects);
        let again = s.services().import_items(&system(), lines()).await.unwrap();
        assert_eq!((again.added, again.updated, again.unchanged), (0, 0, 2));
        let items = s.services().items(&system()).await.unwrap();
        assert_eq!(items.len(), 2);
        assert!(
            items
                .iter()
                .any(|i| i.code == "JW-09" && i.department_id == jingwei.0 && i.limit == TimeLimit::WorkingHours(4))
        );
        let contact = user(s, "c", Role::EnterpriseContact, Scope::Enterprise(UnitId(1))).await;
        assert!(matches!(
            s.services().import_items(&contact, lines()).await,
            Err(qunlian_store::StoreError::Forbidden)
        ));
    }
}

mod policies {
    use qunlian_domain::auth::{ClusterId, Role, Scope, UnitId};
    use qunlian_domain::registry::UnitKind;
    use qunlian_store::policies::{NewPolicy, PolicyFilter, PushTarget, Validity};
    use qunlian_store::{PageRequest, Store, StoreError};
    use qunlian_testkit::*;

    struct World {
        dept: UnitId,
        other_dept: UnitId,
        cluster: ClusterId,
        /// High-tech members of the cluster in 新桥, one with 200 employees.
        a: UnitId,
        b: UnitId,
        /// High-tech in 新桥, not in the cluster.
        c: UnitId,
        /// High-tech in 九亭.
        e: UnitId,
        /// Not high-tech, in the cluster.
        f: UnitId,
    }

    async fn world(s: &Store) -> World {
        let sys = system();
        let dept = s
            .registry()
            .create_unit(&sys, enterprise(700, "上海市松江区经济委员会", "方松"), UnitKind::Government, false)
            .await
            .unwrap();
        let other_dept = s
            .registry()
            .create_unit(&sys, enterprise(701, "上海市松江区科学技术委员会", "方松"), UnitKind::Government, false)
            .await
            .unwrap();
        let ent = |n: u32, name: &str, town: &str, high_tech: bool, employees: u32| {
            let mut e = enterprise(n, name, town);
            e.high_tech = high_tech;
            e.employees = Some(employees);
            e
        };
        let a = s.registry().create_enterprise(&sys, ent(710, "上海甲科技有限公司", "新桥", true, 200)).await.unwrap();
        let b = s.registry().create_enterprise(&sys, ent(711, "上海乙科技有限公司", "新桥", true, 50)).await.unwrap();
        let c = s.registry().create_enterprise(&sys, ent(712, "上海丙科技有限公司", "新桥", true, 80)).await.unwrap();
        let e = s.registry().create_enterprise(&sys, ent(713, "上海丁科技有限公司", "九亭", true, 90)).await.unwrap();
        let f = s.registry().create_enterprise(&sys, ent(714, "上海戊制造有限公司", "新桥", false, 300)).await.unwrap();
        let cluster =
            s.registry().create_cluster(&sys, cluster("政策测试集群党委", "政策测试", "装备", "新桥")).await.unwrap();
        for u in [a, b, f] {
            s.registry().add_cluster_member(&sys, cluster, u, false, None).await.unwrap();
        }
        World { dept, other_dept, cluster, a, b, c, e, f }
    }

    fn policy(dept: UnitId, title: &str, rule: &str, from: &str, until: Option<&str>) -> NewPolicy {
        NewPolicy {
            title: title.into(),
            department_id: dept.0,
            doc_number: "松经委〔2026〕1号".into(),
            valid_from: d(from),
            valid_until: until.map(d),
            content: "政策内容".into(),
            rule: rule.into(),
            is_demo: false,
        }
    }

    #[tokio::test]
    async fn eligibility_follows_the_rule_and_the_validity_dates() {
        let db = TestDb::new().await;
        let s = &db.store;
        let w = world(s).await;
        let sys = system();
        // Today is 2026-11-23 in the test clock.
        let valid = s
            .policies()
            .save(&sys, None, policy(w.dept, "高企奖励", "高新技术企业", "2026-01-01", None))
            .await
            .unwrap();
        let big = s
            .policies()
            .save(
                &sys,
                None,
                policy(w.dept, "百人企业", "高新技术企业 且 从业人数>=100", "2026-01-01", Some("2026-12-31")),
            )
            .await
            .unwrap();
        let expired = s
            .policies()
            .save(&sys, None, policy(w.dept, "旧政策", "高新技术企业", "2024-01-01", Some("2025-12-31")))
            .await
            .unwrap();
        let upcoming = s
            .policies()
            .save(&sys, None, policy(w.dept, "明年政策", "高新技术企业", "2027-01-01", None))
            .await
            .unwrap();
        assert_eq!(s.policies().match_count(&sys, valid).await.unwrap(), 4);
        assert_eq!(s.policies().match_count(&sys, big).await.unwrap(), 1);
        let listed = |v| PolicyFilter { validity: Some(v), ..Default::default() };
        let ids = |ps: Vec<qunlian_store::policies::Policy>| {
            let mut v: Vec<i64> = ps.iter().map(|p| p.id).collect();
            v.sort();
            v
        };
        assert_eq!(ids(s.policies().list(&sys, &listed(Validity::Valid)).await.unwrap()), vec![valid, big]);
        assert_eq!(ids(s.policies().list(&sys, &listed(Validity::Expired)).await.unwrap()), vec![expired]);
        assert_eq!(ids(s.policies().list(&sys, &listed(Validity::Upcoming)).await.unwrap()), vec![upcoming]);

        // The enterprise's own list: valid and eligible only.
        let contact_a = user(s, "ea", Role::EnterpriseContact, Scope::Enterprise(w.a)).await;
        let contact_f = user(s, "ef", Role::EnterpriseContact, Scope::Enterprise(w.f)).await;
        assert_eq!(
            ids(s.policies().my_policies(&contact_a).await.unwrap().into_iter().map(|m| m.policy).collect()),
            vec![valid, big]
        );
        assert!(s.policies().my_policies(&contact_f).await.unwrap().is_empty());
        assert!(matches!(s.policies().open_my_policy(&contact_f, valid).await, Err(StoreError::NotFound)));

        // A bad rule is refused with the parser's message naming the field.
        let bad = s
            .policies()
            .save(&sys, None, policy(w.dept, "坏规则", "高新 且 独角兽", "2026-01-01", None))
            .await
            .unwrap_err()
            .to_string();
        assert!(bad.starts_with("适用条件：") && bad.contains("独角兽"), "{bad}");
        let unknown = s
            .policies()
            .save(&sys, None, policy(w.dept, "坏园区", "园区=不存在的园区", "2026-01-01", None))
            .await
            .unwrap_err()
            .to_string();
        assert!(unknown.starts_with("适用条件：") && unknown.contains("不存在"), "{unknown}");
        // The issuing department must be a government unit.
        let not_dept = s.policies().save(&sys, None, policy(w.a, "企业发文", "高新", "2026-01-01", None)).await;
        assert!(matches!(not_dept, Err(StoreError::Invalid { field: "发文部门", .. })));

        // A service officer writes its own department's policies only; a leader none.
        let officer = user(s, "o", Role::ServiceOfficer, Scope::Department(w.dept)).await;
        s.policies()
            .save(&officer, Some(valid), policy(w.dept, "高企奖励（修订）", "高新", "2026-01-01", None))
            .await
            .unwrap();
        assert!(matches!(
            s.policies().save(&officer, None, policy(w.other_dept, "别人的", "高新", "2026-01-01", None)).await,
            Err(StoreError::Invalid { field: "发文部门", .. })
        ));
        let theirs =
            s.policies().save(&sys, None, policy(w.other_dept, "科委政策", "高新", "2026-01-01", None)).await.unwrap();
        assert!(matches!(
            s.policies().save(&officer, Some(theirs), policy(w.dept, "抢过来", "高新", "2026-01-01", None)).await,
            Err(StoreError::Forbidden)
        ));
        let leader = user(s, "l", Role::Leader, Scope::All).await;
        assert!(matches!(
            s.policies().save(&leader, None, policy(w.dept, "x", "高新", "2026-01-01", None)).await,
            Err(StoreError::Forbidden)
        ));
        assert!(
            s.audit()
                .search(
                    &user(s, "au", Role::AuditAdmin, Scope::Nothing).await,
                    &Default::default(),
                    PageRequest::default()
                )
                .await
                .unwrap()
                .items
                .iter()
                .any(|e| e.action == "policy.update")
        );
    }

    #[tokio::test]
    async fn a_package_push_writes_exactly_the_eligible_receipts_read_once() {
        let db = TestDb::new().await;
        let s = &db.store;
        let w = world(s).await;
        let sys = system();
        let high_tech = s
            .policies()
            .save(&sys, None, policy(w.dept, "高企奖励", "高新技术企业", "2026-01-01", None))
            .await
            .unwrap();
        let big = s
            .policies()
            .save(&sys, None, policy(w.dept, "规模企业", "从业人数>=100", "2026-01-01", None))
            .await
            .unwrap();
        let expired = s
            .policies()
            .save(&sys, None, policy(w.dept, "旧政策", "高新技术企业", "2024-01-01", Some("2025-12-31")))
            .await
            .unwrap();
        let district = user(s, "d", Role::DistrictAdmin, Scope::Region(songjiang())).await;
        let package = [high_tech, big, expired];

        // To the cluster: high-tech members a, b; 100+ members a, f; the expired one none.
        let target = PushTarget::Cluster(w.cluster);
        let preview = s.policies().preview_push(&district, &package, &target).await.unwrap();
        assert_eq!(preview.items.iter().map(|i| i.recipients).collect::<Vec<_>>(), vec![2, 2, 0]);
        assert_eq!((preview.enterprises, preview.receipts), (3, 4));
        let push = s.policies().push_policies(&district, "年度政策包", &package, &target, false).await.unwrap();
        let detail = s.policies().policy_push(&district, push).await.unwrap();
        assert_eq!((detail.summary.enterprises, detail.summary.receipts, detail.summary.receipts_read), (3, 4, 0));
        assert_eq!(detail.items.len(), 2, "the expired policy is not sent");
        let all = s.policies().push_recipients(&district, push, None, PageRequest::default()).await.unwrap();
        let mut got: Vec<i64> = all.items.iter().map(|r| r.unit_id.0).collect();
        got.sort();
        let mut want = vec![w.a.0, w.b.0, w.f.0];
        want.sort();
        assert_eq!(got, want);

        // To a town: 新桥 high-tech a, b, c; 100+ a, f. Never 九亭's e.
        let town_push = s
            .policies()
            .push_policies(&district, "", &[high_tech, big], &PushTarget::Town(town("新桥")), false)
            .await
            .unwrap();
        let t = s.policies().policy_push(&district, town_push).await.unwrap();
        assert_eq!((t.summary.enterprises, t.summary.receipts), (4, 5));
        let whole = s.policies().push_policies(&district, "", &[high_tech], &PushTarget::Own, false).await.unwrap();
        assert_eq!(
            s.policies().policy_push(&district, whole).await.unwrap().summary.receipts,
            4,
            "a, b, c and 九亭's e"
        );
        assert!(matches!(
            s.policies().push_policies(&district, "", &[expired], &PushTarget::Own, false).await,
            Err(StoreError::Invalid { .. })
        ));

        // The enterprise sees them unread, pushed first; opening marks every receipt of that
        // policy read, once.
        let contact = user(s, "ea", Role::EnterpriseContact, Scope::Enterprise(w.a)).await;
        let mine = s.policies().my_policies(&contact).await.unwrap();
        assert!(mine.iter().all(|m| m.unread && m.pushed_at.is_some()));
        assert_eq!(s.policies().my_unread_policies(&contact).await.unwrap(), 2);
        let opened = s.policies().open_my_policy(&contact, high_tech).await.unwrap();
        assert!(!opened.unread);
        let first = opened.read_at.unwrap();
        db.clock.advance(chrono::Duration::hours(2));
        let again = s.policies().open_my_policy(&contact, high_tech).await.unwrap();
        assert_eq!(again.read_at, Some(first), "the first reading stays");
        assert_eq!(s.policies().my_unread_policies(&contact).await.unwrap(), 1);
        let detail = s.policies().policy_push(&district, push).await.unwrap();
        assert_eq!((detail.summary.receipts_read, detail.summary.enterprises_read), (1, 1));
        let read = s.policies().push_recipients(&district, push, Some(true), PageRequest::default()).await.unwrap();
        assert_eq!(read.items.iter().map(|r| r.unit_id).collect::<Vec<_>>(), vec![w.a]);
        assert_eq!(
            s.policies().push_recipients(&district, push, Some(false), PageRequest::default()).await.unwrap().total,
            2
        );
        let _ = w.e;
    }

    #[tokio::test]
    async fn pushes_and_lists_stay_inside_the_scope() {
        let db = TestDb::new().await;
        let s = &db.store;
        let w = world(s).await;
        let sys = system();
        let high_tech = s
            .policies()
            .save(&sys, None, policy(w.dept, "高企奖励", "高新技术企业", "2026-01-01", None))
            .await
            .unwrap();
        let other = s.registry().create_cluster(&sys, cluster("别的集群党委", "别的", "食品", "九亭")).await.unwrap();
        s.registry().add_cluster_member(&sys, other, w.e, false, None).await.unwrap();

        // A cluster secretary pushes within its cluster; beyond it is not found; its "own
        // scope" and a town both stay inside the cluster.
        let secretary = user(s, "c", Role::ClusterSecretary, Scope::Cluster(w.cluster)).await;
        assert!(matches!(
            s.policies().push_policies(&secretary, "", &[high_tech], &PushTarget::Cluster(other), false).await,
            Err(StoreError::NotFound)
        ));
        let own = s.policies().push_policies(&secretary, "", &[high_tech], &PushTarget::Own, false).await.unwrap();
        assert_eq!(s.policies().policy_push(&secretary, own).await.unwrap().summary.enterprises, 2);
        let town_push = s
            .policies()
            .push_policies(&secretary, "", &[high_tech], &PushTarget::Town(town("新桥")), false)
            .await
            .unwrap();
        assert_eq!(
            s.policies().policy_push(&secretary, town_push).await.unwrap().summary.enterprises,
            2,
            "c is not a member"
        );

        // A town admin cannot name another town.
        let xinqiao = user(s, "x", Role::TownAdmin, Scope::Region(town("新桥"))).await;
        assert!(matches!(
            s.policies().push_policies(&xinqiao, "", &[high_tech], &PushTarget::Town(town("九亭")), false).await,
            Err(StoreError::Invalid { field: "推送范围", .. })
        ));
        let district = user(s, "d", Role::DistrictAdmin, Scope::Region(songjiang())).await;
        let everywhere =
            s.policies().push_policies(&district, "", &[high_tech], &PushTarget::Own, false).await.unwrap();
        // The town admin sees the district's push counted over its own town only; the 九亭
        // secretary of the other cluster does not see the secretary's pushes at all.
        assert_eq!(s.policies().policy_push(&xinqiao, everywhere).await.unwrap().summary.enterprises, 3);
        let jiuting = user(s, "j", Role::ClusterSecretary, Scope::Cluster(other)).await;
        assert!(matches!(s.policies().policy_push(&jiuting, own).await, Err(StoreError::NotFound)));
        assert_eq!(
            s.policies().policy_pushes(&jiuting).await.unwrap().iter().map(|p| p.id).collect::<Vec<_>>(),
            vec![everywhere]
        );
        assert_eq!(s.policies().policy_pushes(&jiuting).await.unwrap()[0].enterprises, 1);

        // Branch secretaries, leaders and enterprises do not push; enterprises see only their own.
        let leader = user(s, "l", Role::Leader, Scope::All).await;
        assert!(matches!(
            s.policies().push_policies(&leader, "", &[high_tech], &PushTarget::Own, false).await,
            Err(StoreError::Forbidden)
        ));
        let contact_e = user(s, "ee", Role::EnterpriseContact, Scope::Enterprise(w.e)).await;
        assert!(matches!(s.policies().policy_push(&contact_e, everywhere).await, Err(StoreError::Forbidden)));
        assert!(matches!(
            s.policies().push_policies(&contact_e, "", &[high_tech], &PushTarget::Own, false).await,
            Err(StoreError::Forbidden)
        ));
        let mine = s.policies().my_policies(&contact_e).await.unwrap();
        assert_eq!(mine.len(), 1);
        s.policies().open_my_policy(&contact_e, high_tech).await.unwrap();
        // e's reading marks only e's receipts.
        let d = s.policies().policy_push(&district, everywhere).await.unwrap().summary;
        assert_eq!((d.receipts, d.receipts_read), (4, 1));
        assert_eq!(s.policies().policy_push(&xinqiao, everywhere).await.unwrap().summary.receipts_read, 0);
        assert_eq!(s.policies().match_count(&secretary, high_tech).await.unwrap(), 2);
        let _ = (w.c, w.b, w.f, w.other_dept);
    }

    /// The seeds' package: 54 policies to every member of a cluster, some 11,000 receipts in one go.
    #[tokio::test]
    async fn a_package_of_54_policies_reaches_a_large_cluster() {
        let db = TestDb::new().await;
        let s = &db.store;
        let w = world(s).await;
        let sys = system();
        for n in 0..300u32 {
            let mut e = enterprise(10_000 + n, &format!("上海集群成员{n:04}有限公司"), "新桥");
            e.high_tech = n % 3 == 0;
            let id = s.registry().create_enterprise(&sys, e).await.unwrap();
            s.registry().add_cluster_member(&sys, w.cluster, id, false, None).await.unwrap();
        }
        let mut ids = Vec::new();
        for n in 0..54 {
            let rule = if n % 2 == 0 { "高新技术企业" } else { "从业人数>=1" };
            ids.push(
                s.policies()
                    .save(&sys, None, policy(w.dept, &format!("政策{n}"), rule, "2026-01-01", None))
                    .await
                    .unwrap(),
            );
        }
        let push = s
            .policies()
            .push_policies(&sys, "54 项政策包", &ids, &PushTarget::Cluster(w.cluster), false)
            .await
            .unwrap();
        let members = 303u64; // a, b, f and the 300 added
        let high_tech = 2 + 100u64;
        let detail = s.policies().policy_push(&sys, push).await.unwrap();
        assert_eq!(detail.summary.enterprises, members);
        assert_eq!(detail.summary.receipts, 27 * members + 27 * high_tech);
        assert_eq!(detail.items.len(), 54);
    }
}

mod service_report {
    use chrono::Duration;
    use qunlian_domain::auth::{Role, Scope};
    use qunlian_domain::registry::UnitKind;
    use qunlian_domain::services::TimeLimit;
    use qunlian_store::services::{NewServiceItem, NewServiceRequest, RequestStep, ServiceFilter};
    use qunlian_testkit::*;

    /// The report aggregates in SQL from the elapsed time fixed at finishing; its figures
    /// equal the lists they link to and the clocks the request pages show.
    #[tokio::test]
    async fn the_report_counts_what_the_requests_say() {
        let db = TestDb::new().await;
        let s = &db.store;
        let sys = system();
        let dept = s
            .registry()
            .create_unit(&sys, enterprise(980, "松江区科学技术委员会", "方松"), UnitKind::Government, false)
            .await
            .unwrap();
        let firm = s.registry().create_enterprise(&sys, enterprise(981, "上海报表测试有限公司", "新桥")).await.unwrap();
        let item = s
            .services()
            .save_item(
                &sys,
                NewServiceItem {
                    code: "KW-01".into(),
                    name: "区级研发机构认定".into(),
                    department_id: dept.0,
                    materials: vec![],
                    limit: TimeLimit::WorkingDays(2),
                    stages: vec![],
                    is_demo: false,
                },
            )
            .await
            .unwrap();
        let officer = user(s, "kw", Role::ServiceOfficer, Scope::Department(dept)).await;
        let new = || NewServiceRequest {
            item_id: item,
            unit: firm,
            title: String::new(),
            detail: String::new(),
            is_demo: false,
        };
        // Monday 10:00: one finished the next day (on time), one after a week (late), one open.
        let quick = s.services().file_request(&sys, new()).await.unwrap();
        let slow = s.services().file_request(&sys, new()).await.unwrap();
        let _open = s.services().file_request(&sys, new()).await.unwrap();
        db.clock.advance(Duration::days(1));
        s.services().step(&officer, quick, RequestStep::Finish("已认定".into())).await.unwrap();
        db.clock.advance(Duration::days(7));
        s.services().step(&officer, slow, RequestStep::Finish("已认定".into())).await.unwrap();

        let report = s.services().report(&officer).await.unwrap();
        let row = report.rows.iter().find(|r| r.item_id == Some(item)).unwrap();
        assert_eq!((row.count, row.done, row.on_time), (3, 2, 1));
        assert_eq!(row.median_days, Some(1.0), "7 office hours: one working day");
        assert_eq!(row.p90_days, Some(6.0), "Monday 10:00 to the next Tuesday 10:00: six working days");
        assert_eq!(report.total.count, 3);
        let late = s.services().request(&officer, slow).await.unwrap().request;
        assert_eq!(late.clock.elapsed_minutes, 6 * 420, "the page's clock says the same");
        let on_time = ServiceFilter { item: Some(item), on_time: Some(true), ..ServiceFilter::default() };
        assert_eq!(s.services().requests_filtered(&officer, &on_time).await.unwrap().len(), row.on_time);
        let done = ServiceFilter { item: Some(item), state: Some("done".into()), ..ServiceFilter::default() };
        assert_eq!(s.services().requests_filtered(&officer, &done).await.unwrap().len(), row.done);

        // Another department's officer sees none of it.
        let other = s
            .registry()
            .create_unit(&sys, enterprise(982, "松江区商务委员会", "方松"), UnitKind::Government, false)
            .await
            .unwrap();
        let stranger = user(s, "sw", Role::ServiceOfficer, Scope::Department(other)).await;
        assert_eq!(s.services().report(&stranger).await.unwrap().total.count, 0);
    }

    async fn same_both_ways(s: &qunlian_store::Store, callers: &[&qunlian_domain::auth::Caller], when: &str) {
        for c in callers {
            let derived = s.services().report(c).await.unwrap();
            let counted = s.services().report_counted(c).await.unwrap();
            assert_eq!(derived, counted, "{} {when}", c.username);
        }
    }

    /// The report the whole deployment reads from the derived cells (and narrower scopes from
    /// the stage times) equals the one counted from the requests and their events, after
    /// every kind of change: filing, stages with a pause inside, finishing, refusing, a
    /// transfer, ratings, and a calendar year loaded again.
    #[tokio::test]
    async fn the_derived_report_equals_a_direct_count_after_every_change() {
        let db = TestDb::new().await;
        let s = &db.store;
        let sys = system();
        let gov = |n: u32, name: &'static str| {
            let sys = sys.clone();
            async move {
                s.registry().create_unit(&sys, enterprise(n, name, "方松"), UnitKind::Government, false).await.unwrap()
            }
        };
        let (a, b) = (gov(960, "松江区经济委员会").await, gov(961, "松江区规划和自然资源局").await);
        let firm = s.registry().create_enterprise(&sys, enterprise(962, "上海派生测试有限公司", "新桥")).await.unwrap();
        let item = |code: &'static str, dept: qunlian_domain::auth::UnitId, days: u32, stages: Vec<String>| {
            let sys = sys.clone();
            async move {
                s.services()
                    .save_item(
                        &sys,
                        NewServiceItem {
                            code: code.into(),
                            name: format!("事项{code}"),
                            department_id: dept.0,
                            materials: vec![],
                            limit: TimeLimit::WorkingDays(days),
                            stages,
                            is_demo: false,
                        },
                    )
                    .await
                    .unwrap()
            }
        };
        let staged = item("A1", a, 2, vec!["拿地".into(), "施工许可".into()]).await;
        let plain = item("A2", a, 5, vec![]).await;
        let other = item("B1", b, 3, vec![]).await;
        let officer = user(s, "jw", Role::ServiceOfficer, Scope::Department(a)).await;
        let planner = user(s, "gh", Role::ServiceOfficer, Scope::Department(b)).await;
        let district = user(s, "qu", Role::DistrictAdmin, Scope::Region(songjiang())).await;
        let xinqiao = user(s, "xq", Role::TownAdmin, Scope::Region(town("新桥"))).await;
        let fangsong = user(s, "fs", Role::TownAdmin, Scope::Region(town("方松"))).await;
        let jinshan =
            user(s, "js", Role::DistrictAdmin, Scope::Region(qunlian_domain::RegionCode::parse("310116").unwrap()))
                .await;
        let callers = [&sys, &officer, &planner, &district, &xinqiao, &fangsong, &jinshan];
        let file = |item_id: i64| NewServiceRequest {
            item_id,
            unit: firm,
            title: String::new(),
            detail: String::new(),
            is_demo: false,
        };
        // Monday 2026-11-23 10:00.
        let r1 = s.services().file_request(&sys, file(staged)).await.unwrap();
        let r2 = s.services().file_request(&sys, file(staged)).await.unwrap();
        let r3 = s.services().file_request(&sys, file(plain)).await.unwrap();
        let r4 = s.services().file_request(&sys, file(other)).await.unwrap();
        let r5 = s.services().file_request(&sys, file(plain)).await.unwrap();
        same_both_ways(s, &callers, "after filing").await;

        // 拿地 from Monday to Friday 10:00, waiting on the enterprise Tuesday to Thursday.
        s.services().step(&officer, r1, RequestStep::StartStage("拿地".into())).await.unwrap();
        db.clock.advance(Duration::days(1));
        s.services().step(&officer, r2, RequestStep::Finish("已办结".into())).await.unwrap();
        s.services().step(&officer, r1, RequestStep::Pause("缺少环评批复".into())).await.unwrap();
        db.clock.advance(Duration::days(2));
        s.services().step(&officer, r1, RequestStep::Resume("已补齐".into())).await.unwrap();
        db.clock.advance(Duration::days(1));
        s.services().step(&officer, r1, RequestStep::FinishStage("拿地".into())).await.unwrap();
        s.services().step(&officer, r1, RequestStep::StartStage("施工许可".into())).await.unwrap();
        same_both_ways(s, &callers, "with a stage finished").await;
        let page = s.services().request(&officer, r1).await.unwrap();
        assert_eq!(page.stages[0].working_days, Some(2.0), "four working days, two of them waiting on the enterprise");
        let report = s.services().report(&sys).await.unwrap();
        assert_eq!(
            report.stages.iter().map(|l| (l.stage.as_str(), l.finished, l.avg_days)).collect::<Vec<_>>(),
            [("拿地", 1, 2.0)],
            "the report says what the page says"
        );

        db.clock.advance(Duration::days(3)); // Monday
        s.services().step(&officer, r1, RequestStep::FinishStage("施工许可".into())).await.unwrap();
        s.services().step(&officer, r1, RequestStep::Finish("已办结".into())).await.unwrap();
        s.services()
            .step(&officer, r3, RequestStep::Transfer { department_id: b.0, reason: "属规划资源".into() })
            .await
            .unwrap();
        s.services().step(&planner, r4, RequestStep::Reject("不属于受理范围".into())).await.unwrap();
        s.services().step(&officer, r5, RequestStep::Pause("缺少申请表".into())).await.unwrap();
        same_both_ways(s, &callers, "after finish, transfer, refusal and a pause").await;
        let moved = s.services().report(&sys).await.unwrap();
        let of =
            |d: i64, i: i64| moved.rows.iter().find(|r| r.department_id == d && r.item_id == Some(i)).map(|r| r.count);
        assert_eq!((of(a.0, plain), of(b.0, plain)), (Some(1), Some(1)), "the transfer moved one request");

        for (id, stars) in [(r1, 5), (r2, 3)] {
            s.services().rate(id, &s.services().rating_token(id), stars, "").await.unwrap();
        }
        db.clock.advance(Duration::days(2));
        s.services().step(&planner, r3, RequestStep::Finish("已办结".into())).await.unwrap();
        same_both_ways(s, &callers, "after ratings and a finish after transfer").await;
        let before = s.services().report(&sys).await.unwrap();
        assert_eq!((before.total.count, before.total.done, before.total.rated), (5, 3, 2));

        // Tuesday 24 November becomes a day off: every time that ran through it is recounted.
        let (_, shipped) = qunlian_domain::calendar::SHIPPED[2];
        let year = format!("{shipped}\n2026-11-24,holiday,测试停工\n");
        s.services().import_calendar_year(&sys, &year).await.unwrap();
        same_both_ways(s, &callers, "after a calendar year was loaded").await;
        let after = s.services().report(&sys).await.unwrap();
        assert_ne!(after, before, "the recount moved the figures");
        assert_ne!(after.stages[0].avg_days, 2.0, "拿地 ran through the new day off");
        let total = |c| async move { s.services().report(c).await.unwrap().total.count };
        assert_eq!((total(&district).await, total(&xinqiao).await, total(&fangsong).await), (5, 5, 0));
        assert_eq!(total(&jinshan).await, 0, "another district's towns hold none of it");
        assert_eq!((total(&officer).await, total(&planner).await), (4, 2), "经委 keeps the request it transferred");

        // The enterprise moves from 新桥 to 方松: its requests go with it.
        s.registry().update_enterprise(&sys, firm, enterprise(962, "上海派生测试有限公司", "方松")).await.unwrap();
        same_both_ways(s, &callers, "after the enterprise moved town").await;
        assert_eq!((total(&district).await, total(&xinqiao).await, total(&fangsong).await), (5, 0, 5));
    }

    /// The benchmark's synthetic requests make a report whose parts add up to its total.
    #[tokio::test]
    async fn synthetic_requests_add_up() {
        let db = TestDb::new().await;
        let s = &db.store;
        for n in 0..5u32 {
            s.registry()
                .create_enterprise(&system(), enterprise(990 + n, &format!("上海合成测试{n}有限公司"), "新桥"))
                .await
                .unwrap();
        }
        assert_eq!(s.services().seed_synthetic_requests(400, 3).await.unwrap(), 400);
        let report = s.services().report(&system()).await.unwrap();
        assert_eq!(report.total.count, 400);
        let departments: usize = report.rows.iter().filter(|r| r.item_id.is_none()).map(|r| r.count).sum();
        let items: usize = report.rows.iter().filter(|r| r.item_id.is_some()).map(|r| r.count).sum();
        assert_eq!((departments, items), (400, 400));
        assert!(report.total.done > 300 && report.total.on_time > 0 && report.total.on_time < report.total.done);
        assert!(report.total.median_days.unwrap() <= report.total.p90_days.unwrap());
        assert_eq!(report, s.services().report_counted(&system()).await.unwrap(), "bulk inserts keep the cells");
        let district = user(s, "qu", Role::DistrictAdmin, Scope::Region(songjiang())).await;
        let dept = qunlian_domain::auth::UnitId(report.rows[0].department_id);
        let officer = user(s, "so", Role::ServiceOfficer, Scope::Department(dept)).await;
        same_both_ways(s, &[&district, &officer], "after bulk inserts").await;
        assert_eq!(s.services().report(&district).await.unwrap().total.count, 400);
        assert_eq!(s.services().report(&officer).await.unwrap().total.count, report.rows[0].count);
    }
}

mod matching;
