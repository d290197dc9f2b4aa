//! Unit tests of the scanner: tokens, f-string nesting, errors as tokens, line ends,
//! logical lines and contexts.

use super::*;

/// `kind text` per token, zero-width ones without text.
fn toks(text: &str) -> Vec<String> {
    tokenize(text)
        .iter()
        .map(|t| format!("{:?} {:?}", t.kind, &text[t.range()]))
        .collect()
}

#[test]
fn simple_module() {
    assert_eq!(
        toks("import os\nif x:\n    y = 1  # c\n"),
        [
            "Name \"import\"",
            "Name \"os\"",
            "Newline \"\\n\"",
            "Name \"if\"",
            "Name \"x\"",
            "Op \":\"",
            "Newline \"\\n\"",
            "Indent \"\"",
            "Name \"y\"",
            "Op \"=\"",
            "Number \"1\"",
            "Comment \"# c\"",
            "Newline \"\\n\"",
            "Dedent \"\"",
            "EndMarker \"\"",
        ]
    );
}

#[test]
fn fstrings_nest() {
    assert_eq!(
        toks("f'a{x!r:>{w}}b{{c}}' rb\"\\\"\""),
        [
            "FStringStart \"f'\"",
            "FStringMiddle \"a\"",
            "Op \"{\"",
            "Name \"x\"",
            "Op \"!\"",
            "Name \"r\"",
            "Op \":\"",
            "FStringMiddle \">\"",
            "Op \"{\"",
            "Name \"w\"",
            "Op \"}\"",
            "Op \"}\"",
            "FStringMiddle \"b{{c}}\"",
            "FStringEnd \"'\"",
            "String \"rb\\\"\\\\\\\"\\\"\"",
            "Newline \"\"",
            "EndMarker \"\"",
        ]
    );
}

#[test]
fn errors_are_tokens() {
    let kinds = |t: &str| tokenize(t).iter().map(|t| t.kind).collect::<Vec<_>>();
    assert!(kinds("x = 'abc\ny = 2\n").contains(&Tok::Error));
    assert!(kinds("x = (1,\n").contains(&Tok::Error));
    assert!(kinds("if x:\n        a\n    b\n").contains(&Tok::Error));
    assert!(kinds("a $ b").contains(&Tok::Error));
    assert!(kinds("x = '''abc").contains(&Tok::Error));
    assert!(kinds("x = f'{a").contains(&Tok::Error));
    assert!(!kinds("x = (1,\n 2)\n").contains(&Tok::Error));
    // Prefixes CPython does not take are a name then a string.
    assert_eq!(toks("ur'x'")[..2], ["Name \"ur\"", "String \"'x'\""]);
}

#[test]
fn line_ends_continuations_tabs() {
    assert_eq!(
        toks("a = \\\r\n  1\rif b:\r\n\tc\r\n        d\n"),
        [
            "Name \"a\"",
            "Op \"=\"",
            "Number \"1\"",
            "Newline \"\\r\"",
            "Name \"if\"",
            "Name \"b\"",
            "Op \":\"",
            "Newline \"\\r\\n\"",
            "Indent \"\"",
            "Name \"c\"",
            "Newline \"\\r\\n\"",
            "Error \"        \"",
            "Name \"d\"",
            "Newline \"\\n\"",
            "Dedent \"\"",
            "EndMarker \"\"",
        ]
    );
}

#[test]
fn logical_lines_kinds_and_contexts() {
    let text = "import a\n# c\n\ntry:\n    from b import (c,\n        d)\nexcept (ImportError, OSError):\n    pass\nif TYPE_CHECKING:\n    import e\n@dec\nclass C:\n    '''doc'''\n    async def f(self):\n        global g; x = 's'\n";
    let tokens = tokenize(text);
    let lines = logical_lines(text, &tokens);
    let summary: Vec<(LineKind, u32, bool, &str)> = lines
        .iter()
        .map(|l| {
            let first = &text[l.start as usize..l.end as usize];
            (
                l.kind,
                l.indent,
                l.colon_last,
                first.split('\n').next().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (LineKind::Import, 0, false, "import a"),
            (LineKind::Try, 0, true, "try:"),
            (LineKind::From, 4, false, "from b import (c,"),
            (LineKind::Except, 0, true, "except (ImportError, OSError):"),
            (LineKind::Other, 4, false, "pass"),
            (LineKind::If, 0, true, "if TYPE_CHECKING:"),
            (LineKind::Import, 4, false, "import e"),
            (LineKind::Decorator, 0, false, "@dec"),
            (LineKind::Class, 0, true, "class C:"),
            (LineKind::Other, 4, false, "'''doc'''"),
            (LineKind::Def, 4, true, "async def f(self):"),
            (LineKind::Global, 8, false, "global g; x = 's'"),
        ]
    );
    let ctx = contexts(text, &tokens, &lines);
    assert!(ctx[2].guarded && !ctx[4].guarded && !ctx[2].type_checking);
    assert!(ctx[6].type_checking && !ctx[6].guarded);
    assert!(ctx[9].in_class && ctx[9].scope_depth == 1);
    assert!(ctx[11].in_function && ctx[11].scope_depth == 2);
    assert_eq!(ctx[0], Context::default());
    let docs: Vec<(&str, bool)> = strings(&tokens, &lines)
        .iter()
        .map(|(t, doc)| (&text[t.range()], *doc))
        .collect();
    assert_eq!(docs, [("'''doc'''", true), ("'s'", false)]);
    let text = "x  # noqa: SSOT001\n# c\n";
    let noqa = comments(text, &tokenize(text));
    assert_eq!(noqa.len(), 2);
    assert!(noqa[0].noqa.is_some() && noqa[1].noqa.is_none());
}

/// A line's last code token is found past its trailing comment, and the marks the
/// reducer refuses a text by are set where they apply.
#[test]
fn logical_lines_mark_colons_and_odd_starts() {
    let text = "if a:  # c\n \tb = {1:\n 2}\n# d \\\nc = 2\n\\\nd\n";
    let tokens = tokenize(text);
    let marks: Vec<(&str, bool, bool, bool)> = logical_lines(text, &tokens)
        .iter()
        .map(|l| {
            (
                text[l.start as usize..l.end as usize]
                    .split('\n')
                    .next()
                    .unwrap_or(""),
                l.colon_last,
                l.mixed_indent,
                l.after_continuation,
            )
        })
        .collect();
    assert_eq!(
        marks,
        [
            ("if a:  # c", true, false, false),
            ("b = {1:", false, true, false),
            ("c = 2", false, false, false),
            ("d", false, false, true),
        ]
    );
}

#[test]
fn deep_nesting_does_not_recurse() {
    let text = "f'{".repeat(50_000) + &"}'".repeat(50_000);
    let tokens = tokenize(&text);
    assert_eq!(tokens.last().map(|t| t.kind), Some(Tok::EndMarker));
    let text = "(".repeat(100_000);
    assert_eq!(tokenize(&text).len(), 100_003);
}

/// What the lexer sets on each token for the syntax recognizer (`words`): a name's class
/// or keyword id, an operator's packed text (0 when it is three bytes long), a mark on a
/// string holding a backslash; `OTHER` and 0 elsewhere.
#[test]
fn tokens_carry_words_and_packed_operators() {
    use super::words::{short, ESCAPED, K_IF, K_NOT, NAME, OTHER};
    let text = "if not long_name_9 == 'a' + b'\\n' ... \u{e9} \u{2211} ** **= \'\'\'\\\\\'\'\'\n";
    let marks: Vec<(Tok, u8, u16)> = tokenize(text)
        .iter()
        .map(|t| (t.kind, t.word, t.short))
        .collect();
    assert_eq!(
        marks,
        [
            (Tok::Name, K_IF, 0),
            (Tok::Name, K_NOT, 0),
            (Tok::Name, NAME, 0),
            (Tok::Op, OTHER, short(b"==")),
            (Tok::String, OTHER, 0),
            (Tok::Op, OTHER, short(b"+")),
            (Tok::String, ESCAPED, 0),
            (Tok::Op, OTHER, 0),
            (Tok::Name, NAME, 0),
            (Tok::Name, OTHER, 0),
            (Tok::Op, OTHER, short(b"**")),
            (Tok::Op, OTHER, 0),
            (Tok::String, ESCAPED, 0),
            (Tok::Newline, OTHER, 0),
            (Tok::EndMarker, OTHER, 0),
        ]
    );
}
