//! Issue 12: imports of competing definitions, re-exports by assignment (chains and
//! cycles of shims), canonical names imported from modules that do not exist, guarded
//! imports and imports in functions and `if TYPE_CHECKING:` blocks. One fixture project
//! whose answer is known by construction (and checked with CPython: the shims hand out
//! the canonical class, the competing class is another object, the cycle and the deleted
//! module fail to import); each case asserts exact diagnostics, messages, fix
//! applicability and fixed text. The cases are rows of one table, [`cases`], run by
//! [`import_semantics_cases`]; a failure names its row.

mod common;

use common::write;

use std::path::PathBuf;
use std::process::Command;

use ssotlint::config::{self, Settings};
use ssotlint::fix::Applicability;
use ssotlint::fixer::fix_text;
use ssotlint::lint::{lint_text, LintOptions};

const CONFIG: &str = r#"
[project]
src = ["."]
first-party = ["app"]

[canonical]
"app.core.engine.Engine" = {}
"app.api.Widget" = {}
"app.api.Gadget" = {}
"#;

const FILES: &[(&str, &str)] = &[
    ("app/__init__.py", ""),
    ("app/core/__init__.py", ""),
    ("app/core/engine.py", "class Engine:\n    pass\n"),
    // A second `Engine`: another object.
    ("app/registry.py", "class Engine:\n    pass\n"),
    // Shims by assignment: of an attribute, of an alias, of an attribute of a plain import.
    (
        "app/shim_attr.py",
        "from app.core import engine as _engine\n\nEngine = _engine.Engine\n",
    ),
    (
        "app/shim_alias.py",
        "from app.core.engine import Engine as _E\n\nEngine = _E\n",
    ),
    (
        "app/shim_plain.py",
        "import app.core.engine\n\nEngine = app.core.engine.Engine\n",
    ),
    // Two shims in a chain: `chain` → `shim_attr` → canonical.
    (
        "app/chain.py",
        "from app import shim_attr\n\nEngine = shim_attr.Engine\n",
    ),
    // The canonical module takes its classes from where they are defined.
    (
        "app/api.py",
        "from app._impl import *\nfrom app._impl import Gadget\n",
    ),
    (
        "app/_impl.py",
        "class Widget:\n    pass\n\n\nclass Gadget:\n    pass\n",
    ),
    // A cycle of shims: each takes `Engine` from the other.
    (
        "app/cycle_a.py",
        "from app.cycle_b import Engine as _E\n\nEngine = _E\n",
    ),
    (
        "app/cycle_b.py",
        "from app import cycle_a\n\nEngine = cycle_a.Engine\n",
    ),
];

struct Fixture {
    dir: tempfile::TempDir,
    settings: Settings,
}

/// (code, row, column, end row, end column, fix applicability).
type Found = (String, usize, usize, usize, usize, Option<Applicability>);

impl Fixture {
    fn new() -> Fixture {
        Fixture::with_config(CONFIG)
    }

    fn with_config(config: &str) -> Fixture {
        let dir = common::project(FILES);
        write(&dir.path().join("ssotlint.toml"), config);
        let settings = config::load_file(&dir.path().join("ssotlint.toml"))
            .expect("valid config")
            .expect("settings");
        Fixture { dir, settings }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn check(&self, rel: &str, text: &str) -> Vec<Found> {
        self.messages(rel, text)
            .into_iter()
            .map(|(f, _)| f)
            .collect()
    }

    fn messages(&self, rel: &str, text: &str) -> Vec<(Found, String)> {
        let path = self.path(rel);
        write(&path, text);
        let linted = lint_text(
            &path,
            text.to_string(),
            &self.settings,
            &LintOptions::default(),
        );
        linted
            .diagnostics
            .iter()
            .map(|d| {
                let s = linted.source.location(d.range.start);
                let e = linted.source.location(d.range.end);
                let found = (
                    d.rule.code().to_string(),
                    s.row,
                    s.column,
                    e.row,
                    e.column,
                    d.fix.as_ref().map(|f| f.applicability),
                );
                (found, d.message.clone())
            })
            .collect()
    }

    /// The text after applying fixes (safe only, or unsafe too).
    fn fixed(&self, rel: &str, text: &str, unsafe_fixes: bool) -> String {
        let path = self.path(rel);
        write(&path, text);
        fix_text(
            &path,
            text.to_string(),
            &self.settings,
            &LintOptions::default(),
            unsafe_fixes,
        )
        .text
    }
}

fn d(
    code: &str,
    row: usize,
    col: usize,
    end_row: usize,
    end_col: usize,
    fix: Option<Applicability>,
) -> Found {
    (code.to_string(), row, col, end_row, end_col, fix)
}

const SAFE: Option<Applicability> = Some(Applicability::Safe);
const UNSAFE: Option<Applicability> = Some(Applicability::Unsafe);

#[test]
fn cpython_agrees_with_the_fixture() {
    let f = Fixture::new();
    let script = "\
import importlib
from app.core.engine import Engine
for shim in ['shim_attr', 'shim_alias', 'shim_plain', 'chain']:
    assert importlib.import_module('app.' + shim).Engine is Engine, shim
assert importlib.import_module('app.registry').Engine is not Engine
import app.api, app._impl
assert app.api.Widget is app._impl.Widget and app.api.Gadget is app._impl.Gadget
for broken in ['app.cycle_a', 'app.deleted']:
    try:
        importlib.import_module(broken)
    except (ImportError, AttributeError):
        pass
    else:
        raise AssertionError(broken)
print('ok')
";
    let out = Command::new("python3")
        .args(["-B", "-c", script])
        .current_dir(f.dir.path())
        .output()
        .expect("python3 runs");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "ok\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// One file linted (and fixed) in a fresh fixture.
struct Case {
    /// The former test's name, and which of its files or shims where it had several.
    name: String,
    /// `None`: [`CONFIG`].
    config: Option<String>,
    path: &'static str,
    text: String,
    /// Every diagnostic, with its fix's applicability.
    found: Vec<Found>,
    /// Each diagnostic's exact message, where the case checks them.
    messages: Option<Vec<String>>,
    /// The text after safe fixes, where the case checks it.
    safe: Option<String>,
    /// The text after safe and unsafe fixes, where the case checks it.
    unsafe_too: Option<String>,
}

impl Case {
    fn new(name: impl Into<String>, path: &'static str, text: &str, found: Vec<Found>) -> Case {
        Case {
            name: name.into(),
            config: None,
            path,
            text: text.to_string(),
            found,
            messages: None,
            safe: None,
            unsafe_too: None,
        }
    }

    fn config(self, config: String) -> Case {
        Case {
            config: Some(config),
            ..self
        }
    }

    fn messages(self, messages: &[&str]) -> Case {
        Case {
            messages: Some(messages.iter().map(|m| m.to_string()).collect()),
            ..self
        }
    }

    fn safe(self, fixed: &str) -> Case {
        Case {
            safe: Some(fixed.to_string()),
            ..self
        }
    }

    fn unsafe_too(self, fixed: &str) -> Case {
        Case {
            unsafe_too: Some(fixed.to_string()),
            ..self
        }
    }
}

/// The fixture's own text of `rel`.
fn fixture_file(rel: &str) -> &'static str {
    FILES
        .iter()
        .find(|(path, _)| *path == rel)
        .map(|(_, text)| *text)
        .expect("a fixture file")
}

const GUARDED: &str = "\
try:
    from app.deleted import helper
except ImportError:
    helper = None


def load():
    try:
        from app.gone.sub import tool
    except ModuleNotFoundError:
        return None
    return tool
";

const NESTED: &str = "\
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.shim_alias import Engine
    from app.registry import Engine as Other


def build():
    from app.chain import Engine
    from app.deleted import Engine as Gone
    return Engine(), Gone()
";

fn cases() -> Vec<Case> {
    let mut cases = vec![
        Case::new(
            "importers_of_a_competing_definition_get_ssot001_without_a_fix",
            "app/user.py",
            "from app.registry import Engine\n",
            vec![d("SSOT001", 1, 26, 1, 32, None)],
        )
        .messages(&["`Engine` imported from `app.registry`, which defines a competing `Engine`; \
             the canonical `Engine` lives in `app.core.engine`"])
        .unsafe_too("from app.registry import Engine\n"),
        // The definition itself is SSOT301, as before.
        Case::new(
            "importers_of_a_competing_definition_get_ssot001_without_a_fix: the definition",
            "app/registry.py",
            fixture_file("app/registry.py"),
            vec![d("SSOT301", 1, 7, 1, 13, None)],
        ),
        Case::new(
            "the_module_the_canonical_one_takes_the_class_from_does_not_compete",
            "app/user.py",
            "from app._impl import Widget, Gadget\n",
            vec![],
        ),
        Case::new(
            "two_canonical_symbols_of_one_name_do_not_compete_with_each_other",
            "app/user.py",
            "from app.registry import Engine\nfrom app.core.engine import Engine as E\n",
            vec![d("SSOT002", 2, 29, 2, 40, UNSAFE)],
        )
        .config(format!("{CONFIG}\"app.registry.Engine\" = {{}}\n")),
        // Two statements: the competing one keeps its text, the shim one is rewritten.
        Case::new(
            "a_competing_name_stays_behind_when_a_shim_name_moves",
            "app/user.py",
            "from app.registry import Engine as RegistryEngine\nfrom app.shim_attr import Engine\n",
            vec![
                d("SSOT001", 1, 26, 1, 32, None),
                d("SSOT001", 2, 27, 2, 33, SAFE),
            ],
        )
        .safe("from app.registry import Engine as RegistryEngine\nfrom app.core.engine import Engine\n"),
        Case::new(
            "two_shims_in_a_chain",
            "app/user.py",
            "from app.chain import Engine, shim_attr\n",
            vec![d("SSOT001", 1, 23, 1, 29, SAFE)],
        )
        .safe("from app.chain import shim_attr\nfrom app.core.engine import Engine\n"),
        Case::new(
            "a_cycle_of_shims_reexports_nothing_and_ends",
            "app/user.py",
            "from app.cycle_a import Engine\nfrom app.cycle_b import Engine as E\n",
            vec![],
        ),
        Case::new(
            "a_canonical_name_from_a_missing_module_gets_an_unsafe_fix_and_no_ssot005",
            "app/user.py",
            "from app.deleted import Engine\n",
            vec![d("SSOT001", 1, 25, 1, 31, UNSAFE)],
        )
        .messages(&["`Engine` imported from `app.deleted`, which does not exist; \
             the canonical `Engine` lives in `app.core.engine`"])
        .safe("from app.deleted import Engine\n")
        .unsafe_too("from app.core.engine import Engine\n"),
        Case::new(
            "a_missing_module_with_other_names_keeps_ssot005",
            "app/user.py",
            "from app.deleted import Engine, helper\n",
            vec![
                d("SSOT005", 1, 6, 1, 17, None),
                d("SSOT001", 1, 25, 1, 31, UNSAFE),
            ],
        )
        .unsafe_too("from app.deleted import helper\nfrom app.core.engine import Engine\n"),
        Case::new(
            "guarded_imports_are_reported_with_guarded_in_the_message",
            "app/user.py",
            GUARDED,
            vec![
                d("SSOT005", 2, 10, 2, 21, None),
                d("SSOT005", 9, 14, 9, 26, None),
            ],
        )
        .messages(&[
            "first-party module `app.deleted` is imported but no file provides it \
             (guarded: its `except ImportError` fallback always runs)",
            "first-party module `app.gone.sub` is imported but no file provides it \
             (guarded: its `except ImportError` fallback always runs)",
        ]),
        Case::new(
            "a_guarded_canonical_import_from_a_missing_module",
            "app/user.py",
            "\
try:
    from app.deleted import Engine
except ImportError:
    Engine = None
",
            vec![d("SSOT001", 2, 29, 2, 35, UNSAFE)],
        )
        .unsafe_too(
            "\
try:
    from app.core.engine import Engine
except ImportError:
    Engine = None
",
        ),
        Case::new(
            "imports_in_functions_and_type_checking_blocks_follow_the_same_rules",
            "app/user.py",
            NESTED,
            vec![
                d("SSOT001", 4, 32, 4, 38, SAFE),
                d("SSOT001", 5, 30, 5, 36, None),
                d("SSOT001", 9, 27, 9, 33, SAFE),
                d("SSOT001", 10, 29, 10, 35, UNSAFE),
            ],
        )
        .safe(
            "\
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.core.engine import Engine
    from app.registry import Engine as Other


def build():
    from app.core.engine import Engine
    from app.deleted import Engine as Gone
    return Engine(), Gone()
",
        )
        .unsafe_too(
            "\
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.core.engine import Engine
    from app.registry import Engine as Other


def build():
    from app.core.engine import Engine
    from app.core.engine import Engine as Gone
    return Engine(), Gone()
",
        ),
    ];
    for shim in ["shim_attr", "shim_alias", "shim_plain"] {
        let col = 18 + shim.len();
        cases.push(
            Case::new(
                format!("shims_by_attribute_and_alias_assignment: {shim}"),
                "app/user.py",
                &format!("from app.{shim} import Engine\n"),
                vec![d("SSOT001", 1, col, 1, col + 6, SAFE)],
            )
            .messages(&[&format!(
                "`Engine` imported from `app.{shim}`; its canonical module is `app.core.engine`"
            )])
            .safe("from app.core.engine import Engine\n"),
        );
    }
    cases
}

#[test]
fn import_semantics_cases() {
    common::run_cases(
        &cases(),
        |c| &c.name,
        |c| {
            let f = match &c.config {
                Some(config) => Fixture::with_config(config),
                None => Fixture::new(),
            };
            match &c.messages {
                Some(messages) => {
                    let expected: Vec<(Found, String)> = c
                        .found
                        .iter()
                        .cloned()
                        .zip(messages.iter().cloned())
                        .collect();
                    assert_eq!(messages.len(), c.found.len(), "one message a diagnostic");
                    assert_eq!(f.messages(c.path, &c.text), expected);
                }
                None => assert_eq!(f.check(c.path, &c.text), c.found),
            }
            if let Some(safe) = &c.safe {
                assert_eq!(&f.fixed(c.path, &c.text, false), safe, "safe fixes");
            }
            if let Some(unsafe_too) = &c.unsafe_too {
                assert_eq!(&f.fixed(c.path, &c.text, true), unsafe_too, "unsafe fixes");
            }
        },
    );
}
