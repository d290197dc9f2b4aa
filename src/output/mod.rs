//! Output formats. Each writer takes the files with diagnostics and writes one format;
//! the CLI, the hook and CI all go through here.

mod full;
mod json;
pub mod message;
mod sarif;

use std::io::{self, Write};
use std::path::Path;

use crate::diagnostic::FileReport;
use crate::rules::registry::Rule;

use message::{display_path, messages, Message};

pub use full::write_full;
pub use json::{json_value, write_gitlab, write_json};
pub use sarif::write_sarif;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Full,
    Concise,
    Json,
    Sarif,
    Github,
    Gitlab,
    Junit,
}

pub fn write(
    format: Format,
    files: &[FileReport],
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let messages = messages(files);
    match format {
        Format::Full => write_full(&messages, color, out),
        Format::Concise => write_concise(&messages, out),
        Format::Json => write_json(&messages, out),
        Format::Sarif => write_sarif(&messages, out),
        Format::Github => write_github(&messages, out),
        Format::Gitlab => write_gitlab(&messages, out),
        Format::Junit => write_junit(&messages, out),
    }
}

pub fn write_concise(messages: &[Message], out: &mut dyn Write) -> io::Result<()> {
    for m in messages {
        writeln!(
            out,
            "{}:{}:{}: {} {}",
            display_path(m.path),
            m.start.row,
            m.start.column,
            m.diagnostic.rule.code(),
            m.diagnostic.message
        )?;
    }
    Ok(())
}

/// GitHub Actions workflow commands (`::warning file=…::…`).
pub fn write_github(messages: &[Message], out: &mut dyn Write) -> io::Result<()> {
    for m in messages {
        let level = match m.diagnostic.severity {
            crate::rules::registry::Severity::Error => "error",
            crate::rules::registry::Severity::Warning => "warning",
            crate::rules::registry::Severity::Info => "notice",
        };
        let path = display_path(m.path);
        writeln!(
            out,
            "::{level} title=ssotlint ({code}),file={file},line={line},col={col},endLine={end_line},endColumn={end_col}::{path}:{line}:{col}: {code} {message}",
            code = m.diagnostic.rule.code(),
            file = github_escape_property(&path),
            line = m.start.row,
            col = m.start.column,
            end_line = m.end.row,
            end_col = m.end.column,
            path = github_escape_data(&path),
            message = github_escape_data(&m.diagnostic.message),
        )?;
    }
    Ok(())
}

fn github_escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn github_escape_property(s: &str) -> String {
    github_escape_data(s)
        .replace(':', "%3A")
        .replace(',', "%2C")
}

/// JUnit XML: one test suite per file, one failing test case per diagnostic.
pub fn write_junit(messages: &[Message], out: &mut dyn Write) -> io::Result<()> {
    let mut by_file: Vec<(&Path, Vec<&Message>)> = Vec::new();
    for m in messages {
        match by_file.last_mut() {
            Some((p, list)) if *p == m.path => list.push(m),
            _ => by_file.push((m.path, vec![m])),
        }
    }
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="ssotlint" tests="{n}" failures="{n}" errors="0">"#,
        n = messages.len()
    )?;
    for (path, list) in by_file {
        let path = xml_escape(&display_path(path));
        writeln!(
            out,
            r#"  <testsuite name="{path}" tests="{n}" failures="{n}" errors="0">"#,
            n = list.len()
        )?;
        for m in list {
            let code = m.diagnostic.rule.code();
            writeln!(
                out,
                r#"    <testcase name="org.ssotlint.{code}" classname="{path}" line="{row}" column="{col}">"#,
                row = m.start.row,
                col = m.start.column
            )?;
            writeln!(
                out,
                r#"      <failure message="{msg}">line {row}, col {col}, {msg}</failure>"#,
                msg = xml_escape(&m.diagnostic.message),
                row = m.start.row,
                col = m.start.column
            )?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// `--statistics`: one line per rule with its count, most frequent first.
pub fn write_statistics(files: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    let mut counts: std::collections::BTreeMap<Rule, (usize, usize)> = Default::default();
    for d in files.iter().flat_map(|f| &f.diagnostics) {
        let entry = counts.entry(d.rule).or_default();
        entry.0 += 1;
        if d.fix.is_some() {
            entry.1 += 1;
        }
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(&b.0)));
    let width = rows
        .iter()
        .map(|(_, (n, _))| n.to_string().len())
        .max()
        .unwrap_or(1);
    for (rule, (count, fixable)) in rows {
        let marker = if fixable > 0 { "[*]" } else { "[ ]" };
        writeln!(
            out,
            "{count:>width$}\t{}\t{marker} {}",
            rule.code(),
            rule.name()
        )?;
    }
    Ok(())
}
