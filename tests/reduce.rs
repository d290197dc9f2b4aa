//! The body reducer (src/reduce.rs) must never change a result: `ssotlint check` with and
//! without it (`--no-fast-path`) prints byte-identical JSON on the demo project, a synthetic
//! corpus and hand-written lexical traps; and on a fixed sample of the installed CPython
//! standard library the reduced text never parses with more errors than the original,
//! and lints to the same diagnostics.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use ssotlint::config::Settings;
use ssotlint::lint::{lint_text, lint_with, LintOptions};
use ssotlint::prefilter::{body_needles, BodyNeedles};
use ssotlint::reduce::{Reduced, Reducer};
use ssotlint::rules::registry::RuleSelection;

/// `ssotlint check . --output-format json` in `dir`, with and without the reducer:
/// (stdout reduced, stdout full, exit code reduced, exit code full).
fn both(dir: &Path, extra: &[&str]) -> (String, String, i32, i32) {
    let run = |no_reduce: bool| {
        let mut cmd = common::command();
        // SSOT000 reads every body, so with it on the reducer would blank nothing.
        cmd.args([
            "check",
            ".",
            "--output-format",
            "json",
            "--ignore",
            "SSOT000",
        ])
        .args(extra)
        .current_dir(dir);
        if no_reduce {
            cmd.arg("--no-fast-path");
        }
        let out = cmd.output().expect("run ssotlint");
        (common::stdout(&out), common::code(&out))
    };
    let (reduced, rc_reduced) = run(false);
    let (full, rc_full) = run(true);
    (reduced, full, rc_reduced, rc_full)
}

fn assert_same(dir: &Path, extra: &[&str]) -> usize {
    let (reduced, full, rc_reduced, rc_full) = both(dir, extra);
    assert_eq!(rc_reduced, rc_full);
    assert_eq!(
        reduced,
        full,
        "reduced and full checks differ in {}",
        dir.display()
    );
    let values: Vec<serde_json::Value> = serde_json::from_str(&full).expect("json output");
    values.len()
}

#[test]
fn demo_project_is_unchanged() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/demo");
    let found = assert_same(&demo, &[]);
    assert!(found > 10, "the demo has findings: {found}");
}

#[test]
fn synthetic_corpus_is_unchanged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("corpus");
    let status = Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/gen_corpus.py"))
        .arg(&out)
        .args(["--files", "300"])
        .output()
        .expect("run gen_corpus.py");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let found = assert_same(&out, &[]);
    assert!(found > 30, "the corpus has planted findings: {found}");
    // Each rule family alone selects different needles.
    for select in [
        "SSOT001,SSOT004",
        "SSOT102",
        "SSOT103",
        "SSOT104",
        "SSOT105",
        "SSOT201",
        "SSOT202,SSOT301",
        "SSOT101",
    ] {
        assert_same(&out, &["--select", select]);
    }
}

const CONFIG: &str = r#"
[project]
src = ["."]
first-party = ["app"]

[canonical]
"app.engine.Engine" = { legacy-modules = ["app.old_engine"], legacy-names = ["OldEngine"] }

[legacy-modules]
"app.legacy" = "app.modern"

[singletons]
isolated = ["app.engine.Engine"]

[factories."app.factory.EngineFactory"]
builds = ["app.engine.Engine"]
methods = ["create_instance"]
"#;

/// Lexical traps: every body here either holds a finding that must survive or text that
/// looks like a definition, a colon, a comment or a bracket without being one.
const TRAPS: &[(&str, &str)] = &[
    ("app/__init__.py", ""),
    ("app/engine.py", "class Engine:\n    def run(self):\n        return 1\n"),
    ("app/factory.py", "class EngineFactory:\n    def build(self):\n        return 1\n"),
    ("app/modern.py", "X = 1\n"),
    (
        "app/strings.py",
        "def f():\n    s = \"def g(): # not a comment\"\n    t = '''\ndef h():\n    x = (\n'''\n    return s, t\n\
         \nclass C:\n    def m(self):\n        return f\"{self!r:>{10}} {'}'} {{def}}\"\n\
         \n    def n(self):\n        patch(\"app.legacy.thing\")\n\
         \ndef after():\n    return rb'\\'' + Rb\"\\\"\" + u'x' + fr'{1}\\{2}'\n",
    ),
    (
        "app/nested.py",
        "import functools\n\ndef outer():\n    def inner():\n        global _engine\n        _engine = Engine()\n    x = [\n1,\n  2]\n    y = 1 + \\\n  2\n    return inner\n\
         \nclass Holder:\n    _instance = None\n\n    def __new__(cls):\n        if cls._instance is None:\n            cls._instance = super().__new__(cls)\n        return cls._instance\n\
         \n    def plain(self):\n        return [i for i in range(3)]\n\
         \n    @classmethod\n    def shared(cls):\n        cls._shared = cls()\n        return cls._shared\n\
         \ndef make():\n    class Inner(metaclass=SingletonMeta):\n        pass\n    @functools.lru_cache\n    def get():\n        return Engine()\n    return get\n\
         \nfrom app.engine import Engine\n",
    ),
    (
        "app/aliases.py",
        "from functools import lru_cache as memo\nfrom app.engine import Engine as E\n\
         \ndef build():\n    return E()\n\
         \nclass K:\n    @memo\n    def get(self):\n        return E()\n\
         \n    def keep(self):\n        import app.old_engine\n        return 1\n",
    ),
    (
        "app/tabs.py",
        "def f():\n\tif True:\n\t\treturn Engine()\n\treturn None\n\nclass T:\n\tdef m(self):\n\t\tglobal g\n\t\tg = Engine()\n\ndef one(): pass\nasync def a():\n    await x\n\n@decorator(\n    arg=1,\n)\nasync def b():\n    async with c as d:\n        return d\nfrom app.engine import Engine\n",
    ),
    (
        "app/crlf.py",
        "def f():\r\n    x = Engine()\r\n    return x\r\n\r\nclass C:  # noqa: SSOT105\r\n    def g(self):\r\n        import app.legacy\r\n        return 1\r\n\r\n@singleton\r\nclass S:\r\n    def m(self):\r\n        return 2\r\nfrom app.engine import Engine\r\n",
    ),
    (
        "app/broken.py",
        "def f():\n    x = (1,\n\ndef g():\n    return Engine()\n",
    ),
];

fn write_traps() -> tempfile::TempDir {
    let dir = common::project(TRAPS);
    common::write(&dir.path().join("ssotlint.toml"), CONFIG);
    dir
}

#[test]
fn lexical_traps_are_unchanged() {
    let dir = write_traps();
    let found = assert_same(dir.path(), &[]);
    assert!(found >= 8, "the traps hold findings: {found}");
    for select in [
        "SSOT004", "SSOT102", "SSOT103", "SSOT104", "SSOT201", "SSOT3",
    ] {
        assert_same(dir.path(), &["--select", select]);
    }
}

/// SSOT201 resolves a callee only when the reducer keeps its body: its written name is
/// the tail of a class a factory builds (`UserEngine(…)`, `m.UserEngine(…)`) or an alias
/// the file binds to one (`… import UserEngine as UE`, and aliases of those). A class
/// re-exported under another name (`from app.engine import Engine as Motor` in a shim)
/// was followed only in files with some aliased import, where the reducer had blanked
/// the body: the fast path lost the finding (issue 11). Both paths now agree, with the
/// findings at exact places.
#[test]
fn factory_bypass_is_found_alike_with_and_without_the_fast_path() {
    let dir = common::project(&[
        ("app/__init__.py", ""),
        ("app/engine.py", "class Engine:\n    pass\n"),
        (
            "app/factory.py",
            "class EngineFactory:\n    def create_instance(self):\n        pass\n",
        ),
        ("app/shim.py", "from app.engine import Engine as Motor\n"),
        (
            "app/user.py",
            "import os as o\nfrom app import shim\nfrom app.shim import Motor\n\
             from app.engine import Engine as E\nfrom app import engine\n\
             \ndef build():\n    return Motor()\n\
             \ndef attribute():\n    return shim.Motor()\n\
             \ndef aliased():\n    return E()\n\
             \ndef dotted():\n    return engine.Engine()\n\
             \nCWD = o.getcwd()\n",
        ),
    ]);
    common::write(
        &dir.path().join("ssotlint.toml"),
        "[project]\nsrc = [\".\"]\nfirst-party = [\"app\"]\n\
         [factories.\"app.factory.EngineFactory\"]\nbuilds = [\"app.engine.Engine\"]\n\
         methods = [\"create_instance\"]\n",
    );
    let (reduced, full, rc_reduced, rc_full) = both(dir.path(), &["--select", "SSOT201"]);
    assert_eq!((rc_reduced, rc_full), (1, 1));
    assert_eq!(reduced, full);
    assert_findings(&full, &[("SSOT201", 14, 12), ("SSOT201", 17, 12)]);
}

/// The reducer does blank bodies in the traps (the equivalence above is not vacuous),
/// and keeps offsets and line breaks.
#[test]
fn lexical_traps_are_reduced_in_place() {
    // Every rule but SSOT000, which reads every body (no reducer when it is on).
    let everything = RuleSelection {
        ignore: vec!["SSOT000".into()],
        ..RuleSelection::default()
    };
    let settings = Settings::default();
    let needles = body_needles(&settings, &everything).expect("known rules");
    let reducer = Reducer::new(&needles);
    let mut reduced_files = 0;
    for (path, text) in TRAPS {
        let Some(reduced) = reducer.reduce(text).map(|r| r.text) else {
            continue;
        };
        reduced_files += usize::from(reduced != *text);
        assert_eq!(reduced.len(), text.len(), "{path}");
        let breaks = |s: &str| -> Vec<usize> {
            s.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n' || *b == b'\r')
                .map(|(i, _)| i)
                .collect()
        };
        assert_eq!(breaks(&reduced), breaks(text), "{path}");
        let errors = ssotlint::python::analyze(&reduced, None)
            .syntax_errors
            .len();
        assert_eq!(errors, 0, "{path}: {reduced}");
    }
    assert!(reduced_files >= 4, "reduced {reduced_files} files");
    // The broken file is left alone.
    assert!(reducer.reduce(TRAPS[TRAPS.len() - 1].1).is_none());
    // Blanked here: bodies without needles. Kept: `__new__`, the classmethod, the global.
    let nested = TRAPS
        .iter()
        .find(|(p, _)| *p == "app/nested.py")
        .expect("nested")
        .1;
    let reduced = reducer.reduce(nested).expect("reduced").text;
    assert!(!reduced.contains("range(3)"));
    assert!(reduced.contains("cls._instance = super().__new__(cls)"));
    assert!(reduced.contains("cls._shared = cls()"));
    assert!(reduced.contains("_engine = Engine()"));
    assert!(reduced.contains("return Engine()"));
}

/// Bodies whose needles are all read statement by statement (calls, path strings,
/// imports, an alias, a `global` getter) keep only those statements; each finding here
/// stands among statements that are blanked.
const LOCAL: &[(&str, &str)] = &[
    ("app/__init__.py", ""),
    ("app/engine.py", "class Engine:\n    def run(self):\n        return 1\n"),
    ("app/factory.py", "class EngineFactory:\n    def create_instance(self):\n        return 1\n"),
    ("app/modern.py", "X = 1\n"),
    (
        "app/service.py",
        "import app\nfrom app.engine import Engine as E\n\n_engine = None\n\n\
         class Service:\n    \"\"\"Doc.\"\"\"\n    size = 1\n\n    @property\n    def engine(self):\n        x = 1\n        try:\n            e = Engine()\n        except ValueError:\n            e = None\n        return e\n\n    def other(self):\n        return E()\n\n\
         def get_engine():\n    \"\"\"A lazy getter.\"\"\"\n    global _engine\n    total = 0\n    with lock:\n        if _engine is None:\n            from app.engine import Engine\n            _engine = Engine()\n    return _engine\n\n\
         def paths(x):\n    y = x + 1\n    patch(\"app.legacy.thing\")\n    return app.old_engine.Engine\n",
    ),
];

#[test]
fn local_needles_keep_their_statements_and_the_same_findings() {
    let dir = common::project(LOCAL);
    common::write(&dir.path().join("ssotlint.toml"), CONFIG);
    let (reduced, full, rc_reduced, rc_full) = both(dir.path(), &["--unsafe-fixes"]);
    assert_eq!((rc_reduced, rc_full), (1, 1));
    assert_eq!(reduced, full);
    assert_findings(
        &full,
        &[
            ("SSOT002", 2, 24),
            ("SSOT201", 14, 17),
            ("SSOT201", 20, 16),
            ("SSOT110", 29, 13),
            ("SSOT201", 29, 23),
            ("SSOT004", 34, 11),
        ],
    );
    // The reducer did drop the statements no rule reads.
    let settings = ssotlint::config::parse(&dir.path().join("ssotlint.toml"), CONFIG)
        .expect("config")
        .expect("settings");
    let selection = RuleSelection {
        ignore: vec!["SSOT000".into()],
        ..RuleSelection::default()
    };
    let reducer = Reducer::new(&body_needles(&settings, &selection).expect("needles"));
    let text = LOCAL[4].1;
    let reduced = reducer.reduce(text).expect("reduced").text;
    assert_eq!(reduced.len(), text.len());
    for gone in ["x = 1", "size = 1", "total = 0", "y = x + 1", "return e"] {
        assert!(!reduced.contains(gone), "{gone} kept:\n{reduced}");
    }
    for kept in [
        "e = Engine()",
        "with lock:",
        "_engine = Engine()",
        "return _engine",
    ] {
        assert!(reduced.contains(kept), "{kept} blanked:\n{reduced}");
    }
    // `--diff --unsafe-fixes` proposes the same edits on either path.
    let diff = |fast: bool| {
        let mut cmd = common::command();
        cmd.args([
            "check",
            ".",
            "--diff",
            "--unsafe-fixes",
            "--ignore",
            "SSOT000",
        ])
        .current_dir(dir.path());
        if !fast {
            cmd.arg("--no-fast-path");
        }
        let out = cmd.output().expect("run ssotlint");
        (common::stdout(&out), common::code(&out))
    };
    let (fast, slow) = (diff(true), diff(false));
    assert_eq!(fast, slow);
    assert!(
        fast.0.contains("+    patch(\"app.modern.thing\")\n"),
        "{}",
        fast.0
    );
}

fn stdlib_sample(count: usize) -> Vec<PathBuf> {
    let files = common::stdlib_files(&["__pycache__"]);
    assert!(files.len() >= count, "stdlib has {} files", files.len());
    let step = files.len() / count;
    files.into_iter().step_by(step).take(count).collect()
}

/// A fixed sample of ~200 stdlib files: with every body blankable (no needles), the
/// reduced text parses with no more errors than the original; with the needles of the
/// default rules, linting the reduced text gives the same diagnostics.
#[test]
fn stdlib_sample_parses_and_lints_the_same() {
    // Every rule but SSOT000, which reads every body (no reducer when it is on).
    let everything = RuleSelection {
        ignore: vec!["SSOT000".into()],
        ..RuleSelection::default()
    };
    let settings = Settings::default();
    let needles = body_needles(&settings, &everything).expect("known rules");
    let real = Reducer::new(&needles);
    let blank_all = Reducer::new(&BodyNeedles::default());
    let options = LintOptions {
        extend_ignore: vec!["SSOT000".into()],
        ..LintOptions::default()
    };
    let mut reduced_files = 0;
    for path in stdlib_sample(200) {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let original_errors = ssotlint::python::analyze(&text, None).syntax_errors.len();
        if let Some(reduced) = blank_all.reduce(&text) {
            reduced_files += usize::from(reduced.text != text);
            assert_eq!(reduced.text.len(), text.len());
            let errors = ssotlint::python::analyze(&reduced.text, None)
                .syntax_errors
                .len();
            let included = ssotlint::python::analyze_included(
                &reduced.text,
                None,
                &reduced.included,
                &reduced.chunks,
            )
            .expect("ranges accepted")
            .syntax_errors
            .len();
            assert!(
                errors <= original_errors && included <= original_errors,
                "{}: {errors} errors after reduction ({included} parsing only the kept \
                 ranges), {original_errors} before",
                path.display()
            );
        }
        if let Some(reduced) = real.reduce(&text) {
            let key = |linted: ssotlint::Linted| {
                linted
                    .diagnostics
                    .into_iter()
                    .map(|d| (d.rule, d.range, d.message))
                    .collect::<Vec<_>>()
            };
            let (ranges, chunks) = (reduced.included, reduced.chunks);
            let partial = lint_with(&path, reduced.text, &settings, &options, |t, m| {
                ssotlint::python::analyze_included(t, m, &ranges, &chunks).expect("ranges accepted")
            });
            let full = lint_text(&path, text.clone(), &settings, &options);
            assert_eq!(key(partial), key(full), "{}", path.display());
        }
    }
    assert!(reduced_files > 150, "reduced {reduced_files} of 200");
}

/// The body needles of [`CONFIG`] with every rule but SSOT000 enabled.
fn needles_of_every_rule_but_syntax() -> BodyNeedles {
    let settings = ssotlint::config::parse(Path::new("/nonexistent/ssotlint.toml"), CONFIG)
        .expect("config")
        .expect("settings");
    let everything = RuleSelection {
        ignore: vec!["SSOT000".into()],
        ..RuleSelection::default()
    };
    body_needles(&settings, &everything).expect("known rules")
}

/// Needles count only where a rule can read them: `import` as a statement (also after
/// `;`), not in "important" or a comment; a legacy path inside a string literal and
/// whole, not its last segment in code, nor in a docstring or a comment.
#[test]
fn needles_are_precise() {
    let needles = needles_of_every_rule_but_syntax();
    assert!(needles.imports);
    assert!(!needles.exact.iter().any(|n| n == "import" || n == "legacy"));
    assert_eq!(needles.strings, ["app.legacy", "app.old_engine"]);
    let text = "def a():\n    \"\"\"Important: import app.legacy lazily.\"\"\"\n    # from app.old_engine import thing\n    return legacy.run()\n\
                \ndef b():\n    x = 1; import os\n    return x\n\
                \ndef c():\n    patch(\"app.legacy.thing\")\n";
    let reduced = Reducer::new(&needles).reduce(text).expect("reduced").text;
    // `a`'s body goes: blanked in place, line breaks kept, `...` first. Of `b`'s, only
    // the line with the import stays (no other needle is in `b`).
    let body = text.find("\"\"\"").expect("docstring")..text.find("\n\ndef b").expect("b");
    let blank: String = text[body.clone()]
        .chars()
        .map(|c| if c == '\n' { c } else { ' ' })
        .collect();
    let rest = text[body.end..].replacen("    return x\n", "            \n", 1);
    let expected = format!("{}...{}{rest}", &text[..body.start], &blank[3..]);
    assert_eq!(reduced, expected);
}

/// `text` with the bodies of the top-level definitions named in `blanked` blanked the
/// way the reducer does it: line breaks kept, `...` where the first statement stood.
fn blank_bodies(text: &str, blanked: &[&str]) -> String {
    let mut out = text.as_bytes().to_vec();
    let mut offset = 0;
    let lines: Vec<(usize, &str)> = text
        .split_inclusive('\n')
        .map(|l| {
            let at = offset;
            offset += l.len();
            (at, l)
        })
        .collect();
    for (i, &(_, line)) in lines.iter().enumerate() {
        let name = line
            .strip_prefix("def ")
            .or_else(|| line.strip_prefix("class "))
            .and_then(|r| r.split(['(', ':']).next());
        if !name.is_some_and(|n| blanked.contains(&n)) {
            continue;
        }
        let body: Vec<&(usize, &str)> = lines[i + 1..]
            .iter()
            .take_while(|(_, l)| l.starts_with(' '))
            .collect();
        let (Some(first), Some(last)) = (body.first(), body.last()) else {
            continue;
        };
        let start = first.0 + first.1.len() - first.1.trim_start().len();
        let end = last.0 + last.1.trim_end_matches('\n').len();
        for b in &mut out[start..end] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
        out[start..start + 3].copy_from_slice(b"...");
    }
    String::from_utf8(out).expect("ASCII")
}

/// Name needles count as whole identifiers in code, only where a rule reads them: a
/// canonical or legacy name as the attribute of a plain name (SSOT001), a built class
/// called (SSOT201, aliases too), a legacy path as a string's whole dotted path or its
/// first segments (SSOT004), `global` where the function assigns the name (SSOT103),
/// `@classmethod` where the method stores an attribute (SSOT102), a cache decorator on a
/// function of at most one parameter (SSOT104). Everything else goes.
#[test]
fn name_needles_count_only_where_read() {
    let needles = needles_of_every_rule_but_syntax();
    let text = "from app.engine import Engine as E\n\
                def a():\n    return isinstance(x, Engine)\n\
                def b():\n    return EngineConfig()\n\
                def c():\n    return mod.Engine\n\
                def d():\n    return self.mod.Engine\n\
                def e():\n    return Engine (\n        1)\n\
                def f():\n    return getattr(m, \"Engine\")\n\
                def g():\n    return \"app.legacy.thing\"\n\
                def h():\n    return \"app.legacyx\", \"see app.legacy\", f\"app.legacy\"\n\
                def i():\n    global _e\n    if _e is None:\n        _e = make()\n    return _e\n\
                def j():\n    global _e\n    return globals()\n\
                class K:\n    @classmethod\n    def load(cls, p):\n        return cls(p)\n\
                class L:\n    @classmethod\n    def get(cls):\n        cls._i = cls()\n        return cls._i\n\
                def m():\n    return typing.OldEngine\n\
                def n():\n    return E()\n\
                def o():\n    \"\"\"A global as the x: Engine() or mod.Engine.\"\"\"\n    return the  # E()\n\
                @lru_cache(maxsize=9)\ndef p(tenant, key):\n    return make()\n\
                @lru_cache\ndef q(x=lambda a, b: a):\n    return make()\n\
                def cache_key():\n    return make()\n";
    let reduced = Reducer::new(&needles).reduce(text).expect("sound").text;
    // Of the storing classmethod, only its store is read (SSOT102): its return goes.
    let expected = blank_bodies(
        text,
        &["a", "b", "d", "f", "h", "j", "K", "o", "p", "cache_key"],
    )
    .replacen(
        "        return cls._i\n",
        &format!("{}\n", " ".repeat(21)),
        1,
    );
    // The header of `p`, whose body goes, holds nothing a rule reads either.
    let expected = blank_in_order(
        &expected,
        &[("@lru_cache(maxsize=9)", false), ("tenant, key", false)],
    );
    assert_eq!(reduced, expected);
}

/// A `\\` that ends a comment continues nothing: the file is reduced like any other (it
/// was left whole, as after a `\\` continuation, in 7 stdlib files such as
/// `curses/ascii.py`).
#[test]
fn a_comment_ending_in_a_backslash_is_reduced() {
    let needles = needles_of_every_rule_but_syntax();
    let text = "X = 1  # ^\\\ndef a():\n    y = 2  # \\\n    return y\nZ = 3\n";
    let reduced = Reducer::new(&needles).reduce(text).expect("sound").text;
    // The body and the module-level statements no rule reads are blanked.
    assert_eq!(
        reduced,
        "           \ndef a():\n    ...       \n            \n     \n"
    );
}

/// SSOT001 reads a legacy name reached as an attribute of an imported module
/// (`import old` … `old.Motor`) in a body as at module level: the body is kept although
/// the legacy name does not contain the canonical one.
#[test]
fn legacy_names_as_attributes_are_read_in_bodies() {
    let dir = common::project(&[
        ("a/__init__.py", ""),
        ("a/b.py", "class Engine:\n    pass\n"),
        ("old/__init__.py", "from a.b import Engine as Motor\n"),
        (
            "use.py",
            "import old\n\ny = old.Motor\n\ndef g():\n    return old.Motor\n",
        ),
    ]);
    common::write(
        &dir.path().join("ssotlint.toml"),
        "[project]\nsrc = [\".\"]\n[canonical]\n\"a.b.Engine\" = { legacy-modules = [\"old\"], legacy-names = [\"Motor\"] }\n",
    );
    let found = assert_same(dir.path(), &["--select", "SSOT001"]);
    assert_eq!(found, 2);
}

/// With SSOT000 on, a text the recognizer is unsure of (a Python 2 `print`) that
/// tree-sitter parses cleanly takes the fast path, and one with a syntax error is linted
/// whole: both print what the full parse prints, exactly.
#[test]
fn texts_the_recognizer_is_unsure_of_lint_the_same() {
    let py2 =
        "def f():\n    print \"x\"\n    from app.old_engine import Engine\n    return Engine()\n\
               \ndef g():\n    return 1\n";
    assert!(!ssotlint::python::recognize::certainly_valid(
        py2,
        &ssotlint::python::scan::tokenize(py2)
    ));
    assert!(!ssotlint::python::parse(py2).root_node().has_error());
    let dir = common::project(&[
        ("app/__init__.py", ""),
        ("app/engine.py", "class Engine:\n    pass\n"),
        ("app/py2.py", py2),
        (
            "app/broken.py",
            "from app.old_engine import Engine\n\ndef f(:\n    return 1\n",
        ),
    ]);
    common::write(&dir.path().join("ssotlint.toml"), CONFIG);
    let fast = fast_equals_whole(dir.path());
    assert_eq!(
        fast,
        (
            "app/broken.py:1:28: SSOT001 `Engine` imported from `app.old_engine`; its canonical module is `app.engine`\n\
             app/broken.py:3:7: SSOT000 syntax error: a token is missing here\n\
             app/py2.py:3:32: SSOT001 `Engine` imported from `app.old_engine`; its canonical module is `app.engine`\n\
             Found 3 diagnostics in 2 files (4 checked).\n"
                .to_string(),
            1
        )
    );
}

/// A text with a syntax error is not parsed whole: its broken chunk is (as `analyze`
/// parses every chunk on its own), the rest is reduced with that chunk blanked out, and
/// an alias the broken chunk's import binds (`E`) keeps the body that uses it (without
/// it, the fast path lost the SSOT201 at 12:12). A chunk the recognizer refuses though
/// tree-sitter accepts it (a Python 2 backtick) is parsed alone the same way while the
/// rest of its file is reduced. Findings are exact and equal to `--no-fast-path`'s.
#[test]
fn unsure_chunks_are_parsed_alone_and_the_rest_reduced() {
    let mixed = "import os\n\n\ndef helper():\n    return os.getcwd()\n\n\n\
                 from app.engine import Engine as E; x = = 1\n\n\n\
                 def build():\n    return E()\n\n\n\
                 def other():\n    from app.legacy import thing\n    return thing\n";
    let ticks = "from app.engine import Engine as Motor\n\n\ndef py2():\n    return `1`\n\n\n\
                 def build():\n    return Motor()\n\n\ndef idle():\n    return 2\n";
    let unsure = |text: &str| {
        let chunks = ssotlint::check::unsure_chunks(text, &ssotlint::python::scan::tokenize(text));
        chunks
            .into_iter()
            .map(|c| text[c].to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        unsure(mixed),
        ["from app.engine import Engine as E; x = = 1\n\n\n"]
    );
    assert_eq!(unsure(ticks), ["def py2():\n    return `1`\n\n\n"]);
    let dir = common::project(&[
        ("app/__init__.py", ""),
        ("app/engine.py", "class Engine:\n    pass\n"),
        (
            "app/factory.py",
            "class EngineFactory:\n    def create_instance(self):\n        pass\n",
        ),
        ("app/mixed.py", mixed),
        ("app/ticks.py", ticks),
    ]);
    common::write(&dir.path().join("ssotlint.toml"), CONFIG);
    let fast = fast_equals_whole(dir.path());
    assert_eq!(
        fast,
        (
            "app/mixed.py:8:24: SSOT002 `Engine` imported as `E`; use the canonical name `Engine`\n\
             app/mixed.py:8:41: SSOT000 syntax error: unexpected `=`\n\
             app/mixed.py:12:12: SSOT201 factory bypass: `app.engine.Engine` constructed directly (`E(...)`); use `EngineFactory.create_instance()`\n\
             app/mixed.py:16:28: SSOT003 `thing` imported from legacy module `app.legacy`; use `app.modern`\n\
             app/ticks.py:1:24: SSOT002 `Engine` imported as `Motor`; use the canonical name `Engine`\n\
             app/ticks.py:9:12: SSOT201 factory bypass: `app.engine.Engine` constructed directly (`Motor(...)`); use `EngineFactory.create_instance()`\n\
             Found 6 diagnostics in 2 files (5 checked).\n"
                .to_string(),
            1
        )
    );
}

/// What `class_summary` reads of a class chunk (`class_state`), from its whole parse and
/// from the chunk reduced by `reduce::classes`, and the reduced text.
fn class_states(chunk: &str) -> (String, String, String) {
    use ssotlint::python::{analyze_chunk, defs::class_state};
    let state = |facts: &ssotlint::python::Facts, text: &str| {
        format!("{:?}", class_state(&facts.defs, 0, text))
    };
    let (facts, reduced) =
        ssotlint::reduce::classes::class_state_facts(chunk).expect("the recognizer accepts it");
    (
        state(&analyze_chunk(chunk, None), chunk),
        state(&facts, &reduced),
        reduced,
    )
}

#[test]
fn class_chunks_keep_what_class_state_reads() {
    let chunk = "\
class A(Base):
    \"\"\"Doc.\"\"\"
    x = 1

    def __init__(self, a):
        self.a = a
        b = compute(a, key=self.a)
        if b:
            self.b = b
        print(self.a)

    def get(self):
        return self.a

    @staticmethod
    def s(x):
        setattr(x, 'a', 1)
";
    let (whole, reduced, text) = class_states(chunk);
    assert_eq!(whole, "ConstructorOnly");
    assert_eq!(reduced, whole);
    assert_eq!(
        text,
        "\
class A(Base):
              
         

    def __init__(self, a):
        self.a = a
        b = compute(a, key=self.a)
        if b:
            self.b = b
                     

    def get(self):
        ...          

    @staticmethod
    def s(x):
        setattr(x, 'a', 1)
"
    );
    // (A line with `self` and an assignment is kept, its target or not: a superset.)
    // A public method that mutates through a kept line; an enum's body becomes `...`.
    let mutable = "class B:\n    def add(self, x):\n        y = x\n        self.items.append(y)\n";
    let (whole, reduced, text) = class_states(mutable);
    assert_eq!((whole.as_str(), reduced.as_str()), ("Mutable", "Mutable"));
    assert_eq!(
        text,
        "class B:\n    def add(self, x):\n             \n        self.items.append(y)\n"
    );
    let (whole, reduced, text) = class_states("class E(Enum):\n    A = 1\n    B = 2\n");
    assert_eq!(
        (whole.as_str(), reduced.as_str()),
        ("Stateless", "Stateless")
    );
    assert_eq!(text, "class E(Enum):\n    ...  \n         \n");
    // Methods inside class-level blocks are reduced too; a one-line `def` stays.
    let blocks = "\
class G:
    def one(self): self.x = 1
    if sys.platform == \"win32\":
        def two(self):
            y = 1
            self.y.add(y)
    else:
        @property
        def three(self):
            return 2
";
    let (whole, reduced, text) = class_states(blocks);
    assert_eq!((whole.as_str(), reduced.as_str()), ("Mutable", "Mutable"));
    assert_eq!(
        text,
        "\
class G:
    def one(self): self.x = 1
    if sys.platform == \"win32\":
        def two(self):
                 
            self.y.add(y)
    else:
        @property
        def three(self):
            ...     
"
    );
    // `slf` is the first parameter, whatever its name; `self` then is no instance.
    let other = "class C:\n    def set(me, v):\n        self.v = v\n        me.v = v\n";
    let (whole, reduced, text) = class_states(other);
    assert_eq!((whole.as_str(), reduced.as_str()), ("Mutable", "Mutable"));
    assert_eq!(
        text,
        "class C:\n    def set(me, v):\n                  \n        me.v = v\n"
    );
}

/// A finding as the reduced and the whole text are compared: code, byte range, message.
type Finding = (&'static str, std::ops::Range<usize>, String);

/// Lint `reduced` (which must parse without errors) and the whole `text` at `path` with
/// [`CONFIG`], assert that they agree, and give the code and 1-based line of each
/// finding, with the findings themselves for failure messages.
fn findings_reduced_and_whole(
    path: &str,
    text: &str,
    reduced: Reduced,
) -> (Vec<(&'static str, usize)>, Vec<Finding>) {
    let settings = ssotlint::config::parse(Path::new("/nonexistent/ssotlint.toml"), CONFIG)
        .expect("config")
        .expect("settings");
    let options = LintOptions {
        extend_ignore: vec!["SSOT000".into()],
        ..LintOptions::default()
    };
    let path = Path::new(path);
    let (ranges, chunks) = (reduced.included, reduced.chunks);
    let errors = ssotlint::python::analyze_included(&reduced.text, None, &ranges, &chunks)
        .expect("ranges accepted")
        .syntax_errors
        .len();
    assert_eq!(errors, 0);
    let key = |linted: ssotlint::Linted| {
        linted
            .diagnostics
            .into_iter()
            .map(|d| (d.rule.spec().code, d.range, d.message))
            .collect::<Vec<_>>()
    };
    let partial = key(lint_with(
        path,
        reduced.text,
        &settings,
        &options,
        |t, m| ssotlint::python::analyze_included(t, m, &ranges, &chunks).expect("ranges accepted"),
    ));
    let full = key(lint_text(path, text.to_string(), &settings, &options));
    assert_eq!(partial, full);
    let found = full
        .iter()
        .map(|(code, range, _)| (*code, text[..range.start].matches('\n').count() + 1))
        .collect();
    (found, full)
}

/// `text` with each of `parts` blanked as the reducer blanks (spaces but for line breaks,
/// `...` first where the flag says a body starts), each part searched after the last.
fn blank_in_order(text: &str, parts: &[(&str, bool)]) -> String {
    let mut out = text.as_bytes().to_vec();
    let mut from = 0;
    for &(part, dots) in parts {
        let at = from + text[from..].find(part).expect("part in text");
        for b in &mut out[at..at + part.len()] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
        if dots {
            out[at..at + 3].copy_from_slice(b"...");
        }
        from = at + part.len();
    }
    String::from_utf8(out).expect("ASCII")
}

/// Headers no rule reads (`reduce/headers.rs`): of a function whose body goes, the
/// parameter list's inside, the return annotation and the decorators, whatever they hold
/// (`/`, `*`, an annotated `self`, a trailing comma, comments, a multi-line list, a
/// `lambda` default, type parameters); of a kept one, the return annotation and, without
/// decorators, the parameters after a plain first one; of a class, its bases. A header
/// with a needle stays whole. What tree-sitter sees parses, and lints to the
/// diagnostics of the whole text.
#[test]
fn headers_keep_only_what_rules_read() {
    let text = "from functools import lru_cache\nfrom app.engine import Engine\n\
                \nclass C:\n    shared = Engine()\n    @property\n    def name(self) -> str:\n        return self._n\n\
                \n    def m(self: \"C\", a, /, b=(1, 2), *args, c: int = 3, **kw,) -> dict[str, int]:\n        return {}\n\
                \ndef f(\n    a,  # first\n    b=lambda x, y: x,\n    *,\n    c: \"app.modern\" = None,\n) -> None:\n    pass\n\
                \ndef g[T: (int, str)](x: T) -> T:\n    return x\n\
                \nasync def h(s=\"def x(): pass\") -> int:\n    return 1\n\
                \ndef k(p=\"app.legacy.thing\"):\n    return p\n\
                \n@lru_cache\ndef get():\n    return Engine()\n\
                \n@lru_cache(maxsize=2)\ndef memo(a, b):\n    return make()\n\
                \ndef keep(self, a, *rest) -> int:\n    return Engine()\n\
                \nclass D(Base, metaclass=Meta):\n    @staticmethod\n    def s(a, b) -> int:\n        return Engine()\n\
                \n_e = Engine()\n";
    let reduced = Reducer::new(&needles_of_every_rule_but_syntax())
        .reduce(text)
        .expect("sound");
    let expected = blank_in_order(
        text,
        &[
            // Methods of a kept class with no hit go whole (`blanks::keep_statements`).
            (
                "    @property\n    def name(self) -> str:\n        return self._n",
                false,
            ),
            (
                "    def m(self: \"C\", a, /, b=(1, 2), *args, c: int = 3, **kw,) -> dict[str, int]:\n        return {}",
                false,
            ),
            (
                "\n    a,  # first\n    b=lambda x, y: x,\n    *,\n    c: \"app.modern\" = None,\n",
                false,
            ),
            (" -> None", false),
            ("pass", true),
            ("x: T", false),
            (" -> T", false),
            ("return x", true),
            ("s=\"def x(): pass\"", false),
            (" -> int", false),
            ("return 1", true),
            ("@lru_cache(maxsize=2)", false),
            ("a, b", false),
            ("return make()", true),
            (", a, *rest", false),
            (" -> int", false),
            ("Base, metaclass=Meta", false),
            (" -> int", false),
        ],
    );
    assert_eq!(reduced.text, expected);
    // SSOT201 on every `Engine()` but the cached one's, SSOT004 on the legacy path,
    // SSOT110 on `get` and `_e`.
    let (found, full) = findings_reduced_and_whole("app/headers.py", text, reduced);
    assert_eq!(
        found,
        [
            ("SSOT201", 5),
            ("SSOT004", 27),
            ("SSOT110", 31),
            ("SSOT201", 32),
            ("SSOT201", 39),
            ("SSOT201", 44),
            ("SSOT110", 46),
            ("SSOT201", 46)
        ],
        "{full:?}"
    );
}

/// Module-level assignments of a call SSOT101 cannot count go
/// (`reduce/statements.rs`): the callee's first name is bound only by absolute imports
/// of modules outside the first-party and listed packages. A name also bound by a
/// first-party or relative import or a `def`, a chain whose last call is no dotted
/// name's, a tuple target, all stay. The reduced text lints to the whole text's
/// diagnostics.
#[test]
fn assignments_of_foreign_calls_go() {
    let text = "import logging\nimport re as regex\nfrom datetime import timedelta\n\
                import json\nfrom app import json\nfrom . import sibling\n\
                from app.engine import Engine\nimport threading, app.util\n\
                \nlogger = logging.getLogger(__name__)\n_RE = regex.compile(\"x\")\n\
                TIMEOUT: timedelta = timedelta(\n    seconds=1,\n)\n_lock = threading.Lock()\n\
                _j = json.loads(\"1\")\n_s = sibling.make()\n_u = app.util.Registry()\n\
                _c = logging.getLogger(\"a\").getChild(\"b\")\na, b = regex.compile(\"y\"), 1\n\
                _m = make()\n_e = Engine()\n\
                \ndef make():\n    return 1\n";
    let reduced = Reducer::new(&needles_of_every_rule_but_syntax())
        .reduce(text)
        .expect("sound");
    let expected = blank_in_order(
        text,
        &[
            ("logger = logging.getLogger(__name__)\n", false),
            ("_RE = regex.compile(\"x\")\n", false),
            (
                "TIMEOUT: timedelta = timedelta(\n    seconds=1,\n)\n",
                false,
            ),
            ("_lock = threading.Lock()\n", false),
            ("return 1", true),
        ],
    );
    assert_eq!(reduced.text, expected);
    let (found, full) = findings_reduced_and_whole("app/module.py", text, reduced);
    assert_eq!(found, [("SSOT110", 22), ("SSOT201", 22)], "{full:?}");
}

/// The JSON output's findings, as code, row and column, are `expected`.
/// `ssotlint check . --output-format concise --no-cache` in `dir` (every rule, SSOT000
/// included), asserted equal to the same with `--no-fast-path`: (stdout, exit code).
fn fast_equals_whole(dir: &Path) -> (String, i32) {
    let run = |extra: &[&str]| {
        let out = common::command()
            .args(["check", ".", "--output-format", "concise", "--no-cache"])
            .args(extra)
            .current_dir(dir)
            .output()
            .expect("run ssotlint");
        (common::stdout(&out), common::code(&out))
    };
    let fast = run(&[]);
    assert_eq!(fast, run(&["--no-fast-path"]));
    fast
}

fn assert_findings(json: &str, expected: &[(&str, u64, u64)]) {
    let values: Vec<serde_json::Value> = serde_json::from_str(json).expect("json output");
    let found: Vec<(&str, u64, u64)> = values
        .iter()
        .map(|v| {
            (
                v["code"].as_str().unwrap_or(""),
                v["location"]["row"].as_u64().unwrap_or(0),
                v["location"]["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(found, expected, "{json}");
}

/// A public method's first statement that starts with `self` and changes it is parsed
/// alone: the class is `Mutable` whatever else it holds. A statement that starts with
/// `self` but changes no attribute of it leaves the class to the full reduction.
#[test]
fn one_mutating_statement_of_a_public_method_decides_alone() {
    let chunk = "\
@register
class C(Base):
    def __init__(self):
        self.n = 0

    @staticmethod
    def make(x):
        x.n = 1

    def bump(self, k):
        y = self.n
        self.n += k
";
    let (whole, reduced, text) = class_states(chunk);
    assert_eq!((whole.as_str(), reduced.as_str()), ("Mutable", "Mutable"));
    let blank = |n: usize| " ".repeat(n);
    let expected = [
        "@register".to_string(),
        "class C(Base):".to_string(),
        blank(23),
        blank(18),
        String::new(),
        blank(17),
        blank(16),
        blank(15),
        String::new(),
        "    def bump(self, k):".to_string(),
        blank(18),
        "        self.n += k".to_string(),
    ];
    assert_eq!(text, expected.join("\n") + "\n");
    // `self, other = …` starts with `self` but assigns no attribute of it: the probe
    // says nothing, and the full reduction finds the constructor's state.
    let unpacking = "\
class D:
    def __init__(self):
        self.n = 0

    def swap(self, other):
        self, other = other, self
";
    let (whole, reduced, text) = class_states(unpacking);
    assert_eq!(
        (whole.as_str(), reduced.as_str()),
        ("ConstructorOnly", "ConstructorOnly")
    );
    assert!(text.contains("self.n = 0"), "{text}");
}
