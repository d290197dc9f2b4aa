//! What the integration tests share: the binary under test, temp projects, git, CPython.
//!
//! Each file under `tests/` is its own crate and uses only some of these, hence the
//! `dead_code` allowance.
#![allow(dead_code)]

pub mod lsp;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `ssotlint` binary cargo built for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_ssotlint");

/// The binary, with neither colour nor a cache folder taken from the shell that runs the
/// tests, so what a test sees does not depend on it.
pub fn command() -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env("NO_COLOR", "1").env_remove("SSOTLINT_CACHE_DIR");
    cmd
}

/// Runs the binary with `args` in `cwd` and waits for it.
pub fn ssotlint(cwd: &Path, args: &[&str]) -> Output {
    command()
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run ssotlint")
}

/// Runs the binary with `input` on its stdin.
pub fn ssotlint_stdin(cwd: &Path, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = command()
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ssotlint");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

/// Bytes as text; a test's assertion shows what is not UTF-8 rather than panicking.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub fn stdout(o: &Output) -> String {
    text(&o.stdout)
}

pub fn stderr(o: &Output) -> String {
    text(&o.stderr)
}

/// The exit code; -1 when a signal ended the process.
pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// Stdout parsed as JSON (`--output-format json`, `report --format json`, …).
pub fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", stdout(o), stderr(o)))
}

/// Writes a file, creating its folders.
pub fn write(path: &Path, content: impl AsRef<[u8]>) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(path, content).expect("write");
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).expect("read")
}

/// Writes `files` (path relative to `root`, content).
pub fn write_files(root: &Path, files: &[(&str, &str)]) {
    for (path, content) in files {
        write(&root.join(path), content);
    }
}

/// A temp folder holding `files` (path relative to it, content).
pub fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    write_files(dir.path(), files);
    dir
}

/// Runs git in `dir` with a fixed identity and fixed dates (so history is reproducible)
/// and none of the caller's `GIT_*` variables; fails the test if git fails. Returns stdout.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let mut cmd = Command::new("git");
    remove_git_variables(&mut cmd);
    cmd.current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env("GIT_AUTHOR_DATE", "2024-03-01T12:00:00Z")
        .env("GIT_COMMITTER_DATE", "2024-03-01T12:00:00Z");
    run_git(cmd, args)
}

/// Runs a prepared git command with `args`; fails the test if git fails. Returns stdout.
fn run_git(mut cmd: Command, args: &[&str]) -> String {
    let out = cmd.args(args).output().expect("run git");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}{}",
        stdout(&out),
        stderr(&out)
    );
    stdout(&out)
}

/// `git init` on branch `main`.
pub fn git_init(dir: &Path) {
    git(dir, &["init", "-q", "-b", "main"]);
}

/// Inherited `GIT_*` and `PRE_COMMIT_*` variables would point git, the hook and
/// pre-commit at the caller's repository (tests run from a git hook, for one).
fn remove_git_variables(cmd: &mut Command) {
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if key.starts_with("GIT_") || key.starts_with("PRE_COMMIT_") {
            cmd.env_remove(key.as_ref());
        }
    }
}

/// `program` in `cwd` as a user would run it in a fresh account: `HOME` (and so git's
/// user config) is `home`, pre-commit's cache below it, no system git config, no
/// inherited `GIT_*`/`PRE_COMMIT_*` variables, a fixed identity, and this build's
/// `ssotlint` first on `PATH`.
pub fn isolated(program: impl AsRef<std::ffi::OsStr>, cwd: &Path, home: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(cwd);
    remove_git_variables(&mut cmd);
    let bin_dir = Path::new(BIN).parent().expect("binary directory");
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs = vec![bin_dir.to_path_buf()];
    dirs.extend(std::env::split_paths(&path));
    cmd.env("PATH", std::env::join_paths(dirs).expect("PATH"))
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "T")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "T")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env("PRE_COMMIT_HOME", home.join(".cache/pre-commit"))
        .env_remove("SSOTLINT")
        .env_remove("SSOTLINT_CACHE_DIR")
        .env("NO_COLOR", "1");
    cmd
}

/// A temp folder with a `repo` and a `home` beside it, both canonical paths (git prints
/// resolved paths); commands run there through [`isolated`]. The caller inits the
/// repository.
pub struct Sandbox {
    _tmp: tempfile::TempDir,
    pub root: PathBuf,
    pub home: PathBuf,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        let tmp = tempfile::tempdir().expect("tempdir");
        let base = tmp.path().canonicalize().expect("canonical tempdir");
        let root = base.join("repo");
        let home = base.join("home");
        std::fs::create_dir_all(&root).expect("mkdir");
        std::fs::create_dir_all(&home).expect("mkdir");
        Sandbox {
            _tmp: tmp,
            root,
            home,
        }
    }

    /// The folder holding `repo` and `home`.
    pub fn base(&self) -> &Path {
        self.root.parent().expect("base")
    }

    /// `program` in `cwd` with this sandbox's home, through [`isolated`].
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>, cwd: &Path) -> Command {
        isolated(program, cwd, &self.home)
    }

    /// Runs git in `cwd`; fails the test if git fails. Returns stdout.
    pub fn git_in(&self, cwd: &Path, args: &[&str]) -> String {
        run_git(self.command("git", cwd), args)
    }

    /// Runs git in the repository.
    pub fn git(&self, args: &[&str]) -> String {
        self.git_in(&self.root, args)
    }

    /// Writes a file of the repository's work tree (`rel` below `root`).
    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) {
        write(&self.root.join(rel), content);
    }
}

/// A git repository with its own home: a [`Sandbox`] with `git init -b main` done. Each
/// test file adds its own set-up in an `impl Repo` of its own (the type is the crate's).
pub struct Repo(Sandbox);

impl std::ops::Deref for Repo {
    type Target = Sandbox;

    fn deref(&self) -> &Sandbox {
        &self.0
    }
}

impl Repo {
    pub fn init() -> Repo {
        let repo = Repo(Sandbox::new());
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    /// Stages everything and commits it, hooks skipped.
    pub fn commit_all(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--no-verify", "-m", message]);
    }
}

/// Fails the test unless CPython compiles the file (a BOM allowed).
pub fn assert_compiles(path: &Path) {
    let out = Command::new("python3")
        .arg("-c")
        .arg(
            "import sys; f = sys.argv[1]; compile(open(f, encoding='utf-8-sig').read(), f, 'exec')",
        )
        .arg(path)
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "CPython cannot compile {}: {}",
        path.display(),
        stderr(&out)
    );
}

/// CPython's verdict on a file: `None` when it compiles, else the exception's class name.
pub fn cpython_error(path: &Path) -> Option<String> {
    let out = Command::new("python3")
        .arg("-c")
        .arg(
            "import sys\nf = sys.argv[1]\ntry:\n    compile(open(f, encoding='utf-8').read(), f, 'exec')\nexcept SyntaxError as e:\n    print(type(e).__name__)",
        )
        .arg(path)
        .output()
        .expect("run python3");
    assert!(out.status.success());
    let name = stdout(&out).trim().to_string();
    (!name.is_empty()).then_some(name)
}

/// The `.py` files of CPython's standard library, sorted, not descending into
/// `site-packages`, `dist-packages` or any folder named in `skip`.
pub fn stdlib_files(skip: &[&str]) -> Vec<PathBuf> {
    let out = Command::new("python3")
        .args([
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['stdlib'])",
        ])
        .output()
        .expect("python3 runs");
    let root = PathBuf::from(stdout(&out).trim());
    let mut files = Vec::new();
    let mut dirs = vec![root];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                let skipped = matches!(name.as_str(), "site-packages" | "dist-packages")
                    || skip.contains(&name.as_str());
                if !skipped {
                    dirs.push(path);
                }
            } else if name.ends_with(".py") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Runs every case on its own thread (they are independent processes on temp trees, as
/// separate tests would be), each under its label, and fails once at the end naming every
/// case that failed, so one broken case does not hide the others.
pub fn run_cases<C: Sync>(cases: &[C], label: impl Fn(&C) -> &str, check: impl Fn(&C) + Sync) {
    let outcomes: Vec<_> = std::thread::scope(|scope| {
        let running: Vec<_> = cases
            .iter()
            .map(|case| scope.spawn(|| check(case)))
            .collect();
        running.into_iter().map(|thread| thread.join()).collect()
    });
    let mut failed = Vec::new();
    for (case, outcome) in cases.iter().zip(outcomes) {
        if let Err(panic) = outcome {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failed.push(format!("case `{}`: {message}", label(case)));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} cases failed:\n{}",
        failed.len(),
        cases.len(),
        failed.join("\n")
    );
}
