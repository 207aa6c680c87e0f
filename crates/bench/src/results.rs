//! Results (#15): the district's headline figures — the scorecard sections of the whole
//! district, what `/api/v1/figures` and the 大屏 answer — over 1,000,000 enterprises with two
//! years of figures (every indicator for 2025 and 2026; a tenth of the enterprises without
//! 2025, so year on year is over the enterprises reporting both). Target p95 ≤ 200 ms, on
//! SQLite and on PostgreSQL when `BENCH_DATABASE_URL` is set (`--results-only`).
//!
//! The enterprises come through the real import; the figures are written in ten
//! INSERT … SELECT statements (one per period × indicator), the rows the import would write.
//! Written so, they leave the derived sums (`economic_sums`) stale: the bench times their
//! full rebuild once, then the headline reading them.

use std::time::{Duration, Instant};

use qunlian_domain::RegionCode;
use qunlian_domain::auth::Caller;
use qunlian_domain::results::{Indicator, Period};
use qunlian_store::Store;
use qunlian_store::results::FigureScope;

use crate::{AnyResult, import, open, percentiles};

const ENTERPRISES: u64 = 1_000_000;
const RUNS: usize = 20;

pub async fn run(scale: usize) -> AnyResult<()> {
    let district = RegionCode::parse("310117")?;
    let n = ENTERPRISES / scale as u64;
    let dir = tempfile::tempdir()?;
    let csv = dir.path().join("results.csv");
    qunlian_io::synth::gen_enterprises(n, 7, district, std::io::BufWriter::new(std::fs::File::create(&csv)?))?;
    let path = dir.path().join("results.sqlite");
    let url = format!("sqlite://{}", path.display());
    let sqlite = open(&url).await?;
    let t = Instant::now();
    let imported = import(&sqlite, &csv, district).await?;
    println!("results     sqlite    {imported} enterprises imported in {:.1} s", t.elapsed().as_secs_f64());
    let pool = sqlx::SqlitePool::connect(&url).await?;
    let t = Instant::now();
    for sql in inserts() {
        sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&pool).await?;
    }
    println!("results     sqlite    figures written in {:.1} s", t.elapsed().as_secs_f64());
    bench("sqlite", &sqlite, n, &Raw::Sqlite(pool)).await?;
    if let Ok(url) = std::env::var("BENCH_DATABASE_URL") {
        let pg = open(&url).await?;
        let imported = import(&pg, &csv, district).await?;
        let pool = sqlx::PgPool::connect(&url).await?;
        let t = Instant::now();
        for sql in inserts() {
            sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&pool).await?;
        }
        sqlx::query("ANALYZE").execute(&pool).await?;
        println!("results     postgres  {imported} enterprises, figures written in {:.1} s", t.elapsed().as_secs_f64());
        bench("postgres", &pg, n, &Raw::Postgres(pool)).await?;
    } else {
        println!("results     postgres skipped: set BENCH_DATABASE_URL (make bench starts a throwaway server)");
    }
    Ok(())
}

/// Every indicator of every enterprise for 2026, and for 2025 but a tenth.
fn inserts() -> Vec<String> {
    let mut out = Vec::new();
    for (period, as_of, skip) in [("2026", "2026-12-31", ""), ("2025", "2025-12-31", " AND id % 10 <> 0")] {
        for (k, i) in Indicator::ALL.iter().enumerate() {
            let value = if i.is_money() {
                format!("(id * {}) % 900000000 + 100000", 37 + k)
            } else {
                "id % 500 + 10".to_owned()
            };
            out.push(format!(
                "INSERT INTO economic_figures (unit_id, period, indicator, value, source, as_of, recorded_by, is_demo, created_at, updated_at) \
                 SELECT id, '{period}', '{code}', {value}, 'bench', '{as_of}', 'bench', FALSE, '2026-12-01 00:00:00+00:00', '2026-12-01 00:00:00+00:00' \
                 FROM units WHERE kind = 'enterprise'{skip}",
                code = i.code(),
            ));
        }
    }
    out
}

/// What the first reader pays after a write that is not an import (step 30): one figure
/// corrected behind the store (its town × period and the year after refreshed), then one
/// enterprise moved between two towns (both towns, each period it has figures of).
async fn narrowed_rebuilds(label: &str, store: &Store, raw: &Raw) -> AnyResult<()> {
    let one = "(SELECT MIN(id) FROM units WHERE kind = 'enterprise' AND town_code = '310117105')";
    let mut times = Vec::new();
    for sql in [
        format!(
            "UPDATE economic_figures SET value = value + 1 WHERE unit_id = {one} AND period = '2026' AND indicator = 'tax'"
        ),
        format!("UPDATE units SET town_code = '310117107' WHERE id = {one}"),
    ] {
        raw.execute(sql).await?;
        let t = Instant::now();
        store.results().ensure_sums_fresh().await?;
        times.push(t.elapsed().as_secs_f64());
    }
    println!(
        "results     {label:<9} derived sums after one figure corrected by SQL: {:.2} s; after one enterprise moved town: {:.2} s (only the keys touched)",
        times[0], times[1]
    );
    Ok(())
}

/// The database behind the store's back, for writes no store function makes.
enum Raw {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl Raw {
    async fn execute(&self, sql: String) -> AnyResult<()> {
        match self {
            Raw::Sqlite(p) => sqlx::query(sqlx::AssertSqlSafe(sql)).execute(p).await.map(drop)?,
            Raw::Postgres(p) => sqlx::query(sqlx::AssertSqlSafe(sql)).execute(p).await.map(drop)?,
        }
        Ok(())
    }
}

async fn bench(label: &str, store: &Store, n: u64, raw: &Raw) -> AnyResult<()> {
    let sys = Caller::system("bench");
    // The figures were written behind the import's back: the derived sums are stale and are
    // rebuilt whole once (every town and period is dirty), then the coverage.
    let t = Instant::now();
    store.results().rebuild_all_sums().await?;
    let sums = t.elapsed().as_secs_f64();
    let t = Instant::now();
    store.coverage().ensure_fresh().await?;
    println!(
        "results     {label:<9} derived sums rebuilt in {sums:.1} s, coverage (with the town counts) in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    narrowed_rebuilds(label, store, raw).await?;
    let period = Period::year(2026);
    let xinqiao = FigureScope::Town(RegionCode::parse("310117105")?);
    for (what, scope) in [("district", FigureScope::District), ("town", xinqiao)] {
        // One warm-up, then the timed runs.
        let h = store.results().headline(&sys, scope, period).await?;
        let tax = h.figure("tax").map(|f| f.current.text()).unwrap_or_default();
        let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let t = Instant::now();
            store.results().headline(&sys, scope, period).await?;
            times.push(t.elapsed());
        }
        let (p50, p95, max) = percentiles(&mut times);
        println!(
            "results     {label:<9} headline {what:<8} enterprises={n}  p50 {p50:.0} ms  p95 {p95:.0} ms  max {max:.0} ms  (tax {tax})  [target p95 ≤ 200 ms]"
        );
        let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let t = Instant::now();
            store.results().trend(&sys, scope, &[period]).await?;
            times.push(t.elapsed());
        }
        let (p50, p95, _) = percentiles(&mut times);
        println!("results     {label:<9} economy sums only {what:<8} p50 {p50:.0} ms  p95 {p95:.0} ms");
    }
    // Where the time goes: each capability's counting function once, for the district and
    // for the town (its filter on each list).
    for (what, town) in [("district", None), ("town", Some(RegionCode::parse("310117105")?))] {
        let t = Instant::now();
        store.coverage().counts_by_town(&sys, town, None).await?;
        let coverage = t.elapsed().as_secs_f64() * 1000.0;
        let t = Instant::now();
        let filed =
            qunlian_store::services::ServiceFilter { town, ..qunlian_store::results::service_filter(None, period) };
        store.services().total_filtered(&sys, &filed).await?;
        let services = t.elapsed().as_secs_f64() * 1000.0;
        let t = Instant::now();
        let year = qunlian_store::projects::ProjectFilter { year: Some(2026), town, ..Default::default() };
        store.projects().figure_list(&sys, &year).await?;
        let projects = t.elapsed().as_secs_f64() * 1000.0;
        let t = Instant::now();
        let made = qunlian_store::matching::IntroductionFilter {
            town,
            ..qunlian_store::results::introduction_filter(None, period, false)
        };
        store.matching().introduction_figures(&sys, &made).await?;
        let chain = t.elapsed().as_secs_f64() * 1000.0;
        println!(
            "results     {label:<9} {what} parts: coverage by town {coverage:.0} ms, services {services:.0} ms, projects {projects:.0} ms, chain {chain:.0} ms"
        );
    }
    Ok(())
}
