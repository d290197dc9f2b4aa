//! Unit tests of the reducer: blanking, kept imports, literal tables, chunk starts and
//! the `TabError` check.

use super::*;

fn reduce(text: &str, needles: &[&str]) -> String {
    let needles: Vec<String> = needles.iter().map(|s| s.to_string()).collect();
    Reducer::new(&BodyNeedles {
        exact: needles,
        ..BodyNeedles::default()
    })
    .reduce(text)
    .map_or_else(|| text.to_string(), |r| r.text)
}

#[test]
fn blanks_bodies_keeping_line_breaks() {
    let text = "def f(a):\n    x = 1\n    return x\n\nclass C:\n    y = 2\n";
    let out = reduce(text, &[]);
    assert_eq!(
        out,
        "def f( ):\n    ...  \n            \n\nclass C:\n    ...  \n"
    );
    assert_eq!(out.len(), text.len());
}

#[test]
fn keeps_bodies_with_needles_and_blanks_inside() {
    let text = "class C:\n    _instance = None\n    def a(self):\n        return 1\n";
    let out = reduce(text, &["_instance"]);
    assert_eq!(
        out,
        "class C:\n    _instance = None\n    def a(    ):\n        ...     \n"
    );
}

#[test]
fn strings_comments_and_brackets() {
    let text = "def f():\n    s = '''\ndef g():\n    x'''\n    t = f\"{d['k']:>{w}}\" # :\n    u = (1,\n2)\ny = E()\n";
    let out = reduce(text, &[]);
    assert!(out.starts_with("def f():\n    ...   "));
    assert!(out.ends_with("\ny = E()\n"));
    assert_eq!(out.matches('\n').count(), text.matches('\n').count());
}

#[test]
fn leaves_unsound_text_alone() {
    let unterminated = "def f():\n    s = 'abc\n";
    assert_eq!(reduce(unterminated, &[]), unterminated);
    let unbalanced = "def f():\n    x = (1,\n";
    assert_eq!(reduce(unbalanced, &[]), unbalanced);
    let bad_dedent = "def f():\n        x = 1\n    y = 2\n";
    assert_eq!(reduce(bad_dedent, &[]), bad_dedent);
}

#[test]
fn aliases_of_needles_are_needles() {
    let text = "from functools import lru_cache as memo\nclass C:\n    def a(self):\n        memo(x)\n    def b(self):\n        return 2\n";
    let out = reduce(text, &["cache"]);
    assert!(out.contains("memo(x)"));
    assert!(!out.contains("return 2"));
}

#[test]
fn header_needles_count_only_in_headers() {
    let reducer = Reducer::new(&BodyNeedles {
        headers: vec!["cache".to_string(), "singleton".to_string()],
        ..BodyNeedles::default()
    });
    let text = "def f():\n    self._cache = {}\n\ndef g():\n    @functools.lru_cache\n    def h():\n        return E()\n    return h\n\ndef k():\n    class S(metaclass=SingletonMeta):\n        pass\n";
    let out = reducer.reduce(text).expect("reduced").text;
    assert!(!out.contains("self._cache"));
    assert!(out.contains("return E()"));
    assert!(out.contains("class S(metaclass=SingletonMeta):"));
}

/// The scanner's chunk starts are the chunker's, so the CLI need not run its lexer.
#[test]
fn chunk_starts_are_the_chunkers() {
    let text = "import os\n\n# c\nx = (\nfoo)\n@dec\n# d\n@other\nasync def f():\n    pass\n\
                if a:\n    pass\nelse:\n    pass\ntry:\n    pass\nexcept E:\n    pass\n\
                s = '''\nimport os\n'''\n(a, b) = 1, 2\n_y = 3\nclass C:\n    z = 1\n";
    let reduced = Reducer::new(&BodyNeedles::default())
        .reduce(text)
        .expect("sound");
    let expected: Vec<usize> = crate::python::chunks::chunks(text)
        .skip(1)
        .map(|r| r.start)
        .collect();
    assert_eq!(reduced.chunks, expected);
    assert_eq!(expected.len(), 7);
}

#[test]
fn indentation_errors_are_left_alone() {
    let reducer = Reducer::new(&BodyNeedles::default());
    assert!(reducer
        .reduce("x = 1\n    y = 2\ndef f():\n    z = 3\n")
        .is_none());
    assert!(reducer.reduce("    x = 1\ndef f():\n    z = 3\n").is_none());
    assert!(reducer.reduce("def f():\n    z = 3\n").is_some());
}

/// A body whose only needles are imports keeps them, the headers around them (every
/// clause of their compound statements) and the decorators of kept definitions.
#[test]
fn import_only_bodies_keep_just_the_imports() {
    let reducer = Reducer::new(&BodyNeedles {
        imports: true,
        ..BodyNeedles::default()
    });
    let text = "def f(a):\n    x = a + 1\n    try:\n        import json\n    except ImportError:\n        json = None\n    else:\n        y = 2\n    @dec\n    def g():\n        import os\n        return os\n    def h():\n        return 3\n    return x\n";
    let reduced = reducer.reduce(text).expect("sound");
    let expected = "def f(a):\n             \n    try:\n        import json\n    except ImportError:\n        ...        \n    else:\n        ...  \n    @dec\n    def g():\n        import os\n                 \n            \n                \n            \n";
    assert_eq!(reduced.text, expected);
    let facts =
        crate::python::analyze_included(&reduced.text, None, &reduced.included, &reduced.chunks)
            .expect("ranges accepted");
    assert!(!facts.has_syntax_errors());
    assert_eq!(facts.imports.len(), 2);
}

/// Module-level data tables lose their insides; a table with a call or a name, one
/// with a legacy path as a whole string, a short one and one inside a block stay. (The
/// names are `global` in `g`, so their assignments stay.)
#[test]
fn literal_tables_are_blanked_inside() {
    let reducer = Reducer::new(&BodyNeedles {
        exact: vec!["Mapping".to_string()],
        strings: vec!["app.legacy".to_string()],
        ..BodyNeedles::default()
    });
    let table =
        "(\n    'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h',  # c\n    1, -2.5, None, {'k': [True]},\n)";
    let text = format!(
        "T = {table}\nU = [f(x), {table}]\nV = ['app.legacy.X', {table}]\n\
         Y = ['Mapping', 'see app.legacy', {table}]\nW = (1, 2)\nif a:\n    X = {table}\n\
         def g():\n    global T, U, V, W, X, Y\n"
    );
    let reduced = reducer.reduce(&text).expect("sound");
    let blank = |inside: &str| -> String {
        inside
            .chars()
            .map(|c| if c == '\n' { c } else { ' ' })
            .collect()
    };
    let y = text.find("Y = [").expect("Y") + 4;
    let y_end = y + text[y..].find("]\nW").expect("end of Y") + 1;
    let mut expected = text.replacen(
        table,
        &format!("({})", blank(&table[1..table.len() - 1])),
        1,
    );
    expected.replace_range(y + 1..y_end - 1, &blank(&text[y + 1..y_end - 1]));
    let body = expected.find("    global").expect("body");
    expected.replace_range(body.., &format!("    ...{}", blank(&text[body + 7..])));
    assert_eq!(reduced.text, expected);
    let facts =
        crate::python::analyze_included(&reduced.text, None, &reduced.included, &reduced.chunks)
            .expect("ranges accepted");
    assert!(!facts.has_syntax_errors());
    assert_eq!(facts.defs.module_assignments.len(), 6);
}

/// Module-level statements that no rule reads go whole, line breaks kept; kept are
/// imports, assignments whose value (or an element, for a target pattern) may be a call,
/// those binding a `global` name, statements with a hit outside string literals or a
/// legacy path as a whole literal, compound statements and lines with a `;`.
#[test]
fn unread_module_statements_are_blanked() {
    let reducer = Reducer::new(&BodyNeedles {
        exact: vec!["Mapping".to_string()],
        strings: vec!["app.legacy".to_string()],
        ..BodyNeedles::default()
    });
    let kept = [
        "import os\n",
        "E = Engine()\n",
        "F = (Engine())\n",
        "G, H = 1, Engine()\n",
        "register(Mapping)\n",
        "typing.Mapping\n",
        "Z = 2; import sys\n",
        "L = 3\n",
        "for i in x: print(i)\n",
        "M = 'app.legacy.Thing'\n",
        "def f():\n    global L\n",
    ];
    let gone = [
        "\"\"\"Docstring about Mapping.\"\"\"\n",
        "__all__ = ['a', 'b']\n",
        "X = 1\n",
        "Y = a.b\n",
        "I, J = [1, 2]\n",
        "K = [Engine(), 1]\n",
        "P = (1, Engine())\n",
        "print(os.name)\n",
        "del X\n",
        "N = 'Mapping is not read here, nor app.legacy'\n",
        "x: Engine\n",
    ];
    let mut text = String::new();
    let mut expected = String::new();
    for (keep, go) in kept.iter().zip(gone.iter().chain(std::iter::repeat(&""))) {
        text.push_str(go);
        expected.push_str(&" ".repeat(go.len() - 1));
        expected.push_str(if go.is_empty() { "" } else { "\n" });
        text.push_str(keep);
        expected.push_str(keep);
    }
    let reduced = reducer.reduce(&text).expect("sound");
    // `f`'s body has no needle: blanked as every body is.
    let expected = expected.replace("    global L\n", "    ...     \n");
    assert_eq!(reduced.text, expected);
    let facts =
        crate::python::analyze_included(&reduced.text, None, &reduced.included, &reduced.chunks)
            .expect("ranges accepted");
    assert!(!facts.has_syntax_errors());
    let names: Vec<&str> = facts
        .defs
        .module_assignments
        .iter()
        .map(|a| &text[a.name.range()])
        .collect();
    assert_eq!(names, ["E", "F", "G", "H", "Z", "L", "M"]);
    // The blanked statements' lines are not even handed to tree-sitter.
    let parsed: usize = reduced
        .included
        .iter()
        .map(|r| r.end_byte - r.start_byte)
        .sum();
    let gone_bytes: usize = gone.iter().map(|g| g.len()).sum();
    assert!(
        parsed <= text.len() - gone_bytes,
        "{parsed} of {}",
        text.len()
    );
}

/// What `lines::sound` refuses from the scanner's line marks (`mixed_indent`,
/// `after_continuation`), beside a plain body that is blanked.
#[test]
fn lines_the_chunker_may_read_differently_are_left_alone() {
    let plain = "def f():\n    x = 1\n";
    assert_ne!(reduce(plain, &[]), plain);
    for text in [
        "def f():\n \tx = 1\n",
        "def f():\n\t x = 1\n",
        "def f():\n\x0c    x = 1\n",
        "\\\ndef f():\n    x = 1\n",
        "x = 1\ndef f():\r    x = 1\r",
    ] {
        assert_eq!(reduce(text, &[]), text, "{text:?}");
    }
    // A `\` that ends a comment continues nothing.
    let comment = "# c \\\ndef f():\n    x = 1\n";
    assert_ne!(reduce(comment, &[]), comment);
}

#[test]
fn one_line_and_short_bodies_stay() {
    let text = "def f(): pass\ndef g():\n    x\nclass C: y = 1\n";
    assert_eq!(reduce(text, &[]), text);
}

/// Cases with CPython 3.11's verdict (`compile()` raising `TabError` or not).
#[test]
fn tab_errors_as_cpython_reports_them() {
    let cases = [
        ("if a:\n\tx = 1\n        y = 2\n", true),
        ("if a:\n\tx = 1\n\ty = 2\n", false),
        ("if a:\n        x = 1\n\ty = 2\n", true),
        ("if a:\n    x = (1,\n\t\t2)\n    y = 3\n", false),
        ("if a:\n    x = '''\n\tz\n'''\n    y = 3\n", false),
        ("if a:\n  \tx = 1\n  \ty = 2\n", false),
        ("if a:\n\t# c\n    x = 1\n", false),
        ("if a:\n    if b:\n\tx = 1\n", true),
        (
            "if a:\n\tif b:\n\t\tx = 1\n\telse:\n\t        y = 2\n",
            false,
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(has_tab_error(text), expected, "{text:?}");
    }
}

#[test]
fn blanking_keeps_every_line_break_in_place() {
    for (text, expected) in [
        ("ab\r\ncd\ne", "  \r\n  \n "),
        ("\n\n", "\n\n"),
        ("x = 1\rif y:", "     \r     "),
        ("é = 1", "      "),
        ("", ""),
    ] {
        let bytes: Vec<u8> = text.bytes().map(blank).collect();
        assert_eq!(String::from_utf8_lossy(&bytes), expected, "{text:?}");
    }
}

#[test]
fn blanks_apply_in_order_whether_or_not_they_overlap() {
    let text = "abcdefgh\nxyz\n";
    let tokens = scan::tokenize(text);
    let scanned = scan::logical_lines(text, &tokens);
    for (blanks, expected) in [
        (vec![(4, 8, true), (0, 3, false)], "   d... \nxyz\n"),
        (vec![(0, 8, true), (4, 6, false)], "...     \nxyz\n"),
        (vec![(0, 8, false), (0, 3, true)], "        \nxyz\n"),
        (vec![(0, 13, false)], "        \n   \n"),
    ] {
        let (out, _) = apply_blanks(text, &tokens, &scanned, blanks.clone()).unwrap();
        assert_eq!(out, expected, "{blanks:?}");
    }
}

fn reduce_with(text: &str, needles: BodyNeedles) -> String {
    Reducer::new(&needles)
        .reduce(text)
        .map_or_else(|| text.to_string(), |r| r.text)
}

#[test]
fn a_global_keeps_the_statements_naming_it() {
    let text = "_p = None\n\ndef init():\n    global _p\n    with _lock:\n        if _p is None:  # no\n            from . import Policy\n            _p = Policy()\n\ndef other():\n    x = 1\n";
    let needles = BodyNeedles {
        imports: true,
        globals: true,
        ..BodyNeedles::default()
    };
    assert_eq!(
        reduce_with(text, needles),
        "_p = None\n\ndef init():\n    global _p\n    with _lock:\n        if _p is None:  # no\n            from . import Policy\n            _p = Policy()\n\ndef other():\n    ...  \n"
    );
}

#[test]
fn local_hits_keep_their_statements_and_block_headers() {
    let text = "class C:\n    \"\"\"Doc.\"\"\"\n    size = 1\n\n    @property\n    def engine(self):\n        x = 1\n        try:\n            e = Engine()\n        except ValueError:\n            e = None\n        return e\n\n    def other(self):\n        return 2\n";
    let needles = BodyNeedles {
        calls: vec!["Engine".into()],
        ..BodyNeedles::default()
    };
    assert_eq!(
        reduce_with(text, needles),
        "class C:\n              \n            \n\n    @property\n    def engine(self):\n             \n        try:\n            e = Engine()\n        except ValueError:\n            ...     \n                \n\n                    \n                \n"
    );
}

#[test]
fn a_header_hit_keeps_the_whole_body() {
    let text = "def f():\n    x = 1\n    @singleton\n    class A:\n        pass\n    def g():\n        return 3\n";
    let needles = BodyNeedles {
        headers: vec!["singleton".into()],
        ..BodyNeedles::default()
    };
    assert_eq!(
        reduce_with(text, needles),
        "def f():\n    x = 1\n    @singleton\n    class A:\n        pass\n    def g():\n        ...     \n"
    );
}

#[test]
fn a_path_string_keeps_its_statement() {
    let text = "def f():\n    a = 1\n    patch(\"old.mod.X\")\n";
    let needles = BodyNeedles {
        strings: vec!["old.mod".into()],
        ..BodyNeedles::default()
    };
    assert_eq!(
        reduce_with(text, needles),
        "def f():\n         \n    patch(\"old.mod.X\")\n"
    );
}

#[test]
fn a_storing_method_keeps_its_stores() {
    let text = "class K:\n    _instance = None\n    def __new__(cls):\n        x = 1\n        if cls._instance is None:\n            cls._instance = super().__new__(cls)\n        return cls._instance\n";
    let needles = BodyNeedles {
        storing: vec!["__new__".into()],
        ..BodyNeedles::default()
    };
    assert_eq!(
        reduce_with(text, needles),
        format!(
            "class K:\n    _instance = None\n    def __new__(cls):\n{}\n        if cls._instance is None:\n            cls._instance = super().__new__(cls)\n{}\n",
            " ".repeat(13),
            " ".repeat(28)
        )
    );
}
