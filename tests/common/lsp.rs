//! The client side of LSP's base protocol (`Content-Length` framing) over the server's
//! stdio, for the tests that run `ssotlint server` as a process.

use std::io::BufRead;

use serde_json::Value;

/// One message body with its `Content-Length` header.
pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// The next message the server wrote; `None` once its stdout is closed. A frame without
/// a length or with a body that is not JSON fails (the server must never write one).
pub fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length.expect("a Content-Length header")];
    if reader.read_exact(&mut body).is_err() {
        return None;
    }
    Some(serde_json::from_slice(&body).expect("a JSON body"))
}
