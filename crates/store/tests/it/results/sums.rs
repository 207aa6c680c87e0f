//! The derived sums of the economic figures (`economic_sums`, step 27) and the towns'
//! coverage counts that a district's and a town's headline read: equal to the figures and the
//! enterprises counted directly after an import, a re-import, a correction, an enterprise
//! moving town, a figure deleted behind the store's back, and an import made while stale.

use super::{count, exec, firms, import};
use qunlian_domain::RegionCode;
use qunlian_domain::auth::{Caller, Role, Scope};
use qunlian_domain::results::Period;
use qunlian_store::results::{FigureScope, IndicatorTotal};
use qunlian_testkit::*;

const XINQIAO: &str = "310117105";
const JIUTING: &str = "310117107";

/// Whether the sums are fresh (no rebuild pending).
async fn fresh(db: &TestDb) -> bool {
    count(&db.url, "SELECT version - built_version FROM derived_state WHERE name = 'results_sums'").await == 0
}

fn key(totals: Vec<IndicatorTotal>) -> Vec<String> {
    totals
        .into_iter()
        .map(|t| {
            format!(
                "{:?} now {:?}/{} before {:?}/{} both {} {} as of {:?}",
                t.indicator,
                t.current,
                t.reporting,
                t.previous,
                t.previous_reporting,
                t.comparable,
                t.yoy.text(),
                t.as_of
            )
        })
        .collect()
}

/// Every scope's economy (derived) equals its figures summed directly, for both periods; the
/// towns' coverage counts equal the enterprises counted.
async fn check(db: &TestDb, callers: &[&Caller], what: &str) {
    let r = db.store.results();
    let scopes = [
        FigureScope::District,
        FigureScope::Town(RegionCode::parse(XINQIAO).unwrap()),
        FigureScope::Town(RegionCode::parse(JIUTING).unwrap()),
    ];
    for caller in callers {
        for scope in scopes {
            for period in [Period::year(2025), Period::year(2026), Period::first_half(2026)] {
                let (derived, direct) =
                    (r.economy(caller, scope, period).await, r.economy_direct(caller, scope, period).await);
                let (Ok(derived), Ok(direct)) = (derived, direct) else {
                    // A town admin reaches neither the district nor another town, either way.
                    assert_eq!(caller.username, "xinqiao");
                    assert!(scope != FigureScope::Town(RegionCode::parse(XINQIAO).unwrap()));
                    continue;
                };
                let (derived, direct) = (key(derived), key(direct));
                assert_eq!(derived, direct, "{what}: {} {scope:?} {}", caller.username, period.code());
            }
        }
        let coverage = db.store.coverage();
        for region in [None, Some(RegionCode::parse(XINQIAO).unwrap())] {
            let derived = coverage.counts_by_town(caller, region, None).await.unwrap();
            let direct = coverage.counts_by_town_direct(caller, region, None).await.unwrap();
            assert_eq!(format!("{derived:?}"), format!("{direct:?}"), "{what}: coverage {region:?}");
        }
    }
    // And the district's tax equals a plain SUM over the figures of the register's units.
    let sql = "SELECT CAST(SUM(value) AS BIGINT) FROM economic_figures WHERE indicator = 'tax' AND period = '2026' \
               AND unit_id IN (SELECT id FROM units)";
    let tax = r.economy(&system(), FigureScope::District, Period::year(2026)).await.unwrap();
    let want = count(&db.url, sql).await;
    assert_eq!(tax[0].current.unwrap_or(0), want, "{what}");
}

#[tokio::test]
async fn the_derived_sums_equal_the_figures_summed_directly() {
    let db = TestDb::new().await;
    let f = firms(&db).await;
    let s = &db.store;
    let district = user(s, "district", Role::DistrictAdmin, Scope::Region(RegionCode::parse("310117").unwrap())).await;
    let xinqiao = user(s, "xinqiao", Role::TownAdmin, Scope::Region(RegionCode::parse(XINQIAO).unwrap())).await;
    let callers = [&district, &xinqiao];
    let [a, b, far] = [uscc(1), uscc(2), uscc(3)];
    let _ = f;
    let file = format!(
        "统一社会信用代码,期间,税收（万元）,工业总产值（万元）,从业人员\n\
         {a},2026年,300,1000,120\n{a},2025年,200,900,110\n{b},2026年,100,,40\n{b},2025年,100,,\n\
         {far},2026年,70,,\n{far},2025年,35,20,\n{far},2026年上半年,30,,\n"
    );
    // A new database's sums are stale until a reader builds them.
    assert!(!fresh(&db).await);
    check(&db, &callers, "before any figure").await;
    assert!(fresh(&db).await);
    // The first import: the sums are kept fresh in the import's own transaction.
    let (counts, reasons) = import(&db, &system(), &file).await.unwrap();
    assert!(reasons.is_empty(), "{reasons:?}");
    assert_eq!(counts.rows, 7);
    assert!(fresh(&db).await, "the import refreshed the sums itself");
    check(&db, &callers, "after the import").await;
    // The same file again changes nothing.
    import(&db, &system(), &file).await.unwrap();
    assert!(fresh(&db).await);
    check(&db, &callers, "after the re-import").await;
    // A correction of one year changes the next year's year on year too.
    let correction =
        format!("统一社会信用代码,期间,税收（万元）\n{a},2025年,250\n{far},2025年,\n{b},2026年上半年,12\n");
    let (counts, _) = import(&db, &system(), &correction).await.unwrap();
    assert_eq!((counts.added, counts.replaced), (1, 1));
    assert!(fresh(&db).await);
    check(&db, &callers, "after the correction").await;
    // An enterprise moving town (here behind the store's back): a trigger marks the sums
    // stale and the next reader rebuilds them.
    exec(&db.url, &format!("UPDATE units SET town_code = '{XINQIAO}' WHERE uscc = '{far}'")).await;
    assert!(!fresh(&db).await, "moving town marks the sums stale");
    check(&db, &callers, "after a move").await;
    assert!(fresh(&db).await);
    // A figure deleted other than by the import.
    exec(&db.url, &format!("DELETE FROM economic_figures WHERE period = '2025' AND indicator = 'tax' AND unit_id = (SELECT id FROM units WHERE uscc = '{a}')")).await;
    assert!(!fresh(&db).await);
    // An import while stale leaves the rebuild to the next reader, which sees both changes.
    import(&db, &system(), &format!("统一社会信用代码,期间,税收（万元）\n{b},2025年,90\n")).await.unwrap();
    assert!(!fresh(&db).await);
    check(&db, &callers, "after a deletion and an import while stale").await;
    exec(&db.url, &format!("UPDATE units SET town_code = '{JIUTING}' WHERE uscc = '{far}'")).await;
    check(&db, &callers, "after moving back").await;
}

/// Whether the derived economy of `town` equals its figures summed directly, for 2025 and 2026.
async fn agrees(db: &TestDb, town: &str) -> bool {
    let r = db.store.results();
    let scope = FigureScope::Town(RegionCode::parse(town).unwrap());
    let mut same = true;
    for period in [Period::year(2025), Period::year(2026)] {
        let derived = key(r.economy(&system(), scope, period).await.unwrap());
        same &= derived == key(r.economy_direct(&system(), scope, period).await.unwrap());
    }
    same
}

/// The dirty keys the triggers recorded, as "town period" in order.
async fn dirty(db: &TestDb) -> Vec<String> {
    let raw = sea_orm::Database::connect(&db.url).await.unwrap();
    let sql = "SELECT town_code || ' ' || period AS k FROM economic_sums_dirty ORDER BY 1";
    let rows = sea_orm::ConnectionTrait::query_all_raw(
        &raw,
        sea_orm::Statement::from_string(sea_orm::ConnectionTrait::get_database_backend(&raw), sql),
    )
    .await
    .unwrap();
    rows.iter().map(|r| r.try_get_by_index::<String>(0).unwrap()).collect()
}

/// A write that is not an import rebuilds only the town × period keys it touched (step 30):
/// a rebuild leaves a third town's rows as they were (a marker planted in them survives),
/// an enterprise moved between two towns dirties both, a figure's change refreshes the
/// year after too; stale with no key recorded, or with the key `*`, rebuilds everything.
#[tokio::test]
async fn a_write_rebuilds_only_the_towns_and_periods_it_touched() {
    let db = TestDb::new().await;
    let _ = firms(&db).await;
    let s = &db.store;
    s.registry().create_enterprise(&system(), enterprise(4, "上海方松测试有限公司", "方松")).await.unwrap();
    let [a, far, fs] = [uscc(1), uscc(3), uscc(4)];
    let file = format!(
        "统一社会信用代码,期间,税收（万元）\n{a},2026年,300\n{a},2025年,200\n{far},2026年,70\n{far},2025年,35\n\
         {fs},2026年,50\n{fs},2025年,40\n"
    );
    // A new database asks for everything (`*`); the first reader builds it.
    assert_eq!(dirty(&db).await, vec!["* *".to_owned()]);
    assert!(agrees(&db, XINQIAO).await && dirty(&db).await.is_empty());
    import(&db, &system(), &file).await.unwrap();
    assert!(
        fresh(&db).await && dirty(&db).await.is_empty(),
        "the import's own keys are refreshed: {:?}",
        dirty(&db).await
    );
    let fangsong = count(&db.url, &format!("SELECT CAST(town_code AS BIGINT) FROM units WHERE uscc = '{fs}'")).await;
    let fangsong = fangsong.to_string();
    for t in [XINQIAO, JIUTING, fangsong.as_str()] {
        assert!(agrees(&db, t).await, "{t} after the import");
    }
    // A marker in 方松's row: only a rebuild of 方松 takes it away.
    let plant =
        format!("UPDATE economic_sums SET total = total + 7 WHERE town_code = '{fangsong}' AND period = '2026'");
    exec(&db.url, &plant).await;
    assert!(!agrees(&db, &fangsong).await);

    // 远方 moves from 九亭 to 新桥: both towns, each period it has figures of.
    exec(&db.url, &format!("UPDATE units SET town_code = '{XINQIAO}' WHERE uscc = '{far}'")).await;
    assert!(!fresh(&db).await);
    let want: Vec<String> = [(XINQIAO, "2025"), (XINQIAO, "2026"), (JIUTING, "2025"), (JIUTING, "2026")]
        .map(|(t, p)| format!("{t} {p}"))
        .into();
    assert_eq!(dirty(&db).await, want);
    assert!(agrees(&db, XINQIAO).await && agrees(&db, JIUTING).await, "both towns refreshed");
    assert!(fresh(&db).await && dirty(&db).await.is_empty());
    assert!(!agrees(&db, &fangsong).await, "方松 was not touched: its marker is still there");

    // A figure of 2025 changed: its town's 2025 and 2026 (whose year on year it feeds).
    exec(&db.url, &format!("UPDATE economic_figures SET value = 1 WHERE period = '2025' AND unit_id = (SELECT id FROM units WHERE uscc = '{a}')")).await;
    assert_eq!(dirty(&db).await, vec![format!("{XINQIAO} 2025")]);
    assert!(agrees(&db, XINQIAO).await, "2026's year on year over the changed 2025");
    assert!(!agrees(&db, &fangsong).await);

    // Stale with no key recorded (a write no trigger sees): everything is rebuilt.
    exec(&db.url, "UPDATE derived_state SET version = version + 1 WHERE name = 'results_sums'").await;
    assert!(agrees(&db, &fangsong).await, "the full rebuild took the marker away");
    // The key `*`, `*` does the same.
    exec(&db.url, &plant).await;
    exec(&db.url, "UPDATE derived_state SET version = version + 1 WHERE name = 'results_sums'").await;
    exec(&db.url, "INSERT INTO economic_sums_dirty (town_code, period) VALUES ('*', '*')").await;
    assert!(agrees(&db, &fangsong).await);
    assert!(dirty(&db).await.is_empty());

    // An enterprise leaving the register: its town for every period.
    exec(&db.url, &plant).await;
    exec(&db.url, &format!("DELETE FROM units WHERE uscc = '{fs}'")).await;
    assert_eq!(dirty(&db).await, vec![format!("{fangsong} *")]);
    assert!(agrees(&db, &fangsong).await, "方松's rows rebuilt without the enterprise");
    check(&db, &[&system()], "after the narrowed rebuilds").await;
}
