//! `qunlian import enterprises` through the binary on SQLite: one transaction when no server
//! uses the database, staged and applied in batches when one does (issue #11 point 7,
//! decisions/0006 addendum). A server holds `qunlian.sqlite.lock` shared for as long as it
//! runs; the test holds it the same way.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

fn qunlian(dir: &Path, args: &[&str]) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_qunlian"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env("QUNLIAN_LOG", "info")
        .env_remove("QUNLIAN_DATABASE")
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

/// The import's closing line and its log.
fn import(dir: &Path, file: &Path) -> (String, String) {
    let out = qunlian(dir, &["import", "enterprises", file.to_str().unwrap()]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let last = stdout.lines().last().unwrap_or_default().to_owned();
    (last, String::from_utf8(out.stderr).unwrap())
}

#[test]
fn the_import_writes_in_one_transaction_alone_and_in_batches_beside_a_server() {
    let files = tempfile::tempdir().unwrap();
    let csv = files.path().join("e.csv");
    qunlian(files.path(), &["gen", "--enterprises", "3000", "--out", csv.to_str().unwrap()]);

    // A server on the database: it holds the lock shared, so the import is staged.
    let served = tempfile::tempdir().unwrap();
    let lock = std::fs::File::create(served.path().join("qunlian.sqlite.lock")).unwrap();
    lock.lock_shared().unwrap();
    let (counts, log) = import(served.path(), &csv);
    assert_eq!(counts, "imported 3000, updated 0, unchanged 0, rejected 0", "{log}");
    assert!(log.contains("服务正在使用该数据库：分批写入"), "{log}");
    assert!(log.contains("\"staged\""), "{log}");
    let (again, log) = import(served.path(), &csv);
    assert_eq!(again, "imported 0, updated 0, unchanged 3000, rejected 0", "{log}");
    assert!(log.contains("\"staged\""), "{log}");
    drop(lock);

    // Nobody else: one transaction.
    let alone = tempfile::tempdir().unwrap();
    let (counts, log) = import(alone.path(), &csv);
    assert_eq!(counts, "imported 3000, updated 0, unchanged 0, rejected 0", "{log}");
    assert!(!log.contains("分批写入"), "{log}");
    assert!(log.contains("\"direct\""), "{log}");
    let (again, log) = import(alone.path(), &csv);
    assert_eq!(again, "imported 0, updated 0, unchanged 3000, rejected 0", "{log}");
    assert!(log.contains("\"direct\""), "{log}");
    // The same lock again, once the import has ended: a server may start.
    let lock = std::fs::File::open(alone.path().join("qunlian.sqlite.lock")).unwrap();
    lock.try_lock_shared().unwrap();
}

/// A server started while the command line's one-transaction import holds the lock says so
/// and starts once the import has ended, instead of failing on the database's write lock.
#[test]
fn a_server_started_during_a_one_transaction_import_waits_for_it() {
    use std::io::BufRead;
    use std::time::Duration;
    let dir = tempfile::tempdir().unwrap();
    let lock = std::fs::File::create(dir.path().join("qunlian.sqlite.lock")).unwrap();
    lock.lock().unwrap();
    let mut server = Command::new(env!("CARGO_BIN_EXE_qunlian"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["--listen", "127.0.0.1:0", "serve"])
        .env("QUNLIAN_LOG", "error")
        .env_remove("QUNLIAN_DATABASE")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let out = std::io::BufReader::new(server.stdout.take().unwrap());
    let err = std::io::BufReader::new(server.stderr.take().unwrap());
    for lines in
        [Box::new(out.lines()) as Box<dyn Iterator<Item = std::io::Result<String>> + Send>, Box::new(err.lines())]
    {
        let tx = tx.clone();
        std::thread::spawn(move || lines.map_while(Result::ok).for_each(|l| drop(tx.send(l))));
    }
    let next = |what: &str| loop {
        match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(line) if line.contains(what) => return true,
            Ok(_) => {}
            Err(_) => return false,
        }
    };
    let waited = next("导入结束后服务自动启动");
    std::thread::sleep(Duration::from_millis(300));
    let still_waiting = rx.try_iter().all(|l| !l.contains("群链已启动"));
    drop(lock);
    let started = next("群链已启动");
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(waited, "the server did not say it waits for the import");
    assert!(still_waiting, "the server started while the import held the lock");
    assert!(started, "the server did not start after the import");
}
