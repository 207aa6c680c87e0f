//! No change without its audit line (`audit.rs`: `Store::recorded` and its kin). With the
//! audit log refusing every line — a trigger on `audit_log` raising for each insert, on
//! SQLite and on PostgreSQL — every write below must fail with the audit's error and leave
//! the database as it found it: the record, its history rows, the rows derived from it.
//! Then, with the log working again, the same write must succeed (so each case exercises a
//! real change, not a refusal for some other reason).
//!
//! Before the fix (see the commits), the imports, the policy push, the calendar, the
//! coverage rebuild, the studio links, the accounts' grants, disables and passwords, the
//! logins' counters, the reading of a pushed policy, the automatic reviewer assignment and
//! the outcome report wrote their change, committed it and then failed on the audit line:
//! the change stayed with nothing in the log. An officer's cleared conflict removed the pinned one before
//! writing its own, with its line, in another transaction.
//!
//! A flow made of several transactions on purpose writes its line with the step it
//! describes: the enterprise import (docs/decisions/0006) stages a file (no change to the
//! register) and applies it in batches, each with the lines of the units it updates in one
//! transaction, the last one also with the job's summary line (the only line that counts
//! its new units). A refused batch leaves `units` untouched and the job marked `applying`
//! (bookkeeping, in `import_jobs`), to be finished by the next apply, or the next start of
//! the store, once the log takes lines again.

use std::collections::BTreeMap;
use std::fmt::Debug;

use qunlian_domain::activities::{ActivityFields, ActivityKind, Attendance, Organiser, OrganiserKind};
use qunlian_domain::auth::{Role, Scope};
use qunlian_domain::bodies::{RawStudio, StudioFields, StudioTarget};
use qunlian_domain::matching::{ListingKind, Reach};
use qunlian_domain::people::development::current;
use qunlian_domain::people::{ApplicantFields, MemberCategory, OrgRef, StepFields};
use qunlian_domain::projects::{ApplicationAction as A, Decision, Pin, RawOutcome, Tier};
use qunlian_domain::registry::{EnterpriseInput, ProposalDecision, ProposalFields, RawProposal};
use qunlian_domain::services::{CatalogueLine, TimeLimit};
use qunlian_store::StoreError;
use qunlian_store::coverage::NewAssignment;
use qunlian_store::matching::ListingImportRow;
use qunlian_store::people::RosterRow;
use qunlian_store::policies::{NewPolicy, PushTarget};
use qunlian_testkit::*;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

/// The walk's findings: every case that failed, by name and why.
#[derive(Default)]
struct Walk {
    failed: Vec<String>,
    cases: usize,
}

impl Walk {
    /// Checks `write` with the audit log refusing lines: an error from the log, and the
    /// database unchanged but for `keeps` (bookkeeping tables a multi-step flow moves on
    /// before the step that fails). Then runs it again with the log working and returns
    /// what it gave (`None`, a failure of the walk, when it failed). Derived tables are
    /// brought up to date first, as a read would.
    async fn check<T: Debug>(
        &mut self,
        db: &TestDb,
        case: &str,
        keeps: &[&str],
        write: impl AsyncFn() -> Result<T, StoreError>,
    ) -> Option<T> {
        db.store.coverage().ensure_fresh().await.unwrap();
        self.check_as_is(db, case, keeps, write).await
    }

    /// [`Walk::check`] without bringing derived tables up to date first.
    async fn check_as_is<T: Debug>(
        &mut self,
        db: &TestDb,
        case: &str,
        keeps: &[&str],
        write: impl AsyncFn() -> Result<T, StoreError>,
    ) -> Option<T> {
        self.cases += 1;
        let raw = sea_orm::Database::connect(&db.url).await.unwrap();
        let before = fingerprint(db, &raw).await;
        audit_down(db, &raw, true).await;
        let refused = write().await;
        audit_down(db, &raw, false).await;
        let after = fingerprint(db, &raw).await;
        match &refused {
            Ok(v) => self.failed.push(format!("{case}: succeeded without its audit line ({v:?})")),
            Err(e) if !format!("{e:?}").contains("audit down") => {
                self.failed.push(format!("{case}: refused for another reason than the audit log: {e:?}"))
            }
            Err(_) => {}
        }
        let changed: Vec<&String> = after
            .iter()
            .filter(|(table, rows)| !keeps.contains(&table.as_str()) && before.get(*table) != Some(*rows))
            .map(|(table, _)| table)
            .collect();
        if !changed.is_empty() {
            self.failed.push(format!("{case}: its audit line failed, yet these tables kept a change: {changed:?}"));
        }
        match write().await {
            Ok(done) => {
                assert!(fingerprint(db, &raw).await != before, "{case}: with the audit log working it changed nothing");
                Some(done)
            }
            Err(e) => {
                self.failed.push(format!("{case}: with the audit log working again it failed: {e:?}"));
                None
            }
        }
    }
}

/// Makes the audit log refuse every line (`on`), or take them again.
async fn audit_down(db: &TestDb, raw: &DatabaseConnection, on: bool) {
    let sql = match (db.is_postgres(), on) {
        (false, true) => {
            "CREATE TRIGGER audit_down BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit down'); END"
        }
        (false, false) => "DROP TRIGGER audit_down",
        (true, true) => {
            "CREATE FUNCTION audit_down() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'audit down'; END $$ \
             LANGUAGE plpgsql; \
             CREATE TRIGGER audit_down BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_down()"
        }
        (true, false) => "DROP TRIGGER audit_down ON audit_log; DROP FUNCTION audit_down()",
    };
    raw.execute_unprepared(sql).await.unwrap();
}

/// Every table's rows as text, in a fixed order: two fingerprints are equal when no row of
/// any table was added, removed or changed.
async fn fingerprint(db: &TestDb, raw: &DatabaseConnection) -> BTreeMap<String, String> {
    let backend = raw.get_database_backend();
    let one = async |sql: String| -> Vec<String> {
        raw.query_all_raw(Statement::from_string(backend, sql))
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get_by_index::<Option<String>>(0).unwrap().unwrap_or_default())
            .collect()
    };
    let tables = if db.is_postgres() {
        one("SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()".into()).await
    } else {
        one("SELECT name FROM sqlite_master WHERE type = 'table'".into()).await
    };
    let mut out = BTreeMap::new();
    for t in tables {
        let sql = if db.is_postgres() {
            format!(r#"SELECT string_agg(t::text, E'\n' ORDER BY t::text) FROM "{t}" t"#)
        } else {
            let columns = one(format!("SELECT name FROM pragma_table_info('{t}')")).await;
            let row = columns.iter().map(|c| format!(r#"quote("{c}")"#)).collect::<Vec<_>>().join(" || ',' || ");
            format!(r#"SELECT group_concat(r, char(10)) FROM (SELECT {row} AS r FROM "{t}" ORDER BY 1)"#)
        };
        let rows = one(sql).await.concat();
        out.insert(t, rows);
    }
    out
}

#[tokio::test]
async fn no_write_outlives_its_audit_line() {
    let db = TestDb::new().await;
    let s = &db.store;
    let sys = system();
    let mut walk = Walk::default();
    let mut high_tech = enterprise(1, "上海甲科技有限公司", "新桥");
    high_tech.high_tech = true;
    let a = s.registry().create_enterprise(&sys, high_tech).await.unwrap();
    let b = s.registry().create_enterprise(&sys, enterprise(2, "上海乙制造有限公司", "新桥")).await.unwrap();
    let c = s.registry().create_enterprise(&sys, enterprise(3, "上海丙材料有限公司", "新桥")).await.unwrap();
    let dept = department(s, 700, "上海市松江区经济委员会").await;
    let org_a = s.registry().create_org(&sys, org("上海甲科技有限公司党支部", vec![a])).await.unwrap();
    let contact_a = user(s, "contact_a", Role::EnterpriseContact, Scope::Enterprise(a)).await;

    // The imports: each file's good rows and its line in one transaction.
    let rows = vec![ListingImportRow {
        line: 2,
        uscc: uscc(1).as_str().to_owned(),
        fields: listing(ListingKind::Offer, "高纯电子化学品", "由导入发布", Reach::Town),
    }];
    walk.check(&db, "listings import (matching/import.rs import_listings)", &[], async || {
        s.matching().import_listings(&sys, rows.clone(), "供需.csv", 0, false).await
    })
    .await;
    let line = CatalogueLine {
        line: 2,
        code: "JW-01".into(),
        name: "技改项目备案".into(),
        department: "经委".into(),
        materials: vec!["营业执照".into()],
        limit: TimeLimit::WorkingDays(5),
        stages: vec![],
    };
    walk.check(&db, "catalogue import (services/catalogue_import.rs import_items)", &[], async || {
        s.services().import_items(&sys, vec![line.clone()]).await
    })
    .await;
    walk.check(&db, "roster import (people/import.rs import_roster)", &[], async || {
        let rows = vec![RosterRow { line: 2, fields: member(11, org_a.0) }];
        s.people().import_roster(&sys, rows, "名册.xlsx", vec![], false).await
    })
    .await;
    for (case, tax) in [
        ("figures import (results/import.rs import_figures)", 160),
        ("figures import replacing a value (results/import.rs import_figures)", 170),
    ] {
        let figures = format!("统一社会信用代码,期间,税收（万元）\n{},2026年,{tax}\n", uscc(1).as_str());
        walk.check(&db, case, &[], async || crate::results::import(&db, &sys, &figures).await).await;
    }
    let mut import = s.registry().begin_import(&sys, "名录.csv", false).await.unwrap();
    import.add(&[enterprise(4, "上海丁新材料有限公司", "新桥")], &[2]).await.unwrap();
    import.finish_reading(0).await.unwrap();
    let job = import.job_id();
    walk.check(
        &db,
        "enterprise import, a batch applied (registry/import_apply.rs apply_import)",
        &["import_jobs"],
        async || s.registry().apply_import(&sys, job).await,
    )
    .await;
    walk.check(&db, "calendar year loaded (services/calendar.rs import_calendar_year)", &[], async || {
        s.services().import_calendar_year(&sys, "# 来源：测试通知\n2027-01-01,holiday,元旦\n").await
    })
    .await;

    // A park a unit's form or file names is created with the unit's change, with its line.
    let in_park =
        |n: u32, name: &str, park: &str| EnterpriseInput { park: Some(park.into()), ..enterprise(n, name, "新桥") };
    walk.check(&db, "enterprise registered in a new park (registry/enterprises.rs create_unit)", &[], async || {
        s.registry().create_enterprise(&sys, in_park(5, "上海戊科技有限公司", "新桥科创园")).await
    })
    .await;
    walk.check(&db, "enterprise moved to a new park (registry/enterprises.rs update_unit)", &[], async || {
        s.registry().update_enterprise(&sys, b, in_park(2, "上海乙制造有限公司", "新桥智造园")).await
    })
    .await;
    // The job begun before the refused batch stays (its row and, on SQLite, its id's counter).
    let job_begun = ["import_jobs", "sqlite_sequence"];
    walk.check(&db, "enterprise file read, naming a new park (registry/import.rs add)", &job_begun, async || {
        let mut import = s.registry().begin_import(&sys, "园区.csv", false).await?;
        import.add(&[in_park(6, "上海己物流有限公司", "新桥物流园")], &[2]).await.map(|r| r.len())
    })
    .await;

    // Policies: the push and an enterprise's reading of it.
    let policy = NewPolicy {
        title: "高企奖励".into(),
        department_id: dept.0,
        doc_number: "松经委〔2026〕1号".into(),
        valid_from: d("2026-01-01"),
        valid_until: None,
        content: "政策内容".into(),
        rule: "高新技术企业".into(),
        is_demo: false,
    };
    let policy = s.policies().save(&sys, None, policy).await.unwrap();
    walk.check(&db, "policy push (policies/pushes.rs push_policies)", &[], async || {
        s.policies().push_policies(&sys, "政策包", &[policy], &PushTarget::Own, false).await
    })
    .await;
    walk.check(&db, "pushed policy read (policies/own.rs open_my_policy)", &[], async || {
        s.policies().open_my_policy(&contact_a, policy).await.map(|p| p.read_at)
    })
    .await;

    // People: a development step.
    let applicant = ApplicantFields {
        name: "王小明".into(),
        category: MemberCategory::IndustrialWorker,
        org: OrgRef::Id(org_a.0),
        work_unit: None,
        id_number: None,
        applied_on: d("2026-11-01"),
        doc_name: String::new(),
        doc_number: String::new(),
    };
    let person = s.people().enter(&sys, applicant, false).await.unwrap();
    let step = StepFields {
        step: current().step(2).unwrap(),
        done_on: d("2026-11-20"),
        doc_name: "谈话记录".into(),
        doc_number: String::new(),
        note: String::new(),
    };
    walk.check(&db, "development step (people/development.rs record_step)", &[], async || {
        s.people().record_step(&sys, person, step.clone(), false).await
    })
    .await;

    // The registry: proposals made and decided, organisations made and dissolved.
    let rename = |new_name: &str| {
        ProposalFields::parse(&RawProposal {
            kind: "rename_org".into(),
            org: org_a.to_string(),
            new_name: new_name.into(),
            reason: "企业更名".into(),
            ..Default::default()
        })
        .unwrap()
    };
    let confirmed = walk
        .check(&db, "proposal made (registry/proposals.rs propose)", &[], async || {
            s.registry().propose(&contact_a, rename("上海甲科技股份有限公司党支部")).await
        })
        .await
        .unwrap();
    walk.check(&db, "proposal confirmed (registry/proposals.rs decide_proposal)", &[], async || {
        s.registry().decide_proposal(&sys, confirmed, ProposalDecision::Confirm, "").await
    })
    .await;
    let returned = s.registry().propose(&contact_a, rename("甲科技党支部")).await.unwrap();
    walk.check(&db, "proposal returned (registry/proposals.rs decide_proposal)", &[], async || {
        s.registry().decide_proposal(&sys, returned, ProposalDecision::Return, "名称不规范").await
    })
    .await;
    let made = walk
        .check(&db, "organisation created (registry/orgs.rs create_org)", &[], async || {
            s.registry().create_org(&sys, org("上海乙制造有限公司党支部", vec![b])).await
        })
        .await
        .unwrap();
    walk.check(&db, "organisation dissolved (registry/orgs.rs dissolve_org)", &[], async || {
        s.registry().dissolve_org(&sys, made, d("2026-11-20"), "企业迁出").await
    })
    .await;

    // Studio links: named, moved to another studio, removed.
    let studio = |name: &str| {
        StudioFields::parse(&RawStudio {
            name: name.into(), org: "新桥集群党委".into(), lead: "王海云".into()
        })
        .unwrap()
    };
    let first = s.bodies().add_studio(&sys, &town("新桥"), studio("王海云书记工作室"), false).await.unwrap();
    let second = s.bodies().add_studio(&sys, &town("新桥"), studio("李明书记工作室"), false).await.unwrap();
    let activity = ActivityFields {
        party_group: None,
        organiser: Organiser { kind: OrganiserKind::Org, id: org_a.0 },
        kind: ActivityKind::Seminar,
        subject: "工作室攻关座谈".into(),
        held_on: d("2026-11-02"),
        place: "新桥".into(),
        units: vec![],
        attendance: Attendance::Headcount(9),
        minutes: String::new(),
    };
    let activity = s.activities().record(&sys, activity, false).await.unwrap();
    for (case, to) in [
        ("studio named (bodies/studios.rs name_studio)", Some(first)),
        ("studio changed (bodies/studios.rs name_studio)", Some(second)),
        ("studio removed (bodies/studios.rs name_studio)", None),
    ] {
        walk.check(&db, case, &[], async || {
            s.bodies().name_studio(&sys, StudioTarget::Activity, activity, to, false).await
        })
        .await;
    }

    // Accounts.
    let clerk = user(s, "clerk", Role::Pending, Scope::Nothing).await.user_id;
    walk.check(&db, "role granted (accounts/admin.rs grant)", &[], async || {
        s.accounts().grant(&sys, clerk, Role::Leader, Scope::All).await
    })
    .await;
    for (case, disabled) in
        [("account disabled (accounts/admin.rs set_disabled)", true), ("account enabled (set_disabled)", false)]
    {
        walk.check(&db, case, &[], async || s.accounts().set_disabled(&sys, clerk, disabled).await).await;
    }
    walk.check(&db, "password reset (accounts/admin.rs reset_password)", &[], async || {
        s.accounts().reset_password(&sys, clerk).await.map(|_| ())
    })
    .await;
    walk.check(&db, "password set (accounts/users.rs set_password)", &[], async || {
        s.accounts().set_password(&sys, clerk, "Another@Pass2026").await
    })
    .await;
    for (case, password) in [
        ("failed login counted (accounts/users.rs login)", "Wrong@Pass2026"),
        ("login, counters reset (accounts/users.rs login)", "Another@Pass2026"),
    ] {
        walk.check(&db, case, &[], async || {
            s.accounts().login("clerk", password, None).await.map(|o| format!("{o:?}"))
        })
        .await;
    }

    // Coverage: a rebuild that closes the entry of an enterprise now covered.
    let entry = NewAssignment {
        unit: c,
        responsible_unit: "新桥镇社区党建办".into(),
        instructor_name: None,
        due_on: d("2026-12-31"),
        note: None,
        is_demo: false,
    };
    s.coverage().create_assignment(&sys, entry).await.unwrap();
    s.registry().create_org(&sys, org("上海丙材料有限公司党支部", vec![c])).await.unwrap();
    walk.check_as_is(&db, "coverage rebuilt, an entry closed (coverage/derived.rs rebuild)", &[], async || {
        s.coverage().rebuild().await.map(|r| r.closed_assignments)
    })
    .await;

    // Projects, on a database of their own (their world numbers its enterprises from 1).
    let pdb = TestDb::new().await;
    let p = pdb.store.projects();
    let w = crate::projects::world(&pdb).await;
    crate::projects::under_review(&pdb, &w).await;
    p.act(&system(), w.a1, A::Decide(Decision::Award(Tier::Excellent)), "打破国外垄断", None).await.unwrap();
    p.act(&system(), w.a1, A::StartImplementation, "", None).await.unwrap();
    let report = RawOutcome { year: "2026".into(), output: "1,200万元".into(), ..Default::default() };
    walk.check(&pdb, "outcome report filed (projects/outcomes.rs file_outcome)", &[], async || {
        p.file_outcome(&w.branch1, w.a1, &report, vec![("证明.pdf".into(), b"%PDF-1.4".to_vec())], false).await
    })
    .await;
    walk.check(&pdb, "reviewers assigned (projects/review.rs assign_automatically)", &[], async || {
        p.assign_automatically(&system(), w.round).await.map(|r| r.added)
    })
    .await;

    let (declarer, reviewer) = (&w.reviewers["r_econ2"].0, w.reviewers["r_org"].1);
    for (case, pin) in [
        ("conflict pinned (projects/conflicts.rs pin)", Pin::Conflict),
        ("conflict cleared (projects/conflicts.rs pin)", Pin::Clear),
    ] {
        walk.check(&pdb, case, &[], async || p.pin(&system(), w.a2, reviewer, pin, "核实").await).await;
    }
    walk.check(&pdb, "conflict declared (projects/conflicts.rs declare_conflict)", &[], async || {
        p.declare_conflict(declarer, w.a2, "曾在该企业任职").await
    })
    .await;

    assert!(
        walk.failed.is_empty(),
        "{} of {} cases failed:\n{}",
        walk.failed.len(),
        walk.cases,
        walk.failed.join("\n")
    );
}
