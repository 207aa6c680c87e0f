//! Matchmaking (#4), section 6: 1,000,000 synthetic listings indexed by tantivy + jieba, the top-10
//! match of a few hundred needs (candidates from the index, then the domain's ranking),
//! and on the same listings in the same run an SQLite FTS5 table with the trigram tokenizer
//! (MATCH … ORDER BY rank LIMIT 10) and a LIKE scan ranked by the number of words found.

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use qunlian_domain::matching::{IndexChange, ListingDoc, ListingKind, ListingVector, SearchIndex, Visibility, rank};
use qunlian_embed::StaticE5;
use qunlian_search::TantivyIndex;
use qunlian_search::analysis;
use qunlian_search::eval::{self, Fusion, Set};
use qunlian_search::semantic::{self, Vectors};
use qunlian_search::synthetic::{self, Options};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};

use crate::AnyResult;

/// Candidates asked of the index before ranking, as the store asks for them.
const POOL: usize = 100;
const QUERIES: usize = 300;
/// A LIKE scan reads every row: fewer of them keep the run short, p95 is still telling.
const LIKE_QUERIES: usize = 20;
const BATCH: usize = 100_000;
const EVAL_OFFSET: i64 = 100_000_000;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).unwrap_or_default()
}

/// p50 / p95 / p99 in milliseconds.
fn percentiles(times: &mut [Duration]) -> (f64, f64, f64) {
    times.sort();
    let p = |q: f64| {
        times
            .get(((times.len() as f64 * q) as usize).min(times.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    (p(0.5), p(0.95), p(0.99))
}

fn dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => dir_size(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

pub async fn run(scale: usize) -> AnyResult<()> {
    let n = 1_000_000 / scale;
    let dir = tempfile::tempdir()?;
    let options = Options { seed: 4, first_id: 1, offer_percent: 50, today: today() };

    // Index, in batches as `qunlian reindex` applies them.
    let index = TantivyIndex::open(&dir.path().join("listings.index"))?;
    // Every listing embedded as the store does when it is saved (the time summed apart).
    let embedder = StaticE5::bundled()?;
    let mut embed_time = Duration::ZERO;
    let t = Instant::now();
    let mut batch = Vec::with_capacity(BATCH);
    let mut needs: Vec<ListingDoc> = Vec::new();
    let mut applied = 0i64;
    // The same vectors held apart, to train the inverted file as a start-up does and to
    // compare its neighbours with the exhaustive search's.
    let mut held = Vectors::new();
    for doc in synthetic::listings(n, &options) {
        // Every n/QUERIES-th need is a query: spread over the whole set.
        if doc.kind == ListingKind::Need
            && needs.len() < QUERIES
            && (doc.id as usize).is_multiple_of((n / QUERIES / 2).max(1))
        {
            needs.push(doc.clone());
        }
        applied = doc.id;
        let e = Instant::now();
        let vector = semantic::embed(embedder, &doc);
        embed_time += e.elapsed();
        held.insert(&doc, &vector);
        batch.push(IndexChange::Upsert(doc, Some(vector)));
        if batch.len() == BATCH {
            index.apply(std::mem::take(&mut batch), applied)?;
        }
    }
    index.apply(batch, applied)?;
    let secs = (t.elapsed() - embed_time).as_secs_f64();
    // The evaluation set among them (ids shifted past the synthetic ones), scored below.
    // The independent set's ids sit past the tuning set's; its own distractors come along.
    // Tuning set B is not among them: written for the same clusters, its offers answer the
    // other sets' needs too without being marked so, which would lower both sets' figures
    // for no fault of the ranking (and its own by theirs); the eval test scores it.
    let sets = [Set::Tuning, Set::Independent]
        .into_iter()
        .enumerate()
        .map(|(i, set)| Ok((set, eval::load_set(set, today(), EVAL_OFFSET * (i as i64 + 1))?)))
        .collect::<Result<Vec<_>, String>>()?;
    for (_, listed) in &sets {
        let docs = listed.needs.iter().chain(&listed.offers);
        index.apply(
            docs.map(|d| IndexChange::Upsert(d.clone(), Some(semantic::embed(embedder, d)))).collect(),
            applied,
        )?;
    }
    println!(
        "matching    index listings={n} tantivy+jieba  {secs:.1} s  ({:.0} listings/s)  size {:.0} MB",
        n as f64 / secs,
        dir_size(&dir.path().join("listings.index")) as f64 / 1e6
    );

    // The semantic stage: every listing embedded above (the time of that alone), the int8
    // vectors held in memory with their inverted file (docs/decisions/0008).
    let embed_secs = embed_time.as_secs_f64();
    println!(
        "matching    语义 embed listings={n} static e5  {embed_secs:.1} s  ({:.0} µs each, {:.0} listings/s)  int8 vectors {:.0} MB in memory",
        embed_secs * 1e6 / n.max(1) as f64,
        n as f64 / embed_secs.max(1e-9),
        index.vector_bytes() as f64 / 1e6
    );

    // The inverted file: trained on the million as at start-up (`hold_vectors`), its 20
    // neighbours against the exhaustive search's for the same needs and viewers.
    let t = Instant::now();
    held.maintain();
    let train_secs = t.elapsed().as_secs_f64();
    let queries: Vec<(ListingVector, semantic::Filter)> = needs
        .iter()
        .filter_map(|need| {
            let viewer = Visibility::Keys(need.owner.viewer_keys());
            Some((semantic::embed(embedder, need), semantic::Filter::counterparts_of(need, &viewer, today())?))
        })
        .collect();
    let mut exhaustive_times = Vec::new();
    let mut exact = Vec::new();
    for (vector, filter) in &queries {
        let t = Instant::now();
        exact.push(held.neighbours_exhaustive(vector, semantic::NEIGHBOURS, filter));
        exhaustive_times.push(t.elapsed());
    }
    let (x50, x95, _) = percentiles(&mut exhaustive_times);
    println!(
        "matching    语义 neighbours exhaustive  p50 {x50:.1} ms  p95 {x95:.1} ms;  inverted file of {} lists trained on {n} in {train_secs:.1} s, {:.0} MB with the vectors",
        held.list_count(),
        held.vector_bytes() as f64 / 1e6
    );
    for probes in [semantic::PROBES / 2, semantic::PROBES, semantic::PROBES * 2, semantic::PROBES * 4] {
        let (mut times, mut same, mut asked) = (Vec::new(), 0usize, 0usize);
        for ((vector, filter), exact) in queries.iter().zip(&exact) {
            let t = Instant::now();
            let near = held.neighbours_probing(vector, semantic::NEIGHBOURS, filter, probes);
            times.push(t.elapsed());
            same += near.iter().filter(|(id, _)| exact.iter().any(|(e, _)| e == id)).count();
            asked += exact.len();
        }
        let (p50, p95, _) = percentiles(&mut times);
        println!(
            "matching    语义 neighbours, {probes} lists read at the least{}  p50 {p50:.1} ms  p95 {p95:.1} ms  recall@{} against the exhaustive {:.3}",
            if probes == semantic::PROBES { " (as served)" } else { "" },
            semantic::NEIGHBOURS,
            same as f64 / asked.max(1) as f64
        );
    }
    // How the lists are balanced, and how many rows the lists read at the least hold: the
    // work of a probe, whatever the machine's load.
    let mut read = Vec::with_capacity(queries.len());
    let mut lengths = Vec::new();
    for (vector, filter) in &queries {
        let (l, r) = held.probe_rows(vector, filter.kind, semantic::PROBES);
        lengths = l;
        read.push(r);
    }
    lengths.sort_unstable();
    read.sort_unstable();
    let at = |v: &[usize], q: f64| {
        v.get(((v.len() as f64 * q) as usize).min(v.len().saturating_sub(1))).copied().unwrap_or(0)
    };
    println!(
        "matching    语义 offers' lists: smallest {}, median {}, largest {} rows;  rows in the {} lists read at the least: p50 {}, p95 {} (of {} offers)",
        lengths.first().copied().unwrap_or(0),
        at(&lengths, 0.5),
        lengths.last().copied().unwrap_or(0),
        semantic::PROBES,
        at(&read, 0.5),
        at(&read, 0.95),
        lengths.iter().sum::<usize>()
    );
    drop(held);

    // Top-10 matches as `qunlian match` and the listing page ask for them with the semantic
    // stage off: the product then holds no vectors, so nothing lends words by meaning either.
    index.set_expansion(false);
    let mut match_times = Vec::with_capacity(needs.len());
    let mut everything_times = Vec::with_capacity(needs.len());
    let mut found = 0usize;
    for need in &needs {
        let viewer = Visibility::Keys(need.owner.viewer_keys());
        let t = Instant::now();
        let candidates = index.candidates(need, &viewer, today(), POOL)?;
        let top = rank(need, candidates, today(), 10);
        match_times.push(t.elapsed());
        found += top.len();
        let t = Instant::now();
        let candidates = index.candidates(need, &Visibility::Everything, today(), POOL)?;
        let _ = rank(need, candidates, today(), 10);
        everything_times.push(t.elapsed());
    }
    let (p50, p95, p99) = percentiles(&mut match_times);
    println!(
        "matching    top-10 match  {} needs  p50 {p50:.1} ms  p95 {p95:.1} ms  p99 {p99:.1} ms  ({:.1} matches each)  [target p95 ≤ 30 ms]",
        needs.len(),
        found as f64 / needs.len().max(1) as f64
    );
    let (e50, e95, e99) = percentiles(&mut everything_times);
    println!(
        "matching    top-10 match, an official seeing everything  p50 {e50:.1} ms  p95 {e95:.1} ms  p99 {e99:.1} ms"
    );

    index.set_expansion(true);
    // The same with the semantic stage on, as the store asks (the enterprise's own view,
    // the subject's stored vector) — the neighbour search is what this adds.
    let mut semantic_times = Vec::with_capacity(needs.len());
    let mut cpu_times = Vec::with_capacity(needs.len());
    let mut all_threads = Duration::ZERO;
    for need in &needs {
        let viewer = Visibility::Keys(need.owner.viewer_keys());
        let vector = semantic::embed(embedder, need);
        let process = process_cpu();
        let (t, cpu) = (Instant::now(), thread_cpu());
        let _ = fused_top10(&index, &vector, need, &viewer)?;
        semantic_times.push(t.elapsed());
        cpu_times.push(thread_cpu().saturating_sub(cpu));
        all_threads += process_cpu().saturating_sub(process);
    }
    let (s50, s95, s99) = percentiles(&mut semantic_times);
    let (c50, c95, _) = percentiles(&mut cpu_times);
    let all_mean = all_threads.as_secs_f64() * 1e3 / needs.len().max(1) as f64;
    println!(
        "matching    top-10 match 语义 on  p50 {s50:.1} ms  p95 {s95:.1} ms  p99 {s99:.1} ms  [target p95 ≤ 30 ms];  CPU time of the query's thread (the lexical pool and the fusion; the neighbours run beside it) p50 {c50:.1} ms  p95 {c95:.1} ms;  of all threads, mean {all_mean:.1} ms a query"
    );
    // Where that time goes: the same steps as `semantic_matches`, timed one by one.
    let mut parts: [Vec<Duration>; 4] = Default::default();
    for need in &needs {
        let viewer = Visibility::Keys(need.owner.viewer_keys());
        let vector = semantic::embed(embedder, need);
        let t = Instant::now();
        let candidates = index.candidates(need, &viewer, today(), POOL)?;
        parts[0].push(t.elapsed());
        let t = Instant::now();
        let near = index.neighbours(need, &vector, &viewer, today(), semantic::NEIGHBOURS)?;
        parts[1].push(t.elapsed());
        let t = Instant::now();
        let ids: Vec<i64> = candidates.iter().map(|c| c.doc.id).collect();
        let cosines: std::collections::HashMap<i64, f32> = index.similarities(&vector, &ids)?.into_iter().collect();
        parts[2].push(t.elapsed());
        let t = Instant::now();
        let _ = semantic::fuse(need, candidates, near, |id| cosines.get(&id).copied(), semantic::WEIGHT, today(), 10);
        parts[3].push(t.elapsed());
    }
    let shown: Vec<String> = ["lexical pool", "20 neighbours with their documents", "cosines of the pool", "fusion"]
        .iter()
        .zip(parts.iter_mut())
        .map(|(label, times)| {
            let (p50, p95, _) = percentiles(times);
            format!("{label} p50 {p50:.1} / p95 {p95:.1} ms")
        })
        .collect();
    println!("matching    语义 on, its parts:  {}", shown.join(";  "));

    // Quality at this scale: the evaluation's needs among the million, 语义 off and on.
    for (set, listed) in &sets {
        let (mut off, mut on, mut reciprocal, mut wanted) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let vector_of = |d: &ListingDoc| semantic::embed(embedder, d);
        for need in &listed.needs {
            index.set_expansion(false);
            let candidates = index.candidates(need, &Visibility::Everything, today(), POOL)?;
            index.set_expansion(true);
            off.push(rank(need, candidates, today(), 10).iter().map(|m| m.listing_id).collect::<Vec<_>>());
            on.push(fused_top10(&index, &semantic::embed(embedder, need), need, &Visibility::Everything)?);
            // Reciprocal-rank fusion (tried 2026-12-05, not served), on the same candidates.
            let gathered =
                eval::gather(&index, need, &vector_of, &Visibility::Everything, today(), POOL, semantic::NEIGHBOURS)?;
            reciprocal.push(eval::top10(&gathered, Fusion::RECIPROCAL));
            wanted.push(listed.relevant.get(&need.id).cloned().unwrap_or_default());
        }
        let compared =
            [("语义 off", &off), ("语义 on", &on), ("语义 on, reciprocal-rank fusion (not served)", &reciprocal)];
        for (label, ranked) in compared {
            let scores = eval::score(ranked, &wanted);
            println!(
                "matching    {} ({} needs) among {n} listings, {label}: recall@10 {:.3}  MRR {:.3}",
                set.label(),
                listed.needs.len(),
                scores.recall_at_10,
                scores.mrr
            );
        }
    }

    // A change is searchable when apply returns: one edited listing at a time.
    let mut apply_times = Vec::new();
    for (i, need) in needs.iter().take(20).enumerate() {
        let mut edited = need.clone();
        edited.title = format!("{}（已更新）", edited.title);
        let t = Instant::now();
        let vector = semantic::embed(embedder, &edited);
        index.apply(vec![IndexChange::Upsert(edited, Some(vector))], applied + 1 + i as i64)?;
        apply_times.push(t.elapsed());
    }
    let (a50, a95, _) = percentiles(&mut apply_times);
    println!(
        "matching    one change embedded, applied and searchable  p50 {a50:.0} ms  p95 {a95:.0} ms  [target < 1 s]"
    );
    drop(index);

    // The same listings in SQLite: FTS5 with the trigram tokenizer, and a LIKE scan.
    let db = dir.path().join("listings.sqlite");
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(
            SqliteConnectOptions::new()
                .filename(&db)
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal),
        )
        .await?;
    let t = Instant::now();
    load_sqlite(&pool, n, &options).await?;
    let load_secs = t.elapsed().as_secs_f64();
    let t = Instant::now();
    sqlx::query("INSERT INTO listings_fts(listings_fts) VALUES ('rebuild')").execute(&pool).await?;
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&pool).await?;
    println!(
        "matching    sqlite load {load_secs:.1} s, fts5 trigram index {:.1} s  file {:.0} MB",
        t.elapsed().as_secs_f64(),
        std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0) as f64 / 1e6
    );

    let day = i64::from(chrono::Datelike::num_days_from_ce(&today()));
    let mut fts_times = Vec::with_capacity(needs.len());
    let mut fts_found = 0usize;
    for need in &needs {
        let query = trigram_query(need);
        let t = Instant::now();
        let rows = if query.is_empty() {
            Vec::new()
        } else {
            sqlx::query(
                "SELECT l.id FROM listings_fts f JOIN listings l ON l.id = f.rowid \
                 WHERE listings_fts MATCH ?1 AND l.kind = 'offer' AND l.valid_until >= ?2 \
                 ORDER BY f.rank LIMIT 10",
            )
            .bind(&query)
            .bind(day)
            .fetch_all(&pool)
            .await?
        };
        fts_times.push(t.elapsed());
        fts_found += rows.len();
    }
    let (f50, f95, f99) = percentiles(&mut fts_times);
    println!(
        "matching    fts5 trigram MATCH ORDER BY rank LIMIT 10  p50 {f50:.1} ms  p95 {f95:.1} ms  p99 {f99:.1} ms  ({:.1} rows each)",
        fts_found as f64 / needs.len().max(1) as f64
    );

    let mut like_times = Vec::new();
    for need in needs.iter().take(LIKE_QUERIES) {
        let words: Vec<String> = analysis::distinct_words(&format!("{} {}", need.title, need.description))
            .into_iter()
            .filter(|w| analysis::is_readable(w))
            .take(12)
            .collect();
        if words.is_empty() {
            continue;
        }
        let hits: Vec<String> =
            (0..words.len()).map(|i| format!("((title LIKE ?{p}) + (description LIKE ?{p}))", p = i + 2)).collect();
        let sql = format!(
            "SELECT id, {} AS hits FROM listings WHERE kind = 'offer' AND valid_until >= ?1 AND hits > 0 \
             ORDER BY hits DESC LIMIT 10",
            hits.join(" + ")
        );
        // Built from placeholders only; the words are bound.
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(day);
        for w in &words {
            q = q.bind(format!("%{w}%"));
        }
        let t = Instant::now();
        let rows = q.fetch_all(&pool).await?;
        like_times.push(t.elapsed());
        let _ = rows.first().map(|r| r.get::<i64, _>(0));
    }
    let (l50, l95, l99) = percentiles(&mut like_times);
    println!(
        "matching    LIKE scan ranked by words found, {} needs  p50 {l50:.0} ms  p95 {l95:.0} ms  p99 {l99:.0} ms",
        like_times.len()
    );
    println!(
        "matching    p95 ratios: fts5 trigram / tantivy {:.1}×, LIKE / tantivy {:.0}×",
        f95 / p95.max(1e-9),
        l95 / p95.max(1e-9)
    );
    pool.close().await;
    Ok(())
}

/// CPU time this thread has run, from /proc/thread-self/schedstat (nanoseconds; zero where
/// there is none): a measure of a query's work that the machine's load inflates far less than
/// its wall time.
fn thread_cpu() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse::<u64>().ok()))
        .map_or(Duration::ZERO, Duration::from_nanos)
}

/// CPU time the whole process has run, exited threads included, from /proc/self/stat (user +
/// system, in the kernel's USER_HZ = 100 ticks): too coarse for one query, exact enough summed
/// over hundreds — the work of a query whose parts run on two threads.
fn process_cpu() -> Duration {
    let ticks = std::fs::read_to_string("/proc/self/stat").ok().and_then(|s| {
        // The fields after the command name, which is in parentheses and may hold spaces.
        let rest = s.get(s.rfind(')')? + 2..)?;
        let fields: Vec<&str> = rest.split_whitespace().collect();
        Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
    });
    Duration::from_millis(ticks.unwrap_or(0) * 10)
}

/// The top 10 with the semantic stage on: the index's pool joined to the nearest
/// neighbours by embedding, one fused ranking.
fn fused_top10(
    index: &TantivyIndex,
    vector: &ListingVector,
    need: &ListingDoc,
    viewer: &Visibility,
) -> AnyResult<Vec<i64>> {
    let lexical = || index.candidates(need, viewer, today(), POOL);
    let fused = semantic::semantic_matches(index, need, vector, lexical, viewer, |_| true, today(), 10)?;
    Ok(fused.iter().map(|m| m.listing_id).collect())
}

async fn load_sqlite(pool: &SqlitePool, n: usize, options: &Options) -> AnyResult<()> {
    sqlx::query(
        "CREATE TABLE listings (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, title TEXT NOT NULL, \
         description TEXT NOT NULL, valid_until INTEGER NOT NULL)",
    )
    .execute(pool)
    .await?;
    sqlx::query(
        "CREATE VIRTUAL TABLE listings_fts USING fts5(title, description, content='listings', \
         content_rowid='id', tokenize='trigram')",
    )
    .execute(pool)
    .await?;
    let mut tx = pool.begin().await?;
    for (i, doc) in synthetic::listings(n, options).enumerate() {
        sqlx::query("INSERT INTO listings (id, kind, title, description, valid_until) VALUES (?1, ?2, ?3, ?4, ?5)")
            .bind(doc.id)
            .bind(doc.kind.code())
            .bind(&doc.title)
            .bind(&doc.description)
            .bind(i64::from(chrono::Datelike::num_days_from_ce(&doc.valid_until)))
            .execute(&mut *tx)
            .await?;
        if i % BATCH == BATCH - 1 {
            tx.commit().await?;
            tx = pool.begin().await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// The need's text as FTS5 trigram terms: every three-character window of its title and
/// description (after the same normalisation the index applies), OR-ed, each quoted. That
/// is what a trigram index can do with Chinese, which has no spaces between words.
fn trigram_query(need: &ListingDoc) -> String {
    let text = analysis::normalise(&format!("{} {}", need.title, need.description));
    let mut grams: Vec<String> = Vec::new();
    for part in text.split(|c: char| !c.is_alphanumeric()) {
        let chars: Vec<char> = part.chars().collect();
        for w in chars.windows(3) {
            let g: String = w.iter().collect();
            if !grams.contains(&g) {
                grams.push(g);
            }
        }
    }
    grams.truncate(48);
    grams.iter().map(|g| format!("\"{g}\"")).collect::<Vec<_>>().join(" OR ")
}
