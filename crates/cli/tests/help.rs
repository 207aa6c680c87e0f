//! The command line speaks Chinese: every command's help (clap's own words too) and a wrong
//! command line's error, which printed clap's English before.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

fn run(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_qunlian")).args(args).env("QUNLIAN_LOG", "error").output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn every_help_and_every_error_reads_in_chinese() {
    let commands: &[&[&str]] = &[
        &[],
        &["serve"],
        &["demo"],
        &["import"],
        &["import", "enterprises"],
        &["import", "listings"],
        &["export", "enterprises"],
        &["match"],
        &["reindex"],
        &["gen"],
        &["user", "create"],
        &["user", "list"],
        &["user", "reset"],
        &["token", "create"],
        &["backup"],
        &["restore"],
        &["print-config"],
    ];
    for command in commands {
        let (code, help) = run(&[command, &["--help"][..]].concat());
        assert_eq!(code, 0, "{command:?}: {help}");
        assert!(help.contains("用法：qunlian") && help.contains("显示帮助"), "{command:?}: {help}");
        for english in ["Usage:", "Options:", "Commands:", "Arguments:", "Print help", "Print version"] {
            assert!(!help.contains(english), "{command:?} --help shows {english}: {help}");
        }
    }
    let (code, text) = run(&["frob"]);
    assert_eq!((code, text.lines().next()), (2, Some("错误：没有命令 frob")), "{text}");
    let (code, text) = run(&["user", "create"]);
    assert_eq!(code, 2);
    assert!(text.starts_with("错误：缺少必填参数 --role <ROLE>"), "{text}");
    let (code, text) = run(&["match", "abc"]);
    assert_eq!((code, text.lines().next()), (2, Some("错误：<LISTING_ID> 的值“abc”无效")), "{text}");
    // A file that is not there, and a folder given as a file, in Chinese (the system's
    // English before: "No such file or directory (os error 2)").
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    for what in ["enterprises", "listings"] {
        let (code, text) = run(&["--data-dir", data, "import", what, "没有这个文件.xlsx"]);
        assert_eq!((code, text.lines().last()), (1, Some("无法读取 没有这个文件.xlsx：文件不存在")), "{what}");
        let (_, text) = run(&["--data-dir", data, "import", what, data]);
        assert!(text.trim().ends_with("：这是一个文件夹，不是文件"), "{what}: {text}");
    }
}
