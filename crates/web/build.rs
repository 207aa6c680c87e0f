//! The front-end libraries come from npm (pinned in the root package-lock.json) and are
//! embedded in the binary; nothing is fetched at run time.

use std::path::Path;

const FILES: &[&str] = &["htmx.org/dist/htmx.min.js", "echarts/dist/echarts.min.js"];

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../node_modules");
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
