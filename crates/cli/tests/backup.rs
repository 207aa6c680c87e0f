//! `qunlian backup` then `qunlian restore` into another database, through the binary: every
//! table's rows come back, and the encrypted phones decrypt with the same master key and
//! not with another. On SQLite, and on PostgreSQL when TEST_DATABASE_URL is set.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Output;

use qunlian_domain::Phone;
use qunlian_store::{Crypto, Store};
use qunlian_testkit::*;

const KEY: [u8; 32] = [42u8; 32];

fn qunlian(dir: &std::path::Path, url: &str, key: &[u8; 32], args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_qunlian"))
        .args(["--database", url, "--data-dir"])
        .arg(dir)
        .args(args)
        .env("QUNLIAN_MASTER_KEY", hex::encode(key))
        .env("QUNLIAN_LOG", "error")
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[tokio::test]
async fn a_backup_restores_every_row_and_the_phones_decrypt_with_its_key_only() {
    let source = TestDb::new().await;
    let target = TestDb::new().await;
    let s = &source.store;
    for n in 0..20u32 {
        let mut e = enterprise(n, &format!("上海备份{n:02}有限公司"), "新桥");
        e.contact_phone = Some(Phone::parse(&format!("1380013{n:04}")).unwrap());
        s.registry().create_enterprise(&system(), e).await.unwrap();
    }
    let before = s.inventory().await.unwrap();
    assert_eq!((before.rows("units"), before.encrypted, before.decrypted), (20, 20, 20));

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("qunlian.backup");
    let file_arg = file.to_str().unwrap();
    let backup = qunlian(dir.path(), &source.url, &KEY, &["backup", file_arg]);
    assert!(backup.status.success(), "{}", text(&backup));
    assert!(text(&backup).contains("不含主密钥"), "{}", text(&backup));
    let again = qunlian(dir.path(), &source.url, &KEY, &["backup", file_arg]);
    assert!(!again.status.success() && text(&again).contains("已存在"), "{}", text(&again));

    // Another key: the rows come back, but the phones do not open, and the command says so.
    let wrong = qunlian(dir.path(), &target.url, &[7u8; 32], &["restore", file_arg, "--replace"]);
    assert!(!wrong.status.success(), "{}", text(&wrong));
    assert!(text(&wrong).contains("无法用当前主密钥"), "{}", text(&wrong));

    let restore = qunlian(dir.path(), &target.url, &KEY, &["restore", file_arg, "--replace"]);
    assert!(restore.status.success(), "{}", text(&restore));
    let restored = Store::open(&target.url, Crypto::new(&KEY).unwrap()).await.unwrap();
    let after = restored.inventory().await.unwrap();
    assert_eq!(after, before);
    let unit = restored.registry().enterprise_by_uscc(&system(), uscc(7).as_str()).await.unwrap();
    assert_eq!(
        restored.registry().reveal_contact_phone(&system(), unit.id).await.unwrap().as_deref(),
        Some("13800130007")
    );

    // A database with data is not replaced without --replace.
    let refused = qunlian(dir.path(), &target.url, &KEY, &["restore", file_arg]);
    assert!(!refused.status.success() && text(&refused).contains("--replace"), "{}", text(&refused));
}
