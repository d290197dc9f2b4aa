//! Unit tests of the module index: primed and read bindings agree, lent chunks answer
//! as reading does, module-level bindings equal those of a whole parse, class chunks are
//! found by exact name.

use super::{defines_class, FsFiles, ModuleIndex};
use crate::python;
use std::sync::Arc;

/// The server primes a module from its open document's facts: what it memoises must
/// be what reading the same text would give.
#[test]
fn primed_bindings_equal_those_read_from_the_same_text() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = tmp.path();
    let write = |rel: &str, text: &str| {
        std::fs::create_dir_all(root.join("app")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(root.join(rel), text).unwrap_or_else(|e| panic!("{e}"));
    };
    let shim = "from . import engine as _e\nfrom app.core import *\nEngine = _e.Engine\n\
                class Local:\n    pass\ndef helper():\n    pass\n";
    write("app/__init__.py", "");
    write("app/engine.py", "class Engine:\n    pass\n");
    write("app/core.py", "");
    write("app/shim.py", shim);
    let summary = |index: &ModuleIndex| {
        let defined = index.defined_names("app.shim");
        let mut defined: Vec<(String, bool)> =
            defined.iter().map(|(n, c)| (n.clone(), *c)).collect();
        defined.sort();
        (
            index.reexports("app.shim", "Engine", "app.engine.Engine"),
            index.imported_names("app.shim").get("_e").cloned(),
            index.star_imports("app.shim").to_vec(),
            defined,
        )
    };
    let read = ModuleIndex::new(vec![root.to_path_buf()], None, Arc::new(FsFiles));
    let expected = (
        true,
        Some("app.engine".to_string()),
        vec!["app.core".to_string()],
        vec![("Local".to_string(), true), ("helper".to_string(), false)],
    );
    assert_eq!(summary(&read), expected);
    // On disk the shim is now empty: only the primed facts can answer.
    write("app/shim.py", "");
    let primed = ModuleIndex::new(vec![root.to_path_buf()], None, Arc::new(FsFiles));
    let name = python::ModuleName {
        name: "app.shim".to_string(),
        is_package: false,
    };
    primed.prime("app.shim", &python::analyze(shim, Some(&name)), shim);
    assert_eq!(summary(&primed), expected);
    primed.forget("app.shim");
    assert!(!primed.reexports("app.shim", "Engine", "app.engine.Engine"));
    assert!(primed.defined_names("app.shim").is_empty());
}

/// The bindings read with bodies blanked ([`super::bindings::module_level_facts`])
/// equal those of a whole parse: on traps (imports and assignments under `if`/`try`,
/// in class bodies and functions, tables, star imports; a text the recognizer is
/// unsure of) and on a sample of CPython's standard library.
#[test]
fn module_level_bindings_equal_those_of_a_whole_parse() {
    use super::bindings::{bindings_of, module_level_facts};
    let name = python::ModuleName {
        name: "app.shim".to_string(),
        is_package: false,
    };
    let same = |text: &str| {
        let whole = bindings_of(&python::analyze(text, Some(&name)), text);
        let reduced = bindings_of(&module_level_facts(text, &name, None, None).0, text);
        let fields =
            |b: &super::Bindings| (b.imported.clone(), b.assigned.clone(), b.stars.clone());
        fields(&whole) == fields(&reduced)
    };
    let traps = "import app.core\nfrom . import engine as _e\n\
                 try:\n    from app.fast import Fast\nexcept ImportError:\n    Fast = _e.Slow\n\
                 if app.core.FLAG:\n    from app.core import *\n    def f():\n        from x import y\n\
                 \x20       Fast = y.Fast\n    Engine = _e.Engine\n\
                 class C:\n    from app import other as Other\n    Alias = Other.Thing\n\
                 TABLE = {\n    'a': 1,\n    'b': 2,\n    'c': 3,\n    'd': 4,\n}\n\
                 @decorate(app.core.X)\ndef g():\n    global Core\n    Core = app.core.Core\n    run()\n\
                 Core = app.core.Core\nA, B = _e.A, _e.B\n";
    assert!(same(traps));
    let whole = python::analyze(traps, Some(&name));
    let reduced = module_level_facts(traps, &name, None, None).0;
    assert!(
        reduced.defs.calls.len() < whole.defs.calls.len(),
        "bodies were blanked"
    );
    assert!(same(
        "from . import engine as _e\nclass A:b:\n    pass\nEngine = _e.Engine\n"
    ));

    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['stdlib'])",
        ])
        .output()
        .unwrap_or_else(|e| panic!("python3 runs: {e}"));
    let root = std::path::PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    let mut files: Vec<std::path::PathBuf> = walkdir(&root);
    files.sort();
    assert!(files.len() > 500, "{} stdlib files", files.len());
    for path in files.iter().step_by(10) {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        assert!(same(&text), "{}", path.display());
    }
}

/// The `.py` files under `root` (no test data or site-packages).
fn walkdir(root: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                if !matches!(
                    name.as_str(),
                    "site-packages" | "dist-packages" | "__pycache__"
                ) {
                    dirs.push(path);
                }
            } else if name.ends_with(".py") {
                files.push(path);
            }
        }
    }
    files
}

#[test]
fn a_class_chunk_is_found_by_its_exact_name() {
    assert!(defines_class("class Style:\n    pass\n", "Style"));
    assert!(defines_class("class Style(Base, metaclass=M):\n", "Style"));
    assert!(defines_class("class Box[T]:\n", "Box"));
    assert!(defines_class(
        "@dataclass(\n    frozen=True,\n)\nclass Money:\n    amount: int\n",
        "Money"
    ));
    assert!(!defines_class("class StyleStack:\n", "Style"));
    assert!(!defines_class("classify = Style()\n", "Style"));
    assert!(!defines_class(
        "@cache\ndef Style():\n    class Style: ...\n",
        "Style"
    ));
    assert!(!defines_class("if True:\n    class Style: ...\n", "Style"));
}

/// The CLI's check lends the index its chunks and verdicts of a text the recognizer does
/// not accept whole (`ModuleIndex::lend`): what the index then answers is what reading
/// the file gives, and a lent text the file no longer holds is not used.
#[test]
fn lent_chunks_answer_as_reading_and_only_for_the_lent_text() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = tmp.path();
    std::fs::create_dir_all(root.join("app")).unwrap_or_else(|e| panic!("{e}"));
    let big =
        "from app.engine import Engine as E\nx = `1`\nif flag:\n    class Hidden(E):\n        \
               _instance = None\nclass Top(E):\n    def __init__(self):\n        self.n = 0\n\
               class Broken(:\n    pass\ndef helper():\n    pass\n";
    let path = root.join("app/big.py");
    for (rel, text) in [
        ("app/__init__.py", ""),
        ("app/engine.py", "class Engine:\n    pass\n"),
        ("app/big.py", big),
    ] {
        std::fs::write(root.join(rel), text).unwrap_or_else(|e| panic!("{e}"));
    }
    let summary = |index: &ModuleIndex| {
        let mut defined: Vec<(String, bool)> = index
            .defined_names("app.big")
            .iter()
            .map(|(n, c)| (n.clone(), *c))
            .collect();
        defined.sort();
        (
            defined,
            index.imported_names("app.big").get("E").cloned(),
            index.class_summary("app.big.Top"),
            index.class_summary("app.big.Hidden"),
        )
    };
    let new = || ModuleIndex::new(vec![root.to_path_buf()], None, Arc::new(FsFiles));
    let expected = summary(&new());
    assert!(expected.0.contains(&("Hidden".to_string(), true)));
    assert_eq!(expected.1.as_deref(), Some("app.engine.Engine"));
    assert_eq!(
        expected.2.as_ref().map(|s| s.bases.clone()),
        Some(vec!["app.engine.Engine".to_string()])
    );
    let verdicts = python::ChunkVerdicts::of(big);
    assert!(verdicts.unsure.iter().filter(|&&u| u).count() >= 2);
    let unsure_defined: Vec<_> = verdicts
        .unsure_chunks()
        .into_iter()
        .map(|c| super::defined_of(&python::analyze_chunk(&big[c.clone()], None), &big[c]))
        .collect();
    let lent = new();
    lent.lend(&path, big, verdicts.clone(), unsure_defined);
    assert_eq!(summary(&lent), expected);
    // What is lent is what answers (a planted definition shows it)...
    let planted = || {
        let mut defined = vec![super::DefinedNames::new(); verdicts.unsure_chunks().len()];
        defined[0].insert("Planted".to_string(), true);
        defined
    };
    let used = new();
    used.lend(&path, big, verdicts.clone(), planted());
    assert!(used.defined_names("app.big").contains_key("Planted"));
    // ...but only while the file holds the lent text.
    let stale = new();
    let edited = format!("{big}\n");
    stale.lend(&path, &edited, verdicts.clone(), planted());
    assert!(!stale.defined_names("app.big").contains_key("Planted"));
}
