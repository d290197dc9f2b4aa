//! The hooks of `.pre-commit-hooks.yaml` run by the real `pre-commit` (`$PRE_COMMIT`,
//! installed by scripts/test.sh), the way a user runs it: `pre-commit install` and
//! `git commit`, `pre-commit run --all-files`, `--files F`, `--from-ref/--to-ref`.
//! The hook repository is a local git repository holding this checkout's manifest, so
//! no network is needed; `ssotlint-system` runs the binary under test from `PATH`.

mod common;

use common::{text, Repo};

use std::path::{Path, PathBuf};
use std::process::Output;

const CONFIG: &str =
    "[project]\nexclude = [\"gen\"]\n\n[legacy-modules]\n\"app.old\" = \"app.new\"\n";
const BAD: &str = "import app.old\n";

fn legacy(path: &str, row: usize) -> String {
    format!("{path}:{row}:8: SSOT003 legacy module `app.old` imported; use `app.new`")
}

/// `$PRE_COMMIT`, else the checkout's `.venv` (scripts/test.sh), else `PATH`.
fn pre_commit_binary() -> PathBuf {
    match std::env::var_os("PRE_COMMIT") {
        Some(path) => {
            let path = PathBuf::from(path);
            assert!(
                path.is_file(),
                "PRE_COMMIT={} is not a file",
                path.display()
            );
            path
        }
        None => {
            let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/pre-commit");
            if venv.is_file() {
                venv
            } else {
                PathBuf::from("pre-commit")
            }
        }
    }
}

impl Repo {
    /// A repository with the config, `app/m.py` holding an old violation on line 2 and
    /// `app/other.py` one on line 1, committed with a pre-commit config that uses
    /// `hook_id` from a hook repository made of this checkout's manifest.
    fn new(hook_id: &str) -> Repo {
        let repo = Repo::init();
        let hooks = repo.base().join("hooks-repo");
        std::fs::create_dir_all(&hooks).expect("mkdir");
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml");
        std::fs::copy(&manifest, hooks.join(".pre-commit-hooks.yaml")).expect("copy manifest");
        repo.git_in(&hooks, &["init", "-q", "-b", "main"]);
        repo.git_in(&hooks, &["add", "-A"]);
        repo.git_in(&hooks, &["commit", "-q", "-m", "hooks"]);
        let rev = repo.git_in(&hooks, &["rev-parse", "HEAD"]);
        repo.write("ssotlint.toml", CONFIG);
        repo.write("app/__init__.py", "");
        repo.write("app/new.py", "");
        repo.write("app/m.py", format!("import os\n{BAD}"));
        repo.write("app/other.py", format!("{BAD}x = 1\n"));
        // Excluded by the config: never reported, even when named.
        repo.write("gen/generated.py", BAD);
        repo.write(
            ".pre-commit-config.yaml",
            format!(
                "repos:\n  - repo: {}\n    rev: {}\n    hooks:\n      - id: {hook_id}\n",
                hooks.display(),
                rev.trim()
            ),
        );
        repo.commit_all("base");
        repo
    }

    fn pre_commit(&self, args: &[&str]) -> (i32, String) {
        let out = self
            .command(pre_commit_binary(), &self.root)
            .args(args)
            .output()
            .expect("run pre-commit");
        combined(&out)
    }

    fn commit(&self, args: &[&str]) -> (i32, String) {
        let out = self
            .command("git", &self.root)
            .arg("commit")
            .args(args)
            .output()
            .expect("git commit");
        combined(&out)
    }

    fn commit_count(&self) -> usize {
        self.git(&["rev-list", "--count", "HEAD"])
            .trim()
            .parse()
            .unwrap_or(0)
    }
}

fn combined(out: &Output) -> (i32, String) {
    (
        out.status.code().unwrap_or(-1),
        format!("{}{}", text(&out.stdout), text(&out.stderr)),
    )
}

/// The diagnostic lines of pre-commit's output (`path:row:col: CODE ...`), sorted.
fn diagnostics(output: &str) -> Vec<String> {
    let mut lines: Vec<String> = output
        .lines()
        .filter(|l| l.contains(": SSOT"))
        .map(str::to_string)
        .collect();
    lines.sort();
    lines
}

#[test]
fn commit_checks_staged_added_lines_and_runs_check_what_they_name() {
    let repo = Repo::new("ssotlint-system");
    let (code, out) = repo.pre_commit(&["install"]);
    assert_eq!(code, 0, "{out}");

    // A commit adding a violation is blocked; only the added line is reported, not
    // the old violation on line 2, and not the unstaged one in the working tree.
    repo.write("app/m.py", format!("import os\n{BAD}x = 1\n{BAD}"));
    repo.git(&["add", "app/m.py"]);
    repo.write("app/other.py", format!("{BAD}x = 1\n{BAD}"));
    let (code, out) = repo.commit(&["-m", "bad"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "ssotlint.................................................................Failed"
        ),
        "{out}"
    );
    assert_eq!(diagnostics(&out), vec![legacy("app/m.py", 4)], "{out}");
    assert_eq!(repo.commit_count(), 1);
    // pre-commit put the unstaged change back.
    assert_eq!(
        std::fs::read_to_string(repo.root.join("app/other.py")).expect("read"),
        format!("{BAD}x = 1\n{BAD}")
    );

    // A commit adding no violation passes, although the file has an old one.
    repo.write("app/m.py", format!("import os\n{BAD}x = 1\n"));
    repo.git(&["add", "app/m.py"]);
    let (code, out) = repo.commit(&["-m", "good"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(
            "ssotlint.................................................................Passed"
        ),
        "{out}"
    );
    assert_eq!(repo.commit_count(), 2);

    // `git commit -a` (a temporary index) is checked as staged too.
    let (code, out) = repo.commit(&["-a", "-m", "all"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(diagnostics(&out), vec![legacy("app/other.py", 3)], "{out}");
    assert_eq!(repo.commit_count(), 2);
    repo.git(&["checkout", "--", "app/other.py"]);

    // --all-files: every file whole, old violations included.
    let (code, out) = repo.pre_commit(&["run", "--all-files"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        diagnostics(&out),
        vec![legacy("app/m.py", 2), legacy("app/other.py", 1)],
        "{out}"
    );

    // --files F: F whole, nothing else (even with another file staged).
    repo.write("app/m.py", format!("import os\n{BAD}x = 1\n{BAD}"));
    repo.git(&["add", "app/m.py"]);
    let (code, out) = repo.pre_commit(&["run", "--files", "app/other.py"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(diagnostics(&out), vec![legacy("app/other.py", 1)], "{out}");
    repo.git(&["reset", "-q", "--hard"]);
    let (code, out) = repo.pre_commit(&["run", "--files", "app/new.py", "gen/generated.py"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Passed"), "{out}");
}

#[test]
fn from_ref_to_ref_checks_what_the_range_adds() {
    let repo = Repo::new("ssotlint-system");
    let base = repo.git(&["rev-parse", "HEAD"]).trim().to_string();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("app/other.py", format!("{BAD}x = 1\n{BAD}"));
    repo.write("app/added.py", format!("y = 2\n{BAD}"));
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "feature"]);
    // The working tree no longer has the violations: the range is read from git.
    repo.write("app/other.py", "x = 1\n");
    let (code, out) = repo.pre_commit(&["run", "--from-ref", &base, "--to-ref", "HEAD"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        diagnostics(&out),
        vec![legacy("app/added.py", 2), legacy("app/other.py", 3)],
        "{out}"
    );
    // A range adding nothing new passes.
    let (code, out) = repo.pre_commit(&["run", "--from-ref", &base, "--to-ref", &base]);
    assert_eq!(code, 0, "{out}");
}
