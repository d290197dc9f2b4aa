//! `ssotlint server` over real stdio with LSP framing: the binary is spawned and driven
//! like an editor would.

mod common;

use common::lsp::{frame, read_message};

use std::io::{BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

/// Upper bound for any single wait: a hang guard, not a speed assertion.
const PATIENCE: Duration = Duration::from_secs(60);

struct Lsp {
    child: Child,
    stdin: Arc<Mutex<Option<ChildStdin>>>,
    rx: Receiver<Value>,
    backlog: Vec<Value>,
    next_id: i64,
}

fn write_to(stdin: &Mutex<Option<ChildStdin>>, bytes: &[u8]) {
    if let Some(s) = stdin.lock().unwrap().as_mut() {
        let _ = s.write_all(bytes);
        let _ = s.flush();
    }
}

impl Lsp {
    fn spawn(root: &Path) -> Lsp {
        let mut child = common::command()
            .arg("server")
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = Arc::new(Mutex::new(child.stdin.take()));
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        let replies = stdin.clone();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(msg) = read_message(&mut reader) {
                if msg.get("method").is_some() && msg.get("id").is_some() {
                    // A request from the server (registerCapability, progress, refresh).
                    let reply = json!({"jsonrpc": "2.0", "id": msg["id"], "result": null});
                    write_to(&replies, &frame(reply.to_string().as_bytes()));
                }
                if tx.send(msg).is_err() {
                    return;
                }
            }
        });
        Lsp {
            child,
            stdin,
            rx,
            backlog: Vec::new(),
            next_id: 1,
        }
    }

    /// Spawn and initialize with `root` as the workspace folder.
    fn start(root: &Path, init_options: Value, encodings: &[&str]) -> Lsp {
        let mut lsp = Lsp::spawn(root);
        let result = lsp.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(root),
                "workspaceFolders": [{"uri": uri(root), "name": "ws"}],
                "initializationOptions": init_options,
                "capabilities": {
                    "general": {"positionEncodings": encodings},
                    "window": {"workDoneProgress": true},
                    "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}
                }
            }),
        );
        assert!(result.get("result").is_some(), "{result}");
        lsp.notify("initialized", json!({}));
        lsp
    }

    fn send(&mut self, msg: Value) {
        self.send_raw(&frame(msg.to_string().as_bytes()));
    }

    fn send_raw(&mut self, bytes: &[u8]) {
        write_to(&self.stdin, bytes);
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Send a request; its full response message (result or error).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait(|m| m.get("method").is_none() && m["id"] == json!(id))
    }

    /// The first message (queued or new) that satisfies `pred`; others stay queued.
    fn wait(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&pred) {
            return self.backlog.remove(i);
        }
        loop {
            let msg = self.rx.recv_timeout(PATIENCE).unwrap_or_else(|e| {
                panic!("no matching message ({e}); queued: {:?}", self.backlog)
            });
            if pred(&msg) {
                return msg;
            }
            self.backlog.push(msg);
        }
    }

    /// The pushed diagnostics of `uri` at `version`, as (code, line, start, end col).
    fn published(&mut self, uri: &str, version: i64) -> Vec<(String, u64, u64, u64)> {
        let msg = self.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == json!(version)
        });
        summarize(&msg["params"]["diagnostics"])
    }

    /// Wait until the background module index is in place (it re-pushes diagnostics)
    /// and forget the pushes made before it, so later waits see only new pushes.
    fn after_index(&mut self) {
        self.wait(|m| {
            m["method"] == "window/logMessage"
                && m["params"]["message"]
                    .as_str()
                    .is_some_and(|s| s.starts_with("indexed "))
        });
        self.backlog
            .retain(|m| m["method"] != "textDocument/publishDiagnostics");
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, uri: &str, version: i64, range: [u64; 4], text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": lsp_range(range), "text": text}]
            }),
        );
    }

    /// `shutdown`, `exit`, and the exit code.
    fn stop(mut self) -> i32 {
        let reply = self.request("shutdown", Value::Null);
        assert_eq!(reply["result"], Value::Null, "{reply}");
        self.notify("exit", Value::Null);
        self.exit_code()
    }

    fn exit_code(&mut self) -> i32 {
        for _ in 0..600 {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        panic!("server did not exit");
    }
}

impl Drop for Lsp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn lsp_range([l1, c1, l2, c2]: [u64; 4]) -> Value {
    json!({"start": {"line": l1, "character": c1}, "end": {"line": l2, "character": c2}})
}

fn summarize(diags: &Value) -> Vec<(String, u64, u64, u64)> {
    diags
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["range"]["start"]["line"].as_u64().unwrap(),
                d["range"]["start"]["character"].as_u64().unwrap(),
                d["range"]["end"]["character"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn d(code: &str, line: u64, start: u64, end: u64) -> (String, u64, u64, u64) {
    (code.to_string(), line, start, end)
}

const CONFIG: &str = "[canonical]\n\"app.engine.Engine\" = { legacy-modules = [\"app.old\"] }\n";
const MAIN: &str = "import os\nfrom app.old import Engine\nfrom app.gone import X\n";

/// A project: `app.engine.Engine` is canonical, `app.old` re-exports it.
fn project() -> tempfile::TempDir {
    common::project(&[
        ("ssotlint.toml", CONFIG),
        ("app/__init__.py", ""),
        ("app/engine.py", "class Engine:\n    pass\n"),
        ("app/old.py", "from app.engine import Engine\n"),
        ("main.py", MAIN),
    ])
}

/// Apply LSP text edits (UTF-16 positions, ASCII/BMP text) to a text.
fn apply_text_edits(text: &str, edits: &Value) -> String {
    let offset = |p: &Value| {
        let line = p["line"].as_u64().unwrap() as usize;
        let col = p["character"].as_u64().unwrap() as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let line_text = text[start..].split('\n').next().unwrap();
        start
            + line_text
                .chars()
                .take(col)
                .map(char::len_utf8)
                .sum::<usize>()
    };
    let mut edits: Vec<(usize, usize, String)> = edits
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    edits.sort();
    let mut out = text.to_string();
    for (start, end, new) in edits.into_iter().rev() {
        out.replace_range(start..end, &new);
    }
    out
}

#[test]
fn open_publishes_diagnostics_and_progress_and_registers_watchers() {
    let tmp = project();
    let main = uri(&tmp.path().join("main.py"));
    let mut lsp = Lsp::start(tmp.path(), json!({}), &["utf-16"]);
    lsp.open(&main, MAIN);
    assert_eq!(
        lsp.published(&main, 1),
        vec![d("SSOT001", 1, 20, 26), d("SSOT005", 2, 5, 13)]
    );
    let reg = lsp.wait(|m| m["method"] == "client/registerCapability");
    assert_eq!(
        reg["params"]["registrations"][0]["method"],
        "workspace/didChangeWatchedFiles"
    );
    lsp.wait(|m| m["method"] == "window/workDoneProgress/create");
    lsp.wait(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "begin");
    let end = lsp.wait(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end");
    assert_eq!(end["params"]["value"]["message"], "4 module files");
    assert_eq!(lsp.stop(), 0);
}

/// A deterministic pseudo-random sequence (no external crates, no clock).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

fn position_of(text: &str, offset: usize) -> (u64, u64) {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col: usize = before[line_start..].chars().map(char::len_utf16).sum();
    (line as u64, col as u64)
}

#[test]
fn burst_of_200_edits_ends_in_the_same_diagnostics_as_check() {
    let tmp = project();
    let path = tmp.path().join("main.py");
    let main = uri(&path);
    let mut lsp = Lsp::start(tmp.path(), json!({}), &["utf-16"]);
    let mut text = format!("{MAIN}# scratch: \n");
    lsp.open(&main, &text);
    let mut rng = Lcg(7);
    let typed = "\nfrom app.old import Engine as É\nimport app.gone\n";
    let mut version = 1;
    for i in 0..200 {
        version += 1;
        let (start, end, insert) = if i < 150 {
            // Random single-character edits anywhere in the text.
            let chars: Vec<usize> = text.char_indices().map(|(o, _)| o).collect();
            let at = chars[rng.next(chars.len())];
            if rng.next(3) == 0 {
                let len = text[at..].chars().next().map_or(0, char::len_utf8);
                (at, at + len, String::new())
            } else {
                let pool = ['a', 'é', ' ', '\n', '.', 'x', '\t'];
                (at, at, pool[rng.next(pool.len())].to_string())
            }
        } else {
            // Then type two import lines at the end, one character at a time.
            let ch = typed.chars().nth(i - 150).unwrap_or('\n');
            (text.len(), text.len(), ch.to_string())
        };
        let (l1, c1) = position_of(&text, start);
        let (l2, c2) = position_of(&text, end);
        lsp.change(&main, version, [l1, c1, l2, c2], &insert);
        text.replace_range(start..end, &insert);
    }
    let pushed = lsp.published(&main, version);
    // Never a stale version after a newer one.
    let versions: Vec<i64> = lsp
        .backlog
        .iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics")
        .filter_map(|m| m["params"]["version"].as_i64())
        .collect();
    assert!(versions.windows(2).all(|w| w[0] < w[1]), "{versions:?}");
    std::fs::write(&path, &text).unwrap();
    let out = common::ssotlint(tmp.path(), &["check", "--output-format", "json", "main.py"]);
    let checked = common::json(&out);
    let expected: Vec<(String, u64, u64, u64)> = checked
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["location"]["row"].as_u64().unwrap() - 1,
                d["location"]["column"].as_u64().unwrap() - 1,
                d["end_location"]["column"].as_u64().unwrap() - 1,
            )
        })
        .collect();
    assert!(!expected.is_empty(), "final text:\n{text}");
    assert_eq!(pushed, expected, "final text:\n{text}");
    assert_eq!(lsp.stop(), 0);
}

#[test]
fn pull_diagnostics_for_a_document_and_the_workspace() {
    let tmp = project();
    let main = uri(&tmp.path().join("main.py"));
    let mut lsp = Lsp::start(tmp.path(), json!({}), &[]);
    lsp.open(&main, MAIN);
    lsp.change(&main, 2, [0, 0, 1, 0], "");
    let doc = lsp.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": main}}),
    );
    assert_eq!(doc["result"]["kind"], "full");
    assert_eq!(
        summarize(&doc["result"]["items"]),
        vec![d("SSOT001", 0, 20, 26), d("SSOT005", 1, 5, 13)]
    );
    let ws = lsp.request("workspace/diagnostic", json!({"previousResultIds": []}));
    let items = &ws["result"]["items"];
    assert_eq!(items.as_array().unwrap().len(), 1);
    assert_eq!(items[0]["uri"], main.as_str());
    assert_eq!(items[0]["version"], 2);
    assert_eq!(
        summarize(&items[0]["items"]),
        vec![d("SSOT001", 0, 20, 26), d("SSOT005", 1, 5, 13)]
    );
    assert_eq!(lsp.stop(), 0);
}

fn code_actions(lsp: &mut Lsp, uri: &str, range: [u64; 4], only: Option<&[&str]>) -> Vec<Value> {
    let mut context = json!({"diagnostics": []});
    if let Some(only) = only {
        context["only"] = json!(only);
    }
    let reply = lsp.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": lsp_range(range), "context": context}),
    );
    reply["result"]
        .as_array()
        .unwrap_or_else(|| panic!("{reply}"))
        .clone()
}

#[test]
fn disable_for_this_line_appends_or_merges_noqa() {
    let tmp = project();
    let main = uri(&tmp.path().join("main.py"));
    let text = "from app.old import Engine\nfrom app.gone import X  # noqa: SSOT002\n";
    let mut lsp = Lsp::start(tmp.path(), json!({}), &["utf-16"]);
    lsp.open(&main, text);
    assert_eq!(
        lsp.published(&main, 1),
        vec![d("SSOT001", 0, 20, 26), d("SSOT005", 1, 5, 13)]
    );
    let actions = code_actions(&mut lsp, &main, [0, 22, 0, 22], None);
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        vec![
            "Import from `app.engine` (SSOT001)",
            "Disable SSOT001 for this line",
            "Fix all safe ssotlint problems"
        ]
    );
    assert_eq!(actions[1]["kind"], "quickfix");
    assert_eq!(actions[1]["diagnostics"][0]["code"], "SSOT001");
    let edits = &actions[1]["edit"]["changes"][&main];
    let fixed = apply_text_edits(text, edits);
    assert_eq!(
        fixed,
        "from app.old import Engine  # noqa: SSOT001\nfrom app.gone import X  # noqa: SSOT002\n"
    );
    let merge = code_actions(&mut lsp, &main, [1, 6, 1, 6], Some(&["quickfix"]));
    assert_eq!(merge.len(), 1);
    let fixed = apply_text_edits(&fixed, &merge[0]["edit"]["changes"][&main]);
    assert_eq!(fixed, "from app.old import Engine  # noqa: SSOT001\nfrom app.gone import X  # noqa: SSOT002, SSOT005\n");
    lsp.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": main, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    assert_eq!(lsp.published(&main, 2), vec![]);
    // Nothing left to fix: no fix-all action.
    assert_eq!(
        code_actions(&mut lsp, &main, [0, 0, 0, 0], Some(&["source.fixAll"])),
        Vec::<Value>::new()
    );
    assert_eq!(lsp.stop(), 0);
}

#[test]
fn config_changes_refresh_diagnostics_and_errors_keep_the_last_good_config() {
    let tmp = project();
    let root = tmp.path();
    let main = uri(&root.join("main.py"));
    let config_uri = uri(&root.join("ssotlint.toml"));
    let mut lsp = Lsp::start(root, json!({}), &["utf-16"]);
    lsp.open(&main, MAIN);
    lsp.after_index();
    assert_eq!(
        lsp.published(&main, 1),
        vec![d("SSOT001", 1, 20, 26), d("SSOT005", 2, 5, 13)]
    );
    // A broken config: the user is told, the last good config keeps working.
    std::fs::write(root.join("ssotlint.toml"), "[lint]\nselectt = []\n").unwrap();
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": config_uri, "type": 2}]}),
    );
    let shown = lsp.wait(|m| m["method"] == "window/showMessage");
    assert_eq!(shown["params"]["type"], 1);
    let message = shown["params"]["message"].as_str().unwrap();
    assert!(
        message.contains("ssotlint.toml") && message.contains("selectt"),
        "{message}"
    );
    assert_eq!(
        lsp.published(&main, 1),
        vec![d("SSOT001", 1, 20, 26), d("SSOT005", 2, 5, 13)]
    );
    // A valid config without the canonical entry: SSOT001 disappears.
    std::fs::write(root.join("ssotlint.toml"), "[lint]\nselect = [\"SSOT\"]\n").unwrap();
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": config_uri, "type": 2}]}),
    );
    assert_eq!(lsp.published(&main, 1), vec![d("SSOT005", 2, 5, 13)]);
    // The missing module appears on disk: SSOT005 disappears.
    std::fs::write(root.join("app/gone.py"), "X = 1\n").unwrap();
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&root.join("app/gone.py")), "type": 1}]}),
    );
    assert_eq!(lsp.published(&main, 1), vec![]);
    std::fs::remove_file(root.join("app/gone.py")).unwrap();
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&root.join("app/gone.py")), "type": 3}]}),
    );
    assert_eq!(lsp.published(&main, 1), vec![d("SSOT005", 2, 5, 13)]);
    // Editor settings: ignore SSOT005, then a config path elsewhere.
    lsp.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"ssotlint": {"ignore": ["SSOT005"]}}}),
    );
    assert_eq!(lsp.published(&main, 1), vec![]);
    std::fs::write(root.join("other.toml"), CONFIG).unwrap();
    lsp.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"ssotlint": {"configPath": "other.toml", "select": ["SSOT001"]}}}),
    );
    assert_eq!(lsp.published(&main, 1), vec![d("SSOT001", 1, 20, 26)]);
    assert_eq!(lsp.stop(), 0);
}

#[test]
fn initialization_options_select_rules() {
    let tmp = project();
    let main = uri(&tmp.path().join("main.py"));
    let mut lsp = Lsp::start(
        tmp.path(),
        json!({"select": ["SSOT005"], "logLevel": "debug"}),
        &[],
    );
    lsp.open(&main, MAIN);
    assert_eq!(lsp.published(&main, 1), vec![d("SSOT005", 2, 5, 13)]);
    let log = lsp.wait(|m| {
        m["method"] == "window/logMessage"
            && m["params"]["message"]
                .as_str()
                .is_some_and(|s| s.starts_with("open "))
    });
    assert_eq!(log["params"]["type"], 4);
    assert_eq!(lsp.stop(), 0);
}

const UNICODE: &str = "x = 1\r\ny = \"é😀\t\"; from app.old import Engine\r\n";

#[test]
fn utf16_positions_with_non_ascii_tabs_crlf_and_emoji() {
    let tmp = project();
    let main = uri(&tmp.path().join("main.py"));
    let mut lsp = Lsp::start(tmp.path(), json!({}), &["utf-16"]);
    lsp.open(&main, UNICODE);
    assert_eq!(lsp.published(&main, 1), vec![d("SSOT001", 1, 32, 38)]);
    // Type "ab" right after the emoji (UTF-16 column 8).
    lsp.change(&main, 2, [1, 8, 1, 8], "ab");
    assert_eq!(lsp.published(&main, 2), vec![d("SSOT001", 1, 34, 40)]);
    let actions = code_actions(&mut lsp, &main, [1, 35, 1, 35], None);
    let fix = &actions[0]["edit"]["changes"][&main][0];
    assert_eq!(fix["range"], lsp_range([1, 19, 1, 26]));
    assert_eq!(fix["newText"], "app.engine");
    let noqa = &actions[1]["edit"]["changes"][&main][0];
    assert_eq!(noqa["range"], lsp_range([1, 40, 1, 40]));
    assert_eq!(noqa["newText"], "  # noqa: SSOT001");
    assert_eq!(lsp.stop(), 0);
}

#[test]
fn utf8_positions_when_the_client_offers_them() {
    let tmp = project();
    let main = uri(&tmp.path().join("main.py"));
    let mut lsp = Lsp::spawn(tmp.path());
    let init = lsp.request(
        "initialize",
        json!({"processId": null, "rootUri": uri(tmp.path()), "capabilities": {"general": {"positionEncodings": ["utf-8", "utf-16"]}}}),
    );
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-8");
    lsp.notify("initialized", json!({}));
    lsp.open(&main, UNICODE);
    assert_eq!(lsp.published(&main, 1), vec![d("SSOT001", 1, 35, 41)]);
    // "ab" right after the emoji: UTF-8 column 10.
    lsp.change(&main, 2, [1, 10, 1, 10], "ab");
    assert_eq!(lsp.published(&main, 2), vec![d("SSOT001", 1, 37, 43)]);
    assert_eq!(lsp.stop(), 0);
}

#[test]
fn malformed_and_unknown_messages_get_errors_and_the_server_keeps_running() {
    let tmp = project();
    let main = uri(&tmp.path().join("main.py"));
    let mut lsp = Lsp::start(tmp.path(), json!({}), &[]);
    lsp.send_raw(&frame(b"{\"jsonrpc\": \"2.0\", \"id\": 99, \"method\": "));
    let parse_error = lsp.wait(|m| m["error"]["code"] == -32700);
    assert_eq!(parse_error["id"], Value::Null);
    let unknown = lsp.request("ssotlint/noSuchMethod", json!({}));
    assert_eq!(unknown["error"]["code"], -32601);
    lsp.notify("ssotlint/noSuchNotification", json!({}));
    let unopened = uri(&tmp.path().join("never_opened.py"));
    let reply = lsp.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": unopened}}),
    );
    assert_eq!(reply["error"]["code"], -32602, "{reply}");
    assert!(reply["error"]["message"]
        .as_str()
        .unwrap()
        .contains("not open"));
    let reply = lsp.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": unopened}, "range": lsp_range([0, 0, 0, 0]), "context": {"diagnostics": []}}),
    );
    assert_eq!(reply["error"]["code"], -32602, "{reply}");
    lsp.open(&main, MAIN);
    let reply = lsp.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": main}, "range": lsp_range([40, 0, 41, 0]), "context": {"diagnostics": []}}),
    );
    assert_eq!(reply["error"]["code"], -32602, "{reply}");
    assert!(reply["error"]["message"]
        .as_str()
        .unwrap()
        .contains("outside the document"));
    // An out-of-range edit is dropped (and logged); later edits still apply.
    lsp.change(&main, 2, [50, 0, 50, 0], "zzz");
    lsp.change(&main, 3, [0, 0, 1, 0], "");
    assert_eq!(
        lsp.published(&main, 3),
        vec![d("SSOT001", 0, 20, 26), d("SSOT005", 1, 5, 13)]
    );
    let reply = lsp.request("textDocument/codeAction", json!({"bogus": true}));
    assert_eq!(reply["error"]["code"], -32602, "{reply}");
    assert_eq!(lsp.stop(), 0);
}

#[test]
fn closed_stdin_ends_the_server_and_exit_without_shutdown_is_an_error() {
    let tmp = project();
    let mut lsp = Lsp::start(tmp.path(), json!({}), &[]);
    lsp.stdin.lock().unwrap().take();
    assert_eq!(lsp.exit_code(), 1);
    let mut lsp = Lsp::start(tmp.path(), json!({}), &[]);
    lsp.notify("exit", Value::Null);
    assert_eq!(lsp.exit_code(), 1);
}

const FIXABLE: &str =
    "from app.old import Engine\nimport os\nfrom app.old import Engine as Eng\nx = [Eng()]\n";

#[test]
fn quick_fix_and_fix_all_yield_the_expected_text() {
    let tmp = project();
    let main = uri(&tmp.path().join("main.py"));
    let mut lsp = Lsp::start(tmp.path(), json!({}), &["utf-16"]);
    lsp.open(&main, FIXABLE);
    assert_eq!(
        lsp.published(&main, 1),
        vec![d("SSOT001", 0, 20, 26), d("SSOT001", 2, 20, 26)]
    );
    let actions = code_actions(&mut lsp, &main, [0, 22, 0, 22], Some(&["quickfix"]));
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        vec![
            "Import from `app.engine` (SSOT001)",
            "Disable SSOT001 for this line"
        ]
    );
    assert_eq!(actions[0]["isPreferred"], true);
    let fixed = apply_text_edits(FIXABLE, &actions[0]["edit"]["changes"][&main]);
    assert_eq!(
        fixed,
        "from app.engine import Engine\nimport os\nfrom app.old import Engine as Eng\nx = [Eng()]\n"
    );

    let all = code_actions(&mut lsp, &main, [0, 0, 0, 0], Some(&["source.fixAll"]));
    assert_eq!(all.len(), 1);
    assert_eq!(all[0]["kind"], "source.fixAll.ssotlint");
    let fixed = apply_text_edits(FIXABLE, &all[0]["edit"]["changes"][&main]);
    assert_eq!(fixed, "from app.engine import Engine\nimport os\nfrom app.engine import Engine as Eng\nx = [Eng()]\n");

    // What is left is the alias: an unsafe fix, offered but not preferred.
    lsp.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": main, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    assert_eq!(lsp.published(&main, 2), vec![d("SSOT002", 2, 23, 36)]);
    let actions = code_actions(&mut lsp, &main, [2, 30, 2, 30], Some(&["quickfix"]));
    assert_eq!(
        actions[0]["title"],
        "Drop the alias `Eng` and rename its references to `Engine` (SSOT002, unsafe)"
    );
    assert_eq!(actions[0].get("isPreferred"), None);
    let renamed = apply_text_edits(&fixed, &actions[0]["edit"]["changes"][&main]);
    assert_eq!(
        renamed,
        "from app.engine import Engine\nimport os\nfrom app.engine import Engine\nx = [Engine()]\n"
    );
    // Fix-all applies safe fixes only: nothing to do.
    assert_eq!(
        code_actions(&mut lsp, &main, [0, 0, 0, 0], Some(&["source"])),
        Vec::<Value>::new()
    );
    assert_eq!(lsp.stop(), 0);
}

/// A document nested deeper than CPython compiles (3k-term chain, 10k brackets, 100k
/// attributes) used to kill the server with a stack overflow; now it is linted, edited
/// and closed like any other.
#[test]
fn deeply_nested_documents_keep_the_server_alive() {
    let tmp = project();
    let deep = uri(&tmp.path().join("deep.py"));
    let main = uri(&tmp.path().join("main.py"));
    let text = format!(
        "x = {}\ny = {}{}\nz = a{}\nfrom app.old import Engine\n",
        vec!["a"; 3_000].join("+"),
        "[".repeat(10_000),
        "]".repeat(10_000),
        ".b".repeat(100_000)
    );
    let mut lsp = Lsp::start(tmp.path(), json!({}), &["utf-16"]);
    lsp.open(&deep, &text);
    assert_eq!(lsp.published(&deep, 1), vec![d("SSOT001", 3, 20, 26)]);
    // Typing inside the chain re-parses the deep chunk.
    lsp.change(&deep, 2, [0, 5, 0, 5], "b+");
    assert_eq!(lsp.published(&deep, 2), vec![d("SSOT001", 3, 20, 26)]);
    lsp.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": deep}}),
    );
    lsp.open(&main, MAIN);
    assert_eq!(
        lsp.published(&main, 1),
        vec![d("SSOT001", 1, 20, 26), d("SSOT005", 2, 5, 13)]
    );
    assert_eq!(lsp.stop(), 0);
}

/// A document over `project.max-file-size` is not kept: a warning is shown once and its
/// edits are ignored quietly.
#[test]
fn a_document_over_max_file_size_is_skipped_with_a_warning() {
    let tmp = project();
    std::fs::write(
        tmp.path().join("ssotlint.toml"),
        format!("{CONFIG}\n[project]\nmax-file-size = 100\n"),
    )
    .unwrap();
    let big = uri(&tmp.path().join("big.py"));
    let main = uri(&tmp.path().join("main.py"));
    let mut lsp = Lsp::start(tmp.path(), json!({}), &["utf-16"]);
    lsp.open(
        &big,
        &format!("from app.old import Engine\n{}", "x = 1\n".repeat(20)),
    );
    let shown = lsp.wait(|m| m["method"] == "window/showMessage");
    assert_eq!(
        shown["params"]["message"],
        format!(
            "ssotlint: {}: 147 bytes, over max-file-size (100 bytes); skipped",
            tmp.path().join("big.py").display()
        )
    );
    lsp.change(&big, 2, [0, 0, 0, 0], "y = 2\n");
    lsp.open(&main, MAIN);
    assert_eq!(
        lsp.published(&main, 1),
        vec![d("SSOT001", 1, 20, 26), d("SSOT005", 2, 5, 13)]
    );
    assert_eq!(lsp.stop(), 0);
}

/// A request sees exactly the edits sent before it, even when the edit after it arrives
/// in the same read: tower-lsp polls request handlers concurrently, so the server keeps
/// each request's place in its queue when it arrives (found by the `lsp` fuzz target).
#[test]
fn a_request_sees_the_edits_before_it_and_none_after() {
    let tmp = project();
    let main = uri(&tmp.path().join("main.py"));
    let mut lsp = Lsp::start(tmp.path(), json!({}), &[]);
    lsp.open(&main, MAIN);
    let texts = [MAIN, ""];
    let mut ids = Vec::new();
    for round in 0..20u64 {
        // The request, then an edit that changes its answer, in one write.
        let id = 10_000 + round;
        let next = texts[(round as usize + 1) % 2];
        let mut bytes = frame(
            json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/diagnostic",
                   "params": {"textDocument": {"uri": main}}})
            .to_string()
            .as_bytes(),
        );
        bytes.extend(frame(
            json!({"jsonrpc": "2.0", "method": "textDocument/didChange",
                   "params": {"textDocument": {"uri": main, "version": round + 2},
                              "contentChanges": [{"text": next}]}})
            .to_string()
            .as_bytes(),
        ));
        lsp.send_raw(&bytes);
        ids.push(id);
    }
    for (round, id) in ids.into_iter().enumerate() {
        let reply = lsp.wait(|m| m.get("method").is_none() && m["id"] == json!(id));
        let expected = if round % 2 == 0 {
            vec![d("SSOT001", 1, 20, 26), d("SSOT005", 2, 5, 13)]
        } else {
            Vec::new()
        };
        assert_eq!(
            summarize(&reply["result"]["items"]),
            expected,
            "request {round} saw a later edit"
        );
    }
    assert_eq!(lsp.stop(), 0);
}

/// A shim without `Engine` on disk, an importer of it, an importer through a second shim
/// (`app.api`, not open) and a document that imports neither.
fn overlay_project() -> tempfile::TempDir {
    let tmp = project();
    let root = tmp.path();
    std::fs::write(root.join("app/shim.py"), "X = 1\n").unwrap();
    std::fs::write(root.join("app/api.py"), "from app.shim import Engine\n").unwrap();
    std::fs::write(root.join("app/user.py"), OVERLAY_USER).unwrap();
    std::fs::write(root.join("app/views.py"), OVERLAY_VIEWS).unwrap();
    tmp
}

const OVERLAY_USER: &str = "import os\nfrom app.shim import Engine\nfrom app.gone import X\n";
const OVERLAY_VIEWS: &str = "from app.api import Engine\n";

/// The debug log line that names the documents an editor change re-lints.
fn relint_log(lsp: &mut Lsp, path: &Path) -> String {
    let prefix = format!("{} ", path.display());
    let msg = lsp.wait(|m| {
        m["method"] == "window/logMessage"
            && m["params"]["message"]
                .as_str()
                .is_some_and(|s| s.starts_with(&prefix) && s.contains(" in the editor: "))
    });
    msg["params"]["message"].as_str().unwrap().to_string()
}

#[test]
fn an_unsaved_shim_edit_relints_its_open_importers_and_closing_it_goes_back_to_disk() {
    let tmp = overlay_project();
    let root = tmp.path();
    let shim_path = root.join("app/shim.py");
    let [shim, user, views, main] =
        ["app/shim.py", "app/user.py", "app/views.py", "main.py"].map(|p| uri(&root.join(p)));
    let mut lsp = Lsp::start(root, json!({"logLevel": "debug"}), &["utf-16"]);
    lsp.after_index();
    lsp.open(&shim, "X = 1\n");
    assert_eq!(lsp.published(&shim, 1), vec![]);
    lsp.open(&user, OVERLAY_USER);
    lsp.open(&views, OVERLAY_VIEWS);
    lsp.open(&main, MAIN);
    assert_eq!(lsp.published(&user, 1), vec![d("SSOT005", 2, 5, 13)]);
    assert_eq!(lsp.published(&views, 1), vec![]);
    assert_eq!(
        lsp.published(&main, 1),
        vec![d("SSOT001", 1, 20, 26), d("SSOT005", 2, 5, 13)]
    );
    // The shim's buffer re-exports Engine, unsaved: its importers (directly, and through
    // `app.api` on disk) are re-linted at once; `main.py` imports neither and is not.
    lsp.change(&shim, 2, [0, 0, 0, 5], "from app.engine import Engine");
    assert_eq!(
        relint_log(&mut lsp, &shim_path),
        format!(
            "{} changed in the editor: re-linting {}, {}",
            shim_path.display(),
            root.join("app/user.py").display(),
            root.join("app/views.py").display()
        )
    );
    assert_eq!(lsp.published(&shim, 2), vec![]);
    assert_eq!(
        lsp.published(&user, 1),
        vec![d("SSOT001", 1, 21, 27), d("SSOT005", 2, 5, 13)]
    );
    assert_eq!(lsp.published(&views, 1), vec![d("SSOT001", 0, 20, 26)]);
    assert_eq!(std::fs::read_to_string(&shim_path).unwrap(), "X = 1\n");
    // Closed without saving: the importers are back to the disk's answer.
    lsp.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": shim}}),
    );
    assert_eq!(
        relint_log(&mut lsp, &shim_path),
        format!(
            "{} closed in the editor: re-linting {}, {}",
            shim_path.display(),
            root.join("app/user.py").display(),
            root.join("app/views.py").display()
        )
    );
    assert_eq!(lsp.published(&user, 1), vec![d("SSOT005", 2, 5, 13)]);
    assert_eq!(lsp.published(&views, 1), vec![]);
    // A module that exists only as an unsaved buffer resolves while it is open.
    let gone = uri(&root.join("app/gone.py"));
    lsp.open(&gone, "X = 1\n");
    assert_eq!(lsp.published(&gone, 1), vec![]);
    assert_eq!(lsp.published(&user, 1), vec![]);
    lsp.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": gone}}),
    );
    assert_eq!(lsp.published(&user, 1), vec![d("SSOT005", 2, 5, 13)]);
    assert_eq!(lsp.stop(), 0);
}

#[test]
fn a_diagnostic_request_right_after_an_unsaved_shim_edit_sees_it() {
    let tmp = overlay_project();
    let root = tmp.path();
    let [shim, user] = ["app/shim.py", "app/user.py"].map(|p| uri(&root.join(p)));
    let mut lsp = Lsp::start(root, json!({}), &["utf-16"]);
    lsp.after_index();
    lsp.open(&shim, "X = 1\n");
    assert_eq!(lsp.published(&shim, 1), vec![]);
    lsp.open(&user, OVERLAY_USER);
    assert_eq!(lsp.published(&user, 1), vec![d("SSOT005", 2, 5, 13)]);
    // The request is answered before the shim is linted again: the importer's lint
    // reads the shim's unsaved text from the overlay.
    lsp.change(&shim, 2, [0, 0, 0, 5], "from app.engine import Engine");
    let pulled = lsp.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": user}}),
    );
    assert_eq!(
        summarize(&pulled["result"]["items"]),
        vec![d("SSOT001", 1, 21, 27), d("SSOT005", 2, 5, 13)]
    );
    assert_eq!(lsp.stop(), 0);
}

/// Notifications over 1 MiB cross tower-lsp's reader as small stand-ins (its frame
/// buffer would keep their size while the server runs, issue 13): they keep their place
/// among the messages sent with them in one write.
#[test]
fn big_notifications_keep_their_place() {
    let tmp = project();
    let big = uri(&tmp.path().join("big.py"));
    let mut lsp = Lsp::start(tmp.path(), json!({}), &[]);
    let filler = "x = 1\n".repeat(190_000);
    let notify = |method: &str, params: Value| {
        frame(
            json!({"jsonrpc": "2.0", "method": method, "params": params})
                .to_string()
                .as_bytes(),
        )
    };
    let diagnostic = |id: u64| {
        frame(
            json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/diagnostic",
                   "params": {"textDocument": {"uri": big}}})
            .to_string()
            .as_bytes(),
        )
    };
    let mut bytes = notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": big, "languageId": "python", "version": 1,
                                "text": format!("{filler}from app.old import Engine\n")}}),
    );
    bytes.extend(notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": big, "version": 2},
               "contentChanges": [{"range": lsp_range([190_000, 0, 190_000, 0]), "text": "import os\n"}]}),
    ));
    bytes.extend(diagnostic(1));
    bytes.extend(notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": big, "version": 3},
               "contentChanges": [{"text": format!("{filler}from app.gone import X\n")}]}),
    ));
    bytes.extend(diagnostic(2));
    lsp.send_raw(&bytes);
    let first = lsp.wait(|m| m.get("method").is_none() && m["id"] == json!(1));
    assert_eq!(
        summarize(&first["result"]["items"]),
        vec![d("SSOT001", 190_001, 20, 26)]
    );
    let second = lsp.wait(|m| m.get("method").is_none() && m["id"] == json!(2));
    assert_eq!(
        summarize(&second["result"]["items"]),
        vec![d("SSOT005", 190_000, 5, 13)]
    );
    assert_eq!(lsp.stop(), 0);
}
