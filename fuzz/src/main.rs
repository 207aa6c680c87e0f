//! `qunlian-fuzz`: a mutational fuzzer for the parsers user input reaches, on the stable
//! toolchain (cargo-fuzz needs nightly's sanitizers; this machine builds with stable only).
//! Each target starts from its committed seed corpus under `fuzz/corpus/<target>/`, mutates
//! inputs (bit flips, splices, dictionary words, long repeats of one token to reach length
//! and depth limits) for a bounded time, and runs them on a thread with the stack of a server
//! worker (2 MiB), so what would overflow the server overflows here. A panic anywhere, the
//! readers' own threads included, saves the input under `fuzz/artifacts/<target>/` and fails
//! the run; an abort fails it by the exit status.
//!
//! ```text
//! qunlian-fuzz [all|rule|codes|enterprises|listings|search|activity|development|villages|figures|period]
//!              [--seconds N] [--seed N]
//! qunlian-fuzz <target> --replay FILE...
//! qunlian-fuzz write-seeds        # (re)writes the generated .xlsx seeds
//! ```

mod forms;
mod mutate;
mod targets;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use mutate::Mutator;
use targets::{TARGETS, Target};

/// The stack of a tokio worker thread: the server's own limit.
const STACK: usize = 2 * 1024 * 1024;

static PANICKED: AtomicBool = AtomicBool::new(false);

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn corpus(target: &Target) -> Vec<Vec<u8>> {
    let dir = root().join("corpus").join(target.name);
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(&dir).map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
    files.sort();
    let mut out: Vec<Vec<u8>> = files.iter().filter_map(|p| std::fs::read(p).ok()).collect();
    if out.is_empty() {
        out.push(Vec::new());
    }
    out
}

fn save_crash(target: &Target, input: &[u8]) -> PathBuf {
    let dir = root().join("artifacts").join(target.name);
    let _ = std::fs::create_dir_all(&dir);
    let hash = input.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3));
    let path = dir.join(format!("crash-{hash:016x}"));
    let _ = std::fs::write(&path, input);
    path
}

struct Outcome {
    runs: u64,
    crash: Option<PathBuf>,
}

/// Runs `target` on mutations of its corpus until `budget` is spent (or on the given files).
fn fuzz(target: &'static Target, budget: Duration, seed: u64, replay: Vec<PathBuf>) -> Outcome {
    let worker = std::thread::Builder::new().name(format!("fuzz-{}", target.name)).stack_size(STACK).spawn(move || {
        let check = |input: &[u8], runs: u64| -> Option<Outcome> {
            let ok = std::panic::catch_unwind(|| (target.run)(input)).is_ok();
            // A panic on a reader's own thread is seen only by the hook.
            let hooked = PANICKED.swap(false, Ordering::SeqCst);
            (!ok || hooked).then(|| Outcome { runs, crash: Some(save_crash(target, input)) })
        };
        if !replay.is_empty() {
            for (i, file) in replay.iter().enumerate() {
                let input = std::fs::read(file).unwrap_or_default();
                if let Some(o) = check(&input, i as u64 + 1) {
                    return o;
                }
            }
            return Outcome { runs: replay.len() as u64, crash: None };
        }
        let mut m = Mutator::new(seed, corpus(target), target.dictionary);
        let until = Instant::now() + budget;
        let mut runs = 0u64;
        // The seeds as they are first, then mutations.
        for input in m.pool().to_vec() {
            runs += 1;
            if let Some(o) = check(&input, runs) {
                return o;
            }
        }
        while Instant::now() < until {
            let input = m.next_input();
            runs += 1;
            if let Some(o) = check(&input, runs) {
                return o;
            }
            m.keep(input);
        }
        Outcome { runs, crash: None }
    });
    match worker.map(|w| w.join()) {
        Ok(Ok(o)) => o,
        _ => Outcome { runs: 0, crash: Some(root().join("artifacts").join(target.name)) },
    }
}

fn write_seeds() -> Result<(), String> {
    let template = qunlian_io::xlsx::enterprise_template().map_err(|e| e.to_string())?;
    let dir = root().join("corpus").join("enterprises");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("template.xlsx"), &template).map_err(|e| e.to_string())?;
    let figures = qunlian_io::figures::template().map_err(|e| e.to_string())?;
    let dir = root().join("corpus").join("figures");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("template.xlsx"), &figures).map_err(|e| e.to_string())?;
    Ok(())
}

fn usage() -> ExitCode {
    eprintln!("用法：qunlian-fuzz [all|目标] [--seconds 秒数] [--seed 数] | <目标> --replay 文件… | write-seeds");
    for t in TARGETS {
        eprintln!("  {:<12} {}", t.name, t.about);
    }
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut which = "all".to_owned();
    let mut seconds = 10u64;
    let mut seed = 0x5eed_u64;
    let mut replay = Vec::new();
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seconds" => seconds = it.next().and_then(|s| s.parse().ok()).unwrap_or(seconds),
            "--seed" => seed = it.next().and_then(|s| s.parse().ok()).unwrap_or(seed),
            "--replay" => replay.extend(it.by_ref().map(PathBuf::from)),
            "write-seeds" => {
                return match write_seeds() {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(e) => {
                        eprintln!("写种子失败：{e}");
                        ExitCode::FAILURE
                    }
                };
            }
            "-h" | "--help" => return usage(),
            name => which = name.to_owned(),
        }
    }
    let chosen: Vec<&'static Target> = TARGETS.iter().filter(|t| which == "all" || t.name == which).collect();
    if chosen.is_empty() {
        return usage();
    }
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICKED.store(true, Ordering::SeqCst);
        default_hook(info);
    }));
    let mut failed = false;
    for t in chosen {
        let started = Instant::now();
        let o = fuzz(t, Duration::from_secs(seconds), seed, replay.clone());
        let secs = started.elapsed().as_secs_f64();
        match &o.crash {
            None => {
                println!("{:<12} {:>9} runs in {secs:.1} s ({:.0}/s), no crash", t.name, o.runs, o.runs as f64 / secs)
            }
            Some(p) => {
                failed = true;
                println!("{:<12} CRASH after {} runs: input saved as {}", t.name, o.runs, show(p));
            }
        }
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

fn show(p: &Path) -> String {
    p.strip_prefix(root()).map(|r| format!("fuzz/{}", r.display())).unwrap_or_else(|_| p.display().to_string())
}
