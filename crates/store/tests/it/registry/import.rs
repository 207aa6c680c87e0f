//! The enterprise import: scope (issue #11 point 1), staging and applying in batches (point
//! 7), and an import cut short (crash) ending with all its rows or none.

use std::sync::Arc;

use qunlian_domain::auth::{Caller, Role, Scope};
use qunlian_domain::clock::Clock;
use qunlian_domain::registry::EnterpriseInput;
use qunlian_store::accounts::LoginOutcome;
use qunlian_store::audit::AuditFilter;
use qunlian_store::registry::{APPLY_BATCH, ImportCounts, OTHER_TOWN};
use qunlian_store::{Crypto, PageRequest, Store};
use qunlian_testkit::*;

/// Imports `rows` (lines 2, 3, … as under a header) for `caller` in one go, staged.
async fn import(s: &Store, caller: &Caller, rows: &[EnterpriseInput]) -> (ImportCounts, Vec<(usize, String)>) {
    import_via(s, caller, rows, false).await
}

/// The same, staged (the page's way) or `direct` (the command line's: one transaction,
/// straight into the register).
async fn import_via(
    s: &Store,
    caller: &Caller,
    rows: &[EnterpriseInput],
    direct: bool,
) -> (ImportCounts, Vec<(usize, String)>) {
    let lines: Vec<usize> = (0..rows.len()).map(|i| i + 2).collect();
    let mut imp = if direct {
        s.registry().begin_direct_import(caller, "测试.csv", false).await.unwrap()
    } else {
        s.registry().begin_import(caller, "测试.csv", false).await.unwrap()
    };
    let rejects = imp.add(rows, &lines).await.unwrap();
    let counts = imp.commit(0).await.unwrap();
    (counts, rejects.into_iter().map(|r| (r.line, r.reason)).collect())
}

pub(super) async fn audit_details(s: &Store, action: &str) -> Vec<(Option<String>, String)> {
    let auditor = user(s, &format!("auditor-{}", rand_suffix()), Role::AuditAdmin, Scope::Nothing).await;
    let filter = AuditFilter { action: Some(action.into()), ..Default::default() };
    s.audit()
        .search(&auditor, &filter, PageRequest::new(Some(1), Some(1000)))
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|e| (e.target_id, e.detail))
        .collect()
}

fn rand_suffix() -> String {
    format!("{:x}", rand::random::<u32>())
}

#[tokio::test]
async fn rerun_changes_nothing_and_edits_count_as_updates() {
    for direct in [false, true] {
        let db = TestDb::new().await;
        let s = &db.store;
        let rows: Vec<_> = (0..2500u32).map(|n| enterprise(n, &format!("上海导入{n}有限公司"), "新桥")).collect();
        let (counts, rejects) = import_via(s, &system(), &rows, direct).await;
        assert!(rejects.is_empty());
        assert_eq!(counts, ImportCounts { imported: 2500, updated: 0, unchanged: 0 });

        let mut changed = rows.clone();
        changed[7].employees = Some(999);
        changed[2001].name = "上海改名有限公司".into();
        let (counts, _) = import_via(s, &system(), &changed, direct).await;
        assert_eq!(counts, ImportCounts { imported: 0, updated: 2, unchanged: 2498 }, "direct: {direct}");
        let e = s.registry().enterprise_by_uscc(&system(), uscc(2001).as_str()).await.unwrap();
        assert_eq!(e.name, "上海改名有限公司");
        assert_eq!(s.registry().count_enterprises(&system(), &Default::default()).await.unwrap(), 2500);
        let (again, _) = import_via(s, &system(), &changed, direct).await;
        assert_eq!(again, ImportCounts { imported: 0, updated: 0, unchanged: 2500 }, "direct: {direct}");
    }
}

#[tokio::test]
async fn rows_outside_the_area_are_rejected_and_a_rollback_keeps_nothing() {
    let db = TestDb::new().await;
    let s = &db.store;
    let xinqiao = user(s, "x", Role::TownAdmin, Scope::Region(town("新桥"))).await;
    let rows = vec![enterprise(1, "上海甲有限公司", "新桥"), enterprise(2, "上海乙有限公司", "九亭")];
    let mut imp = s.registry().begin_import(&xinqiao, "t", false).await.unwrap();
    let rejects = imp.add(&rows, &[2, 3]).await.unwrap();
    assert_eq!(rejects.len(), 1);
    assert_eq!((rejects[0].index, rejects[0].line), (1, 3));
    assert!(rejects[0].reason.contains("九亭"), "{}", rejects[0].reason);
    imp.rollback().await.unwrap();
    assert_eq!(s.registry().count_enterprises(&system(), &Default::default()).await.unwrap(), 0);

    let cluster_secretary =
        user(s, "c", Role::ClusterSecretary, Scope::Cluster(qunlian_domain::auth::ClusterId(1))).await;
    assert!(s.registry().begin_import(&cluster_secretary, "t", false).await.is_err());
}

/// Issue #11 point 1: the 新桥镇 admin imported another town's USCC with 所属街镇=新桥镇 and
/// the enterprise moved into 新桥镇, renamed. Failed before the fix (the unit moved).
#[tokio::test]
async fn another_towns_uscc_is_refused_and_nothing_about_that_unit_changes() {
    for direct in [false, true] {
        let db = TestDb::new().await;
        let s = &db.store;
        s.registry().create_enterprise(&system(), enterprise(1, "上海九亭原名有限公司", "九亭")).await.unwrap();
        s.registry().create_enterprise(&system(), enterprise(2, "上海新桥原名有限公司", "新桥")).await.unwrap();
        let before_1 = s.registry().enterprise_by_uscc(&system(), uscc(1).as_str()).await.unwrap();
        let before_2 = s.registry().enterprise_by_uscc(&system(), uscc(2).as_str()).await.unwrap();
        let xinqiao = user(s, "xq", Role::TownAdmin, Scope::Region(town("新桥"))).await;

        // Into the scope: 九亭's unit claimed for 新桥, renamed.
        let mut takeover = enterprise(1, "上海被改名有限公司", "新桥");
        takeover.employees = Some(1);
        // Out of the scope: 新桥's own unit sent to 九亭.
        let away = enterprise(2, "上海新桥原名有限公司", "九亭");
        let (counts, rejects) = import_via(s, &xinqiao, &[takeover, away], direct).await;
        assert_eq!(counts, ImportCounts::default());
        assert_eq!(rejects.len(), 2, "{rejects:?}");
        assert_eq!(rejects[0], (2, OTHER_TOWN.to_owned()));
        assert_eq!(format!("第{}行：{}", rejects[0].0, rejects[0].1), "第2行：该信用代码属于其他街镇的企业，无权修改");
        assert_eq!(rejects[1].0, 3);
        assert!(rejects[1].1.contains("九亭"), "{}", rejects[1].1);

        let after_1 = s.registry().enterprise_by_uscc(&system(), uscc(1).as_str()).await.unwrap();
        let after_2 = s.registry().enterprise_by_uscc(&system(), uscc(2).as_str()).await.unwrap();
        assert_eq!((after_1.name.as_str(), after_1.town_name.as_str()), ("上海九亭原名有限公司", "九亭镇"));
        assert_eq!(format!("{after_1:?}"), format!("{before_1:?}"), "nothing about 九亭's unit changes");
        assert_eq!(format!("{after_2:?}"), format!("{before_2:?}"));
        assert!(audit_details(s, "unit.update").await.is_empty());
    }
}

/// The audit names each changed unit and field, not just "updated 1 row". Failed before
/// the fix (only the summary entry existed).
#[tokio::test]
async fn the_audit_names_each_updated_unit_and_field() {
    for direct in [false, true] {
        let db = TestDb::new().await;
        let s = &db.store;
        let rows: Vec<_> = (0..3u32).map(|n| enterprise(n, &format!("上海审计{n}有限公司"), "新桥")).collect();
        import_via(s, &system(), &rows, direct).await;
        let mut changed = rows.clone();
        changed[1].name = "上海审计改名有限公司".into();
        changed[1].employees = Some(77);
        changed[2].contact_phone = Some(qunlian_domain::Phone::parse("13912345678").unwrap());
        let (counts, _) = import_via(s, &system(), &changed, direct).await;
        assert_eq!(counts, ImportCounts { imported: 0, updated: 2, unchanged: 1 });

        let id_1 = s.registry().enterprise_by_uscc(&system(), uscc(1).as_str()).await.unwrap().id.to_string();
        let id_2 = s.registry().enterprise_by_uscc(&system(), uscc(2).as_str()).await.unwrap().id.to_string();
        let updates = audit_details(s, "unit.update").await;
        assert_eq!(updates.len(), 2, "{updates:?}");
        let of = |id: &str| updates.iter().find(|(t, _)| t.as_deref() == Some(id)).map(|(_, d)| d.clone()).unwrap();
        let d1 = of(&id_1);
        assert!(d1.contains("上海审计1有限公司") && d1.contains(uscc(1).as_str()), "{d1}");
        assert!(d1.contains("名称：上海审计1有限公司 → 上海审计改名有限公司"), "{d1}");
        assert!(d1.contains("从业人数："), "{d1}");
        let d2 = of(&id_2);
        assert!(d2.contains("联系电话：已更改") && !d2.contains("13912345678"), "{d2}");
        let summaries = audit_details(s, "unit.import").await;
        assert_eq!(summaries.len(), 2);
        assert!(summaries.iter().any(|(_, d)| d.contains("新增0，更新2，未变1")), "{summaries:?}");
    }
}

/// Issue #11 point 7: on SQLite one import held the write lock for its whole run, so a
/// login (which writes) and a form save elsewhere failed after the busy timeout. Now the
/// import is staged and applied in short transactions, and both go through between them
/// while the job is visibly in progress. Failed before the fix on SQLite (the import's one
/// transaction was still open at the first login).
#[tokio::test]
async fn logins_and_saves_go_through_while_an_import_is_in_progress() {
    let db = TestDb::new().await;
    let s = &db.store;
    let other =
        s.registry().create_enterprise(&system(), enterprise(900_000, "上海别处有限公司", "九亭")).await.unwrap();
    let officer = user(s, "officer", Role::DistrictAdmin, Scope::All).await;
    let n = APPLY_BATCH as u32 * 2 + 500;
    let rows: Vec<_> = (0..n).map(|i| enterprise(i, &format!("上海批量{i}有限公司"), "新桥")).collect();
    let lines: Vec<usize> = (0..rows.len()).map(|i| i + 2).collect();
    let mut saves = 0;
    let mut save = async |label: &str| {
        let outcome = s.accounts().login("officer", PASSWORD, None).await.unwrap();
        assert!(matches!(outcome, LoginOutcome::Ok(_)), "login during the import ({label})");
        let mut input = enterprise(900_000, "上海别处有限公司", "九亭");
        input.employees = Some(saves);
        s.registry().update_enterprise(&officer, other, input).await.unwrap();
        saves += 1;
    };
    let mut imp = s.registry().begin_import(&system(), "大文件.csv", false).await.unwrap();
    let job = imp.job_id();
    for (chunk, chunk_lines) in rows.chunks(5000).zip(lines.chunks(5000)) {
        imp.add(chunk, chunk_lines).await.unwrap();
        save("reading").await;
    }
    imp.finish_reading(0).await.unwrap();
    s.registry().start_apply(&system(), job).await.unwrap();
    while s.registry().apply_batch(job).await.unwrap() {
        let progress = s.registry().import_job(&system(), job).await.unwrap();
        assert_eq!(progress.state, "applying");
        assert!(progress.applied_rows > 0 && progress.applied_rows < progress.staged_rows);
        save("applying").await;
    }
    // One after each of the 5 staged chunks, one between each two of the 3 apply batches.
    assert_eq!(saves, 5 + 2);
    let counts = s.registry().continue_apply(job).await.unwrap();
    assert_eq!(counts.imported, u64::from(n));
    assert_eq!(s.registry().count_enterprises(&system(), &Default::default()).await.unwrap(), u64::from(n) + 1);
    let e = s.registry().enterprise_by_uscc(&system(), uscc(900_000).as_str()).await.unwrap();
    assert_eq!(e.employees, Some(saves as i32 - 1));
}

/// A process killed while applying (between two batch transactions): the next one to open
/// the store finishes the job, so the register has every row once; one killed while
/// reading leaves the register untouched. Same data on SQLite and PostgreSQL.
#[tokio::test]
async fn an_import_cut_short_ends_with_all_its_rows_or_none() {
    let db = TestDb::new().await;
    let s = &db.store;
    let n = APPLY_BATCH as u32 + 300;
    let rows: Vec<_> = (0..n).map(|i| enterprise(i, &format!("上海中断{i}有限公司"), "新桥")).collect();
    let lines: Vec<usize> = (0..rows.len()).map(|i| i + 2).collect();

    // Killed while reading: nothing in the register.
    let mut reading = s.registry().begin_import(&system(), "读到一半.csv", false).await.unwrap();
    reading.add(&rows[..5000], &lines[..5000]).await.unwrap();
    drop(reading);
    // Killed after the first applied batch.
    let mut imp = s.registry().begin_import(&system(), "写到一半.csv", false).await.unwrap();
    let job = imp.job_id();
    imp.add(&rows, &lines).await.unwrap();
    imp.finish_reading(0).await.unwrap();
    s.registry().start_apply(&system(), job).await.unwrap();
    assert!(s.registry().apply_batch(job).await.unwrap());
    let half = s.registry().count_enterprises(&system(), &Default::default()).await.unwrap();
    assert_eq!(half, APPLY_BATCH as u64);

    // The restart: a new store on the same database.
    let clock = db.clock.clone() as Arc<dyn Clock>;
    let reopened = Store::open_with_clock(&db.url, Crypto::new(&[42u8; 32]).unwrap(), clock).await.unwrap();
    assert_eq!(reopened.registry().count_enterprises(&system(), &Default::default()).await.unwrap(), u64::from(n));
    let job_now = reopened.registry().import_job(&system(), job).await.unwrap();
    assert_eq!((job_now.state.as_str(), job_now.applied_rows), ("done", u64::from(n)));
    assert_eq!(audit_details(&reopened, "unit.import").await.len(), 1, "recorded once");
    // Running the same file again after the restart changes nothing.
    let (again, _) = import(&reopened, &system(), &rows).await;
    assert_eq!(again, ImportCounts { imported: 0, updated: 0, unchanged: u64::from(n) });
    assert_eq!(reopened.registry().count_enterprises(&system(), &Default::default()).await.unwrap(), u64::from(n));
}

/// The command line's direct import: one transaction, so an import cut short (the
/// process killed: the transaction never committed) leaves nothing, not even a park, and
/// its job says `writing` until a day has passed, then `failed`; the same file again adds
/// every row once. Into an empty register on SQLite it drops the indexes of `units` and
/// builds them at the end: the schema is the same afterwards, and the list still works.
#[tokio::test]
async fn a_direct_import_cut_short_leaves_nothing_and_keeps_the_indexes() {
    let db = TestDb::new().await;
    let s = &db.store;
    let raw = sea_orm::Database::connect(&db.url).await.unwrap();
    let schema = async || {
        let sql = if db.is_postgres() {
            "SELECT indexname::text, indexdef::text FROM pg_indexes WHERE tablename = 'units' ORDER BY 1"
        } else {
            "SELECT name, COALESCE(sql, '') FROM sqlite_master WHERE tbl_name = 'units' ORDER BY name"
        };
        crate::migrations::rows(&raw, sql).await
    };
    let before = schema().await;
    assert!(before.len() >= 4, "{before:?}");
    let n = 2600u32;
    let mut rows: Vec<_> = (0..n).map(|i| enterprise(i, &format!("上海直接{i}有限公司"), "新桥")).collect();
    rows[5].park = Some("直接导入园".into());
    let lines: Vec<usize> = (0..rows.len()).map(|i| i + 2).collect();

    let mut cut = s.registry().begin_direct_import(&system(), "断在中途.csv", false).await.unwrap();
    let job = cut.job_id();
    cut.add(&rows[..2000], &lines[..2000]).await.unwrap();
    drop(cut);
    assert_eq!(s.registry().count_enterprises(&system(), &Default::default()).await.unwrap(), 0);
    assert!(crate::migrations::rows(&raw, "SELECT id FROM parks WHERE name = '直接导入园'").await.is_empty());
    assert_eq!(schema().await, before, "the dropped indexes came back with the rollback");
    assert_eq!(s.registry().import_job(&system(), job).await.unwrap().state, "writing");
    db.clock.advance(chrono::Duration::hours(25));
    let clock = db.clock.clone() as Arc<dyn Clock>;
    let reopened = Store::open_with_clock(&db.url, Crypto::new(&[42u8; 32]).unwrap(), clock).await.unwrap();
    assert_eq!(reopened.registry().import_job(&system(), job).await.unwrap().state, "failed");
    assert!(audit_details(&reopened, "unit.import").await.is_empty());

    // The coverage cache is stale after a load (on SQLite bumped once at the end, its
    // per-row triggers dropped for the load and created again), and not after a run that
    // changed nothing.
    let version = async || {
        let v =
            crate::migrations::rows(&raw, "SELECT CAST(version AS TEXT) FROM derived_state WHERE name = 'coverage'");
        v.await[0][0].parse::<i64>().unwrap()
    };
    let v0 = version().await;
    let (counts, rejects) = import_via(s, &system(), &rows, true).await;
    assert!(rejects.is_empty());
    assert_eq!(counts, ImportCounts { imported: u64::from(n), updated: 0, unchanged: 0 });
    assert_eq!(schema().await, before, "the indexes and triggers are built again after the load");
    let v1 = version().await;
    assert!(v1 > v0, "coverage version {v0} → {v1}");
    assert_eq!(s.registry().count_enterprises(&system(), &Default::default()).await.unwrap(), u64::from(n));
    let e = s.registry().enterprise_by_uscc(&system(), uscc(2599).as_str()).await.unwrap();
    assert_eq!(e.name, "上海直接2599有限公司");
    let summaries = audit_details(s, "unit.import").await;
    assert_eq!(summaries.len(), 1, "{summaries:?}");
    assert!(summaries[0].1.contains("新增2600，更新0，未变0，拒绝0"), "{summaries:?}");
    let (again, _) = import_via(s, &system(), &rows, true).await;
    assert_eq!(again, ImportCounts { imported: 0, updated: 0, unchanged: u64::from(n) });
    assert_eq!(s.registry().count_enterprises(&system(), &Default::default()).await.unwrap(), u64::from(n));
    assert_eq!(version().await, v1, "nothing written, the coverage cache stands");
    // An edit through a direct import into a register that is not empty bumps it too.
    let mut edited = rows[..3].to_vec();
    edited[1].employees = Some(4321);
    let (changed, _) = import_via(s, &system(), &edited, true).await;
    assert_eq!(changed, ImportCounts { imported: 0, updated: 1, unchanged: 2 });
    assert!(version().await > v1);
    assert_eq!(schema().await, before);
}

/// Why the command line stages on PostgreSQL too (decisions/0006, addendum): a
/// one-transaction import holds the `derived_state` row that the statement trigger of
/// `units` bumps from its first statement to its commit, so a save of another unit by a
/// server beside it waits for the whole import. (On SQLite the whole write lock is held.)
#[tokio::test]
async fn on_postgres_a_one_transaction_import_holds_up_a_save_beside_it() {
    let db = TestDb::new().await;
    if !db.is_postgres() {
        return;
    }
    let s = &db.store;
    let other =
        s.registry().create_enterprise(&system(), enterprise(900_000, "上海别处有限公司", "九亭")).await.unwrap();
    let officer = user(s, "officer", Role::DistrictAdmin, Scope::All).await;
    let rows: Vec<_> = (0..2000).map(|i| enterprise(i, &format!("上海一次{i}有限公司"), "新桥")).collect();
    let lines: Vec<usize> = (0..rows.len()).map(|i| i + 2).collect();
    let mut imp = s.registry().begin_direct_import(&system(), "一次.csv", false).await.unwrap();
    // The second call runs the first one's statements (they overlap with the next chunk).
    imp.add(&rows[..1000], &lines[..1000]).await.unwrap();
    imp.add(&rows[1000..], &lines[1000..]).await.unwrap();
    let save = async |employees| {
        let mut input = enterprise(900_000, "上海别处有限公司", "九亭");
        input.employees = Some(employees);
        s.registry().update_enterprise(&officer, other, input).await
    };
    let waited = tokio::time::timeout(std::time::Duration::from_secs(2), save(7)).await.is_err();
    imp.commit(0).await.unwrap();
    assert!(waited, "a save beside a one-transaction import went through on PostgreSQL");
    save(8).await.unwrap();
}
