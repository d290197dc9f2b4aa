//! JSON (ruff-compatible) and GitLab code-quality output.

use std::io::{self, Write};

use serde_json::{json, Value};

use super::message::{display_path, Message};
use crate::config::normalize;
use crate::source::SourceText;
use std::path::{Path, PathBuf};

fn location(source: &SourceText, offset: usize) -> Value {
    let l = source.location(offset);
    json!({ "row": l.row, "column": l.column })
}

/// One diagnostic as ruff's JSON schema has it (plus `severity`).
pub fn json_value(m: &Message) -> Value {
    let d = m.diagnostic;
    // Rename fixes resolve their references here; one that cannot be applied is `null`.
    let fix = d.fix.as_ref().and_then(|fix| {
        let edits = fix.edits_for(m.source.text())?;
        Some(json!({
            "applicability": fix.applicability,
            "message": fix.title,
            "edits": edits.iter().map(|e| json!({
                "content": e.content,
                "location": location(m.source, e.range.start),
                "end_location": location(m.source, e.range.end),
            })).collect::<Vec<_>>(),
        }))
    });
    json!({
        "cell": null,
        "code": d.rule.code(),
        "name": d.rule.name(),
        "message": d.message,
        "severity": d.severity,
        "filename": normalize(m.path).to_string_lossy(),
        "location": { "row": m.start.row, "column": m.start.column },
        "end_location": { "row": m.end.row, "column": m.end.column },
        "fix": fix,
        "noqa_row": m.start.row,
        "url": d.rule.url(),
    })
}

pub fn write_json(messages: &[Message], out: &mut dyn Write) -> io::Result<()> {
    let values: Vec<Value> = messages.iter().map(json_value).collect();
    serde_json::to_writer_pretty(&mut *out, &values)?;
    writeln!(out)
}

/// GitLab's code-quality report (a JSON array of issues).
pub fn write_gitlab(messages: &[Message], out: &mut dyn Write) -> io::Result<()> {
    let values: Vec<Value> = messages
        .iter()
        .map(|m| {
            let path = gitlab_path(m.path);
            let flagged = m.source.text().get(m.diagnostic.range.clone()).unwrap_or("");
            let severity = match m.diagnostic.severity {
                crate::rules::registry::Severity::Error => "critical",
                crate::rules::registry::Severity::Warning => "major",
                crate::rules::registry::Severity::Info => "info",
            };
            json!({
                "description": format!("{} {}", m.diagnostic.rule.code(), m.diagnostic.message),
                "check_name": m.diagnostic.rule.code(),
                "fingerprint": format!("{:016x}", fnv1a(&[path.as_bytes(), m.diagnostic.rule.code().as_bytes(), flagged.as_bytes(), m.diagnostic.message.as_bytes()])),
                "severity": severity,
                "location": { "path": path, "lines": { "begin": m.start.row, "end": m.end.row } },
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &values)?;
    writeln!(out)
}

/// The path GitLab shows and fingerprints: relative to `CI_PROJECT_DIR` when GitLab CI
/// sets it, else to the enclosing git repository's root, so it does not depend on the
/// directory ssotlint was started from. Outside both, the path as given.
fn gitlab_path(path: &Path) -> String {
    let absolute = normalize(path);
    let root = std::env::var_os("CI_PROJECT_DIR")
        .map(|d| normalize(Path::new(&d)))
        .filter(|d| absolute.starts_with(d))
        .or_else(|| repository_root(&absolute));
    match root.as_deref().and_then(|r| absolute.strip_prefix(r).ok()) {
        Some(relative) => display_path(relative),
        None => display_path(path),
    }
}

/// The nearest ancestor directory holding `.git` (a directory or a worktree's file).
fn repository_root(path: &Path) -> Option<PathBuf> {
    path.ancestors()
        .skip(1)
        .find(|dir| dir.join(".git").exists())
        .map(Path::to_path_buf)
}

/// FNV-1a over several byte strings: stable across runs, platforms and Rust versions.
pub fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in *part {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        hash ^= 0xff;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}
