//! The demo project shipped in `examples/demo`: what the README's first command shows.
//! `EXPECTED.txt` lists every finding (path:row:col: CODE), planted by construction.

mod common;

use common::ssotlint;

use std::path::PathBuf;

#[test]
fn demo_findings_match_expected() {
    let demo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/demo");
    let out = ssotlint(
        &demo,
        &["check", ".", "--output-format", "concise", "--quiet"],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| {
            // `path:row:col: CODE message` → `path:row:col: CODE`
            let mut parts = line.splitn(3, ' ');
            format!(
                "{} {}",
                parts.next().unwrap_or(""),
                parts.next().unwrap_or("")
            )
        })
        .collect();
    let expected = std::fs::read_to_string(demo.join("EXPECTED.txt")).expect("EXPECTED.txt");
    let expected: Vec<&str> = expected
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn demo_runs_from_the_repository_root_too() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = ssotlint(
        &root,
        &[
            "check",
            "examples/demo",
            "--output-format",
            "concise",
            "--quiet",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines().all(|l| l.starts_with("examples/demo/")),
        "{text}"
    );
    let expected =
        std::fs::read_to_string(root.join("examples/demo/EXPECTED.txt")).expect("EXPECTED.txt");
    let count = expected
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .count();
    assert_eq!(text.lines().count(), count);
}
