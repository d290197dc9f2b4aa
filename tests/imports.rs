//! The import rules (SSOT001–SSOT005) on one fixture project, one case per import form,
//! each asserting exact diagnostics: code, start row/column and end row/column. The
//! cases are rows of one table, [`cases`], run by [`import_cases`]; a failure names its row.

mod common;

use common::write;

use std::path::PathBuf;

use ssotlint::config;
use ssotlint::lint::{lint_text, LintOptions};

const CONFIG: &str = r#"
[canonical]
"app.engine.user_engine.UserEngine" = { legacy-modules = ["app.legacy_engine"], legacy-names = ["Engine"] }
"app.engine.user_engine.Session" = { allow-alias = true }

[legacy-modules]
"app.old_utils" = "app.utils.text"

[lint]
per-file-ignores = { "app/generated/**" = ["SSOT001"] }
"#;

/// Files every case can import from.
const FILES: &[(&str, &str)] = &[
    ("app/__init__.py", ""),
    ("app/engine/__init__.py", "from .user_engine import UserEngine\n"),
    ("app/engine/user_engine.py", "class UserEngine:\n    pass\n\nclass Session:\n    pass\n"),
    ("app/shim.py", "from app.engine.user_engine import UserEngine\n"),
    ("app/shim2.py", "from .shim import UserEngine\n"),
    ("app/legacy_engine.py", "from app.engine.user_engine import UserEngine as Engine\nfrom app.engine.user_engine import UserEngine\n"),
    ("app/old_utils.py", "def slugify(s):\n    return s\n"),
    ("app/utils/__init__.py", ""),
    ("app/utils/text.py", "def slugify(s):\n    return s\n"),
    ("app/sub/__init__.py", ""),
    ("app/sub/deep/__init__.py", ""),
    ("app/nsdir/mod.py", ""),
    ("app/other.py", "class UserEngineConfig:\n    pass\n"),
];

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = common::project(FILES);
        write(&dir.path().join("ssotlint.toml"), CONFIG);
        Fixture { dir }
    }

    fn root(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    /// Lint `text` as the file `rel` of the fixture: (code, row, col, end_row, end_col).
    fn check(&self, rel: &str, text: &str) -> Vec<(String, usize, usize, usize, usize)> {
        let path = self.root().join(rel);
        write(&path, text);
        let settings = config::load_file(&self.root().join("ssotlint.toml"))
            .expect("valid config")
            .expect("settings");
        let linted = lint_text(&path, text.to_string(), &settings, &LintOptions::default());
        linted
            .diagnostics
            .iter()
            .map(|d| {
                let s = linted.source.location(d.range.start);
                let e = linted.source.location(d.range.end);
                (d.rule.code().to_string(), s.row, s.column, e.row, e.column)
            })
            .collect()
    }
}

fn d(
    code: &str,
    row: usize,
    col: usize,
    end_row: usize,
    end_col: usize,
) -> (String, usize, usize, usize, usize) {
    (code.to_string(), row, col, end_row, end_col)
}

/// One file linted in a fresh fixture, and every diagnostic it must get.
struct Case {
    /// The former test's name; `name: path` where one test checked several files.
    name: &'static str,
    path: &'static str,
    text: &'static str,
    expected: Vec<(String, usize, usize, usize, usize)>,
}

fn case(
    name: &'static str,
    path: &'static str,
    text: &'static str,
    expected: Vec<(String, usize, usize, usize, usize)>,
) -> Case {
    Case {
        name,
        path,
        text,
        expected,
    }
}

fn cases() -> Vec<Case> {
    vec![
        case(
            "from_legacy_module",
            "app/a.py",
            "from app.legacy_engine import UserEngine\n",
            vec![d("SSOT001", 1, 31, 1, 41)],
        ),
        case(
            "from_reexport_shim_and_shim_of_shim",
            "app/a.py",
            "from app.shim import UserEngine\nfrom app.shim2 import UserEngine\n",
            vec![d("SSOT001", 1, 22, 1, 32), d("SSOT001", 2, 23, 2, 33)],
        ),
        case(
            "from_package_init",
            "app/a.py",
            "from app.engine import UserEngine\nfrom app import engine\n",
            vec![d("SSOT001", 1, 24, 1, 34)],
        ),
        case(
            "parenthesised_multiline_list_with_comments",
            "app/a.py",
            "from app.legacy_engine import (  # legacy\n    Thing,  # UserEngine here is a comment\n    # UserEngine,\n    UserEngine,  # the real one\n)\n",
            vec![d("SSOT001", 4, 5, 4, 15)],
        ),
        case(
            "backslash_continuation",
            "app/a.py",
            "from app.legacy_engine \\\n    import \\\n    UserEngine\nimport app.old_utils, \\\n    os\n",
            vec![d("SSOT001", 3, 5, 3, 15), d("SSOT003", 4, 8, 4, 21)],
        ),
        case(
            "aliases",
            "app/a.py",
            "from app.engine.user_engine import UserEngine as UE\nfrom app.engine.user_engine import UserEngine as UserEngine\nfrom app.engine.user_engine import Session as S\nfrom app.legacy_engine import UserEngine as Legacy\n",
            vec![d("SSOT002", 1, 36, 1, 52), d("SSOT001", 4, 31, 4, 41)],
        ),
        case(
            "relative_imports_at_several_depths: app/a.py",
            "app/a.py",
            "from .legacy_engine import UserEngine\nfrom . import old_utils\n",
            vec![d("SSOT001", 1, 28, 1, 38), d("SSOT003", 2, 15, 2, 24)],
        ),
        case(
            "relative_imports_at_several_depths: app/sub/deep/m.py",
            "app/sub/deep/m.py",
            "from ...legacy_engine import UserEngine\nfrom ...engine.user_engine import UserEngine as E\n",
            vec![d("SSOT001", 1, 30, 1, 40), d("SSOT002", 2, 35, 2, 50)],
        ),
        // The canonical module, reached relatively, is fine.
        case(
            "relative_imports_at_several_depths: app/engine/b.py",
            "app/engine/b.py",
            "from .user_engine import UserEngine\n",
            vec![],
        ),
        // A package __init__ importing relatively from a sibling package.
        case(
            "relative_imports_at_several_depths: app/sub/__init__.py",
            "app/sub/__init__.py",
            "from ..shim import UserEngine\n",
            vec![d("SSOT001", 1, 20, 1, 30)],
        ),
        case(
            "imports_inside_try_type_checking_functions_and_classes",
            "app/a.py",
            "\
from typing import TYPE_CHECKING
try:
    from app.legacy_engine import UserEngine
except ImportError:
    UserEngine = None
if TYPE_CHECKING:
    from app.shim import UserEngine
def build():
    from app.engine import UserEngine
    return UserEngine()
class Holder:
    from app.legacy_engine import Engine
",
            vec![
            d("SSOT001", 3, 35, 3, 45),
            d("SSOT001", 7, 26, 7, 36),
            d("SSOT001", 9, 28, 9, 38),
            d("SSOT001", 12, 35, 12, 41),
        ],
        ),
        case(
            "ssot002_to_ssot004_inside_type_checking_functions_and_try",
            "app/a.py",
            "\
from typing import TYPE_CHECKING
from unittest import mock
if TYPE_CHECKING:
    from app.old_utils import slugify
    from app.engine.user_engine import UserEngine as UE
def build():
    from app.old_utils import slugify
    from app.engine.user_engine import UserEngine as UE
    try:
        import app.old_utils as ou
    except ImportError:
        ou = None
    return mock.patch(\"app.old_utils.slugify\")
",
            vec![
            d("SSOT003", 4, 31, 4, 38),
            d("SSOT002", 5, 40, 5, 56),
            d("SSOT003", 7, 31, 7, 38),
            d("SSOT002", 8, 40, 8, 56),
            d("SSOT003", 10, 16, 10, 29),
            d("SSOT004", 13, 23, 13, 46),
        ],
        ),
        case(
            "star_imports",
            "app/a.py",
            "from app.legacy_engine import *\nfrom app.old_utils import *\nfrom app.engine.user_engine import *\n",
            vec![d("SSOT001", 1, 31, 1, 32), d("SSOT003", 2, 27, 2, 28)],
        ),
        case(
            "legacy_name_of_a_renamed_symbol",
            "app/a.py",
            "from app.legacy_engine import Engine\nfrom app.engine.user_engine import Engine\n",
            vec![d("SSOT001", 1, 31, 1, 37), d("SSOT001", 2, 36, 2, 42)],
        ),
        case(
            "legacy_module_forms",
            "app/a.py",
            "import app.old_utils\nimport app.old_utils as ou\nfrom app import old_utils\nfrom app.old_utils import slugify, other\nimport app.utils.text\n",
            vec![
            d("SSOT003", 1, 8, 1, 21),
            d("SSOT003", 2, 8, 2, 21),
            d("SSOT003", 3, 17, 3, 26),
            d("SSOT003", 4, 27, 4, 34),
            d("SSOT003", 4, 36, 4, 41),
        ],
        ),
        case(
            "legacy_path_strings",
            "app/t.py",
            "\
\"\"\"Patch app.legacy_engine.UserEngine in tests.\"\"\"
import importlib
from unittest import mock
mock.patch(\"app.legacy_engine.UserEngine\")
mock.patch(r'app.legacy_engine.UserEngine.run')
importlib.import_module('app.old_utils')
__import__(\"app.old_utils.sub\")
x = f\"app.old_utils\"
y = \"app.legacy_engine is old\"
z = b\"app.old_utils\"
w = \"app.engine.user_engine.UserEngine\"
",
            vec![
            d("SSOT004", 4, 12, 4, 42),
            d("SSOT004", 5, 12, 5, 47),
            d("SSOT004", 6, 25, 6, 40),
            d("SSOT004", 7, 12, 7, 31),
        ],
        ),
        case(
            "unresolved_first_party_imports",
            "app/a.py",
            "\
from app.missing import x
import app.utils.gone
from app.utils import text
from app import utils, nsdir
import app.nsdir.mod
from .missing_rel import y
import os, requests
try:
    from app.optional import z
except ImportError:
    z = None
",
            vec![
            d("SSOT005", 1, 6, 1, 17),
            d("SSOT005", 2, 8, 2, 22),
            d("SSOT005", 6, 6, 6, 18),
            // Guarded: a first-party module does not come and go with the environment.
            d("SSOT005", 9, 10, 9, 22),
        ],
        ),
        case(
            "look_alikes_are_not_flagged",
            "app/a.py",
            "\
# from app.legacy_engine import UserEngine
\"\"\"from app.legacy_engine import UserEngine\"\"\"
from app.engine.user_engine import UserEngine
from app.other import UserEngineConfig
from thirdparty.engines import UserEngine as ThirdPartyEngine
s = \"from app.legacy_engine import UserEngine\"
t = \"UserEngine\"
def f(x):
    \"\"\"import app.old_utils\"\"\"
    return x.UserEngine, x.legacy_engine.UserEngine
",
            vec![],
        ),
        case(
            "noqa_suppresses_on_the_flagged_line_or_the_statements_first_line",
            "app/a.py",
            "\
from app.legacy_engine import UserEngine  # noqa: SSOT001
from app.legacy_engine import UserEngine  # noqa
from app.legacy_engine import UserEngine  # noqa: SSOT002
from app.legacy_engine import (  # noqa: SSOT001
    UserEngine,
)
from app.legacy_engine import (
    Engine,  # NOQA:SSOT001
    UserEngine,
)
",
            vec![d("SSOT001", 3, 31, 3, 41), d("SSOT001", 9, 5, 9, 15)],
        ),
        case(
            "per_file_ignores",
            "app/generated/g.py",
            "from app.legacy_engine import UserEngine\nimport app.old_utils\n",
            vec![d("SSOT003", 2, 8, 2, 21)],
        ),
        case(
            "syntax_error_halfway_still_checks_above_and_below",
            "app/a.py",
            "\
from app.legacy_engine import UserEngine
def broken(:
    pass
x = = 2
from app.shim import UserEngine
import app.old_utils
",
            vec![
            d("SSOT001", 1, 31, 1, 41),
            d("SSOT000", 2, 12, 2, 12),
            d("SSOT000", 4, 5, 4, 6),
            d("SSOT001", 5, 22, 5, 32),
            d("SSOT003", 6, 8, 6, 21)
        ],
        ),
        case(
            "empty_file_and_non_ascii_columns: app/a.py",
            "app/a.py",
            "",
            vec![],
        ),
        case(
            "empty_file_and_non_ascii_columns: app/b.py",
            "app/b.py",
            "é = \"😀\"; from app.legacy_engine import UserEngine\n",
            vec![d("SSOT001", 1, 40, 1, 50)],
        ),
        case(
            "attribute_access_through_a_legacy_module",
            "app/a.py",
            "\
import app.legacy_engine as le
import app.engine.user_engine as ue
import app
x = le.UserEngine()
y = ue.UserEngine()
z = app.UserEngine  # a parent package, as `from app import UserEngine` would be
def f(engine: le.Engine) -> None:
    return engine.le.UserEngine  # an attribute of an attribute: not a module access
",
            vec![
            d("SSOT001", 4, 5, 4, 18),
            d("SSOT001", 6, 5, 6, 19),
            d("SSOT001", 7, 15, 7, 24)
        ],
        ),
    ]
}

#[test]
fn import_cases() {
    common::run_cases(
        &cases(),
        |c| c.name,
        |c| assert_eq!(Fixture::new().check(c.path, c.text), c.expected),
    );
}

#[test]
fn five_megabyte_file() {
    let f = Fixture::new();
    let mut text = String::from("from app.legacy_engine import UserEngine\n");
    let filler = "def function_{}(argument):\n    return argument * 2  # UserEngine\n";
    let mut i = 0;
    while text.len() < 5 * 1024 * 1024 {
        text.push_str(&filler.replace("{}", &i.to_string()));
        i += 1;
    }
    text.push_str("import app.old_utils\n");
    let rows = text.lines().count();
    assert_eq!(
        f.check("app/big.py", &text),
        vec![d("SSOT001", 1, 31, 1, 41), d("SSOT003", rows, 8, rows, 21)]
    );
}
