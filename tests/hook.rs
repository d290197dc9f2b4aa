//! Pre-commit mode on real repositories: git CLI to set up, the binary run as a process.

mod common;

use common::{isolated, text, Repo, BIN};

use std::path::Path;
use std::process::{Command, Output};

const CONFIG: &str = "[legacy-modules]\n\"app.old\" = \"app.new\"\n";
const BAD: &str = "import app.old\n";

/// The SSOT003 line `check` prints for `import app.old` at `path:row`.
fn legacy(path: &str, row: usize) -> String {
    format!("{path}:{row}:8: SSOT003 legacy module `app.old` imported; use `app.new`")
}

fn summary(lines: &[String], checked: usize) -> String {
    let files: std::collections::BTreeSet<&str> =
        lines.iter().filter_map(|l| l.split(':').next()).collect();
    let mut out: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let n = lines.len();
    if n == 0 {
        out.push_str(&format!("All checks passed ({checked} files).\n"));
    } else {
        out.push_str(&format!(
            "Found {n} diagnostic{} in {} file{} ({checked} checked).\n",
            if n == 1 { "" } else { "s" },
            files.len(),
            if files.len() == 1 { "" } else { "s" },
        ));
    }
    out
}

impl Repo {
    /// A repo with the config and an `app` package committed.
    fn with_app() -> Repo {
        let repo = Repo::init();
        repo.write("ssotlint.toml", CONFIG);
        repo.write("app/__init__.py", "");
        repo.write("app/new.py", "");
        repo.commit_all("base");
        repo
    }

    fn run_in(&self, cwd: &Path, args: &[&str]) -> Output {
        self.command(BIN, cwd)
            .args(args)
            .output()
            .expect("run ssotlint")
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_in(&self.root, args)
    }
}

/// Exit code, stdout, stderr.
fn result(out: &Output) -> (i32, String, String) {
    (
        out.status.code().unwrap_or(-1),
        text(&out.stdout),
        text(&out.stderr),
    )
}

fn assert_reports(out: &Output, lines: &[String], checked: usize) {
    let (code, stdout, stderr) = result(out);
    assert_eq!(stdout, summary(lines, checked), "stderr: {stderr}");
    assert_eq!(
        code,
        if lines.is_empty() { 0 } else { 1 },
        "stderr: {stderr}"
    );
}

#[test]
fn initial_commit_on_unborn_head() {
    let repo = Repo::init();
    repo.write("ssotlint.toml", CONFIG);
    repo.write("app/__init__.py", "");
    repo.write("app/m.py", format!("import os\n{BAD}"));
    repo.git(&["add", "-A"]);
    assert_reports(
        &repo.run(&["check", "--staged"]),
        &[legacy("app/m.py", 2)],
        2,
    );
    assert_reports(&repo.run(&["hook"]), &[legacy("app/m.py", 2)], 2);
}

#[test]
fn unstaged_violation_is_not_reported() {
    let repo = Repo::with_app();
    repo.write("app/m.py", "import os\n");
    repo.commit_all("m");
    repo.write("app/m.py", format!("import os\n{BAD}"));
    assert_reports(&repo.run(&["hook"]), &[], 0);
}

#[test]
fn staged_violation_fixed_only_in_working_tree_is_reported() {
    let repo = Repo::with_app();
    repo.write("app/m.py", format!("import os\n{BAD}"));
    repo.git(&["add", "app/m.py"]);
    repo.write("app/m.py", "import os\nimport app.new\n");
    assert_reports(&repo.run(&["hook"]), &[legacy("app/m.py", 2)], 1);
}

#[test]
fn unchanged_line_reported_only_with_all_lines() {
    let repo = Repo::with_app();
    repo.write("app/m.py", format!("import os\n{BAD}"));
    repo.commit_all("legacy import");
    repo.write("app/m.py", format!("import os\n{BAD}x = 1\n"));
    repo.git(&["add", "app/m.py"]);
    assert_reports(&repo.run(&["hook"]), &[], 1);
    assert_reports(
        &repo.run(&["check", "--staged", "--all-lines"]),
        &[legacy("app/m.py", 2)],
        1,
    );
}

#[test]
fn rename_without_and_with_edits() {
    let repo = Repo::with_app();
    let body: String = (0..20).map(|i| format!("value_{i} = {i}\n")).collect();
    repo.write("app/a.py", format!("{BAD}{body}"));
    repo.commit_all("a");
    repo.git(&["mv", "app/a.py", "app/b.py"]);
    assert_reports(&repo.run(&["hook"]), &[], 1);
    assert_reports(
        &repo.run(&["hook", "--all-lines"]),
        &[legacy("app/b.py", 1)],
        1,
    );
    repo.write("app/b.py", format!("{BAD}{body}{BAD}"));
    repo.git(&["add", "app/b.py"]);
    let status = repo.git(&["diff", "--cached", "--name-status", "-M"]);
    assert!(status.starts_with("R"), "git sees a rename: {status}");
    assert_reports(&repo.run(&["hook"]), &[legacy("app/b.py", 22)], 1);
    // A copy adds new occurrences of what it copies: every line counts.
    repo.commit_all("renamed");
    repo.write("app/b.py", format!("{BAD}{body}{BAD}x = 1\n"));
    std::fs::copy(repo.root.join("app/b.py"), repo.root.join("app/c.py")).expect("copy");
    repo.git(&["add", "-A"]);
    assert_reports(
        &repo.run(&["hook"]),
        &[legacy("app/c.py", 1), legacy("app/c.py", 22)],
        2,
    );
}

#[test]
fn deletion_is_skipped() {
    let repo = Repo::with_app();
    repo.write("app/m.py", BAD);
    repo.commit_all("m");
    repo.git(&["rm", "-q", "app/m.py"]);
    assert_reports(&repo.run(&["hook"]), &[], 0);
}

#[test]
fn binary_file_named_py_is_skipped_silently() {
    let repo = Repo::with_app();
    repo.write("app/blob.py", b"import app.old\n\0\x01\x02");
    repo.git(&["add", "-A"]);
    let out = repo.run(&["hook"]);
    assert_reports(&out, &[], 0);
    assert_eq!(result(&out).2, "");
}

#[test]
fn non_utf8_content_is_skipped_with_a_warning() {
    let repo = Repo::with_app();
    repo.write("app/latin.py", b"import app.old\nname = '\xe9'\n");
    repo.write("app/ok.py", BAD);
    repo.git(&["add", "-A"]);
    let out = repo.run(&["hook"]);
    assert_reports(&out, &[legacy("app/ok.py", 1)], 1);
    assert_eq!(
        result(&out).2,
        "warning: app/latin.py: not valid UTF-8 (at byte offset 23); skipped\n"
    );
}

#[test]
fn submodule_is_skipped() {
    let repo = Repo::with_app();
    let sub = repo.base().join("sub");
    std::fs::create_dir_all(&sub).expect("mkdir");
    repo.git_in(&sub, &["init", "-q", "-b", "main"]);
    std::fs::write(sub.join("bad.py"), BAD).expect("write");
    repo.git_in(&sub, &["add", "-A"]);
    repo.git_in(&sub, &["commit", "-q", "-m", "sub"]);
    let sub_url = sub.to_string_lossy().into_owned();
    repo.git(&[
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        &sub_url,
        "vendored.py",
    ]);
    let staged = repo.git(&["diff", "--cached", "--name-only"]);
    assert_eq!(staged, ".gitmodules\nvendored.py\n");
    assert_reports(&repo.run(&["hook"]), &[], 0);
}

#[cfg(unix)]
#[test]
fn symlink_is_skipped() {
    let repo = Repo::with_app();
    repo.write("outside.txt", BAD);
    std::os::unix::fs::symlink("../outside.txt", repo.root.join("app/link.py")).expect("symlink");
    repo.git(&["add", "-A"]);
    assert_reports(&repo.run(&["hook"]), &[], 0);
}

#[test]
fn staged_config_wins_over_working_tree() {
    let repo = Repo::init();
    repo.write("app/__init__.py", "");
    repo.write("app/m.py", BAD);
    repo.commit_all("no config yet");
    // Staged config has the rule; the working tree copy was emptied since.
    repo.write("ssotlint.toml", CONFIG);
    repo.write("app/n.py", BAD);
    repo.git(&["add", "-A"]);
    repo.write("ssotlint.toml", "");
    assert_reports(&repo.run(&["hook"]), &[legacy("app/n.py", 1)], 1);
    // The other way round: an empty config staged, the rule only in the working tree.
    repo.write("ssotlint.toml", "");
    repo.git(&["add", "ssotlint.toml"]);
    repo.write("ssotlint.toml", CONFIG);
    assert_reports(&repo.run(&["hook", "--select", "SSOT003"]), &[], 1);
    // A config that is not staged is read from the working tree.
    repo.git(&["reset", "-q", "ssotlint.toml"]);
    assert_reports(&repo.run(&["hook"]), &[legacy("app/n.py", 1)], 1);
}

#[test]
fn merge_in_progress() {
    let repo = Repo::with_app();
    repo.write("app/c.py", "x = 0\n");
    repo.commit_all("c");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("app/f.py", BAD);
    repo.write("app/c.py", "x = 1\n");
    repo.commit_all("feature");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("app/c.py", "x = 2\n");
    repo.commit_all("main change");
    let merge = repo
        .command("git", &repo.root)
        .args(["merge", "--no-ff", "--no-commit", "feature"])
        .output()
        .expect("git merge");
    assert!(!merge.status.success(), "the merge conflicts on app/c.py");
    assert!(repo.root.join(".git/MERGE_HEAD").exists());
    let out = repo.run(&["hook"]);
    assert_reports(&out, &[legacy("app/f.py", 1)], 1);
    assert_eq!(
        result(&out).2,
        "warning: app/c.py: unmerged (conflict not resolved); skipped\n"
    );
    repo.write("app/c.py", format!("x = 3\n{BAD}"));
    repo.git(&["add", "app/c.py"]);
    assert_reports(
        &repo.run(&["hook"]),
        &[legacy("app/c.py", 2), legacy("app/f.py", 1)],
        2,
    );
}

#[test]
fn running_from_a_subdirectory() {
    let repo = Repo::with_app();
    repo.write("top.py", BAD);
    repo.write("app/m.py", format!("import os\n{BAD}"));
    repo.git(&["add", "-A"]);
    let out = repo.run_in(&repo.root.join("app"), &["hook"]);
    assert_reports(&out, &[legacy("../top.py", 1), legacy("m.py", 2)], 2);
}

#[test]
fn worktree_is_checked_from_its_own_index() {
    let repo = Repo::with_app();
    let wt = repo.base().join("wt");
    let wt_str = wt.to_string_lossy().into_owned();
    repo.git(&["worktree", "add", "-q", "-b", "side", &wt_str]);
    std::fs::write(wt.join("app/w.py"), BAD).expect("write");
    repo.git_in(&wt, &["add", "app/w.py"]);
    assert_reports(&repo.run_in(&wt, &["hook"]), &[legacy("app/w.py", 1)], 1);
    assert_reports(&repo.run(&["hook"]), &[], 0);
    // Hooks of every worktree live in the common git directory.
    let out = repo.run_in(&wt, &["install-hook"]);
    let hook = repo.root.join(".git/hooks/pre-commit");
    assert_eq!(
        result(&out),
        (
            0,
            format!(
                "Installed the ssotlint pre-commit hook at {}\n",
                hook.display()
            ),
            String::new()
        )
    );
    let commit = repo
        .command("git", &wt)
        .args(["commit", "-q", "-m", "w"])
        .output()
        .expect("git commit");
    assert_eq!(commit.status.code(), Some(1));
    assert!(text(&commit.stderr).contains(&legacy("app/w.py", 1)));
}

#[test]
fn git_dir_and_work_tree_from_the_environment() {
    let repo = Repo::with_app();
    repo.write("app/m.py", BAD);
    repo.git(&["add", "-A"]);
    let elsewhere = repo.home.clone();
    let out = repo
        .command(BIN, &elsewhere)
        .env("GIT_DIR", repo.root.join(".git"))
        .env("GIT_WORK_TREE", &repo.root)
        .arg("hook")
        .output()
        .expect("run");
    assert_reports(&out, &[legacy("../repo/app/m.py", 1)], 1);
}

#[test]
fn not_a_git_repository() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().canonicalize().expect("canonical");
    let out = isolated(BIN, &dir, &dir)
        .env("GIT_CEILING_DIRECTORIES", dir.parent().expect("parent"))
        .arg("hook")
        .output()
        .expect("run");
    assert_eq!(
        result(&out),
        (
            2,
            String::new(),
            format!(
                "error: not a git repository (or any parent up to the mount point): {}\n",
                dir.display()
            )
        )
    );
}

#[test]
fn diff_base_reports_lines_changed_since_the_merge_base() {
    let repo = Repo::with_app();
    repo.write("app/m.py", format!("import os\n{BAD}"));
    repo.commit_all("old violation");
    repo.git(&["checkout", "-q", "-b", "pr"]);
    repo.write("app/m.py", format!("import os\n{BAD}import sys\n{BAD}"));
    repo.commit_all("new violation");
    repo.write("app/u.py", BAD);
    repo.git(&["add", "app/u.py"]);
    let out = repo.run(&["check", "--diff-base", "main"]);
    assert_reports(&out, &[legacy("app/m.py", 4), legacy("app/u.py", 1)], 2);
    let out = repo.run(&["check", "--diff-base", "nope"]);
    let (code, _, stderr) = result(&out);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: --diff-base: cannot resolve `nope`"),
        "{stderr}"
    );
}

#[test]
fn output_formats_are_the_check_ones() {
    let repo = Repo::with_app();
    repo.write("app/m.py", BAD);
    repo.git(&["add", "-A"]);
    let out = repo.run(&["hook", "--output-format", "github"]);
    assert_eq!(result(&out).0, 1);
    assert_eq!(
        text(&out.stdout),
        "::warning title=ssotlint (SSOT003),file=app/m.py,line=1,col=8,endLine=1,endColumn=15::app/m.py:1:8: SSOT003 legacy module `app.old` imported; use `app.new`\n"
    );
}

fn commit(repo: &Repo, message: &str) -> Output {
    repo.command("git", &repo.root)
        .args(["commit", "-m", message])
        .output()
        .expect("git commit")
}

fn commit_count(repo: &Repo) -> usize {
    let out = repo
        .command("git", &repo.root)
        .args(["rev-list", "--count", "HEAD"])
        .output()
        .expect("rev-list");
    text(&out.stdout).trim().parse().unwrap_or(0)
}

#[test]
fn installed_hook_blocks_a_violation_and_lets_a_clean_commit_through() {
    let repo = Repo::with_app();
    let out = repo.run(&["install-hook"]);
    let hook = repo.root.join(".git/hooks/pre-commit");
    assert_eq!(
        text(&out.stdout),
        format!(
            "Installed the ssotlint pre-commit hook at {}\n",
            hook.display()
        )
    );
    // hooks/pre-commit, with the installing binary as the fallback.
    let script =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("hooks/pre-commit"))
            .expect("hooks/pre-commit");
    assert_eq!(
        std::fs::read_to_string(&hook).expect("hook"),
        script.replacen("installed_by=''", &format!("installed_by='{BIN}'"), 1)
    );
    repo.write("app/m.py", format!("import os\n{BAD}"));
    repo.git(&["add", "-A"]);
    let blocked = commit(&repo, "bad");
    assert_eq!(blocked.status.code(), Some(1));
    assert_eq!(text(&blocked.stderr), summary(&[legacy("app/m.py", 2)], 1));
    assert_eq!(commit_count(&repo), 1);
    repo.write("app/m.py", "import os\nimport app.new\n");
    repo.git(&["add", "-A"]);
    let ok = commit(&repo, "good");
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    assert_eq!(commit_count(&repo), 2);
    // `git commit -a` stages into a temporary index (GIT_INDEX_FILE): still checked.
    repo.write("app/m.py", format!("import os\nimport app.new\n{BAD}"));
    let blocked = repo
        .command("git", &repo.root)
        .args(["commit", "-a", "-m", "all"])
        .output()
        .expect("git commit -a");
    assert_eq!(blocked.status.code(), Some(1));
    assert_eq!(text(&blocked.stderr), summary(&[legacy("app/m.py", 3)], 1));
    assert_eq!(commit_count(&repo), 2);
    // Installing again updates our own hook.
    let again = repo.run(&["install-hook"]);
    assert_eq!(
        text(&again.stdout),
        format!(
            "Updated the ssotlint pre-commit hook at {}\n",
            hook.display()
        )
    );
}

#[test]
fn foreign_hook_needs_force_and_then_runs_first() {
    let repo = Repo::with_app();
    let hooks = repo.root.join(".git/hooks");
    std::fs::create_dir_all(&hooks).expect("mkdir");
    let foreign = "#!/bin/sh\necho foreign-hook-ran >&2\n[ ! -e \"$(git rev-parse --show-toplevel)/block\" ]\n";
    std::fs::write(hooks.join("pre-commit"), foreign).expect("write");
    make_executable(&hooks.join("pre-commit"));
    let refused = repo.run(&["install-hook"]);
    assert_eq!(result(&refused).0, 2);
    assert_eq!(
        text(&refused.stderr),
        format!(
            "error: {} exists and was not written by ssotlint; rerun with --force to keep it as \
             pre-commit.local (called first) and install the ssotlint hook\n",
            hooks.join("pre-commit").display()
        )
    );
    assert_eq!(
        std::fs::read_to_string(hooks.join("pre-commit")).expect("hook"),
        foreign
    );
    let forced = repo.run(&["install-hook", "--force"]);
    assert_eq!(
        result(&forced),
        (
            0,
            format!(
                "Installed the ssotlint pre-commit hook at {}; the previous hook is now {} and runs first\n",
                hooks.join("pre-commit").display(),
                hooks.join("pre-commit.local").display()
            ),
            String::new()
        )
    );
    assert_eq!(
        std::fs::read_to_string(hooks.join("pre-commit.local")).expect("local"),
        foreign
    );
    // The old hook runs first and can still block a clean commit.
    repo.write("block", "");
    repo.write("app/m.py", "import os\n");
    repo.git(&["add", "app/m.py"]);
    let blocked = commit(&repo, "blocked by the old hook");
    assert_eq!(blocked.status.code(), Some(1));
    assert_eq!(text(&blocked.stderr), "foreign-hook-ran\n");
    std::fs::remove_file(repo.root.join("block")).expect("rm");
    let ok = commit(&repo, "clean");
    assert!(ok.status.success());
    assert!(text(&ok.stderr).contains("foreign-hook-ran"));
    assert_eq!(commit_count(&repo), 2);
}

#[cfg(unix)]
fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

#[cfg(not(unix))]
fn make_executable(_path: &Path) {}

#[test]
fn core_hooks_path_relative_and_absolute() {
    let repo = Repo::with_app();
    repo.git(&["config", "core.hooksPath", ".githooks"]);
    let sub = repo.root.join("app");
    let out = repo.run_in(&sub, &["install-hook"]);
    let hook = repo.root.join(".githooks/pre-commit");
    assert_eq!(
        text(&out.stdout),
        format!(
            "Installed the ssotlint pre-commit hook at {}\n",
            hook.display()
        )
    );
    assert!(!repo.root.join(".git/hooks/pre-commit").exists());
    repo.write("app/m.py", BAD);
    repo.git(&["add", "app/m.py"]);
    let blocked = commit(&repo, "bad");
    assert_eq!(blocked.status.code(), Some(1));
    assert_eq!(text(&blocked.stderr), summary(&[legacy("app/m.py", 1)], 1));

    let absolute = repo.base().join("shared-hooks");
    repo.git(&["config", "core.hooksPath", &absolute.to_string_lossy()]);
    let out = repo.run(&["install-hook"]);
    assert_eq!(
        text(&out.stdout),
        format!(
            "Installed the ssotlint pre-commit hook at {}\n",
            absolute.join("pre-commit").display()
        )
    );
    let blocked = commit(&repo, "bad");
    assert_eq!(blocked.status.code(), Some(1));
}

const CANONICAL: &str = "[canonical]\n\"app.core.Engine\" = { legacy-modules = [\"app.shim\"] }\n";

fn fix_repo() -> Repo {
    let repo = Repo::init();
    repo.write("ssotlint.toml", CANONICAL);
    repo.write("app/__init__.py", "");
    repo.write("app/core.py", "class Engine:\n    pass\n");
    repo.write("app/shim.py", "from app.core import Engine\n");
    repo.write("app/other.py", "x = 1\n");
    repo.commit_all("base");
    repo
}

#[test]
fn staged_fix_writes_and_stages_only_the_fixed_file() {
    let repo = fix_repo();
    repo.write("app/m.py", "import os\nfrom app.shim import Engine\n");
    repo.git(&["add", "app/m.py"]);
    repo.write("app/other.py", "x = 2\n");
    repo.write("untracked.py", "from app.shim import Engine\n");
    let out = repo.run(&["hook", "--fix"]);
    assert_eq!(
        result(&out),
        (0, "Fixed 1, 0 left\n".to_string(), String::new())
    );
    let fixed = "import os\nfrom app.core import Engine\n";
    assert_eq!(
        std::fs::read_to_string(repo.root.join("app/m.py")).expect("read"),
        fixed
    );
    assert_eq!(repo.git(&["show", ":app/m.py"]), fixed);
    assert_eq!(repo.git(&["diff", "--cached", "--name-only"]), "app/m.py\n");
    assert_eq!(repo.git(&["diff", "--name-only"]), "app/other.py\n");
    assert_eq!(
        repo.git(&["status", "--porcelain", "untracked.py"]),
        "?? untracked.py\n"
    );
    assert_reports(&repo.run(&["hook"]), &[], 1);
}

#[test]
fn staged_fix_in_split_and_sparse_indexes_stages_through_git() {
    for setup in [
        &["update-index", "--split-index"][..],
        &["sparse-checkout", "set", "--cone", "--sparse-index", "app"][..],
    ] {
        let repo = fix_repo();
        repo.write("lib/l.py", "l = 1\n");
        repo.commit_all("lib");
        repo.git(setup);
        repo.write("app/m.py", "import os\nfrom app.shim import Engine\n");
        repo.git(&["add", "app/m.py"]);
        let out = repo.run(&["hook", "--fix"]);
        assert_eq!(
            result(&out),
            (0, "Fixed 1, 0 left\n".to_string(), String::new()),
            "{setup:?}"
        );
        let fixed = "import os\nfrom app.core import Engine\n";
        assert_eq!(repo.git(&["show", ":app/m.py"]), fixed, "{setup:?}");
        assert_eq!(repo.git(&["diff", "--cached", "--name-only"]), "app/m.py\n");
        assert_eq!(repo.git(&["diff", "--name-only"]), "");
    }
}

#[test]
fn staged_fix_leaves_files_with_unstaged_changes_alone() {
    let repo = fix_repo();
    let staged = "import os\nfrom app.shim import Engine\n";
    repo.write("app/m.py", staged);
    repo.git(&["add", "app/m.py"]);
    let working = "import os\nfrom app.shim import Engine\nprint(Engine)\n";
    repo.write("app/m.py", working);
    let out = repo.run(&["hook", "--fix"]);
    assert_eq!(
        result(&out),
        (
            1,
            "app/m.py:2:22: SSOT001 `Engine` imported from `app.shim`; its canonical module is `app.core`\nFixed 0, 1 left\n"
                .to_string(),
            "warning: app/m.py: the working tree differs from the staged content; not fixed (stage or stash the difference first)\n"
                .to_string()
        )
    );
    assert_eq!(
        std::fs::read_to_string(repo.root.join("app/m.py")).expect("read"),
        working
    );
    assert_eq!(repo.git(&["show", ":app/m.py"]), staged);
}

#[test]
fn module_lookups_read_the_index() {
    let repo = Repo::with_app();
    // Staged but deleted from the working tree: still provides `app.staged`.
    repo.write("app/staged.py", "");
    repo.git(&["add", "app/staged.py"]);
    std::fs::remove_file(repo.root.join("app/staged.py")).expect("rm");
    // Only in the working tree: does not provide `app.ghost`.
    repo.write("app/ghost.py", "");
    repo.write("app/m.py", "import app.staged\nimport app.ghost\n");
    repo.git(&["add", "app/m.py"]);
    assert_reports(
        &repo.run(&["hook"]),
        &["app/m.py:2:8: SSOT005 first-party module `app.ghost` is imported but no file provides it".to_string()],
        2,
    );
}

#[test]
fn split_index_is_read_with_its_shared_index() {
    let repo = Repo::with_app();
    repo.write("app/m.py", "import os\n");
    repo.write("lib/gone.py", "g = 1\n");
    repo.commit_all("m");
    repo.git(&["config", "splitIndex.maxPercentChange", "100"]);
    repo.git(&["update-index", "--split-index"]);
    repo.write("app/m.py", format!("import os\n{BAD}"));
    repo.write("app/added.py", format!("x = 1\n\n{BAD}"));
    std::fs::remove_file(repo.root.join("lib/gone.py")).expect("rm");
    repo.git(&["add", "-A"]);
    assert!(std::fs::read_dir(repo.root.join(".git"))
        .expect("ls")
        .filter_map(Result::ok)
        .any(|e| e.file_name().to_string_lossy().starts_with("sharedindex.")));
    assert_reports(
        &repo.run(&["hook"]),
        &[legacy("app/added.py", 3), legacy("app/m.py", 2)],
        2,
    );
    repo.write("app/m.py", "import os\nimport app.new\n");
    repo.write("app/added.py", "x = 1\n");
    repo.git(&["add", "-A"]);
    assert_reports(&repo.run(&["hook"]), &[], 2);
}

#[test]
fn sparse_index_is_read_with_its_directory_entries() {
    let repo = Repo::with_app();
    repo.write("lib/deep/l.py", "l = 1\n");
    repo.write("lib/m.py", "m = 1\n");
    repo.commit_all("lib");
    repo.git(&["sparse-checkout", "set", "--cone", "--sparse-index", "app"]);
    assert!(repo
        .git(&["ls-files", "--sparse"])
        .lines()
        .any(|l| l == "lib/"));
    // Module lookups see inside the collapsed `lib/` (not on disk either).
    assert!(!repo.root.join("lib").exists());
    repo.write(
        "app/m.py",
        format!("import os\n{BAD}import lib.deep.l\nimport lib.deep.nothere\n"),
    );
    repo.git(&["add", "app/m.py"]);
    let missing = "app/m.py:4:8: SSOT005 first-party module `lib.deep.nothere` is imported but no file provides it";
    assert_reports(
        &repo.run(&["hook"]),
        &[legacy("app/m.py", 2), missing.to_string()],
        1,
    );
    repo.write("app/m.py", format!("import os\n{BAD}"));
    repo.git(&["add", "app/m.py"]);
    assert_reports(&repo.run(&["hook"]), &[legacy("app/m.py", 2)], 1);
    let blocked = {
        assert_eq!(repo.run(&["install-hook"]).status.code(), Some(0));
        commit(&repo, "bad")
    };
    assert_eq!(blocked.status.code(), Some(1));
    assert_eq!(text(&blocked.stderr), summary(&[legacy("app/m.py", 2)], 1));
}

#[test]
fn sparse_directory_that_differs_from_head_is_expanded() {
    let repo = Repo::with_app();
    repo.write("lib/m.py", "m = 1\n");
    repo.commit_all("lib");
    repo.write("lib/m.py", format!("m = 1\n{BAD}"));
    repo.commit_all("lib changed");
    repo.git(&["sparse-checkout", "set", "--cone", "--sparse-index", "app"]);
    // The index keeps the new `lib/` tree, HEAD goes back to the old one.
    repo.git(&["reset", "-q", "--soft", "HEAD~1"]);
    assert!(repo
        .git(&["ls-files", "--sparse"])
        .lines()
        .any(|l| l == "lib/"));
    assert_reports(&repo.run(&["hook"]), &[legacy("lib/m.py", 2)], 1);
}

#[test]
fn sha256_repository_goes_through_the_git_cli() {
    let repo = Repo::init();
    std::fs::remove_dir_all(repo.root.join(".git")).expect("rm .git");
    repo.git(&["init", "-q", "-b", "main", "--object-format=sha256"]);
    repo.write("ssotlint.toml", CONFIG);
    repo.write("app/__init__.py", "");
    repo.write("app/new.py", "value = 1\n");
    repo.write("app/m.py", format!("import os\n{BAD}"));
    repo.git(&["add", "-A"]);
    // Unborn HEAD: every staged line is added.
    assert_reports(&repo.run(&["hook"]), &[legacy("app/m.py", 2)], 3);
    repo.git(&["commit", "-q", "--no-verify", "-m", "base"]);
    repo.write("app/m.py", format!("import os\n{BAD}{BAD}"));
    repo.git(&["add", "app/m.py"]);
    repo.git(&["mv", "app/new.py", "app/renamed.py"]);
    // The rename is checked too (2 files), and adds no line.
    assert_reports(&repo.run(&["hook"]), &[legacy("app/m.py", 3)], 2);
    repo.git(&["commit", "-q", "--no-verify", "-m", "two"]);
    assert_reports(
        &repo.run(&["check", "--diff-base", "HEAD~1"]),
        &[legacy("app/m.py", 3)],
        2,
    );
    assert_eq!(repo.run(&["install-hook"]).status.code(), Some(0));
    repo.write("app/m.py", format!("import os\n{BAD}{BAD}{BAD}"));
    let blocked = repo
        .command("git", &repo.root)
        .args(["commit", "-a", "-m", "all"])
        .output()
        .expect("git commit -a");
    assert_eq!(blocked.status.code(), Some(1));
    assert_eq!(text(&blocked.stderr), summary(&[legacy("app/m.py", 4)], 1));
}

#[test]
fn cr_only_line_ends_count_rows_like_the_diagnostics() {
    let repo = Repo::with_app();
    repo.write("app/m.py", "import os\rx = 1\r");
    repo.commit_all("m");
    repo.write("app/m.py", "import os\rx = 1\rimport app.old\r");
    repo.git(&["add", "app/m.py"]);
    assert_reports(&repo.run(&["hook"]), &[legacy("app/m.py", 3)], 1);
    // CRLF against LF (an autocrlf checkout) changes no line.
    repo.write("app/m.py", "import os\r\nx = 1\r\nimport app.old\r\n");
    repo.git(&["add", "app/m.py"]);
    assert_reports(&repo.run(&["hook"]), &[legacy("app/m.py", 3)], 1);
}

#[test]
fn installed_hook_falls_back_to_the_installing_binary_when_not_on_path() {
    let repo = Repo::with_app();
    // A PATH with git but without the ssotlint binary.
    let git_dir = Command::new("sh")
        .args(["-c", "dirname \"$(command -v git)\""])
        .output()
        .expect("sh");
    let path = format!("{}:/usr/bin:/bin", text(&git_dir.stdout).trim());
    let no_ssotlint = |program: &str| {
        let mut cmd = repo.command(program, &repo.root);
        cmd.env("PATH", &path);
        cmd
    };
    let which = no_ssotlint("sh")
        .args(["-c", "command -v ssotlint"])
        .output()
        .expect("sh");
    assert!(!which.status.success(), "ssotlint must not be on this PATH");
    let installed = no_ssotlint(BIN).arg("install-hook").output().expect("run");
    assert_eq!(
        installed.status.code(),
        Some(0),
        "{}",
        text(&installed.stderr)
    );
    repo.write("app/m.py", format!("import os\n{BAD}"));
    repo.git(&["add", "-A"]);
    let blocked = no_ssotlint("git")
        .args(["commit", "-m", "bad"])
        .output()
        .expect("git commit");
    assert_eq!(blocked.status.code(), Some(1), "{}", text(&blocked.stderr));
    assert_eq!(text(&blocked.stderr), summary(&[legacy("app/m.py", 2)], 1));
    // Without the fallback (a hook copied by hand) the message says what to do.
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("hooks/pre-commit"),
        repo.root.join(".git/hooks/pre-commit"),
    )
    .expect("copy");
    let refused = no_ssotlint("git")
        .args(["commit", "-m", "bad"])
        .output()
        .expect("git commit");
    assert_eq!(refused.status.code(), Some(1));
    assert_eq!(
        text(&refused.stderr),
        "ssotlint pre-commit hook: 'ssotlint' not found on PATH (install it, set SSOTLINT, or commit with --no-verify)\n"
    );
}

/// 10k nested brackets and a 9k-term chain used to abort the hook with a stack
/// overflow, blocking every commit; files over `project.max-file-size` are skipped.
#[test]
fn deeply_nested_and_too_big_files() {
    let repo = Repo::with_app();
    repo.write(
        "app/deep.py",
        format!(
            "x = {}{}\nimport app.old\ny = {}\n",
            "[".repeat(10_000),
            "]".repeat(10_000),
            vec!["a"; 9_000].join("+")
        ),
    );
    repo.write("app/ok.py", BAD);
    repo.git(&["add", "-A"]);
    let out = repo.run(&["hook"]);
    assert_reports(&out, &[legacy("app/deep.py", 2), legacy("app/ok.py", 1)], 2);
    assert_eq!(result(&out).2, "");

    repo.write(
        "ssotlint.toml",
        format!("{CONFIG}\n[project]\nmax-file-size = 1000\n"),
    );
    repo.git(&["add", "-A"]);
    let out = repo.run(&["hook"]);
    assert_reports(&out, &[legacy("app/ok.py", 1)], 1);
    assert_eq!(
        result(&out).2,
        "warning: app/deep.py: 38024 bytes, over max-file-size (1000 bytes); skipped\n"
    );
}

/// The staged check resolves configs from the index as `check` resolves them from the
/// disk: the same texts give the same answer. A `pyproject.toml` without
/// `[tool.ssotlint]` is passed over (defaults), and a nested config wins below it —
/// here the nested config exists only in the index.
#[test]
fn staged_configs_resolve_as_the_disk_does() {
    let repo = Repo::init();
    repo.write("app/__init__.py", "");
    repo.write("app/new.py", "");
    repo.commit_all("no config yet");
    repo.write("pyproject.toml", "[project]\nname = 'x'\n");
    repo.write("sub/ssotlint.toml", CONFIG);
    repo.write("sub/m.py", BAD);
    repo.write("top.py", BAD);
    repo.git(&["add", "-A"]);
    let expected = [legacy("sub/m.py", 1)];
    assert_reports(&repo.run(&["check", "--select", "SSOT003"]), &expected, 4);
    std::fs::remove_file(repo.root.join("sub/ssotlint.toml")).expect("rm");
    assert_reports(&repo.run(&["hook", "--select", "SSOT003"]), &expected, 2);
}

/// The hook lints staged blobs whole; `check` takes the fast path (the recognizer, the
/// prefilter, the reducer). On the demo project (every rule but SSOT000) plus a file
/// with a syntax error and one with `# noqa` comments, all staged as new, both print
/// the same diagnostics, and those are the ones expected.
#[test]
fn the_hook_and_check_report_the_same_diagnostics() {
    let repo = Repo::init();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/demo");
    let mut dirs = vec![demo.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read demo") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.file_name().is_some_and(|n| n != "EXPECTED.txt") {
                let rel = path.strip_prefix(&demo).expect("inside the demo");
                common::write(&repo.root.join(rel), std::fs::read(&path).expect("read"));
            }
        }
    }
    repo.write(
        "shop/broken.py",
        "import shop.old_utils\ndef f(:\n    pass\n",
    );
    repo.write(
        "shop/quiet.py",
        "from shop.engine.legacy_engine import UserEngine  # noqa: SSOT001\n\
         from shop.engine.legacy_engine import UserEngine  # noqa: SSOT003\n",
    );
    repo.git(&["add", "-A"]);
    let hook = repo.run(&["hook", "--output-format", "concise"]);
    let check = repo.run(&["check", "--output-format", "concise", "."]);
    assert_eq!(text(&hook.stdout), text(&check.stdout));
    assert_eq!(
        (hook.status.code(), check.status.code()),
        (Some(1), Some(1))
    );
    let mut expected = std::fs::read_to_string(demo.join("EXPECTED.txt")).expect("EXPECTED.txt");
    expected.push_str(
        "shop/broken.py:1:8: SSOT003\n\
         shop/broken.py:2:7: SSOT000\n\
         shop/quiet.py:2:39: SSOT001\n",
    );
    let mut expected: Vec<&str> = expected.lines().collect();
    expected.sort_unstable();
    let out = text(&hook.stdout);
    let mut found: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("shop/") || l.starts_with("tests/"))
        .map(|l| l.split(' ').next().map_or(l, |at| &l[..at.len() + 8]))
        .collect();
    found.sort_unstable();
    assert_eq!(found, expected);
    assert!(
        out.ends_with("Found 28 diagnostics in 15 files (26 checked).\n"),
        "{out}"
    );
}
