//! `make bench`: the figures issue #2 asks for, printed with what made them.
//!
//! 1. import of 226,000 generated enterprises from CSV into a fresh SQLite database;
//! 2. import of a 1,000,000-row .xlsx by the real `qunlian import` binary, with its peak
//!    resident memory (VmHWM) sampled from /proc;
//! 3. the enterprise list filtered by town + flag + name over those 1,000,000 enterprises,
//!    server side (the store call a page makes: count + one page), p50/p95 — on SQLite, and
//!    on PostgreSQL when `BENCH_DATABASE_URL` is set.
//!
//! 4. the coverage summary (every category × every town) over the same million, from the
//!    derived cells, beside the plain GROUP BY over the enterprises it replaces, and the
//!    rebuild that refreshes the cells after a change — on both databases.
//!
//! 5. the department report of enterprise services over 1,000,000 synthetic requests
//!    (16 departments × 3 items), on both databases.
//!
//! 6. matchmaking (#4): 1,000,000 synthetic listings indexed (tantivy + jieba), top-10
//!    matches p50/p95/p99, beside SQLite FTS5 (trigram) and a LIKE scan on the same data.
//!
//! 7. integration projects (#12): a round of 1,000 applications × 3 reviewers, the automatic
//!    assignment and the ranking page's query p50/p95, on both databases (`--projects-only`).
//!
//! 8. results (#15): the district's headline figures (the scorecard sections of the whole
//!    district: the figures API and the 大屏) over 1,000,000 enterprises with two years of
//!    figures, p50/p95, on both databases (`--results-only`).
//! 9. the 工作简报 (#15): the district briefing of 20 clusters × 100 members from their
//!    scorecards, and its Word and PDF (target ≤ 5 s), on both databases (`--briefing-only`).
//!
//! 10. members and activities (#13): a town's member list filtered and a cluster's activity
//!     figures over 1,000,000 members and 5,000,000 attendances (target p95 ≤ 100 ms), and a
//!     roster import of 100,000 members from .xlsx (target ≤ 30 s), on both databases
//!     (`--members-only`).
//!
//! `--quick` runs everything at 1/20 scale, to check the harness itself; `--import-only`
//! stops after the CSV import; `--services-only` runs only 5, over 10,000 enterprises;
//! `--matching-only` runs only 6; `--projects-only` runs only 7; `--results-only` runs only 8;
//! `--members-only` runs only 10.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use qunlian_domain::RegionCode;
use qunlian_domain::auth::Caller;
use qunlian_io::enterprises::EnterpriseReader;
use qunlian_store::registry::{EnterpriseFilter, EnterpriseSort, IMPORT_BATCH};
use qunlian_store::{Crypto, PageRequest, Store};

mod briefing;
mod matching;
mod members;
mod members_data;
mod projects;
mod results;

type AnyResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

#[tokio::main]
async fn main() -> AnyResult<()> {
    let quick = std::env::args().any(|a| a == "--quick");
    // Only the CSV import, for working on its speed.
    let import_only = std::env::args().any(|a| a == "--import-only");
    let scale = if quick { 20 } else { 1 };
    let district = RegionCode::parse("310117")?;
    if std::env::args().any(|a| a == "--matching-only") {
        return matching::run(scale).await;
    }
    if std::env::args().any(|a| a == "--briefing-only") {
        return briefing::run(scale).await;
    }
    if std::env::args().any(|a| a == "--projects-only") {
        return projects::run(scale).await;
    }
    if std::env::args().any(|a| a == "--results-only") {
        return results::run(scale).await;
    }
    if std::env::args().any(|a| a == "--members-only") {
        return members::run(scale).await;
    }
    // Only the services report, over its own databases with a few enterprises.
    if std::env::args().any(|a| a == "--services-only") {
        let dir = tempfile::tempdir()?;
        let csv = dir.path().join("few.csv");
        qunlian_io::synth::gen_enterprises(10_000, 3, district, std::io::BufWriter::new(std::fs::File::create(&csv)?))?;
        let sqlite = open(&format!("sqlite://{}", dir.path().join("services.sqlite").display())).await?;
        import(&sqlite, &csv, district).await?;
        services_bench("sqlite", &sqlite, scale).await?;
        if let Ok(url) = std::env::var("BENCH_DATABASE_URL") {
            let pg = open(&url).await?;
            import(&pg, &csv, district).await?;
            services_bench("postgres", &pg, scale).await?;
        }
        return Ok(());
    }
    let dir = tempfile::tempdir()?;
    println!(
        "qunlian benchmarks ({}; {} cores)",
        if quick { "quick: 1/20 scale" } else { "full scale" },
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    );

    // 1. CSV import at district scale.
    let n_csv = 226_000 / scale;
    let csv = dir.path().join("songjiang.csv");
    qunlian_io::synth::gen_enterprises(
        n_csv as u64,
        1,
        district,
        std::io::BufWriter::new(std::fs::File::create(&csv)?),
    )?;
    let store = open(&format!("sqlite://{}", dir.path().join("csv.sqlite").display())).await?;
    let t = Instant::now();
    let counts = import(&store, &csv, district).await?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "import_csv  rows={n_csv} sqlite  {secs:.2} s  ({:.0} rows/s)  imported={}  [target ≤ 10 s at 226,000]",
        n_csv as f64 / secs,
        counts
    );
    let t = Instant::now();
    let again = import(&store, &csv, district).await?;
    println!(
        "import_csv  re-run of the same file  {:.2} s  imported={again} (0 expected: upsert by USCC)",
        t.elapsed().as_secs_f64()
    );

    if import_only {
        return Ok(());
    }

    // 2. A million-row .xlsx through the real binary, peak memory sampled.
    let n_xlsx = 1_000_000 / scale;
    let xlsx = dir.path().join("corridor.xlsx");
    let t = Instant::now();
    write_xlsx(&xlsx, n_xlsx, district)?;
    println!(
        "gen_xlsx    rows={n_xlsx}  {:.1} s  {:.0} MB",
        t.elapsed().as_secs_f64(),
        std::fs::metadata(&xlsx)?.len() as f64 / 1e6
    );
    let big_db = dir.path().join("big");
    let (secs, peak_mb) = import_with_binary(&xlsx, &big_db)?;
    println!(
        "import_xlsx rows={n_xlsx} sqlite  {secs:.1} s  peak RSS {peak_mb:.0} MB  [target < 1024 MB at 1,000,000]"
    );

    // 3. The filtered list over the million rows.
    let sqlite = open(&format!("sqlite://{}", big_db.join("qunlian.sqlite").display())).await?;
    list_bench("sqlite", &sqlite, district).await?;
    coverage_bench("sqlite", &sqlite).await?;
    services_bench("sqlite", &sqlite, scale).await?;
    if let Ok(url) = std::env::var("BENCH_DATABASE_URL") {
        let pg = open(&url).await?;
        let csv_big = dir.path().join("corridor.csv");
        qunlian_io::synth::gen_enterprises(
            n_xlsx as u64,
            2,
            district,
            std::io::BufWriter::new(std::fs::File::create(&csv_big)?),
        )?;
        let t = Instant::now();
        let counts = import(&pg, &csv_big, district).await?;
        println!("import_csv  rows={n_xlsx} postgres  {:.1} s  imported={counts}", t.elapsed().as_secs_f64());
        list_bench("postgres", &pg, district).await?;
        coverage_bench("postgres", &pg).await?;
        services_bench("postgres", &pg, scale).await?;
    } else {
        println!("list        postgres skipped: set BENCH_DATABASE_URL (make bench starts a throwaway server)");
    }
    matching::run(scale).await?;
    projects::run(scale).await?;
    results::run(scale).await?;
    briefing::run(scale).await?;
    members::run(scale).await?;
    Ok(())
}

async fn open(url: &str) -> AnyResult<Store> {
    Ok(Store::open(url, Crypto::new(&[9u8; 32])?).await?)
}

/// The same path as `qunlian import enterprises`: streaming reader, staged in batches, applied in batches.
async fn import(store: &Store, file: &Path, district: RegionCode) -> AnyResult<u64> {
    let reader = EnterpriseReader::open(file, district)?;
    let mut import = store.registry().begin_import(&Caller::system("bench"), "bench", false).await?;
    for items in reader.read_ahead(IMPORT_BATCH, 4) {
        let (lines, batch): (Vec<usize>, Vec<_>) = items.into_iter().flatten().map(|row| (row.line, row.input)).unzip();
        import.add(&batch, &lines).await?;
    }
    Ok(import.commit(0).await?.imported)
}

fn write_xlsx(path: &Path, n: usize, district: RegionCode) -> AnyResult<()> {
    // Generate as CSV, then stream the rows into a constant-memory workbook with the
    // canonical headers, as an office would send it.
    let csv = path.with_extension("src.csv");
    qunlian_io::synth::gen_enterprises(n as u64, 3, district, std::io::BufWriter::new(std::fs::File::create(&csv)?))?;
    use std::io::BufRead;
    let mut lines = std::io::BufReader::new(std::fs::File::open(&csv)?).lines().map_while(Result::ok);
    let headers: Vec<String> = lines.next().unwrap_or_default().split(',').map(str::to_owned).collect();
    write_text_xlsx(path, "企业名录", &headers, lines.map(|l| l.split(',').map(str::to_owned).collect()))?;
    std::fs::remove_file(csv)?;
    Ok(())
}

/// A constant-memory workbook of text cells under `headers`, as an office sends a list.
fn write_text_xlsx(
    path: &Path,
    sheet: &str,
    headers: &[String],
    rows: impl Iterator<Item = Vec<String>>,
) -> AnyResult<()> {
    let table = qunlian_io::xlsx::XlsxTable {
        sheet: sheet.into(),
        title: None,
        columns: headers.iter().map(|h| qunlian_io::xlsx::Column { header: h.clone(), width: 14.0 }).collect(),
    };
    let bytes = table.write(rows.map(|r| r.into_iter().map(qunlian_io::xlsx::Cell::Text).collect()))?;
    std::fs::write(path, bytes)?;
    Ok(())
}

fn qunlian_bin() -> PathBuf {
    std::env::var_os("QUNLIAN_BIN").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("target/release/qunlian"))
}

/// Runs `qunlian import enterprises FILE` and samples the child's VmHWM (peak RSS) until it
/// exits; VmHWM only grows, so the last sample is the peak up to a few milliseconds.
fn import_with_binary(file: &Path, data_dir: &Path) -> AnyResult<(f64, f64)> {
    let t = Instant::now();
    let mut child = std::process::Command::new(qunlian_bin())
        .args(["--data-dir"])
        .arg(data_dir)
        .args(["import", "enterprises"])
        .arg(file)
        .env("QUNLIAN_MASTER_KEY", "09".repeat(32))
        .stdout(std::process::Stdio::null())
        .spawn()
        .map_err(|e| {
            format!("cannot run {}: {e} (build it with cargo build --release -p qunlian)", qunlian_bin().display())
        })?;
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0u64;
    loop {
        if let Ok(status) = std::fs::read_to_string(&status_path)
            && let Some(kb) = status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        {
            peak_kb = peak_kb.max(kb);
        }
        if let Some(status) = child.try_wait()? {
            if !status.success() {
                return Err(format!("qunlian import failed: {status}").into());
            }
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok((t.elapsed().as_secs_f64(), peak_kb as f64 / 1024.0))
}

async fn list_bench(label: &str, store: &Store, district: RegionCode) -> AnyResult<()> {
    let caller = Caller::system("bench");
    let total = store.registry().count_enterprises(&caller, &EnterpriseFilter::default()).await?;
    let towns: Vec<RegionCode> = district.children().collect();
    let words = ["科技", "电子", "机械", "智能", "新材料", "精密", "环保", "信息"];
    let mut times = Vec::with_capacity(300);
    let mut rows = 0u64;
    for i in 0..300usize {
        let filter = EnterpriseFilter {
            region: towns.get(i % towns.len().max(1)).copied(),
            high_tech: Some(true),
            q: Some(words[i % words.len()].to_owned()),
            ..Default::default()
        };
        let t = Instant::now();
        let page = store
            .registry()
            .list_enterprises(&caller, &filter, EnterpriseSort::Name, false, PageRequest::new(Some(1), Some(50)))
            .await?;
        times.push(t.elapsed());
        rows += page.total;
    }
    times.sort();
    let p = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)].as_secs_f64() * 1000.0;
    println!(
        "list        {label}  over {total} enterprises, town + high_tech + name, count + first page of 50: p50 {:.1} ms  p95 {:.1} ms  max {:.1} ms  (avg {} matches)  [target p95 ≤ 100 ms]",
        p(0.5),
        p(0.95),
        p(1.0),
        rows / 300
    );
    Ok(())
}

/// p50 / p95 / max in milliseconds of sorted durations.
/// The first `n` enterprises of the register, most recently updated first, 500 a page.
async fn first_enterprises(store: &Store, n: usize) -> AnyResult<Vec<qunlian_store::registry::Enterprise>> {
    let sys = Caller::system("bench");
    let mut out = Vec::new();
    for page in 1.. {
        let got = store
            .registry()
            .list_enterprises(
                &sys,
                &EnterpriseFilter::default(),
                EnterpriseSort::Updated,
                false,
                PageRequest::new(Some(page), Some(500)),
            )
            .await?;
        if got.items.is_empty() || out.len() >= n {
            break;
        }
        out.extend(got.items);
    }
    out.truncate(n);
    Ok(out)
}

fn percentiles(times: &mut [Duration]) -> (f64, f64, f64) {
    times.sort();
    let p = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)].as_secs_f64() * 1000.0;
    (p(0.5), p(0.95), p(1.0))
}

/// Songjiang's eight categories, a few thousand organisations and work links, then the
/// summary as the coverage page asks for it, beside the GROUP BY it saves.
async fn coverage_bench(label: &str, store: &Store) -> AnyResult<()> {
    use qunlian_domain::auth::UnitId;
    use qunlian_domain::registry::{OrgForm, OrgKind};
    use qunlian_store::coverage::{CoverageQuery, NewCategory, NewWorkLink, WorkLinkKind};
    use qunlian_store::registry::NewOrg;

    let caller = Caller::system("bench");
    let rules = qunlian_domain::coverage::SONGJIANG_CATEGORIES;
    for (i, (name, rule)) in rules.iter().enumerate() {
        let new = NewCategory {
            name: (*name).into(),
            rule: (*rule).into(),
            target_pct: 100.0,
            deadline: None,
            position: i as i32,
            is_demo: false,
        };
        store.coverage().save_category(&caller, None, new).await?;
    }
    // Joint branches of five high-tech enterprises each, and instructors for others.
    let filter = EnterpriseFilter { high_tech: Some(true), ..Default::default() };
    let page = store
        .registry()
        .list_enterprises(&caller, &filter, EnterpriseSort::Updated, false, PageRequest::new(Some(1), Some(500)))
        .await?;
    let ids: Vec<UnitId> = page.items.iter().map(|e| e.id).collect();
    let since = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).ok_or("date")?;
    for (i, chunk) in ids.chunks(5).enumerate() {
        if i % 2 == 0 {
            let org = NewOrg {
                name: format!("基准联合党支部{i}"),
                kind: OrgKind::Branch,
                form: OrgForm::Joint,
                parent: None,
                units: chunk.to_vec(),
                town_code: None,
                secretary_name: None,
                members_count: None,
                established_on: since,
                is_demo: false,
            };
            store.registry().create_org(&caller, org).await?;
        } else {
            for u in chunk {
                let link = NewWorkLink {
                    unit: *u,
                    kind: WorkLinkKind::Instructor,
                    instructor_name: Some("指导员".into()),
                    party_org: None,
                    since,
                    note: None,
                    is_demo: false,
                };
                store.coverage().add_work_link(&caller, link).await?;
            }
        }
    }
    let t = Instant::now();
    let stats = store.coverage().rebuild().await?;
    let rebuild = t.elapsed().as_secs_f64();

    let q = CoverageQuery::default();
    let mut cells_times = Vec::with_capacity(200);
    let mut counted_times = Vec::with_capacity(20);
    let mut cells_n = 0;
    for _ in 0..200 {
        let t = Instant::now();
        let sum = store.coverage().summary(&caller, &q).await?;
        cells_times.push(t.elapsed());
        cells_n = sum.cells.len();
    }
    for _ in 0..20 {
        let t = Instant::now();
        store.coverage().summary_counted(&caller, &q).await?;
        counted_times.push(t.elapsed());
    }
    let (c50, c95, cmax) = percentiles(&mut cells_times);
    let (g50, g95, gmax) = percentiles(&mut counted_times);
    println!(
        "coverage    {label}  summary of {} categories × all towns ({cells_n} cells) from derived cells: p50 {c50:.1} ms  p95 {c95:.1} ms  max {cmax:.1} ms  [target p95 ≤ 200 ms]",
        rules.len()
    );
    println!(
        "coverage    {label}  the same by plain GROUP BY over the enterprises: p50 {g50:.0} ms  p95 {g95:.0} ms  max {gmax:.0} ms  (cells {:.0}× faster at p95)",
        g95 / c95.max(0.001)
    );
    println!(
        "coverage    {label}  rebuild after a change (statuses of {} covered enterprises, {} category × town × status rows): {rebuild:.2} s, paid once by the first reader",
        stats.covered_units, stats.cells
    );
    Ok(())
}

/// A million requests, then the department report as its page asks for it: for the whole
/// deployment, for the district administrator of 松江区 (Region 310117, whose enterprises
/// filed all of them) and for one department's officer.
async fn services_bench(label: &str, store: &Store, scale: usize) -> AnyResult<()> {
    use qunlian_domain::auth::{Role, Scope, UnitId};
    let n = 1_000_000 / scale;
    let t = Instant::now();
    store.services().seed_synthetic_requests(n, 7).await?;
    let seeded = t.elapsed().as_secs_f64();
    store.refresh_statistics_of(qunlian_store::BulkTable::ServiceRequests).await;
    let system = Caller::system("bench");
    let whole = store.services().report(&system).await?;
    let first = whole.rows.first().ok_or("services: an empty report")?;
    let district = Caller {
        role: Role::DistrictAdmin,
        scope: Scope::Region(RegionCode::parse("310117")?),
        ..Caller::system("bench-district")
    };
    let department = Caller {
        role: Role::ServiceOfficer,
        scope: Scope::Department(UnitId(first.department_id)),
        ..Caller::system("bench-department")
    };
    let department_name = format!("department {}", first.department);
    println!("services    {label}  seeding {n} requests took {seeded:.1} s");
    for (who, caller) in
        [("whole deployment", &system), ("district 310117", &district), (department_name.as_str(), &department)]
    {
        let mut times = Vec::with_capacity(30);
        let mut rows = 0;
        let mut total = 0;
        for _ in 0..30 {
            let t = Instant::now();
            let report = store.services().report(caller).await?;
            times.push(t.elapsed());
            rows = report.rows.len();
            total = report.total.count;
        }
        let (p50, p95, max) = percentiles(&mut times);
        println!(
            "services    {label}  {who}: department report over {total} requests ({rows} rows: departments and items, median and P90 working days): p50 {p50:.0} ms  p95 {p95:.0} ms  max {max:.0} ms  [target p95 ≤ 300 ms]"
        );
        // What the derived cells replace: the same report counted from the requests.
        let mut counted_times = Vec::with_capacity(10);
        for _ in 0..10 {
            let t = Instant::now();
            let counted = store.services().report_counted(caller).await?;
            counted_times.push(t.elapsed());
            if counted != store.services().report(caller).await? {
                return Err(format!("services: {who}: the derived report differs from the direct count").into());
            }
        }
        let (c50, c95, cmax) = percentiles(&mut counted_times);
        println!(
            "services    {label}  {who}: the same counted from the requests (one GROUP BY): p50 {c50:.0} ms  p95 {c95:.0} ms  max {cmax:.0} ms  (cells {:.0}× faster at p95)",
            c95 / p95.max(0.001)
        );
    }
    Ok(())
}
