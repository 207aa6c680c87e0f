//! Members and activities (#13): 1,000,000 member records in 20,000 branches (one per
//! enterprise, in Songjiang's towns, four clusters a town) and 5,000,000 named attendances at
//! 250,000 activities of 2025–2026 (`members_data.rs` writes them). Timed through the store
//! calls the pages make, p50/p95 over repeated runs (target p95 ≤ 100 ms):
//!
//! - a town administrator's member list (人员 page): count + first page of 50, filtered by
//!   人员类别, and by part of the name;
//! - a cluster secretary's activity figures (活动统计 by cluster, and the scorecard's 工作开展)
//!   for 2026, and a town administrator's by town;
//!
//! and a roster import of 100,000 new members from an .xlsx written here, through the upload
//! page's path (`read_roster`, then `People::import_roster` in one transaction), end to end
//! (target ≤ 30 s). On SQLite, and on PostgreSQL when `BENCH_DATABASE_URL` is set (in a
//! database of its own on that server, `qunlian_members`). `--quick`: 1/20 of everything.

use std::path::Path;
use std::time::{Duration, Instant};

use qunlian_domain::RegionCode;
use qunlian_domain::auth::{Caller, ClusterId, Role, Scope};
use qunlian_domain::people::MemberCategory;
use qunlian_store::activities::GroupBy;
use qunlian_store::people::{MemberFilter, RosterReject, RosterRow};
use qunlian_store::{PageRequest, Store};

use crate::members_data::{Generated, Raw, SURNAMES, generate};
use crate::{AnyResult, open, percentiles, write_text_xlsx};

const MEMBERS: u64 = 1_000_000;
const ATTENDANCES: u64 = 5_000_000;
const ROSTER: usize = 100_000;
const RUNS: usize = 100;

pub async fn run(scale: usize) -> AnyResult<()> {
    let members = MEMBERS / scale as u64;
    let attendances = ATTENDANCES / scale as u64;
    let district = RegionCode::parse("310117")?;
    let dir = tempfile::tempdir()?;
    let csv = dir.path().join("members.csv");
    let enterprises = members / crate::members_data::PER_ORG;
    qunlian_io::synth::gen_enterprises(
        enterprises,
        11,
        district,
        std::io::BufWriter::new(std::fs::File::create(&csv)?),
    )?;
    let roster = dir.path().join("roster.xlsx");
    let url = format!("sqlite://{}", dir.path().join("members.sqlite").display());
    let sqlite = open(&url).await?;
    let raw = Raw::Sqlite(sqlx::SqlitePool::connect(&url).await?);
    bench("sqlite", &sqlite, &raw, &csv, &roster, members, attendances, scale).await?;
    if let Ok(url) = std::env::var("BENCH_DATABASE_URL") {
        let url = fresh_database(&url, "qunlian_members").await?;
        let pg = open(&url).await?;
        let raw = Raw::Pg(sqlx::PgPool::connect(&url).await?);
        bench("postgres", &pg, &raw, &csv, &roster, members, attendances, scale).await?;
    } else {
        println!("members     postgres skipped: set BENCH_DATABASE_URL (make bench starts a throwaway server)");
    }
    if std::env::var_os("BENCH_KEEP").is_some() {
        // The SQLite database stays, for EXPLAIN by hand.
        println!("members     sqlite    kept in {}", dir.keep().display());
    }
    Ok(())
}

/// A new empty database `name` on the server of `url`, and its URL.
async fn fresh_database(url: &str, name: &str) -> AnyResult<String> {
    let pool = sqlx::PgPool::connect(url).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name}"))).execute(&pool).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&pool).await?;
    pool.close().await;
    let (base, query) = url.split_once('?').map(|(b, q)| (b, format!("?{q}"))).unwrap_or((url, String::new()));
    let server = base.rsplit_once('/').map(|(s, _)| s).ok_or("BENCH_DATABASE_URL without a database name")?;
    Ok(format!("{server}/{name}{query}"))
}

#[allow(clippy::too_many_arguments)]
async fn bench(
    label: &str,
    store: &Store,
    raw: &Raw,
    csv: &Path,
    roster: &Path,
    members: u64,
    attendances: u64,
    scale: usize,
) -> AnyResult<()> {
    let g = generate(label, store, raw, csv, members, attendances).await?;
    member_list(label, store, &g).await?;
    activity_figures(label, store, &g).await?;
    roster_import(label, store, &g, roster, (ROSTER / scale).max(100)).await
}

fn town_admin(town: RegionCode) -> Caller {
    Caller { role: Role::TownAdmin, scope: Scope::Region(town), ..Caller::system("bench-town") }
}

/// Times `call` RUNS times (after one warm-up) and prints p50/p95/max.
async fn timed<F, Fut>(label: &str, what: &str, mut call: F) -> AnyResult<()>
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = AnyResult<u64>>,
{
    let mut seen = call(RUNS).await?;
    let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
    for i in 0..RUNS {
        let t = Instant::now();
        seen += call(i).await?;
        times.push(t.elapsed());
    }
    let (p50, p95, max) = percentiles(&mut times);
    println!(
        "members     {label:<9} {what}: p50 {p50:.1} ms  p95 {p95:.1} ms  max {max:.1} ms  (avg {} counted)  [target p95 ≤ 100 ms]",
        seen / (RUNS as u64 + 1)
    );
    Ok(())
}

async fn member_list(label: &str, store: &Store, g: &Generated) -> AnyResult<()> {
    let towns = &g.towns;
    let page = || PageRequest::new(Some(1), Some(50));
    timed(
        label,
        &format!("town's member list over {} members, 人员类别, count + first page of 50", g.members),
        |i| {
            let filter = MemberFilter {
                category: Some(MemberCategory::ALL[i % MemberCategory::ALL.len()]),
                ..Default::default()
            };
            let caller = town_admin(towns[i % towns.len()]);
            async move { Ok(store.people().members(&caller, &filter, page()).await?.total) }
        },
    )
    .await?;
    let surnames: Vec<String> = SURNAMES.chars().map(String::from).collect();
    timed(label, "the same, part of the name (a surname)", |i| {
        let filter = MemberFilter { q: Some(surnames[i % surnames.len()].clone()), ..Default::default() };
        let caller = town_admin(towns[(i / 3) % towns.len()]);
        async move { Ok(store.people().members(&caller, &filter, page()).await?.total) }
    })
    .await?;
    timed(label, "the same, unfiltered", |i| {
        let caller = town_admin(towns[i % towns.len()]);
        async move { Ok(store.people().members(&caller, &MemberFilter::default(), page()).await?.total) }
    })
    .await
}

async fn activity_figures(label: &str, store: &Store, g: &Generated) -> AnyResult<()> {
    let from = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?;
    let to = chrono::NaiveDate::from_ymd_opt(2026, 12, 31).ok_or("date")?;
    let what = format!(
        "cluster secretary's activity figures for 2026 ({} activities, {} attendances), by cluster",
        g.activities, g.attendances
    );
    timed(label, &what, |i| {
        let caller = Caller {
            role: Role::ClusterSecretary,
            scope: Scope::Cluster(ClusterId(g.clusters[i % g.clusters.len()])),
            ..Caller::system("bench-cluster")
        };
        async move {
            let rows = store.activities().figures(&caller, GroupBy::Cluster, from, to).await?;
            Ok(rows.iter().map(|r| r.activities).sum())
        }
    })
    .await?;
    timed(label, "town admin's activity figures for 2026, by town", |i| {
        let caller = town_admin(g.towns[i % g.towns.len()]);
        async move {
            let rows = store.activities().figures(&caller, GroupBy::Town, from, to).await?;
            Ok(rows.iter().map(|r| r.activities).sum())
        }
    })
    .await
}

/// Writes a roster of `n` new members of the generated branches (by name, as offices write
/// them) once, then imports it as the upload page does, timed from the file's bytes to the
/// commit.
async fn roster_import(label: &str, store: &Store, g: &Generated, path: &Path, n: usize) -> AnyResult<()> {
    if !path.exists() {
        let t = Instant::now();
        let headers: Vec<String> = qunlian_io::people::template_headers().into_iter().map(str::to_owned).collect();
        let start = chrono::NaiveDate::from_ymd_opt(1960, 1, 1).ok_or("date")?;
        let mut failed = None;
        let rows = (0..n).map(|i| {
            let born = start + chrono::Duration::days((i % 15000) as i64);
            let body = format!("310117{}{:03}", born.format("%Y%m%d"), 100 + i / 15000);
            let id = qunlian_domain::IdNumber::from_body(&body).map(|id| id.as_str().to_owned()).unwrap_or_else(|e| {
                failed = Some(e.to_string());
                String::new()
            });
            vec![
                format!("{}{}", SURNAMES.chars().nth(i % 20).unwrap_or('王'), "新党员"),
                id,
                format!("137{:08}", i),
                String::new(),
                String::new(),
                "本科".into(),
                MemberCategory::ALL[i % MemberCategory::ALL.len()].label().into(),
                "2024-07-01".into(),
                if i % 3 == 0 { "预备" } else { "正式" }.into(),
                g.org_names[i % g.org_names.len()].clone(),
                String::new(),
            ]
        });
        write_text_xlsx(path, "党员名册", &headers, rows)?;
        if let Some(e) = failed {
            return Err(format!("roster: an ID number could not be made: {e}").into());
        }
        println!(
            "members     roster    {n} rows written to .xlsx in {:.1} s, {:.1} MB",
            t.elapsed().as_secs_f64(),
            std::fs::metadata(path)?.len() as f64 / 1e6
        );
    }
    let caller = Caller {
        role: Role::DistrictAdmin,
        scope: Scope::Region(RegionCode::parse("310117")?),
        ..Caller::system("bench-district")
    };
    let t = Instant::now();
    let bytes = std::fs::read(path)?;
    let (lines, rejects) = qunlian_io::people::read_roster(bytes)?;
    let read = t.elapsed().as_secs_f64();
    let rows = lines.into_iter().map(|l| RosterRow { line: l.line, fields: l.fields }).collect();
    let rejects = rejects.into_iter().map(|r| RosterReject { line: r.line, reason: r.reason() }).collect();
    let done = store.people().import_roster(&caller, rows, "roster.xlsx", rejects, false).await?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "members     {label:<9} roster import of {n} members from .xlsx: {secs:.1} s (reading {read:.1} s)  imported {} updated {} unchanged {} refused {}{}  [target ≤ 30 s at 100,000]",
        done.imported,
        done.updated,
        done.unchanged,
        done.rejects.len(),
        done.rejects.first().map(|r| format!(" (first: line {} {})", r.line, r.reason)).unwrap_or_default()
    );
    Ok(())
}
