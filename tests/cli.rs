//! The `ssotlint` binary run as a process on temp trees: exit codes, every output format
//! (golden), config errors, bad files and rule documentation.

mod common;

use common::{read, ssotlint, ssotlint_stdin, stderr, stdout, write};

use std::path::PathBuf;
use std::process::Command;

const CONFIG: &str = "\
[canonical]
\"app.core.Engine\" = { legacy-modules = [\"app.old\"] }
";

/// A small project: one fragmented import, one unresolved first-party import.
fn project() -> tempfile::TempDir {
    common::project(&[
        ("ssotlint.toml", CONFIG),
        ("app/__init__.py", ""),
        ("app/core.py", "class Engine:\n    pass\n"),
        ("app/old.py", "from app.core import Engine\n"),
        (
            "app/use.py",
            "from app.old import Engine\nimport app.missing\n",
        ),
    ])
}

#[test]
fn concise_output_and_exit_code_one() {
    let dir = project();
    let out = ssotlint(dir.path(), &["check", "--output-format", "concise"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "\
app/use.py:1:21: SSOT001 `Engine` imported from `app.old`; its canonical module is `app.core`
app/use.py:2:8: SSOT005 first-party module `app.missing` is imported but no file provides it
Found 2 diagnostics in 1 file (4 checked).
"
    );
}

#[test]
fn full_output_has_a_code_frame() {
    let dir = project();
    let out = ssotlint(
        dir.path(),
        &["check", "--output-format", "full", "app/use.py"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "\
app/use.py:1:21: SSOT001 `Engine` imported from `app.old`; its canonical module is `app.core`
  |
1 | from app.old import Engine
  |                     ^^^^^^ SSOT001
  |
  = fix: Import from `app.core`

app/use.py:2:8: SSOT005 first-party module `app.missing` is imported but no file provides it
  |
2 | import app.missing
  |        ^^^^^^^^^^^ SSOT005

Found 2 diagnostics in 1 file (1 checked).
"
    );
}

#[test]
fn json_output_is_ruff_compatible() {
    let dir = project();
    let out = ssotlint(dir.path(), &["check", "--output-format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let root = dir.path().canonicalize().expect("canonical");
    let text = stdout(&out).replace(&root.to_string_lossy().to_string(), "<root>");
    let value: serde_json::Value = serde_json::from_str(&text).expect("json");
    let expected = serde_json::json!([
        {
            "cell": null,
            "code": "SSOT001",
            "name": "fragmented-import",
            "message": "`Engine` imported from `app.old`; its canonical module is `app.core`",
            "severity": "warning",
            "filename": "<root>/app/use.py",
            "location": {"row": 1, "column": 21},
            "end_location": {"row": 1, "column": 27},
            "fix": value[0]["fix"].clone(),
            "noqa_row": 1,
            "url": "https://github.com/ssotlint/ssotlint/blob/main/docs/rules.md#ssot001"
        },
        {
            "cell": null,
            "code": "SSOT005",
            "name": "unresolved-first-party-import",
            "message": "first-party module `app.missing` is imported but no file provides it",
            "severity": "warning",
            "filename": "<root>/app/use.py",
            "location": {"row": 2, "column": 8},
            "end_location": {"row": 2, "column": 19},
            "fix": null,
            "noqa_row": 2,
            "url": "https://github.com/ssotlint/ssotlint/blob/main/docs/rules.md#ssot005"
        }
    ]);
    assert_eq!(value, expected);
}

#[test]
fn github_annotations() {
    let dir = project();
    let out = ssotlint(dir.path(), &["check", "--output-format", "github"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "\
::warning title=ssotlint (SSOT001),file=app/use.py,line=1,col=21,endLine=1,endColumn=27::app/use.py:1:21: SSOT001 `Engine` imported from `app.old`; its canonical module is `app.core`
::warning title=ssotlint (SSOT005),file=app/use.py,line=2,col=8,endLine=2,endColumn=19::app/use.py:2:8: SSOT005 first-party module `app.missing` is imported but no file provides it
"
    );
}

#[test]
fn junit_and_gitlab_outputs() {
    let dir = project();
    let out = ssotlint(
        dir.path(),
        &["check", "--output-format", "junit", "--select", "SSOT005"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="ssotlint" tests="1" failures="1" errors="0">
  <testsuite name="app/use.py" tests="1" failures="1" errors="0">
    <testcase name="org.ssotlint.SSOT005" classname="app/use.py" line="2" column="8">
      <failure message="first-party module `app.missing` is imported but no file provides it">line 2, col 8, first-party module `app.missing` is imported but no file provides it</failure>
    </testcase>
  </testsuite>
</testsuites>
"#
    );
    let out = ssotlint(dir.path(), &["check", "--output-format", "gitlab"]);
    let value = common::json(&out);
    assert_eq!(value[0]["check_name"], "SSOT001");
    assert_eq!(value[0]["severity"], "major");
    assert_eq!(value[0]["location"]["path"], "app/use.py");
    assert_eq!(value[0]["location"]["lines"]["begin"], 1);
    assert_eq!(value[0]["fingerprint"].as_str().map(str::len), Some(16));
    // Fingerprints are stable across runs.
    let again = ssotlint(dir.path(), &["check", "--output-format", "gitlab"]);
    assert_eq!(stdout(&out), stdout(&again));
}

#[test]
fn sarif_output_is_valid_against_the_schema() {
    let dir = project();
    let out = ssotlint(dir.path(), &["check", "--output-format", "sarif"]);
    assert_eq!(out.status.code(), Some(1));
    let value = common::json(&out);
    let results = &value["runs"][0]["results"];
    assert_eq!(results[0]["ruleId"], "SSOT001");
    assert_eq!(results[0]["level"], "warning");
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["region"],
        serde_json::json!({"startLine": 1, "startColumn": 21, "endLine": 1, "endColumn": 27})
    );
    assert_eq!(results[1]["ruleId"], "SSOT005");
    let sarif = dir.path().join("out.sarif");
    std::fs::write(&sarif, &out.stdout).expect("write sarif");
    let validator = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/sarif");
    assert!(
        validator.join("node_modules").is_dir(),
        "run `npm ci --prefix tests/sarif` first (scripts/test.sh does)"
    );
    let check = Command::new("node")
        .arg(validator.join("validate.js"))
        .arg(&sarif)
        .output()
        .expect("node");
    assert!(check.status.success(), "{}", stderr(&check));
}

#[test]
fn select_ignore_and_statistics() {
    let dir = project();
    let out = ssotlint(dir.path(), &["check", "--select", "SSOT005", "-q"]);
    assert_eq!(
        stdout(&out),
        "app/use.py:2:8: SSOT005 first-party module `app.missing` is imported but no file provides it\n"
    );
    let out = ssotlint(dir.path(), &["check", "--ignore", "SSOT0"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "All checks passed (4 files).\n");
    let out = ssotlint(dir.path(), &["check", "--statistics"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "1\tSSOT001\t[ ] fragmented-import\n1\tSSOT005\t[ ] unresolved-first-party-import\n"
            .replace(
                "[ ] fragmented",
                if stdout(&out).contains("[*] fragmented") {
                    "[*] fragmented"
                } else {
                    "[ ] fragmented"
                }
            )
    );
    let out = ssotlint(dir.path(), &["check", "--select", "BOGUS1"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: --select: unknown rule code or prefix `BOGUS1`\n"
    );
}

#[test]
fn clean_tree_exits_zero() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(&dir.path().join("ok.py"), "import os\n");
    let out = ssotlint(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "All checks passed (1 files).\n");
}

fn config_error(config: &str) -> (Option<i32>, String) {
    let dir = project();
    write(&dir.path().join("ssotlint.toml"), config);
    let out = ssotlint(dir.path(), &["check"]);
    assert!(out.stdout.is_empty(), "nothing on stdout: {}", stdout(&out));
    let root = dir.path().canonicalize().expect("canonical");
    let err = stderr(&out)
        .replace(&root.to_string_lossy().to_string(), "<root>")
        .replace(&dir.path().to_string_lossy().to_string(), "<root>");
    (out.status.code(), err)
}

#[test]
fn config_errors_name_file_key_and_line() {
    let (code, err) = config_error("[project]\nsrc = [\".\"]\nbogus = 1\n");
    assert_eq!(code, Some(2));
    assert!(err.starts_with("error: <root>/ssotlint.toml:3: "), "{err}");
    assert!(err.contains("`bogus`"), "{err}");

    let (code, err) = config_error("[lint]\nignore = \"SSOT001\"\n");
    assert_eq!(code, Some(2));
    assert!(
        err.starts_with("error: <root>/ssotlint.toml:2: key `ignore`"),
        "{err}"
    );

    let (code, err) = config_error("[project]\nexclude = [\"a/[b\"]\n");
    assert_eq!(code, Some(2));
    assert!(
        err.starts_with(
            "error: <root>/ssotlint.toml:2: key `project.exclude`: invalid glob `a/[b`"
        ),
        "{err}"
    );

    let (code, err) = config_error("[canonical]\n\"Engine\" = {}\n");
    assert_eq!(code, Some(2));
    assert!(
        err.contains("ssotlint.toml:2: key `canonical`: `Engine` is not a qualified name"),
        "{err}"
    );

    let (code, err) = config_error("[lint\nselect = []\n");
    assert_eq!(code, Some(2));
    assert!(err.starts_with("error: <root>/ssotlint.toml:1: "), "{err}");
}

#[test]
fn unreadable_config_and_missing_paths_exit_two() {
    let dir = project();
    let out = ssotlint(dir.path(), &["check", "--config", "nope.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("nope.toml: cannot read config"),
        "{}",
        stderr(&out)
    );
    let out = ssotlint(dir.path(), &["check", "--config", "app"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot read config"),
        "{}",
        stderr(&out)
    );
    let out = ssotlint(dir.path(), &["check", "missing_dir"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("error: missing_dir: cannot read:"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("panicked"));
}

#[test]
fn binary_and_non_utf8_files_are_skipped_with_one_warning() {
    let dir = project();
    write(&dir.path().join("app/bin.py"), b"import os\0\x01\x02");
    write(
        &dir.path().join("app/latin.py"),
        b"# -*- coding: latin-1 -*-\nname = '\xe9'\n",
    );
    write(&dir.path().join("app/empty.py"), "");
    let out = ssotlint(dir.path(), &["check", "--output-format", "concise", "-q"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "warning: app/bin.py: binary file (NUL byte at offset 9); skipped\n\
         warning: app/latin.py: not valid UTF-8 (at byte offset 34); skipped\n"
    );
    assert_eq!(stdout(&out).lines().count(), 2);
}

#[test]
fn pyproject_and_dot_config_are_found_upward() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        &root.join("pyproject.toml"),
        "[project]\nname = \"x\"\n\n[tool.ssotlint.legacy-modules]\n\"pkg.old\" = \"pkg.new\"\n",
    );
    write(&root.join("pkg/__init__.py"), "");
    write(&root.join("pkg/new.py"), "");
    write(&root.join("pkg/sub/use.py"), "import pkg.old\n");
    let out = ssotlint(
        &root.join("pkg/sub"),
        &["check", "--select", "SSOT003", "-q"],
    );
    assert_eq!(
        stdout(&out),
        "use.py:1:8: SSOT003 legacy module `pkg.old` imported; use `pkg.new`\n"
    );
    // A nearer `.ssotlint.toml` wins over the pyproject above it.
    write(
        &root.join("pkg/.ssotlint.toml"),
        "[legacy-modules]\n\"pkg.new\" = \"pkg.newer\"\n",
    );
    let out = ssotlint(
        &root.join("pkg/sub"),
        &["check", "--select", "SSOT003", "-q"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn rule_documentation() {
    let dir = project();
    let out = ssotlint(dir.path(), &["rule", "SSOT001"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        text.starts_with("# fragmented-import (SSOT001)\n"),
        "{text}"
    );
    for section in [
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## Fix",
    ] {
        assert!(text.contains(section), "{section} in {text}");
    }
    let out = ssotlint(dir.path(), &["rules"]);
    assert!(stdout(&out)
        .lines()
        .any(|l| l.starts_with("SSOT005  unresolved-first-party-import")));
    let out = ssotlint(dir.path(), &["rule", "SSOT999"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn files_outside_the_source_roots_are_not_judged_for_first_party_imports() {
    // No config: the source root is the working directory, whose `app` package does not
    // say anything about a tree checked elsewhere.
    let here = tempfile::tempdir().expect("tempdir");
    write(&here.path().join("app/__init__.py"), "");
    let elsewhere = tempfile::tempdir().expect("tempdir");
    write(&elsewhere.path().join("app/__init__.py"), "");
    write(&elsewhere.path().join("app/use.py"), "import app.missing\n");
    let target = elsewhere.path().to_string_lossy().to_string();
    let out = ssotlint(here.path(), &["check", "-q", &target]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let out = ssotlint(elsewhere.path(), &["check", "-q"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "app/use.py:1:8: SSOT005 first-party module `app.missing` is imported but no file provides it\n"
    );
}

const USE_PY: &str = "from app.old import Engine\nimport app.missing\n";
const SSOT001: &str = "app/use.py:1:21: SSOT001 `Engine` imported from `app.old`; its canonical module is `app.core`\n";
const SSOT005: &str = "app/use.py:2:8: SSOT005 first-party module `app.missing` is imported but no file provides it\n";

#[test]
fn syntax_errors_are_diagnostics_that_noqa_cannot_hide() {
    let dir = project();
    let root = dir.path();
    write(
        &root.join("bad.py"),
        "def f(:  # noqa\n    pass\n\nx = = 1\n",
    );
    let expected = "\
bad.py:1:7: SSOT000 syntax error: a token is missing here
bad.py:4:5: SSOT000 syntax error: unexpected `=`
";
    let out = ssotlint(root, &["check", "--output-format", "concise", "bad.py"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!("{expected}Found 2 diagnostics in 1 file (1 checked).\n")
    );
    // A selection meant for other rules does not hide a broken file (as in ruff) …
    let out = ssotlint(root, &["check", "--select", "SSOT101", "-q", "bad.py"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), expected);
    // … nor a prefix in per-file-ignores; only the code itself turns it off.
    write(
        &root.join("ssotlint.toml"),
        format!("{CONFIG}[lint]\nper-file-ignores = {{ \"bad.py\" = [\"SSOT\"] }}\n"),
    );
    let out = ssotlint(root, &["check", "-q", "bad.py"]);
    assert_eq!(stdout(&out), expected);
    let out = ssotlint(root, &["check", "--ignore", "SSOT000", "bad.py"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "All checks passed (1 files).\n");
    // Severity error in machine output too.
    let out = ssotlint(root, &["check", "--output-format", "json", "bad.py"]);
    let value = common::json(&out);
    assert_eq!(value[0]["code"], "SSOT000");
    assert_eq!(value[0]["name"], "invalid-syntax");
    assert_eq!(value[0]["severity"], "error");
}

#[test]
fn exit_zero_extend_select_and_extend_ignore() {
    let dir = project();
    let out = ssotlint(dir.path(), &["check", "--exit-zero", "-q"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), format!("{SSOT001}{SSOT005}"));
    let out = ssotlint(dir.path(), &["check", "--config", "bad = 1", "--exit-zero"]);
    assert_eq!(out.status.code(), Some(2), "failures still exit 2");
    let out = ssotlint(
        dir.path(),
        &[
            "check",
            "-q",
            "--select",
            "SSOT005",
            "--extend-select",
            "SSOT001",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), format!("{SSOT001}{SSOT005}"));
    let out = ssotlint(dir.path(), &["check", "-q", "--extend-ignore", "SSOT005"]);
    assert_eq!(stdout(&out), SSOT001);
    let out = ssotlint(dir.path(), &["check", "--extend-select", "NOPE1"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: --extend-select: unknown rule code or prefix `NOPE1`\n"
    );
}

#[test]
fn fix_with_diff_shows_the_diff_and_writes_nothing() {
    let dir = project();
    let out = ssotlint(dir.path(), &["check", "--fix", "--diff"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "\
--- a/app/use.py
+++ b/app/use.py
@@ -1,2 +1,2 @@
-from app.old import Engine
+from app.core import Engine
 import app.missing
"
    );
    assert_eq!(stderr(&out), "Would fix 1, 1 left\n");
    assert_eq!(read(&dir.path().join("app/use.py")), USE_PY);
}

#[test]
fn stdin_is_linted_as_the_named_file_with_its_config() {
    let dir = project();
    // Started outside the project: the config is found from the stdin file name.
    let parent = dir.path().parent().expect("parent");
    let name = dir.path().file_name().expect("name").to_string_lossy();
    let file = format!("{name}/app/use.py");
    let out = ssotlint_stdin(
        parent,
        &[
            "check",
            "-",
            "--stdin-filename",
            &file,
            "--output-format",
            "concise",
        ],
        USE_PY,
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "{}{}Found 2 diagnostics in 1 file (1 checked).\n",
            SSOT001.replace("app/use.py", &file),
            SSOT005.replace("app/use.py", &file)
        )
    );
    // `--fix`: the fixed text on stdout, what is left on stderr, nothing written.
    let out = ssotlint_stdin(
        dir.path(),
        &["check", "--fix", "--stdin-filename", "app/use.py", "-"],
        USE_PY,
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "from app.core import Engine\nimport app.missing\n"
    );
    assert_eq!(stderr(&out), format!("{SSOT005}Fixed 1, 1 left\n"));
    assert_eq!(read(&dir.path().join("app/use.py")), USE_PY);
    let out = ssotlint_stdin(
        dir.path(),
        &["check", "--fix-only", "--stdin-filename", "app/use.py", "-"],
        USE_PY,
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        "from app.core import Engine\nimport app.missing\n"
    );
    let out = ssotlint_stdin(
        dir.path(),
        &["check", "--stdin-filename", "app/use.py", "-"],
        "from app.core import Engine\n",
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "All checks passed (1 files).\n");
}

#[test]
fn output_file_gets_the_report() {
    let dir = project();
    let out = ssotlint(
        dir.path(),
        &["check", "--output-format", "concise", "-o", "report.txt"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        read(&dir.path().join("report.txt")),
        format!("{SSOT001}{SSOT005}Found 2 diagnostics in 1 file (4 checked).\n")
    );
    let out = ssotlint(dir.path(), &["check", "--output-file", "no/such/dir/r.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("error: cannot write output:"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn show_fixes_lists_fixes_available_and_applied() {
    let dir = project();
    let out = ssotlint(dir.path(), &["check", "--show-fixes", "-q"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        format!("{SSOT001}{SSOT005}Fixable with `--fix`:\n- app/use.py:\n    1 × SSOT001 (fragmented-import)\n")
    );
    let out = ssotlint(dir.path(), &["check", "--fix", "--show-fixes"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        format!("{SSOT005}Fixed 1, 1 left\nFixed 1 diagnostic:\n- app/use.py:\n    1 × SSOT001 (fragmented-import)\n")
    );
    let out = ssotlint(dir.path(), &["check", "--fix", "--show-fixes", "-q"]);
    assert_eq!(stdout(&out), format!("{SSOT005}No diagnostics fixed.\n"));
}

#[test]
fn fix_only_fixes_and_reports_nothing_else() {
    let dir = project();
    let out = ssotlint(dir.path(), &["check", "--fix-only"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "Fixed 1 diagnostic.\n");
    assert_eq!(
        read(&dir.path().join("app/use.py")),
        "from app.core import Engine\nimport app.missing\n"
    );
    let out = ssotlint(dir.path(), &["check", "--fix-only"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "Fixed 0 diagnostics.\n");
}

#[test]
fn exclude_and_extend_exclude() {
    let dir = project();
    write(
        &dir.path().join("ssotlint.toml"),
        format!("{CONFIG}[project]\nexclude = [\"app/old.py\"]\n"),
    );
    let out = ssotlint(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).ends_with("(3 checked).\n"), "{}", stdout(&out));
    let out = ssotlint(dir.path(), &["check", "--extend-exclude", "app/use.py"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "All checks passed (2 files).\n");
    // `--exclude` replaces the config's list.
    let out = ssotlint(dir.path(), &["check", "--exclude", "app/use.py"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "All checks passed (3 files).\n");
    let out = ssotlint(dir.path(), &["check", "--exclude", "app"]);
    assert_eq!(stdout(&out), "All checks passed (0 files).\n");
    let out = ssotlint(dir.path(), &["check", "--exclude", "a/[b"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("invalid glob `a/[b`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn config_overrides_use_the_config_key_paths() {
    let dir = project();
    let out = ssotlint(
        dir.path(),
        &["check", "-q", "--config", "lint.ignore = ['SSOT005']"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(stdout(&out), SSOT001);
    // An override wins over the file and merges with it key by key.
    let out = ssotlint(
        dir.path(),
        &[
            "check",
            "-q",
            "--config",
            "ssotlint.toml",
            "--config",
            "lint.select = ['SSOT005']",
        ],
    );
    assert_eq!(stdout(&out), SSOT005);
    // Without any config file the overrides are the config.
    std::fs::remove_file(dir.path().join("ssotlint.toml")).expect("rm");
    let out = ssotlint(dir.path(), &["check", "-q"]);
    assert_eq!(stdout(&out), SSOT005);
    let out = ssotlint(
        dir.path(),
        &[
            "check",
            "-q",
            "--config",
            "canonical.'app.core.Engine'.legacy-modules = ['app.old']",
        ],
    );
    assert_eq!(stdout(&out), format!("{SSOT001}{SSOT005}"));
    for (arg, message) in [
        (
            "lint.bogus = 1",
            "error: --config `lint.bogus = 1`: unknown field `bogus`, expected one of `select`, `ignore`, `per-file-ignores`, `severity`\n",
        ),
        (
            "lint.ignore = ['XX']",
            "error: --config `lint.ignore = ['XX']`: key `lint.ignore`: unknown rule code or prefix `XX`\n",
        ),
        (
            "project.src = 3",
            "error: --config `project.src = 3`: invalid type: integer `3`, expected a sequence\n",
        ),
        ("a = [", "error: --config `a = [`: unclosed array, expected `]`\n"),
    ] {
        let out = ssotlint(dir.path(), &["check", "--config", arg]);
        assert_eq!(out.status.code(), Some(2), "{arg}");
        assert_eq!(stderr(&out), message);
    }
}

#[test]
fn add_noqa_silences_each_flagged_line_and_keeps_existing_codes() {
    let dir = project();
    let file = dir.path().join("app/use.py");
    write(
        &file,
        "from app.old import Engine  # noqa: SSOT999 keep me\nimport app.missing\nDOC = \"\"\"\nfrom app.old import Engine\n\"\"\"\nengine = Engine()\n",
    );
    let out = ssotlint(dir.path(), &["check", "--add-noqa"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "Added 2 noqa directives.\n");
    // `Engine` holds no state, so `engine` is no singleton and gets no directive.
    assert_eq!(
        read(&file),
        "from app.old import Engine  # noqa: SSOT999, SSOT001 keep me\nimport app.missing  # noqa: SSOT005\nDOC = \"\"\"\nfrom app.old import Engine\n\"\"\"\nengine = Engine()\n"
    );
    let out = ssotlint(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let out = ssotlint(dir.path(), &["check", "--add-noqa"]);
    assert_eq!(stdout(&out), "Added 0 noqa directives.\n");
}

#[test]
fn verbose_says_config_files_and_time_on_stderr() {
    let dir = project();
    let root = dir.path().canonicalize().expect("canonical");
    let out = ssotlint(dir.path(), &["check", "-v", "-q"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), format!("{SSOT001}{SSOT005}"));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines[..6],
        [
            format!("[ssotlint] config: {}/ssotlint.toml", root.display()).as_str(),
            "[ssotlint] checking app/__init__.py",
            "[ssotlint] checking app/core.py",
            "[ssotlint] checking app/old.py",
            "[ssotlint] checking app/use.py",
            "[ssotlint] 4 files",
        ]
    );
    assert!(lines[6].starts_with("[ssotlint] done in "), "{err}");
    assert_eq!(lines.len(), 7);
}

#[test]
fn show_settings_prints_the_resolved_settings() {
    let dir = project();
    let root = dir.path().canonicalize().expect("canonical");
    let out = ssotlint(
        dir.path(),
        &[
            "check",
            "--show-settings",
            "--config",
            "lint.ignore = ['SSOT1']",
            "app/use.py",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r = root.display();
    assert_eq!(
        stdout(&out),
        format!(
            "\
Resolved settings for: app/use.py
config file: {r}/ssotlint.toml
root: {r}
project.src: [\"{r}\"]
project.first-party: [\"app\"] (found under src)
lint.select: [\"SSOT\"]
lint.ignore: [\"SSOT1\"]
enabled rules:
  SSOT000 invalid-syntax (error)
  SSOT001 fragmented-import (warning)
  SSOT002 aliased-import (warning)
  SSOT003 legacy-module-import (warning)
  SSOT004 legacy-path-string (warning)
  SSOT005 unresolved-first-party-import (warning)
  SSOT201 factory-bypass (warning)
  SSOT202 factory-contract (warning)
  SSOT301 competing-definition (warning)
configuration (with --config overrides):
[canonical.\"app.core.Engine\"]
legacy-modules = [\"app.old\"]

[lint]
ignore = [\"SSOT1\"]
"
        )
    );
}

#[test]
fn sarif_uris_and_gitlab_paths_do_not_depend_on_the_working_directory() {
    let dir = project();
    let root = dir.path().canonicalize().expect("canonical");
    common::git(dir.path(), &["init", "-q", "."]);
    let uri = format!("file://{}/app/use.py", root.display());
    for (cwd, path) in [
        (dir.path().to_path_buf(), "app/use.py"),
        (dir.path().join("app"), "use.py"),
    ] {
        let out = ssotlint(&cwd, &["check", "--output-format", "sarif", path]);
        let value = common::json(&out);
        let result = &value["runs"][0]["results"][0];
        assert_eq!(
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            uri.as_str()
        );
        assert_eq!(
            result["fixes"][0]["artifactChanges"][0]["artifactLocation"]["uri"],
            uri.as_str()
        );
        let out = ssotlint(&cwd, &["check", "--output-format", "gitlab", path]);
        let value = common::json(&out);
        assert_eq!(value[0]["location"]["path"], "app/use.py");
    }
    let out = common::command()
        .args(["check", "--output-format", "gitlab", "use.py"])
        .current_dir(dir.path().join("app"))
        .env("CI_PROJECT_DIR", dir.path().join("app"))
        .output()
        .expect("run");
    let value = common::json(&out);
    assert_eq!(value[0]["location"]["path"], "use.py");
}

#[test]
fn a_space_in_a_path_is_percent_encoded_in_sarif() {
    let dir = project();
    let root = dir.path().canonicalize().expect("canonical");
    write(
        &dir.path().join("my app/x.py"),
        "from app.old import Engine\n",
    );
    let out = ssotlint(
        dir.path(),
        &["check", "--output-format", "sarif", "my app/x.py"],
    );
    let value = common::json(&out);
    assert_eq!(
        value["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
            ["uri"],
        format!("file://{}/my%20app/x.py", root.display()).as_str()
    );
}

/// Kills the watched process however the test ends.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn watch_checks_again_when_a_file_changes() {
    use std::io::{BufRead, BufReader};
    let dir = project();
    let mut child = KillOnDrop(
        common::command()
            .args(["check", "--watch", "--output-format", "concise"])
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn"),
    );
    let stdout = child.0.stdout.take().expect("stdout");
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if send.send(line.expect("line")).is_err() {
                break;
            }
        }
    });
    // A generous bound so a broken watcher fails the test instead of hanging it.
    let next_report = || -> Vec<String> {
        let mut report = Vec::new();
        loop {
            match receive.recv_timeout(std::time::Duration::from_secs(120)) {
                Ok(line) if line.ends_with("] Watching for file changes.") => return report,
                Ok(line) => report.push(line),
                Err(e) => panic!("no report from watch mode ({e}): {report:?}"),
            }
        }
    };
    let first = next_report();
    assert_eq!(first.len(), 4, "{first:?}");
    assert!(
        first[0].ends_with("] Starting linter in watch mode..."),
        "{first:?}"
    );
    assert_eq!(
        first[1..],
        [
            SSOT001.trim_end(),
            SSOT005.trim_end(),
            "Found 2 diagnostics in 1 file (4 checked)."
        ]
    );
    write(
        &dir.path().join("app/use.py"),
        "from app.core import Engine\n",
    );
    let second = next_report();
    assert_eq!(second.len(), 2, "{second:?}");
    assert!(
        second[0].ends_with("] File change detected..."),
        "{second:?}"
    );
    assert_eq!(second[1], "All checks passed (4 files).");
}

#[test]
fn legacy_module_cycles_are_config_errors() {
    let cases = [
        (
            "[legacy-modules]\n\"a\" = \"b\"\n\"b\" = \"a\"\n",
            "error: <root>/ssotlint.toml:2: key `legacy-modules.\"a\"`: the moves go round in a cycle (a → b → a); fixes would never settle\n",
        ),
        (
            "[legacy-modules]\n\"x\" = \"y\"\n\"a\" = \"b\"\n\"b\" = \"c\"\n\"c\" = \"a\"\n",
            "error: <root>/ssotlint.toml:3: key `legacy-modules.\"a\"`: the moves go round in a cycle (a → b → c → a); fixes would never settle\n",
        ),
        (
            "[legacy-modules]\n\"a.b\" = \"a.b\"\n",
            "error: <root>/ssotlint.toml:2: key `legacy-modules.\"a.b\"`: the moves go round in a cycle (a.b → a.b); fixes would never settle\n",
        ),
        (
            "[legacy-modules]\n\"a\" = \"a.compat\"\n",
            "error: <root>/ssotlint.toml:2: key `legacy-modules.\"a\"`: the moves go round in a cycle (a → a.compat); fixes would never settle\n",
        ),
    ];
    for (config, expected) in cases {
        let (code, err) = config_error(config);
        assert_eq!(code, Some(2), "{config}");
        assert_eq!(err, expected);
    }
    // A chain that ends is fine: `a → b → c`, and `b.x` moving back under `a` ends at `b`.
    let dir = project();
    write(
        &dir.path().join("ssotlint.toml"),
        "[legacy-modules]\n\"a\" = \"b\"\n\"b\" = \"c\"\n\"b.x\" = \"a\"\n",
    );
    let out = ssotlint(dir.path(), &["check", "--output-format", "concise", "-q"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
}

#[test]
fn files_over_max_file_size_are_skipped_with_a_warning() {
    let dir = project();
    write(
        &dir.path().join("ssotlint.toml"),
        format!("{CONFIG}\n[project]\nmax-file-size = \"1KB\"\n"),
    );
    let big = format!("from app.old import Engine\n{}", "x = 1\n".repeat(200));
    write(&dir.path().join("app/big.py"), &big);
    let out = ssotlint(dir.path(), &["check", "--output-format", "concise", "-q"]);
    assert_eq!(
        stderr(&out),
        "warning: app/big.py: 1227 bytes, over max-file-size (1000 bytes); skipped\n"
    );
    assert_eq!(
        stdout(&out),
        "\
app/use.py:1:21: SSOT001 `Engine` imported from `app.old`; its canonical module is `app.core`
app/use.py:2:8: SSOT005 first-party module `app.missing` is imported but no file provides it
"
    );
    assert_eq!(out.status.code(), Some(1));
    let out = ssotlint(dir.path(), &["check", "--fix", "app/big.py"]);
    assert_eq!(
        stderr(&out),
        "warning: app/big.py: 1227 bytes, over max-file-size (1000 bytes); skipped\n"
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("app/big.py")).unwrap(),
        big
    );
    // Bytes as a number; the default (4 MiB) lets the file through.
    write(
        &dir.path().join("ssotlint.toml"),
        format!("{CONFIG}\n[project]\nmax-file-size = 1227\n"),
    );
    let out = ssotlint(dir.path(), &["check", "--output-format", "concise", "-q"]);
    assert_eq!(
        (stderr(&out).as_str(), stdout(&out).lines().count()),
        ("", 3)
    );

    let (code, err) = config_error("[project]\nmax-file-size = \"4 XB\"\n");
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        "error: <root>/ssotlint.toml:2: key `project.max-file-size`: `4 XB` is not a size (bytes, or a number with B, KB, MB, GB, KiB, MiB or GiB)\n"
    );
}

/// Nesting deeper than anything CPython compiles (10k brackets, a 9k-term chain, 100k
/// attributes) used to overflow the stack in recursive walks and abort the process:
/// now such files are checked like any other, next to the rest of the tree.
#[test]
fn deeply_nested_files_do_not_abort_the_check() {
    let dir = project();
    let root = dir.path();
    write(
        &root.join("app/brackets.py"),
        format!(
            "x = {}{}\nfrom app.old import Engine\n",
            "[".repeat(10_000),
            "]".repeat(10_000)
        ),
    );
    write(
        &root.join("app/chain.py"),
        format!("x = {}\n", vec!["a"; 9_000].join("+")),
    );
    write(
        &root.join("app/attributes.py"),
        format!("x = a{}\n", ".b".repeat(100_000)),
    );
    write(
        &root.join("app/fstrings.py"),
        format!("x = {}a{}\n", "f\"{".repeat(3_000), "}\"".repeat(3_000)),
    );
    let mut nested = String::new();
    for depth in 0..1_500 {
        nested.push_str(&format!("{}if a:\n", "\t".repeat(depth)));
    }
    nested.push_str(&format!(
        "{}from app.old import Engine\n",
        "\t".repeat(1_500)
    ));
    write(&root.join("app/indented.py"), nested);
    let out = ssotlint(root, &["check", "--output-format", "concise"]);
    assert_eq!(stderr(&out), "");
    assert_eq!(
        stdout(&out),
        "\
app/brackets.py:2:21: SSOT001 `Engine` imported from `app.old`; its canonical module is `app.core`
app/fstrings.py:1:1: SSOT000 syntax error: unexpected `x`
app/indented.py:1:1: SSOT000 syntax error: unexpected `if`
app/indented.py:1501:1521: SSOT001 `Engine` imported from `app.old`; its canonical module is `app.core`
app/use.py:1:21: SSOT001 `Engine` imported from `app.old`; its canonical module is `app.core`
app/use.py:2:8: SSOT005 first-party module `app.missing` is imported but no file provides it
Found 6 diagnostics in 4 files (9 checked).
"
    );
    assert_eq!(out.status.code(), Some(1));
    // tree-sitter's indentation stack stops past ~1,000 levels (CPython's at 100): the
    // parse has errors there, so that file is not touched.
    let out = ssotlint(root, &["check", "--fix", "--output-format", "concise"]);
    assert_eq!(stderr(&out), "");
    assert_eq!(
        stdout(&out),
        "\
app/fstrings.py:1:1: SSOT000 syntax error: unexpected `x`
app/indented.py:1:1: SSOT000 syntax error: unexpected `if`
app/indented.py:1501:1521: SSOT001 `Engine` imported from `app.old`; its canonical module is `app.core`
app/use.py:2:8: SSOT005 first-party module `app.missing` is imported but no file provides it
Fixed 2, 4 left
"
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(std::fs::read_to_string(root.join("app/brackets.py"))
        .unwrap()
        .ends_with("]\nfrom app.core import Engine\n"));
    let out = ssotlint(root, &["report", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// `report --history --config pyproject.toml` where the file has no `[tool.ssotlint]`:
/// the defaults, as `report` and `check` take it (history used to refuse it).
#[test]
fn history_takes_a_pyproject_without_section_as_the_defaults() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(&root.join("pyproject.toml"), "[project]\nname = 'x'\n");
    write(&root.join("app/__init__.py"), "");
    write(&root.join("app/core.py"), "class Engine:\n    pass\n");
    for args in [
        &["init", "-q", "-b", "main"][..],
        &["add", "-A"],
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "commit",
            "-q",
            "-m",
            "one",
        ],
    ] {
        let out = Command::new("git")
            .args(args)
            .current_dir(root)
            .output()
            .expect("git");
        assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
    }
    let with_config = ssotlint(
        root,
        &["report", "--history", "1", "--config", "pyproject.toml"],
    );
    assert_eq!(
        with_config.status.code(),
        Some(0),
        "{}",
        stderr(&with_config)
    );
    let without = ssotlint(root, &["report", "--history", "1"]);
    assert_eq!(without.status.code(), Some(0), "{}", stderr(&without));
    assert_eq!(stdout(&with_config), stdout(&without));
    assert_eq!(
        stdout(&with_config).lines().count(),
        2,
        "{}",
        stdout(&with_config)
    );
}
