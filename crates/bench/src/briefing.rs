//! The 工作简报 (#15): a district of 20 clusters × 100 member enterprises with tax and output
//! for two years; timed, the district briefing from the scorecards (store), then its Word and
//! its PDF (target: a briefing generated in ≤ 5 s) — on SQLite, and on PostgreSQL when
//! `BENCH_DATABASE_URL` is set (`--briefing-only`).

use std::time::{Duration, Instant};

use qunlian_domain::RegionCode;
use qunlian_domain::auth::Caller;
use qunlian_domain::briefing::BriefingScope;
use qunlian_domain::results::{FigureRow, Indicator, Period};
use qunlian_domain::uscc::Uscc;
use qunlian_io::briefing::{ChineseFont, docx, pdf};
use qunlian_store::Store;
use qunlian_store::registry::NewCluster;
use qunlian_store::results::FigureImportRow;

use crate::{AnyResult, import, open, percentiles};

const CLUSTERS: usize = 20;
const MEMBERS: usize = 100;
const RUNS: usize = 5;

pub async fn run(scale: usize) -> AnyResult<()> {
    let district = RegionCode::parse("310117")?;
    let dir = tempfile::tempdir()?;
    let csv = dir.path().join("briefing.csv");
    let n = CLUSTERS * MEMBERS / scale;
    qunlian_io::synth::gen_enterprises(n as u64, 9, district, std::io::BufWriter::new(std::fs::File::create(&csv)?))?;
    let sqlite = open(&format!("sqlite://{}", dir.path().join("briefing.sqlite").display())).await?;
    import(&sqlite, &csv, district).await?;
    bench("sqlite", &sqlite, district, n).await?;
    if let Ok(url) = std::env::var("BENCH_DATABASE_URL") {
        let pg = open(&url).await?;
        import(&pg, &csv, district).await?;
        bench("postgres", &pg, district, n).await?;
    }
    Ok(())
}

async fn bench(label: &str, store: &Store, district: RegionCode, n: usize) -> AnyResult<()> {
    let sys = Caller::system("bench");
    let firms = crate::first_enterprises(store, n).await?;
    let towns: Vec<RegionCode> = district.children().collect();
    let per = (firms.len() / CLUSTERS).max(1);
    let mut rows = Vec::new();
    for (i, chunk) in firms.chunks(per).take(CLUSTERS).enumerate() {
        let cluster = store
            .registry()
            .create_cluster(
                &sys,
                NewCluster {
                    name: format!("基准产业集群{:02}", i + 1),
                    short_name: format!("集群{:02}", i + 1),
                    industry_focus: "装备制造".into(),
                    industry_codes: vec![],
                    town: towns[i % towns.len()],
                    structure: None,
                    committee: None,
                    description: String::new(),
                    established_on: None,
                    is_demo: false,
                },
            )
            .await?;
        for (j, e) in chunk.iter().enumerate() {
            store.registry().add_cluster_member(&sys, cluster, e.id, false, None).await?;
            let Some(uscc) = e.uscc.as_deref().and_then(|u| Uscc::parse(u).ok()) else { continue };
            for (year, base) in [(2025, 1_000_000_i64), (2026, 1_200_000)] {
                let period = Period::year(year);
                rows.push(FigureImportRow {
                    line: rows.len() + 2,
                    row: FigureRow {
                        uscc: uscc.clone(),
                        name: e.name.clone(),
                        period,
                        as_of: period.dates().1.pred_opt().unwrap_or_default(),
                        values: vec![(Indicator::Tax, base + j as i64 * 1_000), (Indicator::Output, base * 9)],
                    },
                });
            }
        }
    }
    let figures = rows.len();
    store.results().import_figures(&sys, rows, "bench.csv", 0, false).await?;
    let font = ChineseFont::system()?;
    let (mut data_t, mut docx_t, mut pdf_t, mut all_t) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut docx_len, mut pdf_len) = (0, 0);
    for _ in 0..RUNS {
        let t = Instant::now();
        let data = store.results().briefing(&sys, &BriefingScope::District, Period::year(2026)).await?;
        let made = t.elapsed();
        let w = docx(&data.document, &font)?;
        let after_docx = t.elapsed();
        let p = pdf(&data.document, &font)?;
        let total = t.elapsed();
        (docx_len, pdf_len) = (w.len(), p.len());
        data_t.push(made);
        docx_t.push(after_docx - made);
        pdf_t.push(total - after_docx);
        all_t.push(total);
    }
    let show = |name: &str, t: &mut Vec<Duration>| {
        let (p50, _, max) = percentiles(t);
        println!("  {name}: p50 {p50:.0} ms, max {max:.0} ms");
    };
    println!(
        "briefing ({label}): {CLUSTERS} clusters, {} enterprises, {figures} figure rows, font {}; {RUNS} runs",
        firms.len(),
        font.family
    );
    show("store (scorecards + cases)", &mut data_t);
    show(&format!("docx ({} KB)", docx_len / 1024), &mut docx_t);
    show(&format!("pdf ({} KB)", pdf_len / 1024), &mut pdf_t);
    show("briefing, both files (target ≤ 5000 ms)", &mut all_t);
    Ok(())
}
