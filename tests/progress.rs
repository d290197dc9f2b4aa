//! Progress of `report --history` never reaches a pipe: with stderr not a terminal (as
//! here, and in CI and editors) stderr holds only the closing summary, and `--quiet`
//! leaves it empty. The printer itself is tested with an injected writer and clock
//! (`src/progress.rs`).

mod common;

use common::{git, write};

use std::path::Path;
use std::process::Output;

fn report(root: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["report", "--history", "3", "--format", "json"];
    args.extend_from_slice(extra);
    common::ssotlint(root, &args)
}

#[test]
fn history_progress_stays_off_pipes_and_under_quiet() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().canonicalize().expect("canonical tempdir");
    common::git_init(&root);
    write(&root.join("app/__init__.py"), "");
    for i in 0..3 {
        write(
            &root.join(format!("app/m{i}.py")),
            "class Pool:\n    def take(self):\n        return self.free.pop()\n\n\npool = Pool()\n",
        );
        git(&root, &["add", "-A"]);
        git(&root, &["commit", "-q", "-m", &format!("c{i}")]);
    }

    let plain = report(&root, &[]);
    assert_eq!(plain.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&plain.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("history: 3 commits, 9 file versions,"),
        "{stderr}"
    );
    assert!(
        !stderr.contains('\r') && !stderr.contains("elapsed"),
        "{stderr}"
    );
    let rows: serde_json::Value = serde_json::from_slice(&plain.stdout).expect("JSON on stdout");
    let singletons: Vec<u64> = rows["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["singletons"].as_u64().expect("singletons"))
        .collect();
    assert_eq!(singletons, vec![1, 2, 3], "{rows}");

    let quiet = report(&root, &["--quiet"]);
    assert_eq!(quiet.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&quiet.stderr), "");
    assert_eq!(quiet.stdout, plain.stdout);
}
