//! `--fix`, `--unsafe-fixes`, `--diff` end to end: exact fixed texts, what is kept
//! byte-for-byte, and CPython agreeing that every fixed file still compiles.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const CONFIG: &str = r#"
[canonical]
"pkg.core.engine.UserExecutionEngine" = { legacy-modules = ["pkg.old", "pkg.sub.old"], legacy-names = ["ExecutionEngine"] }
"collections.abc.Mapping" = { legacy-modules = ["typing"] }
"collections.abc.Sequence" = { legacy-modules = ["typing"] }
"collections.abc.Iterable" = { legacy-modules = ["typing"] }

[legacy-modules]
"pkg.legacy" = "pkg.modern.mod"
"#;

struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    fn new() -> Project {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("ssotlint.toml"), CONFIG).unwrap();
        for d in ["pkg", "pkg/sub", "pkg/core"] {
            fs::create_dir_all(dir.path().join(d)).unwrap();
            fs::write(dir.path().join(d).join("__init__.py"), "").unwrap();
        }
        fs::write(
            dir.path().join("pkg/core/engine.py"),
            "class UserExecutionEngine:\n    pass\n",
        )
        .unwrap();
        fs::create_dir_all(dir.path().join("pkg/modern")).unwrap();
        fs::write(dir.path().join("pkg/modern/__init__.py"), "").unwrap();
        fs::write(dir.path().join("pkg/modern/mod.py"), "").unwrap();
        Project { dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn write(&self, rel: &str, text: &str) {
        fs::write(self.path(rel), text).unwrap();
    }

    fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap()
    }

    fn run(&self, args: &[&str]) -> (String, String, i32) {
        let out = Command::new(env!("CARGO_BIN_EXE_ssotlint"))
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap();
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
            out.status.code().unwrap_or(-1),
        )
    }

    /// `--fix` (optionally unsafe) on one file; returns its new text after checking that
    /// CPython compiles it and that a second run has nothing left to fix.
    fn fix(&self, rel: &str, text: &str, unsafe_fixes: bool) -> String {
        self.write(rel, text);
        let mut args = vec!["check", "--fix", "--output-format", "concise", rel];
        if unsafe_fixes {
            args.push("--unsafe-fixes");
        }
        let (_, stderr, code) = self.run(&args);
        assert!(code == 0 || code == 1, "exit {code}: {stderr}");
        let fixed = self.read(rel);
        compiles(&self.path(rel));
        let (stdout, _, _) = self.run(&args);
        assert!(
            stdout.contains("Fixed 0, "),
            "second run fixed more: {stdout}"
        );
        assert_eq!(self.read(rel), fixed, "second run changed the file");
        fixed
    }
}

fn compiles(path: &Path) {
    let out = Command::new("python3")
        .arg("-c")
        .arg(
            "import sys; f = sys.argv[1]; compile(open(f, encoding='utf-8-sig').read(), f, 'exec')",
        )
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "CPython cannot compile {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn single_name_module_rewritten() {
    let p = Project::new();
    let fixed = p.fix(
        "pkg/a.py",
        "import os\nfrom pkg.old import UserExecutionEngine  # keep\n\nx = UserExecutionEngine()\n",
        false,
    );
    assert_eq!(
        fixed,
        "import os\nfrom pkg.core.engine import UserExecutionEngine  # keep\n\nx = UserExecutionEngine()\n"
    );
}

#[test]
fn multi_name_list_is_split() {
    let p = Project::new();
    let fixed = p.fix(
        "pkg/a.py",
        "from typing import Mapping, Optional, Sequence\nx = 1\n",
        false,
    );
    assert_eq!(
        fixed,
        "from typing import Optional\nfrom collections.abc import Mapping, Sequence\nx = 1\n"
    );
}

#[test]
fn merged_into_existing_canonical_import() {
    let p = Project::new();
    let fixed = p.fix(
        "pkg/a.py",
        "from collections.abc import Iterable\nfrom typing import Optional, Mapping\n",
        false,
    );
    assert_eq!(
        fixed,
        "from collections.abc import Iterable, Mapping\nfrom typing import Optional\n"
    );
}

#[test]
fn all_names_moving_rewrites_in_place() {
    let p = Project::new();
    let fixed = p.fix(
        "pkg/a.py",
        "from typing import Mapping, Sequence as Seq\n",
        false,
    );
    assert_eq!(
        fixed,
        "from collections.abc import Mapping, Sequence as Seq\n"
    );
}

#[test]
fn parenthesised_list_keeps_comments() {
    let p = Project::new();
    let text = "from typing import (  # header\n    Any,  # any\n    Mapping,  # the map\n    Optional,\n)\n";
    let fixed = p.fix("pkg/a.py", text, false);
    assert_eq!(
        fixed,
        "from typing import (  # header\n    Any,  # any\n    Optional,\n)\nfrom collections.abc import (\n    Mapping,  # the map\n)\n"
    );
}

#[test]
fn parenthesised_same_line_names() {
    let p = Project::new();
    let fixed = p.fix(
        "pkg/a.py",
        "from typing import (Mapping,\n    Optional)\n",
        false,
    );
    assert_eq!(
        fixed,
        "from typing import (Optional)\nfrom collections.abc import Mapping\n"
    );
}

#[test]
fn backslash_continuation() {
    let p = Project::new();
    let fixed = p.fix(
        "pkg/a.py",
        "from typing import Optional, \\\n    Mapping\ny = 2\n",
        false,
    );
    assert_eq!(
        fixed,
        "from typing import Optional\nfrom collections.abc import Mapping\ny = 2\n"
    );
}

#[test]
fn alias_is_kept() {
    let p = Project::new();
    let fixed = p.fix("pkg/a.py", "from typing import Mapping as M, Any\n", false);
    assert_eq!(
        fixed,
        "from typing import Any\nfrom collections.abc import Mapping as M\n"
    );
}

#[test]
fn relative_imports_depth_one_and_two() {
    let p = Project::new();
    // Depth 1 from pkg/sub: `.old` is pkg.sub.old; the canonical module is outside pkg.sub.
    let fixed = p.fix(
        "pkg/sub/a.py",
        "from .old import UserExecutionEngine\n",
        false,
    );
    assert_eq!(fixed, "from pkg.core.engine import UserExecutionEngine\n");
    // Depth 2: `..old` is pkg.old; pkg.core.engine keeps the same relative form.
    let fixed = p.fix(
        "pkg/sub/b.py",
        "from ..old import UserExecutionEngine\n",
        false,
    );
    assert_eq!(fixed, "from ..core.engine import UserExecutionEngine\n");
    // Depth 1 from pkg: pkg.core.engine is below pkg, so it stays relative.
    let fixed = p.fix("pkg/c.py", "from .old import UserExecutionEngine\n", false);
    assert_eq!(fixed, "from .core.engine import UserExecutionEngine\n");
}

#[test]
fn nested_imports_keep_indentation_and_position() {
    let p = Project::new();
    let text = "\
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Mapping, Any

def f():
    try:
        from typing import Optional, Sequence
    except ImportError:
        pass
    return Optional
";
    let fixed = p.fix("pkg/a.py", text, false);
    assert_eq!(
        fixed,
        "\
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any
    from collections.abc import Mapping

def f():
    try:
        from typing import Optional
        from collections.abc import Sequence
    except ImportError:
        pass
    return Optional
"
    );
}

const LEGACY_USE: &str = "\
from pkg.old import ExecutionEngine

engine = ExecutionEngine()
label = \"ExecutionEngine\"
other.ExecutionEngine = ExecutionEngine


def make(ExecutionEngine=ExecutionEngine):
    return ExecutionEngine()


def build():
    return ExecutionEngine(kind=ExecutionEngine)
";

#[test]
fn legacy_name_safe_keeps_the_old_local_name() {
    let p = Project::new();
    let fixed = p.fix("pkg/a.py", LEGACY_USE, false);
    let expected = LEGACY_USE.replace(
        "from pkg.old import ExecutionEngine",
        "from pkg.core.engine import UserExecutionEngine as ExecutionEngine",
    );
    assert_eq!(fixed, expected);
}

#[test]
fn legacy_name_unsafe_renames_references() {
    let p = Project::new();
    let fixed = p.fix("pkg/a.py", LEGACY_USE, true);
    assert_eq!(
        fixed,
        "\
from pkg.core.engine import UserExecutionEngine

engine = UserExecutionEngine()
label = \"ExecutionEngine\"
other.ExecutionEngine = UserExecutionEngine


def make(ExecutionEngine=UserExecutionEngine):
    return ExecutionEngine()


def build():
    return UserExecutionEngine(kind=UserExecutionEngine)
"
    );
}

#[test]
fn aliased_import_unsafe_fix_and_shadowed_case() {
    let p = Project::new();
    let text = "from pkg.core.engine import UserExecutionEngine as Engine\n\nx = Engine()\n";
    // Safe only: nothing to do, the finding stays.
    assert_eq!(p.fix("pkg/a.py", text, false), text);
    let (stdout, _, code) = p.run(&[
        "check",
        "--fix",
        "--select",
        "SSOT0",
        "--output-format",
        "concise",
        "pkg/a.py",
    ]);
    assert_eq!(code, 1);
    assert!(stdout.contains("pkg/a.py:1:29: SSOT002"), "{stdout}");
    assert!(stdout.ends_with("Fixed 0, 1 left\n"), "{stdout}");
    assert_eq!(
        p.fix("pkg/a.py", text, true),
        "from pkg.core.engine import UserExecutionEngine\n\nx = UserExecutionEngine()\n"
    );
    // The canonical name already means something else here: no fix.
    let shadowed = "from pkg.core.engine import UserExecutionEngine as Engine\n\nUserExecutionEngine = 3\nx = Engine()\n";
    assert_eq!(p.fix("pkg/b.py", shadowed, true), shadowed);
}

#[test]
fn path_strings_keep_quotes_and_prefix() {
    let p = Project::new();
    let text = "\
patch('pkg.old.UserExecutionEngine')
patch(r\"pkg.legacy.helper\")
patch(u'''pkg.legacy''')
";
    // A rewritten string patches something else: unsafe, plain `--fix` leaves it.
    assert_eq!(p.fix("pkg/t.py", text, false), text);
    let fixed = p.fix("pkg/t.py", text, true);
    assert_eq!(
        fixed,
        "\
patch('pkg.core.engine.UserExecutionEngine')
patch(r\"pkg.modern.mod.helper\")
patch(u'''pkg.modern.mod''')
"
    );
}

#[test]
fn crlf_mixed_endings_and_bom_are_kept() {
    let p = Project::new();
    let text =
        "\u{feff}# -*- coding: utf-8 -*-\r\nfrom typing import Mapping, Any\r\nx = 1\ny = 2\r\n";
    let fixed = p.fix("pkg/a.py", text, false);
    assert_eq!(
        fixed,
        "\u{feff}# -*- coding: utf-8 -*-\r\nfrom typing import Any\r\nfrom collections.abc import Mapping\r\nx = 1\ny = 2\r\n"
    );
}

#[cfg(unix)]
#[test]
fn permissions_are_kept() {
    use std::os::unix::fs::PermissionsExt;
    let p = Project::new();
    p.write(
        "pkg/run.py",
        "#!/usr/bin/env python3\nfrom typing import Mapping\n",
    );
    fs::set_permissions(p.path("pkg/run.py"), fs::Permissions::from_mode(0o751)).unwrap();
    let (_, _, code) = p.run(&["check", "--fix", "pkg/run.py"]);
    assert_eq!(code, 0);
    assert_eq!(
        p.read("pkg/run.py"),
        "#!/usr/bin/env python3\nfrom collections.abc import Mapping\n"
    );
    let mode = fs::metadata(p.path("pkg/run.py"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o751);
    let leftovers: Vec<_> = fs::read_dir(p.path("pkg"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn lines_outside_edits_are_byte_identical() {
    let p = Project::new();
    let mut text = String::new();
    for i in 0..40 {
        text.push_str(&format!("x{i} = {{'a':1,   'b' : 2}}  # odd   spacing\t\n"));
    }
    text.push_str("from typing import Mapping, Any\n");
    for i in 0..40 {
        text.push_str(&format!("def f{i}( a ,b ):\n\treturn a+b\n"));
    }
    let fixed = p.fix("pkg/a.py", &text, false);
    let before: Vec<&str> = text.lines().collect();
    let after: Vec<&str> = fixed.lines().collect();
    assert_eq!(after.len(), before.len() + 1);
    assert_eq!(&after[..40], &before[..40]);
    assert_eq!(after[40], "from typing import Any");
    assert_eq!(after[41], "from collections.abc import Mapping");
    assert_eq!(&after[42..], &before[41..]);
}

#[test]
fn diff_prints_and_writes_nothing() {
    let p = Project::new();
    let text = "import os\nfrom typing import Mapping\n";
    p.write("pkg/a.py", text);
    let (stdout, stderr, code) = p.run(&["check", "--diff", "pkg/a.py"]);
    assert_eq!(code, 1);
    assert_eq!(
        stdout,
        "--- a/pkg/a.py\n+++ b/pkg/a.py\n@@ -1,2 +1,2 @@\n import os\n-from typing import Mapping\n+from collections.abc import Mapping\n"
    );
    assert_eq!(stderr, "Would fix 1, 0 left\n");
    assert_eq!(p.read("pkg/a.py"), text);
    p.write("pkg/b.py", "import os\n");
    let (stdout, _, code) = p.run(&["check", "--diff", "pkg/b.py"]);
    assert_eq!((stdout.as_str(), code), ("", 0));
}

#[test]
fn summary_line_counts_fixed_and_left() {
    let p = Project::new();
    p.write(
        "pkg/a.py",
        "from typing import Mapping, Sequence\nfrom pkg.core.engine import UserExecutionEngine as E\n",
    );
    let (stdout, _, code) = p.run(&["check", "--fix", "--output-format", "concise", "pkg/a.py"]);
    assert_eq!(code, 1);
    assert_eq!(
        stdout,
        "pkg/a.py:2:29: SSOT002 `UserExecutionEngine` imported as `E`; use the canonical name `UserExecutionEngine`\nFixed 2, 1 left\n"
    );
    let (stdout, _, code) = p.run(&[
        "check",
        "--fix",
        "--unsafe-fixes",
        "--output-format",
        "concise",
        "pkg/a.py",
    ]);
    assert_eq!((stdout.as_str(), code), ("Fixed 1, 0 left\n", 0));
}

#[test]
fn noqa_names_stay_where_they_are() {
    let p = Project::new();
    let text = "from typing import (\n    Mapping,  # noqa: SSOT001\n    Sequence,\n)\n";
    let fixed = p.fix("pkg/a.py", text, false);
    assert_eq!(
        fixed,
        "from typing import (\n    Mapping,  # noqa: SSOT001\n)\nfrom collections.abc import Sequence\n"
    );
}

#[test]
fn broken_file_is_not_touched() {
    let p = Project::new();
    let text = "from typing import Mapping\ndef f(:\n";
    p.write("pkg/a.py", text);
    let (stdout, _, _) = p.run(&["check", "--fix", "--output-format", "concise", "pkg/a.py"]);
    // The syntax error is a finding of its own (SSOT000).
    assert_eq!(
        stdout,
        "\
pkg/a.py:1:20: SSOT001 `Mapping` imported from `typing`; its canonical module is `collections.abc`
pkg/a.py:2:7: SSOT000 syntax error: a token is missing here
Fixed 0, 2 left
"
    );
    assert_eq!(p.read("pkg/a.py"), text);
}

#[test]
fn file_changed_since_read_is_not_overwritten() {
    let p = Project::new();
    p.write("pkg/a.py", "changed meanwhile\n");
    let err =
        ssotlint::fixer::write_atomic(&p.path("pkg/a.py"), b"as read\n", b"fixed\n").unwrap_err();
    assert!(err.contains("changed on disk since it was read"), "{err}");
    assert_eq!(p.read("pkg/a.py"), "changed meanwhile\n");
}

#[test]
fn fix_text_api_reports_count_and_final_lint() {
    let p = Project::new();
    let settings = ssotlint::config::load_file(&p.path("ssotlint.toml"))
        .unwrap()
        .unwrap();
    let outcome = ssotlint::fixer::fix_text(
        &p.path("pkg/a.py"),
        "from typing import Mapping, Any\n".to_string(),
        &settings,
        &ssotlint::LintOptions::default(),
        false,
    );
    assert_eq!(
        outcome.text,
        "from typing import Any\nfrom collections.abc import Mapping\n"
    );
    assert_eq!(outcome.fixed, 1);
    assert!(outcome.linted.diagnostics.is_empty());
}

#[test]
fn legacy_module_imports_are_rewritten() {
    let p = Project::new();
    let text = "\
from pkg.legacy import helper
from pkg.legacy.sub import thing as t
import pkg.legacy as L
from pkg import legacy
import pkg.legacy
";
    let fixed = p.fix("pkg/a.py", text, false);
    // A plain `import pkg.legacy` binds `pkg`; rewriting it would change what `pkg.legacy`
    // means at use sites, so it keeps its finding and no fix.
    assert_eq!(
        fixed,
        "\
from pkg.modern.mod import helper
from pkg.modern.mod.sub import thing as t
import pkg.modern.mod as L
from pkg.modern import mod as legacy
import pkg.legacy
"
    );
}

/// CPython's verdict on `text`: `None` when it compiles, else the exception's class name.
fn cpython_error(path: &Path) -> Option<String> {
    let out = Command::new("python3")
        .arg("-c")
        .arg(
            "import sys\nf = sys.argv[1]\ntry:\n    compile(open(f, encoding='utf-8').read(), f, 'exec')\nexcept SyntaxError as e:\n    print(type(e).__name__)",
        )
        .arg(path)
        .output()
        .unwrap();
    assert!(out.status.success());
    let name = String::from_utf8(out.stdout).unwrap().trim().to_string();
    (!name.is_empty()).then_some(name)
}

#[test]
fn tab_error_file_is_not_touched() {
    let p = Project::new();
    // The body's second line: 8 spaces after a tab-indented line. Same column with tabs
    // of 8, another with tabs of 1: CPython's TabError, which tree-sitter accepts.
    let text = "from typing import Mapping\nif True:\n\tx = 1\n        y = 2\n";
    p.write("pkg/a.py", text);
    assert_eq!(
        cpython_error(&p.path("pkg/a.py")).as_deref(),
        Some("TabError")
    );
    let (stdout, _, code) = p.run(&["check", "--fix", "--output-format", "concise", "pkg/a.py"]);
    assert_eq!(
        stdout,
        "pkg/a.py:1:20: SSOT001 `Mapping` imported from `typing`; its canonical module is `collections.abc`\nFixed 0, 1 left\n"
    );
    assert_eq!(code, 1);
    assert_eq!(p.read("pkg/a.py"), text);
    // Tabs used consistently are fine: CPython compiles it and the fix applies.
    let consistent = "from typing import Mapping\nif True:\n\tx = 1\n\ty = 2\n";
    p.write("pkg/b.py", consistent);
    assert_eq!(cpython_error(&p.path("pkg/b.py")), None);
    assert_eq!(
        p.fix("pkg/b.py", consistent, false),
        "from collections.abc import Mapping\nif True:\n\tx = 1\n\ty = 2\n"
    );
}

#[test]
fn one_name_strings_are_paths_only_where_imported_or_patched() {
    let p = Project::new();
    fs::write(
        p.path("ssotlint.toml"),
        "[legacy-modules]\n\"imp\" = \"importlib\"\n",
    )
    .unwrap();
    let text = "\
x = d['imp']
print(\"imp\")
m = importlib.import_module('imp')
n = __import__(\"imp\")
with mock.patch('imp'):
    pass
y = f('imp')
";
    p.write("pkg/a.py", text);
    let (stdout, _, code) = p.run(&["check", "--output-format", "concise", "pkg/a.py"]);
    assert_eq!(
        stdout,
        "\
pkg/a.py:3:29: SSOT004 string names legacy path `imp`; use `importlib`
pkg/a.py:4:16: SSOT004 string names legacy path `imp`; use `importlib`
pkg/a.py:5:17: SSOT004 string names legacy path `imp`; use `importlib`
Found 3 diagnostics in 1 file (1 checked).
"
    );
    assert_eq!(code, 1);
    assert_eq!(
        p.fix("pkg/a.py", text, true),
        "\
x = d['imp']
print(\"imp\")
m = importlib.import_module('importlib')
n = __import__(\"importlib\")
with mock.patch('importlib'):
    pass
y = f('imp')
"
    );
}

#[test]
fn no_write_through_a_symlink_leaving_the_project() {
    let p = Project::new();
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("x.py");
    let text = "from typing import Mapping\n";
    fs::write(&target, text).unwrap();
    std::os::unix::fs::symlink(&target, p.path("pkg/link.py")).unwrap();
    let (stdout, stderr, code) = p.run(&[
        "check",
        "--fix",
        "--output-format",
        "concise",
        "pkg/link.py",
    ]);
    let shown = target.canonicalize().unwrap();
    let root = p.dir.path().canonicalize().unwrap();
    assert_eq!(
        stderr,
        format!(
            "warning: pkg/link.py: resolves to {}, outside the project ({}); not fixed\n",
            shown.display(),
            root.display()
        )
    );
    assert_eq!(stdout, "Fixed 0, 0 left\n");
    assert_eq!(code, 0);
    assert_eq!(fs::read_to_string(&target).unwrap(), text);
    // A link to a file inside the project is fixed (the file it points to).
    p.write("pkg/real.py", text);
    std::os::unix::fs::symlink(p.path("pkg/real.py"), p.path("pkg/inner.py")).unwrap();
    let (_, stderr, code) = p.run(&["check", "--fix", "pkg/inner.py"]);
    assert_eq!((stderr.as_str(), code), ("", 0));
    assert_eq!(
        p.read("pkg/real.py"),
        "from collections.abc import Mapping\n"
    );
}

#[test]
fn a_file_named_twice_is_checked_and_fixed_once() {
    let p = Project::new();
    let text = "from typing import Mapping\n";
    p.write("pkg/a.py", text);
    let (stdout, _, code) = p.run(&[
        "check",
        "--output-format",
        "concise",
        "pkg/a.py",
        "pkg/a.py",
        "./pkg/a.py",
        "pkg",
    ]);
    assert_eq!(
        stdout,
        "pkg/a.py:1:20: SSOT001 `Mapping` imported from `typing`; its canonical module is `collections.abc`\nFound 1 diagnostic in 1 file (7 checked).\n"
    );
    assert_eq!(code, 1);
    let (stdout, stderr, code) = p.run(&["check", "--fix", "pkg/a.py", "pkg/a.py", "./pkg/a.py"]);
    assert_eq!(
        (stdout.as_str(), stderr.as_str(), code),
        ("Fixed 1, 0 left\n", "", 0)
    );
    assert_eq!(p.read("pkg/a.py"), "from collections.abc import Mapping\n");
}
