//! `ssotlint report`, `baseline`, `check --baseline` and `report --history`, on fixture
//! projects built so every figure is known by construction.

mod common;

use common::{git, ssotlint, stderr, stdout, write, write_files};

use std::path::Path;

use serde_json::Value;

const CONFIG: &str = r#"
[project]
src = ["."]
first-party = ["app"]

[canonical]
"app.core.engine.Engine" = { legacy-modules = ["app.old_engine"] }

[factories."app.factory.EngineFactory"]
builds = ["app.core.engine.Engine"]
methods = ["create_instance"]
allowed-in = ["app/factory.py"]

[singletons]
isolated = ["app.core.engine.Engine"]
"#;

/// 35 files import `Engine`: 28 canonically (25 users, 2 shims, the factory), 7 fragmented
/// (2 from the legacy module, 2 through a re-export shim, 1 relative through the shim,
/// 2 aliased). Plus: 1 module-level singleton, 1 isolated one (SSOT110), 3 factory calls and 1 direct
/// construction, 1 competing definition.
fn fixture(root: &Path) {
    write_files(
        root,
        &[
            ("ssotlint.toml", CONFIG),
            ("app/__init__.py", ""),
            ("app/core/__init__.py", ""),
            ("app/core/engine.py", "class Engine:\n    pass\n"),
            ("app/old_engine.py", "from app.core.engine import Engine\n"),
            ("app/shim.py", "from app.core.engine import Engine\n"),
            ("app/factory.py", "from app.core.engine import Engine\n\nshared = Engine()\n\n\nclass EngineFactory:\n    @staticmethod\n    def create_instance():\n        return Engine()\n"),
        ],
    );
    for i in 0..25 {
        let mut text = String::from("from app.core.engine import Engine\n");
        if i < 3 {
            text = "from app.core.engine import Engine\nfrom app.factory import EngineFactory\n\n\ndef make():\n    return EngineFactory.create_instance()\n"
                .to_string();
        }
        if i == 3 {
            text.push_str("\n\ndef make():\n    return Engine()\n");
        }
        write(&root.join(format!("app/users/u{i:02}.py")), &text);
    }
    write(&root.join("app/users/__init__.py"), "");
    for i in 0..2 {
        write(
            &root.join(format!("app/legacy_{i}.py")),
            "from app.old_engine import Engine\n",
        );
        write(
            &root.join(format!("app/reexport_{i}.py")),
            "from app.shim import Engine\n",
        );
        write(
            &root.join(format!("app/alias_{i}.py")),
            "from app.core.engine import Engine as Eng\n",
        );
    }
    write_files(
        root,
        &[
            ("app/pkg/__init__.py", ""),
            ("app/pkg/rel.py", "from ..shim import Engine\n"),
            ("app/cache.py", "class Cache:\n    def put(self, k, v):\n        self.data[k] = v\n\n\ncache = Cache()\n"),
            ("app/other.py", "class Engine:\n    pass\n"),
        ],
    );
}

#[test]
fn report_figures_are_exact() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fixture(root);
    let out = ssotlint(root, &["report", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let sym = &v["symbols"][0];
    assert_eq!(sym["symbol"], "app.core.engine.Engine");
    assert_eq!(sym["files"], 35);
    assert_eq!(sym["imports"], 35);
    assert_eq!(sym["canonical"], 28);
    assert_eq!(sym["fragmented"], 7);
    assert_eq!(sym["legacy_module"], 2);
    assert_eq!(sym["re_export"], 2);
    assert_eq!(sym["relative"], 1);
    assert_eq!(sym["alias"], 2);
    assert_eq!(sym["unresolved"], 0);
    assert_eq!(sym["canonical_share"], 80.0);
    assert_eq!(
        sym["aliases"],
        serde_json::json!([{"alias": "Eng", "count": 2, "example": "app/alias_0.py:1:29"}])
    );
    assert_eq!(v["files"], 42);
    assert_eq!(v["singletons"]["total"], 2);
    assert_eq!(v["singletons"]["isolated"], 1);
    assert_eq!(
        v["singletons"]["by_rule"],
        serde_json::json!({"SSOT101": 1, "SSOT110": 1})
    );
    assert_eq!(
        v["singletons"]["top_files"],
        serde_json::json!([["app/cache.py", 1], ["app/factory.py", 1]])
    );
    assert_eq!(v["factories"]["via_factory"], 3);
    assert_eq!(v["factories"]["direct"], 1);
    assert_eq!(v["factories"]["adoption"], 75.0);
    assert_eq!(v["factories"]["contract_gaps"], 0);
    assert_eq!(v["competing_definitions"].as_array().unwrap().len(), 1);
    assert_eq!(v["competing_definitions"][0]["path"], "app/other.py");
    // imports 80; legacy 100 (the legacy-module imports are SSOT001, counted in
    // imports); singletons: 40/42 files clean → 95.2; factories 75; definitions 97.6.
    let components: Vec<(String, f64)> = v["score"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["value"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        components,
        vec![
            ("imports".to_string(), 80.0),
            ("legacy".to_string(), 100.0),
            ("singletons".to_string(), 95.2),
            ("factories".to_string(), 75.0),
            ("definitions".to_string(), 97.6),
        ]
    );
    let expected = ((40.0 * 80.0 + 10.0 * 100.0 + 25.0 * 95.2 + 15.0 * 75.0 + 10.0 * 97.6) / 100.0
        * 10.0_f64)
        .round()
        / 10.0;
    assert_eq!(v["score"]["value"].as_f64().unwrap(), expected);
    assert_eq!(
        v["score"]["formula"],
        "score = (40 x imports + 10 x legacy + 25 x singletons + 15 x factories + 10 x definitions) / 100"
    );

    let text = stdout(&ssotlint(root, &["report"]));
    assert!(text.contains("    canonical share: 80.0%\n"), "{text}");
    assert!(text.contains("  score = (40 x imports"), "{text}");

    let md = stdout(&ssotlint(root, &["report", "--format", "markdown"]));
    assert!(md.contains(
        "| Symbol | Files | Imports | Canonical | Legacy module | Re-export | Relative | Alias | Competing | Missing module | Unresolved | Canonical share |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n| `app.core.engine.Engine` | 35 | 35 | 28 | 2 | 2 | 1 | 2 | 0 | 0 | 0 | 80.0% |\n"
    ), "{md}");
    // Every table line has the header's number of cells.
    for block in md.split("\n\n").filter(|b| b.starts_with('|')) {
        let lines: Vec<&str> = block.lines().collect();
        let cells = |l: &str| l.matches(" | ").count();
        assert!(
            lines
                .iter()
                .all(|l| cells(l) == cells(lines[0]) || l.starts_with("|---")),
            "{block}"
        );
    }
}

#[test]
fn weights_are_configurable_and_validated() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fixture(root);
    let config = format!("{CONFIG}\n[report]\nweights = {{ imports = 1, legacy = 0, singletons = 0, factories = 0, definitions = 0 }}\n");
    write(&root.join("ssotlint.toml"), &config);
    let v: Value =
        serde_json::from_str(&stdout(&ssotlint(root, &["report", "--format", "json"]))).unwrap();
    assert_eq!(v["score"]["value"], 80.0);
    assert_eq!(
        v["score"]["formula"],
        "score = (1 x imports + 0 x legacy + 0 x singletons + 0 x factories + 0 x definitions) / 1"
    );
    write(
        &root.join("ssotlint.toml"),
        format!("{CONFIG}\n[report]\nweights = {{ import = 1 }}\n"),
    );
    let out = ssotlint(root, &["report"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("[report] weights: unknown component `import` (known: imports, legacy, singletons, factories, definitions)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn competing_missing_module_and_assignment_shim_imports_are_fragmented() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_files(
        root,
        &[
            ("ssotlint.toml", CONFIG),
            ("app/__init__.py", ""),
            ("app/core/__init__.py", ""),
            ("app/core/engine.py", "class Engine:\n    pass\n"),
            ("app/registry.py", "class Engine:\n    pass\n"),
            (
                "app/shim.py",
                "from app.core import engine as _engine\n\nEngine = _engine.Engine\n",
            ),
            ("app/a.py", "from app.core.engine import Engine\n"),
            ("app/b.py", "from app.deleted_shim import Engine\n"),
            ("app/c.py", "from app.registry import Engine\n"),
            ("app/d.py", "from app.shim import Engine\n"),
        ],
    );
    // A name that is not canonical from a missing module: SSOT005, counted apart.
    write(
        &root.join("app/e.py"),
        "from app.deleted_shim import Engine, helper\n",
    );
    let v: Value =
        serde_json::from_str(&stdout(&ssotlint(root, &["report", "--format", "json"]))).unwrap();
    let sym = &v["symbols"][0];
    let figures: Vec<(&str, Value)> = [
        "imports",
        "canonical",
        "fragmented",
        "re_export",
        "competing",
        "missing_module",
        "unresolved",
        "canonical_share",
    ]
    .into_iter()
    .map(|k| (k, sym[k].clone()))
    .collect();
    assert_eq!(
        figures,
        vec![
            ("imports", 5.into()),
            ("canonical", 1.into()),
            ("fragmented", 4.into()),
            ("re_export", 1.into()),
            ("competing", 1.into()),
            ("missing_module", 2.into()),
            ("unresolved", 0.into()),
            ("canonical_share", 20.0.into()),
        ]
    );
    let md = stdout(&ssotlint(root, &["report", "--format", "markdown"]));
    assert!(
        md.contains(
            "| `app.core.engine.Engine` | 5 | 5 | 1 | 0 | 1 | 0 | 0 | 1 | 2 | 0 | 20.0% |\n"
        ),
        "{md}"
    );
    let text = stdout(&ssotlint(root, &["report"]));
    assert!(
        text.contains("canonical 1, fragmented 4 (legacy module 0, re-export 1, relative 0, alias 0, competing 1, missing module 2), unresolved 0"),
        "{text}"
    );
}

const BASE_CONFIG: &str = r#"
[project]
src = ["."]
first-party = ["app"]

[canonical]
"app.core.engine.Engine" = { legacy-modules = ["app.old_engine"] }
"#;

#[test]
fn baseline_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_files(
        root,
        &[
            ("ssotlint.toml", BASE_CONFIG),
            ("app/__init__.py", ""),
            ("app/core/__init__.py", ""),
            ("app/core/engine.py", "class Engine:\n    pass\n"),
            ("app/old_engine.py", "from app.core.engine import Engine\n"),
            ("app/a.py", "from app.old_engine import Engine\n"),
            ("app/b.py", "import os\nfrom app.old_engine import Engine\n"),
        ],
    );

    let out = ssotlint(root, &["baseline", "-o", "base.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "Wrote 2 violations to base.json.\n");
    let base: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("base.json")).unwrap()).unwrap();
    let entries = base["violations"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["code"], "SSOT001");
    assert_eq!(entries[0]["path"], "app/a.py");
    assert_eq!(
        entries[0]["message"],
        "`Engine` imported from `app.old_engine`; its canonical module is `app.core.engine`"
    );
    assert_eq!(entries[0]["fingerprint"].as_str().unwrap().len(), 16);

    // Unrelated edits shift the flagged lines: nothing new.
    write(
        &root.join("app/a.py"),
        "\"\"\"Doc.\"\"\"\nimport sys\n\n\nfrom app.old_engine import Engine\n",
    );
    write(
        &root.join("app/b.py"),
        "import os\nimport re\n\nfrom app.old_engine import Engine\n",
    );
    let out = ssotlint(
        root,
        &[
            "check",
            "--baseline",
            "base.json",
            "--output-format",
            "concise",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert_eq!(stdout(&out), "All checks passed (6 files).\n");
    assert_eq!(stderr(&out), "");

    // A new violation is reported; fixing one counts it as gone.
    write(
        &root.join("app/c.py"),
        "from app.old_engine import Engine\n",
    );
    write(
        &root.join("app/b.py"),
        "import os\nimport re\n\nfrom app.core.engine import Engine\n",
    );
    let out = ssotlint(
        root,
        &[
            "check",
            "--baseline",
            "base.json",
            "--output-format",
            "concise",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<String> = stdout(&out).lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].starts_with("app/c.py:1:28: SSOT001 "), "{lines:?}");
    assert_eq!(
        stderr(&out),
        "1 baseline entry is gone (tighten the baseline with `ssotlint baseline --prune`).\n"
    );

    // report --baseline against the first baseline: 1 of 3 imports canonical then
    // (old_engine), 2 of 4 now (old_engine, b).
    let out = ssotlint(root, &["report", "--baseline", "base.json"]);
    let text = stdout(&out);
    let line = text
        .lines()
        .find(|l| l.starts_with("canonical share %  "))
        .unwrap_or("");
    assert_eq!(
        line.split_whitespace().collect::<Vec<_>>(),
        ["canonical", "share", "%", "33.3", "50", "+16.7"],
        "{text}"
    );
    let line = text
        .lines()
        .find(|l| l.starts_with("files checked"))
        .unwrap_or("");
    assert_eq!(
        line.split_whitespace().collect::<Vec<_>>(),
        ["files", "checked", "6", "7", "+1"],
        "{text}"
    );

    // --prune drops the gone entry and adds nothing.
    let out = ssotlint(root, &["baseline", "-o", "base.json", "--prune"]);
    assert_eq!(
        stderr(&out),
        "Pruned 1 gone entry from base.json; 1 remain.\n"
    );
    let base: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("base.json")).unwrap()).unwrap();
    assert_eq!(base["violations"].as_array().unwrap().len(), 1);
    assert_eq!(base["violations"][0]["path"], "app/a.py");

    // report --baseline: then → now → change.
    let out = ssotlint(
        root,
        &["report", "--baseline", "base.json", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let row = |name: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["figure"] == name)
            .cloned()
            .unwrap()
    };
    // The pruned baseline stored the figures of its own run: 4 imports, 2 canonical
    // (old_engine, b), 2 from the legacy module (a, c) → 50.0%.
    assert_eq!(
        row("canonical share %"),
        serde_json::json!({"figure": "canonical share %", "then": 50.0, "now": 50.0, "change": 0.0})
    );
    let md = stdout(&ssotlint(
        root,
        &["report", "--baseline", "base.json", "--format", "markdown"],
    ));
    assert!(md.starts_with("| Figure | Then | Now | Change |\n|---|---:|---:|---:|\n| files checked | 7 | 7 | 0 |\n"), "{md}");
}

/// Five commits: commit k has k-1 of 4 users canonical (0, 25, 50, 75, 100 %); a
/// singleton appears in commit 3 and is gone in commit 5.
fn history_repo(root: &Path) {
    git(root, &["init", "-q", "-b", "main"]);
    write_files(
        root,
        &[
            ("ssotlint.toml", BASE_CONFIG),
            ("app/__init__.py", "# app\n"),
            ("app/core/__init__.py", "# core\n"),
            ("app/core/engine.py", "class Engine:\n    pass\n"),
            (
                "app/old_engine.py",
                "# shim\nfrom app.core.engine import Engine\n",
            ),
        ],
    );
    for i in 1..=4 {
        write(
            &root.join(format!("app/u{i}.py")),
            format!("# u{i}\nfrom app.old_engine import Engine\n"),
        );
    }
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "c1"]);
    for k in 2..=5 {
        let i = k - 1;
        write(
            &root.join(format!("app/u{i}.py")),
            format!("# u{i}\nfrom app.core.engine import Engine\n"),
        );
        if k == 3 {
            write(
                &root.join("app/cache.py"),
                "class Cache:\n    def put(self, k, v):\n        self.data[k] = v\n\n\ncache = Cache()\n",
            );
        }
        if k == 5 {
            std::fs::remove_file(root.join("app/cache.py")).unwrap();
        }
        git(root, &["add", "-A"]);
        git(root, &["commit", "-q", "-m", &format!("c{k}")]);
    }
}

#[test]
fn history_reads_git_objects_with_a_blob_cache() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    history_repo(root);
    // The working tree differs from HEAD: history must not read it.
    write(
        &root.join("app/u1.py"),
        "from app.old_engine import Engine\n",
    );
    let out = ssotlint(
        root,
        &[
            "report",
            "--history",
            "5",
            "--format",
            "json",
            "--plot",
            "trend.svg",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let rows = v["rows"].as_array().unwrap();
    let figures: Vec<(f64, u64, u64)> = rows
        .iter()
        .map(|r| {
            (
                r["canonical_share"].as_f64().unwrap(),
                r["singletons"].as_u64().unwrap(),
                r["files"].as_u64().unwrap(),
            )
        })
        .collect();
    // The shim's own import of the canonical module counts as canonical: 1 + (k-1) of 5.
    assert_eq!(
        figures,
        vec![
            (20.0, 0, 8),
            (40.0, 0, 8),
            (60.0, 1, 9),
            (80.0, 1, 9),
            (100.0, 0, 8)
        ]
    );
    assert_eq!(rows[0]["date"], "2024-03-01");
    assert_eq!(rows[4]["summary"], "c5");
    // 8 blobs in c1, then 1 changed file per commit and the singleton file once.
    assert_eq!(v["stats"]["blobs_parsed"], 13);
    assert_eq!(v["stats"]["file_versions"], 42);
    assert_eq!(v["stats"]["commits"], 5);

    let svg = std::fs::read_to_string(root.join("trend.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let polylines: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline"))
        .collect();
    assert_eq!(polylines.len(), 3);
    for p in polylines {
        assert_eq!(p.attribute("points").unwrap().split(' ').count(), 5);
    }

    // --since the second commit: 4 rows; the text table has a header and one line each.
    let out = ssotlint(root, &["report", "--since", "HEAD~3"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5, "{text}");
    assert!(
        lines[0].starts_with("commit      date        files  canonical %"),
        "{text}"
    );
    let md = stdout(&ssotlint(
        root,
        &["report", "--history", "2", "--format", "markdown"],
    ));
    assert_eq!(md.lines().count(), 4, "{md}");
    assert!(
        md.starts_with("| commit | date | files | canonical % |"),
        "{md}"
    );
}

#[test]
fn history_errors_are_clear() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join("app.py"), "");
    let out = ssotlint(root, &["report", "--history", "3"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("error: not a git repository"),
        "{}",
        stderr(&out)
    );
    let out = ssotlint(root, &["report", "--plot", "x.svg"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: --plot needs --history N or --since REV\n"
    );
}

/// The report goes through the check's fast path: with only SSOT301 selected (and
/// SSOT000, which makes every body count, ignored) no rule reads function bodies, so the reducer would blank them; the report's own needles
/// (canonical names, factory methods, `import`) keep the bodies its figures read, so
/// an import and a factory call inside functions still count, with or without the cache.
#[test]
fn the_fast_path_keeps_what_the_figures_read() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        &root.join("ssotlint.toml"),
        r#"
[project]
src = ["."]
first-party = ["app"]

[canonical]
"app.core.Engine" = {}

[factories."app.factory.EngineFactory"]
builds = ["app.core.Engine"]
methods = ["create_instance"]

[lint]
select = ["SSOT301"]
ignore = ["SSOT000"]
"#,
    );
    write_files(
        root,
        &[
            ("app/__init__.py", ""),
            ("app/core.py", "class Engine:\n    pass\n"),
            ("app/factory.py", "class EngineFactory:\n    @staticmethod\n    def create_instance():\n        return None\n"),
            ("app/use.py", "def run():\n    from app.core import Engine\n    return Engine\n\n\ndef build():\n    x = 1\n    return EngineFactory.create_instance()\n"),
        ],
    );
    for extra in [&["--no-cache"][..], &[], &[]] {
        let mut args = vec!["report", "--format", "json"];
        args.extend_from_slice(extra);
        let out = ssotlint(root, &args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(v["imports"]["canonical"], 1, "{extra:?}");
        assert_eq!(v["imports"]["imports"], 1);
        assert_eq!(v["factories"]["via_factory"], 1);
    }
}
