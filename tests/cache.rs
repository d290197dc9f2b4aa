//! The persistent check cache, through the binary on temp trees: a warm run reuses
//! results (proved by a planted entry), and every change a result depends on — the
//! file, a shim it imports through, a module appearing, the config — is seen.

mod common;

use common::{ssotlint, stderr, stdout, write};

use std::path::{Path, PathBuf};

const CONFIG: &str = "\
[canonical]
\"app.core.Engine\" = { legacy-modules = [\"app.old\"] }
";

const CANONICAL: &str = "app/use.py:1:22: SSOT001 `Engine` imported from `app.shim`; its canonical module is `app.core`\n";

/// `app/use.py` imports `Engine` through the re-export shim `app/shim.py` and imports
/// `app.missing`, which no file provides.
fn project() -> tempfile::TempDir {
    common::project(&[
        ("ssotlint.toml", CONFIG),
        ("app/__init__.py", ""),
        ("app/core.py", "class Engine:\n    pass\n"),
        ("app/shim.py", "from app.core import Engine\n"),
        (
            "app/use.py",
            "from app.shim import Engine\nimport app.missing\n",
        ),
    ])
}

/// Move every path changed in the last seconds three seconds back, as if the run came
/// later: the cache does not trust a time younger than two seconds (a change in the same
/// clock tick would keep it), and a test should not sleep.
fn settle(dir: &Path) {
    let now = std::time::SystemTime::now();
    let past = now - std::time::Duration::from_secs(3);
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        if path.file_name().is_some_and(|n| n == ".ssotlint_cache") {
            continue;
        }
        let meta = std::fs::metadata(&path).expect("stat");
        if meta.is_dir() {
            for entry in std::fs::read_dir(&path).expect("read_dir") {
                stack.push(entry.expect("entry").path());
            }
        }
        if meta.modified().expect("mtime") > past {
            let file = std::fs::File::open(&path).expect("open");
            file.set_modified(past).expect("set mtime");
        }
    }
}

fn check(cwd: &Path, extra: &[&str]) -> (Option<i32>, String) {
    settle(cwd);
    check_now(cwd, extra)
}

/// [`check`] without settling the tree's times first.
fn check_now(cwd: &Path, extra: &[&str]) -> (Option<i32>, String) {
    let mut args = vec!["check", "--output-format", "concise", "--quiet"];
    args.extend_from_slice(extra);
    let out = ssotlint(cwd, &args);
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
    (out.status.code(), stdout(&out))
}

/// The cache files of a cache folder (one per config and rule selection).
fn cache_files(dir: &Path) -> Vec<PathBuf> {
    let version = dir.join(env!("CARGO_PKG_VERSION"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(&version)
        .map(|r| r.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    files.sort();
    files
}

/// Rewrite every cached message, so a run that shows it has reused the entry.
fn plant_message(dir: &Path) {
    for file in cache_files(dir) {
        let text = std::fs::read_to_string(&file).expect("cache file");
        let planted = text.replace("its canonical module is", "PLANTED: canonical is");
        assert_ne!(text, planted, "the cache holds the SSOT001 message");
        write(&file, planted);
    }
}

fn both() -> String {
    format!(
        "{CANONICAL}app/use.py:2:8: SSOT005 first-party module `app.missing` is imported but no file provides it\n"
    )
}

#[test]
fn warm_run_reuses_results_and_marks_its_folder() {
    let dir = project();
    let root = dir.path();
    assert_eq!(check(root, &[]), (Some(1), both()));
    let cache = root.join(".ssotlint_cache");
    assert_eq!(
        std::fs::read_to_string(cache.join("CACHEDIR.TAG"))
            .expect("tag")
            .lines()
            .next(),
        Some("Signature: 8a477f597d28d172789f06886806bc55")
    );
    assert!(std::fs::read_to_string(cache.join(".gitignore"))
        .expect("gitignore")
        .contains("\n*\n"));
    assert_eq!(cache_files(&cache).len(), 1);

    plant_message(&cache);
    let (code, out) = check(root, &[]);
    assert_eq!(code, Some(1));
    assert!(out.contains("PLANTED: canonical is"), "{out}");
    // Same size, same bytes, new time: the content is hashed, the entry still holds.
    let use_py = root.join("app/use.py");
    let text = std::fs::read(&use_py).expect("read");
    std::thread::sleep(std::time::Duration::from_millis(20));
    write(&use_py, &text);
    assert!(check(root, &[]).1.contains("PLANTED"));
    // --no-cache lints afresh and leaves the cache alone.
    assert_eq!(check(root, &["--no-cache"]), (Some(1), both()));
    assert!(check(root, &[]).1.contains("PLANTED"));
}

#[test]
fn changes_that_results_depend_on_are_seen() {
    let dir = project();
    let root = dir.path();
    assert_eq!(check(root, &[]), (Some(1), both()));
    // The shim stops re-exporting `Engine`: the import is no longer fragmented.
    write(&root.join("app/shim.py"), "Engine = None\n");
    let (code, out) = check(root, &[]);
    assert_eq!(code, Some(1));
    assert_eq!(out, check(root, &["--no-cache"]).1);
    assert!(!out.contains("SSOT001"), "{out}");
    // The missing module appears: no SSOT005 any more.
    write(&root.join("app/shim.py"), "from app.core import Engine\n");
    write(&root.join("app/missing.py"), "");
    assert_eq!(check(root, &[]), (Some(1), CANONICAL.to_string()));
    // ... and goes again.
    std::fs::remove_file(root.join("app/missing.py")).expect("rm");
    assert_eq!(check(root, &[]), (Some(1), both()));
    // The file itself changes.
    write(&root.join("app/use.py"), "from app.core import Engine\n");
    assert_eq!(check(root, &[]), (Some(0), String::new()));
    // The config changes: a new cache file, and its findings.
    write(
        &root.join("ssotlint.toml"),
        format!("{CONFIG}\"app.core.Other\" = {{}}\n"),
    );
    write(&root.join("app/use.py"), "from app.shim import Engine\n");
    assert_eq!(check(root, &[]), (Some(1), CANONICAL.to_string()));
    assert_eq!(cache_files(&root.join(".ssotlint_cache")).len(), 2);
    // Rule options are part of the key too.
    assert_eq!(
        check(root, &["--select", "SSOT005"]),
        (Some(0), String::new())
    );
}

#[test]
fn assignment_shims_competing_classes_and_deleted_modules_are_seen() {
    let dir = project();
    let root = dir.path();
    // `use.py` → `shim.py` → `shim2.py` (by assignment) → `core.py`.
    write(
        &root.join("app/shim.py"),
        "from app import shim2\nEngine = shim2.Engine\n",
    );
    write(
        &root.join("app/shim2.py"),
        "from app import core as _core\nEngine = _core.Engine\n",
    );
    assert_eq!(check(root, &[]), (Some(1), both()));
    // The second shim of the chain defines its own `Engine`: not a re-export any more.
    write(&root.join("app/shim2.py"), "class Engine:\n    pass\n");
    let (_, out) = check(root, &[]);
    assert_eq!(out, check(root, &["--no-cache"]).1);
    assert!(!out.contains("SSOT001"), "{out}");
    // The first shim defines its own: its importers import a competing definition.
    write(&root.join("app/shim.py"), "class Engine:\n    pass\n");
    let (_, out) = check(root, &[]);
    assert_eq!(out, check(root, &["--no-cache"]).1);
    assert!(out.contains("which defines a competing `Engine`"), "{out}");
    // The shim is deleted: a canonical name from a missing module.
    std::fs::remove_file(root.join("app/shim.py")).expect("rm");
    let (_, out) = check(root, &[]);
    assert_eq!(out, check(root, &["--no-cache"]).1);
    assert!(out.contains("`app.shim`, which does not exist"), "{out}");
}

#[test]
fn a_corrupt_cache_is_ignored_and_rewritten() {
    let dir = project();
    let root = dir.path();
    check(root, &[]);
    let cache = root.join(".ssotlint_cache");
    for file in cache_files(&cache) {
        write(&file, "{\"version\": [not json");
    }
    assert_eq!(check(root, &[]), (Some(1), both()));
    for file in cache_files(&cache) {
        let text = std::fs::read_to_string(&file).expect("cache file");
        assert!(text.starts_with("{\"version\":"), "{text}");
        assert!(text.contains("app/use.py"), "rewritten with its entries");
    }
}

#[test]
fn cache_dir_flag_and_environment() {
    let dir = project();
    let root = dir.path();
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let flag_dir = elsewhere.path().join("by-flag");
    let flag = flag_dir.to_str().expect("utf-8 path");
    assert_eq!(check(root, &["--cache-dir", flag]), (Some(1), both()));
    assert!(!root.join(".ssotlint_cache").exists());
    assert_eq!(cache_files(&flag_dir).len(), 1);

    let env_dir = elsewhere.path().join("by-env");
    let out = common::command()
        .args(["check", "--quiet"])
        .current_dir(root)
        .env("SSOTLINT_CACHE_DIR", &env_dir)
        .output()
        .expect("run ssotlint");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(cache_files(&env_dir).len(), 1);
    assert!(!root.join(".ssotlint_cache").exists());

    check(root, &["--no-cache"]);
    assert!(!root.join(".ssotlint_cache").exists());
}

#[test]
fn times_younger_than_two_seconds_are_not_trusted() {
    let dir = project();
    let root = dir.path();
    assert_eq!(check_now(root, &[]), (Some(1), both()));
    plant_message(&root.join(".ssotlint_cache"));
    // The shim `app/use.py` reads was written just now: a change in the same clock
    // tick would not show in its time, so the entry is not reused.
    assert_eq!(check_now(root, &[]), (Some(1), both()));
}

#[test]
fn a_base_class_changed_in_another_module_is_seen() {
    let dir = project();
    let root = dir.path();
    write(&root.join("app/base.py"), "class Base:\n    pass\n");
    write(
        &root.join("app/svc.py"),
        "from app.base import Base\n\n\nclass Svc(Base):\n    pass\n",
    );
    write(
        &root.join("app/inst.py"),
        "from app.svc import Svc\n\nsvc = Svc()\n",
    );
    // A stateless class: its module-level instance is no singleton.
    assert_eq!(
        check(root, &["--select", "SSOT101"]),
        (Some(0), String::new())
    );
    // The base, two modules away, starts holding mutable state.
    write(
        &root.join("app/base.py"),
        "class Base:\n    def __init__(self):\n        self.n = 0\n\n    def bump(self):\n        self.n += 1\n",
    );
    let (code, out) = check(root, &["--select", "SSOT101"]);
    assert_eq!(code, Some(1));
    assert!(out.starts_with("app/inst.py:3:1: SSOT101"), "{out}");
}

/// A summary memoised for one file still records, for the next file that asks it, the
/// modules it was read from: here a base re-exported through a shim (`app.shim.Base`
/// read at `app.base.Base`), asked by two files.
#[test]
fn a_memoised_class_summary_still_records_its_files() {
    let dir = project();
    let root = dir.path();
    write(&root.join("app/base.py"), "class Base:\n    pass\n");
    write(&root.join("app/shim.py"), "from app.base import Base\n");
    write(
        &root.join("app/svc.py"),
        "from app.shim import Base\n\n\nclass Svc(Base):\n    pass\n",
    );
    for inst in ["app/inst.py", "app/inst2.py"] {
        write(&root.join(inst), "from app.svc import Svc\n\nsvc = Svc()\n");
    }
    assert_eq!(
        check(root, &["--select", "SSOT101"]),
        (Some(0), String::new())
    );
    write(
        &root.join("app/base.py"),
        "class Base:\n    def bump(self):\n        self.n = 1\n",
    );
    let (code, out) = check(root, &["--select", "SSOT101"]);
    assert_eq!(code, Some(1));
    let flagged: Vec<&str> = out.lines().filter(|l| l.contains("SSOT101")).collect();
    assert_eq!(flagged.len(), 2, "{out}");
    assert!(flagged[0].starts_with("app/inst.py:3:1: SSOT101"), "{out}");
    assert!(flagged[1].starts_with("app/inst2.py:3:1: SSOT101"), "{out}");
}

/// `report --format json` after settling the tree; stderr must be empty.
fn report_json(cwd: &Path, extra: &[&str]) -> serde_json::Value {
    settle(cwd);
    let mut args = vec!["report", "--format", "json"];
    args.extend_from_slice(extra);
    let out = ssotlint(cwd, &args);
    assert_eq!((out.status.code(), stderr(&out).as_str()), (Some(0), ""));
    common::json(&out)
}

/// Canonical, fragmented and total imports of `Engine`, and the SSOT001/SSOT005 counts.
fn engine_figures(report: &serde_json::Value) -> (u64, u64, u64, u64, u64) {
    let imports = &report["imports"];
    let count = |v: &serde_json::Value| v.as_u64().expect("count");
    (
        count(&imports["canonical"]),
        count(&imports["fragmented"]),
        count(&imports["imports"]),
        count(&report["rules"]["SSOT001"]),
        count(&report["rules"]["SSOT005"]),
    )
}

#[test]
fn report_and_baseline_share_the_check_cache() {
    let dir = project();
    let root = dir.path();
    // A canonical import at module level and a fragmented one inside a function body
    // (what the reducer would blank were the report's metrics not kept).
    write(
        &root.join("app/direct.py"),
        "from app.core import Engine\n\n\ndef f():\n    from app.shim import Engine as E\n    return E\n",
    );
    let cold = report_json(root, &["--no-cache"]);
    assert!(!root.join(".ssotlint_cache").exists());
    // shim + direct canonical; use + the local one through the shim fragmented.
    assert_eq!(engine_figures(&cold), (2, 2, 4, 2, 1));

    // A check first writes entries without the report's metrics: the report lints again.
    assert_eq!(check(root, &[]).0, Some(1));
    assert_eq!(report_json(root, &[]), cold);
    let cache = root.join(".ssotlint_cache");
    assert_eq!(
        cache_files(&cache).len(),
        1,
        "check and report share one cache file"
    );
    // Warm: the metrics come from the cache (a planted class shows), nothing is parsed.
    let file = &cache_files(&cache)[0];
    let text = std::fs::read_to_string(file).expect("cache file");
    let planted = text.replacen("\"class\":\"canonical\"", "\"class\":\"alias\"", 1);
    assert_ne!(text, planted, "the cache holds the report's metrics");
    write(file, planted);
    assert_eq!(engine_figures(&report_json(root, &[])), (1, 3, 4, 2, 1));
    write(file, text);
    // --no-cache measures afresh; a changed file is measured again.
    assert_eq!(report_json(root, &["--no-cache"]), cold);
    write(&root.join("app/direct.py"), "from app.core import Engine\n");
    assert_eq!(engine_figures(&report_json(root, &[])).3, 1);
    write(
        &root.join("app/direct.py"),
        "from app.core import Engine\n\n\ndef f():\n    from app.shim import Engine as E\n    return E\n",
    );
    assert_eq!(report_json(root, &[]), cold);

    // A baseline written warm equals one written without the cache, byte for byte.
    settle(root);
    for (name, extra) in [("warm.json", None), ("cold.json", Some("--no-cache"))] {
        let mut args = vec!["baseline", "-o", name];
        args.extend(extra);
        let out = ssotlint(root, &args);
        assert_eq!(out.status.code(), Some(0));
    }
    let warm = std::fs::read_to_string(root.join("warm.json")).expect("baseline");
    assert_eq!(
        warm,
        std::fs::read_to_string(root.join("cold.json")).expect("baseline")
    );
    assert_eq!(warm.matches("\"code\": \"SSOT001\"").count(), 2, "{warm}");
}
