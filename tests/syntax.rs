//! SSOT000 invalid-syntax reported the same way by the three entry points: `check`, the
//! pre-commit hook on a real git repository, and the language server over real stdio.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc::channel;
use std::time::Duration;

use serde_json::{json, Value};

const BROKEN: &str = "import os\n\ndef f(:\n    pass\n";

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .expect("git");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn ssotlint(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ssotlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn check_and_hook_report_the_syntax_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    git(root, &["init", "-q", "."]);
    std::fs::write(root.join("ok.py"), "x = 1\n").expect("write");
    git(root, &["add", "ok.py"]);
    git(root, &["commit", "-q", "-m", "init"]);
    std::fs::write(root.join("broken.py"), BROKEN).expect("write");
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

fn frame(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

#[test]
fn the_language_server_publishes_the_syntax_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().canonicalize().expect("canonical");
    let file = root.join("broken.py");
    std::fs::write(&file, BROKEN).expect("write");
    let uri = format!("file://{}", file.display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_ssotlint"))
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
        loop {
            let mut length = 0;
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) == 0 {
                    return;
                }
                let header = header.trim_end();
                if header.is_empty() {
                    break;
                }
                if let Some(n) = header.strip_prefix("Content-Length: ") {
                    length = n.parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_err() {
                return;
            }
            let Ok(message) = serde_json::from_slice::<Value>(&body) else {
                return;
            };
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
            .write_all(&frame(&message.to_string()))
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
