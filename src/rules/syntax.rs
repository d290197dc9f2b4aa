//! SSOT000 invalid-syntax: where the file does not parse. tree-sitter recovers from
//! errors, so without this rule a broken file would report only what it could read
//! ("All checks passed" for `def f(:`).

use crate::diagnostic::Diagnostic;
use crate::python::Span;
use crate::rules::context::FileContext;
use crate::rules::registry::{FixAvailability, Rule, RuleSpec, Severity};
use crate::source::TextRange;

pub const SSOT000: RuleSpec = RuleSpec {
    code: "SSOT000",
    name: "invalid-syntax",
    severity: Severity::Error,
    summary: "A syntax error: the file does not parse",
    fix: FixAvailability::None,
    needles: None,
    body: None,
    doc: "\
## What it does
Reports each syntax error: one diagnostic per region that tree-sitter could not parse,
at the first error or missing token of the region.

## Why is this bad?
Python will not import the file, and every other rule sees only what the parser could
recover, so a broken file would otherwise pass silently.

## Example
```python
def f(:   # SSOT000
    pass
```

## Suppression
A syntax error cannot be silenced by `# noqa` or `per-file-ignores` (a `noqa` comment
in a broken region is not reliably a comment). It is reported whatever the `select`
prefixes are; only an explicit `--ignore SSOT000` (or `lint.ignore = [\"SSOT000\"]`)
turns it off, and `--select SSOT000` shows syntax errors alone.
",
};

/// Longest excerpt of the unexpected text quoted in a message.
const EXCERPT: usize = 20;

pub fn check(ctx: &FileContext, out: &mut Vec<Diagnostic>) {
    if !ctx.is_enabled(Rule::InvalidSyntax) {
        return;
    }
    for range in regions(&ctx.facts.syntax_errors) {
        let message = match ctx.text(range.clone()).split_whitespace().next() {
            Some(token) => {
                let excerpt: String = token.chars().take(EXCERPT).collect();
                let more = if excerpt.len() < token.len() {
                    "…"
                } else {
                    ""
                };
                format!("syntax error: unexpected `{excerpt}{more}`")
            }
            None => "syntax error: a token is missing here".to_string(),
        };
        // Flag the first line of the region only: an error node can span the rest of the
        // file.
        let line_end = ctx
            .source
            .line_range(ctx.source.line_index(range.start))
            .end;
        let end = range.end.min(line_end).max(range.start);
        out.push(Diagnostic::new(
            Rule::InvalidSyntax,
            message,
            range.start..end,
        ));
    }
}

/// The first error node of each region: nodes that nest in or overlap an earlier one,
/// or start on the line where it ends, belong to its region.
fn regions(errors: &[Span]) -> Vec<TextRange> {
    let mut sorted: Vec<TextRange> = errors.iter().map(|s| s.range()).collect();
    sorted.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut out: Vec<TextRange> = Vec::new();
    let mut region_end = 0;
    for range in sorted {
        if !out.is_empty() && range.start <= region_end {
            region_end = region_end.max(range.end);
            continue;
        }
        region_end = range.end;
        out.push(range);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_and_overlapping_nodes_are_one_region() {
        assert_eq!(
            regions(&[10..20, 0..5, 12..14, 4..8, 30..30].map(Span::new)),
            vec![0..5, 10..20, 30..30]
        );
    }
}
