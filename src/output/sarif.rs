//! SARIF 2.1.0, the format GitHub code scanning reads. Columns are Unicode code points
//! (declared with `columnKind`).

use std::io::{self, Write};
use std::path::Path;

use serde_json::{json, Value};

use super::message::Message;
use crate::config::normalize;
use crate::rules::registry::{Rule, Severity};

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn region(m: &Message, range: &std::ops::Range<usize>) -> Value {
    let start = m.source.location(range.start);
    let end = m.source.location(range.end);
    json!({
        "startLine": start.row,
        "startColumn": start.column,
        "endLine": end.row,
        "endColumn": end.column,
    })
}

/// An absolute `file://` URI (RFC 8089), as ruff writes, so a SARIF file means the same
/// whichever directory ssotlint ran in. Bytes outside RFC 3986's unreserved set and `/`
/// are percent-encoded.
pub fn file_uri(path: &Path) -> String {
    let absolute = normalize(path).to_string_lossy().replace('\\', "/");
    let mut uri = String::from("file://");
    if !absolute.starts_with('/') {
        uri.push('/');
    }
    for b in absolute.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri
}

pub fn write_sarif(messages: &[Message], out: &mut dyn Write) -> io::Result<()> {
    let rules: Vec<Value> = Rule::ALL
        .iter()
        .map(|r| {
            json!({
                "id": r.code(),
                "name": r.name(),
                "shortDescription": { "text": r.summary() },
                "fullDescription": { "text": r.doc() },
                "helpUri": r.url(),
                "defaultConfiguration": { "level": level(r.default_severity()) },
            })
        })
        .collect();
    let results: Vec<Value> = messages
        .iter()
        .map(|m| {
            let d = m.diagnostic;
            let uri = file_uri(m.path);
            let mut result = json!({
                "ruleId": d.rule.code(),
                "ruleIndex": Rule::ALL.iter().position(|r| *r == d.rule).unwrap_or(0),
                "level": level(d.severity),
                "message": { "text": d.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri },
                        "region": region(m, &d.range),
                    }
                }],
            });
            if let Some(fix) = &d.fix {
                result["fixes"] = json!([{
                    "description": { "text": fix.title },
                    "artifactChanges": [{
                        "artifactLocation": { "uri": uri },
                        "replacements": fix.edits.iter().map(|e| json!({
                            "deletedRegion": region(m, &e.range),
                            "insertedContent": { "text": e.content },
                        })).collect::<Vec<_>>(),
                    }],
                }]);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "ssotlint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/ssotlint/ssotlint",
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}
