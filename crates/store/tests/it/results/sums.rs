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
