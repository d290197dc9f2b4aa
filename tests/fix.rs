//! `--fix`, `--unsafe-fixes`, `--diff` end to end: exact fixed texts, what is kept
//! byte-for-byte, and CPython agreeing that every fixed file still compiles.
//!
//! Most cases have one shape (a file in, its findings, its fixed text out), so they are
//! rows of one table, [`cases`], run by [`fix_cases`]; a failure names its row.

mod common;

use std::fs;
use std::path::PathBuf;

use ssotlint::Rule;

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
        let dir = common::project(&[
            ("ssotlint.toml", CONFIG),
            ("pkg/__init__.py", ""),
            ("pkg/sub/__init__.py", ""),
            ("pkg/core/__init__.py", ""),
            (
                "pkg/core/engine.py",
                "class UserExecutionEngine:\n    pass\n",
            ),
            ("pkg/modern/__init__.py", ""),
            ("pkg/modern/mod.py", ""),
        ]);
        Project { dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn write(&self, rel: &str, text: &str) {
        common::write(&self.path(rel), text);
    }

    fn read(&self, rel: &str) -> String {
        common::read(&self.path(rel))
    }

    /// Stdout, stderr (both must be UTF-8) and exit code of the binary run in the project.
    fn run(&self, args: &[&str]) -> (String, String, i32) {
        let out = common::ssotlint(self.dir.path(), args);
        let code = common::code(&out);
        (
            String::from_utf8(out.stdout).expect("UTF-8 stdout"),
            String::from_utf8(out.stderr).expect("UTF-8 stderr"),
            code,
        )
    }

    /// `--fix` (optionally unsafe) on one file; returns its new text after checking that
    /// CPython compiles it and that a second run has nothing left to fix.
    fn fix(&self, rel: &str, text: &str, unsafe_fixes: bool) -> String {
        self.write(rel, text);
        let (_, stderr, code) = self.run(&fix_args(rel, unsafe_fixes));
        assert!(code == 0 || code == 1, "exit {code}: {stderr}");
        self.fixed_twice(rel, unsafe_fixes)
    }

    /// The file's text after a fix, once CPython compiles it and a second `--fix` run
    /// neither fixes nor changes anything.
    fn fixed_twice(&self, rel: &str, unsafe_fixes: bool) -> String {
        let fixed = self.read(rel);
        common::assert_compiles(&self.path(rel));
        let (stdout, _, _) = self.run(&fix_args(rel, unsafe_fixes));
        assert!(
            stdout.contains("Fixed 0, "),
            "second run fixed more: {stdout}"
        );
        assert_eq!(self.read(rel), fixed, "second run changed the file");
        fixed
    }
}

fn fix_args(rel: &str, unsafe_fixes: bool) -> Vec<&str> {
    let mut args = vec!["check", "--fix", "--output-format", "concise", rel];
    if unsafe_fixes {
        args.push("--unsafe-fixes");
    }
    args
}

/// One file through `check` and then `check --fix`.
struct Case {
    /// The former test's name, and what the row shows when more than one row came from it.
    name: &'static str,
    /// `None`: [`CONFIG`].
    config: Option<&'static str>,
    path: &'static str,
    input: String,
    unsafe_fixes: bool,
    /// The exact concise output of `check` on the input (exit 1 with findings, else 0).
    found: &'static str,
    /// The exact concise output of the `--fix` run: what is left, then the summary (exit
    /// 0 when nothing is left, else 1).
    left: &'static str,
    /// The exact file after the fix, byte for byte.
    fixed: String,
}

/// A row whose input and expected text are literals.
fn case(
    name: &'static str,
    path: &'static str,
    input: &str,
    unsafe_fixes: bool,
    found: &'static str,
    left: &'static str,
    fixed: &str,
) -> Case {
    Case {
        name,
        config: None,
        path,
        input: input.to_string(),
        unsafe_fixes,
        found,
        left,
        fixed: fixed.to_string(),
    }
}

const SAFE: bool = false;
const UNSAFE: bool = true;

/// Uses of a legacy name everywhere a name can stand, and once inside a string.
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

const ALIASED: &str = "from pkg.core.engine import UserExecutionEngine as Engine\n\nx = Engine()\n";

const PATH_STRINGS: &str = "\
patch('pkg.old.UserExecutionEngine')
patch(r\"pkg.legacy.helper\")
patch(u'''pkg.legacy''')
";

const ONE_NAME_STRINGS: &str = "\
x = d['imp']
print(\"imp\")
m = importlib.import_module('imp')
n = __import__(\"imp\")
with mock.patch('imp'):
    pass
y = f('imp')
";

fn cases() -> Vec<Case> {
    vec![
        case(
            "single_name_module_rewritten",
            "pkg/a.py",
            "import os\nfrom pkg.old import UserExecutionEngine  # keep\n\nx = UserExecutionEngine()\n",
            SAFE,
            "pkg/a.py:2:21: SSOT001 `UserExecutionEngine` imported from `pkg.old`; its canonical module is `pkg.core.engine`\nFound 1 diagnostic in 1 file (1 checked).\n",
            "Fixed 1, 0 left\n",
            "import os\nfrom pkg.core.engine import UserExecutionEngine  # keep\n\nx = UserExecutionEngine()\n",
        ),
        case(
            "multi_name_list_is_split",
            "pkg/a.py",
            "from typing import Mapping, Optional, Sequence\nx = 1\n",
            SAFE,
            "pkg/a.py:1:20: SSOT001 `Mapping` imported from `typing`; its canonical module is `collections.abc`\npkg/a.py:1:39: SSOT001 `Sequence` imported from `typing`; its canonical module is `collections.abc`\nFound 2 diagnostics in 1 file (1 checked).\n",
            "Fixed 2, 0 left\n",
            "from typing import Optional\nfrom collections.abc import Mapping, Sequence\nx = 1\n",
        ),
        case(
            "merged_into_existing_canonical_import",
            "pkg/a.py",
            "from collections.abc import Iterable\nfrom typing import Optional, Mapping\n",
            SAFE,
            "pkg/a.py:2:30: SSOT001 `Mapping` imported from `typing`; its canonical module is `collections.abc`\nFound 1 diagnostic in 1 file (1 checked).\n",
            "Fixed 1, 0 left\n",
            "from collections.abc import Iterable, Mapping\nfrom typing import Optional\n",
        ),
        case(
            "all_names_moving_rewrites_in_place",
            "pkg/a.py",
            "from typing import Mapping, Sequence as Seq\n",
            SAFE,
            "pkg/a.py:1:20: SSOT001 `Mapping` imported from `typing`; its canonical module is `collections.abc`\npkg/a.py:1:29: SSOT001 `Sequence` imported from `typing`; its canonical module is `collections.abc`\nFound 2 diagnostics in 1 file (1 checked).\n",
            "pkg/a.py:1:38: SSOT002 `Sequence` imported as `Seq`; use the canonical name `Sequence`\nFixed 2, 1 left\n",
            "from collections.abc import Mapping, Sequence as Seq\n",
        ),
        case(
            "parenthesised_list_keeps_comments",
            "pkg/a.py",
            "from typing import (  # header\n    Any,  # any\n    Mapping,  # the map\n    Optional,\n)\n",
            SAFE,
            "pkg/a.py:3:5: SSOT001 `Mapping` imported from `typing`; its canonical module is `collections.abc`\nFound 1 diagnostic in 1 file (1 checked).\n",
            "Fixed 1, 0 left\n",
            "from typing import (  # header\n    Any,  # any\n    Optional,\n)\nfrom collections.abc import (\n    Mapping,  # the map\n)\n",
        ),
        case(
            "parenthesised_same_line_names",
            "pkg/a.py",
            "from typing import (Mapping,\n    Optional)\n",
            SAFE,
            "pkg/a.py:1:21: SSOT001 `Mapping` imported from `typing`; its canonical module is `collections.abc`\nFound 1 diagnostic in 1 file (1 checked).\n",
            "Fixed 1, 0 left\n",
            "from typing import (Optional)\nfrom collections.abc import Mapping\n",
        ),
        case(
            "backslash_continuation",
            "pkg/a.py",
            "from typing import Optional, \\\n    Mapping\ny = 2\n",
            SAFE,
            "pkg/a.py:2:5: SSOT001 `Mapping` imported from `typing`; its canonical module is `collections.abc`\nFound 1 diagnostic in 1 file (1 checked).\n",
            "Fixed 1, 0 left\n",
            "from typing import Optional\nfrom collections.abc import Mapping\ny = 2\n",
        ),
        case(
            "alias_is_kept",
            "pkg/a.py",
            "from typing import Mapping as M, Any\n",
            SAFE,
            "pkg/a.py:1:20: SSOT001 `Mapping` imported from `typing`; its canonical module is `collections.abc`\nFound 1 diagnostic in 1 file (1 checked).\n",
            "pkg/a.py:2:29: SSOT002 `Mapping` imported as `M`; use the canonical name `Mapping`\nFixed 1, 1 left\n",
            "from typing import Any\nfrom collections.abc import Mapping as M\n",
        ),
        // `.old` from pkg/sub is pkg.sub.old; the canonical module is outside pkg.sub.
        case(
            "relative_imports_depth_one_and_two: depth 1 from pkg.sub",
            "pkg/sub/a.py",
            "from .old import UserExecutionEngine\n",
            SAFE,
            "pkg/sub/a.py:1:18: SSOT001 `UserExecutionEngine` imported from `pkg.sub.old`; its canonical module is `pkg.core.engine`\nFound 1 diagnostic in 1 file (1 checked).\n",
            "Fixed 1, 0 left\n",
            "from pkg.core.engine import UserExecutionEngine\n",
        ),
        // `..old` is pkg.old; pkg.core.engine keeps the same relative form.
        case(
            "relative_imports_depth_one_and_two: depth 2 from pkg.sub",
            "pkg/sub/b.py",
            "from ..old import UserExecutionEngine\n",
            SAFE,
            "pkg/sub/b.py:1:19: SSOT001 `UserExecutionEngine` imported from `pkg.old`; its canonical module is `pkg.core.engine`\nFound 1 diagnostic in 1 file (1 checked).\n",
            "Fixed 1, 0 left\n",
            "from ..core.engine import UserExecutionEngine\n",
        ),
        // pkg.core.engine is below pkg, so it stays relative.
        case(
            "relative_imports_depth_one_and_two: depth 1 from pkg",
            "pkg/c.py",
            "from .old import UserExecutionEngine\n",
            SAFE,
            "pkg/c.py:1:18: SSOT001 `UserExecutionEngine` imported from `pkg.old`; its canonical module is `pkg.core.engine`\nFound 1 diagnostic in 1 file (1 checked).\n",
            "Fixed 1, 0 left\n",
            "from .core.engine import UserExecutionEngine\n",
        ),
        case(
            "nested_imports_keep_indentation_and_position",
            "pkg/a.py",
            "\
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Mapping, Any

def f():
    try:
        from typing import Optional, Sequence
    except ImportError:
        pass
    return Optional
",
            SAFE,
            "pkg/a.py:4:24: SSOT001 `Mapping` imported from `typing`; its canonical module is `collections.abc`\npkg/a.py:8:38: SSOT001 `Sequence` imported from `typing`; its canonical module is `collections.abc`\nFound 2 diagnostics in 1 file (1 checked).\n",
            "Fixed 2, 0 left\n",
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
",
        ),
        // Safe: only the import changes, the old name stays bound locally.
        case(
            "legacy_name_safe_keeps_the_old_local_name",
            "pkg/a.py",
            LEGACY_USE,
            SAFE,
            "pkg/a.py:1:21: SSOT001 `ExecutionEngine` imported from `pkg.old`; it is now `UserExecutionEngine` in its canonical module `pkg.core.engine`\nFound 1 diagnostic in 1 file (1 checked).\n",
            "pkg/a.py:1:29: SSOT002 `UserExecutionEngine` imported as `ExecutionEngine`; use the canonical name `UserExecutionEngine`\nFixed 1, 1 left\n",
            &LEGACY_USE.replace(
                "from pkg.old import ExecutionEngine",
                "from pkg.core.engine import UserExecutionEngine as ExecutionEngine",
            ),
        ),
        case(
            "legacy_name_unsafe_renames_references",
            "pkg/a.py",
            LEGACY_USE,
            UNSAFE,
            "pkg/a.py:1:21: SSOT001 `ExecutionEngine` imported from `pkg.old`; it is now `UserExecutionEngine` in its canonical module `pkg.core.engine`\nFound 1 diagnostic in 1 file (1 checked).\n",
            "Fixed 2, 0 left\n",
            "\
from pkg.core.engine import UserExecutionEngine

engine = UserExecutionEngine()
label = \"ExecutionEngine\"
other.ExecutionEngine = UserExecutionEngine


def make(ExecutionEngine=UserExecutionEngine):
    return ExecutionEngine()


def build():
    return UserExecutionEngine(kind=UserExecutionEngine)
",
        ),
        // Safe only: nothing to do, the finding stays.
        case(
            "aliased_import_unsafe_fix_and_shadowed_case: safe keeps the finding",
            "pkg/a.py",
            ALIASED,
            SAFE,
            "pkg/a.py:1:29: SSOT002 `UserExecutionEngine` imported as `Engine`; use the canonical name `UserExecutionEngine`\nFound 1 diagnostic in 1 file (1 checked).\n",
            "pkg/a.py:1:29: SSOT002 `UserExecutionEngine` imported as `Engine`; use the canonical name `UserExecutionEngine`\nFixed 0, 1 left\n",
            ALIASED,
        ),
        case(
            "aliased_import_unsafe_fix_and_shadowed_case: unsafe renames",
            "pkg/a.py",
            ALIASED,
            UNSAFE,
            "pkg/a.py:1:29: SSOT002 `UserExecutionEngine` imported as `Engine`; use the canonical name `UserExecutionEngine`\nFound 1 diagnostic in 1 file (1 checked).\n",
            "Fixed 1, 0 left\n",
            "from pkg.core.engine import UserExecutionEngine\n\nx = UserExecutionEngine()\n",
        ),
        // The canonical name already means something else here: no fix.
        case(
            "aliased_import_unsafe_fix_and_shadowed_case: shadowed",
            "pkg/b.py",
            "from pkg.core.engine import UserExecutionEngine as Engine\n\nUserExecutionEngine = 3\nx = Engine()\n",
            UNSAFE,
            "pkg/b.py:1:29: SSOT002 `UserExecutionEngine` imported as `Engine`; use the canonical name `UserExecutionEngine`\nFound 1 diagnostic in 1 file (1 checked).\n",
            "pkg/b.py:1:29: SSOT002 `UserExecutionEngine` imported as `Engine`; use the canonical name `UserExecutionEngine`\nFixed 0, 1 left\n",
            "from pkg.core.engine import UserExecutionEngine as Engine\n\nUserExecutionEngine = 3\nx = Engine()\n",
        ),
        // A rewritten string patches something else: unsafe, plain `--fix` leaves it.
        case(
            "path_strings_keep_quotes_and_prefix: safe leaves them",
            "pkg/t.py",
            PATH_STRINGS,
            SAFE,
            "pkg/t.py:1:7: SSOT004 string names legacy path `pkg.old.UserExecutionEngine`; use `pkg.core.engine.UserExecutionEngine`\npkg/t.py:2:7: SSOT004 string names legacy path `pkg.legacy.helper`; use `pkg.modern.mod.helper`\npkg/t.py:3:7: SSOT004 string names legacy path `pkg.legacy`; use `pkg.modern.mod`\nFound 3 diagnostics in 1 file (1 checked).\n",
            "pkg/t.py:1:7: SSOT004 string names legacy path `pkg.old.UserExecutionEngine`; use `pkg.core.engine.UserExecutionEngine`\npkg/t.py:2:7: SSOT004 string names legacy path `pkg.legacy.helper`; use `pkg.modern.mod.helper`\npkg/t.py:3:7: SSOT004 string names legacy path `pkg.legacy`; use `pkg.modern.mod`\nFixed 0, 3 left\n",
            PATH_STRINGS,
        ),
        case(
            "path_strings_keep_quotes_and_prefix: unsafe",
            "pkg/t.py",
            PATH_STRINGS,
            UNSAFE,
            "pkg/t.py:1:7: SSOT004 string names legacy path `pkg.old.UserExecutionEngine`; use `pkg.core.engine.UserExecutionEngine`\npkg/t.py:2:7: SSOT004 string names legacy path `pkg.legacy.helper`; use `pkg.modern.mod.helper`\npkg/t.py:3:7: SSOT004 string names legacy path `pkg.legacy`; use `pkg.modern.mod`\nFound 3 diagnostics in 1 file (1 checked).\n",
            "Fixed 3, 0 left\n",
            "\
patch('pkg.core.engine.UserExecutionEngine')
patch(r\"pkg.modern.mod.helper\")
patch(u'''pkg.modern.mod''')
",
        ),
        case(
            "crlf_mixed_endings_and_bom_are_kept",
            "pkg/a.py",
            "\u{feff}# -*- coding: utf-8 -*-\r\nfrom typing import Mapping, Any\r\nx = 1\ny = 2\r\n",
            SAFE,
            "pkg/a.py:2:20: SSOT001 `Mapping` imported from `typing`; its canonical module is `collections.abc`\nFound 1 diagnostic in 1 file (1 checked).\n",
            "Fixed 1, 0 left\n",
            "\u{feff}# -*- coding: utf-8 -*-\r\nfrom typing import Any\r\nfrom collections.abc import Mapping\r\nx = 1\ny = 2\r\n",
        ),
        case(
            "noqa_names_stay_where_they_are",
            "pkg/a.py",
            "from typing import (\n    Mapping,  # noqa: SSOT001\n    Sequence,\n)\n",
            SAFE,
            "pkg/a.py:3:5: SSOT001 `Sequence` imported from `typing`; its canonical module is `collections.abc`\nFound 1 diagnostic in 1 file (1 checked).\n",
            "Fixed 1, 0 left\n",
            "from typing import (\n    Mapping,  # noqa: SSOT001\n)\nfrom collections.abc import Sequence\n",
        ),
        // A plain `import pkg.legacy` binds `pkg`; rewriting it would change what
        // `pkg.legacy` means at use sites, so it keeps its finding and no fix.
        case(
            "legacy_module_imports_are_rewritten",
            "pkg/a.py",
            "\
from pkg.legacy import helper
from pkg.legacy.sub import thing as t
import pkg.legacy as L
from pkg import legacy
import pkg.legacy
",
            SAFE,
            "pkg/a.py:1:24: SSOT003 `helper` imported from legacy module `pkg.legacy`; use `pkg.modern.mod`\npkg/a.py:2:28: SSOT003 `thing` imported from legacy module `pkg.legacy.sub`; use `pkg.modern.mod.sub`\npkg/a.py:3:8: SSOT003 legacy module `pkg.legacy` imported; use `pkg.modern.mod`\npkg/a.py:4:17: SSOT003 legacy module `pkg.legacy` imported; use `pkg.modern.mod`\npkg/a.py:5:8: SSOT003 legacy module `pkg.legacy` imported; use `pkg.modern.mod`\nFound 5 diagnostics in 1 file (1 checked).\n",
            "pkg/a.py:2:6: SSOT005 first-party module `pkg.modern.mod.sub` is imported but no file provides it\npkg/a.py:5:8: SSOT003 legacy module `pkg.legacy` imported; use `pkg.modern.mod`\nFixed 4, 2 left\n",
            "\
from pkg.modern.mod import helper
from pkg.modern.mod.sub import thing as t
import pkg.modern.mod as L
from pkg.modern import mod as legacy
import pkg.legacy
",
        ),
        // Only strings that are imported or patched are paths.
        Case {
            config: Some("[legacy-modules]\n\"imp\" = \"importlib\"\n"),
            ..case(
                "one_name_strings_are_paths_only_where_imported_or_patched",
                "pkg/a.py",
                ONE_NAME_STRINGS,
                UNSAFE,
                "\
pkg/a.py:3:29: SSOT004 string names legacy path `imp`; use `importlib`
pkg/a.py:4:16: SSOT004 string names legacy path `imp`; use `importlib`
pkg/a.py:5:17: SSOT004 string names legacy path `imp`; use `importlib`
Found 3 diagnostics in 1 file (1 checked).
",
                "Fixed 3, 0 left\n",
                "\
x = d['imp']
print(\"imp\")
m = importlib.import_module('importlib')
n = __import__(\"importlib\")
with mock.patch('importlib'):
    pass
y = f('imp')
",
            )
        },
    ]
}

/// Exit 0 when the output reports nothing, else 1.
fn exit_for(output: &str) -> i32 {
    if output.starts_with("All checks passed") || output.ends_with(", 0 left\n") {
        0
    } else {
        1
    }
}

#[test]
fn fix_cases() {
    common::run_cases(
        &cases(),
        |c| c.name,
        |c| {
            let p = Project::new();
            if let Some(config) = c.config {
                p.write("ssotlint.toml", config);
            }
            p.write(c.path, &c.input);
            let (found, _, code) = p.run(&["check", "--output-format", "concise", c.path]);
            assert_eq!(found, c.found, "check");
            assert_eq!(code, exit_for(c.found), "check's exit code");
            let (left, stderr, code) = p.run(&fix_args(c.path, c.unsafe_fixes));
            assert_eq!(left, c.left, "--fix");
            assert_eq!(
                code,
                exit_for(c.left),
                "--fix's exit code; stderr: {stderr}"
            );
            assert_eq!(p.fixed_twice(c.path, c.unsafe_fixes), c.fixed, "fixed text");
        },
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
fn tab_error_file_is_not_touched() {
    let p = Project::new();
    // The body's second line: 8 spaces after a tab-indented line. Same column with tabs
    // of 8, another with tabs of 1: CPython's TabError, which tree-sitter accepts.
    let text = "from typing import Mapping\nif True:\n\tx = 1\n        y = 2\n";
    p.write("pkg/a.py", text);
    assert_eq!(
        common::cpython_error(&p.path("pkg/a.py")).as_deref(),
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
    assert_eq!(common::cpython_error(&p.path("pkg/b.py")), None);
    assert_eq!(
        p.fix("pkg/b.py", consistent, false),
        "from collections.abc import Mapping\nif True:\n\tx = 1\n\ty = 2\n"
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

/// Each rule's findings carry fixes as its spec's fix availability says
/// (`RuleSpec::fix`, shown by `ssotlint rule` and docs/rules.md), and each rule whose
/// fix comes only sometimes shows both cases here.
#[test]
fn fixes_match_each_rules_fix_availability() {
    use ssotlint::fix::Applicability;
    use ssotlint::rules::FixAvailability;
    let p = Project::new();
    p.write("pkg/registry.py", "class UserExecutionEngine:\n    pass\n");
    let settings = ssotlint::config::load_file(&p.path("ssotlint.toml"))
        .unwrap()
        .unwrap();
    let text = "\
from typing import Mapping
from pkg.registry import UserExecutionEngine
from collections.abc import Sequence as Seq
import pkg.legacy as L
import pkg.legacy
import pkg.missing
PATH = \"pkg.legacy.helper\"
";
    let linted = ssotlint::lint_text(
        &p.path("pkg/a.py"),
        text.to_string(),
        &settings,
        &ssotlint::LintOptions::default(),
    );
    let mut sometimes: Vec<(Rule, bool)> = Vec::new();
    for d in &linted.diagnostics {
        let applicability = d.fix.as_ref().map(|f| f.applicability);
        match d.rule.spec().fix {
            FixAvailability::None => assert_eq!(applicability, None, "{d:?}"),
            FixAvailability::Safe => assert_eq!(applicability, Some(Applicability::Safe)),
            FixAvailability::Unsafe => assert_eq!(applicability, Some(Applicability::Unsafe)),
            FixAvailability::Sometimes => sometimes.push((d.rule, applicability.is_some())),
        }
    }
    let codes: Vec<&str> = linted.diagnostics.iter().map(|d| d.rule.code()).collect();
    assert_eq!(
        codes,
        ["SSOT001", "SSOT001", "SSOT002", "SSOT003", "SSOT003", "SSOT005", "SSOT004"]
    );
    sometimes.sort();
    sometimes.dedup();
    assert_eq!(
        sometimes,
        [
            (Rule::FragmentedImport, false),
            (Rule::FragmentedImport, true),
            (Rule::LegacyModuleImport, false),
            (Rule::LegacyModuleImport, true),
        ]
    );
}
