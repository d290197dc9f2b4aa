//! `# noqa` directives: the one parser, run once per comment by the scanner
//! (`scan::comments`), the one source of comments.
//! Suppression (`lint.rs`), `--add-noqa` (`noqa.rs`), the server's "add noqa" code
//! action and the project index all read the parsed [`NoqaDirective`], never the text.

use crate::source::{SourceText, TextRange};

/// The `# noqa` comment on 0-based `line`, if any. `comments` are in text order (as
/// facts hold them), so the line's are found by binary search, not by a scan per finding,
/// which grew with the square of a big file's size (issue 11). Suppression, `--add-noqa`
/// and the server's "disable for this line" all look a line's directive up here.
pub fn noqa_on_line<'a>(
    source: &SourceText,
    comments: &'a [Comment],
    line: usize,
) -> Option<&'a Comment> {
    let line_start = source.line_range(line).start;
    let from = comments.partition_point(|c| c.range.start < line_start);
    comments[from..]
        .iter()
        .take_while(|c| source.line_index(c.range.start) == line)
        .find(|c| c.noqa.is_some())
}

/// A comment of the source and its `# noqa` directive, if it holds one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub range: TextRange,
    pub noqa: Option<NoqaDirective>,
}

impl Comment {
    /// The comment at `range` of `text`, its directive parsed.
    pub fn new(text: &str, range: TextRange) -> Comment {
        let noqa = text.get(range.clone()).and_then(NoqaDirective::parse);
        Comment { range, noqa }
    }

    /// The insertion that makes this comment's `# noqa` cover `codes` too: `, A, B` just
    /// after its last listed code, at that byte offset of the text. `None` when it holds
    /// no directive or the directive covers them already. `--add-noqa` and the server's
    /// "disable for this line" both extend a directive this way.
    pub fn add_codes(&self, codes: &[&str]) -> Option<(usize, String)> {
        let directive = self.noqa.as_ref()?;
        let missing: Vec<&str> = codes
            .iter()
            .copied()
            .filter(|c| !directive.covers(c))
            .collect();
        if missing.is_empty() {
            return None;
        }
        let end = self.range.start + directive.codes_end()?;
        Some((end, format!(", {}", missing.join(", "))))
    }
}

/// `# noqa` (every code) or `# noqa: A, B` (those codes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoqaDirective {
    /// The listed codes, upper-cased, each with its range relative to the comment's
    /// start (where an edit adds a code after the last); empty: every code.
    pub codes: Vec<(String, TextRange)>,
}

impl NoqaDirective {
    /// Every code: `# noqa`.
    pub fn all() -> NoqaDirective {
        NoqaDirective { codes: Vec::new() }
    }

    /// Parse a comment's text, ruff-style: `# noqa`, `# NOQA:SSOT001,SSOT002`, also
    /// after another directive (`# type: ignore  # noqa`). The code list ends at the
    /// first word that is not a code; a colon with no code is `# noqa`.
    pub fn parse(comment: &str) -> Option<NoqaDirective> {
        // Most comments hold no `noqa` in any case: say so before copying them to lower
        // case (every comment of every file comes here).
        let b = comment.as_bytes();
        if !memchr::memchr2_iter(b'n', b'N', b).any(|i| {
            b.get(i..i + 4)
                .is_some_and(|w| w.eq_ignore_ascii_case(b"noqa"))
        }) {
            return None;
        }
        let lower = comment.to_ascii_lowercase();
        let mut search = 0;
        while let Some(found) = lower[search..].find("noqa") {
            let at = search + found;
            search = at + 4;
            if !lower[..at].trim_end().ends_with('#') {
                continue;
            }
            let rest = &comment[at + 4..];
            let trimmed = rest.trim_start();
            let Some(list) = trimmed.strip_prefix(':') else {
                if rest.chars().next().is_none_or(|c| !c.is_alphanumeric()) {
                    return Some(NoqaDirective::all());
                }
                continue;
            };
            let list_start = comment.len() - list.len();
            return Some(NoqaDirective {
                codes: codes_of(list, list_start),
            });
        }
        None
    }

    pub fn is_all(&self) -> bool {
        self.codes.is_empty()
    }

    pub fn covers(&self, code: &str) -> bool {
        self.is_all() || self.codes.iter().any(|(c, _)| c == code)
    }

    /// Offset, relative to the comment, just after the last listed code: where
    /// `, CODE` joins the list. `None` for `# noqa` (it covers every code already).
    pub fn codes_end(&self) -> Option<usize> {
        self.codes.last().map(|(_, range)| range.end)
    }
}

/// The codes at the start of `list` (separated by commas or whitespace), each with its
/// range shifted by `offset`.
fn codes_of(list: &str, offset: usize) -> Vec<(String, TextRange)> {
    let is_separator = |c: char| c == ',' || c.is_whitespace();
    let mut codes = Vec::new();
    let mut rest = list;
    loop {
        let start = list.len() - rest.trim_start_matches(is_separator).len();
        rest = &list[start..];
        let word = rest.split(is_separator).next().unwrap_or("");
        if word.is_empty() || !is_code(word) {
            return codes;
        }
        let range = offset + start..offset + start + word.len();
        codes.push((word.to_ascii_uppercase(), range));
        rest = &rest[word.len()..];
    }
}

/// `SSOT001`, `E501`: letters, then digits.
fn is_code(s: &str) -> bool {
    let letters = s.chars().take_while(|c| c.is_ascii_alphabetic()).count();
    letters > 0 && s.len() > letters && s[letters..].chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(comment: &str) -> Option<Vec<String>> {
        NoqaDirective::parse(comment).map(|d| d.codes.into_iter().map(|(c, _)| c).collect())
    }

    #[test]
    fn parses_ruff_style_directives() {
        assert_eq!(codes("# noqa"), Some(vec![]));
        assert_eq!(codes("# NOQA"), Some(vec![]));
        assert_eq!(codes("# noqa: "), Some(vec![]));
        assert_eq!(
            codes("# noqa: SSOT001, ssot002"),
            Some(vec!["SSOT001".into(), "SSOT002".into()])
        );
        assert_eq!(
            codes("# type: ignore  # noqa:SSOT003"),
            Some(vec!["SSOT003".into()])
        );
        assert_eq!(
            codes("# noqa: SSOT001 why not"),
            Some(vec!["SSOT001".into()])
        );
        assert_eq!(codes("# no qa"), None);
        assert_eq!(codes("# noqaxyz"), None);
        assert_eq!(codes("# see noqa docs"), None);
    }

    #[test]
    fn the_code_list_ends_after_its_last_code() {
        let end = |c: &str| NoqaDirective::parse(c).and_then(|d| d.codes_end());
        assert_eq!(end("# noqa: SSOT002"), Some(15));
        assert_eq!(end("# x  # NOQA:A1,B2 trailing"), Some(17));
        assert_eq!(end("# noqa: SSOT001, SSOT002  why"), Some(24));
        assert_eq!(end("# noqa"), None);
        let directive = NoqaDirective::parse("# noqa: SSOT001, E501").expect("directive");
        assert_eq!(directive.codes[1], ("E501".to_string(), 17..21));
        assert!(directive.covers("E501") && !directive.covers("SSOT002"));
    }

    #[test]
    fn add_codes_extends_the_list_with_the_missing_codes_only() {
        let text = "x = 1  # noqa: SSOT001 trailing words\n";
        let comment = Comment::new(text, 7..text.len() - 1);
        assert_eq!(
            comment.add_codes(&["SSOT001", "SSOT002", "SSOT101"]),
            Some((22, ", SSOT002, SSOT101".to_string()))
        );
        assert_eq!(comment.add_codes(&["SSOT001"]), None);
        let all = Comment::new("# noqa", 0..6);
        assert_eq!(all.add_codes(&["SSOT002"]), None);
        let plain = Comment::new("# just a comment", 0..16);
        assert_eq!(plain.add_codes(&["SSOT002"]), None);
    }
}
