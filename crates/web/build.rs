//! The front-end libraries come from npm (pinned in the root package-lock.json) and are
//! embedded in the binary; nothing is fetched at run time.

use std::path::Path;

const FILES: &[&str] = &["htmx.org/dist/htmx.min.js", "echarts/dist/echarts.min.js"];

fn main() {
    // Read at run time, not baked in with env!: a build script compiled for one checkout
    // and reused from a shared target folder must check this checkout's files.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".to_owned());
    let root = Path::new(&manifest).join("../../node_modules");
    let mut missing = Vec::new();
    for f in FILES {
        let p = root.join(f);
        println!("cargo:rerun-if-changed={}", p.display());
        if !p.exists() {
            missing.push(*f);
        }
    }
    if !missing.is_empty() {
        eprintln!(
            "error: front-end files missing from node_modules ({}). Run `npm ci` at the repository root first (`make demo` and `make test` do it).",
            missing.join(", ")
        );
        std::process::exit(1);
    }
}
