//! SSOT000 invalid-syntax reported the same way by the three entry points: `check`, the
//! pre-commit hook on a real git repository, and the language server over real stdio.

mod common;

use common::lsp::{frame, read_message};
use common::{git, write};

use std::io::{BufReader, Write};
use std::path::Path;
use std::process::Stdio;
use std::sync::mpsc::channel;
use std::time::Duration;

use serde_json::{json, Value};

const BROKEN: &str = "import os\n\ndef f(:\n    pass\n";

/// Exit code and stdout.
fn ssotlint(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let out = common::ssotlint(dir, args);
    (out.status.code(), common::stdout(&out))
}

#[test]
fn check_and_hook_report_the_syntax_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    git(root, &["init", "-q", "."]);
    write(&root.join("ok.py"), "x = 1\n");
    git(root, &["add", "ok.py"]);
    git(root, &["commit", "-q", "-m", "init"]);
    write(&root.join("broken.py"), BROKEN);
    let line = "broken.py:3:7: SSOT000 syntax error: a token is missing here\n";
    assert_eq!(
        ssotlint(root, &["check", "--output-format", "concise"]),
        (
            Some(1),
            format!("{line}Found 1 diagnostic in 1 file (2 checked).\n")
        )
    );
    git(root, &["add", "broken.py"]);
    let (code, stdout) = ssotlint(root, &["hook", "--output-format", "concise", "-q"]);
    assert_eq!((code, stdout.as_str()), (Some(1), line));
}

#[test]
fn the_language_server_publishes_the_syntax_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().canonicalize().expect("canonical");
    let file = root.join("broken.py");
    write(&file, BROKEN);
    let uri = format!("file://{}", file.display());
    let mut child = common::command()
        .arg("server")
        .current_dir(&root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn server");
    let mut stdin = child.stdin.take().expect("stdin");
    let stdout = child.stdout.take().expect("stdout");
    let (send, receive) = channel::<Value>();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        while let Some(message) = read_message(&mut reader) {
            if send.send(message).is_err() {
                return;
            }
        }
    });
    let root_uri = format!("file://{}", root.display());
    for message in [
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "processId": null, "rootUri": root_uri, "capabilities": {}}}),
        json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "python", "version": 1, "text": BROKEN}}}),
    ] {
        stdin
            .write_all(&frame(message.to_string().as_bytes()))
            .expect("write to server");
    }
    stdin.flush().expect("flush");
    let diagnostics = loop {
        let message = receive
            .recv_timeout(Duration::from_secs(60))
            .expect("publishDiagnostics from the server");
        if message["method"] == "textDocument/publishDiagnostics"
            && message["params"]["uri"] == uri.as_str()
        {
            break message["params"]["diagnostics"].clone();
        }
    };
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(
        diagnostics.as_array().map(Vec::len),
        Some(1),
        "{diagnostics}"
    );
    let d = &diagnostics[0];
    assert_eq!(d["code"], "SSOT000");
    assert_eq!(d["severity"], 1);
    assert_eq!(d["message"], "syntax error: a token is missing here");
    assert_eq!(d["range"]["start"], json!({"line": 2, "character": 6}));
}
