//! `ssotlint init` and `check --infer` run as a process on fixture projects with a known
//! answer: the exact generated config, and `check` with it reporting exactly the planted
//! fragmented imports (code, row, column).

mod common;

use common::{project, ssotlint, stderr, stdout, write};

use std::path::Path;
use std::process::Output;

/// One class (`Engine`) re-exported through two shims, a package `__init__`, a renamed
/// re-export, a chain of shims and a star re-export; a class (`Loop`) in a circular
/// star re-export; a competing definition (`Cart`, the more imported one canonical);
/// two unrelated `Config` classes in unrelated packages, each imported one way.
const FRAGMENTED: &[(&str, &str)] = &[
    ("app/__init__.py", "from app.core.engine import Engine\n"),
    ("app/core/__init__.py", ""),
    (
        "app/core/engine.py",
        "class Engine:\n    pass\n\n\ndef make_engine():\n    return Engine()\n",
    ),
    ("app/shim_a.py", "from app.core.engine import Engine\n"),
    ("app/shim_b.py", "from app.core.engine import Engine\n"),
    ("app/chain.py", "from app.shim_a import Engine\n"),
    (
        "app/old.py",
        "from app.core.engine import Engine as OldEngine\n",
    ),
    ("app/star.py", "from app.core.engine import *\n"),
    (
        "app/cycle_a.py",
        "from app.cycle_b import *\n\n\nclass Loop:\n    pass\n",
    ),
    ("app/cycle_b.py", "from app.cycle_a import *\n"),
    ("app/api/__init__.py", ""),
    ("app/api/v1.py", "from app.core.engine import Engine\n"),
    ("app/api/v2.py", "from app.core.engine import Engine\n"),
    ("app/api/v3.py", "from ..core.engine import Engine\n"),
    ("app/api/v4.py", "from app import Engine\n"),
    (
        "app/api/v5.py",
        "from app.shim_b import Engine as ShimEngine\n",
    ),
    ("app/api/v6.py", "from app.old import OldEngine\n"),
    ("app/api/v7.py", "from app.star import Engine\n"),
    ("app/api/v8.py", "from app.chain import Engine\n"),
    (
        "app/api/v9.py",
        "def build():\n    from app.shim_a import Engine\n    return Engine()\n",
    ),
    ("app/store/__init__.py", ""),
    ("app/store/cart.py", "class Cart:\n    pass\n"),
    ("app/store/legacy_cart.py", "class Cart:\n    pass\n"),
    ("app/api/c1.py", "from app.store.cart import Cart\n"),
    ("app/api/c2.py", "from app.store.cart import Cart\n"),
    ("app/api/c3.py", "from app.store.legacy_cart import Cart\n"),
    ("app/api/l1.py", "from app.cycle_a import Loop\n"),
    ("app/api/l2.py", "from app.cycle_a import Loop\n"),
    ("app/api/l3.py", "from app.cycle_b import Loop\n"),
    ("app/api/l4.py", "from app.cycle_b import Missing\n"),
    ("billing/__init__.py", ""),
    ("billing/config.py", "class Config:\n    pass\n"),
    ("billing/invoice.py", "from billing.config import Config\n"),
    ("billing/pay.py", "from billing.config import Config\n"),
    ("auth/__init__.py", ""),
    ("auth/config.py", "class Config:\n    pass\n"),
    ("auth/login.py", "from auth.config import Config\n"),
    ("auth/token.py", "from auth.config import Config\n"),
];

const FRAGMENTED_CONFIG: &str = r#"# Written by `ssotlint init` from 38 files (38 modules): 3 canonical symbols proposed, 11 imports would change.
# Each entry's comment counts the imports per path; review the entries before committing.

[project]
src = ["."]
first-party = ["app", "auth", "billing"]

[canonical]
# class Engine: 14 imports (2 aliased); 8 would change
#   app.core.engine: 7 imports, 1 aliased, 4 re-exports (canonical, defines it)
#   app.shim_a: 2 imports, 1 re-export
#   app: 1 import
#   app.chain: 1 import
#   app.old.OldEngine: 1 import
#   app.shim_b: 1 import, 1 aliased
#   app.star: 1 import
"app.core.engine.Engine" = { legacy-modules = ["app", "app.chain", "app.old", "app.shim_a", "app.shim_b", "app.star"], legacy-names = ["OldEngine"] }

# class Loop: 3 imports, 1 star import; 2 would change
#   app.cycle_a: 2 imports (canonical, defines it)
#   app.cycle_b: 1 import
"app.cycle_a.Loop" = { legacy-modules = ["app.cycle_b"] }

# class Cart: 3 imports, 2 definitions; 1 would change
#   app.store.cart: 2 imports (canonical, defines it)
#   competing definition in app.store.legacy_cart: 1 import
#   app.store.legacy_cart: 1 import (defines it)
"app.store.cart.Cart" = {}
"#;

/// What `check` must report with the generated config: the 11 imports counted as
/// "would change" (SSOT001 — for `Cart` as an importer of a competing definition —, the
/// alias of the canonical path as SSOT002) and the competing definition (SSOT301).
const PLANTED: &[(&str, &str, u64, u64)] = &[
    ("SSOT001", "app/api/c3.py", 1, 35),
    ("SSOT001", "app/api/l3.py", 1, 25),
    ("SSOT001", "app/api/v4.py", 1, 17),
    ("SSOT001", "app/api/v5.py", 1, 24),
    ("SSOT001", "app/api/v6.py", 1, 21),
    ("SSOT001", "app/api/v7.py", 1, 22),
    ("SSOT001", "app/api/v8.py", 1, 23),
    ("SSOT001", "app/api/v9.py", 2, 28),
    ("SSOT001", "app/chain.py", 1, 24),
    ("SSOT001", "app/cycle_a.py", 1, 25),
    ("SSOT002", "app/old.py", 1, 29),
    ("SSOT301", "app/store/legacy_cart.py", 1, 7),
];

/// (code, file relative to `root`, row, column) of a JSON report, sorted.
fn findings(root: &Path, out: &Output) -> Vec<(String, String, u64, u64)> {
    let json = common::json(out);
    let root = std::fs::canonicalize(root).expect("canonical root");
    let mut found: Vec<_> = json
        .as_array()
        .expect("an array")
        .iter()
        .map(|d| {
            let file = Path::new(d["filename"].as_str().expect("filename"));
            let file = std::fs::canonicalize(root.join(file)).expect("file exists");
            let rel = file.strip_prefix(&root).expect("under the root");
            (
                d["code"].as_str().expect("code").to_string(),
                rel.to_string_lossy().replace('\\', "/"),
                d["location"]["row"].as_u64().expect("row"),
                d["location"]["column"].as_u64().expect("column"),
            )
        })
        .collect();
    found.sort();
    found
}

fn planted() -> Vec<(String, String, u64, u64)> {
    let mut planted: Vec<_> = PLANTED
        .iter()
        .map(|(c, f, r, col)| (c.to_string(), f.to_string(), *r, *col))
        .collect();
    planted.sort();
    planted
}

#[test]
fn dry_run_prints_the_exact_config_and_writes_nothing() {
    let dir = project(FRAGMENTED);
    let out = ssotlint(dir.path(), &["init", "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), FRAGMENTED_CONFIG);
    assert!(!dir.path().join("ssotlint.toml").exists());
}

#[test]
fn the_written_config_loads_and_check_reports_exactly_the_planted_imports() {
    let dir = project(FRAGMENTED);
    let out = ssotlint(dir.path(), &["init"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "Wrote {}: 3 canonical symbols proposed from 38 files, 11 imports would change.\n",
            std::fs::canonicalize(dir.path())
                .expect("canonical")
                .join("ssotlint.toml")
                .display()
        )
    );
    let config = dir.path().join("ssotlint.toml");
    assert_eq!(
        std::fs::read_to_string(&config).expect("config"),
        FRAGMENTED_CONFIG
    );
    let settings = ssotlint::config::load_file(&config)
        .expect("the generated config loads")
        .expect("it is a config");
    assert_eq!(settings.canonical.len(), 3);
    let out = ssotlint(
        dir.path(),
        &["check", "--no-cache", "--output-format", "json"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(findings(dir.path(), &out), planted());
}

#[test]
fn check_infer_reports_the_same_without_a_config() {
    let dir = project(FRAGMENTED);
    let out = ssotlint(
        dir.path(),
        &["check", "--infer", "--no-cache", "--output-format", "json"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(findings(dir.path(), &out), planted());
    // Checking one folder still infers from the whole project.
    let out = ssotlint(
        dir.path(),
        &[
            "check",
            "--infer",
            "--no-cache",
            "--output-format",
            "json",
            "app/api",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let in_api: Vec<_> = planted()
        .into_iter()
        .filter(|(_, f, _, _)| f.starts_with("app/api/"))
        .collect();
    assert_eq!(findings(dir.path(), &out), in_api);
    // Without --infer nothing is configured, so nothing is fragmented.
    let out = ssotlint(
        dir.path(),
        &["check", "--no-cache", "--output-format", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn check_infer_keeps_configured_entries() {
    let dir = project(FRAGMENTED);
    // Engine configured with only one legacy module: that entry wins over the inferred one.
    write(
        &dir.path().join("ssotlint.toml"),
        "[canonical]\n\"app.core.engine.Engine\" = { legacy-modules = [\"app.shim_b\"], allow-alias = true }\n",
    );
    let out = ssotlint(
        dir.path(),
        &["check", "--infer", "--no-cache", "--output-format", "json"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let engine: Vec<_> = findings(dir.path(), &out)
        .into_iter()
        .filter(|(_, f, _, _)| {
            f.starts_with("app/api/v") || f == "app/chain.py" || f == "app/old.py"
        })
        .collect();
    // v4 (`from app import Engine`) is flagged by the parent-package rule, v5 by the
    // configured legacy module, v8, v9 and chain.py as imports through re-export shims;
    // the inferred entry is not added: no `OldEngine` (v6), no star shim (v7), no alias
    // finding (old.py).
    let at = |f: &str, row, col| ("SSOT001".to_string(), f.to_string(), row, col);
    assert_eq!(
        engine,
        [
            at("app/api/v4.py", 1, 17),
            at("app/api/v5.py", 1, 24),
            at("app/api/v8.py", 1, 23),
            at("app/api/v9.py", 2, 28),
            at("app/chain.py", 1, 24),
        ]
    );
}

#[test]
fn an_existing_config_is_never_overwritten_without_force() {
    let dir = project(FRAGMENTED);
    let config = dir.path().join("ssotlint.toml");
    write(&config, "[lint]\nignore = []\n");
    let out = ssotlint(dir.path(), &["init"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("already holds an ssotlint config; pass --force"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(&config).expect("config"),
        "[lint]\nignore = []\n"
    );
    // A `[tool.ssotlint]` in pyproject.toml is a config too.
    std::fs::remove_file(&config).expect("rm");
    write(
        &dir.path().join("pyproject.toml"),
        "[tool.ssotlint.lint]\nignore = []\n",
    );
    let out = ssotlint(dir.path(), &["init"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!config.exists());
    let out = ssotlint(dir.path(), &["init", "--force", "--quiet"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        std::fs::read_to_string(&config).expect("config"),
        FRAGMENTED_CONFIG
    );
}

#[test]
fn pyproject_keeps_its_other_tables() {
    let dir = project(FRAGMENTED);
    let pyproject = dir.path().join("pyproject.toml");
    write(
        &pyproject,
        "[project]\nname = \"shop\"\n\n[tool.ruff]\nline-length = 100\n",
    );
    let out = ssotlint(dir.path(), &["init", "--pyproject"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(&pyproject).expect("pyproject");
    let expected = format!(
        "[project]\nname = \"shop\"\n\n[tool.ruff]\nline-length = 100\n\n{}",
        FRAGMENTED_CONFIG
            .replace("[project]", "[tool.ssotlint.project]")
            .replace("[canonical]", "[tool.ssotlint.canonical]")
    );
    assert_eq!(text, expected);
    let out = ssotlint(
        dir.path(),
        &["check", "--no-cache", "--output-format", "json"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(findings(dir.path(), &out), planted());
    // Again with --force: the section is replaced, not added twice.
    let out = ssotlint(dir.path(), &["init", "--pyproject", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&pyproject).expect("pyproject"),
        expected
    );
}

#[test]
fn min_imports_prunes_rarely_imported_symbols() {
    let dir = project(FRAGMENTED);
    let out = ssotlint(dir.path(), &["init", "--dry-run", "--min-imports", "4"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let keys: Vec<&str> = text.lines().filter(|l| l.starts_with('"')).collect();
    assert_eq!(keys.len(), 1, "{text}");
    assert!(
        keys[0].starts_with("\"app.core.engine.Engine\" = "),
        "{text}"
    );
    assert!(text.starts_with("# Written by `ssotlint init` from 38 files (38 modules): 1 canonical symbol proposed, 8 imports would change.\n"), "{text}");
}

/// Most code imports `Widget` from the package (4 imports; the defining module has 3,
/// the re-exports included); the package re-exports it from its defining module, which
/// keeps its imports; a compat shim and an assignment alias (`Widget = impl.Widget`)
/// are legacy. Code imports `Gadget` once from its package and once from its module
/// (the package's re-export is no use): the defining module wins the tie. An unrelated
/// `Widget` in package `other` is not merged; its importer is named in the comment as
/// one `check` flags too (SSOT001 goes by name).
const REEXPORTED: &[(&str, &str)] = &[
    (
        "lib/__init__.py",
        "from lib.impl import Widget\nfrom lib.gadget import Gadget\n",
    ),
    ("lib/impl.py", "class Widget:\n    pass\n"),
    ("lib/gadget.py", "def Gadget():\n    pass\n"),
    ("lib/compat.py", "from lib.impl import Widget\n"),
    ("lib/internal.py", "from lib.impl import Widget\n"),
    ("u1.py", "from lib import Widget\n"),
    ("u2.py", "from lib import Widget\nfrom lib import Gadget\n"),
    ("u3.py", "from lib import Widget\n"),
    ("u4.py", "from lib.compat import Widget\n"),
    ("u5.py", "from lib import Widget\n"),
    (
        "lib/aliases.py",
        "from lib import impl\n\nWidget = impl.Widget\n",
    ),
    ("u6.py", "from lib.aliases import Widget\n"),
    ("u7.py", "from lib.gadget import Gadget\n"),
    ("other/__init__.py", ""),
    ("other/widget.py", "class Widget:\n    pass\n"),
    ("other/use.py", "from other.widget import Widget\n"),
];

#[test]
fn a_reexport_most_code_uses_is_canonical_and_ties_go_to_the_defining_module() {
    let dir = project(REEXPORTED);
    let out = ssotlint(dir.path(), &["init", "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        r#"# Written by `ssotlint init` from 16 files (16 modules): 2 canonical symbols proposed, 3 imports would change.
# Besides, 1 import of unrelated classes or functions of the same names would be flagged as competing (see "unrelated").
# Each entry's comment counts the imports per path; review the entries before committing.

[project]
src = ["."]
first-party = ["lib", "other", "u1", "u2", "u3", "u4", "u5", "u6", "u7"]

[canonical]
# class Widget: 9 imports; 2 would change
#   lib: 4 imports (canonical)
#   lib.impl: 3 imports, 2 re-exports (passes the canonical re-export on; left alone)
#   lib.aliases: 1 import
#   lib.compat: 1 import
#   unrelated Widget in other.widget: 1 import from it flagged as competing too (review)
"lib.Widget" = { legacy-modules = ["lib.aliases", "lib.compat"] }

# function Gadget: 3 imports; 1 would change
#   lib.gadget: 2 imports, 1 re-export (canonical, defines it)
#   lib: 1 import
"lib.gadget.Gadget" = { legacy-modules = ["lib"] }
"#
    );
    let out = ssotlint(
        dir.path(),
        &[
            "check",
            "--infer",
            "--no-cache",
            "--select",
            "SSOT001,SSOT002",
            "--output-format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        findings(dir.path(), &out),
        [
            ("SSOT001".to_string(), "other/use.py".to_string(), 1, 26),
            ("SSOT001".to_string(), "u2.py".to_string(), 2, 17),
            ("SSOT001".to_string(), "u4.py".to_string(), 1, 24),
            ("SSOT001".to_string(), "u6.py".to_string(), 1, 25),
        ]
    );
}

#[test]
fn a_missing_directory_is_an_error() {
    let dir = project(&[]);
    let out = ssotlint(dir.path(), &["init", "nowhere", "--dry-run"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out), "error: nowhere: not a directory\n");
}

/// Same-named definitions that are not competitors: plugin modules that each define
/// `Command` (imported under aliases), and a `Loader` built on the base `Loader`.
const NOT_COMPETING: &[(&str, &str)] = &[
    ("plug/__init__.py", ""),
    ("plug/commands/__init__.py", ""),
    ("plug/commands/a.py", "class Command:\n    pass\n"),
    ("plug/commands/b.py", "class Command:\n    pass\n"),
    ("plug/run.py", "from plug.commands.a import Command as A\n"),
    (
        "plug/other.py",
        "from plug.commands.b import Command as B\n",
    ),
    ("plug/loader.py", "class Loader:\n    pass\n"),
    (
        "plug/fs.py",
        "from plug.loader import Loader as BaseLoader\n\n\nclass Loader(BaseLoader):\n    pass\n",
    ),
    ("plug/x.py", "from plug.loader import Loader\n"),
    ("plug/y.py", "from plug.fs import Loader\n"),
];

#[test]
fn plugins_and_subclasses_of_one_name_are_not_merged() {
    let dir = project(NOT_COMPETING);
    let out = ssotlint(dir.path(), &["init", "--dry-run", "--min-imports", "1"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        r#"# Written by `ssotlint init` from 10 files (10 modules): 0 canonical symbols proposed, 0 imports would change.
# Each entry's comment counts the imports per path; review the entries before committing.

[project]
src = ["."]
first-party = ["plug"]

[canonical]
"#
    );
}
