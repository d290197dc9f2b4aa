//! `python::token_facts`: the facts of a reduced file's chunk read off its tokens must
//! equal tree-sitter's (`compare_token_facts` parses every answered chunk and compares),
//! be exactly the facts written here, and be refused (parsed instead) for every shape
//! not read exactly.

use ssotlint::python::{
    analyze_included, compare_token_facts, CallFact, Facts, ImportKind, ModuleName,
};
use tree_sitter::{Point, Range};

fn module() -> ModuleName {
    ModuleName {
        name: "pkg.sub.mod".to_string(),
        is_package: false,
    }
}

/// The range of `text` from byte `start` (at a line start) to its end.
fn range_from(text: &str, start: usize) -> Range {
    let point = |at: usize| {
        let before = &text[..at];
        let row = before.matches('\n').count();
        let column = at - before.rfind('\n').map_or(0, |i| i + 1);
        Point::new(row, column)
    };
    Range {
        start_byte: start,
        end_byte: text.len(),
        start_point: point(start),
        end_point: point(text.len()),
    }
}

/// How many of `text`'s chunks (starting at 0 and `starts`) were read without
/// tree-sitter, after checking that every answer equals tree-sitter's facts.
fn answered(text: &str, kept_from: usize, starts: &[usize]) -> usize {
    let ranges = [range_from(text, kept_from)];
    let (chunks, answered, mismatches) =
        compare_token_facts(text, Some(&module()), &ranges, starts).expect("sound ranges");
    assert_eq!(chunks, starts.len() + 1, "{text:?}");
    for m in &mismatches {
        eprintln!("kept {:?}\nread {}\nparsed {}", m.kept, m.read, m.parsed);
    }
    assert!(mismatches.is_empty(), "{text:?}");
    answered
}

/// The facts of the chunks, as the CLI's fast path makes them.
fn facts(text: &str, kept_from: usize, starts: &[usize]) -> Facts {
    analyze_included(
        text,
        Some(&module()),
        &[range_from(text, kept_from)],
        starts,
    )
    .expect("sound ranges")
}

/// One import as text: kind, statement, module (level, resolved, as written), names
/// (name, alias, whole), star.
type Shown<'t> = (
    ImportKind,
    &'t str,
    Option<(usize, Option<String>, &'t str)>,
    Vec<(&'t str, Option<&'t str>, &'t str)>,
    Option<&'t str>,
);

fn shown<'t>(text: &'t str, facts: &Facts) -> Vec<Shown<'t>> {
    facts
        .imports
        .iter()
        .map(|i| {
            (
                i.kind,
                &text[i.range],
                i.module.as_ref().map(|m| {
                    (
                        m.level,
                        m.resolved.as_ref().map(|r| r.to_string()),
                        &text[m.range],
                    )
                }),
                i.names
                    .iter()
                    .map(|n| {
                        assert_eq!(n.name.as_str(), &text[n.name_range]);
                        let alias = n.alias.as_ref().map(|(a, span)| {
                            assert_eq!(a.as_str(), &text[*span]);
                            &text[*span]
                        });
                        (&text[n.name_range], alias, &text[n.range])
                    })
                    .collect(),
                i.star.map(|s| &text[s]),
            )
        })
        .collect()
}

/// Imports in every layout: bracketed lists over lines with comments and a trailing
/// comma, `\` continuations, relative modules (resolved from `pkg.sub.mod`), aliases,
/// a star, comments and blank lines around the statement; each chunk is read, and its
/// facts are tree-sitter's and exactly these.
#[test]
fn import_chunks_are_read_exactly() {
    let text = "# header\n\nimport a.b.c as d, e  # trailing\n\n# after\n\
        from ..x.y import (c as dd,  # note\n    e,\n    # lone\n)\n\
        from . import (f)\n\
        from ... import g as h\n\
        from .w import *\n\
        import os \\\n    , sys as \\\n  s\n\
        from m.n import a, b as c\n\
        from . a import z\n";
    let starts: Vec<usize> = [
        "from ..x",
        "from . import",
        "from ...",
        "from .w",
        "import os",
        "from m.n",
        "from . a",
    ]
    .iter()
    .map(|s| text.find(s).expect("statement"))
    .collect();
    assert_eq!(answered(text, 0, &starts), 8);
    let facts = facts(text, 0, &starts);
    let pkg = |m: &str| Some(m.to_string());
    assert_eq!(
        shown(text, &facts),
        vec![
            (
                ImportKind::Import,
                "import a.b.c as d, e",
                None,
                vec![("a.b.c", Some("d"), "a.b.c as d"), ("e", None, "e")],
                None
            ),
            (
                ImportKind::From,
                "from ..x.y import (c as dd,  # note\n    e,\n    # lone\n)",
                Some((2, pkg("pkg.x.y"), "..x.y")),
                vec![("c", Some("dd"), "c as dd"), ("e", None, "e")],
                None
            ),
            (
                ImportKind::From,
                "from . import (f)",
                Some((1, pkg("pkg.sub"), ".")),
                vec![("f", None, "f")],
                None
            ),
            (
                ImportKind::From,
                "from ... import g as h",
                Some((3, None, "...")),
                vec![("g", Some("h"), "g as h")],
                None
            ),
            (
                ImportKind::From,
                "from .w import *",
                Some((1, pkg("pkg.sub.w"), ".w")),
                vec![],
                Some("*")
            ),
            (
                ImportKind::Import,
                "import os \\\n    , sys as \\\n  s",
                None,
                vec![("os", None, "os"), ("sys", Some("s"), "sys as \\\n  s")],
                None
            ),
            (
                ImportKind::From,
                "from m.n import a, b as c",
                Some((0, pkg("m.n"), "m.n")),
                vec![("a", None, "a"), ("b", Some("c"), "b as c")],
                None
            ),
            (
                ImportKind::From,
                "from . a import z",
                Some((1, pkg("pkg.sub.a"), ". a")),
                vec![("z", None, "z")],
                None
            ),
        ]
    );
    // Offsets are the file's: the first import starts after the ten bytes of header.
    assert_eq!(facts.imports[0].range.range(), 10..30);
    assert!(facts.syntax_errors.is_empty() && facts.strings.is_empty());
    assert!(facts.attributes.is_empty() && facts.defs == Default::default());
}

/// A kept range that starts inside the chunk (a blanked line before it) is read with
/// its offsets; `from __future__` is a statement of its own to tree-sitter, with no
/// fact, and is read as such.
#[test]
fn offsets_of_a_later_range_and_future_imports() {
    let text = "x = 1\nfrom q import r\n";
    assert_eq!(answered(text, 6, &[]), 1);
    let read = facts(text, 6, &[]);
    assert_eq!(read.imports[0].range.range(), 6..21);
    assert_eq!(read.imports[0].names[0].name_range.range(), 20..21);
    for text in [
        "from __future__ import annotations\n",
        "from __future__ import (division,\n    print_function as p,)\n",
    ] {
        assert_eq!(answered(text, 0, &[]), 1, "{text:?}");
        assert_eq!(facts(text, 0, &[]), Facts::default(), "{text:?}");
    }
}

/// Every other shape is parsed: more than one statement, what CPython or tree-sitter
/// rejects or reads otherwise (trailing commas outside brackets, dotted names after
/// `from … import`, spaced dotted names, keywords and `print` as names, non-ASCII
/// names, `*` in brackets or of `__future__`, empty brackets), indented or decorated
/// statements, and syntax errors. Each is still given tree-sitter's facts.
#[test]
fn other_shapes_are_parsed() {
    for text in [
        "import a; import b\n",
        "import a,\n",
        "from a import b,\n",
        "from a import b.c\n",
        "import a .b\n",
        "import a. b\n",
        "from a . b import c\n",
        "from m import (*)\n",
        "from __future__ import *\n",
        "from __future__.x import y\n",
        "from a import ()\n",
        "import if\n",
        "import print\n",
        "from a import match\n",
        "import é\n",
        "from a import b as c.d\n",
        "  import a\n",
        "@dec\nimport a\n",
        "from a import\n",
        "from a import (b\n",
        "from a import b c\n",
        "import a as\n",
        "from import a\n",
        "from . import\n",
        "X = f(a=)\n",
        "X = f(a b)\n",
        "X = importlib.import_module('a')\n",
        "X = mock.patch('a')\n",
        "X, Y = 0, 1\n",
        "X = 0; Y = 1\n",
        "X = print\n",
        "X = f'{a}'\n",
    ] {
        assert_eq!(answered(text, 0, &[]), 0, "{text:?}");
    } // Read by the definitions reader (`token_facts/definitions`), equal to tree-sitter.
    for text in [
        "import a\nimport b\n",
        "import a\nx = 1\n",
        "X = 'a.b'\n",
        "X = a . b\n",
        "X = f()()\n",
        "X = f().g\n",
        "X = f(g())\n",
        "X = f(a.b)\n",
        "X = f(*a)\n",
        "X = f('a.b')\n",
        "X = -1\n",
        "X = Y = 0\n",
        "X += 1\n",
        "X: 'int' = 0\n",
        "X: int\n",
        "X = 'a' 'b'\n",
        "if TYPE_CHECKING: import a\n",
        "if typing.TYPE_CHECKING:\n    import a\n",
        "if TYPE_CHECKING:\n    import a\nelse:\n    a = None\n",
        "if TYPE_CHECKING:\n    if x:\n        import a\n",
        "if TYPE_CHECKING:\n    f()\n",
        "try:\n    import a\nexcept ImportError as e:\n    a = None\n",
        "try:\n    import a\nexcept ImportError:\n    pass\n",
        "try:\n    import a\nexcept (ImportError, OSError):\n    a = None\n",
        "try:\n    import a\nexcept ImportError:\n    a = None\nelse:\n    b = 1\n",
        "try:\n    import a\nfinally:\n    a = None\n",
    ] {
        assert_eq!(answered(text, 0, &[]), 1, "{text:?}");
    }
}

/// Module-level blocks of imports and plain assignments: under `if TYPE_CHECKING:`
/// (imports marked), in `try:` guarded by `except ImportError:` (its body's imports
/// guarded, the handler's not), and plain assignments at the top: the bindings, a
/// dotted value's innermost attribute, and nothing for literals.
#[test]
fn blocks_and_assignments_are_read_exactly() {
    let text = "if TYPE_CHECKING:  # typing only\n    from a import B  # c\n\n    import c.d as e\n\
        try:\n    import ujson as json\n    X = 1\nexcept ImportError:  # slim\n    # fallback\n    import json\n    Y = None\n\
        Z: int = 0x1F\n\
        L = threading.Lock\n\
        E = a.b.c\n\
        S = '''no path'''\n\
        N = other\n\
        LOCK = threading.Lock()\n\
        T = TypeVar(\"T\", bound=Base,)\n\
        log = getLogger(  # why\n    __name__\n)\n";
    let starts: Vec<usize> = [
        "try:", "Z:", "L =", "E =", "S =", "N =", "LOCK", "T =", "log",
    ]
    .iter()
    .map(|s| text.find(s).expect("statement"))
    .collect();
    assert_eq!(answered(text, 0, &starts), 10);
    let facts = facts(text, 0, &starts);
    let imports: Vec<(&str, bool, bool)> = facts
        .imports
        .iter()
        .map(|i| (&text[i.range], i.context.type_checking, i.context.guarded))
        .collect();
    assert_eq!(
        imports,
        [
            ("from a import B", true, false),
            ("import c.d as e", true, false),
            ("import ujson as json", false, true),
            ("import json", false, false),
        ]
    );
    let bindings: Vec<(&str, &str, Option<&str>, bool)> = facts
        .defs
        .module_assignments
        .iter()
        .map(|a| {
            (
                &text[a.name],
                &text[a.statement],
                a.dotted.map(|d| &text[d]),
                a.annotated,
            )
        })
        .collect();
    assert_eq!(
        bindings,
        [
            ("X", "X = 1", None, false),
            ("Y", "Y = None", None, false),
            ("Z", "Z: int = 0x1F", None, true),
            ("L", "L = threading.Lock", Some("threading.Lock"), false),
            ("E", "E = a.b.c", Some("a.b.c"), false),
            ("S", "S = '''no path'''", None, false),
            ("N", "N = other", Some("other"), false),
            ("LOCK", "LOCK = threading.Lock()", None, false),
            ("T", "T = TypeVar(\"T\", bound=Base,)", None, false),
            (
                "log",
                "log = getLogger(  # why\n    __name__\n)",
                None,
                false
            ),
        ]
    );
    let calls: Vec<(&str, Option<&str>)> = facts
        .defs
        .calls
        .iter()
        .map(|c| (&text[c.range], c.callee.map(|s| &text[s])))
        .collect();
    assert_eq!(
        calls,
        [
            ("threading.Lock()", Some("threading.Lock")),
            ("TypeVar(\"T\", bound=Base,)", Some("TypeVar")),
            ("getLogger(  # why\n    __name__\n)", Some("getLogger")),
        ]
    );
    let values: Vec<Option<&CallFact>> = facts
        .defs
        .module_assignments
        .iter()
        .map(|a| a.value.as_ref())
        .collect();
    assert_eq!(values[..7], [None; 7]);
    assert_eq!(
        values[7..],
        facts.defs.calls.iter().map(Some).collect::<Vec<_>>()
    );
    let attributes: Vec<(&str, &str)> = facts
        .attributes
        .iter()
        .map(|a| (&text[a.object], &text[a.attribute]))
        .collect();
    assert_eq!(
        attributes,
        [("threading", "Lock"), ("a", "b"), ("threading", "Lock")]
    );
    assert!(facts.strings.is_empty());
}

/// Near misses of every shape read: each seed with one byte deleted, or one of a few
/// tokens inserted, at every position. Whatever is answered must equal tree-sitter's
/// facts (`answered` fails on a mismatch); most of these are refused.
#[test]
fn near_misses_never_differ_from_tree_sitter() {
    let seeds = [
        "from ..a.b import (c as d,  # n\n    e,\n)\n",
        "import a.b as c, d \\\n  , e\n",
        "from . import x as y\n",
        "from __future__ import annotations\n",
        "from m import *\n",
        "if TYPE_CHECKING:\n    import a\n    B = c.d\n",
        "try:\n    import a\nexcept ImportError:\n    a = None\n",
        "X: int = 0\n",
        "L = a.b(c, d=1)\n",
    ];
    let inserts = [
        " ", "\n", ",", "(", ")", ".", "\\", "#", "as ", "\t", "*", ";", "é", "'", "\n  ",
    ];
    let (mut variants, mut read) = (0, 0);
    for seed in seeds {
        for at in 0..=seed.len() {
            let mut texts = Vec::new();
            if at < seed.len() {
                texts.push(format!("{}{}", &seed[..at], &seed[at + 1..]));
            }
            for insert in inserts {
                texts.push(format!("{}{insert}{}", &seed[..at], &seed[at..]));
            }
            for text in texts {
                variants += 1;
                read += answered(&text, 0, &[]);
            }
        }
    }
    // The counts pin the run down: a change in what is read shows here.
    assert_eq!((variants, read), (4311, 797));
}
