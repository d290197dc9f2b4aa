//! Fuzz harnesses: one function per target, each taking arbitrary bytes and panicking
//! only when the engine breaks a promise. The libFuzzer targets in `fuzz/` call them, and
//! `tests/fuzz_regressions.rs` runs every kept crash input through the same functions in
//! plain `cargo test`, so a fixed crash stays fixed without nightly features.
//!
//! All targets lint against the demo project (`examples/demo`, read only): its config
//! has canonical symbols, moved modules and factories, so rules with fixes fire.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

use crate::config::{self, Settings};
use crate::fixer::fix_text;
use crate::lint::{lint_text, LintOptions};
use crate::prefilter::{body_needles, Prefilter};
use crate::reduce::Reducer;
use crate::source;

/// The demo project the harnesses lint against.
pub fn demo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/demo")
}

fn demo_settings() -> &'static Settings {
    static SETTINGS: OnceLock<Settings> = OnceLock::new();
    SETTINGS.get_or_init(|| {
        let root = demo_root();
        match config::load_file(&root.join("ssotlint.toml")) {
            Ok(Some(settings)) => settings,
            _ => Settings::default_at(&root),
        }
    })
}

/// Target `source`: bytes → decode → facts → rules → fixes. Diagnostics and fix edits
/// must lie inside the text on character boundaries; the CLI's prefilter, body reducer
/// and lint of unsure chunks alone must not change the findings; `fix_text` (unsafe
/// fixes on) must not add a syntax error, nor touch a text that has one.
pub fn source(data: &[u8]) {
    let Ok(text) = source::decode(data.to_vec()) else {
        return;
    };
    let settings = demo_settings();
    let path = demo_root().join("shop/fuzzed.py");
    let all = LintOptions::default();
    let everything = lint_text(&path, text.clone(), settings, &all);
    for d in &everything.diagnostics {
        assert_in_text(&text, &d.range, d.rule.code());
        everything.source.location(d.range.start);
        let Some(edits) = d.fix.as_ref().and_then(|f| f.edits_for(&text)) else {
            continue;
        };
        for edit in &edits {
            assert_in_text(&text, &edit.range, d.rule.code());
        }
        for pair in edits.windows(2) {
            assert!(
                pair[0].range.end <= pair[1].range.start,
                "{}: overlapping edits {:?}",
                d.rule.code(),
                edits
            );
        }
    }
    // The CLI skips files without needles and blanks bodies no rule reads; neither may
    // change a result. On a valid text (so without SSOT000) and on unsure chunks' rest.
    let options = LintOptions {
        extend_ignore: vec!["SSOT000".to_string()],
        ..LintOptions::default()
    };
    let linted = lint_text(&path, text.clone(), settings, &options);
    let selection = options.selection(settings);
    let summary =
        |ds: &[crate::Diagnostic]| -> Vec<(&'static str, std::ops::Range<usize>, String)> {
            ds.iter()
                .map(|d| (d.rule.code(), d.range.clone(), d.message.clone()))
                .collect()
        };
    let full = summary(&linted.diagnostics);
    if !Prefilter::new(settings, &selection).may_match(&text) {
        let skipped = "the prefilter skipped a file with findings";
        assert!(full.is_empty(), "{skipped}");
    }
    let reducer = body_needles(settings, &selection).map(|n| Reducer::new(&n));
    let tokens = crate::python::scan::tokenize(&text);
    let judged = crate::check::verdicts(&text, &tokens).filter(|v| v.unsure.contains(&true));
    let plan = reducer.as_ref().filter(|_| judged.is_none());
    let plan = plan.and_then(|r| r.reduce(&text));
    let reduced = crate::check::lint_reduced(&path, text.clone(), settings, &options, plan);
    let changed = "the body reducer changed the findings";
    assert_eq!(summary(&reduced.diagnostics), full, "{changed}");
    if let Some((r, judged)) = reducer.zip(judged) {
        let t = text.clone();
        let mended = crate::check::lint_mended(&r, &path, t, judged, settings, &all);
        let message = "the lint of unsure chunks alone changed the findings";
        let whole = summary(&everything.diagnostics);
        assert_eq!(summary(&mended.diagnostics), whole, "{message}");
    }
    let broken = linted.facts.has_syntax_errors();
    let outcome = fix_text(&path, text.clone(), settings, &options, true);
    if broken {
        assert_eq!(outcome.fixed, 0, "a text with syntax errors was fixed");
        assert_eq!(outcome.text, text, "a text with syntax errors was changed");
    } else if outcome.text != text {
        assert!(
            !crate::python::analyze(&outcome.text, None).has_syntax_errors(),
            "fixes added a syntax error:\n{}",
            outcome.text
        );
    }
}

fn assert_in_text(text: &str, range: &std::ops::Range<usize>, code: &str) {
    assert!(
        range.start <= range.end
            && range.end <= text.len()
            && text.is_char_boundary(range.start)
            && text.is_char_boundary(range.end),
        "{code}: range {range:?} is not inside the text ({} bytes)",
        text.len()
    );
}

/// A small file that every rule family has something to say about.
const SAMPLE: &str = "\
from shop.engine.legacy_engine import UserEngine as Engine
import shop.old_utils
from shop.old_utils import slugify
import importlib
importlib.import_module(\"shop.old_utils\")
engine = Engine()

class Registry:
    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance
";

/// Target `config`: arbitrary text as `ssotlint.toml` and as `pyproject.toml` → a
/// `Settings` or a `ConfigError` naming the file, never a panic; settings that load are
/// used to lint and fix a sample file.
pub fn config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let root = demo_root();
    for name in ["ssotlint.toml", "pyproject.toml"] {
        let path = root.join(name);
        match config::parse(&path, text) {
            Err(e) => {
                let shown = e.to_string();
                assert!(
                    shown.starts_with(&path.display().to_string()),
                    "a config error that does not name its file: {shown}"
                );
            }
            Ok(None) => {}
            Ok(Some(settings)) => {
                let file = root.join("shop/sample.py");
                settings.ignored_for(&file);
                settings.is_excluded(&file);
                let options = LintOptions::default();
                lint_text(&file, SAMPLE.to_string(), &settings, &options);
                fix_text(&file, SAMPLE.to_string(), &settings, &options, true);
            }
        }
    }
}

/// Target `frames`: arbitrary bytes into the server's framing layer (`server::sanitize`,
/// between stdin and tower-lsp). Whatever comes in, what goes out is a sequence of
/// well-formed frames whose bodies are JSON-RPC messages, and memory stays bounded by
/// the input (a huge `Content-Length` must not be allocated up front).
pub fn frames(data: &[u8]) {
    let runtime = match tokio::runtime::Builder::new_current_thread().build() {
        Ok(rt) => rt,
        Err(e) => panic!("cannot start a runtime for the harness: {e}"),
    };
    let mut out = Vec::new();
    let stash = crate::server::Stash::default();
    runtime.block_on(crate::server::sanitize(data, &mut out, stash));
    let mut rest = &out[..];
    while !rest.is_empty() {
        let Some(end) = rest.windows(4).position(|w| w == b"\r\n\r\n") else {
            panic!(
                "an unterminated header: {:?}",
                String::from_utf8_lossy(rest)
            );
        };
        let header = String::from_utf8_lossy(&rest[..end]);
        let Some(length) = header
            .strip_prefix("Content-Length: ")
            .and_then(|n| n.parse::<usize>().ok())
        else {
            panic!("a bad header: {header:?}");
        };
        let body = &rest[end + 4..];
        assert!(body.len() >= length, "a truncated body");
        let value: Value = match serde_json::from_slice(&body[..length]) {
            Ok(v) => v,
            Err(e) => panic!("a body that is not JSON: {e}"),
        };
        assert_eq!(value.get("jsonrpc"), Some(&json!("2.0")), "{value}");
        rest = &body[length..];
    }
}

/// Reads fuzz bytes as a stream of small values; past the end everything is zero/empty.
struct Bytes<'a> {
    data: &'a [u8],
}

impl Bytes<'_> {
    fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    fn byte(&mut self) -> u8 {
        let Some((&b, rest)) = self.data.split_first() else {
            return 0;
        };
        self.data = rest;
        b
    }

    /// A small number most of the time, now and then a large one (ranges past the end).
    fn number(&mut self) -> u32 {
        match self.byte() {
            b @ 0..=249 => u32::from(b % 50),
            250 => u32::from(self.byte()) * 256 + u32::from(self.byte()),
            251 => u32::MAX,
            252 => i32::MAX as u32,
            _ => u32::from(self.byte()),
        }
    }

    /// A chunk of text: a length byte (255: everything up to the next 0xFF), lossily
    /// decoded, so the Python seeds and the dictionary's tokens come through as text.
    fn text(&mut self) -> String {
        let len = match self.byte() {
            255 => self
                .data
                .iter()
                .position(|&b| b == 0xFF)
                .unwrap_or(self.data.len()),
            n => usize::from(n).min(self.data.len()),
        };
        let (chunk, rest) = self.data.split_at(len);
        self.data = rest;
        String::from_utf8_lossy(chunk).into_owned()
    }
}

const URIS: [&str; 3] = [
    "shop/fuzzed.py",
    "shop/engine/legacy_engine.py",
    "untitled:1",
];

/// One client message built from fuzz bytes: document sync, requests with arbitrary
/// ranges and versions, settings, watched files, and raw bodies (JSON-RPC errors).
fn message(b: &mut Bytes, root: &str, next_id: &mut i64) -> Vec<u8> {
    let uri = |b: &mut Bytes| {
        let name = URIS[usize::from(b.byte()) % URIS.len()];
        if name.contains(':') {
            name.to_string()
        } else {
            format!("file://{root}/{name}")
        }
    };
    let position = |b: &mut Bytes| json!({"line": b.number(), "character": b.number()});
    let range = |b: &mut Bytes| json!({"start": position(b), "end": position(b)});
    let version = |b: &mut Bytes| json!(b.number() as i32);
    let mut request = |method: &str, params: Value| {
        *next_id += 1;
        json!({"jsonrpc": "2.0", "id": *next_id, "method": method, "params": params})
    };
    let notify =
        |method: &str, params: Value| json!({"jsonrpc": "2.0", "method": method, "params": params});
    let body = match b.byte() % 12 {
        0 | 1 => notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(b), "languageId": "python",
                "version": version(b), "text": b.text()}}),
        ),
        2..=4 => {
            let uri = uri(b);
            let version = version(b);
            let changes: Vec<Value> = (0..1 + b.byte() % 3)
                .map(|_| {
                    if b.byte() % 8 == 0 {
                        json!({"text": b.text()})
                    } else {
                        json!({"range": range(b), "text": b.text()})
                    }
                })
                .collect();
            notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri, "version": version},
                    "contentChanges": changes}),
            )
        }
        5 => notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri(b)}}),
        ),
        6 | 7 => {
            let only = match b.byte() % 4 {
                0 => json!(["quickfix"]),
                1 => json!(["source.fixAll.ssotlint"]),
                2 => json!(["source"]),
                _ => Value::Null,
            };
            request(
                "textDocument/codeAction",
                json!({"textDocument": {"uri": uri(b)}, "range": range(b),
                    "context": {"diagnostics": [], "only": only}}),
            )
        }
        8 => request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": uri(b)}}),
        ),
        9 => request("workspace/diagnostic", json!({"previousResultIds": []})),
        10 => notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"ssotlint": {"select": [b.text()], "ignore": [b.text()],
                "logLevel": b.text()}}}),
        ),
        _ => return raw_frame(b),
    };
    frame(body.to_string().as_bytes())
}

/// A frame with an arbitrary body and one of the header forms clients send. A body
/// that asks the server to stop, or uses the harness's ids, is renamed: the session
/// decides when it ends.
fn raw_frame(b: &mut Bytes) -> Vec<u8> {
    let style = b.byte();
    let mut body = b.text().into_bytes();
    if let Ok(Value::Object(mut o)) = serde_json::from_slice::<Value>(&body) {
        let stops = o
            .get("method")
            .and_then(Value::as_str)
            .is_some_and(|m| matches!(m, "exit" | "shutdown" | "initialize"));
        // The harness's own id ("fuzz-shutdown") stays its own.
        let takes_id = o
            .get("id")
            .and_then(Value::as_str)
            .is_some_and(|id| id.starts_with("fuzz-"));
        if stops || takes_id {
            o.insert("method".to_string(), json!("fuzz/renamed"));
            o.insert("id".to_string(), json!("renamed"));
            body = Value::Object(o).to_string().into_bytes();
        }
    }
    let header = match style % 4 {
        0 => format!("Content-Length: {}\r\n\r\n", body.len()),
        1 => format!("content-length:{}\n\n", body.len()),
        2 => format!(
            "\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
            body.len()
        ),
        _ => format!("Content-Length:  {} \r\nX: y\r\n\r\n", body.len()),
    };
    let mut out = header.into_bytes();
    out.extend_from_slice(&body);
    out
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// Target `lsp`: a session against the real server (`server::serve_on`, framing and
/// JSON-RPC included) over in-memory pipes: `initialize` (encoding and push/pull from
/// the first byte), messages built from the bytes, a final `workspace/diagnostic`, then,
/// once every request has been answered, `shutdown` and `exit`. The client side answers
/// the server's own requests. Every request must be answered (within a hang guard) and
/// the server must exit with 0.
pub fn lsp(data: &[u8]) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => panic!("cannot start a runtime for the harness: {e}"),
    };
    let code = runtime.block_on(lsp_session(data));
    runtime.shutdown_background();
    assert_eq!(code, 0, "the server did not shut down cleanly");
}

/// How long a session may take before the harness calls it a hang (a guard: sessions
/// take milliseconds).
const HANG_GUARD: std::time::Duration = std::time::Duration::from_secs(15);

async fn lsp_session(data: &[u8]) -> i32 {
    let root = demo_root().display().to_string();
    let mut b = Bytes { data };
    let flags = b.byte();
    let mut general = json!({});
    if flags & 1 != 0 {
        general = json!({"positionEncodings": ["utf-8", "utf-16"]});
    }
    let mut text_document = json!({});
    if flags & 2 != 0 {
        text_document = json!({"diagnostic": {"dynamicRegistration": false}});
    }
    let initialize = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "processId": null, "rootUri": format!("file://{root}"),
        "capabilities": {"general": general, "textDocument": text_document,
            "workspace": {"diagnostics": {"refreshSupport": flags & 4 != 0}}}}});
    let mut input = frame(initialize.to_string().as_bytes());
    input.extend(frame(
        br#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
    ));
    let mut requests = 0;
    while !b.is_empty() {
        input.extend(message(&mut b, &root, &mut requests));
    }
    requests += 1;
    let last = json!({"jsonrpc": "2.0", "id": requests, "method": "workspace/diagnostic",
        "params": {"previousResultIds": []}});
    input.extend(frame(last.to_string().as_bytes()));
    // To read what a failing input sends: SSOTLINT_FUZZ_SHOW=1.
    if std::env::var_os("SSOTLINT_FUZZ_SHOW").is_some() {
        eprintln!("{}", String::from_utf8_lossy(&input));
    }

    let (mut client_in, server_in) = tokio::io::duplex(1 << 16);
    let (server_out, client_out) = tokio::io::duplex(1 << 16);
    let server = tokio::spawn(crate::server::serve_on(server_in, server_out));
    let (answers_tx, mut answers_rx) = tokio::sync::mpsc::unbounded_channel::<Vec<u8>>();
    let answered = std::sync::Arc::new(std::sync::Mutex::new(HashSet::new()));
    tokio::spawn(read_server(
        client_out,
        answers_tx,
        requests,
        answered.clone(),
    ));
    tokio::spawn(async move {
        if client_in.write_all(&input).await.is_err() {
            return;
        }
        // The answers to the server's own requests, then `shutdown` and `exit`.
        while let Some(bytes) = answers_rx.recv().await {
            if client_in.write_all(&bytes).await.is_err() {
                return;
            }
        }
    });
    match tokio::time::timeout(HANG_GUARD, server).await {
        Ok(Ok(code)) => code,
        Ok(Err(e)) => panic!("the server task failed: {e}"),
        Err(_) => {
            let answered = answered.lock().map(|a| a.clone()).unwrap_or_default();
            let missing: Vec<i64> = (0..=requests).filter(|id| !answered.contains(id)).collect();
            panic!("the session hangs; requests never answered: {missing:?}");
        }
    }
}

/// The client's reader: answers the server's requests (null result), collects the ids
/// of the answers to ours (0 to `last`), and once all are in sends `shutdown`, then
/// `exit`.
async fn read_server(
    output: tokio::io::DuplexStream,
    answers: tokio::sync::mpsc::UnboundedSender<Vec<u8>>,
    last: i64,
    answered: std::sync::Arc<std::sync::Mutex<HashSet<i64>>>,
) {
    let mut output = BufReader::new(output);
    let mut shutting_down = false;
    loop {
        let mut length = None;
        loop {
            let mut line = String::new();
            match output.read_line(&mut line).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(n) = line.strip_prefix("Content-Length: ") {
                length = n.parse::<usize>().ok();
            }
        }
        let Some(length) = length else {
            panic!("the server sent a frame without Content-Length");
        };
        let mut body = vec![0; length];
        if output.read_exact(&mut body).await.is_err() {
            return;
        }
        let msg: Value = match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(e) => panic!("the server sent a body that is not JSON ({e})"),
        };
        if let (Some(_), Some(id)) = (msg.get("method"), msg.get("id")) {
            let reply = json!({"jsonrpc": "2.0", "id": id, "result": null});
            let _ = answers.send(frame(reply.to_string().as_bytes()));
            continue;
        }
        let Some(id) = msg.get("id") else { continue };
        let complete = match answered.lock() {
            Ok(mut set) => {
                if let Some(n) = id.as_i64() {
                    set.insert(n);
                }
                (0..=last).all(|n| set.contains(&n))
            }
            Err(_) => false,
        };
        if complete && !shutting_down {
            shutting_down = true;
            let _ = answers.send(frame(
                br#"{"jsonrpc":"2.0","id":"fuzz-shutdown","method":"shutdown"}"#,
            ));
        }
        // `exit` only once `shutdown` is answered, as clients do.
        if id == "fuzz-shutdown" {
            let _ = answers.send(frame(br#"{"jsonrpc":"2.0","method":"exit"}"#));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn harnesses_accept_plain_inputs() {
        source(SAMPLE.as_bytes());
        config(b"[lint]\nselect = [\"SSOT\"]\n");
        let mut session = vec![0u8, 0, 0, 0, 0];
        session.extend_from_slice(&[SAMPLE.len() as u8]);
        session.extend_from_slice(&SAMPLE.as_bytes()[..SAMPLE.len().min(255)]);
        lsp(&session);
    }

    #[test]
    #[should_panic(expected = "SSOT001: range 3..9 is not inside the text (4 bytes)")]
    fn a_range_past_the_end_is_a_failure() {
        assert_in_text("abcd", &(3..9), "SSOT001");
    }
}

/// What [`recognize_outcome`] found for one text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recognized {
    /// The recognizer said "unsure".
    Unsure,
    /// It said "valid", and tree-sitter and CPython's tab check agree.
    Valid,
    /// It said "valid" but the front end finds a syntax error or CPython a `TabError`:
    /// a broken promise.
    Wrong,
}

/// Is `python::recognize::certainly_valid` right about `text`? Parses it as the CLI
/// does (`python::analyze`, chunk by chunk) only when the recognizer says "valid".
pub fn recognize_outcome(text: &str) -> Recognized {
    let tokens = crate::python::scan::tokenize(text);
    if !crate::python::recognize::certainly_valid(text, &tokens) {
        return Recognized::Unsure;
    }
    let facts = crate::python::analyze(text, None);
    if facts.has_syntax_errors() || crate::reduce::has_tab_error(text) {
        Recognized::Wrong
    } else {
        Recognized::Valid
    }
}

/// Target `recognize`: whenever the recognizer calls a text certainly valid, the front
/// end must find no syntax error in it and CPython no `TabError`.
pub fn recognize(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    assert_ne!(
        recognize_outcome(text),
        Recognized::Wrong,
        "certainly_valid accepted a text with a syntax error: {text:?}"
    );
}

/// Texts inserted by the mutations, besides copies of the file's own tokens.
pub const PIECES: &[&str] = &[
    "(", ")", "[", "]", "{", "}", ":", ",", "=", "*", "**", "\n", "    ", "\\\n", "#", "'", "\"",
    "f'{", "}'", "if ", "else", "elif x:", "lambda", "yield", "async ", "await ", "not ", "in ",
    "is ", "print ", "match ", "type ", "@", ";", ".", "...", ":=", "->", "except:", "finally:",
    "try:", "else:", "pass", "\t", "\r", "0x", "1_", "u'", "rb'",
];

/// One random break of a Python text, at token boundaries (so on char boundaries): a
/// token deleted, inserted (one of the text's own or a [`PIECES`] entry) or swapped with
/// the next, a line duplicated, a bracket deleted, a line's indentation changed. For the
/// recognizer's mutation tests (`examples/recognize_diff.rs`, `tests/recognize.rs`).
pub fn break_python(random: &mut dyn FnMut() -> u64, text: &str) -> String {
    let mut below = |n: usize| (random() % n.max(1) as u64) as usize;
    let tokens: Vec<_> = crate::python::scan::tokenize(text)
        .into_iter()
        .filter(|t| t.end > t.start || t.kind == crate::python::scan::Tok::EndMarker)
        .collect();
    let pick = |k: usize| tokens[k % tokens.len().max(1)];
    let piece = |t: crate::python::scan::Token| &text[t.start as usize..t.end as usize];
    let mut out = String::with_capacity(text.len() + 16);
    match below(7) {
        0 => {
            let t = pick(below(tokens.len()));
            out.push_str(&text[..t.start as usize]);
            out.push_str(&text[t.end as usize..]);
        }
        1 | 2 => {
            let at = pick(below(tokens.len())).start as usize;
            let insert = if below(2) == 0 {
                piece(pick(below(tokens.len()))).to_string()
            } else {
                PIECES[below(PIECES.len())].to_string()
            };
            let sep = if below(2) == 0 { " " } else { "" };
            out.push_str(&text[..at]);
            out.push_str(&insert);
            out.push_str(sep);
            out.push_str(&text[at..]);
        }
        3 => {
            let lines: Vec<&str> = text.split_inclusive('\n').collect();
            let n = below(lines.len().max(1));
            for (i, line) in lines.iter().enumerate() {
                out.push_str(line);
                if i == n {
                    out.push_str(line);
                }
            }
        }
        4 => {
            let brackets: Vec<_> = tokens
                .iter()
                .filter(|t| {
                    t.kind == crate::python::scan::Tok::Op
                        && matches!(piece(**t), "(" | ")" | "[" | "]" | "{" | "}")
                })
                .collect();
            if brackets.is_empty() {
                return text.to_string();
            }
            let t = brackets[below(brackets.len())];
            out.push_str(&text[..t.start as usize]);
            out.push_str(&text[t.end as usize..]);
        }
        5 => {
            // Swap two adjacent tokens.
            if tokens.len() < 3 {
                return text.to_string();
            }
            let i = below(tokens.len() - 2);
            let (a, b) = (tokens[i], tokens[i + 1]);
            out.push_str(&text[..a.start as usize]);
            out.push_str(piece(b));
            out.push_str(&text[a.end as usize..b.start as usize]);
            out.push_str(piece(a));
            out.push_str(&text[b.end as usize..]);
        }
        _ => {
            // Indent or dedent one line by a few spaces.
            let lines: Vec<&str> = text.split_inclusive('\n').collect();
            let n = below(lines.len().max(1));
            let k = 1 + below(4);
            for (i, line) in lines.iter().enumerate() {
                if i == n {
                    if below(2) == 0 {
                        out.push_str(&" ".repeat(k));
                        out.push_str(line);
                    } else {
                        let spaces = line.len() - line.trim_start_matches(' ').len();
                        out.push_str(&line[spaces.min(k)..]);
                    }
                } else {
                    out.push_str(line);
                }
            }
        }
    }
    out
}
