//! `qunlian user create` then `qunlian user list`, through the binary: the list reads in
//! Chinese (it printed the scope as Rust's debug text, `Region(RegionCode("310117109"))`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use qunlian_testkit::*;

#[tokio::test]
async fn the_user_list_names_role_and_scope_in_chinese() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_qunlian"))
            .args(["--database", &db.url, "--data-dir"])
            .arg(dir.path())
            .args(args)
            .env("QUNLIAN_LOG", "error")
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    run(&["user", "create", "zhang", "--role", "town_admin", "--scope", "region:310117109"]);
    let list = run(&["user", "list"]);
    let line = list.lines().find(|l| l.starts_with("zhang\t")).unwrap_or_else(|| panic!("{list}"));
    assert_eq!(line, "zhang\tzhang\t街镇管理员\t区域 310117109");
}
