//! `qunlian demo` as `make demo` runs it — the default district of 3,000 generated
//! enterprises beside the named ones — seeds without an error and serves: the browser tests
//! start smaller demos, and a seeding step that fails only at full size (an instructor
//! assigned to a branch past a form's first 300 choices) once reached `make demo` unseen.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn healthz(port: u16) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    Some(out)
}

#[test]
fn the_default_demo_seeds_and_serves() {
    let dir = tempfile::tempdir().unwrap();
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let log = dir.path().join("demo.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_qunlian"))
        .args(["demo", "--listen", &format!("127.0.0.1:{port}"), "--data-dir"])
        .arg(dir.path().join("data"))
        .env("QUNLIAN_LOG", "error")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&log).unwrap())
        .stderr(Stdio::from(std::fs::File::options().append(true).open(&log).unwrap()))
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(600);
    let served = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Err(format!("qunlian demo exited ({status})"));
        }
        if healthz(port).is_some_and(|r| r.starts_with("HTTP/1.1 200")) {
            break Ok(());
        }
        if Instant::now() > deadline {
            break Err("qunlian demo did not answer /healthz within 10 minutes".to_owned());
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    let _ = child.kill();
    let _ = child.wait();
    let printed = std::fs::read_to_string(&log).unwrap_or_default();
    if let Err(e) = served {
        panic!("{e}:\n{printed}");
    }
    assert!(printed.contains("Demo@2026ql"), "the logins are printed:\n{printed}");
}
