//! The default human format: a header line and a code frame with the flagged span
//! underlined.

use std::io::{self, Write};

use super::message::{display_path, Message};

const BOLD: &str = "\x1b[1m";
const RED: &str = "\x1b[31m";
const CYAN: &str = "\x1b[36m";
const BLUE: &str = "\x1b[34m";
const RESET: &str = "\x1b[0m";

pub fn write_full(messages: &[Message], color: bool, out: &mut dyn Write) -> io::Result<()> {
    let paint = |code: &str, text: &str| {
        if color {
            format!("{code}{text}{RESET}")
        } else {
            text.to_string()
        }
    };
    for m in messages {
        let d = m.diagnostic;
        writeln!(
            out,
            "{}:{}:{}: {} {}",
            paint(BOLD, &display_path(m.path)),
            m.start.row,
            m.start.column,
            paint(RED, d.rule.code()),
            d.message
        )?;
        let first = m.start.row - 1;
        let last = (m.end.row - 1).max(first);
        // Show at most three lines of a multi-line span.
        let last_shown = last.min(first + 2);
        let gutter = (last_shown + 1).to_string().len();
        let bar = paint(BLUE, "|");
        writeln!(out, "{:gutter$} {bar}", "")?;
        for line in first..=last_shown {
            let text = m.source.line_text(line);
            let expanded = text.replace('\t', "    ");
            writeln!(
                out,
                "{} {bar} {expanded}",
                paint(BLUE, &format!("{:>gutter$}", line + 1))
            )?;
            let line_start = m.source.line_start(line);
            let from = if line == first {
                d.range.start - line_start
            } else {
                0
            };
            let to = if line == last {
                (d.range.end - line_start).min(text.len())
            } else {
                text.len()
            };
            let (Some(before), Some(span)) = (text.get(..from), text.get(from..to.max(from)))
            else {
                continue;
            };
            let pad = display_width(before);
            let width = display_width(span).max(1);
            let label = if line == last_shown {
                format!(" {}", d.rule.code())
            } else {
                String::new()
            };
            writeln!(
                out,
                "{:gutter$} {bar} {}{}",
                "",
                " ".repeat(pad),
                paint(RED, &format!("{}{label}", "^".repeat(width)))
            )?;
        }
        if let Some(fix) = &d.fix {
            writeln!(out, "{:gutter$} {bar}", "")?;
            let kind = match fix.applicability {
                crate::fix::Applicability::Safe => "fix",
                crate::fix::Applicability::Unsafe => "unsafe fix",
            };
            writeln!(out, "{:gutter$} = {}: {}", "", paint(CYAN, kind), fix.title)?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// Columns a text takes on a terminal (tabs as four spaces, one per scalar value).
fn display_width(s: &str) -> usize {
    s.chars().map(|c| if c == '\t' { 4 } else { 1 }).sum()
}
